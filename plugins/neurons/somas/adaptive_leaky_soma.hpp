// SPDX-License-Identifier: Apache-2.0
// `refractory_leaky_soma` and `adaptive_leaky_soma`: upstream's RefractoryLeakySoma and
// AdaptiveLeakySoma (docs/models.md sections 4.2 and 4.4), computed in the config dtype.
#pragma once
#include "somas/refractory_dynamics.hpp"
#include "somas/soma_component.hpp"

namespace spark::neurons {

template <typename T>
using refractory_leaky_soma = soma_component<refractory_leaky_dynamics<T>>;

template <typename T>
using adaptive_leaky_soma = soma_component<adaptive_leaky_dynamics<T>>;

} // namespace spark::neurons
