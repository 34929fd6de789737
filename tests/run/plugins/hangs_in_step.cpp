// SPDX-License-Identifier: Apache-2.0
// Test plugin run_hang: a module whose step() never returns once it reaches step `at_step`, as a
// plugin stuck in a deadlock or an endless loop would; other steps copy in to out. For the tests
// of `spark run --step-timeout`, which must name the module, finalise the recordings and end the
// process although this step can never be stopped.
#include <chrono>
#include <cstdint>
#include <thread>

#include <spark/sdk/plugin.hpp>

namespace {

template <typename T>
class hangs_in_step {
public:
    static constexpr const char* class_ref = "hangs_in_step";
    static constexpr std::int32_t kind = SPARK_KIND_COMPONENT;
    static constexpr const char* version = "1.0.0";
    static constexpr const char* description = "never returns from step at_step";

    static void declare(spark::sdk::schema& s) {
        s.field_int("at_step", 3).non_negative().description("the step that never returns");
        s.input("in", SPARK_PAYLOAD_FLOAT, "float_array").any();
        s.output("out", SPARK_PAYLOAD_FLOAT, "float_array").like_port("in");
    }

    explicit hangs_in_step(const spark::sdk::config_view& cfg)
        : at_step_(static_cast<std::uint64_t>(cfg.get<std::int64_t>("at_step"))) {}

    void step(const spark::sdk::step_context& ctx) {
        while (ctx.index() == at_step_) {
            std::this_thread::sleep_for(std::chrono::seconds(1));
        }
        const auto in = ctx.input<T>(0);
        const auto out = ctx.output<T>(0);
        for (std::size_t i = 0; i < out.size(); ++i) {
            out[i] = in[i];
        }
    }

private:
    std::uint64_t at_step_;
};

} // namespace

SPARK_PLUGIN("test.hangs_in_step",
             "test",
             "1.0.0",
             "a type whose step at_step never returns",
             spark::sdk::per_dtype<hangs_in_step>);
