// SPDX-License-Identifier: Apache-2.0
// Where a checkpoint's types came from, recorded when it is written and compared with the
// registry's types when it is read: a missing type, or another build of one, is named.
#pragma once
#include <filesystem>
#include <string>
#include <vector>

#include <spark/registry/module_type_info.hpp>
#include <spark/registry/plugin_registry.hpp>
#include <spark/runtime/brain.hpp>

#include "brain/checkpoint_manifest.hpp"

namespace spark::runtime::detail {

/// What the registry says about `type`, as a manifest records it.
[[nodiscard]] checkpoint_provenance provenance_of(const registry::module_type_info& type);

/// Every way the types of the built brain (`modules`, in the manifest's order, checked to be the
/// same modules of the same type ids) differ from the ones `manifest` was written with, one line
/// each ("module 'pop' (spark.lif_neuron): file SHA-256 'ab..' when written, 'cd..' now
/// (<file>)"), parts included.
[[nodiscard]] std::vector<std::string>
provenance_differences(const checkpoint_manifest& manifest,
                       const std::vector<module_info>& modules);

/// Throws checkpoint_error (missing_type) naming the first module whose type (or part's type)
/// `registry` lists no longer, and what to load. Does nothing when every type is listed; a
/// type an upstream 1.0 brain defines for itself is never listed, so call this only to explain
/// why the brain cannot be built.
void refuse_missing_types(const checkpoint_manifest& manifest,
                          const registry::plugin_registry& registry,
                          const std::filesystem::path& file);

} // namespace spark::runtime::detail
