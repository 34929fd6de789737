// SPDX-License-Identifier: Apache-2.0
// The bytes of `.scfg` files: plain JSON or xz-compressed JSON (upstream HEAD writes xz; the
// magic bytes FD 37 7A 58 5A 00 decide, never the suffix), read within size limits and written
// atomically (a temporary file, flushed to disk, renamed over the target, so a failed write or a
// crash leaves the old file or the new one, never half of one).
#pragma once
#include <filesystem>
#include <string>
#include <string_view>

#include <spark/runtime/file_options.hpp>

namespace spark::runtime::detail {

/// The JSON text of `file`, decompressed when it is xz. Throws config_error (path = the file) for
/// a missing or unreadable file, a file or a text larger than `limits` allow, and truncated or
/// corrupt xz data, each with what to do about it.
[[nodiscard]] std::string read_scfg_text(const std::filesystem::path& file,
                                         const file_limits& limits);

/// `text` compressed exactly as Python's lzma.open(path, "wt") compresses it (upstream 1.0's
/// default): one xz stream, LZMA2 at preset 6, CRC64 check (liblzma's lzma_easy_encoder, the
/// library Python's lzma module wraps). `file` only names the file in errors (config_error).
[[nodiscard]] std::string xz_compress(std::string_view text, const std::filesystem::path& file);

/// Writes `bytes` to `file` atomically (atomic_file_writer), creating its folder: a temporary file
/// in the same folder, written and fsync'ed, renamed over `file`, then the folder fsync'ed. Throws
/// config_error naming the file on failure; `file` is then unchanged and no temporary file is
/// left.
void write_file_atomically(const std::filesystem::path& file, std::string_view bytes);

/// Writes `text` to `file` atomically (write_file_atomically), xz-compressed (xz_compress) when
/// asked.
void write_scfg_text(const std::filesystem::path& file,
                     std::string_view text,
                     file_compression compression);

} // namespace spark::runtime::detail
