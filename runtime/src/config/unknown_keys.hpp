// SPDX-License-Identifier: Apache-2.0
// One rule for a key a config does not declare, wherever it is found (brain files, module
// configs, config file envelopes): strict mode reports it, compat mode drops it visibly.
#pragma once
#include <string>

#include <spark/runtime/config_mode.hpp>

#include "log.hpp"

namespace spark::runtime::detail {

/// In compat mode logs one warning naming `path` and returns true: the caller drops the key
/// (upstream files carry keys of older versions). In strict mode returns false: the caller
/// reports `message` as a problem at `path`.
inline bool
dropped_in_compat(config_mode mode, const std::string& path, const std::string& message) {
    if (mode != config_mode::compat) {
        return false;
    }
    logger().warn("{}: {} (dropped in compat mode)", path, message);
    return true;
}

} // namespace spark::runtime::detail
