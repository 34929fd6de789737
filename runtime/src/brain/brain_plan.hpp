// SPDX-License-Identifier: Apache-2.0
// What validate() and the brain share (internal): a brain_config resolved against a registry
// (types, module configs, wiring as indices, brain input specs, statically known shapes) and the
// initialization order (strongly connected components, dependencies first).
#pragma once
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <spark/abi/module.h>
#include <spark/registry/module_type_info.hpp>
#include <spark/registry/plugin_registry.hpp>
#include <spark/runtime/brain_config.hpp>
#include <spark/runtime/errors.hpp>
#include <spark/runtime/module_config.hpp>

namespace spark::runtime::detail {

/// One source of an input port: a brain input, or an output port of a module.
struct planned_source {
    bool brain_input = false;
    std::size_t index = 0;  // brain input index, or module index (config order)
    std::uint32_t port = 0; // the module's output port index (output order)
};

struct planned_module {
    const module_specs* specs = nullptr;
    const registry::module_type_info* type = nullptr; // null when the class_ref did not resolve
    /// An upstream 1.0 neuron's own type (its config is a composition of parts: ADR 0014);
    /// `type` points at it.
    std::shared_ptr<const registry::module_type_info> defined;
    std::optional<module_config> config;           // empty when the config is invalid
    std::vector<const spark_port_desc_t*> inputs;  // the type's input ports, in port order
    std::vector<const spark_port_desc_t*> outputs; // the type's output ports, in port order
    /// Per input port (port order), its sources in listed order; only those that resolved.
    std::vector<std::vector<planned_source>> sources;

    [[nodiscard]] bool usable() const { return type != nullptr && config.has_value(); }
};

struct planned_output {
    std::size_t module = 0;
    std::uint32_t port = 0;
};

struct brain_plan {
    std::vector<planned_module> modules;                // config order
    std::vector<spark_port_spec_t> inputs;              // brain inputs, input_map order
    std::vector<std::optional<planned_output>> outputs; // output_map order
    double dt = 1.0;                                    // [ms], shared by every module
};

/// Resolves `config` against `registry` (bare type names with the brain's vendor preference) and
/// appends every problem found without creating a module: preferred vendors no loaded plugin
/// provides, unknown or ambiguous types, invalid module configs, unknown origins and ports,
/// payload kind and static shape mismatches, missing required inputs, duplicate names, differing
/// dt.
[[nodiscard]] brain_plan analyse(const registry::plugin_registry& registry,
                                 const brain_config& config,
                                 std::vector<config_issue>& issues);

/// What the brain of `plan` would allocate, from the shapes known before building (FROM_FIELD
/// and LIKE_PORT outputs; a COMPUTED or ANY output counts when build decides it, i.e. not here).
struct resource_estimate {
    std::uint64_t neurons = 0;  // elements of the largest output of each neuron module
    std::uint64_t synapses = 0; // a module with a kernel property: input x output elements
    std::uint64_t bytes = 0;    // the double-buffered cache, brain inputs, 4 bytes a synapse
    // The module holding the most of each, named by a refusal.
    std::size_t most_neurons = 0;
    std::size_t most_synapses = 0;
    std::size_t most_bytes = 0;
};

[[nodiscard]] resource_estimate estimate_resources(const brain_plan& plan);

/// What one module of a plan would hold, from the shapes known before building.
struct module_estimate {
    std::uint64_t neurons = 0;         // elements of its largest output, for a neuron type
    std::uint64_t synapses = 0;        // input x output elements when it has a kernel property
    std::uint64_t bytes = 0;           // its double-buffered outputs and 4 bytes a synapse
    std::uint64_t input_elements = 0;  // of its inputs whose sources' shapes are known
    std::uint64_t output_elements = 0; // of its largest output
    /// Per output port (output order): its shape, or nullopt when only build() decides it.
    std::vector<std::optional<std::vector<std::uint64_t>>> output_shapes;
};

/// One estimate per module of `plan` (config order); zeros for a module that is not usable.
[[nodiscard]] std::vector<module_estimate> estimate_modules(const brain_plan& plan);

/// Appends one problem per limit of `limits` the estimate of `plan` passes, each naming the
/// module with the largest share, the number, the limit and the flag that raises it.
void check_limits(const brain_plan& plan,
                  const brain_limits& limits,
                  std::vector<config_issue>& issues);

/// Tarjan's strongly connected components over module -> origin edges, emitted dependencies
/// first; among independent components the one holding the earliest module in config order goes
/// first; inside a component modules are in config order.
[[nodiscard]] std::vector<std::vector<std::size_t>> components(const brain_plan& plan);

/// Whether a component needs output contracts: more than one module, or a module reading itself.
[[nodiscard]] bool is_cycle(const brain_plan& plan, const std::vector<std::size_t>& component);

/// A cycle through `module` inside its component, as module names in data-flow order
/// ("A -> B -> A": A's output feeds B, B's feeds A).
[[nodiscard]] std::string describe_cycle(const brain_plan& plan,
                                         const std::vector<std::size_t>& component,
                                         std::size_t module);

/// The message for a cycle through a module whose type publishes no output contract.
[[nodiscard]] std::string contractless_cycle_message(const brain_plan& plan,
                                                     const std::vector<std::size_t>& component,
                                                     std::size_t module);

/// Upstream payload name -> SPARK_PAYLOAD_*, 0 when unknown.
[[nodiscard]] std::int32_t payload_kind_of(std::string_view payload_type);

/// "A.out_spikes", "__call__.drive".
[[nodiscard]] std::string
source_name(const brain_plan& plan, const brain_config& config, const planned_source& source);

/// The path of a module, as a problem names it: "brain/<name>"; its type, inputs and config
/// fields are below it ("brain/<name>/module_cls", "brain/<name>/inputs/in[0]",
/// "brain/<name>/soma/tau"): docs/adr/0025-one-validation-pass.md.
[[nodiscard]] std::string module_path(std::string_view name);

} // namespace spark::runtime::detail
