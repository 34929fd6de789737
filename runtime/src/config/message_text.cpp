// SPDX-License-Identifier: Apache-2.0
#include "config/message_text.hpp"

#include <array>
#include <cstdio>

namespace spark::runtime::detail {

std::string excerpt(std::string_view text, std::size_t limit) {
    if (text.size() <= limit) {
        return std::string(text);
    }
    std::size_t end = limit;
    // Back up over UTF-8 continuation bytes so that the excerpt stays valid text.
    while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0U) == 0x80U) {
        --end;
    }
    return std::string(text.substr(0, end)) + "... (" + std::to_string(text.size()) + " bytes)";
}

std::string size_text(std::uint64_t bytes) {
    constexpr std::array<const char*, 5> units = {"KiB", "MiB", "GiB", "TiB", "PiB"};
    if (bytes < 1024) {
        return std::to_string(bytes) + (bytes == 1 ? " byte" : " bytes");
    }
    double value = static_cast<double>(bytes) / 1024.0;
    std::size_t unit = 0;
    while (value >= 1024.0 && unit + 1 < units.size()) {
        value /= 1024.0;
        ++unit;
    }
    std::array<char, 32> text{};
    // Whole numbers stay whole ("64 MiB"); others get one decimal ("1.5 GiB").
    const bool whole = value == static_cast<double>(static_cast<std::uint64_t>(value));
    std::snprintf(text.data(), text.size(), whole ? "%.0f %s" : "%.1f %s", value, units[unit]);
    return text.data();
}

std::string raise_hint(std::string_view flag, std::string_view field) {
    return "raise it with --" + std::string(flag) + " (" + std::string(field) +
           " in the API) if it really is this large";
}

} // namespace spark::runtime::detail
