// SPDX-License-Identifier: Apache-2.0
// Test plugin throws_in_step: step 3 throws a plain std::runtime_error, which the SDK guard must
// turn into SPARK_ERR_PLUGIN plus the reported message; other steps copy in to out.
#include <cstdint>
#include <stdexcept>

#include <spark/sdk/plugin.hpp>

namespace {

template <typename T>
class throws_in_step {
public:
    static constexpr const char* class_ref = "throws_in_step";
    static constexpr std::int32_t kind = SPARK_KIND_COMPONENT;
    static constexpr const char* version = "1.0.0";
    static constexpr const char* description = "throws from step 3";

    static void declare(spark::sdk::schema& s) {
        s.input("in", SPARK_PAYLOAD_FLOAT, "float_array").any();
        s.output("out", SPARK_PAYLOAD_FLOAT, "float_array").like_port("in");
    }

    explicit throws_in_step(const spark::sdk::config_view& /*cfg*/) {}

    void step(const spark::sdk::step_context& ctx) {
        if (ctx.index() == 3) {
            throw std::runtime_error("step 3 exploded: simulated failure");
        }
        const auto in = ctx.input<T>(0);
        const auto out = ctx.output<T>(0);
        for (std::size_t i = 0; i < out.size(); ++i) {
            out[i] = in[i];
        }
    }
};

} // namespace

SPARK_PLUGIN("test.throws_in_step",
             "test",
             "1.0.0",
             "a type whose step 3 throws",
             spark::sdk::per_dtype<throws_in_step>);
