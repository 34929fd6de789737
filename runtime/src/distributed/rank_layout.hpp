// SPDX-License-Identifier: Apache-2.0
// One rank's part of a partitioned brain (internal): a brain_config of the rank's own modules in
// which every source on another rank is a brain input of its own (a proxy), filled each step with
// what that rank sent; and the ports this rank sends, to whom.
#pragma once
#include <string>
#include <string_view>
#include <vector>

#include <spark/abi/types.h>
#include <spark/registry/plugin_registry.hpp>
#include <spark/runtime/brain_config.hpp>
#include <spark/runtime/partition.hpp>

namespace spark::runtime::detail {

/// A module output port that crosses ranks.
struct crossing_port {
    std::string module;
    std::string port;
    int owner = 0;            // the rank that steps the module
    std::vector<int> readers; // the other ranks with a module reading it, ascending
    spark_port_spec_t spec{};
    std::string proxy; // the brain input that stands for it on a reader's rank
};

struct rank_layout {
    int rank = 0;
    brain_config config;                 // this rank's modules; remote sources read proxies
    std::vector<crossing_port> crossing; // every crossing port of the brain, in config order
};

/// Whether `input` is a proxy (a brain input that stands for another rank's output).
[[nodiscard]] bool is_proxy(std::string_view input);

/// The layout of `rank` under `plan`. Throws spark::error when a port that crosses ranks has a
/// shape only build() decides (ranks agree on shapes before building), naming the module and the
/// fix; config_error for a brain with problems.
[[nodiscard]] rank_layout layout_rank(const registry::plugin_registry& registry,
                                      const brain_config& config,
                                      const partition_plan& plan,
                                      int rank);

} // namespace spark::runtime::detail
