// SPDX-License-Identifier: Apache-2.0
// The pieces of the paths config readers put in front of a problem ("brain/leaky",
// "brain/modules_specs[2]/inputs/current[0]") and the words they use for a JSON value's kind.
#pragma once
#include <cstddef>
#include <string>
#include <string_view>

#include <boost/json/value.hpp>

namespace spark::runtime::detail {

/// "path/key".
[[nodiscard]] inline std::string at(std::string_view path, std::string_view key) {
    return std::string(path) + "/" + std::string(key);
}

/// "path[index]".
[[nodiscard]] inline std::string indexed(std::string_view path, std::size_t index) {
    return std::string(path) + "[" + std::to_string(index) + "]";
}

/// "null", "a bool", "a number", "a string", "an array", "an object".
[[nodiscard]] inline std::string kind_text(const boost::json::value& value) {
    switch (value.kind()) {
    case boost::json::kind::null:
        return "null";
    case boost::json::kind::bool_:
        return "a bool";
    case boost::json::kind::int64:
    case boost::json::kind::uint64:
    case boost::json::kind::double_:
        return "a number";
    case boost::json::kind::string:
        return "a string";
    case boost::json::kind::array:
        return "an array";
    case boost::json::kind::object:
        return "an object";
    }
    return "a value";
}

} // namespace spark::runtime::detail
