// SPDX-License-Identifier: Apache-2.0
// Whether a message holds a part: the tests check errors and logs by the words they must name.
#pragma once
#include <string>

namespace spark::test {

inline bool contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

} // namespace spark::test
