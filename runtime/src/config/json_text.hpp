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

/// Parses `text` (at most `max_depth` levels of nesting). Throws config_error with one problem at
/// path `source`: invalid JSON with its line and column, or nesting deeper than allowed.
[[nodiscard]] boost::json::value
parse_json(std::string_view text, const std::string& source, std::uint32_t max_depth);

/// Throws the config_error parse_json throws for `error`, found after `used` bytes of `text`.
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
