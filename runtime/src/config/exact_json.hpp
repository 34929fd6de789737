// SPDX-License-Identifier: Apache-2.0
// Parsing JSON so that every number is the one Python's json.loads reads: Boost.JSON 1.81's own
// parser rounds roughly one in ten 17-digit decimals to a neighbouring double (its fast path is
// not correctly rounded; later Boost releases added a precise mode), so a float read and written
// back would change its last digit. Here Boost.JSON's basic_parser tokenises and builds the value
// as usual, and each non-integer number is converted from its text with std::from_chars (correctly
// rounded).
#pragma once
#include <cstdint>
#include <string>
#include <string_view>

#include <boost/json/value.hpp>

namespace spark::runtime::detail {

/// As parse_json (json_text.hpp): the same errors with line and column, the same depth limit;
/// integers stay int64 (uint64 above INT64_MAX), every other number is the double nearest to its
/// decimal text.
[[nodiscard]] boost::json::value
parse_json_exact(std::string_view text, const std::string& source, std::uint32_t max_depth);

} // namespace spark::runtime::detail
