// SPDX-License-Identifier: Apache-2.0
// `izhikevich_soma`: upstream's IzhikevichSoma (docs/models.md section 4.9) with the resting
// potential fixed (section 12.1), computed in the config dtype.
#pragma once
#include "somas/izhikevich_dynamics.hpp"
#include "somas/soma_component.hpp"

namespace spark::neurons {

template <typename T>
using izhikevich_soma = soma_component<izhikevich_dynamics<T>>;

} // namespace spark::neurons
