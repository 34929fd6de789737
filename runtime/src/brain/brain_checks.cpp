// SPDX-License-Identifier: Apache-2.0
#include "brain/brain_checks.hpp"

#include <algorithm>
#include <string>
#include <string_view>
#include <utility>

#include <spark/registry/module_instance.hpp>

#include "brain/neuron_parts.hpp"

namespace spark::runtime::detail {
namespace {

/// Whether `path` is `prefix` itself or below it ("prefix/..." or "prefix[i]...").
bool at_or_below(std::string_view path, std::string_view prefix) {
    return path.starts_with(prefix) && (path.size() == prefix.size() ||
                                        path[prefix.size()] == '/' || path[prefix.size()] == '[');
}

/// A module beyond a limit by itself: creating it may already allocate what the limit guards.
bool beyond_limits(const module_estimate& estimate, const brain_limits& limits) {
    return estimate.neurons > limits.max_neurons || estimate.synapses > limits.max_synapses ||
           estimate.bytes > limits.max_memory_bytes;
}

} // namespace

void check_instances(const registry::plugin_registry& registry,
                     const brain_plan& plan,
                     const brain_limits& limits,
                     std::vector<config_issue>& issues) {
    const auto estimates = estimate_modules(plan);
    // Whether a type publishes a contract is a property of its instances (spark_module.contract
    // may be NULL). One instance at a time: the check never holds more than one module's state.
    std::vector<std::optional<bool>> has_contract(plan.modules.size());
    for (std::size_t m = 0; m < plan.modules.size(); ++m) {
        const auto& module = plan.modules[m];
        if (!module.usable() || beyond_limits(estimates[m], limits)) {
            continue;
        }
        try {
            has_contract[m] =
                create_module(registry, *module.config, module.specs->name).has_contract();
        } catch (const spark::error& e) {
            issues.push_back({module_path(module.specs->name), e.what()});
        }
    }
    check_cycles(plan, has_contract, issues);
}

void check_cycles(const brain_plan& plan,
                  const std::vector<std::optional<bool>>& has_contract,
                  std::vector<config_issue>& issues) {
    for (const auto& component : components(plan)) {
        if (!is_cycle(plan, component)) {
            continue;
        }
        for (const auto m : component) {
            if (has_contract[m] && !*has_contract[m]) {
                // At the module whose type lacks the contract: its type or its inputs are the fix.
                issues.push_back({module_path(plan.modules[m].specs->name),
                                  contractless_cycle_message(plan, component, m)});
                break; // one message per cycle
            }
        }
    }
}

void order_issues(const brain_config& config, std::vector<config_issue>& issues) {
    const std::size_t modules = config.modules_map.size();
    const auto rank = [&](std::string_view path) -> std::size_t {
        if (at_or_below(path, "brain/__vendors__")) {
            return 0;
        }
        if (at_or_below(path, "brain/input_map") || at_or_below(path, "brain/inputs")) {
            return 1;
        }
        if (at_or_below(path, "brain/modules_map")) {
            return 2;
        }
        if (at_or_below(path, "brain/output_map")) {
            return 3 + modules;
        }
        // The module with the longest name the path is at or below (a name may hold a '/').
        std::size_t found = 4 + modules;
        std::size_t longest = 0;
        for (std::size_t m = 0; m < modules; ++m) {
            const std::string prefix = module_path(config.modules_map[m].name);
            if (prefix.size() > longest && at_or_below(path, prefix)) {
                found = 3 + m;
                longest = prefix.size();
            }
        }
        return found;
    };
    std::vector<std::pair<std::size_t, config_issue>> ranked;
    ranked.reserve(issues.size());
    for (auto& issue : issues) {
        ranked.emplace_back(rank(issue.path), std::move(issue));
    }
    std::stable_sort(ranked.begin(), ranked.end(), [](const auto& a, const auto& b) {
        return a.first < b.first;
    });
    for (std::size_t i = 0; i < ranked.size(); ++i) {
        issues[i] = std::move(ranked[i].second);
    }
}

} // namespace spark::runtime::detail
