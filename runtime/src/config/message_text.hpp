// SPDX-License-Identifier: Apache-2.0
// Pieces of messages about limits and hostile values: a value from a file is quoted as a short
// excerpt (a 60 MB string must not become a 60 MB message), sizes read as "64 MiB", and every
// refusal says how to raise the limit it hit.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace spark::runtime::detail {

/// The most characters a message quotes from a value.
inline constexpr std::size_t excerpt_length = 100;

/// `text` when it has at most `limit` bytes; else its first `limit` bytes (never cutting a UTF-8
/// character) followed by "... (N bytes)" with its whole length.
[[nodiscard]] std::string excerpt(std::string_view text, std::size_t limit = excerpt_length);

/// "64 MiB", "1.5 GiB", "312 bytes": a size for messages, exact below 1 KiB.
[[nodiscard]] std::string size_text(std::uint64_t bytes);

/// "raise it with --max-file-size (file_limits::max_file_bytes in the API) if ..." for a limit
/// the CLI flag `flag` and the API field `field` set.
[[nodiscard]] std::string raise_hint(std::string_view flag, std::string_view field);

} // namespace spark::runtime::detail
