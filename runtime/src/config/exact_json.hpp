// SPDX-License-Identifier: Apache-2.0
// Parsing JSON so that every number is the one Python's json.loads reads: Boost.JSON 1.81's own
// parser rounds roughly one in ten 17-digit decimals to a neighbouring double (its fast path is
// not correctly rounded; later Boost releases added a precise mode), so a float read and written
// back would change its last digit. Here Boost.JSON's basic_parser tokenises and builds the value
// as usual, and each non-integer number is converted from its text with std::from_chars (correctly
// rounded). The same handler enforces what Boost.JSON 1.81 cannot: file_limits on any one string
// and on the values of a document (checked as they arrive, before they are stored), finite numbers
// only, and one occurrence of each key per object (docs/file-format.md section 11).
#pragma once
#include <cstdint>
#include <string>
#include <string_view>

#include <boost/json/value.hpp>

#include <spark/runtime/config_mode.hpp>
#include <spark/runtime/file_options.hpp>

namespace spark::runtime::detail {

/// As parse_json (json_text.hpp): the same errors with line and column, the same depth limit;
/// integers stay int64 (uint64 above INT64_MAX), every other number is the double nearest to its
/// decimal text. Also throws config_error (path `source`, the message naming the value's path
/// inside the document, e.g. `__cfg__/modules_map/A/config/units[0]`) for a string or key longer
/// than limits.max_string_bytes, more than limits.max_values values, a number that is not finite
/// (NaN, Infinity and -Infinity as Python writes them, 1e999), and in strict mode a key an object
/// holds twice; in compat mode a repeated key is logged as a warning with its path and the last
/// occurrence wins (as in Python).
[[nodiscard]] boost::json::value parse_json_exact(std::string_view text,
                                                  const std::string& source,
                                                  const file_limits& limits,
                                                  config_mode mode = config_mode::strict);

/// The limits for JSON text this process has already read within the user's limits, or wrote
/// itself (a module's config re-read from its brain file's parsed text): nesting as usual, no
/// other bound, so that a brain read with raised limits reads again.
[[nodiscard]] inline file_limits already_checked_text() {
    file_limits limits;
    limits.max_string_bytes = ~std::uint64_t{0};
    limits.max_values = ~std::uint64_t{0};
    return limits;
}

} // namespace spark::runtime::detail
