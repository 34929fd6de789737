// SPDX-License-Identifier: Apache-2.0
// `exponential_soma`, `refractory_exponential_soma`, `adaptive_exponential_soma` and
// `simplified_adaptive_exponential_soma`: upstream's exponential integrate-and-fire somas
// (docs/models.md sections 4.5-4.8), computed in the config dtype.
#pragma once
#include "somas/exponential_dynamics.hpp"
#include "somas/refractory_exponential_dynamics.hpp"
#include "somas/soma_component.hpp"

namespace spark::neurons {

template <typename T>
using exponential_soma = soma_component<exponential_dynamics<T>>;

template <typename T>
using refractory_exponential_soma = soma_component<refractory_exponential_dynamics<T>>;

template <typename T>
using adaptive_exponential_soma = soma_component<adaptive_exponential_dynamics<T>>;

template <typename T>
using simplified_adaptive_exponential_soma =
    soma_component<simplified_adaptive_exponential_dynamics<T>>;

} // namespace spark::neurons
