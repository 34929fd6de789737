// SPDX-License-Identifier: Apache-2.0
// A module type the host defines instead of a plugin: upstream 1.0's neurons read from neuron
// files (docs/adr/0014-neuron-files.md). Every instance is a composition of plugin types
// (spark/registry/composition.hpp) that the definition derives from the instance's config, so
// the brain, its executors, checkpoints and tools treat it like any plugin's type.
#pragma once
#include <memory>

#include <spark/abi/schema.h>
#include <spark/registry/composition.hpp>

namespace spark::registry {

/// The composition one instance runs. Its part configs point into `keep`, which owns them
/// until the instance is created (parts copy what they keep).
struct defined_composition {
    composition parts;
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

    /// The composition for an instance whose config (valid for descriptor()'s schema) is
    /// `config`. Throws spark::error naming what is wrong.
    [[nodiscard]] virtual defined_composition compose(const spark_config_t& config) const = 0;
};

} // namespace spark::registry
