// SPDX-License-Identifier: Apache-2.0
// BrainConfig (runtime::brain_config: `.scfg` files of both upstream schemas, validation, module
// configs) and ModuleConfig (one module's config as the brain resolves it). spark_cpp/config.py
// adds merge and diff on top.
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <spark/registry/plugin_registry.hpp>
#include <spark/runtime/brain_config.hpp>
#include <spark/runtime/module_config.hpp>

#include "bindings.hpp"

#include <pybind11/stl.h>
#include <pybind11/stl/filesystem.h>

namespace spark::python {
namespace {

using runtime::brain_config;

/// One module's config; holds the registry that owns its type descriptions.
struct resolved_module_config {
    std::shared_ptr<const registry::plugin_registry> registry;
    runtime::module_config config;
};

runtime::config_mode mode_of(bool compat) {
    return compat ? runtime::config_mode::compat : runtime::config_mode::strict;
}

std::string source_text(const runtime::port_map& source) {
    return source.origin + "." + source.port;
}

py::dict port_specs_of(const runtime::port_specs& specs) {
    py::dict out;
    out["payload_type"] = specs.payload_type;
    out["shape"] = specs.shape_given ? py::object(py::tuple(py::cast(specs.shape))) : py::none();
    out["dtype"] = specs.dtype;
    out["description"] = specs.description;
    return out;
}

py::dict module_of(const runtime::module_specs& specs) {
    py::dict out;
    out["name"] = specs.name;
    out["class_ref"] = specs.class_ref;
    py::dict inputs;
    for (const auto& [port, sources] : specs.inputs) {
        py::list from;
        for (const auto& source : sources) {
            from.append(source_text(source));
        }
        inputs[py::str(port)] = from;
    }
    out["inputs"] = inputs;
    out["config_json"] = specs.config_json;
    return out;
}

} // namespace

void bind_config(py::module_& module) {
    py::class_<resolved_module_config>(module, "ModuleConfig")
        .def_property_readonly(
            "type_id", [](const resolved_module_config& c) { return c.config.type().canonical_id; })
        .def_property_readonly("path",
                               [](const resolved_module_config& c) { return c.config.path(); })
        .def("to_json", [](const resolved_module_config& c) { return c.config.to_json(); })
        .def("inspect", [](const resolved_module_config& c) { return c.config.inspect(); })
        .def("diff",
             [](const resolved_module_config& c, const resolved_module_config& other) {
                 return c.config.diff(other.config);
             })
        .def("__eq__", [](const resolved_module_config& c, const resolved_module_config& other) {
            return c.config == other.config;
        });

    py::class_<brain_config>(module, "BrainConfig")
        .def_static(
            "from_file",
            [](const std::filesystem::path& file, bool compat) {
                return brain_config::from_file(file, mode_of(compat));
            },
            py::arg("file"),
            py::arg("compat") = false)
        .def_static(
            "from_json",
            [](const std::string& text, bool compat) {
                return brain_config::from_json(text, "brain", mode_of(compat));
            },
            py::arg("text"),
            py::arg("compat") = false)
        .def("to_json", &brain_config::to_json)
        .def(
            "to_file",
            [](const brain_config& config, const std::filesystem::path& file, bool xz) {
                config.to_file(
                    file, xz ? runtime::file_compression::xz : runtime::file_compression::none);
            },
            py::arg("file"),
            py::arg("xz") = false)
        .def("validate",
             [](const brain_config& config, const registry::plugin_registry& plugins) {
                 std::vector<std::pair<std::string, std::string>> problems;
                 for (const auto& issue : config.validate(plugins)) {
                     problems.emplace_back(issue.path, issue.message);
                 }
                 return problems;
             })
        .def_property_readonly("schema",
                               [](const brain_config& config) {
                                   return config.schema == runtime::brain_schema::af523a5
                                              ? "af523a5"
                                              : "upstream_1_0";
                               })
        .def_property_readonly("inputs",
                               [](const brain_config& config) {
                                   py::dict out;
                                   for (const auto& [name, specs] : config.input_map) {
                                       out[py::str(name)] = port_specs_of(specs);
                                   }
                                   return out;
                               })
        .def_property_readonly("outputs",
                               [](const brain_config& config) {
                                   py::dict out;
                                   for (const auto& [name, output] : config.output_map) {
                                       auto specs = port_specs_of(output.spec);
                                       specs["source"] = source_text(output.input);
                                       out[py::str(name)] = specs;
                                   }
                                   return out;
                               })
        .def_property_readonly("modules",
                               [](const brain_config& config) {
                                   py::list out;
                                   for (const auto& specs : config.modules_map) {
                                       out.append(module_of(specs));
                                   }
                                   return out;
                               })
        .def_property_readonly("vendors",
                               [](const brain_config& config) { return config.vendor_preference; })
        .def("set_input_shape", &brain_config::set_input_shape)
        .def("refresh_seeds", &brain_config::refresh_seeds, py::arg("seed") = py::none())
        .def("module_config",
             [](const brain_config& config,
                std::shared_ptr<registry::plugin_registry> plugins,
                const std::string& name) {
                 auto resolved = config.module_config_of(*plugins, name);
                 return resolved_module_config{std::move(plugins), std::move(resolved)};
             })
        .def("set_module_config",
             [](brain_config& config,
                const registry::plugin_registry& plugins,
                const std::string& name,
                std::string json) { config.set_module_config(plugins, name, std::move(json)); })
        .def("to_upstream_1_0", &brain_config::to_upstream_1_0)
        .def("copy", [](const brain_config& config) { return brain_config(config); })
        .def("__eq__", [](const brain_config& a, const brain_config& b) { return a == b; });
}

} // namespace spark::python
