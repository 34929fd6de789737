// SPDX-License-Identifier: Apache-2.0
// brain_config::to_upstream_1_0(): an af523a5 brain rewritten as an upstream 1.0 brain that runs
// the same (docs/file-format.md section 2.6.7). Every module config is written whole, as the
// af523a5 brain resolves it (every field and every seed), so that none of 1.0's other defaults
// can change what it means; a neuron of parts becomes a 1.0 neuron config wired as
// runtime/src/brain/neuron_parts.cpp wires its parts, in 1.0's spelling.
#include <algorithm>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/json.hpp>

#include <spark/abi/module.h>
#include <spark/abi/schema.h>
#include <spark/runtime/brain_config.hpp>
#include <spark/runtime/errors.hpp>
#include <spark/runtime/module_config.hpp>

#include "brain/brain_plan.hpp"
#include "brain/neuron_parts.hpp"
#include "config/exact_json.hpp"
#include "config/json_text.hpp"
#include "config/upstream_v1.hpp"
#include "config/upstream_v1_write.hpp"
#include "neurons/type_lookup.hpp"
#include "neurons/upstream_1_0_defaults.hpp"

namespace spark::runtime {
namespace {

namespace json = boost::json;
namespace v1 = upstream_v1;

constexpr std::string_view call = "__call__";
constexpr std::string_view self = "__self__";

/// How a 1.0 file names a type: Spark's bare (a bare name Spark offers always means Spark's type,
/// ADR 0012), every other vendor's qualified, so that the brain means the same without the
/// `__vendors__` pins 1.0 has no place for.
std::string file_type_name(std::string_view canonical_id) {
    constexpr std::string_view spark = "spark.";
    if (canonical_id.starts_with(spark)) {
        return std::string(canonical_id.substr(spark.size()));
    }
    return std::string(canonical_id);
}

json::value dtype_tag(std::string_view name) {
    json::object tag;
    tag["__type__"] = "dtype";
    tag["name"] = name;
    return tag;
}

std::vector<std::string_view> input_ports(const spark_module_type_t& type) {
    std::vector<std::string_view> ports;
    for (std::uint32_t p = 0; p < type.port_count; ++p) {
        if (type.ports[p].direction == SPARK_PORT_INPUT) {
            ports.emplace_back(type.ports[p].name);
        }
    }
    return ports;
}

bool has_input(const spark_module_type_t& type, std::string_view port) {
    for (const auto name : input_ports(type)) {
        if (name == port) {
            return true;
        }
    }
    return false;
}

json::value tagged_config(const json::object& nested);

/// A config as module_config::to_json() gives it, in upstream 1.0's file form: the four metadata
/// keys first (as upstream writes every config), dtypes tagged, nested configs tagged. `skip`:
/// keys 1.0 has no field for.
json::object file_form(const json::object& config,
                       const std::string& graph_editor_metadata_json,
                       const std::vector<std::string_view>& skip = {}) {
    json::object out;
    out["__config_delimiter__"] = "__";
    out["__shared_config_delimiter__"] = "_s_";
    const auto* metadata = config.if_contains("__metadata__");
    out["__metadata__"] = metadata != nullptr ? *metadata : json::object();
    const auto* editor = config.if_contains("__graph_editor_metadata__");
    if (!graph_editor_metadata_json.empty()) {
        out["__graph_editor_metadata__"] = detail::parse_json_exact(graph_editor_metadata_json,
                                                                    "__graph_editor_metadata__",
                                                                    detail::already_checked_text());
    } else {
        out["__graph_editor_metadata__"] = editor != nullptr ? *editor : json::object();
    }
    for (const auto& entry : config) {
        const std::string_view key = entry.key();
        if (key == "__class_ref__" || key == "__metadata__" || key == "__graph_editor_metadata__" ||
            std::find(skip.begin(), skip.end(), key) != skip.end()) {
            continue;
        }
        if (key == "dtype" && entry.value().is_string()) {
            out[key] = dtype_tag(entry.value().get_string());
        } else if (entry.value().is_object()) {
            out[key] = tagged_config(entry.value().get_object()); // to_json(): nested configs
        } else {
            out[key] = entry.value();
        }
    }
    return out;
}

/// {"__class_ref__": "spark.uniform_initializer", ...} ->
/// {"__type__": "uniform_initializer_config", "__cfg__": {..., "__class_ref__": ...}}.
json::value tagged_config(const json::object& nested) {
    const auto* class_ref = nested.if_contains("__class_ref__");
    const std::string name = class_ref != nullptr && class_ref->is_string()
                                 ? file_type_name(class_ref->get_string())
                                 : "";
    auto fields = file_form(nested, "");
    fields["__class_ref__"] = name;
    json::object tagged;
    tagged["__type__"] = name + "_config";
    tagged["__cfg__"] = std::move(fields);
    return tagged;
}

json::object parsed(const module_config& config) {
    return detail::parse_json_exact(config.to_json(), config.path(), detail::already_checked_text())
        .as_object();
}

v1::port_map from(std::string_view origin, std::string_view port, bool is_property = false) {
    return {std::string(origin), std::string(port), is_property};
}

std::vector<v1::port_map> maps_to_v1(const std::vector<port_map>& maps) {
    std::vector<v1::port_map> out;
    for (const auto& m : maps) {
        out.push_back({m.origin, m.port, false});
    }
    return out;
}

/// What a 1.0 brain file cannot hold of a module's name: upstream hands a controller field's
/// value to the module of that name, and the origin keywords mean something else.
std::optional<std::string> name_problem(const std::string& name) {
    for (const char* reserved : {"modules_specs", "seed", "dt"}) {
        if (name == reserved) {
            return "a 1.0 brain cannot have a module named '" + name +
                   "' (the name of a brain field: upstream hands the field's value to it); "
                   "rename the module and convert again";
        }
    }
    if (name == self) {
        return "'" + name + "' means the controller itself in a 1.0 file; rename the module";
    }
    return std::nullopt;
}

/// Whether a module output is 1-D in the converted brain (where a port read from one source gets
/// that source's shape instead of the flattened one af523a5 gives it).
enum class rank { one, several, unknown };

class converter {
public:
    converter(const brain_config& config,
              const detail::brain_plan& plan,
              std::vector<config_issue>& issues)
        : config_(config), plan_(plan), issues_(issues) {}

