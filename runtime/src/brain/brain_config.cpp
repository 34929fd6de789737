// SPDX-License-Identifier: Apache-2.0
// brain_config against a registry: validate() (brain_plan's analysis and limits, then
// brain_checks' checks that need an instance, in one pass), module_config_of, set_module_config.
#include <algorithm>
#include <iterator>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include <spark/runtime/brain_config.hpp>

#include "brain/brain_checks.hpp"
#include "brain/brain_plan.hpp"
#include "config/module_config_impl.hpp"
#include "text.hpp"

namespace spark::runtime {
namespace {

/// The index of module `name` in `config`, or a spark::error naming the modules there are.
std::size_t module_index(const brain_config& config, std::string_view name) {
    std::vector<std::string> names;
    for (std::size_t m = 0; m < config.modules_map.size(); ++m) {
        if (config.modules_map[m].name == name) {
            return m;
        }
        names.push_back(config.modules_map[m].name);
    }
    throw spark::error("the brain has no module '" + std::string(name) + "'; its modules are " +
                       (names.empty() ? std::string("none") : detail::quoted_alternatives(names)));
}

/// The problems of `issues` at or below the module ("brain/<name>": its entry and its config).
std::vector<config_issue> issues_of_module(const std::vector<config_issue>& issues,
                                           std::string_view name) {
    const std::string path = detail::module_path(name);
    std::vector<config_issue> own;
    std::copy_if(issues.begin(), issues.end(), std::back_inserter(own), [&](const auto& issue) {
        return issue.path == path || issue.path.starts_with(path + "/");
    });
    return own;
}

} // namespace

module_config brain_config::module_config_of(const registry::plugin_registry& registry,
                                             std::string_view module) const {
    const std::size_t m = module_index(*this, module);
    std::vector<config_issue> issues;
    detail::brain_plan plan = detail::analyse(registry, *this, issues);
    auto& planned = plan.modules[m];
    if (!planned.usable()) {
        auto own = issues_of_module(issues, module);
        if (own.empty()) {
            own.push_back({detail::module_path(module), "the module's type or config is invalid"});
        }
        throw config_error(std::move(own));
    }
    module_config config = std::move(*planned.config);
    if (planned.defined) {
        // An upstream 1.0 neuron's type is defined by this brain, not by the registry.
        detail::module_config_access::own_type(config, planned.defined);
    }
    return config;
}

void brain_config::set_module_config(const registry::plugin_registry& registry,
                                     std::string_view module,
                                     std::string config_json) {
    const std::size_t m = module_index(*this, module);
    if (schema != brain_schema::af523a5) {
        throw spark::error("module '" + std::string(module) +
                           "': only an af523a5 brain's module configs can be replaced; an "
                           "upstream 1.0 brain keeps its modules' configs in 1.0's form (convert "
                           "an af523a5 brain with to_upstream_1_0() after editing it)");
    }
    auto& specs = modules_map[m];
    const auto& type = registry.resolve(specs.class_ref, vendor_preference);
    auto issues = module_config::check(registry,
                                       type,
                                       config_json,
                                       detail::module_path(module),
                                       mode,
                                       false,
                                       vendor_preference,
                                       folder);
    if (!issues.empty()) {
        throw config_error(std::move(issues));
    }
    specs.config_json = std::move(config_json);
}

bool operator==(const brain_config& a, const brain_config& b) {
    const auto content = [](const brain_config& c) {
        return std::tie(c.input_map,
                        c.output_map,
                        c.modules_map,
                        c.metadata_json,
                        c.graph_editor_metadata_json,
                        c.config_delimiter,
                        c.shared_config_delimiter,
                        c.vendor_preference,
                        c.schema,
                        c.seed,
                        c.dt,
                        c.mode);
    };
    return content(a) == content(b);
}

std::vector<config_issue> brain_config::validate(const registry::plugin_registry& registry,
                                                 const brain_limits& limits) const {
    // One pass (docs/adr/0025-one-validation-pass.md): no kind of problem waits for another to
    // be fixed; only what cannot be checked without a part that is wrong is left out (a module
    // whose type or config is invalid is not created, a port of an unknown type not wired).
    std::vector<config_issue> issues;
    const detail::brain_plan plan = detail::analyse(registry, *this, issues);
    detail::check_limits(plan, limits, issues);
    detail::check_instances(registry, plan, limits, issues);
    detail::order_issues(*this, issues);
    return issues;
}

} // namespace spark::runtime
