// SPDX-License-Identifier: Apache-2.0
// Upstream 1.0 controller files on disk: read (plain or xz, told by the magic bytes) and written
// as upstream's to_file writes them (xz by default), atomically.
#pragma once
#include <filesystem>

#include <spark/runtime/config_mode.hpp>
#include <spark/runtime/file_options.hpp>

#include "config/upstream_v1.hpp"

namespace spark::runtime::upstream_v1 {

/// Reads `file`: its text (decompressed when xz), parsed with every number exact, recognised as
/// upstream 1.0 (an af523a5 file or a file of neither schema is refused, naming the schema it
/// follows and what to read it with), then read_controller. Throws config_error.
[[nodiscard]] controller_config read_controller_file(const std::filesystem::path& file,
                                                     config_mode mode = config_mode::strict,
                                                     const file_limits& limits = {});

/// Writes `config` to `file` as upstream's to_file(file, compress=...) does: to_text, then xz
/// (preset 6, CRC64, as Python's lzma.open) by default or plain, atomically. Throws config_error
/// naming the file; the file is then unchanged.
void write_controller_file(const std::filesystem::path& file,
                           const controller_config& config,
                           file_compression compression = file_compression::xz);

} // namespace spark::runtime::upstream_v1
