// SPDX-License-Identifier: Apache-2.0
#include "neurons/fused_equivalent.hpp"

#include <algorithm>
#include <array>
#include <tuple>

#include <spark/abi/capabilities.h>

#include "brain/neuron_parts.hpp"
#include "neurons/type_lookup.hpp"

namespace spark::runtime::detail {
namespace {

using wire_key = std::tuple<std::string, std::string, std::string, std::string, bool>;

constexpr std::array<std::string_view, 4> fused_neurons = {
    "lif_neuron", "alif_neuron", "ad_ex_neuron", "izhikevich_neuron"};

/// Whether `fused`'s field `field` takes `part` (nullptr: none, which the field must allow).
bool takes(const registry::module_type_info& fused,
           std::string_view field,
           const registry::module_type_info* part) {
    const auto* desc = find_field(*fused.abi, field);
    if (desc == nullptr || desc->type != SPARK_FIELD_CONFIG) {
        return false;
    }
    if (part == nullptr) {
        return (desc->flags & SPARK_FIELD_NULLABLE) != 0;
    }
    const auto* caps = registry::capabilities(fused);
    if (caps == nullptr) {
        return false;
    }
    for (std::uint32_t n = 0; n < caps->nested_count; ++n) {
        const auto& accepts = caps->nested[n];
        if (field != accepts.field) {
            continue;
        }
        return std::any_of(accepts.class_refs, accepts.class_refs + accepts.count, [&](auto ref) {
            return part->canonical_id == ref;
        });
    }
    return false; // a field without a list: the fused kernel names no part it knows
}

/// The wires of the fused neuron's parts (runtime/src/brain/neuron_parts.cpp) under the names
/// delays, synapses, soma and `rule`.
std::vector<wire_key> fused_wires(const registry::module_type_info* delays,
                                  const registry::module_type_info& synapses,
                                  const registry::module_type_info& soma,
                                  const registry::module_type_info* rule,
                                  const std::string& rule_name) {
    const std::string call = registry::composition_inputs;
    const std::string from = delays != nullptr ? "delays" : call;
    const std::string port = delays != nullptr ? "out_spikes" : "in_spikes";
    std::vector<wire_key> wires;
    if (delays != nullptr) {
        wires.emplace_back("delays", "in_spikes", call, "in_spikes", false);
    }
    wires.emplace_back("synapses", "spikes", from, port, false);
    if (delays != nullptr && delivers_per_synapse(*delays) &&
        find_port(*synapses.abi, "delays", SPARK_PORT_INPUT) != nullptr) {
        wires.emplace_back("synapses", "delays", "delays", "kernel", true);
    }
    wires.emplace_back("soma", "current", "synapses", "currents", false);
    if (find_port(*soma.abi, "inhibition_mask", SPARK_PORT_INPUT) != nullptr) {
        wires.emplace_back(
            "soma", "inhibition_mask", registry::composition_self, "inhibition_mask", true);
    }
    if (rule != nullptr) {
        wires.emplace_back(rule_name, "pre_spikes", from, port, false);
        wires.emplace_back(rule_name, "post_spikes", "soma", "spikes", false);
        wires.emplace_back(rule_name, "current_kernel", "synapses", "kernel", true);
        for (std::uint32_t p = 0; p < rule->abi->port_count; ++p) {
            const std::string_view name = rule->abi->ports[p].name;
            if (rule->abi->ports[p].direction == SPARK_PORT_INPUT && name != "pre_spikes" &&
                name != "post_spikes" && name != "current_kernel") {
                wires.emplace_back(rule_name, std::string(name), call, "modulation", false);
            }
        }
    }
    std::sort(wires.begin(), wires.end());
    return wires;
}

/// Whether a neuron with ports `ports` can stand for `fused`: each of its inputs is an input of
/// the fused type with the same payload, every required input of the fused type is among them,
/// and the outputs are the same.
bool same_ports(const registry::module_type_info& fused,
                const std::vector<spark_port_desc_t>& ports) {
    std::size_t outputs = 0;
    for (const auto& p : ports) {
        const auto* theirs = find_port(*fused.abi, p.name, p.direction);
        if (theirs == nullptr || theirs->payload_kind != p.payload_kind) {
            return false;
        }
        outputs += p.direction == SPARK_PORT_OUTPUT ? 1U : 0U;
    }
    std::size_t fused_outputs = 0;
    for (std::uint32_t k = 0; k < fused.abi->port_count; ++k) {
        const auto& port = fused.abi->ports[k];
        fused_outputs += port.direction == SPARK_PORT_OUTPUT ? 1U : 0U;
        const bool ours = std::any_of(ports.begin(), ports.end(), [&](const auto& p) {
            return std::string_view(p.name) == port.name && p.direction == port.direction;
        });
        if (port.direction == SPARK_PORT_INPUT && port.required && !ours) {
            return false;
        }
    }
    return outputs == fused_outputs;
}

} // namespace

std::optional<fused_match> find_fused_equivalent(
    const registry::plugin_registry& registry,
    std::string_view preferred,
    const std::vector<std::pair<std::string, const registry::module_type_info*>>& parts,
    const registry::composition& wiring,
    const std::vector<spark_port_desc_t>& ports) {
    // The parts by role: delays, synapses and soma by name (so that a property keeps its name,
    // soma.potential, on either path), the rule whatever its name.
    const registry::module_type_info* delays = nullptr;
    const registry::module_type_info* synapses = nullptr;
    const registry::module_type_info* soma = nullptr;
    const registry::module_type_info* rule = nullptr;
    std::string rule_name;
    for (const auto& [name, type] : parts) {
        auto& slot = name == "delays"     ? delays
                     : name == "synapses" ? synapses
                     : name == "soma"     ? soma
                                          : rule;
        if (slot != nullptr) {
            return std::nullopt; // two rules, or a part twice
        }
        slot = type;
        if (&slot == &rule) {
            rule_name = name;
        }
    }
    if (synapses == nullptr || soma == nullptr) {
        return std::nullopt;
    }
    std::vector<wire_key> wires;
    for (const auto& w : wiring.wires) {
        wires.emplace_back(w.part, w.port, w.origin, w.source, w.is_property);
    }
    std::sort(wires.begin(), wires.end());
    if (wires != fused_wires(delays, *synapses, *soma, rule, rule_name)) {
        return std::nullopt;
    }
    const bool effects_fit = rule == nullptr ? wiring.effects.empty()
                                             : wiring.effects.size() == 1 &&
                                                   wiring.effects[0].part == "synapses" &&
                                                   wiring.effects[0].property == "kernel" &&
                                                   wiring.effects[0].origin == rule_name &&
                                                   wiring.effects[0].source == "kernel";
    const bool outputs_fit = wiring.outputs.size() == 1 && wiring.outputs[0].port == "out_spikes" &&
                             wiring.outputs[0].part == "soma" &&
                             wiring.outputs[0].source == "spikes";
    if (!effects_fit || !outputs_fit) {
        return std::nullopt;
    }
    std::vector<std::string> candidates = {"spark." + std::string(preferred)};
    for (const auto name : fused_neurons) {
        candidates.push_back("spark." + std::string(name));
    }
    for (const auto& id : candidates) {
        const registry::module_type_info* fused = nullptr;
        try {
            fused = &registry.resolve(id);
        } catch (const spark::error&) {
            continue;
        }
        if (fused->abi->kind != SPARK_KIND_NEURON || !takes(*fused, "delays", delays) ||
            !takes(*fused, "synapses", synapses) || !takes(*fused, "soma", soma) ||
            !takes(*fused, "learning_rule", rule) || !same_ports(*fused, ports)) {
            continue;
        }
        return fused_match{fused, rule_name, delays != nullptr};
    }
    return std::nullopt;
}

} // namespace spark::runtime::detail
