// SPDX-License-Identifier: Apache-2.0
// Probe verdicts remembered for the life of the process, so that a library is probed once however
// many registries open it (ADR 0018). A file is known by its path, size, modification time and
// SHA-256: replacing a library, even keeping its size and time, probes it again.
#pragma once
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "library_probe.hpp"

namespace spark::registry::detail {

/// A file's identity for the cache. The SHA-256 is computed once per (path, size, mtime).
struct file_identity {
    std::filesystem::path file;
    std::uintmax_t size = 0;
    std::int64_t mtime = 0; // file_time_type ticks
    std::string sha256;

    bool operator<(const file_identity& other) const;
};

/// The identity of a canonical file. Throws std::runtime_error naming it when it cannot be read.
[[nodiscard]] file_identity identify(const std::filesystem::path& canonical_file);

/// The verdict for each file: remembered ones as they are, the others probed together in child
/// processes (probe_libraries) and remembered. Thread-safe. A file whose identity cannot be
/// read is probed without being remembered (loading it reports why).
[[nodiscard]] std::vector<probe_verdict>
verdicts_for(const std::vector<std::filesystem::path>& canonical_files,
             std::chrono::milliseconds timeout);

} // namespace spark::registry::detail
