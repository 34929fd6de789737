// SPDX-License-Identifier: Apache-2.0
// The runtime area's fixture: an isolated registry holding this area's test plugins.
#pragma once
#include <string>
#include <string_view>
#include <vector>

#include <spark/runtime/errors.hpp>
#include <spark/runtime/module_config.hpp>

#include "fixtures.hpp"
#include "test_plugin_paths.hpp"

namespace spark::test {

struct runtime_fixture : registry_fixture {
    runtime_fixture() {
        registry.load(test_plugin("runtime_schema"));
        registry.load(test_plugin("runtime_faulty"));
    }

    /// The config of `type` from `overrides` at path "probe".
    [[nodiscard]] spark::runtime::module_config config(std::string_view type,
                                                       std::string_view overrides = "{}") const {
        return spark::runtime::module_config(registry, registry.resolve(type), overrides, "probe");
    }

    /// The issues building that config reports, each as "<path>: <message>" (none when it
    /// builds).
    [[nodiscard]] std::vector<std::string> issues(std::string_view type,
                                                  std::string_view overrides) const {
        std::vector<std::string> lines;
        try {
            (void)config(type, overrides);
        } catch (const spark::runtime::config_error& e) {
            for (const auto& issue : e.issues()) {
                lines.push_back(issue.path + ": " + issue.message);
            }
        }
        return lines;
    }
};

} // namespace spark::test
