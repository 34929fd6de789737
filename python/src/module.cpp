// SPDX-License-Identifier: Apache-2.0
// spark_cpp._native: the runtime's C++ API for Python (docs/python.md).
#include <string>

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include "bindings.hpp"

PYBIND11_MODULE(_native, module) {
    module.doc() = "Spark C++'s runtime: registry, brain configs and brains (see spark_cpp)";
    module.attr("__version__") = SPARK_VERSION_STRING;
    // The runtime logs through spdlog (one registry for the process, in libspdlog), to stderr as
    // the CLI does, never into a script's or a notebook's stdout. A host that set up a logger
    // named "spark" before importing keeps it.
    if (!spdlog::get("spark")) {
        spdlog::set_default_logger(spdlog::stderr_color_mt("spark"));
        spdlog::set_pattern("spark_cpp: %l: [%n] %v");
    }
    module.def("set_log_level", [](const std::string& level) {
        const auto parsed = spdlog::level::from_str(level);
        if (parsed == spdlog::level::off && level != "off") {
            throw pybind11::value_error("log level must be trace, debug, info, warning, error, "
                                        "critical or off, got '" +
                                        level + "'");
        }
        spdlog::set_level(parsed);
    });
    spark::python::bind_errors(module);
    spark::python::bind_registry(module);
    spark::python::bind_config(module);
    spark::python::bind_brain(module);
}
