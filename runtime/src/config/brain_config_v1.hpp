// SPDX-License-Identifier: Apache-2.0
// An upstream 1.0 brain file's structures (upstream_v1.hpp) as a brain_config and back
// (docs/file-format.md section 2.6): inputs and outputs derived from the wiring, every module
// config kept verbatim, so that a brain read and written back is the same file.
#pragma once
#include <spark/runtime/brain_config.hpp>

#include "config/upstream_v1.hpp"

namespace spark::runtime::detail {

[[nodiscard]] brain_config brain_from_v1(const upstream_v1::brain_config& file);

/// Throws config_error (with paths) for what upstream 1.0's schema cannot hold: an af523a5
/// brain, a config_json that is no JSON object, a subregistry other than MODULES or NEURONS.
[[nodiscard]] upstream_v1::brain_config brain_to_v1(const brain_config& config);

} // namespace spark::runtime::detail
