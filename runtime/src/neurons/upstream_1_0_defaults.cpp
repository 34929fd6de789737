// SPDX-License-Identifier: Apache-2.0
#include "neurons/upstream_1_0_defaults.hpp"

#include <string>
#include <string_view>

namespace spark::runtime::detail {
namespace {

struct neuron_parts {
    std::string_view neuron;
    std::string_view synapses;
    std::string_view soma;
};

// Upstream 1.0's lif/alif/ad_ex neurons (ALIF and AdEx now use traced synapses and the Hebbian
// rule; ALIF used Zenke's rule before); izhikevich_neuron is ours, with its fused defaults.
constexpr neuron_parts defaults[] = {
    {"spark.lif_neuron", "linear_synapses", "leaky_soma"},
    {"spark.alif_neuron", "traced_synapses", "adaptive_leaky_soma"},
    {"spark.ad_ex_neuron", "traced_synapses", "adaptive_exponential_soma"},
    {"spark.izhikevich_neuron", "linear_synapses", "izhikevich_soma"},
};

upstream_v1::port_map from(std::string origin, std::string port, bool is_property = false) {
    return {std::move(origin), std::move(port), is_property};
}

upstream_v1::module_specs part(std::string name, std::string_view type) {
    upstream_v1::module_specs spec;
    spec.name = std::move(name);
    spec.module_cls = {std::string(type), upstream_v1::subregistry::modules};
    return spec;
}

/// Where upstream writes null for "none", our fields say it with their defaults: an
/// initializer's min_value / max_value (no bound: the extreme finite doubles), the exponential
/// integrator's output_map ([]: equal groups).
void drop_null_bounds(boost::json::object& config) {
    for (const char* bound : {"min_value", "max_value", "output_map"}) {
        if (const auto* value = config.if_contains(bound); value != nullptr && value->is_null()) {
            config.erase(bound);
        }
    }
    for (auto& entry : config) {
        if (entry.value().is_object()) {
            drop_null_bounds(entry.value().get_object());
        }
    }
}

} // namespace

void apply_upstream_1_0_defaults(const registry::module_type_info& type,
                                 boost::json::object& config) {
    if (type.canonical_id == "spark.hebbian_rule" && !config.contains("eta")) {
        config["eta"] = 0.01;
    }
    drop_null_bounds(config);
}

std::optional<upstream_v1::neuron_config>
upstream_1_0_default_neuron(const registry::module_type_info& type) {
    for (const auto& d : defaults) {
        if (type.canonical_id != d.neuron) {
            continue;
        }
        // delays -> synapses -> soma -> hebbian_rule, the rule writing the synapses' kernel.
        upstream_v1::neuron_config neuron;
        auto delays = part("delays", "n2n_delays");
        delays.inputs.push_back({"in_spikes", {from("__call__", "in_spikes")}});
        auto synapses = part("synapses", d.synapses);
        synapses.inputs.push_back({"spikes", {from("delays", "out_spikes")}});
        synapses.effects.push_back({"kernel", {from("hebbian_rule", "kernel")}});
        auto soma = part("soma", d.soma);
        soma.inputs.push_back({"current", {from("synapses", "currents")}});
        soma.inputs.push_back({"inhibition_mask", {from("__self__", "inhibition_mask", true)}});
        soma.outputs.push_back({"out_spikes", "spikes"});
        auto rule = part("hebbian_rule", "hebbian_rule");
        rule.inputs.push_back({"pre_spikes", {from("delays", "out_spikes")}});
        rule.inputs.push_back({"post_spikes", {from("soma", "spikes")}});
        rule.inputs.push_back({"kernel", {from("synapses", "kernel", true)}});
        neuron.modules_specs = {delays, synapses, soma, rule};
        return neuron;
    }
    return std::nullopt;
}

} // namespace spark::runtime::detail
