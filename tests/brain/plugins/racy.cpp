// SPDX-License-Identifier: Apache-2.0
// Test plugin racy (vendor "probe"): two deliberate data races, ThreadSanitizer's canaries
// (tests/brain/test_tsan_canaries.cpp). Its suppressions (tests/support/tsan.supp) hide the
// hand-overs inside oneTBB; these races are in a module's own code, which they must never hide.
// `racy_step` increments a process-wide counter in every step, unsynchronised, so two instances
// in one brain race whenever the flow graph runs them on different threads; `racy_chunks` does
// the same from every chunk it runs on the host's workers. Each step (each chunk) then sleeps a
// little, so that while one thread sleeps the other takes the next node (chunk): without it a
// thread can finish every node of a step before a worker wakes, and the race goes unseen.
#include <chrono>
#include <cstdint>
#include <thread>

#include <spark/sdk/parallel.hpp>
#include <spark/sdk/plugin.hpp>

namespace {

namespace sdk = spark::sdk;

std::uint64_t steps_counted = 0;  // racy_step's race
std::uint64_t chunks_counted = 0; // racy_chunks's race
constexpr std::chrono::microseconds pause{500};

class racy_step {
public:
    static constexpr const char* class_ref = "racy_step";
    static constexpr std::int32_t kind = SPARK_KIND_INPUT_INTERFACE;
    static constexpr const char* version = "1.0.0";
    static constexpr const char* description =
        "counts its steps in a process-wide counter without synchronisation (a data race)";

    static void declare(sdk::schema& s) {
        s.field_int_array("units", {1}).positive().description("shape of the output");
        s.output("out", SPARK_PAYLOAD_FLOAT, "float_array").from_field("units");
    }

    explicit racy_step(const sdk::config_view& /*cfg*/) {}

    void step(const sdk::step_context& ctx) {
        ++steps_counted;
        ctx.output<float>(0)[0] = static_cast<float>(steps_counted % 2);
        std::this_thread::sleep_for(pause);
    }
};

class racy_chunks {
public:
    static constexpr const char* class_ref = "racy_chunks";
    static constexpr std::int32_t kind = SPARK_KIND_INPUT_INTERFACE;
    static constexpr const char* version = "1.0.0";
    static constexpr const char* description =
        "counts the chunks it runs on the host's workers in one counter without "
        "synchronisation (a data race)";

    static void declare(sdk::schema& s) {
        s.field_int_array("units", {1}).positive().description("shape of the output");
        s.output("out", SPARK_PAYLOAD_FLOAT, "float_array").from_field("units");
    }

    racy_chunks(const sdk::config_view& /*cfg*/, const sdk::instance_info& info)
        : parallel_(info.host) {}

    void step(const sdk::step_context& ctx) {
        parallel_.for_each_chunk(8, [](std::uint32_t /*chunk*/) noexcept {
            ++chunks_counted;
            std::this_thread::sleep_for(pause);
        });
        ctx.output<float>(0)[0] = static_cast<float>(chunks_counted % 2);
    }

private:
    sdk::parallel parallel_;
};

} // namespace

SPARK_PLUGIN("test.racy",
             "probe",
             "1.0.0",
             "two deliberate data races: ThreadSanitizer's canaries",
             racy_step,
             racy_chunks);
