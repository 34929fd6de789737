// SPDX-License-Identifier: Apache-2.0
#include "config/upstream_v1_write.hpp"

#include <cstdint>
#include <string_view>
#include <utility>

#include "config/python_json.hpp"

namespace spark::runtime::upstream_v1 {
namespace {

namespace json = boost::json;

json::value tagged(std::string_view tag, json::object data) {
    json::object object;
    object["__type__"] = tag;
    object["__data__"] = std::move(data);
    return object;
}

json::value port_map_json(const port_map& map) {
    json::object data;
    data["origin"] = map.origin;
    data["port"] = map.port;
    data["is_property"] = map.is_property;
    return tagged("port_map", std::move(data));
}

json::object port_lists_json(const ordered_map<std::vector<port_map>>& ports) {
    json::object out;
    for (const auto& [port, sources] : ports) {
        json::array list;
        for (const auto& source : sources) {
            list.push_back(port_map_json(source));
        }
        out[port] = std::move(list);
    }
    return out;
}

json::value module_specs_json(const module_specs& module) {
    json::object data;
    data["name"] = module.name;
    json::object cls;
    cls["__module_type__"] = module.module_cls.type;
    cls["__subregistry__"] = subregistry_name(module.module_cls.registry);
    data["module_cls"] = std::move(cls);
    data["inputs"] = port_lists_json(module.inputs);
    data["config"] = module.config;
    json::object outputs;
    for (const auto& [name, port] : module.outputs) {
        outputs[name] = port;
    }
    data["outputs"] = std::move(outputs);
    data["effects"] = port_lists_json(module.effects);
    return tagged("module_specs", std::move(data));
}

/// Upstream's field order: the four metadata keys, then the controller's fields (modules_specs,
/// seed, dt; a neuron adds units and inhibitory_rate).
json::object controller_fields_json(const config_metadata& meta,
                                    const std::vector<module_specs>& modules,
                                    json::value seed,
                                    double dt) {
    json::object cfg;
    cfg["__config_delimiter__"] = meta.config_delimiter;
    cfg["__shared_config_delimiter__"] = meta.shared_config_delimiter;
    cfg["__metadata__"] = meta.metadata;
    cfg["__graph_editor_metadata__"] = meta.graph_editor_metadata;
    json::array list;
    for (const auto& module : modules) {
        list.push_back(module_specs_json(module));
    }
    cfg["modules_specs"] = std::move(list);
    cfg["seed"] = std::move(seed);
    cfg["dt"] = dt;
    return cfg;
}

json::value document(std::string_view type, json::object cfg) {
    json::object out;
    out["__type__"] = type;
    out["__cfg__"] = std::move(cfg);
    return out;
}

} // namespace

json::object neuron_fields_json(const neuron_config& config) {
    json::object cfg =
        controller_fields_json(config.meta, config.modules_specs, config.seed, config.dt);
    json::array units;
    for (const auto dimension : config.units) {
        units.push_back(static_cast<std::int64_t>(dimension));
    }
    cfg["units"] = std::move(units);
    cfg["inhibitory_rate"] = config.inhibitory_rate;
    return cfg;
}

json::value to_json(const controller_config& config) {
    if (const auto* brain = std::get_if<brain_config>(&config)) {
        return document(
            "brain_config",
            controller_fields_json(brain->meta, brain->modules_specs, brain->seed, brain->dt));
    }
    const auto& neuron = std::get<neuron_config>(config);
    return document(neuron.type, neuron_fields_json(neuron));
}

std::string to_text(const controller_config& config) {
    return detail::python_json_dumps(to_json(config), 4);
}

} // namespace spark::runtime::upstream_v1
