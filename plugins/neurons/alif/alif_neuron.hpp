// SPDX-License-Identifier: Apache-2.0
// `alif_neuron`: upstream's ALIFNeuron (upstream-models.md sections 7.1, 7.2): n2n_delays ->
// linear_synapses -> adaptive_leaky_soma (refractory, adaptive threshold; section 4.4) ->
// zenke_rule (section 6.3), fused (neuron/population.hpp). Delivery and the soma are
// event-driven like lif_neuron's; Zenke's target trace is dense, O(pre x post) per step.
#pragma once
#include <cstdint>

#include <spark/sdk/plugin.hpp>

#include "learning/zenke_learning.hpp"
#include "neuron/population.hpp"
#include "somas/refractory_dynamics.hpp"

namespace spark::neurons {

template <typename T>
class alif_neuron : public population<T, adaptive_leaky_dynamics<T>, zenke_learning<T>> {
    using base = population<T, adaptive_leaky_dynamics<T>, zenke_learning<T>>;

public:
    static constexpr const char* class_ref = "alif_neuron";
    static constexpr std::int32_t kind = SPARK_KIND_NEURON;
    static constexpr const char* version = "1.0.0";
    static constexpr const char* description =
        "adaptive leaky integrate-and-fire population: per-synapse delays, linear synapses, a "
        "refractory soma with an adaptive threshold and Zenke's plasticity, with a fixed share of "
        "inhibitory neurons";

    static void declare(sdk::schema& s) { base::declare(s); }

    alif_neuron(const sdk::config_view& cfg, const sdk::instance_info& info)
        : base(cfg, info, class_ref) {}
};

} // namespace spark::neurons
