// SPDX-License-Identifier: Apache-2.0
// brain_config::validate(): the static checks of brain_plan plus the ones that need an instance
// (create succeeds, cycles run only through modules with an output contract).
#include <optional>
#include <vector>

#include <spark/registry/module_instance.hpp>
#include <spark/runtime/brain_config.hpp>

#include "brain/brain_plan.hpp"
#include "brain/neuron_parts.hpp"

namespace spark::runtime {

std::vector<config_issue> brain_config::validate(const registry::plugin_registry& registry,
                                                 const brain_limits& limits) const {
    std::vector<config_issue> issues;
    const detail::brain_plan plan = detail::analyse(registry, *this, issues);
    // Before any module exists: a plugin's create may already size its state by the config.
    std::vector<config_issue> beyond_limits;
    detail::check_limits(plan, limits, beyond_limits);
    if (!beyond_limits.empty()) {
        issues.insert(issues.end(), beyond_limits.begin(), beyond_limits.end());
        return issues;
    }
    // Whether a type publishes a contract is a property of its instances (spark_module.contract
    // may be NULL), so the check creates each module once and destroys it again.
    std::vector<std::optional<registry::module_instance>> instances(plan.modules.size());
    for (std::size_t m = 0; m < plan.modules.size(); ++m) {
        const auto& module = plan.modules[m];
        if (!module.usable()) {
            continue;
        }
        try {
            instances[m].emplace(
                detail::create_module(registry, *module.config, module.specs->name));
        } catch (const spark::error& e) {
            issues.push_back({detail::module_path(module.specs->name), e.what()});
        }
    }
    for (const auto& component : detail::components(plan)) {
        if (!detail::is_cycle(plan, component)) {
            continue;
        }
        for (const auto m : component) {
            if (instances[m] && !instances[m]->has_contract()) {
                issues.push_back(
                    {"brain/modules_map", detail::contractless_cycle_message(plan, component, m)});
                break; // one message per cycle
            }
        }
    }
    return issues;
}

} // namespace spark::runtime
