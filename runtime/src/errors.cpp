// SPDX-License-Identifier: Apache-2.0
#include <utility>

#include <spark/runtime/errors.hpp>

namespace spark::runtime {
namespace {

std::string describe(const std::vector<config_issue>& issues) {
    std::string text;
    for (const auto& issue : issues) {
        if (!text.empty()) {
            text += '\n';
        }
        text += issue.path.empty() ? issue.message : issue.path + ": " + issue.message;
    }
    return text;
}

} // namespace

config_error::config_error(std::vector<config_issue> issues)
    : spark::error(describe(issues)), issues_(std::move(issues)) {}

} // namespace spark::runtime
