// SPDX-License-Identifier: Apache-2.0
// `leaky_soma`: upstream's LeakySoma, a leaky integrate-and-fire soma with exact exponential
// decay (docs/models.md section 4.1), computed in the config dtype.
#pragma once
#include "somas/leaky_dynamics.hpp"
#include "somas/soma_component.hpp"

namespace spark::neurons {

template <typename T>
using leaky_soma = soma_component<leaky_dynamics<T>>;

} // namespace spark::neurons
