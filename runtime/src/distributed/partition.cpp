// SPDX-License-Identifier: Apache-2.0
// plan_partition(): whole modules on ranks by estimated cost (greedy, largest first), a module
// whose output shape its build decides together with its readers.
#include <algorithm>
#include <cstdio>
#include <numeric>
#include <string>
#include <vector>

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

int partition_plan::rank_of(std::string_view name) const {
    for (const auto& placement : modules) {
        if (placement.module == name) {
            return placement.rank;
        }
    }
    std::vector<std::string> names;
    for (const auto& placement : modules) {
        names.push_back(placement.module);
    }
    throw spark::error("the partition has no module '" + std::string(name) + "'; its modules are " +
                       (names.empty() ? std::string("none") : detail::quoted_alternatives(names)));
}

double partition_plan::imbalance() const {
    const double total = std::accumulate(rank_cost.begin(), rank_cost.end(), 0.0);
    if (total <= 0 || rank_cost.empty()) {
        return 1.0;
    }
    return *std::max_element(rank_cost.begin(), rank_cost.end()) /
           (total / static_cast<double>(rank_cost.size()));
}

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
    for (std::size_t m = 0; m < plan.modules.size(); ++m) {
        const auto& estimate = estimates[m];
        out.modules.push_back({plan.modules[m].specs->name,
                               0,
                               cost_of(estimate),
                               estimate.neurons,
                               estimate.synapses,
                               estimate.input_elements});
    }
    // A module whose output shape only its build decides stays with the modules that read it
    // (ranks agree on the shapes they exchange before building): such modules form one group.
    std::vector<std::size_t> group(plan.modules.size());
    std::iota(group.begin(), group.end(), 0);
    const auto root = [&](std::size_t m) {
        while (group[m] != m) {
            m = group[m] = group[group[m]];
        }
        return m;
    };
    for (std::size_t m = 0; m < plan.modules.size(); ++m) {
        for (const auto& port_sources : plan.modules[m].sources) {
            for (const auto& source : port_sources) {
                if (!source.brain_input && !estimates[source.index].output_shapes[source.port]) {
                    group[root(m)] = root(source.index);
                }
            }
        }
    }
    // Groups by cost, largest first (the earliest module first on a tie), each on the rank with
    // the least cost so far.
    std::vector<std::size_t> roots;
    std::vector<double> group_cost(plan.modules.size(), 0.0);
    for (std::size_t m = 0; m < plan.modules.size(); ++m) {
        if (root(m) == m) {
            roots.push_back(m);
        }
        group_cost[root(m)] += out.modules[m].cost;
    }
    std::stable_sort(roots.begin(), roots.end(), [&](std::size_t a, std::size_t b) {
        return group_cost[a] > group_cost[b];
    });
    if (roots.size() < static_cast<std::size_t>(ranks)) {
        throw spark::error(
            "the brain's " + std::to_string(plan.modules.size()) + " module" +
            (plan.modules.size() == 1 ? "" : "s") + " can be placed on at most " +
            std::to_string(roots.size()) + " rank" + (roots.size() == 1 ? "" : "s") +
            " (a module whose output shape its build decides stays with its readers), not " +
            std::to_string(ranks) + "; run it with mpirun -n " + std::to_string(roots.size()) +
            " or fewer");
    }
    for (const auto r : roots) {
        const auto least = std::min_element(out.rank_cost.begin(), out.rank_cost.end());
        for (std::size_t m = 0; m < plan.modules.size(); ++m) {
            if (root(m) == r) {
                out.modules[m].rank = static_cast<int>(least - out.rank_cost.begin());
            }
        }
        *least += group_cost[r];
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
            if (placement.rank != rank) {
                continue;
            }
            out += "    " + placement.module + ": " + std::to_string(placement.neurons) +
                   " neurons, " + std::to_string(placement.synapses) + " synapses, " +
                   std::to_string(placement.input_elements) + " input elements\n";
        }
    }
    char balance[32];
    std::snprintf(balance, sizeof balance, "%.2f", plan.imbalance());
    out += "  balance: the busiest rank has " + std::string(balance) +
           "x the mean rank's work (1.00 is perfect)\n";
    return out;
}

} // namespace spark::runtime