    v1::brain_config run() {
        v1::brain_config file;
        file.meta.config_delimiter = config_.config_delimiter;
        file.meta.shared_config_delimiter = config_.shared_config_delimiter;
        file.meta.metadata =
            detail::parse_json_exact(config_.metadata_json.empty() ? "{}" : config_.metadata_json,
                                     "brain/__metadata__",
                                     detail::already_checked_text());
        file.meta.graph_editor_metadata = detail::parse_json_exact(
            config_.graph_editor_metadata_json.empty() ? "{}" : config_.graph_editor_metadata_json,
            "brain/__graph_editor_metadata__",
            detail::already_checked_text());
        file.seed = 0; // unused: every 1.0 module carries its own seed
        file.dt = plan_.dt;
        for (std::size_t m = 0; m < plan_.modules.size(); ++m) {
            file.modules_specs.push_back(module(m));
        }
        for (const auto& [name, output] : config_.output_map) {
            for (auto& spec : file.modules_specs) {
                if (spec.name == output.input.origin) {
                    spec.outputs.emplace_back(name, output.input.port);
                }
            }
        }
        check_single_sources();
        return file;
    }

private:
    void issue(std::string path, std::string message) {
        issues_.push_back({std::move(path), std::move(message)});
    }

    v1::module_specs module(std::size_t m) {
        const auto& planned = plan_.modules[m];
        const auto& specs = *planned.specs;
        const auto& cfg = *planned.config;
        if (const auto problem = name_problem(specs.name)) {
            issue(detail::module_path(specs.name), *problem);
        }
        v1::module_specs out;
        out.name = specs.name;
        out.module_cls.type = file_type_name(planned.type->canonical_id);
        for (const auto& [port, sources] : specs.inputs) {
            out.inputs.emplace_back(port, maps_to_v1(sources));
        }
        if (!detail::is_neuron_of_parts(*planned.type)) {
            out.config = file_form(parsed(cfg), specs.graph_editor_metadata_json);
            return out;
        }
        out.module_cls.registry = v1::subregistry::neurons;
        auto neuron = neuron_config(cfg, specs.name);
        if (!reads_modulation(neuron)) {
            check_unread_modulation(out, specs.name);
        }
        neuron.meta.graph_editor_metadata =
            specs.graph_editor_metadata_json.empty()
                ? json::value(json::object())
                : detail::parse_json_exact(
                      specs.graph_editor_metadata_json, specs.name, detail::already_checked_text());
        if (const auto* metadata = parsed(cfg).if_contains("__metadata__")) {
            neuron.meta.metadata = *metadata;
        }
        out.config = v1::neuron_fields_json(neuron);
        return out;
    }

