// SPDX-License-Identifier: Apache-2.0
// A branch-free choice between two floating-point values, made on their bits. GCC 12 does not
// vectorise a loop in which an integer test (a refractory counter) picks between two float sums
// ("control flow in loop"), but it does vectorise this masked bit blend, which returns exactly
// the chosen value, bit for bit.
#pragma once
#include <bit>
#include <cstdint>
#include <type_traits>

namespace spark::neurons {

/// `when ? chosen : otherwise`, exactly, without a branch.
template <typename T>
[[nodiscard]] inline T lane_select(bool when, T chosen, T otherwise) noexcept {
    static_assert(sizeof(T) == 4 || sizeof(T) == 8, "float or double");
    using bits = std::conditional_t<sizeof(T) == 4, std::int32_t, std::int64_t>;
    const bits mask = -static_cast<bits>(when);
    return std::bit_cast<T>((std::bit_cast<bits>(chosen) & mask) |
                            (std::bit_cast<bits>(otherwise) & ~mask));
}

} // namespace spark::neurons
