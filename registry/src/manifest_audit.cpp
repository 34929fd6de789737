// SPDX-License-Identifier: Apache-2.0
#include "manifest_audit.hpp"

#include <algorithm>
#include <set>
#include <string>
#include <system_error>
#include <utility>

#include "plugin_manifest_of.hpp"
#include "probe_cache.hpp"
#include "search_path.hpp"

namespace spark::registry::detail {
namespace {

constexpr std::string_view manifest_suffix = ".manifest.json";

bool is_manifest_file(const std::filesystem::path& file) {
    const auto name = file.filename().string();
    return name.size() > manifest_suffix.size() &&
           name.compare(
               name.size() - manifest_suffix.size(), manifest_suffix.size(), manifest_suffix) == 0;
}

const std::string stale_fix = "; relink the plugin (spark_add_plugin() writes the manifest "
                              "whenever it links the library) or reinstall it, or delete the "
                              "manifest";

/// Manifests in the folders of `path` whose library file is not there.
void find_orphans(const std::vector<std::filesystem::path>& path,
                  std::vector<load_failure>& problems) {
    std::set<std::filesystem::path> seen;
    for (const auto& entry : path) {
        std::error_code ec;
        if (!std::filesystem::is_directory(entry, ec)) {
            continue;
        }
        for (std::filesystem::directory_iterator it(entry, ec), end; !ec && it != end;
             it.increment(ec)) {
            const auto& file = it->path();
            if (!is_manifest_file(file) || !seen.insert(file).second) {
                continue;
            }
            std::string library;
            try {
                library = read_manifest(file).library;
            } catch (const manifest_error&) {
                continue; // read_manifests() reports it with its library
            }
            std::error_code exists_ec;
            if (!std::filesystem::exists(file.parent_path() / library, exists_ec)) {
                problems.push_back({file,
                                    "manifest " + file.string() + " describes the library " +
                                        library + ", which is not in " +
                                        file.parent_path().string() + stale_fix});
            }
        }
    }
}

std::string listed(const std::vector<std::string>& lines) {
    std::string text;
    for (const auto& line : lines) {
        text += "\n  " + line;
    }
    return text;
}

} // namespace

std::vector<load_failure> audit_manifests(const std::vector<std::filesystem::path>& path,
                                          std::chrono::milliseconds timeout) {
    std::vector<load_failure> problems;
    find_orphans(path, problems);
    std::vector<std::filesystem::path> libraries;
    std::vector<plugin_manifest> manifests;
    for (const auto& file : scan_plugin_files(path).files) {
        const auto manifest = manifest_path_of(file);
        std::error_code ec;
        if (!std::filesystem::exists(manifest, ec)) {
            continue; // read_manifests() reports a library without a manifest
        }
        try {
            manifests.push_back(read_manifest(manifest));
            libraries.push_back(file);
        } catch (const manifest_error&) {
            // read_manifests() reports it
        }
    }
    const auto verdicts = verdicts_for(libraries, timeout);
    for (std::size_t i = 0; i < libraries.size(); ++i) {
        const auto& library = libraries[i];
        const auto& manifest = manifests[i];
        const auto& verdict = verdicts[i];
        const auto head = "manifest " + manifest.file.string() + " does not match its library " +
                          library.string() + ": ";
        if (!verdict.survived) {
            problems.push_back({library,
                                head + "the library " + verdict.failure +
                                    " (in a probe process); fix the plugin or remove it"});
        } else if (!verdict.refusal.empty()) {
            problems.push_back({library, head + "the library is refused: " + verdict.refusal});
        } else if (verdict.offered) {
            auto offered = *verdict.offered;
            offered.library = library.filename().string();
            const auto differences = manifest_differences(manifest, offered);
            if (!differences.empty()) {
                problems.push_back({library,
                                    head + std::to_string(differences.size()) + " difference" +
                                        (differences.size() == 1 ? "" : "s") + listed(differences) +
                                        "\n  " + stale_fix.substr(2)});
            }
        }
    }
    return problems;
}

} // namespace spark::registry::detail
