// SPDX-License-Identifier: Apache-2.0
// Plugin bench.noop: `noop`, the cheapest module there can be (copies one float), so that a brain
// of many of them measures the runtime's own cost per module and step, not the models'.
#include <cstdint>

#include <spark/sdk/plugin.hpp>

namespace {

template <typename T>
class noop {
public:
    static constexpr const char* class_ref = "noop";
    static constexpr std::int32_t kind = SPARK_KIND_CONTROL_INTERFACE;
    static constexpr const char* version = "1.0.0";
    static constexpr const char* description = "copies its input to its output";

    static void declare(spark::sdk::schema& s) {
        s.input("in", SPARK_PAYLOAD_FLOAT, "float_array").any();
        s.output("out", SPARK_PAYLOAD_FLOAT, "float_array").like_port("in");
    }

    explicit noop(const spark::sdk::config_view& /*cfg*/) {}

    void step(const spark::sdk::step_context& ctx) {
        const auto in = ctx.input<T>(0);
        const auto out = ctx.output<T>(0);
        for (std::size_t i = 0; i < out.size(); ++i) {
            out[i] = in[i];
        }
    }
};

} // namespace

SPARK_PLUGIN("bench.noop",
             "bench",
             "1.0.0",
             "a no-op module for measuring the runtime's per-step overhead",
             spark::sdk::per_dtype<noop>);
