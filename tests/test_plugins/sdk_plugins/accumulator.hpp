// SPDX-License-Identifier: Apache-2.0
// Test type `accumulator`: a running total of gain * input, in the config dtype. Shared by ok_cpp
// (g++) and ok_clang (clang++) so both compilers build the same code.
#pragma once
#include <cstdint>
#include <vector>

#include <spark/sdk/plugin.hpp>

namespace spark::test_plugins {

template <typename T>
class accumulator {
public:
    static constexpr const char* class_ref = "accumulator";
    static constexpr std::int32_t kind = SPARK_KIND_CONTROL_INTERFACE;
    static constexpr const char* version = "1.0.0";
    static constexpr const char* description = "running total of gain times each input";

    static void declare(sdk::schema& s) {
        s.field_float("gain", 1.0).positive().description("factor applied to each input");
        s.field_float("initial", 0.0).description("value of the running total after reset");
        s.input("in", SPARK_PAYLOAD_FLOAT, "float_array").any();
        s.output("out", SPARK_PAYLOAD_FLOAT, "float_array").like_port("in");
    }

    explicit accumulator(const sdk::config_view& cfg)
        : gain_(cfg.get<T>("gain")), initial_(cfg.get<T>("initial")) {}

    // The SDK already made out's spec from in's; only the state needs sizing.
    void build(sdk::build_context& b) {
        shape_ = b.input(0).shape;
        total_.assign(sdk::element_count(shape_), initial_);
    }

    void reset(const sdk::output_buffers& out) {
        const auto o = out.get<T>(0);
        for (std::size_t i = 0; i < total_.size(); ++i) {
            total_[i] = initial_;
            o[i] = initial_;
        }
    }

    void step(const sdk::step_context& ctx) {
        const auto in = ctx.input<T>(0);
        const auto out = ctx.output<T>(0);
        for (std::size_t i = 0; i < total_.size(); ++i) {
            total_[i] += gain_ * in[i];
            out[i] = total_[i];
        }
    }

    void state(sdk::state_list& s) { s.add("total", total_, shape_); }

private:
    T gain_;
    T initial_;
    spark_shape_t shape_{};
    std::vector<T> total_;
};

} // namespace spark::test_plugins
