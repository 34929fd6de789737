// SPDX-License-Identifier: Apache-2.0
// The ordered plugin search path and the plugin files it holds.
#pragma once
#include <filesystem>
#include <string_view>
#include <vector>

#include <spark/registry/plugin_registry.hpp>

namespace spark::registry::detail {

/// The entries of a ':'-separated list, in order. Empty entries are dropped: in PATH-like
/// variables they would mean the current directory, which we never search implicitly.
[[nodiscard]] std::vector<std::filesystem::path> split_path_list(std::string_view list);

/// Explicit paths, then SPARK_PLUGIN_PATH (if enabled), then `install_dir` (if enabled).
[[nodiscard]] std::vector<std::filesystem::path>
ordered_search_path(const search_options& options, const std::filesystem::path& install_dir);

/// The plugin files of one search path entry: a file is itself; a folder gives its `*.so` regular
/// files (symlinks followed), sorted by name, not recursive; anything missing gives nothing.
[[nodiscard]] std::vector<std::filesystem::path>
plugin_files_in(const std::filesystem::path& entry);

/// The plugin files of a whole search path, each canonical file once, in search order; the
/// entries that hold no plugin file; and a failure for each file whose canonical path cannot be
/// resolved (a dangling link). What discover() loads and read_manifests() reads.
struct plugin_file_scan {
    std::vector<std::filesystem::path> files; // canonical
    std::vector<std::filesystem::path> empty_entries;
    std::vector<load_failure> failures;
};
[[nodiscard]] plugin_file_scan scan_plugin_files(const std::vector<std::filesystem::path>& path);

} // namespace spark::registry::detail
