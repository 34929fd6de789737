// SPDX-License-Identifier: Apache-2.0
// The per-step uniform draws of the Poisson spikers: a step's draws depend only on (seed, step
// index, draw index), so reset restarts the same sequence, a restored checkpoint needs nothing
// about the generator, and neither the executor nor the module order can change a draw.
#pragma once
#include <cstddef>
#include <cstdint>

#include <spark/sdk/random.hpp>

namespace spark::interfaces {

class step_draws {
public:
    explicit step_draws(std::uint64_t seed) : seed_(seed) {}

    /// Stands the stream at the first of step `step`'s `per_step` draws. The caller then takes
    /// exactly `per_step` uniform() draws before the next begin().
    void begin(std::uint64_t step, std::size_t per_step) {
        const std::uint64_t offset = step % segment_steps;
        if (step != next_step_ || offset == 0) {
            draws_ = sdk::random_stream(seed_, step / segment_steps);
            // A jump into a segment (the first step after a restore): skip the earlier steps'
            // draws.
            for (std::uint64_t skip = offset * per_step; skip > 0; --skip) {
                (void)draws_.bits();
            }
        }
        next_step_ = step + 1;
    }

    /// Uniform in [0, 1).
    double uniform() { return draws_.uniform(); }

private:
    /// Steps come in segments of `segment_steps`; segment m draws from random_stream(seed, m),
    /// in order. Re-seeding once per segment instead of every step keeps the generator's set-up
    /// (a few microseconds) off the per-step cost.
    static constexpr std::uint64_t segment_steps = 64;

    std::uint64_t seed_;
    sdk::random_stream draws_{0};
    std::uint64_t next_step_ = 0; // the step whose draws the stream stands at
};

} // namespace spark::interfaces
