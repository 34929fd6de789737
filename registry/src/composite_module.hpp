// SPDX-License-Identifier: Apache-2.0
// The host-side module that runs a composition (spark/registry/composition.hpp): a
// spark_module_t whose functions live in the registry, so that the brain, its executors,
// checkpoints and error reports treat a composition like any plugin's instance.
#pragma once
#include <functional>
#include <string>
#include <vector>

#include <spark/abi/host.h>
#include <spark/abi/module.h>
#include <spark/registry/composition.hpp>
#include <spark/registry/module_instance.hpp>

namespace spark::registry::detail {

/// Creates one part as an instance named `instance_name` (the registry's create, with the
/// composition's host services).
using part_factory =
    std::function<module_instance(const composition_part& part, const std::string& instance_name)>;

/// Checks `c` against the parts' types and `as_type`'s ports (every problem, with its path, in
/// one spark::error), creates the parts and returns the composition's instance, which reports
/// through `host` and is freed by its destroy. `config` is a config of `as_type` (its units,
/// inhibitory_rate and seed give `__self__.inhibition_mask`); borrowed during the call only.
[[nodiscard]] spark_module_t* make_composite(const module_type_info& as_type,
                                             const composition& c,
                                             const spark_config_t& config,
                                             const std::string& name,
                                             const spark_host_t* host,
                                             const part_factory& create_part);

/// What make_composite would refuse `c` for (each problem with its path), without creating any
/// part; empty when it would create it.
[[nodiscard]] std::vector<std::string> composite_problems(const module_type_info& as_type,
                                                          const composition& c,
                                                          const spark_config_t& config,
                                                          const std::string& name);

} // namespace spark::registry::detail
