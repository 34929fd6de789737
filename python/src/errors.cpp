// SPDX-License-Identifier: Apache-2.0
// C++ exceptions as the Python exceptions of spark_cpp/errors.py, with what they carry (a step
// error's module, type and step; a config error's problems; a checkpoint error's file).
#include <exception>
#include <string>
#include <utility>

#include <spark/registry/errors.hpp>
#include <spark/runtime/brain.hpp>
#include <spark/runtime/checkpoint.hpp>
#include <spark/runtime/errors.hpp>

#include "bindings.hpp"

namespace spark::python {
namespace {

/// Raises spark_cpp.errors.<name>(message, **details) as the pending Python error.
void raise(const char* name, const std::string& message, const py::dict& details = {}) {
    const py::object errors = py::module_::import("spark_cpp.errors");
    const py::object type = errors.attr(name);
    const py::object error = type(message, **details);
    PyErr_SetObject(type.ptr(), error.ptr());
}

py::list problems_of(const runtime::config_error& e) {
    py::list problems;
    for (const auto& issue : e.issues()) {
        problems.append(py::make_tuple(issue.path, issue.message));
    }
    return problems;
}

void translate(std::exception_ptr pending) {
    try {
        std::rethrow_exception(std::move(pending));
    } catch (const runtime::step_error& e) {
        py::dict details;
        details["module"] = e.module();
        details["type_id"] = e.type_id();
        details["step"] = e.step_index();
        raise("StepError", e.what(), details);
    } catch (const runtime::config_error& e) {
        py::dict details;
        details["problems"] = problems_of(e);
        raise("ConfigError", e.what(), details);
    } catch (const runtime::checkpoint_error& e) {
        py::dict details;
        details["file"] = e.file().string();
        raise("CheckpointError", e.what(), details);
    } catch (const runtime::graph_error& e) {
        raise("GraphError", e.what());
    } catch (const registry::resolve_error& e) {
        raise("UnknownTypeError", e.what());
    } catch (const registry::load_error& e) {
        raise("PluginError", e.what());
    } catch (const registry::plugin_error& e) {
        raise("PluginError", e.what());
    } catch (const spark::error& e) {
        raise("SparkError", e.what());
    }
}

} // namespace

void bind_errors(py::module_& /*module*/) {
    py::register_exception_translator(&translate);
}

} // namespace spark::python
