// SPDX-License-Identifier: Apache-2.0
// One LeakySoma time step for a population (docs/models.md section 4.1): exact integration
// for a current that is constant over the step, a strict threshold test, then the reset.
#pragma once
#include <cstddef>
#include <cstdint>

#include <spark/sdk/buffers.hpp>
#include <spark/sdk/vector_clones.hpp>

#include "somas/leaky_parameters.hpp"
#include "somas/potential_output.hpp"

namespace spark::neurons {

namespace detail {

/// leaky_update over raw arrays that do not overlap (so the loop vectorises), with `potential`
/// written only when it is a separate array (Copy).
template <typename T, bool Copy>
SPARK_VECTOR_CLONES void leaky_kernel(const leaky_constants<T>& c,
                                      std::size_t n,
                                      T* __restrict v,
                                      const T* __restrict current,
                                      std::uint8_t* __restrict spikes,
                                      T* __restrict potential) noexcept {
    const T decay = c.decay;
    const T drive = c.drive;
    const T threshold = c.threshold;
    const T v_reset = c.v_reset;
    for (std::size_t i = 0; i < n; ++i) {
        // Two separately rounded products, as upstream: alpha * v + drive * I.
        const T decayed = decay * v[i];
        const T driven = drive * current[i];
        const T integrated = decayed + driven;
        const bool fired = integrated > threshold;
        const T next = fired ? v_reset : integrated;
        v[i] = next;
        spikes[i] = static_cast<std::uint8_t>(fired);
        if constexpr (Copy) {
            potential[i] = next;
        }
    }
}

} // namespace detail

/// v <- alpha v + (1 - alpha) R I; spike where v > threshold; there v <- v_reset.
/// Writes the spike (bit0) and the post-reset potential of every neuron; `potential` may be `v`.
template <typename T>
void leaky_update(const leaky_constants<T>& c,
                  sdk::span<T> v,
                  sdk::span<const T> current,
                  sdk::span<std::uint8_t> spikes,
                  sdk::span<T> potential) noexcept {
    detail::with_potential(v, potential, [&](auto copy, T* p) {
        detail::leaky_kernel<T, decltype(copy)::value>(
            c, v.size(), v.data(), current.data(), spikes.data(), p);
    });
}

} // namespace spark::neurons
