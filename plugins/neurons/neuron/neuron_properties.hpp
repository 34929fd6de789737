// SPDX-License-Identifier: Apache-2.0
// The properties every fused neuron offers (ABI 1.1, spark/abi/properties.h): its parts' values
// by upstream 1.0's names (`soma.potential`, `synapses.kernel`, `delays.kernel`) and its own
// `inhibition_mask`. The same neuron run from its parts serves the same names from the parts
// themselves (registry/src/composite_module.cpp), so a recording or a reader never needs to know
// which of the two runs: the values are the same bits (docs/adr/0013-neurons-as-compositions.md).
#pragma once
#include <cstddef>
#include <cstring>
#include <string_view>

#include <spark/sdk/module.hpp>
#include <spark/sdk/schema.hpp>

#include "common/component_shapes.hpp"

namespace spark::neurons {

/// Property indices, in declaration order.
inline constexpr std::size_t neuron_soma_potential = 0;
inline constexpr std::size_t neuron_synapses_kernel = 1;
inline constexpr std::size_t neuron_delays_kernel = 2;
inline constexpr std::size_t neuron_inhibition_mask = 3;

/// The shapes and payloads are the parts' own (soma_ports.hpp, synapse_component.hpp,
/// n2n_delays.hpp, n_delays.hpp), so that either way of running gives one spec.
inline void declare_neuron_properties(sdk::schema& s) {
    s.property("soma.potential", SPARK_PAYLOAD_FLOAT, "potential_array")
        .from_field("units")
        .description("the soma's membrane potential relative to rest after this step's reset "
                     "[mV]");
    s.property("synapses.kernel", SPARK_PAYLOAD_FLOAT, "float_array")
        .computed("units ⊕ shape of in_spikes")
        .writable()
        .description("the weights W[post, pre] [pA] the next step delivers with (after this "
                     "step's learning)");
    s.property("delays.kernel", SPARK_PAYLOAD_INT, "integer_array")
        .computed("units ⊕ shape of in_spikes (n2n_delays), shape of in_spikes (n_delays); none "
                  "without delays")
        .writable()
        .description("the delays in steps, D[post, pre] or D[pre], each in [0, max_delay / dt]; "
                     "unavailable when the neuron has no delays");
    s.property("inhibition_mask", SPARK_PAYLOAD_BOOL_MASK, "boolean_mask")
        .from_field("units")
        .description("1 for an inhibitory neuron, whose spikes carry the inhibition bit");
}

/// Copies the soma policy's rebased potential (the state array `potential` every soma keeps, as
/// the soma component's `potential` property reads it) into `out`.
template <typename T, typename Soma>
void read_soma_potential(Soma& soma, const spark_shape_t& units, void* out) {
    sdk::state_list s;
    soma.state(s, units);
    for (const auto& a : s.arrays()) {
        if (std::string_view(a.name) == "potential") {
            std::memcpy(out, a.data, count_of(units) * sizeof(T));
            return;
        }
    }
    throw sdk::status_error(SPARK_ERR_PLUGIN, "the soma keeps no state array 'potential'");
}

} // namespace spark::neurons
