// SPDX-License-Identifier: Apache-2.0
// Finding a problem in a config_error's list: by a part of its path and of its message.
#pragma once
#include <string>
#include <vector>

#include <spark/runtime/errors.hpp>

namespace spark::test {

/// Whether some issue's path holds `path_part` and its message `message_part`.
inline bool any_issue(const std::vector<runtime::config_issue>& issues,
                      const std::string& path_part,
                      const std::string& message_part) {
    for (const auto& issue : issues) {
        if (issue.path.find(path_part) != std::string::npos &&
            issue.message.find(message_part) != std::string::npos) {
            return true;
        }
    }
    return false;
}

/// Every issue as "path: message" lines, for a failing check's message.
inline std::string issues_text(const std::vector<runtime::config_issue>& issues) {
    std::string text;
    for (const auto& issue : issues) {
        text += issue.path + ": " + issue.message + "\n";
    }
    return text;
}

} // namespace spark::test
