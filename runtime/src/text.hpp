// SPDX-License-Identifier: Apache-2.0
// Small text helpers shared by the runtime's messages and the CLI's tables (internal).
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace spark::runtime::detail {

/// The shortest text that reads back as `value`: -60 for -60.0, 2.5, 1e-05, inf, nan.
[[nodiscard]] std::string format_number(double value);

/// Up to `limit` of `candidates` closest to `name` (edit distance with transpositions, case
/// insensitive), closest first; only those close enough to be a plausible typo.
[[nodiscard]] std::vector<std::string> closest_names(std::string_view name,
                                                     const std::vector<std::string>& candidates,
                                                     std::size_t limit = 3);

/// "1 element", "3 elements".
[[nodiscard]] std::string elements(double count);

/// "'a'", "'a' or 'b'", "'a', 'b' or 'c'".
[[nodiscard]] std::string quoted_alternatives(const std::vector<std::string>& names);

/// The system's text for an errno value ("No space left on device"), for messages that give the
/// OS's reason.
[[nodiscard]] std::string errno_text(int code);

/// The items joined by `separator`.
[[nodiscard]] std::string join(const std::vector<std::string>& items, std::string_view separator);

/// FNV-1a, 64 bits: a stable hash of text (seeds derived from names must not change between
/// builds, which std::hash does not promise).
[[nodiscard]] std::uint64_t stable_hash(std::string_view text) noexcept;

/// SplitMix64's finaliser: spreads the bits of `x` (to derive independent seeds).
[[nodiscard]] std::uint64_t mix_seed(std::uint64_t x) noexcept;

} // namespace spark::runtime::detail
