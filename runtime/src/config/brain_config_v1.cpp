// SPDX-License-Identifier: Apache-2.0
#include "config/brain_config_v1.hpp"

#include <string>
#include <utility>
#include <vector>

#include <spark/runtime/errors.hpp>

#include "config/exact_json.hpp"
#include "config/json_text.hpp"

namespace spark::runtime::detail {
namespace {

namespace json = boost::json;

std::vector<port_map> maps_from_v1(const std::vector<upstream_v1::port_map>& maps) {
    std::vector<port_map> out;
    for (const auto& m : maps) {
        out.push_back({m.origin, m.port, m.is_property});
    }
    return out;
}

std::vector<upstream_v1::port_map> maps_to_v1(const std::vector<port_map>& maps) {
    std::vector<upstream_v1::port_map> out;
    for (const auto& m : maps) {
        out.push_back({m.origin, m.port, m.is_property});
    }
    return out;
}

json::value exact(const std::string& text, const std::string& path) {
    return parse_json_exact(text.empty() ? std::string("{}") : text, path, already_checked_text());
}

} // namespace

brain_config brain_from_v1(const upstream_v1::brain_config& file) {
    brain_config config;
    config.schema = brain_schema::upstream_1_0;
    config.seed = file.seed;
    config.dt = file.dt;
    config.config_delimiter = file.meta.config_delimiter;
    config.shared_config_delimiter = file.meta.shared_config_delimiter;
    config.metadata_json = compact(file.meta.metadata);
    config.graph_editor_metadata_json = compact(file.meta.graph_editor_metadata);
    // Inputs: every "__call__" source; their payload comes from the ports they feed and their
    // shape from the caller (the file stores neither).
    for (const auto& name : upstream_v1::controller_inputs(file.modules_specs)) {
        port_specs spec;
        spec.shape_given = false;
        config.input_map.emplace_back(name, std::move(spec));
    }
    for (const auto& spec : file.modules_specs) {
        module_specs module;
        module.name = spec.name;
        module.class_ref = spec.module_cls.type;
        module.subregistry = upstream_v1::subregistry_name(spec.module_cls.registry);
        for (const auto& [port, sources] : spec.inputs) {
            module.inputs.emplace_back(port, maps_from_v1(sources));
        }
        module.config_json = compact(json::value(spec.config));
        module.outputs = spec.outputs;
        for (const auto& [property, sources] : spec.effects) {
            module.effects.emplace_back(property, maps_from_v1(sources));
        }
        for (const auto& [name, port] : spec.outputs) {
            brain_output output;
            output.input = {spec.name, port, false};
            config.output_map.emplace_back(name, std::move(output));
        }
        config.modules_map.push_back(std::move(module));
    }
    return config;
}

upstream_v1::brain_config brain_to_v1(const brain_config& config) {
    std::vector<config_issue> issues;
    if (config.schema != brain_schema::upstream_1_0) {
        throw config_error(std::vector<config_issue>{
            {"brain", "is an af523a5 brain; convert it to upstream 1.0 first (spark convert)"}});
    }
    upstream_v1::brain_config file;
    file.seed = config.seed;
    file.dt = config.dt;
    file.meta.config_delimiter = config.config_delimiter;
    file.meta.shared_config_delimiter = config.shared_config_delimiter;
    file.meta.metadata = exact(config.metadata_json, "brain/__metadata__");
    file.meta.graph_editor_metadata =
        exact(config.graph_editor_metadata_json, "brain/__graph_editor_metadata__");
    for (const auto& module : config.modules_map) {
        const std::string path = "brain/" + module.name;
        upstream_v1::module_specs spec;
        spec.name = module.name;
        spec.module_cls.type = module.class_ref;
        if (module.subregistry == "NEURONS") {
            spec.module_cls.registry = upstream_v1::subregistry::neurons;
        } else if (module.subregistry != "MODULES") {
            issues.push_back({path + "/module_cls",
                              "subregistry must be \"MODULES\" or \"NEURONS\", got \"" +
                                  module.subregistry + "\""});
        }
        for (const auto& [port, sources] : module.inputs) {
            spec.inputs.emplace_back(port, maps_to_v1(sources));
        }
        const auto config_value = exact(module.config_json, path + "/config");
        if (config_value.is_object()) {
            spec.config = config_value.get_object();
        } else {
            issues.push_back({path + "/config", "must be a JSON object"});
        }
        spec.outputs = module.outputs;
        for (const auto& [property, sources] : module.effects) {
            spec.effects.emplace_back(property, maps_to_v1(sources));
        }
        file.modules_specs.push_back(std::move(spec));
    }
    if (!issues.empty()) {
        throw config_error(std::move(issues));
    }
    return file;
}

} // namespace spark::runtime::detail
