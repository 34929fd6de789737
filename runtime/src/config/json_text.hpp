// SPDX-License-Identifier: Apache-2.0
// Reading JSON with positions in errors, and writing JSON text as upstream's files have it:
// Python's layout when pretty, whole floats keep ".0" (a float stays a float when read back), NaN
// and Infinity as Python writes them.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>

#include <boost/json/value.hpp>
#include <boost/system/error_code.hpp>

namespace spark::runtime::detail {

/// "line 3, column 14": where byte `offset` of `text` is (both from 1).
[[nodiscard]] std::string position_text(std::string_view text, std::size_t offset);

/// Throws the config_error for a JSON syntax `error` found after `used` bytes of `text` (parsing
/// is parse_json_exact's, config/exact_json.hpp): with path `source`, invalid JSON with its line
/// and column, or nesting deeper than `max_depth`.
[[noreturn]] void throw_parse_error(std::string_view text,
                                    std::size_t used,
                                    const boost::system::error_code& error,
                                    const std::string& source,
                                    std::uint32_t max_depth);

/// `object` without `key`, the other keys in their order (Boost.JSON's erase() reorders).
[[nodiscard]] boost::json::object without_key(const boost::json::object& object,
                                              std::string_view key);

/// One line, no spaces: {"a":1.0,"b":[1,2]}.
[[nodiscard]] std::string compact(const boost::json::value& value);
/// `indent` spaces per level, Python's json.dump(indent=...) layout.
[[nodiscard]] std::string pretty(const boost::json::value& value, int indent);

} // namespace spark::runtime::detail
