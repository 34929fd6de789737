// SPDX-License-Identifier: Apache-2.0
// The postsynaptic neurons a neuron instance holds: all of its population, or the range of them a
// slice holds (spark/abi/slices.h). Whatever is drawn or normalised over the population (the
// kernel, the delays, the inhibition mask) is drawn for the whole population and cut to these
// rows, so that a slice computes bit for bit what the whole population computes for them.
#pragma once
#include <cstddef>

namespace spark::neurons {

/// Rows [first, first + count) of a population of `whole` postsynaptic neurons (row-major
/// positions in its `units` shape).
struct post_rows {
    std::size_t first = 0;
    std::size_t count = 0;
    std::size_t whole = 0;

    /// Every neuron of the population: the instance is not a slice of it.
    [[nodiscard]] static post_rows all_of(std::size_t n) noexcept { return {0, n, n}; }
    [[nodiscard]] bool all() const noexcept { return first == 0 && count == whole; }
    [[nodiscard]] std::size_t end() const noexcept { return first + count; }
};

} // namespace spark::neurons
