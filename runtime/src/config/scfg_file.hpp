// SPDX-License-Identifier: Apache-2.0
// The bytes of `.scfg` files: plain JSON or xz-compressed JSON (upstream HEAD writes xz; the
// magic bytes FD 37 7A 58 5A 00 decide, never the suffix), read within size limits and written
// atomically (a temporary file renamed over the target, so a failed write leaves the old file).
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

/// Writes `text` to `file` (creating its folder), xz-compressed (CRC64 check, preset 6, as
/// Python's lzma.open) when asked. Throws config_error naming the file on failure; the file is
/// then unchanged.
void write_scfg_text(const std::filesystem::path& file,
                     std::string_view text,
                     file_compression compression);

} // namespace spark::runtime::detail
