// SPDX-License-Identifier: Apache-2.0
// SHA-256 of a plugin file, recorded as provenance.
#pragma once
#include <filesystem>
#include <string>

namespace spark::registry::detail {

/// Lower-case hex SHA-256 of the file's bytes. Throws std::runtime_error naming the file when it
/// cannot be read.
[[nodiscard]] std::string sha256_hex(const std::filesystem::path& file);

} // namespace spark::registry::detail
