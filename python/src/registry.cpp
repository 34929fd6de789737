// SPDX-License-Identifier: Apache-2.0
// spark_cpp's Registry: plugins found as `spark` finds them (the built-in ones beside the runtime
// library, SPARK_PLUGIN_PATH, plugin_path like --plugin-path) and neuron files, and each type
// described as plain data (python/spark_cpp/registry.py makes objects of it).
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <spark/abi/module.h>
#include <spark/abi/schema.h>
#include <spark/registry/plugin_registry.hpp>
#include <spark/runtime/field_metadata.hpp>
#include <spark/runtime/neuron_files.hpp>

#include "bindings.hpp"

#include <pybind11/stl.h>
#include <pybind11/stl/filesystem.h>

namespace spark::python {
namespace {

std::string text_or_empty(const char* text) {
    return text != nullptr ? text : "";
}

const char* shape_rule_name(std::int32_t rule) {
    switch (rule) {
    case SPARK_SHAPE_ANY:
        return "any";
    case SPARK_SHAPE_FROM_FIELD:
        return "from_field";
    case SPARK_SHAPE_LIKE_PORT:
        return "like_port";
    case SPARK_SHAPE_COMPUTED:
        return "computed";
    default:
        return "unknown";
    }
}

py::dict port_of(const spark_port_desc_t& port) {
    py::dict out;
    out["name"] = port.name;
    out["direction"] = port.direction == SPARK_PORT_INPUT ? "input" : "output";
    out["payload"] = std::string(registry::payload_kind_name(port.payload_kind));
    out["payload_type"] = text_or_empty(port.payload_type);
    out["shape_rule"] = shape_rule_name(port.shape_rule);
    out["shape_ref"] = text_or_empty(port.shape_ref);
    out["required"] = port.required;
    out["description"] = text_or_empty(port.description);
    return out;
}

py::dict field_of(const runtime::field_metadata& field) {
    py::dict out;
    out["name"] = field.name;
    out["type"] = field.type;
    out["default_json"] = field.default_json;
    out["units"] = field.units;
    out["description"] = field.description;
    out["validators"] = field.validators;
    out["allows_initializer"] = field.allows_initializer;
    out["required"] = field.required;
    out["nullable"] = field.nullable;
    return out;
}

py::dict describe(const registry::module_type_info& type) {
    const spark_module_type_t& abi = *type.abi;
    py::dict out;
    out["id"] = type.canonical_id;
    out["class_ref"] = std::string(type.class_ref());
    out["vendor"] = std::string(type.vendor());
    out["kind"] = std::string(registry::kind_name(abi.kind));
    out["version"] = text_or_empty(abi.version);
    out["description"] = text_or_empty(abi.description);
    out["file"] = type.plugin->file.string();
    out["sha256"] = type.plugin->sha256;
    out["plugin"] = type.plugin->id;
    py::list fields;
    for (const auto& field : runtime::schema_metadata(type)) {
        fields.append(field_of(field));
    }
    out["fields"] = fields;
    py::list inputs;
    py::list outputs;
    for (std::uint32_t p = 0; p < abi.port_count; ++p) {
        (abi.ports[p].direction == SPARK_PORT_INPUT ? inputs : outputs)
            .append(port_of(abi.ports[p]));
    }
    out["inputs"] = inputs;
    out["outputs"] = outputs;
    py::list properties;
    for (const auto& property : registry::declared_properties(type)) {
        py::dict p;
        p["name"] = property.name;
        p["payload"] = std::string(registry::payload_kind_name(property.payload_kind));
        p["shape_rule"] = shape_rule_name(property.shape_rule);
        p["shape_ref"] = text_or_empty(property.shape_ref);
        p["writable"] = property.writable;
        p["description"] = text_or_empty(property.description);
        properties.append(p);
    }
    out["properties"] = properties;
    return out;
}

std::shared_ptr<registry::plugin_registry>
open_registry(const std::vector<std::filesystem::path>& plugin_path,
              const std::map<std::string, std::filesystem::path>& neurons,
              bool defaults) {
    registry::search_options options;
    options.paths = plugin_path;
    options.use_environment = defaults;
    options.use_install_dir = defaults;
    auto plugins = std::make_shared<registry::plugin_registry>(options);
    const py::gil_scoped_release unlocked; // loading runs plugin code and probe processes
    plugins->discover();
    for (const auto& [name, file] : neurons) {
        runtime::register_neuron_file(*plugins, name, file);
    }
    if (defaults) {
        (void)runtime::register_neuron_files(*plugins, runtime::neuron_path_from_environment());
    }
    return plugins;
}

} // namespace

void bind_registry(py::module_& module) {
    py::class_<registry::plugin_registry, std::shared_ptr<registry::plugin_registry>>(module,
                                                                                      "Registry")
        .def(py::init(&open_registry),
             py::arg("plugin_path") = std::vector<std::filesystem::path>{},
             py::arg("neurons") = std::map<std::string, std::filesystem::path>{},
             py::arg("defaults") = true)
        .def("search_path", &registry::plugin_registry::search_path)
        .def("failures",
             [](const registry::plugin_registry& plugins) {
                 std::vector<std::pair<std::string, std::string>> out;
                 for (const auto& failure : plugins.failures()) {
                     out.emplace_back(failure.file.string(), failure.message);
                 }
                 return out;
             })
        .def("type_ids",
             [](const registry::plugin_registry& plugins) {
                 std::vector<std::string> ids;
                 for (const auto* type : plugins.types()) {
                     ids.push_back(type->canonical_id);
                 }
                 return ids;
             })
        .def("describe", [](const registry::plugin_registry& plugins, const std::string& name) {
            return describe(plugins.resolve(name));
        });
}

} // namespace spark::python
