// SPDX-License-Identifier: Apache-2.0
// One spike's additions into the ring of future currents (neuron/pending_current.hpp):
// future[(base + pos[k]) & mask] += weight[k] for k in [k0, k1). The ring's size is a power of
// two, so wrapping around its end is one AND: a load, an add and a store per synapse. An
// inhibitory spike subtracts its weights instead (x - w is exactly x + (-w)). (An AVX-512 gather
// and scatter was tried here: on the AMD EPYC of bench/README.md it was no faster than this loop.)
#pragma once
#include <cstddef>
#include <cstdint>

namespace spark::neurons {

/// future[(base + pos[k]) & mask] += weight[k] for k in [k0, k1); mask + 1 is the ring's size, a
/// power of two.
template <typename T>
void scatter_add(T* __restrict future,
                 const std::uint32_t* __restrict pos,
                 const T* __restrict weight,
                 std::size_t k0,
                 std::size_t k1,
                 std::size_t base,
                 std::size_t mask) noexcept {
    for (std::size_t k = k0; k < k1; ++k) {
        future[(base + pos[k]) & mask] += weight[k];
    }
}

/// future[(base + pos[k]) & mask] -= weight[k] for k in [k0, k1): an inhibitory spike's.
template <typename T>
void scatter_subtract(T* __restrict future,
                      const std::uint32_t* __restrict pos,
                      const T* __restrict weight,
                      std::size_t k0,
                      std::size_t k1,
                      std::size_t base,
                      std::size_t mask) noexcept {
    for (std::size_t k = k0; k < k1; ++k) {
        future[(base + pos[k]) & mask] -= weight[k];
    }
}

} // namespace spark::neurons
