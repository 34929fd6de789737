// SPDX-License-Identifier: Apache-2.0
// The runtime area's fixture: an isolated registry holding this area's test plugins.
#pragma once
#include <string>
#include <string_view>
#include <vector>

#include <spark/runtime/errors.hpp>
#include <spark/runtime/module_config.hpp>

#include "config_helpers.hpp"
#include "fixtures.hpp"
#include "test_plugin_paths.hpp"

namespace spark::test {

/// Each issue as "<path>: <message>", in order.
[[nodiscard]] inline std::vector<std::string>
issue_lines(const std::vector<runtime::config_issue>& issues) {
    std::vector<std::string> lines;
    for (const auto& issue : issues) {
        lines.push_back(issue.path + ": " + issue.message);
    }
    return lines;
}

struct runtime_fixture : registry_fixture {
    runtime_fixture() {
        registry.load(test_plugin("runtime_schema"));
        registry.load(test_plugin("runtime_faulty"));
    }

    [[nodiscard]] runtime::module_config config(std::string_view type,
                                                std::string_view overrides = "{}") const {
        return make_config(registry, type, overrides);
    }
    [[nodiscard]] std::vector<std::string> issues(std::string_view type,
                                                  std::string_view overrides) const {
        return config_issues(registry, type, overrides);
    }
};

} // namespace spark::test
