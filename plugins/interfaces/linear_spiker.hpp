// SPDX-License-Identifier: Apache-2.0
// `linear_spiker`: upstream's LinearSpiker (docs/models.md section 8.1), a deterministic
// input interface: every signal element drives its own integrate-and-fire encoder
// (linear_encoder.hpp), so a constant signal of 1 fires about max_freq times a second.
#pragma once
#include <cstddef>
#include <cstdint>

#include <spark/sdk/plugin.hpp>

#include "linear_encoder.hpp"

namespace spark::interfaces {

template <typename T>
class linear_spiker {
public:
    static constexpr const char* class_ref = "linear_spiker";
    static constexpr std::int32_t kind = SPARK_KIND_INPUT_INTERFACE;
    static constexpr const char* version = "1.0.0";
    static constexpr const char* description =
        "deterministic integrate-and-fire spikes, about max_freq for a signal of 1 (signal in "
        "[0, 1])";

    static constexpr std::size_t signal_port = 0; // input
    static constexpr std::size_t spikes_port = 0; // output

    static void declare(sdk::schema& s) {
        declare_linear_fields(s);
        s.input("signal", SPARK_PAYLOAD_FLOAT, "float_array")
            .any()
            .description("firing intensity, meant to lie in [0, 1]");
        s.output("spikes", SPARK_PAYLOAD_SPIKES, "spike_array")
            .like_port("signal")
            .description("1 where the element fired this step (no inhibition bit)");
    }

    explicit linear_spiker(const sdk::config_view& cfg) : encoder_(cfg) {}

    void build(sdk::build_context& b) {
        shape_ = b.input(signal_port).shape;
        encoder_.resize(static_cast<std::size_t>(sdk::element_count(shape_)));
    }

    void reset(const sdk::output_buffers& /*out*/) { encoder_.reset(); }

    void step(const sdk::step_context& ctx) {
        encoder_.step(ctx.input<T>(signal_port), ctx.output<std::uint8_t>(spikes_port));
    }

    void state(sdk::state_list& s) { encoder_.state(s, shape_); }

private:
    linear_encoder<T> encoder_;
    spark_shape_t shape_{};
};

} // namespace spark::interfaces
