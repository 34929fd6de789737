// SPDX-License-Identifier: Apache-2.0
// The ports every soma shares (upstream's Soma base class): a current and an optional inhibition
// mask in (upstream 1.0 stamps the mask into the spikes), spikes and the rebased membrane
// potential out, both shaped like the current (the soma's `units`); and the potential again as a
// read-only property (upstream 1.0's `soma.potential`, docs/adr/0013-neurons-as-compositions.md).
#pragma once
#include <cstddef>

#include <spark/sdk/schema.hpp>

namespace spark::neurons {

/// Port indices, in declaration order per direction.
inline constexpr std::size_t soma_current = 0;         // input
inline constexpr std::size_t soma_inhibition_mask = 1; // input, optional
inline constexpr std::size_t soma_spikes = 0;          // output
inline constexpr std::size_t soma_potential = 1;       // output
inline constexpr std::size_t soma_potential_property = 0;

inline void declare_soma_ports(sdk::schema& s) {
    s.input("current", SPARK_PAYLOAD_FLOAT, "current_array")
        .any()
        .description("input current [pA]");
    s.output("spikes", SPARK_PAYLOAD_SPIKES, "spike_array")
        .like_port("current")
        .description("1 where the neuron fired this step, plus 2 where inhibition_mask is 1");
    s.output("potential", SPARK_PAYLOAD_FLOAT, "potential_array")
        .like_port("current")
        .description("membrane potential relative to rest after the spike reset [mV]");
    // Declared last, so that the first three ports stay where they were before upstream 1.0.
    s.input("inhibition_mask", SPARK_PAYLOAD_BOOL_MASK, "boolean_mask")
        .any()
        .optional()
        .description("1 for an inhibitory neuron (as many as the current): its spikes carry the "
                     "inhibition bit");
    s.property("potential", SPARK_PAYLOAD_FLOAT, "potential_array")
        .like_port("current")
        .description("membrane potential relative to rest after this step's reset [mV]");
}

} // namespace spark::neurons
