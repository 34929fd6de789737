// SPDX-License-Identifier: Apache-2.0
// Whether the manifests on the search path still describe their libraries (`spark plugins list
// --manifests`): the library is there, has the name the manifest gives, and offers what the
// manifest lists. The libraries are loaded in probe processes only, never in the host.
#pragma once
#include <chrono>
#include <filesystem>
#include <vector>

#include <spark/registry/plugin_registry.hpp>

namespace spark::registry::detail {

/// One problem per library or manifest that does not match, each naming the files and the fix.
/// `path` is the search path; `timeout` bounds the probe processes.
[[nodiscard]] std::vector<load_failure>
audit_manifests(const std::vector<std::filesystem::path>& path, std::chrono::milliseconds timeout);

} // namespace spark::registry::detail
