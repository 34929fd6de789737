// SPDX-License-Identifier: Apache-2.0
// plan_partition(): whole modules on ranks by estimated cost (greedy, largest first), a module
// whose output shape its build decides together with its readers, and populations larger than a
// rank's share in slices of their neurons.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <numeric>
#include <string>
#include <vector>

#include <spark/registry/module_type_info.hpp>
#include <spark/runtime/partition.hpp>

#include "brain/brain_plan.hpp"
#include "text.hpp"

namespace spark::runtime {
namespace {

/// Work per step in element updates (docs/scaling.md section 2): every output element and every
/// input element once, and a synapse at 1/16 of that (delivery is event-driven: at rates of a few
/// Hz and 1 ms steps a synapse is touched on a small fraction of steps).
double cost_of(const detail::module_estimate& estimate) {
    constexpr double synapse_weight = 1.0 / 16.0;
    return static_cast<double>(estimate.output_elements) +
           static_cast<double>(estimate.input_elements) +
           synapse_weight * static_cast<double>(estimate.synapses);
}

} // namespace

bool module_placement::runs_on(int r) const {
    return slices.empty() ? rank == r : slice_on(r) != nullptr;
}

const slice_placement* module_placement::slice_on(int r) const {
    for (const auto& slice : slices) {
        if (slice.rank == r) {
            return &slice;
        }
    }
    return nullptr;
}

const module_placement& partition_plan::placement_of(std::string_view name) const {
    for (const auto& placement : modules) {
        if (placement.module == name) {
            return placement;
        }
    }
    std::vector<std::string> names;
    for (const auto& placement : modules) {
        names.push_back(placement.module);
    }
    throw spark::error("the partition has no module '" + std::string(name) + "'; its modules are " +
                       (names.empty() ? std::string("none") : detail::quoted_alternatives(names)));
}

int partition_plan::rank_of(std::string_view name) const {
    const auto& placement = placement_of(name);
    if (!placement.slices.empty()) {
        throw spark::error("module '" + std::string(name) + "' runs in " +
                           std::to_string(placement.slices.size()) +
                           " slices on several ranks, not on one");
    }
    return placement.rank;
}

double partition_plan::imbalance() const {
    const double total = std::accumulate(rank_cost.begin(), rank_cost.end(), 0.0);
    if (total <= 0 || rank_cost.empty()) {
        return 1.0;
    }
    return *std::max_element(rank_cost.begin(), rank_cost.end()) /
           (total / static_cast<double>(rank_cost.size()));
}

namespace {

/// Modules whose output shape only build decides, with the modules that read them: placed whole
/// together (union-find over module indices).
class placement_groups {
public:
    placement_groups(const detail::brain_plan& plan,
                     const std::vector<detail::module_estimate>& estimates)
        : parent_(plan.modules.size()) {
        std::iota(parent_.begin(), parent_.end(), 0);
        for (std::size_t m = 0; m < plan.modules.size(); ++m) {
            for (const auto& port_sources : plan.modules[m].sources) {
                for (const auto& source : port_sources) {
                    if (!source.brain_input &&
                        !estimates[source.index].output_shapes[source.port]) {
                        parent_[root(m)] = root(source.index);
                    }
                }
            }
        }
    }

    std::size_t root(std::size_t m) {
        while (parent_[m] != m) {
            m = parent_[m] = parent_[parent_[m]];
        }
        return m;
    }

