// SPDX-License-Identifier: Apache-2.0
// Builds module configs from schemas and JSON overrides (internal; the only place that turns
// Boost.JSON values into spark_config_t).
#pragma once
#include <memory>
#include <string>
#include <string_view>

#include <boost/json/object.hpp>

#include <spark/registry/module_type_info.hpp>
#include <spark/registry/plugin_registry.hpp>
#include <spark/runtime/module_config.hpp>

#include "config/module_config_impl.hpp"

namespace spark::runtime::detail {

/// The config of `type` from the text of a JSON object. Throws config_error with every problem.
[[nodiscard]] std::unique_ptr<config_impl>
build_module_config(const registry::plugin_registry& registry,
                    const registry::module_type_info& type,
                    std::string_view overrides_json,
                    std::string path,
                    config_mode mode);

} // namespace spark::runtime::detail
