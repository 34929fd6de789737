// SPDX-License-Identifier: Apache-2.0
// Test type `echo_spikes`: copies bit0 of each input spike into a population of `units` neurons;
// publishes a contract so it can sit in a cycle.
#pragma once
#include <cstdint>

#include <spark/sdk/plugin.hpp>

namespace spark::test_plugins {

class echo_spikes {
public:
    static constexpr const char* class_ref = "echo_spikes";
    static constexpr std::int32_t kind = SPARK_KIND_NEURON;
    static constexpr const char* version = "1.0.0";
    static constexpr const char* description =
        "echoes the spike bit of each input to the same output neuron";

    static void declare(sdk::schema& s) {
        s.field_int_array("units", {4}).positive().description("shape of the population");
        s.input("in_spikes", SPARK_PAYLOAD_SPIKES, "spike_array").any();
        s.output("out_spikes", SPARK_PAYLOAD_SPIKES, "spike_array").from_field("units");
    }

    explicit echo_spikes(const sdk::config_view& cfg) : units_(cfg.shape("units")) {}

    void contract(sdk::contract_context& c) {
        c.output(0) = sdk::make_spec(SPARK_PAYLOAD_SPIKES, SPARK_DTYPE_U8, units_);
    }

    void step(const sdk::step_context& ctx) {
        const auto in = ctx.input<std::uint8_t>(0);
        const auto out = ctx.output<std::uint8_t>(0);
        for (std::size_t i = 0; i < out.size(); ++i) {
            out[i] = i < in.size() && (in[i] & 1U) != 0 ? 1 : 0;
        }
    }

private:
    spark_shape_t units_;
};

} // namespace spark::test_plugins
