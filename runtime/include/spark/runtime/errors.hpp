// SPDX-License-Identifier: Apache-2.0
// The runtime's error types. A config is validated as a whole: config_error carries every problem
// found, each with the path of the value it is about, so a user fixes a file in one pass.
#pragma once
#include <string>
#include <vector>

#include <spark/registry/errors.hpp>

namespace spark::runtime {

/// One problem with a config value.
struct config_issue {
    std::string path;    // e.g. "brain/A_ex/soma/threshold" (the caller's prefix, then field names)
    std::string message; // e.g. "threshold must be > potential_reset, got -60 <= -50"

    friend bool operator==(const config_issue&, const config_issue&) = default;
};

/// A config could not be built. what() lists every issue, one per line, as "<path>: <message>".
class config_error : public spark::error {
public:
    explicit config_error(std::vector<config_issue> issues);
    [[nodiscard]] const std::vector<config_issue>& issues() const noexcept { return issues_; }

private:
    std::vector<config_issue> issues_;
};

} // namespace spark::runtime
