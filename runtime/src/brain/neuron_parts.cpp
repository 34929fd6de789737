// SPDX-License-Identifier: Apache-2.0
// A neuron of parts run as a composition (neuron_parts.hpp). The wiring is upstream's neuron
// step (docs/models.md section 7.2; upstream 1.0 wires the same parts the same way): delays ->
// synapses -> soma -> learning rule, the soma stamping the neuron's inhibition mask, the rule
// reading the synapses' kernel and writing it back after the step.
#include "brain/neuron_parts.hpp"

#include <algorithm>
#include <array>
#include <optional>
#include <string_view>
#include <utility>

#include <boost/json.hpp>

#include <spark/abi/capabilities.h>
#include <spark/registry/composition.hpp>
#include <spark/registry/module_type_info.hpp>

#include "neurons/neuron_definition.hpp"
#include "neurons/type_lookup.hpp"

namespace spark::runtime::detail {
namespace {

// The part fields of a neuron of parts, in the order its step runs them.
constexpr std::array<std::string_view, 4> roles = {"delays", "synapses", "soma", "learning_rule"};

/// The config of one part: the neuron's nested config with what the neuron decides for its
/// parts (as upstream's neuron does): its units, dtype and dt, and per-synapse spikes where the
/// delays deliver per synapse.
module_config part_config(const registry::plugin_registry& registry,
                          const module_config& neuron,
                          const module_config& nested,
                          std::string_view role,
                          bool async) {
    auto json = boost::json::parse(nested.to_json()).as_object();
    json["dtype"] = neuron.dtype() == SPARK_DTYPE_F64 ? "float64" : "float32";
    json["dt"] = neuron.dt();
    const auto& type = *nested.type().abi;
    if (has_field(type, "units", SPARK_FIELD_INT_ARRAY)) {
        const auto& units = neuron.value("units");
        boost::json::array dims;
        for (std::uint32_t a = 0; a < units.count; ++a) {
            dims.push_back(units.ints[a]);
        }
        json["units"] = std::move(dims);
    }
    if (has_field(type, "async_spikes", SPARK_FIELD_BOOL)) {
        json["async_spikes"] = async;
    }
    return {registry,
            nested.type(),
            boost::json::serialize(json),
            neuron.path() + "/" + std::string(role),
            config_mode::strict,
            neuron.vendor_preference()};
}

registry::module_instance create_from_parts(const registry::plugin_registry& registry,
                                            const module_config& neuron,
                                            const std::string& name,
                                            std::vector<registry::host_service> services) {
    const module_config* nested[roles.size()] = {};
    for (std::size_t r = 0; r < roles.size(); ++r) {
        nested[r] = neuron.nested(roles[r]);
    }
    const bool delayed = nested[0] != nullptr;
    const bool async = delayed && delivers_per_synapse(nested[0]->type());
    std::vector<module_config> configs;
    configs.reserve(roles.size());
    registry::composition c;
    std::vector<std::string> present;
    for (std::size_t r = 0; r < roles.size(); ++r) {
        if (nested[r] != nullptr) {
            configs.push_back(part_config(registry, neuron, *nested[r], roles[r], async));
            present.emplace_back(roles[r]);
        }
    }
    for (std::size_t p = 0; p < configs.size(); ++p) {
        c.parts.push_back({present[p], &configs[p].type(), &configs[p].abi()});
    }
    const auto part_type = [&](std::string_view role) -> const spark_module_type_t* {
        for (std::size_t p = 0; p < present.size(); ++p) {
            if (present[p] == role) {
                return configs[p].type().abi;
            }
        }
        return nullptr;
    };
    // Without delays, the synapses and the rule read the neuron's input directly.
    const std::string spikes_from = delayed ? "delays" : registry::composition_inputs;
    const std::string spikes_port = delayed ? "out_spikes" : "in_spikes";
    if (delayed) {
        c.wires.push_back({"delays", "in_spikes", registry::composition_inputs, "in_spikes"});
    }
    c.wires.push_back({"synapses", "spikes", spikes_from, spikes_port});
    if (async && find_port(*part_type("synapses"), "delays", SPARK_PORT_INPUT) != nullptr) {
        // Each current sums its spikes oldest emission first, as the fused kernel does.
        c.wires.push_back({"synapses", "delays", "delays", "kernel", true});
    }
    c.wires.push_back({"soma", "current", "synapses", "currents"});
    if (find_port(*part_type("soma"), "inhibition_mask", SPARK_PORT_INPUT) != nullptr) {
        c.wires.push_back(
            {"soma", "inhibition_mask", registry::composition_self, "inhibition_mask", true});
    }
    if (const auto* rule = part_type("learning_rule")) {
        c.wires.push_back({"learning_rule", "pre_spikes", spikes_from, spikes_port});
        c.wires.push_back({"learning_rule", "post_spikes", "soma", "spikes"});
        c.wires.push_back({"learning_rule", "current_kernel", "synapses", "kernel", true});
        // A third factor (reward, modulation) comes from the neuron's modulation input.
        for (std::uint32_t p = 0; p < rule->port_count; ++p) {
            const std::string_view port = rule->ports[p].name;
            if (rule->ports[p].direction == SPARK_PORT_INPUT && port != "pre_spikes" &&
                port != "post_spikes" && port != "current_kernel") {
                c.wires.push_back({"learning_rule",
                                   std::string(port),
                                   registry::composition_inputs,
                                   "modulation"});
            }
        }
        c.effects.push_back({"synapses", "kernel", "learning_rule", "kernel"});
    }
    c.outputs.push_back({"out_spikes", "soma", "spikes"});
    return registry.create_composite(neuron.type(), c, neuron.abi(), name, std::move(services));
}

} // namespace

bool is_neuron_of_parts(const registry::module_type_info& type) {
    if (type.abi->kind != SPARK_KIND_NEURON) {
        return false;
    }
    return std::all_of(roles.begin(), roles.end(), [&](std::string_view role) {
        return has_field(*type.abi, role, SPARK_FIELD_CONFIG);
    });
}

bool delivers_per_synapse(const registry::module_type_info& delays) {
    if (delays.canonical_id == "spark.n2n_delays") {
        return true;
    }
    for (std::uint32_t p = 0; p < delays.abi->port_count; ++p) {
        const auto& port = delays.abi->ports[p];
        if (port.direction == SPARK_PORT_OUTPUT && std::string_view(port.name) == "out_spikes") {
            return port.shape_rule == SPARK_SHAPE_COMPUTED && port.shape_ref != nullptr &&
                   std::string_view(port.shape_ref).starts_with("units");
        }
    }
    return false;
}

bool names_foreign_part(const module_config& cfg) {
    const auto* caps = registry::capabilities(cfg.type());
    if (caps == nullptr || !is_neuron_of_parts(cfg.type())) {
        return false;
    }
    for (std::uint32_t n = 0; n < caps->nested_count; ++n) {
        const auto& accepts = caps->nested[n];
        const auto* nested = cfg.nested(accepts.field);
        if (nested == nullptr || accepts.count == 0) {
            continue; // none, or any type of its kind
        }
        const auto& id = nested->type().canonical_id;
        const bool known = std::any_of(accepts.class_refs,
                                       accepts.class_refs + accepts.count,
                                       [&](const char* ref) { return id == ref; });
        if (!known) {
            return true;
        }
    }
    return false;
}

std::vector<std::pair<std::string, const registry::module_type_info*>>
parts_of(const module_config& cfg) {
    if (const auto* definition = neuron_definition_of(cfg.type())) {
        if (definition->runs_fused_as() != nullptr) {
            return {}; // a fused kernel runs it
        }
        return definition->parts();
    }
    std::vector<std::pair<std::string, const registry::module_type_info*>> parts;
    if (!is_neuron_of_parts(cfg.type()) || !names_foreign_part(cfg)) {
        return parts;
    }
    for (const auto role : roles) {
        if (const auto* nested = cfg.nested(role)) {
            parts.emplace_back(std::string(role), &nested->type());
        }
    }
    return parts;
}

registry::module_instance create_module(const registry::plugin_registry& registry,
                                        const module_config& cfg,
                                        const std::string& name,
                                        std::vector<registry::host_service> services,
                                        neuron_path path) {
    const bool from_parts =
        is_neuron_of_parts(cfg.type()) && (path == neuron_path::parts || names_foreign_part(cfg));
    if (from_parts) {
        return create_from_parts(registry, cfg, name, std::move(services));
    }
    return registry.create(cfg.type(), cfg.abi(), name, std::move(services));
}

} // namespace spark::runtime::detail
