// SPDX-License-Identifier: Apache-2.0
// Where each module of a brain runs when the brain is split over several processes (ranks):
// whole modules placed by their estimated cost per step (docs/scaling.md). The placement never
// changes what the brain computes: every module's random stream comes from its name.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <spark/registry/plugin_registry.hpp>
#include <spark/runtime/brain_config.hpp>

namespace spark::runtime {

/// The neurons of a population that one rank steps, when the population runs in slices.
struct slice_placement {
    int rank = 0;
    neuron_range neurons;
    double cost = 0; // the population's cost times the slice's share of its neurons
};

/// One module and the rank it runs on, or the slices it runs in.
struct module_placement {
    std::string module;
    int rank = 0;                     // a sliced module: its first slice's rank
    double cost = 0;                  // estimated work per step (docs/scaling.md section 2)
    std::uint64_t neurons = 0;        // of a neuron type: its population's size
    std::uint64_t synapses = 0;       // of a type with a kernel: input x output elements
    std::uint64_t input_elements = 0; // what it reads per step (its in-degree in elements)
    /// Empty: the module runs whole on `rank`. Otherwise its population runs in these slices,
    /// ascending neuron ranges that cover it, each on another rank (spark/abi/slices.h).
    std::vector<slice_placement> slices;

    /// Whether `r` steps the module or a slice of it.
    [[nodiscard]] bool runs_on(int r) const;
    /// On `r`: the slice it steps, or nullptr (a whole module, or none of it on `r`).
    [[nodiscard]] const slice_placement* slice_on(int r) const;
};

struct partition_plan {
    int ranks = 1;
    std::vector<module_placement> modules; // config order
    std::vector<double> rank_cost;         // per rank: the sum of its modules' costs

    /// The placement of module `name`. Throws spark::error naming the modules for another name.
    [[nodiscard]] const module_placement& placement_of(std::string_view name) const;
    /// The rank module `name` runs on whole. Throws spark::error naming the modules for another
    /// name, or saying that the module runs in slices on several ranks.
    [[nodiscard]] int rank_of(std::string_view name) const;
    /// The most loaded rank's cost over the mean rank's: 1 is perfect balance.
    [[nodiscard]] double imbalance() const;
};

/// Places the modules of `config` on `ranks` ranks. A population that costs more than a rank's
/// fair share (the total over `ranks`) runs in slices when its type can (spark/abi/slices.h)
/// and no brain output reads it directly; the other modules go whole, largest estimated cost
/// first, each on the rank with the least cost so far (lowest rank on a tie); then each sliced
/// population fills the ranks up towards the fair share, in contiguous neuron ranges in rank
/// order. The same brain and rank count always give the same placement. A module whose output
/// shape only its build decides goes whole with the modules that read it (ranks agree on
/// exchanged shapes before building). Throws config_error listing every problem of a brain that
/// cannot be built, spark::error for ranks < 1 or for a rank that would get nothing to step.
[[nodiscard]] partition_plan
plan_partition(const registry::plugin_registry& registry, const brain_config& config, int ranks);

/// What each rank holds and the expected balance, as `spark run --partition-report` prints it.
[[nodiscard]] std::string partition_report(const partition_plan& plan);

} // namespace spark::runtime
