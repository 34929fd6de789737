// SPDX-License-Identifier: Apache-2.0
#include "file_names.hpp"

#include <array>
#include <cstddef>

namespace spark::cli {

namespace {

bool is_portable(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
           c == '_' || c == '-';
}

constexpr std::size_t max_file_name = 255; // NAME_MAX on Linux and most file systems

} // namespace

std::string safe_file_name(std::string_view label, std::string_view extension) {
    std::string name;
    name.reserve(label.size() + 1);
    if (label.empty() || label.front() == '.') {
        name += '_';
    }
    for (const char c : label) {
        name += is_portable(c) ? c : '_';
    }
    const std::size_t room =
        max_file_name > extension.size() ? max_file_name - extension.size() : 0;
    if (name.size() > room) {
        name.resize(room);
    }
    return name + std::string(extension);
}

namespace {

constexpr std::array<char, 16> hex_digits{
    '0', '1', '2', '3', '4', '5', '6', '7', '8', '9', 'a', 'b', 'c', 'd', 'e', 'f'};

void append_escaped(std::string& text, unsigned char byte) {
    text += "\\x";
    text += hex_digits[byte >> 4U];
    text += hex_digits[byte & 0xfU];
}

} // namespace

std::string printable_message(std::string_view message) {
    std::string text;
    text.reserve(message.size());
    for (const char c : message) {
        const auto byte = static_cast<unsigned char>(c);
        if ((byte < 0x20 && c != '\n' && c != '\t') || byte == 0x7f) {
            append_escaped(text, byte);
        } else {
            text += c;
        }
    }
    return text;
}

std::string printable(std::string_view name) {
    std::string text;
    text.reserve(name.size());
    for (const char c : name) {
        const auto byte = static_cast<unsigned char>(c);
        if (c == '\\') {
            text += "\\\\";
        } else if (byte < 0x20 || byte >= 0x7f) {
            append_escaped(text, byte);
        } else {
            text += c;
        }
    }
    return text;
}

} // namespace spark::cli
