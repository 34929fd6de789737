// SPDX-License-Identifier: Apache-2.0
#include "config/python_json.hpp"

#include <array>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

namespace spark::runtime::detail {
namespace {

namespace json = boost::json;

constexpr std::string_view hex_digits = "0123456789abcdef"; // Python writes \u00e9, not \u00E9

void append_u_escape(std::string& out, std::uint32_t unit) {
    out += "\\u";
    for (int shift = 12; shift >= 0; shift -= 4) {
        out += hex_digits[(unit >> static_cast<unsigned>(shift)) & 0xFU];
    }
}

[[noreturn]] void invalid_utf8(std::string_view text, std::size_t at) {
    throw std::invalid_argument(
        "python_json_dumps: a string is not valid UTF-8 at byte " + std::to_string(at) + " of " +
        std::to_string(text.size()) +
        "; a Python string holds Unicode text only, so convert the text to UTF-8 first");
}

/// The code point of the UTF-8 sequence at text[i] (advancing i past it). Rejects what Python's
/// UTF-8 codec rejects: stray continuation bytes, truncated and overlong sequences, encoded
/// surrogates (U+D800..U+DFFF) and values above U+10FFFF.
std::uint32_t next_code_point(std::string_view text, std::size_t& i) {
    const std::size_t start = i;
    const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
    const unsigned char lead = byte(i);
    std::size_t length = 0;
    std::uint32_t code = 0;
    std::uint32_t minimum = 0;
    if (lead >= 0xC0 && lead < 0xE0) {
        length = 2;
        code = lead & 0x1FU;
        minimum = 0x80;
    } else if (lead >= 0xE0 && lead < 0xF0) {
        length = 3;
        code = lead & 0x0FU;
        minimum = 0x800;
    } else if (lead >= 0xF0 && lead < 0xF5) {
        length = 4;
        code = lead & 0x07U;
        minimum = 0x10000;
    } else {
        invalid_utf8(text, start);
    }
    if (start + length > text.size()) {
        invalid_utf8(text, start);
    }
    for (std::size_t k = 1; k < length; ++k) {
        const unsigned char next = byte(start + k);
        if ((next & 0xC0U) != 0x80U) {
            invalid_utf8(text, start);
        }
        code = (code << 6U) | (next & 0x3FU);
    }
    if (code < minimum || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) {
        invalid_utf8(text, start);
    }
    i = start + length;
    return code;
}

/// Python's json string encoder with ensure_ascii=True: the printable ASCII characters ' '..'~'
/// stay (except '"' and '\\'), the six short escapes, \u00XX for the other controls and DEL,
/// \uXXXX for every other code point, as a UTF-16 surrogate pair above U+FFFF.
void write_string(std::string& out, std::string_view text) {
    out += '"';
    std::size_t i = 0;
    while (i < text.size()) {
        const auto c = static_cast<unsigned char>(text[i]);
        if (c >= 0x80) {
            const std::uint32_t code = next_code_point(text, i);
            if (code >= 0x10000) {
                const std::uint32_t offset = code - 0x10000;
                append_u_escape(out, 0xD800 + (offset >> 10U));
                append_u_escape(out, 0xDC00 + (offset & 0x3FFU));
            } else {
                append_u_escape(out, code);
            }
            continue;
        }
        ++i;
        switch (c) {
        case '"':
            out += "\\\"";
            break;
        case '\\':
            out += "\\\\";
            break;
        case '\n':
            out += "\\n";
            break;
        case '\r':
            out += "\\r";
            break;
        case '\t':
            out += "\\t";
            break;
        case '\b':
            out += "\\b";
            break;
        case '\f':
            out += "\\f";
            break;
        default:
            if (c < 0x20 || c == 0x7F) {
                append_u_escape(out, c);
            } else {
                out += static_cast<char>(c);
            }
        }
    }
    out += '"';
}

/// Python's float.__repr__ via json's float encoder: NaN and the infinities as JavaScript names.
void write_double(std::string& out, double value) {
    if (std::isnan(value)) {
        out += "NaN";
    } else if (std::isinf(value)) {
        out += value > 0 ? "Infinity" : "-Infinity";
    } else {
        out += python_float_repr(value);
    }
}

void newline(std::string& out, int indent, int depth) {
    out += '\n';
    out.append(static_cast<std::size_t>(indent) * static_cast<std::size_t>(depth), ' ');
}

void write_value(std::string& out, const json::value& value, int indent, int depth) {
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
        write_double(out, value.get_double());
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
        bool first = true;
        for (const auto& item : array) {
            if (!first) {
                out += ',';
            }
            first = false;
            newline(out, indent, depth + 1);
            write_value(out, item, indent, depth + 1);
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
                out += ',';
            }
            first = false;
            newline(out, indent, depth + 1);
            write_string(out, entry.key());
            out += ": ";
            write_value(out, entry.value(), indent, depth + 1);
        }
        newline(out, indent, depth);
        out += '}';
        return;
    }
    }
}

} // namespace

