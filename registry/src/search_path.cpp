// SPDX-License-Identifier: Apache-2.0
#include "search_path.hpp"

#include <algorithm>
#include <cstdlib>
#include <set>
#include <string>
#include <system_error>
#include <utility>

namespace spark::registry::detail {

std::vector<std::filesystem::path> split_path_list(std::string_view list) {
    std::vector<std::filesystem::path> entries;
    while (!list.empty()) {
        const auto colon = list.find(':');
        const auto entry = list.substr(0, colon);
        if (!entry.empty()) {
            entries.emplace_back(entry);
        }
        if (colon == std::string_view::npos) {
            break;
        }
        list.remove_prefix(colon + 1);
    }
    return entries;
}

std::vector<std::filesystem::path> ordered_search_path(const search_options& options,
                                                       const std::filesystem::path& install_dir) {
    std::vector<std::filesystem::path> path = options.paths;
    if (options.use_environment) {
        if (const char* env = std::getenv("SPARK_PLUGIN_PATH"); env != nullptr) {
            const auto from_env = split_path_list(env);
            path.insert(path.end(), from_env.begin(), from_env.end());
        }
    }
    if (options.use_install_dir && !install_dir.empty()) {
        path.push_back(install_dir);
    }
    return path;
}

std::vector<std::filesystem::path> plugin_files_in(const std::filesystem::path& entry) {
    std::error_code ec;
    if (std::filesystem::is_regular_file(entry, ec)) {
        return {entry};
    }
    std::vector<std::filesystem::path> files;
    if (!std::filesystem::is_directory(entry, ec)) {
        return files;
    }
    for (std::filesystem::directory_iterator it(entry, ec), end; !ec && it != end;
         it.increment(ec)) {
        const auto& file = it->path();
        std::error_code type_ec;
        if (file.extension() == ".so" && std::filesystem::is_regular_file(file, type_ec)) {
            files.push_back(file);
        }
    }
    std::sort(files.begin(), files.end(), [](const auto& a, const auto& b) {
        return a.filename().native() < b.filename().native();
    });
    return files;
}

plugin_file_scan scan_plugin_files(const std::vector<std::filesystem::path>& path) {
    plugin_file_scan scan;
    std::set<std::filesystem::path> visited;
    for (const auto& entry : path) {
        const auto files = plugin_files_in(entry);
        if (files.empty()) {
            scan.empty_entries.push_back(entry);
        }
        for (const auto& file : files) {
            std::error_code ec;
            auto canonical = std::filesystem::canonical(file, ec);
            if (ec) {
                scan.failures.push_back(
                    {file, "cannot load plugin " + file.string() + ": " + ec.message()});
            } else if (visited.insert(canonical).second) {
                scan.files.push_back(std::move(canonical));
            }
        }
    }
    return scan;
}

} // namespace spark::registry::detail
