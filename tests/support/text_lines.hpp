// SPDX-License-Identifier: Apache-2.0
// Lines of a program's output with table padding squeezed away, for the CLI tests: each run of
// blanks becomes one space and trailing blanks go; an indented line keeps one leading space
// unless asked to drop it.
#pragma once
#include <sstream>
#include <string>
#include <vector>

namespace spark::test {

enum class indent { keep_one, drop };

inline std::vector<std::string> squeezed_lines(const std::string& text, indent leading) {
    std::vector<std::string> lines;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) {
        std::string out;
        for (const char c : line) {
            if (c != ' ' || out.empty() || out.back() != ' ') {
                out += c;
            }
        }
        while (!out.empty() && out.back() == ' ') {
            out.pop_back();
        }
        if (leading == indent::drop && !out.empty() && out.front() == ' ') {
            out.erase(0, 1);
        }
        lines.push_back(out);
    }
    return lines;
}

inline bool has_line(const std::string& text, const std::string& line, indent leading) {
    for (const auto& candidate : squeezed_lines(text, leading)) {
        if (candidate == line) {
            return true;
        }
    }
    return false;
}

} // namespace spark::test
