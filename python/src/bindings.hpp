// SPDX-License-Identifier: Apache-2.0
// The parts of the spark_cpp._native extension (docs/python.md): each bind_* adds one area's
// classes and functions to the module. The Python package (python/spark_cpp) wraps them.
#pragma once
#include <pybind11/pybind11.h>

namespace spark::python {

namespace py = pybind11;

void bind_errors(py::module_& module);   // errors.cpp: C++ exceptions as spark_cpp.errors
void bind_registry(py::module_& module); // registry.cpp: Registry, type descriptions
void bind_config(py::module_& module);   // config.cpp: BrainConfig, ModuleConfig
void bind_brain(py::module_& extension); // brain.cpp: Brain (step, views, checkpoints, run)

} // namespace spark::python
