// SPDX-License-Identifier: Apache-2.0
// spark_cpp's Brain: built from a BrainConfig and a Registry; step() takes and returns numpy
// arrays by port name; cached() and output_view() are read-only views into the brain's cache that
// keep the brain alive; checkpoints; run() is in run.cpp.
#include <algorithm>
#include <cstring>
#include <filesystem>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include <spark/runtime/brain.hpp>
#include <spark/runtime/checkpoint.hpp>

#include "arrays.hpp"
#include "brain_handle.hpp"

#include <pybind11/stl.h>
#include <pybind11/stl/filesystem.h>

namespace spark::python {
namespace {

runtime::brain_options options_of(const std::string& executor, unsigned threads, bool strict) {
    runtime::brain_options options;
    if (executor == "auto") {
        options.executor = runtime::executor_kind::automatic;
    } else if (executor == "flow_graph") {
        options.executor = runtime::executor_kind::flow_graph;
    } else if (executor == "sequential") {
        options.executor = runtime::executor_kind::sequential;
    } else {
        throw py::value_error("executor must be 'auto', 'flow_graph' or 'sequential', got '" +
                              executor + "'");
    }
    options.threads = threads;
    options.numerics = strict ? runtime::numerics_check::error : runtime::numerics_check::report;
    return options;
}

py::dict specs_of(const std::vector<std::pair<std::string, spark_port_spec_t>>& ports) {
    py::dict out;
    for (const auto& [name, spec] : ports) {
        py::dict port;
        port["shape"] = py::tuple(py::cast(numpy_shape(spec)));
        // An input no source feeds (a neuron's optional modulation) has no dtype.
        port["dtype"] = spec.dtype == 0 ? py::object(py::none()) : numpy_dtype(spec.dtype);
        port["payload"] = std::string(registry::payload_kind_name(spec.payload_kind));
        out[py::str(name)] = port;
    }
    return out;
}

/// A read-only array over the brain's memory whose base is the brain's Python object, so that
/// the memory lives as long as the array does.
py::array view_of(const runtime::port_view& view, const py::object& owner) {
    py::array array(numpy_dtype(view.spec.dtype), numpy_shape(view.spec), view.data, owner);
    array.attr("flags").attr("writeable") = false;
    return array;
}

std::unique_ptr<brain_handle> make_brain(const runtime::brain_config& config,
                                         std::shared_ptr<registry::plugin_registry> plugins,
                                         const std::string& executor,
                                         unsigned threads,
                                         bool strict_numerics) {
    const auto options = options_of(executor, threads, strict_numerics);
    std::optional<runtime::brain> brain;
    {
        const py::gil_scoped_release unlocked; // plugins' build may take long
        brain.emplace(*plugins, config, options);
    }
    return std::unique_ptr<brain_handle>(
        new brain_handle{std::move(plugins), std::move(*brain), {}});
}

std::unique_ptr<brain_handle> restore_brain(std::shared_ptr<registry::plugin_registry> plugins,
                                            const std::filesystem::path& file,
                                            const std::string& executor,
                                            unsigned threads,
                                            bool accept_other_builds) {
    runtime::checkpoint_options options;
    options.brain = options_of(executor, threads, false);
    options.accept_other_builds = accept_other_builds;
    std::optional<runtime::brain> brain;
    {
        const py::gil_scoped_release unlocked;
        brain.emplace(runtime::brain::from_checkpoint(*plugins, file, options));
    }
    return std::unique_ptr<brain_handle>(
        new brain_handle{std::move(plugins), std::move(*brain), {}});
}

py::dict step(brain_handle& handle, const py::object& inputs) {
    const exclusive_use in_use(handle);
    if (!inputs.is_none()) {
        feed_inputs(handle.brain, inputs.cast<py::dict>());
    }
    {
        const py::gil_scoped_release unlocked;
        handle.brain.step();
    }
    py::dict outputs;
    for (const auto& [name, spec] : handle.brain.output_specs()) {
        outputs[py::str(name)] = copy_port(handle.brain.output(name).data, spec);
    }
    return outputs;
}

py::list modules_of(const runtime::brain& brain) {
    py::list out;
    for (const auto& module : brain.modules()) {
        py::dict m;
        m["name"] = module.name;
        m["type_id"] = module.type->canonical_id;
        m["seed"] = module.seed;
        m["inputs"] = specs_of(module.inputs);
        m["outputs"] = specs_of(module.outputs);
        py::list parts;
        for (const auto& [field, type] : module.parts) {
            parts.append(py::make_tuple(field, type->canonical_id));
        }
        m["parts"] = parts;
        out.append(m);
    }
    return out;
}

py::list numerics_of(const runtime::brain& brain) {
    py::list out;
    for (const auto& report : brain.numerics_reports()) {
        py::dict r;
        r["module"] = report.module;
        r["type_id"] = report.type_id;
        r["port"] = report.port;
        r["step"] = report.step;
        r["element"] = report.element;
        r["value"] = report.value;
        out.append(r);
    }
    return out;
}

} // namespace

const spark_port_spec_t& input_spec(const runtime::brain& brain, const std::string& name) {
    std::string names;
    for (const auto& [input, spec] : brain.input_specs()) {
        if (input == name) {
            return spec;
        }
        names += (names.empty() ? "'" : ", '") + input + "'";
    }
    throw py::key_error("the brain has no input '" + name + "'; its inputs are " +
                        (names.empty() ? std::string("none") : names));
}

void feed_inputs(runtime::brain& brain, const py::dict& inputs) {
    std::vector<std::pair<spark_buffer_t, py::array>> checked;
    for (const auto& [key, value] : inputs) {
        const auto name = py::str(key).cast<std::string>();
        const auto& spec = input_spec(brain, name);
        checked.emplace_back(brain.input(name), port_array("input '" + name + "'", spec, value));
    }
    for (const auto& [buffer, array] : checked) {
        copy_into(buffer, array.data());
    }
}

void bind_brain(py::module_& extension) {
    py::class_<brain_handle>(extension, "Brain")
        .def(py::init(&make_brain),
             py::arg("config"),
             py::arg("registry"),
             py::arg("executor") = "auto",
             py::arg("threads") = 0U,
             py::arg("strict_numerics") = false)
        .def_static("from_checkpoint",
                    &restore_brain,
                    py::arg("registry"),
                    py::arg("file"),
                    py::arg("executor") = "auto",
                    py::arg("threads") = 0U,
                    py::arg("accept_other_builds") = false)
        .def("step", &step, py::arg("inputs") = py::none())
        .def("reset",
             [](brain_handle& handle) {
                 const exclusive_use in_use(handle);
                 const py::gil_scoped_release unlocked;
                 handle.brain.reset();
             })
        .def("run",
             &run_steps,
             py::arg("steps"),
             py::arg("inputs"),
             py::arg("record"),
             py::arg("progress"))
        .def_property_readonly("step_index",
                               [](const brain_handle& handle) { return handle.brain.step_index(); })
        .def_property_readonly("dt", [](const brain_handle& handle) { return handle.brain.dt(); })
        .def_property_readonly(
            "executor_in_use",
            [](const brain_handle& handle) { return handle.brain.executor_in_use(); })
        .def_property_readonly(
            "input_specs",
            [](const brain_handle& handle) { return specs_of(handle.brain.input_specs()); })
        .def_property_readonly(
            "output_specs",
            [](const brain_handle& handle) { return specs_of(handle.brain.output_specs()); })
        .def_property_readonly("modules",
                               [](const brain_handle& handle) { return modules_of(handle.brain); })
        .def_property_readonly("numerics_reports",
                               [](const brain_handle& handle) { return numerics_of(handle.brain); })
        .def_property_readonly("config",
                               [](const brain_handle& handle) { return handle.brain.config(); })
        .def("cached",
             [](const py::object& self, const std::string& module, const std::string& port) {
                 return view_of(self.cast<brain_handle&>().brain.cached(module, port), self);
             })
        .def("output_view",
             [](const py::object& self, const std::string& name) {
                 return view_of(self.cast<brain_handle&>().brain.output(name), self);
             })
        .def("read_property",
             [](const brain_handle& handle, const std::string& module, const std::string& name) {
                 const auto spec = handle.brain.property_spec(module, name);
                 const auto bytes = handle.brain.read_property(module, name);
                 py::array out(numpy_dtype(spec.dtype), numpy_shape(spec));
                 if (static_cast<std::size_t>(out.nbytes()) != bytes.size()) {
                     throw std::runtime_error("module '" + module + "' gave " +
                                              std::to_string(bytes.size()) + " bytes for '" + name +
                                              "', whose spec is " + spec_text(spec));
                 }
                 std::memcpy(out.mutable_data(), bytes.data(), bytes.size());
                 return out;
             })
        .def(
            "checkpoint",
            [](brain_handle& handle, const std::filesystem::path& file, bool overwrite) {
                const exclusive_use in_use(handle);
                const py::gil_scoped_release unlocked;
                handle.brain.checkpoint(file, overwrite);
            },
            py::arg("file"),
            py::arg("overwrite") = false);
}

} // namespace spark::python
