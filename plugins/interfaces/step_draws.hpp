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

namespace spark::interfaces {

class step_draws {
public:
    explicit step_draws(std::uint64_t seed) : draws_(seed, stream) {}

    /// Stands at the first of step `step`'s `per_step` draws; uniform(k) is then draw k of it.
    void begin(std::uint64_t step, std::size_t per_step) noexcept { first_ = step * per_step; }

    /// Draw k (< per_step) of the current step: uniform in [0, 1).
    [[nodiscard]] double uniform(std::size_t k) const noexcept {
        return draws_.uniform(first_ + k);
    }

private:
    static constexpr std::uint64_t stream = 1; // the seed's stream 0 is for build-time draws
    sdk::counter_stream draws_;
    std::uint64_t first_ = 0;
};

} // namespace spark::interfaces
