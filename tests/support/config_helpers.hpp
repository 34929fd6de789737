// SPDX-License-Identifier: Apache-2.0
// Module configs for tests of the areas that link Spark::runtime: a type's config from JSON
// overrides, and the issues building one reports, each as "<path>: <message>".
#pragma once
#include <string>
#include <string_view>
#include <vector>

#include <spark/registry/plugin_registry.hpp>
#include <spark/runtime/errors.hpp>
#include <spark/runtime/module_config.hpp>

namespace spark::test {

/// The config of `type` (resolved by name) from `overrides`, at path "probe".
[[nodiscard]] inline runtime::module_config make_config(const registry::plugin_registry& registry,
                                                        std::string_view type,
                                                        std::string_view overrides = "{}") {
    return runtime::module_config(registry, registry.resolve(type), overrides, "probe");
}

/// The issues building that config reports (none when it builds).
[[nodiscard]] inline std::vector<std::string> config_issues(
    const registry::plugin_registry& registry, std::string_view type, std::string_view overrides) {
    std::vector<std::string> lines;
    try {
        (void)make_config(registry, type, overrides);
    } catch (const runtime::config_error& e) {
        for (const auto& issue : e.issues()) {
            lines.push_back(issue.path + ": " + issue.message);
        }
    }
    return lines;
}

} // namespace spark::test
