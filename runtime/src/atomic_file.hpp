// SPDX-License-Identifier: Apache-2.0
// Files written atomically, as a stream: the bytes go to a temporary file next to the target, which
// is flushed to the disk and renamed over the target only when the writer commits. Readers, and
// the disk after a crash, see the old file or the new one, never half of one (ADR 0015).
#pragma once
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

#include <spark/registry/errors.hpp>

namespace spark::runtime::detail {

/// A write failed. what() is "<file>: <reason>"; reason() names the step and the OS's reason.
class atomic_file_error : public spark::error {
public:
    atomic_file_error(std::filesystem::path file, std::string reason);
    [[nodiscard]] const std::filesystem::path& file() const noexcept { return file_; }
    [[nodiscard]] const std::string& reason() const noexcept { return reason_; }

private:
    std::filesystem::path file_;
    std::string reason_;
};

/// The temporary file every writer of `file` uses: "<file>.partial", next to it. One fixed name,
/// so that what a killed writer leaves behind is replaced by the next write of the same file
/// instead of piling up.
[[nodiscard]] std::filesystem::path temporary_path_of(const std::filesystem::path& file);

/// Writes one file atomically. The constructor creates the target's folder and opens (or takes
/// over) the temporary file; write() appends, checking every write; commit() fsyncs the temporary,
/// renames it over the target and fsyncs the folder. Until commit() succeeds the target is
/// untouched; a writer destroyed without committing removes its temporary. Two writers of the
/// same file at once: the second is refused (an advisory lock on the temporary, which the
/// kernel drops when a writer dies, so a killed writer never blocks the next one).
class atomic_file_writer {
public:
    explicit atomic_file_writer(std::filesystem::path file);
    ~atomic_file_writer();
    atomic_file_writer(const atomic_file_writer&) = delete;
    atomic_file_writer& operator=(const atomic_file_writer&) = delete;

    /// Appends `size` bytes. Throws atomic_file_error ("cannot write the file: <OS reason>");
    /// the writer is then abandoned (its temporary removed, the target unchanged).
    void write(const void* data, std::size_t size);
    void write(std::string_view bytes) { write(bytes.data(), bytes.size()); }
    /// Bytes written so far.
    [[nodiscard]] std::uint64_t written() const noexcept { return written_; }
    /// Makes the written bytes the target's content. Throws atomic_file_error, target unchanged.
    void commit();

    [[nodiscard]] const std::filesystem::path& file() const noexcept { return file_; }

private:
    [[noreturn]] void abandon(const std::string& reason);
    std::filesystem::path file_;
    std::filesystem::path temporary_;
    int descriptor_ = -1;
    std::uint64_t written_ = 0;
};

} // namespace spark::runtime::detail
