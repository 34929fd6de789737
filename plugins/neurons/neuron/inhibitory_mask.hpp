// SPDX-License-Identifier: Apache-2.0
// A neuron population's inhibitory identity (docs/models.md section 7.2): floor(n * rate)
// neurons, the first ones of a random permutation drawn from the neuron's own random stream.
#pragma once
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <vector>

#include <spark/sdk/random.hpp>

namespace spark::neurons {

/// 1 for an inhibitory neuron, 0 for an excitatory one. Deterministic in (seed, n, rate).
[[nodiscard]] inline std::vector<std::uint8_t>
inhibitory_mask(std::uint64_t seed, std::size_t n, double rate) {
    // The same double arithmetic as upstream's int(|units| * rate).
    const auto inhibitory = static_cast<std::size_t>(std::floor(static_cast<double>(n) * rate));
    std::vector<std::uint8_t> mask(n, 0);
    sdk::random_stream stream(seed);
    const auto order = stream.permutation(n);
    for (std::size_t k = 0; k < inhibitory && k < n; ++k) {
        mask[order[k]] = 1;
    }
    return mask;
}

} // namespace spark::neurons
