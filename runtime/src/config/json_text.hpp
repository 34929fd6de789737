// SPDX-License-Identifier: Apache-2.0
// JSON text as upstream's files have it: Python's layout when pretty, whole floats keep ".0" (a
// float stays a float when read back), NaN and Infinity as Python writes them.
#pragma once
#include <string>

#include <boost/json/value.hpp>

namespace spark::runtime::detail {

/// One line, no spaces: {"a":1.0,"b":[1,2]}.
[[nodiscard]] std::string compact(const boost::json::value& value);
/// `indent` spaces per level, Python's json.dump(indent=...) layout.
[[nodiscard]] std::string pretty(const boost::json::value& value, int indent);

} // namespace spark::runtime::detail