    /// A neuron of parts as upstream 1.0's neuron config: delays -> synapses -> soma -> rule.
    v1::neuron_config neuron_config(const module_config& neuron, const std::string& name) {
        const std::string path = "brain/" + name; // its config's fields are there
        const auto& type = *neuron.type().abi;
        if (!upstream_1_0_neuron(neuron.type())) {
            issue(detail::module_path(name) + "/module_cls",
                  neuron.type().canonical_id +
                      " is a neuron of parts that a 1.0 brain cannot name: its NEURONS hold "
                      "Spark's built-in neurons and neuron files; write the neuron's parts to a "
                      "neuron file, register it (spark --neuron) and use its name");
        }
        for (std::uint32_t f = 0; f < type.field_count; ++f) {
            const std::string_view field = type.fields[f].name;
            if (field != "units" && field != "inhibitory_rate" && field != "delays" &&
                field != "synapses" && field != "soma" && field != "learning_rule") {
                issue(path + "/" + std::string(field),
                      "a 1.0 neuron config holds only units, inhibitory_rate and its parts; "
                      "this field of " +
                          neuron.type().canonical_id + " has no place there");
            }
        }
        v1::neuron_config out;
        out.seed = neuron.seed();
        out.dt = neuron.dt();
        const auto& units = neuron.value("units");
        for (std::uint32_t a = 0; a < units.count; ++a) {
            out.units.push_back(static_cast<std::uint32_t>(units.ints[a]));
        }
        out.inhibitory_rate = neuron.value("inhibitory_rate").f;

        const auto* delays = neuron.nested("delays");
        const auto* synapses = neuron.nested("synapses");
        const auto* soma = neuron.nested("soma");
        const auto* rule = neuron.nested("learning_rule");
        if (synapses == nullptr || soma == nullptr) {
            issue(path, "a neuron of parts needs synapses and a soma");
            return out;
        }
        // Without delays, the synapses and the rule read the neuron's input directly.
        const std::string_view spikes_origin = delays != nullptr ? "delays" : call;
        const std::string_view spikes_port = delays != nullptr ? "out_spikes" : "in_spikes";
        const std::string rule_name =
            rule != nullptr ? std::string(rule->type().class_ref()) : std::string();
        if (delays != nullptr) {
            auto spec = part("delays", neuron, *delays);
            spec.inputs.push_back({"in_spikes", {from(call, "in_spikes")}});
            out.modules_specs.push_back(std::move(spec));
        }
        auto synapses_spec = part("synapses", neuron, *synapses);
        synapses_spec.inputs.push_back({"spikes", {from(spikes_origin, spikes_port)}});
        if (rule != nullptr) {
            synapses_spec.effects.push_back({"kernel", {from(rule_name, "kernel")}});
        }
        out.modules_specs.push_back(std::move(synapses_spec));
        auto soma_spec = part("soma", neuron, *soma);
        soma_spec.inputs.push_back({"current", {from("synapses", "currents")}});
        if (has_input(*soma->type().abi, "inhibition_mask")) {
            soma_spec.inputs.push_back(
                {"inhibition_mask", {from(self, "inhibition_mask", /*is_property=*/true)}});
        }
        soma_spec.outputs.emplace_back("out_spikes", "spikes");
        out.modules_specs.push_back(std::move(soma_spec));
        if (rule != nullptr) {
            auto spec = part(rule_name, neuron, *rule);
            spec.inputs.push_back({"pre_spikes", {from(spikes_origin, spikes_port)}});
            spec.inputs.push_back({"post_spikes", {from("soma", "spikes")}});
            // 1.0's name for the kernel the rule reads; ours is current_kernel
            // (neuron_definition.cpp renames it back).
            spec.inputs.push_back({"kernel", {from("synapses", "kernel", /*is_property=*/true)}});
            for (const auto port : input_ports(*rule->type().abi)) {
                if (port != "pre_spikes" && port != "post_spikes" && port != "current_kernel") {
                    spec.inputs.push_back({std::string(port), {from(call, "modulation")}});
                }
            }
            out.modules_specs.push_back(std::move(spec));
        }
        return out;
    }

