// SPDX-License-Identifier: Apache-2.0
// A module's config as an upstream file holds it (tagged dtypes, arrays and nested configs; the
// GUI's metadata inside) in the form module_config reads (docs/file-format.md section 2.2).
#pragma once
#include <string>
#include <vector>

#include <boost/json/value.hpp>

#include <spark/runtime/config_mode.hpp>
#include <spark/runtime/errors.hpp>

namespace spark::runtime::detail {

struct file_module_config {
    std::string config_json;                // compact JSON object for module_config
    std::string graph_editor_metadata_json; // the config's "__graph_editor_metadata__", or empty
};

/// Converts `config` (a JSON object at `path`): dtype tags become names (float16 runs as
/// float32, logged with its path), jax/numpy arrays numbers or flat arrays, tagged configs
/// {"__class_ref__": ...} objects. Appends every problem to `issues`.
[[nodiscard]] file_module_config module_config_from_file(const boost::json::value& config,
                                                         const std::string& path,
                                                         config_mode mode,
                                                         std::vector<config_issue>& issues);

} // namespace spark::runtime::detail
