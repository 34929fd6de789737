// SPDX-License-Identifier: Apache-2.0
// `strict_refractory_leaky_soma`: upstream's StrictRefractoryLeakySoma (docs/models.md
// section 4.3), computed in the config dtype.
#pragma once
#include "somas/soma_component.hpp"
#include "somas/strict_refractory_dynamics.hpp"

namespace spark::neurons {

template <typename T>
using strict_refractory_leaky_soma = soma_component<strict_refractory_leaky_dynamics<T>>;

} // namespace spark::neurons