    /// One part: its config as the neuron hands it over (neuron_parts.cpp, part_config): the
    /// neuron's dtype, dt and units. Not `async_spikes`: 1.0 has no such field, and the 1.0 neuron
    /// sets ours from its wiring.
    static v1::module_specs
    part(std::string name, const module_config& neuron, const module_config& nested) {
        auto object = parsed(nested);
        object["dtype"] = neuron.dtype() == SPARK_DTYPE_F64 ? "float64" : "float32";
        object["dt"] = neuron.dt();
        const auto& type = *nested.type().abi;
        if (detail::has_field(type, "units", SPARK_FIELD_INT_ARRAY)) {
            const auto& units = neuron.value("units");
            object["units"] =
                json::value_from(std::vector<std::int64_t>(units.ints, units.ints + units.count));
        }
        std::vector<std::string_view> skip;
        if (detail::has_field(type, "async_spikes", SPARK_FIELD_BOOL)) {
            skip.emplace_back("async_spikes");
        }
        v1::module_specs spec;
        spec.name = std::move(name);
        spec.module_cls = {file_type_name(nested.type().canonical_id), v1::subregistry::modules};
        spec.config = file_form(object, "", skip);
        return spec;
    }

    static bool upstream_1_0_neuron(const registry::module_type_info& type) {
        return detail::upstream_1_0_default_neuron(type).has_value();
    }