std::string python_float_repr(double value) {
    if (std::isnan(value)) {
        return "nan";
    }
    if (std::isinf(value)) {
        return value > 0 ? "inf" : "-inf";
    }
    if (value == 0.0) {
        return std::signbit(value) ? "-0.0" : "0.0";
    }
    // std::to_chars in scientific form gives the shortest digits that read back as `value`
    // ("d.ddde+XX"), the same digits Python's repr chooses; only their layout differs.
    std::array<char, 40> buffer{};
    const auto result = std::to_chars(
        buffer.data(), buffer.data() + buffer.size(), value, std::chars_format::scientific);
    const std::string_view scientific(buffer.data(),
                                      static_cast<std::size_t>(result.ptr - buffer.data()));
    const std::size_t e = scientific.find('e');
    std::string_view mantissa = scientific.substr(0, e);
    std::string text;
    if (mantissa.front() == '-') {
        text += '-';
        mantissa.remove_prefix(1);
    }
    std::string digits;
    for (const char c : mantissa) {
        if (c != '.') {
            digits += c;
        }
    }
    int exponent = 0;
    const std::string_view exponent_text = scientific.substr(e + 1);
    std::from_chars(exponent_text.data() + (exponent_text.front() == '+' ? 1 : 0),
                    exponent_text.data() + exponent_text.size(),
                    exponent);
    // Python (float.__repr__, format mode 'r'): scientific when the decimal point would sit more
    // than 4 places left of the first digit or more than 16 places right of it.
    const int point = exponent + 1; // digits = 0.d1d2... x 10^point
    const auto count = static_cast<int>(digits.size());
    if (point <= -4 || point > 16) {
        text += digits[0];
        if (count > 1) {
            text += '.';
            text.append(digits, 1);
        }
        text += exponent < 0 ? "e-" : "e+";
        const int magnitude = exponent < 0 ? -exponent : exponent;
        if (magnitude < 10) {
            text += '0';
        }
        text += std::to_string(magnitude);
    } else if (point <= 0) {
        text += "0.";
        text.append(static_cast<std::size_t>(-point), '0');
        text += digits;
    } else if (point >= count) {
        text += digits;
        text.append(static_cast<std::size_t>(point - count), '0');
        text += ".0";
    } else {
        text.append(digits, 0, static_cast<std::size_t>(point));
        text += '.';
        text.append(digits, static_cast<std::size_t>(point));
    }
    return text;
}

std::string python_json_dumps(const json::value& value, int indent) {
    if (indent < 0) {
        throw std::invalid_argument("python_json_dumps: indent must be >= 0, got " +
                                    std::to_string(indent));
    }
    std::string out;
    write_value(out, value, indent, 0);
    return out;
}

} // namespace spark::runtime::detail
