// SPDX-License-Identifier: Apache-2.0
// `poisson_spiker`: upstream's PoissonSpiker (upstream-models.md section 8.1), an input
// interface turning a signal into spikes: per step and element, spike with probability
// p = dt * (max_freq / 1000) * signal (p >= 1 spikes every step, p <= 0 never).
#pragma once
#include <cstddef>
#include <cstdint>

#include <spark/sdk/plugin.hpp>
#include <spark/sdk/random.hpp>

namespace spark::interfaces {

template <typename T>
class poisson_spiker {
public:
    static constexpr const char* class_ref = "poisson_spiker";
    static constexpr std::int32_t kind = SPARK_KIND_INPUT_INTERFACE;
    static constexpr const char* version = "1.0.0";
    static constexpr const char* description =
        "Bernoulli spikes with per-step probability dt * max_freq * signal (signal in [0, 1])";

    static constexpr std::size_t signal_port = 0; // input
    static constexpr std::size_t spikes_port = 0; // output

    static void declare(sdk::schema& s) {
        s.field_float("max_freq", 100.0)
            .units("Hz")
            .positive()
            .description("firing rate for a signal of 1");
        s.input("signal", SPARK_PAYLOAD_FLOAT, "float_array")
            .any()
            .description("firing intensity, meant to lie in [0, 1]");
        s.output("spikes", SPARK_PAYLOAD_SPIKES, "spike_array")
            .like_port("signal")
            .description("1 where the element fired this step (no inhibition bit)");
    }

    explicit poisson_spiker(const sdk::config_view& cfg)
        : seed_(cfg.seed()),
          // dt [ms] * max_freq [1/s] / 1000: the spike probability per step for a signal of 1.
          per_step_(static_cast<T>(cfg.dt() * (cfg.get<double>("max_freq") / 1000.0))) {}

    void step(const sdk::step_context& ctx) {
        const auto signal = ctx.input<T>(signal_port);
        const auto spikes = ctx.output<std::uint8_t>(spikes_port);
        position_stream(ctx.index(), signal.size());
        for (std::size_t i = 0; i < signal.size(); ++i) {
            const T p = per_step_ * signal[i];
            spikes[i] = draws_.uniform() < static_cast<double>(p) ? 1 : 0;
        }
        next_step_ = ctx.index() + 1;
    }

private:
    /// Steps come in segments of `segment_steps`; segment m draws from random_stream(seed, m),
    /// one uniform per element per step in row-major order. So a step's spikes depend only on
    /// (seed, step index, signal): reset restarts the same sequence, nothing about the
    /// generator needs checkpointing, and neither the executor nor the module order can change
    /// a draw. Re-seeding once per segment instead of every step keeps the generator's set-up
    /// (a few microseconds) off the per-step cost.
    static constexpr std::uint64_t segment_steps = 64;

    void position_stream(std::uint64_t step, std::size_t elements) {
        const std::uint64_t offset = step % segment_steps;
        if (step == next_step_ && offset != 0) {
            return; // the stream already stands at this step's first draw
        }
        draws_ = sdk::random_stream(seed_, step / segment_steps);
        // A jump into a segment (the first step after a restore): skip the earlier steps' draws.
        for (std::uint64_t skip = offset * elements; skip > 0; --skip) {
            (void)draws_.bits();
        }
    }

    std::uint64_t seed_;
    T per_step_;
    sdk::random_stream draws_{0};
    std::uint64_t next_step_ = 0; // the step whose draws the stream stands at
};

} // namespace spark::interfaces