    static bool reads_modulation(const v1::neuron_config& neuron) {
        for (const auto& spec : neuron.modules_specs) {
            for (const auto& [port, sources] : spec.inputs) {
                for (const auto& source : sources) {
                    if (source.origin == call && source.port == "modulation") {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    /// A 1.0 neuron's inputs are what its parts read, so it has no modulation input unless its
    /// rule takes a third factor; and af523a5's fused neurons refuse to build with one wired.
    void check_unread_modulation(const v1::module_specs& spec, const std::string& name) {
        for (const auto& [port, sources] : spec.inputs) {
            if (port == "modulation") {
                issue(detail::module_path(name) + "/inputs/modulation",
                      "is wired, but the neuron's learning rule takes no third factor (the "
                      "neuron would not build); unwire it or choose a third-factor rule");
            }
        }
    }

    /// af523a5 flattens every input port; 1.0 hands a port read from one source that source's
    /// shape. The two agree when that shape is 1-D: brain inputs (given flattened), ports read
    /// from several sources, and outputs shaped by a 1-D field or like such a port.
    rank output_rank(std::size_t m, std::uint32_t port, std::size_t depth) const {
        const auto& module = plan_.modules[m];
        if (depth > plan_.modules.size() || !module.usable() || port >= module.outputs.size()) {
            return rank::unknown;
        }
        const auto& desc = *module.outputs[port];
        if (desc.shape_ref == nullptr) {
            return rank::unknown;
        }
        if (desc.shape_rule == SPARK_SHAPE_FROM_FIELD || desc.shape_rule == SPARK_SHAPE_COMPUTED) {
            // A computed shape that names a field is that field's (concat_reshape's `reshape`).
            if (const auto found = field_rank(*module.config, desc.shape_ref)) {
                return *found;
            }
        }
        if (desc.shape_rule == SPARK_SHAPE_COMPUTED) {
            return is_one_dimension(desc.shape_ref) ? rank::one : rank::unknown;
        }
        if (desc.shape_rule != SPARK_SHAPE_LIKE_PORT) {
            return rank::unknown;
        }
        const std::string_view like = desc.shape_ref;
        for (std::size_t p = 0; p < module.inputs.size(); ++p) {
            if (like == module.inputs[p]->name) {
                return source_rank(module.sources[p], depth + 1);
            }
        }
        for (std::uint32_t o = 0; o < module.outputs.size(); ++o) {
            if (like == module.outputs[o]->name) {
                return output_rank(m, o, depth + 1);
            }
        }
        return rank::unknown;
    }

    /// The rank of the int-array field `name` of `config`, when it has one and it is set.
    static std::optional<rank> field_rank(const module_config& config, const char* name) {
        try {
            const auto& value = config.value(name);
            if (value.type == SPARK_FIELD_INT_ARRAY && value.count > 0) {
                return value.count == 1 ? rank::one : rank::several;
            }
        } catch (const std::out_of_range&) {
        }
        return std::nullopt;
    }

    /// Whether a computed shape's words are a 1-tuple, "(num_outputs,)", as the built-in plugins
    /// write a 1-D computed shape (docs/writing-a-plugin.md, "Shape rules"). Other words may mean
    /// several dimensions ("signal shape + (resolution,)").
    static bool is_one_dimension(std::string_view words) {
        if (words.size() < 4 || words.front() != '(' || !words.ends_with(",)")) {
            return false;
        }
        const auto inside = words.substr(1, words.size() - 3);
        return std::all_of(inside.begin(), inside.end(), [](char c) {
            return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                   c == '_';
        });
    }

    rank source_rank(const std::vector<detail::planned_source>& sources, std::size_t depth) const {
        if (sources.size() != 1 || sources.front().brain_input) {
            return rank::one;
        }
        return output_rank(sources.front().index, sources.front().port, depth);
    }

    void check_single_sources() {
        for (const auto& module : plan_.modules) {
            for (std::size_t p = 0; p < module.inputs.size(); ++p) {
                const auto& sources = module.sources[p];
                const auto found = source_rank(sources, 0);
                if (found == rank::one) {
                    continue;
                }
                const std::string path =
                    detail::module_path(module.specs->name) + "/inputs/" + module.inputs[p]->name;
                const std::string source = detail::source_name(plan_, config_, sources.front());
                const std::string why =
                    found == rank::several
                        ? ", which has several dimensions"
                        : ", whose shape is known only once built (possibly of several dimensions)";
                issue(path,
                      "reads only " + source + why +
                          ": af523a5 flattens a port's sources, upstream 1.0 hands a single "
                          "source on as it is, so this module would be built with another input "
                          "shape and may run differently; 1.0 cannot say the same");
            }
        }
    }

    const brain_config& config_;
    const detail::brain_plan& plan_;
    std::vector<config_issue>& issues_;
};

} // namespace

brain_config brain_config::to_upstream_1_0(const registry::plugin_registry& registry) const {
    if (schema == brain_schema::upstream_1_0) {
        throw config_error(std::vector<config_issue>{
            {"brain", "is already an upstream 1.0 brain; there is nothing to convert"}});
    }
    if (auto problems = validate(registry); !problems.empty()) {
        throw config_error(std::move(problems));
    }
    std::vector<config_issue> issues;
    const auto plan = detail::analyse(registry, *this, issues);
    const auto file = converter(*this, plan, issues).run();
    if (!issues.empty()) {
        throw config_error(std::move(issues));
    }
    // Read back from the text, so that the result is exactly what the file will say.
    auto converted = from_json(v1::to_text(file), "brain (converted to upstream 1.0)");

    // The converted brain must validate when its inputs get af523a5's shapes, flattened (every
    // af523a5 input reaches its modules flattened).
    auto shaped = converted;
    for (const auto& [name, spec] : shaped.input_map) {
        for (std::size_t i = 0; i < input_map.size(); ++i) {
            if (input_map[i].first == name) {
                std::uint64_t count = 1;
                for (const auto d : input_map[i].second.shape) {
                    count *= d;
                }
                shaped.set_input_shape(name, {static_cast<std::uint32_t>(count)});
            }
        }
    }
    if (auto problems = shaped.validate(registry); !problems.empty()) {
        problems.insert(problems.begin(),
                        {"brain",
                         "the upstream 1.0 brain converted from it does not validate (a "
                         "conversion Spark C++ does not support yet; please report it)"});
        throw config_error(std::move(problems));
    }
    return converted;
}

} // namespace spark::runtime
