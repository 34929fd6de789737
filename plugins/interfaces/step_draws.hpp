// SPDX-License-Identifier: Apache-2.0
// The per-step uniform draws of the Poisson spikers: a step's draws depend only on (seed, step
// index, draw index), so reset restarts the same sequence, a restored checkpoint needs nothing
// about the generator, and neither the executor nor the module order can change a draw. Each draw
// is addressed by its counter (sdk::counter_stream): no generator state, no re-seeding, no skipping
// after a jump.
#pragma once
#include <cstddef>
#include <cstdint>

#include <spark/sdk/random.hpp>
#include <spark/sdk/vector_clones.hpp>

namespace spark::interfaces {

namespace detail {

/// spikes[k] = 1 where draw first + k of `draws` < per_step * signal[k] (the product in T, the
/// comparison in double), else 0. The draws are independent per k, so the loop vectorises (with
/// AVX-512 DQ, eight 64-bit draws at once); there is no float multiply-add to fuse.
template <typename T>
SPARK_VECTOR_CLONES_AVX512 void bernoulli_spikes(sdk::counter_stream draws,
                                                 std::uint64_t first,
                                                 T per_step,
                                                 const T* __restrict signal,
                                                 std::uint8_t* __restrict spikes,
                                                 std::size_t n) noexcept {
    for (std::size_t k = 0; k < n; ++k) {
        const T p = per_step * signal[k];
        spikes[k] = draws.uniform(first + k) < static_cast<double>(p) ? 1 : 0;
    }
}

} // namespace detail

class step_draws {
public:
    explicit step_draws(std::uint64_t seed) : draws_(seed, stream) {}

    /// Stands at the first of step `step`'s `per_step` draws; uniform(k) is then draw k of it.
    void begin(std::uint64_t step, std::size_t per_step) noexcept { first_ = step * per_step; }

    /// Draw k (< per_step) of the current step: uniform in [0, 1).
    [[nodiscard]] double uniform(std::size_t k) const noexcept {
        return draws_.uniform(first_ + k);
    }

    /// Every draw of the current step at once: spikes[k] = uniform(k) < per_step * signal[k].
    template <typename T>
    void
    bernoulli(T per_step, const T* signal, std::uint8_t* spikes, std::size_t n) const noexcept {
        detail::bernoulli_spikes(draws_, first_, per_step, signal, spikes, n);
    }

private:
    static constexpr std::uint64_t stream = 1; // the seed's stream 0 is for build-time draws
    sdk::counter_stream draws_;
    std::uint64_t first_ = 0;
};

} // namespace spark::interfaces
