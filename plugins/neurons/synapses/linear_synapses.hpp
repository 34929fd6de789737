// SPDX-License-Identifier: Apache-2.0
// `linear_synapses`: upstream's LinearSynapses (docs/models.md section 5.1): currents
// I[o] = sum_i W[o, i] * sigma_i * s_i, where sigma_i = -1 for an inhibitory presynaptic neuron.
// The synapse component with the identity current filter.
#pragma once
#include "synapses/current_filter.hpp"
#include "synapses/synapse_component.hpp"

namespace spark::neurons {

template <typename T>
using linear_synapses = synapse_component<linear_filter<T>>;

} // namespace spark::neurons
