// SPDX-License-Identifier: Apache-2.0
// `traced_synapses`, `rd_traced_synapses`, `rfs_traced_synapses`: upstream's TracedSynapses,
// RDTracedSynapses and RFSTracedSynapses (docs/models.md sections 5.2-5.4): linear_synapses'
// fields and ports plus their tracer fields; the linear current through the model's filter
// (synapses/traced_filters.hpp), kept per postsynaptic neuron.
#pragma once
#include "synapses/synapse_component.hpp"
#include "synapses/traced_filters.hpp"

namespace spark::neurons {

template <typename T>
using traced_synapses = synapse_component<traced_filter<T>>;
template <typename T>
using rd_traced_synapses = synapse_component<rd_traced_filter<T>>;
template <typename T>
using rfs_traced_synapses = synapse_component<rfs_traced_filter<T>>;

} // namespace spark::neurons
