// SPDX-License-Identifier: Apache-2.0
// `spark plugins check --write-reference FILE.npy`: a recorded trace written as the NumPy
// structured array --reference reads (one row per step, one field per port), atomically, and
// never over an existing file (a baseline is replaced on purpose, by removing it first).
#pragma once
#include <filesystem>
#include <optional>

#include <spark/runtime/plugin_check.hpp>

#include "atomic_file.hpp"

namespace spark::cli {

/// Opened before the check runs, so that a file that exists or a folder that cannot be written
/// is refused before anything runs; the file appears only when write() commits.
class trace_writer {
public:
    /// Throws spark::error ("the file exists ..." or the atomic writer's reason) naming `file`.
    explicit trace_writer(std::filesystem::path file);

    /// Writes `trace` and makes it the file's content. Throws spark::error naming the file, which
    /// is then not created (a temporary is removed).
    void write(const runtime::reference_trace& trace);

    [[nodiscard]] const std::filesystem::path& file() const noexcept { return file_; }

private:
    std::filesystem::path file_;
    std::optional<runtime::detail::atomic_file_writer> out_;
};

} // namespace spark::cli