    bool alone(std::size_t m) {
        for (std::size_t other = 0; other < parent_.size(); ++other) {
            if (other != m && root(other) == root(m)) {
                return false;
            }
        }
        return true;
    }

private:
    std::vector<std::size_t> parent_;
};

/// Whether module `m` may run in slices: its type can (not a neuron file's composition), no
/// brain output reads it directly (a brain output is one rank's), and it is placed alone.
bool can_slice(const detail::brain_plan& plan,
               std::size_t m,
               std::uint64_t neurons,
               placement_groups& groups) {
    const auto& module = plan.modules[m];
    if (!module.usable() || registry::slices(*module.type) == nullptr || neurons < 2 ||
        !groups.alone(m)) {
        return false;
    }
    return std::none_of(plan.outputs.begin(), plan.outputs.end(), [&](const auto& output) {
        return output && output->module == m;
    });
}

/// Cuts `placement`'s population into slices that fill the ranks up towards `fair` each
/// (neurons in proportion to the room each rank has left, contiguous in rank order), and adds
/// their costs to `rank_cost`.
void fill_with_slices(module_placement& placement, std::vector<double>& rank_cost, double fair) {
    std::vector<double> room(rank_cost.size());
    double total_room = 0;
    for (std::size_t r = 0; r < rank_cost.size(); ++r) {
        room[r] = std::max(0.0, fair - rank_cost[r]);
        total_room += room[r];
    }
    if (total_room <= 0) { // rounding: every rank is full, so share equally
        std::fill(room.begin(), room.end(), 1.0);
        total_room = static_cast<double>(room.size());
    }
    const std::uint64_t n = placement.neurons;
    double before = 0;
    std::uint64_t begin = 0;
    for (std::size_t r = 0; r < rank_cost.size(); ++r) {
        before += room[r];
        const auto end =
            r + 1 == rank_cost.size()
                ? n
                : std::min<std::uint64_t>(n,
                                          static_cast<std::uint64_t>(std::llround(
                                              static_cast<double>(n) * before / total_room)));
        if (end <= begin) {
            continue;
        }
        const double cost =
            placement.cost * static_cast<double>(end - begin) / static_cast<double>(n);
        placement.slices.push_back({static_cast<int>(r), {begin, end}, cost});
        rank_cost[r] += cost;
        begin = end;
    }
    placement.rank = placement.slices.front().rank;
}

} // namespace

partition_plan
plan_partition(const registry::plugin_registry& registry, const brain_config& config, int ranks) {
    if (ranks < 1) {
        throw spark::error("a brain runs on at least 1 rank, asked for " + std::to_string(ranks));
    }
    std::vector<config_issue> issues;
    const auto plan = detail::analyse(registry, config, issues);
    if (!issues.empty()) {
        throw config_error(std::move(issues));
    }
    const auto estimates = detail::estimate_modules(plan);
    partition_plan out;
    out.ranks = ranks;
    out.rank_cost.assign(static_cast<std::size_t>(ranks), 0.0);
    double total = 0;
    for (std::size_t m = 0; m < plan.modules.size(); ++m) {
        const auto& estimate = estimates[m];
        out.modules.push_back({plan.modules[m].specs->name,
                               0,
                               cost_of(estimate),
                               estimate.neurons,
                               estimate.synapses,
                               estimate.input_elements,
                               {}});
        total += out.modules.back().cost;
    }
    const double fair = total / static_cast<double>(ranks);
    placement_groups groups(plan, estimates);
    std::vector<bool> sliced(plan.modules.size(), false);
    for (std::size_t m = 0; m < plan.modules.size(); ++m) {
        sliced[m] = ranks > 1 && out.modules[m].cost > fair &&
                    can_slice(plan, m, out.modules[m].neurons, groups);
    }
    // Whole groups by cost, largest first (the earliest module first on a tie), each on the rank
    // with the least cost so far.
    std::vector<std::size_t> roots;
    std::vector<double> group_cost(plan.modules.size(), 0.0);
    for (std::size_t m = 0; m < plan.modules.size(); ++m) {
        if (sliced[m]) {
            continue;
        }
        if (groups.root(m) == m) {
            roots.push_back(m);
        }
        group_cost[groups.root(m)] += out.modules[m].cost;
    }
    std::stable_sort(roots.begin(), roots.end(), [&](std::size_t a, std::size_t b) {
        return group_cost[a] > group_cost[b];
    });
    const bool any_sliced = std::find(sliced.begin(), sliced.end(), true) != sliced.end();
    if (!any_sliced && roots.size() < static_cast<std::size_t>(ranks)) {
        throw spark::error(
            "the brain's " + std::to_string(plan.modules.size()) + " module" +
            (plan.modules.size() == 1 ? "" : "s") + " can be placed on at most " +
            std::to_string(roots.size()) + " rank" + (roots.size() == 1 ? "" : "s") +
            " (a module whose output shape its build decides stays with its readers, and no "
            "population is large enough to run in slices), not " +
            std::to_string(ranks) + "; run it with mpirun -n " + std::to_string(roots.size()) +
            " or fewer");
    }
    for (const auto r : roots) {
        const auto least = std::min_element(out.rank_cost.begin(), out.rank_cost.end());
        for (std::size_t m = 0; m < plan.modules.size(); ++m) {
            if (!sliced[m] && groups.root(m) == r) {
                out.modules[m].rank = static_cast<int>(least - out.rank_cost.begin());
            }
        }
        *least += group_cost[r];
    }
    // Sliced populations, largest first, fill the ranks up.
    std::vector<std::size_t> by_cost;
    for (std::size_t m = 0; m < plan.modules.size(); ++m) {
        if (sliced[m]) {
            by_cost.push_back(m);
        }
    }
    std::stable_sort(by_cost.begin(), by_cost.end(), [&](std::size_t a, std::size_t b) {
        return out.modules[a].cost > out.modules[b].cost;
    });
    for (const auto m : by_cost) {
        fill_with_slices(out.modules[m], out.rank_cost, fair);
    }
    for (int r = 0; r < ranks; ++r) {
        const bool busy = std::any_of(
            out.modules.begin(), out.modules.end(), [&](const auto& p) { return p.runs_on(r); });
        if (!busy) {
            throw spark::error("rank " + std::to_string(r) + " of " + std::to_string(ranks) +
                               " would step nothing of this brain (its populations are too "
                               "small to cut further); run it with mpirun -n " +
                               std::to_string(r) + " or fewer");
        }
    }
    return out;
}

std::string partition_report(const partition_plan& plan) {
    std::string out = "partition over " + std::to_string(plan.ranks) + " rank" +
                      (plan.ranks == 1 ? "" : "s") + "\n";
    const double total = std::accumulate(plan.rank_cost.begin(), plan.rank_cost.end(), 0.0);
    for (int rank = 0; rank < plan.ranks; ++rank) {
        const double cost = plan.rank_cost[static_cast<std::size_t>(rank)];
        char share[32];
        std::snprintf(share, sizeof share, "%.1f", total > 0 ? 100.0 * cost / total : 0.0);
        out += "  rank " + std::to_string(rank) + ": " + share + " % of the estimated work\n";
        for (const auto& placement : plan.modules) {
            if (!placement.slices.empty() || placement.rank != rank) {
                continue;
            }
            out += "    " + placement.module + ": " + std::to_string(placement.neurons) +
                   " neurons, " + std::to_string(placement.synapses) + " synapses, " +
                   std::to_string(placement.input_elements) + " input elements\n";
        }
        for (const auto& placement : plan.modules) {
            if (const auto* slice = placement.slice_on(rank)) {
                const auto n = slice->neurons.end - slice->neurons.begin;
                out += "    " + placement.module + " neurons [" +
                       std::to_string(slice->neurons.begin) + ", " +
                       std::to_string(slice->neurons.end) + ") of " +
                       std::to_string(placement.neurons) + ": " + std::to_string(n) + " neurons, " +
                       std::to_string(placement.synapses / placement.neurons * n) +
                       " synapses (onto them), " + std::to_string(placement.input_elements) +
                       " input elements\n";
            }
        }
    }
    char balance[32];
    std::snprintf(balance, sizeof balance, "%.2f", plan.imbalance());
    out += "  balance: the busiest rank has " + std::string(balance) +
           "x the mean rank's work (1.00 is perfect)\n";
    return out;
}

} // namespace spark::runtime
