// SPDX-License-Identifier: Apache-2.0
// The registry's side of manifests: what a loaded library reports, as a manifest, and the check
// that refuses a library whose sidecar disagrees with it.
#pragma once
#include <filesystem>
#include <string>
#include <vector>

#include <spark/abi/entry.h>
#include <spark/registry/plugin_manifest.hpp>

namespace spark::registry::detail {

/// The manifest a library's entry and types amount to (what spark_manifest would write).
[[nodiscard]] plugin_manifest manifest_of(const std::filesystem::path& library,
                                          const spark_plugin_entry_t& entry,
                                          const std::vector<const spark_module_type_t*>& types);

/// A manifest as one line of JSON in the format spark_manifest writes (what a probe process
/// reports, library_probe.hpp).
[[nodiscard]] std::string manifest_json(const plugin_manifest& manifest);

/// Reads a manifest from `text`; problems are reported as in the manifest file `named`.
[[nodiscard]] plugin_manifest parse_manifest(const std::string& text,
                                             const std::filesystem::path& named);

/// Throws manifest_error when the library has a manifest that is unreadable or disagrees with
/// `entry` and `types`. A library without a manifest passes.
void check_manifest(const std::filesystem::path& library,
                    const spark_plugin_entry_t& entry,
                    const std::vector<const spark_module_type_t*>& types);

} // namespace spark::registry::detail
