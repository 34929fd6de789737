// SPDX-License-Identifier: Apache-2.0
// Test plugin faulty: one type, faulty.step_fault, that copies its input to its output and, at
// step `at_step` (and every step after it), does what `fault` says:
//   "none"    nothing: copies as on any other step
//   "error"   returns SPARK_ERR_INVALID_ARGUMENT after reporting a message (a status_error)
//   "throw"   throws a plain std::runtime_error, which the SDK guard turns into SPARK_ERR_PLUGIN
//   "nan"     writes NaN to every output element
//   "overrun" copies, then writes one element past the end of its output buffer
//   "sleep"   sleeps forever (a hang inside step, for --step-timeout)
// Fault injection for the tests of the brain's error paths; never installed.
#include <chrono>
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <string>
#include <thread>

#include <spark/sdk/plugin.hpp>

namespace {

template <typename T>
class step_fault {
public:
    static constexpr const char* class_ref = "step_fault";
    static constexpr std::int32_t kind = SPARK_KIND_COMPONENT;
    static constexpr const char* version = "1.0.0";
    static constexpr const char* description = "copies in to out, and misbehaves at a chosen step";

    static void declare(spark::sdk::schema& s) {
        s.field_string("fault", "none")
            .one_of({"none", "error", "throw", "nan", "overrun", "sleep"})
            .description("what to do wrong from step at_step on");
        s.field_int("at_step", 0).non_negative().description("the first step that misbehaves");
        s.input("in", SPARK_PAYLOAD_FLOAT, "float_array").any();
        s.output("out", SPARK_PAYLOAD_FLOAT, "float_array").like_port("in");
    }

    explicit step_fault(const spark::sdk::config_view& cfg)
        : fault_(cfg.get<std::string>("fault")),
          at_step_(static_cast<std::uint64_t>(cfg.get<std::int64_t>("at_step"))) {}

    void step(const spark::sdk::step_context& ctx) {
        const auto in = ctx.input<T>(0);
        const auto out = ctx.output<T>(0);
        const bool now = ctx.index() >= at_step_;
        if (now && fault_ == "error") {
            throw spark::sdk::status_error(SPARK_ERR_INVALID_ARGUMENT,
                                           "step_fault: the configured error at step " +
                                               std::to_string(ctx.index()));
        }
        if (now && fault_ == "throw") {
            throw std::runtime_error("step_fault: the configured throw at step " +
                                     std::to_string(ctx.index()));
        }
        if (now && fault_ == "sleep") {
            for (;;) {
                std::this_thread::sleep_for(std::chrono::hours(1));
            }
        }
        for (std::size_t i = 0; i < out.size(); ++i) {
            out[i] = now && fault_ == "nan" ? std::numeric_limits<T>::quiet_NaN() : in[i];
        }
        if (now && fault_ == "overrun") {
            // One element beyond the buffer: what the debug builds' output guard must catch.
            volatile T* past = out.data() + out.size();
            *past = T(1);
        }
    }

private:
    std::string fault_;
    std::uint64_t at_step_;
};

} // namespace

SPARK_PLUGIN("test.faulty",
             "faulty",
             "1.0.0",
             "fault injection: a type that misbehaves at a chosen step",
             spark::sdk::per_dtype<step_fault>);
