// SPDX-License-Identifier: Apache-2.0
// spark_cpp._native: the runtime's C++ API for Python (python/README.md).
#include "bindings.hpp"

PYBIND11_MODULE(_native, module) {
    module.doc() = "Spark C++'s runtime: registry, brain configs and brains (see spark_cpp)";
    module.attr("__version__") = SPARK_VERSION_STRING;
    spark::python::bind_errors(module);
    spark::python::bind_registry(module);
    spark::python::bind_config(module);
    spark::python::bind_brain(module);
}
