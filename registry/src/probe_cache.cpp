// SPDX-License-Identifier: Apache-2.0
#include "probe_cache.hpp"

#include <map>
#include <mutex>
#include <optional>
#include <tuple>
#include <utility>

#include "sha256.hpp"

namespace spark::registry::detail {
namespace {

using stat_key = std::tuple<std::filesystem::path, std::uintmax_t, std::int64_t>;

struct cache {
    std::mutex mutex;
    std::map<stat_key, std::string> sha256;       // (path, size, mtime) -> its SHA-256
    std::map<file_identity, probe_verdict> known; // identity -> verdict
};

cache& the_cache() {
    static cache instance; // process-wide on purpose: verdicts outlive each registry
    return instance;
}

} // namespace

bool file_identity::operator<(const file_identity& other) const {
    return std::tie(file, size, mtime, sha256) <
           std::tie(other.file, other.size, other.mtime, other.sha256);
}

file_identity identify(const std::filesystem::path& canonical_file) {
    file_identity id;
    id.file = canonical_file;
    id.size = std::filesystem::file_size(canonical_file);
    id.mtime = std::filesystem::last_write_time(canonical_file).time_since_epoch().count();
    const stat_key key{id.file, id.size, id.mtime};
    auto& c = the_cache();
    {
        const std::lock_guard lock(c.mutex);
        if (const auto found = c.sha256.find(key); found != c.sha256.end()) {
            id.sha256 = found->second;
            return id;
        }
    }
    id.sha256 = sha256_hex(canonical_file);
    const std::lock_guard lock(c.mutex);
    c.sha256.emplace(key, id.sha256);
    return id;
}

std::vector<probe_verdict> verdicts_for(const std::vector<std::filesystem::path>& canonical_files,
                                        std::chrono::milliseconds timeout) {
    auto& c = the_cache();
    std::vector<std::optional<file_identity>> ids;
    std::vector<probe_verdict> verdicts(canonical_files.size());
    std::vector<std::filesystem::path> unknown;
    std::vector<std::size_t> unknown_at;
    for (std::size_t i = 0; i < canonical_files.size(); ++i) {
        std::optional<file_identity> id;
        try {
            id = identify(canonical_files[i]);
        } catch (const std::exception&) {
            // Unreadable: the loader's own error will say so; probe it anyway.
        }
        bool found = false;
        if (id) {
            const std::lock_guard lock(c.mutex);
            if (const auto known = c.known.find(*id); known != c.known.end()) {
                verdicts[i] = known->second;
                found = true;
            }
        }
        if (!found) {
            unknown.push_back(canonical_files[i]);
            unknown_at.push_back(i);
        }
        ids.push_back(std::move(id));
    }
    if (unknown.empty()) {
        return verdicts;
    }
    auto probed = probe_libraries(unknown, timeout);
    const std::lock_guard lock(c.mutex);
    for (std::size_t k = 0; k < probed.size(); ++k) {
        const auto i = unknown_at[k];
        if (ids[i]) {
            c.known.insert_or_assign(*ids[i], probed[k]);
        }
        verdicts[i] = std::move(probed[k]);
    }
    return verdicts;
}

} // namespace spark::registry::detail
