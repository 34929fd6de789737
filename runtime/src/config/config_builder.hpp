// SPDX-License-Identifier: Apache-2.0
// Builds module configs from schemas and JSON overrides (internal; the only place that turns
// Boost.JSON values into spark_config_t).
#pragma once
#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/object.hpp>

#include <spark/registry/module_type_info.hpp>
#include <spark/registry/plugin_registry.hpp>
#include <spark/runtime/errors.hpp>
#include <spark/runtime/file_options.hpp>
#include <spark/runtime/module_config.hpp>

#include "config/module_config_impl.hpp"

namespace spark::runtime::detail {

/// How a config is built.
struct build_options {
    config_mode mode = config_mode::strict;
    bool partial = false; // required fields may stay unset (the result is for checking only)
    file_limits limits{}; // max_depth bounds each layer's nesting
    std::vector<std::string> vendor_preference; // decides bare "__class_ref__" names first
    /// The folder a relative path field (SPARK_FIELD_PATH) starts from: the brain file's; empty
    /// for the working directory.
    std::filesystem::path relative_to;
};

/// The config of `type` from layers of JSON object text, later layers over earlier ones (the
/// constructor passes one, merge() the current values and the partial). Every problem goes to
/// `issues`; the result is usable only when it stays empty (and `partial` is false).
[[nodiscard]] std::unique_ptr<config_impl>
build_module_config(const registry::plugin_registry& registry,
                    const registry::module_type_info& type,
                    const std::vector<std::string_view>& layers_json,
                    std::string path,
                    const build_options& options,
                    std::vector<config_issue>& issues);

/// The config of `type` from the text of a JSON object. Throws config_error with every problem.
[[nodiscard]] std::unique_ptr<config_impl>
build_module_config(const registry::plugin_registry& registry,
                    const registry::module_type_info& type,
                    std::string_view overrides_json,
                    std::string path,
                    config_mode mode,
                    std::span<const std::string> vendor_preference,
                    const std::filesystem::path& relative_to);

} // namespace spark::runtime::detail
