// SPDX-License-Identifier: Apache-2.0
// The neuron types (docs/models.md sections 7.1, 7.2, plus izhikevich_neuron, which upstream
// lacks): one fused population (neuron/population.hpp) whose soma, synapses, delays and learning
// rule are whatever their nested configs name; a type only sets the defaults. Each step runs
// delays -> synapses (the kernel before learning) -> soma -> learning rule and relabels the soma's
// spikes with the population's inhibition bits.
#pragma once
#include <cstdint>

#include <spark/sdk/plugin.hpp>

#include "neuron/any_rule.hpp"
#include "neuron/any_soma.hpp"
#include "neuron/population.hpp"

namespace spark::neurons {

/// A neuron type: `Kind` names it and its default soma and learning rule.
template <typename T, typename Kind>
class neuron_type : public population<T, any_soma<T>, any_rule<T>> {
    using base = population<T, any_soma<T>, any_rule<T>>;

public:
    static constexpr const char* class_ref = Kind::class_ref;
    static constexpr std::int32_t kind = SPARK_KIND_NEURON;
    static constexpr const char* version = "1.1.0";
    static constexpr const char* description = Kind::description;
    static constexpr const char* example_config = R"({"units": [8]})";
    /// A population too large for one process runs as slices of its neurons, each computing
    /// what the whole computes for them (spark/abi/slices.h, neuron/population.hpp).
    static constexpr const char* slices_field = "units";

    static void declare(sdk::schema& s) { base::declare(s, Kind::soma, Kind::learning_rule); }

    neuron_type(const sdk::config_view& cfg, const sdk::instance_info& info)
        : base(cfg, info, class_ref) {}
};

struct lif_kind {
    static constexpr const char* class_ref = "lif_neuron";
    static constexpr const char* soma = "leaky_soma";
    static constexpr const char* learning_rule = "hebbian_rule";
    static constexpr const char* description =
        "leaky integrate-and-fire population: per-synapse delays, linear synapses, a leaky soma "
        "and Hebbian learning by default, with a fixed share of inhibitory neurons";
};

struct alif_kind {
    static constexpr const char* class_ref = "alif_neuron";
    static constexpr const char* soma = "adaptive_leaky_soma";
    static constexpr const char* learning_rule = "zenke_rule";
    static constexpr const char* description =
        "adaptive leaky integrate-and-fire population: per-synapse delays, linear synapses, a "
        "refractory soma with an adaptive threshold and Zenke's plasticity by default, with a "
        "fixed share of inhibitory neurons";
};

struct ad_ex_kind {
    static constexpr const char* class_ref = "ad_ex_neuron";
    static constexpr const char* soma = "adaptive_exponential_soma";
    static constexpr const char* learning_rule = "hebbian_rule";
    static constexpr const char* description =
        "adaptive exponential integrate-and-fire (AdEx) population: per-synapse delays, linear "
        "synapses, an AdEx soma and Hebbian learning by default, with a fixed share of inhibitory "
        "neurons";
};

struct izhikevich_kind {
    static constexpr const char* class_ref = "izhikevich_neuron";
    static constexpr const char* soma = "izhikevich_soma";
    static constexpr const char* learning_rule = "hebbian_rule";
    static constexpr const char* description =
        "Izhikevich population (not in upstream): per-synapse delays, linear synapses, an "
        "Izhikevich soma and Hebbian learning by default, with a fixed share of inhibitory "
        "neurons";
};

template <typename T>
using lif_neuron = neuron_type<T, lif_kind>;
template <typename T>
using alif_neuron = neuron_type<T, alif_kind>;
template <typename T>
using ad_ex_neuron = neuron_type<T, ad_ex_kind>;
template <typename T>
using izhikevich_neuron = neuron_type<T, izhikevich_kind>;

} // namespace spark::neurons
