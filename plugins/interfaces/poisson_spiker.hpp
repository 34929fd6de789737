// SPDX-License-Identifier: Apache-2.0
// `poisson_spiker`: upstream's PoissonSpiker (docs/models.md section 8.1), an input
// interface turning a signal into spikes: per step and element, spike with probability
// p = dt * (max_freq / 1000) * signal (p >= 1 spikes every step, p <= 0 never).
#pragma once
#include <cstddef>
#include <cstdint>

#include <spark/sdk/plugin.hpp>

#include "step_draws.hpp"

namespace spark::interfaces {

/// PoissonSpiker's one field, shared with topological_poisson_spiker.
inline void declare_poisson_fields(sdk::schema& s) {
    s.field_float("max_freq", 100.0)
        .units("Hz")
        .positive()
        .description("firing rate for a signal of 1");
}

template <typename T>
class poisson_spiker {
public:
    static constexpr const char* class_ref = "poisson_spiker";
    static constexpr std::int32_t kind = SPARK_KIND_INPUT_INTERFACE;
    static constexpr const char* version = "1.1.0";
    static constexpr const char* description =
        "Bernoulli spikes with per-step probability dt * max_freq * signal (signal in [0, 1])";

    static constexpr std::size_t signal_port = 0; // input
    static constexpr std::size_t spikes_port = 0; // output

    static void declare(sdk::schema& s) {
        declare_poisson_fields(s);
        s.input("signal", SPARK_PAYLOAD_FLOAT, "float_array")
            .any()
            .description("firing intensity, meant to lie in [0, 1]");
        s.output("spikes", SPARK_PAYLOAD_SPIKES, "spike_array")
            .like_port("signal")
            .description("1 where the element fired this step (no inhibition bit)");
    }

    explicit poisson_spiker(const sdk::config_view& cfg)
        : // dt [ms] * max_freq [1/s] / 1000: the spike probability per step for a signal of 1.
          per_step_(static_cast<T>(cfg.dt() * (cfg.get<double>("max_freq") / 1000.0))),
          draws_(cfg.seed()) {}

    void step(const sdk::step_context& ctx) {
        const auto signal = ctx.input<T>(signal_port);
        const auto spikes = ctx.output<std::uint8_t>(spikes_port);
        draws_.begin(ctx.index(), signal.size());
        draws_.bernoulli(per_step_, signal.data(), spikes.data(), signal.size());
    }

private:
    T per_step_;
    step_draws draws_; // one uniform per element per step, row-major (step_draws.hpp)
};

} // namespace spark::interfaces
