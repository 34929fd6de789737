// SPDX-License-Identifier: Apache-2.0
// A module type the host defines instead of a plugin: upstream 1.0's neurons read from neuron
// files (docs/adr/0014-neuron-files.md). Every instance is a composition of plugin types
// (spark/registry/composition.hpp) that the definition derives from the instance's config, so
// the brain, its executors, checkpoints and tools treat it like any plugin's type.
#pragma once
#include <memory>

#include <spark/abi/schema.h>
#include <spark/registry/composition.hpp>
#include <spark/registry/module_type_info.hpp>

namespace spark::registry {

/// What one instance runs: a composition, or one plugin type that runs the same step as that
/// composition would (a fused equivalent: `single_type` with `single_config`). The configs
/// point into `keep`, which owns them until the instance is created (instances copy what they
/// keep).
struct defined_composition {
    composition parts;
    const module_type_info* single_type = nullptr;
    const spark_config_t* single_config = nullptr;
    std::shared_ptr<const void> keep;
};

class defined_type {
public:
    defined_type() = default;
    defined_type(const defined_type&) = delete;
    defined_type& operator=(const defined_type&) = delete;
    virtual ~defined_type() = default;

    /// The type's descriptor (class_ref, vendor, fields, ports, and its type-level extensions
    /// through type_extension), owned by this object. Its `create` is never called: the registry
    /// creates instances through compose().
    [[nodiscard]] virtual const spark_module_type_t& descriptor() const noexcept = 0;

    /// What an instance whose config (valid for descriptor()'s schema) is `config` runs. A
    /// single type must have descriptor()'s ports and properties, in the same order. Throws
    /// spark::error naming what is wrong.
    [[nodiscard]] virtual defined_composition compose(const spark_config_t& config) const = 0;
};

} // namespace spark::registry
