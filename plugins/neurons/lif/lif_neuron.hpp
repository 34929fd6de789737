// SPDX-License-Identifier: Apache-2.0
// `lif_neuron`: upstream's LIFNeuron (upstream-models.md sections 7.1, 7.2): n2n_delays ->
// linear_synapses -> leaky_soma -> hebbian_rule, fused and event-driven (neuron/population.hpp):
// a step costs per presynaptic spike and per postsynaptic spike, plus O(units) for the soma,
// never O(pre x post) when activity is sparse.
#pragma once
#include <cstdint>

#include <spark/sdk/plugin.hpp>

#include "learning/hebbian_learning.hpp"
#include "neuron/population.hpp"
#include "somas/leaky_dynamics.hpp"

namespace spark::neurons {

template <typename T>
class lif_neuron : public population<T, leaky_dynamics<T>, hebbian_learning<T>> {
    using base = population<T, leaky_dynamics<T>, hebbian_learning<T>>;

public:
    static constexpr const char* class_ref = "lif_neuron";
    static constexpr std::int32_t kind = SPARK_KIND_NEURON;
    static constexpr const char* version = "1.0.0";
    static constexpr const char* description =
        "leaky integrate-and-fire population: per-synapse delays, linear synapses, a leaky soma "
        "and Hebbian learning, with a fixed share of inhibitory neurons";

    static void declare(sdk::schema& s) { base::declare(s); }

    lif_neuron(const sdk::config_view& cfg, const sdk::instance_info& info)
        : base(cfg, info, class_ref) {}
};

} // namespace spark::neurons
