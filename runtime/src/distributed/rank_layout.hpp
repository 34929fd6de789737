// SPDX-License-Identifier: Apache-2.0
// One rank's part of a partitioned brain (internal): a brain_config of the rank's own modules and
// population slices in which every source on another rank, and every sliced population, is a
// brain input of its own (a proxy), filled each step with what the ranks computing it sent; and
// the ports this rank sends, to whom.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <spark/abi/types.h>
#include <spark/registry/plugin_registry.hpp>
#include <spark/runtime/brain_config.hpp>
#include <spark/runtime/partition.hpp>

namespace spark::runtime::detail {

/// The elements [begin, end) of an exchanged array that one rank computes: all of a whole
/// module's output, or a population slice's neurons.
struct piece {
    int rank = 0;
    std::uint64_t begin = 0;
    std::uint64_t end = 0;
};

/// Who computes which elements of an output or property of module `placement` that has
/// `elements` elements: the rank stepping the module; of a population in slices, each slice
/// its neurons' rows when `rows` (outputs always), else the first slice all of it.
[[nodiscard]] std::vector<piece>
pieces_of(const module_placement& placement, std::uint64_t elements, bool rows = true);

/// A module output port that crosses ranks: read on a rank that does not compute all of it.
struct crossing_port {
    std::string module;
    std::string port;
    std::vector<piece> pieces; // who computes which elements, ascending
    /// The ranks with a module reading it through a proxy, ascending: every rank of a reader
    /// but one stepping the whole module, so a sliced population's own ranks too.
    std::vector<int> readers;
    spark_port_spec_t spec{}; // of the whole output
    std::string proxy;        // the brain input that stands for it on a reader's rank

    /// The piece `rank` computes, or nullptr.
    [[nodiscard]] const piece* piece_on(int rank) const;
    [[nodiscard]] bool read_by(int rank) const;
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
