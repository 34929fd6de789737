// SPDX-License-Identifier: Apache-2.0
#include "config/json_text.hpp"

#include <cmath>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

#include <boost/json/serialize.hpp>

#include <spark/runtime/errors.hpp>

#include "text.hpp"

namespace spark::runtime::detail {
namespace {

namespace json = boost::json;

void write_string(std::string& out, std::string_view text) {
    out += json::serialize(json::string_view(text.data(), text.size()));
}

/// Whole doubles keep a ".0" so that a float stays a float when read back (as upstream writes).
void write_number(std::string& out, double value) {
    if (std::isnan(value)) {
        out += "NaN";
        return;
    }
    if (std::isinf(value)) {
        out += value > 0 ? "Infinity" : "-Infinity";
        return;
    }
    std::string text = format_number(value);
    if (text.find_first_of(".e") == std::string::npos) {
        text += ".0";
    }
    out += text;
}

void newline(std::string& out, int indent, int depth) {
    if (indent >= 0) {
        out += '\n';
        out.append(static_cast<std::size_t>(indent) * static_cast<std::size_t>(depth), ' ');
    }
}

/// Pretty (indent >= 0: that many spaces per level, Python's layout) or compact (indent < 0).
void write_value(std::string& out, const json::value& value, int indent, int depth) {
    const std::string_view colon = indent >= 0 ? ": " : ":";
    const std::string_view comma = ",";
    switch (value.kind()) {
    case json::kind::null:
        out += "null";
        return;
    case json::kind::bool_:
        out += value.get_bool() ? "true" : "false";
        return;
    case json::kind::int64:
        out += std::to_string(value.get_int64());
        return;
    case json::kind::uint64:
        out += std::to_string(value.get_uint64());
        return;
    case json::kind::double_:
        write_number(out, value.get_double());
        return;
    case json::kind::string:
        write_string(out, value.get_string());
        return;
    case json::kind::array: {
        const auto& array = value.get_array();
        if (array.empty()) {
            out += "[]";
            return;
        }
        out += '[';
        for (std::size_t i = 0; i < array.size(); ++i) {
            if (i > 0) {
                out += comma;
            }
            newline(out, indent, depth + 1);
            write_value(out, array[i], indent, depth + 1);
        }
        newline(out, indent, depth);
        out += ']';
        return;
    }
    case json::kind::object: {
        const auto& object = value.get_object();
        if (object.empty()) {
            out += "{}";
            return;
        }
        out += '{';
        bool first = true;
        for (const auto& entry : object) {
            if (!first) {
                out += comma;
            }
            first = false;
            newline(out, indent, depth + 1);
            write_string(out, entry.key());
            out += colon;
            write_value(out, entry.value(), indent, depth + 1);
        }
        newline(out, indent, depth);
        out += '}';
        return;
    }
    }
}

/// Line and column (both from 1) of a byte offset.
std::pair<std::size_t, std::size_t> line_and_column(std::string_view text, std::size_t offset) {
    std::size_t line = 1;
    std::size_t column = 1;
    for (std::size_t i = 0; i < std::min(offset, text.size()); ++i) {
        if (text[i] == '\n') {
            ++line;
            column = 1;
        } else {
            ++column;
        }
    }
    return {line, column};
}

} // namespace

std::string position_text(std::string_view text, std::size_t offset) {
    const auto [line, column] = line_and_column(text, offset);
    return "line " + std::to_string(line) + ", column " + std::to_string(column);
}

void throw_parse_error(std::string_view text,
                       std::size_t used,
                       const boost::system::error_code& error,
                       const std::string& source,
                       std::uint32_t max_depth) {
    const std::string where = "at " + position_text(text, used);
    if (error == json::error::too_deep) {
        throw config_error(
            {{source,
              "JSON nested more than " + std::to_string(max_depth) + " levels deep " + where +
                  "; a brain file is far shallower (raise file_limits::max_depth in the API if it "
                  "really is this deep)"}});
    }
    throw config_error({{source, "not valid JSON " + where + ": " + error.message()}});
}

std::string compact(const json::value& value) {
    std::string out;
    write_value(out, value, -1, 0);
    return out;
}

std::string pretty(const json::value& value, int indent) {
    std::string out;
    write_value(out, value, indent, 0);
    return out;
}

json::object without_key(const json::object& object, std::string_view key) {
    json::object out;
    for (const auto& entry : object) {
        if (entry.key() != key) {
            out[entry.key()] = entry.value();
        }
    }
    return out;
}

} // namespace spark::runtime::detail
