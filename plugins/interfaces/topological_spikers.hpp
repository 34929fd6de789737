// SPDX-License-Identifier: Apache-2.0
// `topological_poisson_spiker` and `topological_linear_spiker`: upstream's
// TopologicalPoissonSpiker and TopologicalLinearSpiker (docs/models.md section 8.1). Each
// signal element is spread over `resolution` neurons by a bump h (topological_bump.hpp) that
// drives a Poisson spiker (per-step probability dt * max_freq / 1000 * h) or a linear encoder
// (linear_encoder.hpp) per neuron. Spikes have shape signal ⊕ (resolution,).
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

#include <spark/sdk/plugin.hpp>

#include "linear_encoder.hpp"
#include "poisson_spiker.hpp"
#include "step_draws.hpp"
#include "topological_bump.hpp"

namespace spark::interfaces {

namespace detail {

inline void declare_topological_ports(sdk::schema& s) {
    s.input("signal", SPARK_PAYLOAD_FLOAT, "float_array")
        .any()
        .description("values to encode, meant to lie in [mins, maxs]");
    s.output("spikes", SPARK_PAYLOAD_SPIKES, "spike_array")
        .computed("signal shape + (resolution,)")
        .description("per signal element, the spikes of its resolution neurons (no inhibition "
                     "bit)");
}

/// The bump of a topological spiker with its build-time sizes: output shape and scratch h.
template <typename T>
struct topological_front {
    explicit topological_front(const sdk::config_view& cfg) : bump(cfg) {}

    void build(sdk::build_context& b) {
        shape = bump.build(b.input(0).shape);
        b.output(0) = sdk::make_spec(SPARK_PAYLOAD_SPIKES, SPARK_DTYPE_U8, shape);
        h.assign(static_cast<std::size_t>(sdk::element_count(shape)), T(0));
    }

    topological_bump<T> bump;
    spark_shape_t shape{};
    std::vector<T> h; // this step's bump values, one per output element
};

} // namespace detail

template <typename T>
class topological_poisson_spiker {
public:
    static constexpr const char* class_ref = "topological_poisson_spiker";
    static constexpr std::int32_t kind = SPARK_KIND_INPUT_INTERFACE;
    static constexpr const char* version = "1.1.0";
    static constexpr const char* description =
        "population coding: each signal element drives resolution Poisson spikers through a "
        "bump centred on its value";

    static constexpr std::size_t signal_port = 0; // input
    static constexpr std::size_t spikes_port = 0; // output

    static void declare(sdk::schema& s) {
        declare_topological_fields(s);
        declare_poisson_fields(s);
        detail::declare_topological_ports(s);
    }

    explicit topological_poisson_spiker(const sdk::config_view& cfg)
        : front_(cfg), per_step_(static_cast<T>(cfg.dt() * (cfg.get<double>("max_freq") / 1000.0))),
          draws_(cfg.seed()) {}

    void build(sdk::build_context& b) { front_.build(b); }

    void step(const sdk::step_context& ctx) {
        const auto spikes = ctx.output<std::uint8_t>(spikes_port);
        front_.bump.compute(ctx.input<T>(signal_port), front_.h);
        draws_.begin(ctx.index(), front_.h.size());
        for (std::size_t o = 0; o < front_.h.size(); ++o) {
            const T p = per_step_ * front_.h[o];
            spikes[o] = draws_.uniform(o) < static_cast<double>(p) ? 1 : 0;
        }
    }

private:
    detail::topological_front<T> front_;
    T per_step_;       // dt * max_freq / 1000: the spike probability per step for h = 1
    step_draws draws_; // one uniform per output element per step, row-major
};

template <typename T>
class topological_linear_spiker {
public:
    static constexpr const char* class_ref = "topological_linear_spiker";
    static constexpr std::int32_t kind = SPARK_KIND_INPUT_INTERFACE;
    static constexpr const char* version = "1.0.0";
    static constexpr const char* description =
        "population coding: each signal element drives resolution integrate-and-fire encoders "
        "through a bump centred on its value";

    static constexpr std::size_t signal_port = 0; // input
    static constexpr std::size_t spikes_port = 0; // output

    static void declare(sdk::schema& s) {
        declare_topological_fields(s);
        declare_linear_fields(s);
        detail::declare_topological_ports(s);
    }

    explicit topological_linear_spiker(const sdk::config_view& cfg) : front_(cfg), encoder_(cfg) {}

    void build(sdk::build_context& b) {
        front_.build(b);
        encoder_.resize(front_.h.size());
    }

    void reset(const sdk::output_buffers& /*out*/) { encoder_.reset(); }

    void step(const sdk::step_context& ctx) {
        front_.bump.compute(ctx.input<T>(signal_port), front_.h);
        encoder_.step(front_.h, ctx.output<std::uint8_t>(spikes_port));
    }

    void state(sdk::state_list& s) { encoder_.state(s, front_.shape); }

private:
    detail::topological_front<T> front_;
    linear_encoder<T> encoder_;
};

} // namespace spark::interfaces
