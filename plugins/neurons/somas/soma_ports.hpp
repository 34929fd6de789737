// SPDX-License-Identifier: Apache-2.0
// The ports every soma shares (upstream's Soma base class): a current in, spikes and the rebased
// membrane potential out, both shaped like the current (the soma's `units`).
#pragma once
#include <cstddef>

#include <spark/sdk/schema.hpp>

namespace spark::neurons {

/// Port indices, in declaration order per direction.
inline constexpr std::size_t soma_current = 0;   // input
inline constexpr std::size_t soma_spikes = 0;    // output
inline constexpr std::size_t soma_potential = 1; // output

inline void declare_soma_ports(sdk::schema& s) {
    s.input("current", SPARK_PAYLOAD_FLOAT, "current_array")
        .any()
        .description("input current [pA]");
    s.output("spikes", SPARK_PAYLOAD_SPIKES, "spike_array")
        .like_port("current")
        .description("1 where the neuron fired this step (no inhibition bit)");
    s.output("potential", SPARK_PAYLOAD_FLOAT, "potential_array")
        .like_port("current")
        .description("membrane potential relative to rest after the spike reset [mV]");
}

} // namespace spark::neurons
