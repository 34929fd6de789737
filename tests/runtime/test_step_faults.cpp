// SPDX-License-Identifier: Apache-2.0
// The fault-injection type faulty.step_fault (tests/test_plugins/fault_plugins/step_fault.cpp)
// in a brain: each fault it offers happens at the configured step, and the brain reports the
// failing ones as a step_error naming module, type and step. A write past the output buffer is
// caught by the output guard of debug builds; a sleep is seen from outside, in a child process.
#include <chrono>
#include <cmath>
#include <csignal>
#include <cstring>
#include <string>
#include <thread>
#include <unistd.h>
#include <vector>

#include <boost/test/unit_test.hpp>

#include <spark/runtime/brain.hpp>
#include <spark/runtime/brain_config.hpp>

#include "fixtures.hpp"
#include "test_plugin_paths.hpp"
#include "text_match.hpp"

#include <sys/wait.h>

using spark::runtime::brain;
using spark::runtime::brain_config;
using spark::runtime::brain_options;
using spark::runtime::executor_kind;
using spark::runtime::step_error;

using spark::test::contains;

namespace {

/// Input `x` (float32, (4,)) -> `bad` (faulty.step_fault with `fault` from step `at_step`) ->
/// output `y`.
std::string fault_brain(const std::string& fault, int at_step) {
    const std::string spec =
        R"({"__type__": "port_specs", "__data__": {"payload_type": {"__payload_type__": )"
        R"("float_array"}, "shape": [4], "dtype": {"__type__": "dtype", "name": "float32"}, )"
        R"("description": null}})";
    return R"({"__type__": "brain_config", "__cfg__": {"input_map": {"x": )" + spec +
           R"(}, "output_map": {"y": {"input": {"__type__": "port_map", "__data__": )"
           R"({"origin": "bad", "port": "out"}}, "spec": )" +
           spec +
           R"(}}, "modules_map": {"bad": {"__type__": "module_specs", "__data__": )"
           R"({"name": "bad", "module_cls": {"__module_type__": "faulty.step_fault"}, )"
           R"("inputs": {"in": [{"__type__": "port_map", "__data__": )"
           R"({"origin": "__call__", "port": "x"}}]}, "config": {"fault": ")" +
           fault + R"(", "at_step": )" + std::to_string(at_step) + "}}}}}}";
}

struct fault_fixture : spark::test::registry_fixture {
    fault_fixture() { registry.load(spark::test::test_plugin("faulty")); }

    brain make(const std::string& fault, int at_step, executor_kind executor) const {
        brain_options options;
        options.executor = executor;
        options.threads = 2;
        return brain(registry, brain_config::from_json(fault_brain(fault, at_step)), options);
    }
};

void feed(brain& b, const std::vector<float>& values) {
    const auto in = b.input("x");
    std::memcpy(in.data, values.data(), values.size() * sizeof(float));
}

std::vector<float> output(const brain& b) {
    const auto view = b.output("y").as<float>();
    return {view.begin(), view.end()};
}

const std::vector<float> drive = {1.5F, -2.0F, 0.25F, 4.0F};
const std::vector<executor_kind> executors = {executor_kind::sequential, executor_kind::flow_graph};

/// Steps `b` until the step that must fail (steps before it copy x to y), and returns its
/// step_error's message after checking module, type and step.
std::string failure_at(brain& b, std::uint64_t step) {
    feed(b, drive);
    for (std::uint64_t t = 0; t < step; ++t) {
        b.step();
        BOOST_TEST(output(b) == drive, boost::test_tools::per_element());
    }
    try {
        b.step();
    } catch (const step_error& e) {
        BOOST_TEST(e.module() == "bad");
        BOOST_TEST(e.type_id() == "faulty.step_fault");
        BOOST_TEST(e.step_index() == step);
        return e.what();
    }
    BOOST_FAIL("step " << step << " should fail");
    return {};
}

} // namespace

BOOST_FIXTURE_TEST_SUITE(step_faults, fault_fixture)

BOOST_AUTO_TEST_CASE(fault_none_copies_its_input_every_step) {
    brain b = make("none", 0, executor_kind::sequential);
    feed(b, drive);
    for (int t = 0; t < 4; ++t) {
        b.step();
        BOOST_TEST(output(b) == drive, boost::test_tools::per_element());
    }
}

BOOST_AUTO_TEST_CASE(fault_error_is_a_step_error_with_the_plugins_message) {
    for (const auto executor : executors) {
        brain b = make("error", 2, executor);
        const auto message = failure_at(b, 2);
        BOOST_TEST(message ==
                       "module 'bad' (faulty.step_fault) failed at step 2: step failed "
                       "(SPARK_ERR_INVALID_ARGUMENT): step_fault: the configured error at step 2",
                   message);
    }
}

BOOST_AUTO_TEST_CASE(fault_throw_is_caught_by_the_sdk_guard_and_a_step_error) {
    for (const auto executor : executors) {
        brain b = make("throw", 3, executor);
        const auto message = failure_at(b, 3);
        BOOST_TEST(contains(message, "module 'bad' (faulty.step_fault) failed at step 3: "),
                   message);
        BOOST_TEST(contains(message, "SPARK_ERR_PLUGIN"), message);
        BOOST_TEST(contains(message, "step_fault: the configured throw at step 3"), message);
    }
}

BOOST_AUTO_TEST_CASE(fault_nan_writes_nan_from_the_configured_step) {
    brain b = make("nan", 2, executor_kind::sequential);
    feed(b, drive);
    for (int t = 0; t < 2; ++t) {
        b.step();
        BOOST_TEST(output(b) == drive, boost::test_tools::per_element());
    }
    for (int t = 2; t < 4; ++t) {
        b.step(); // NaN reporting is the brain's business elsewhere; here: the plugin's output
        for (const float value : output(b)) {
            BOOST_TEST(std::isnan(value));
        }
    }
}

BOOST_AUTO_TEST_CASE(fault_sleep_never_returns_from_the_configured_step) {
    // In a child process, since the step never returns: step 0 copies, step 1 sleeps. The same
    // child with fault "none" ends at once, so a child still running is the plugin's sleep.
    const auto child_ends_within = [this](const std::string& fault,
                                          std::chrono::milliseconds wait) {
        const pid_t pid = ::fork();
        if (pid == 0) {
            brain b = make(fault, 1, executor_kind::sequential);
            feed(b, drive);
            b.step();
            b.step();
            ::_exit(0);
        }
        BOOST_TEST_REQUIRE(pid > 0);
        int status = 0;
        const auto deadline = std::chrono::steady_clock::now() + wait;
        while (std::chrono::steady_clock::now() < deadline) {
            if (::waitpid(pid, &status, WNOHANG) == pid) {
                return WIFEXITED(status) && WEXITSTATUS(status) == 0;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
        ::kill(pid, SIGKILL);
        ::waitpid(pid, &status, 0);
        return false;
    };
    BOOST_TEST(child_ends_within("none", std::chrono::seconds(10)));
    BOOST_TEST(!child_ends_within("sleep", std::chrono::milliseconds(500)));
}

#ifndef NDEBUG
BOOST_AUTO_TEST_CASE(fault_overrun_is_caught_by_the_output_guard) {
    for (const auto executor : executors) {
        brain b = make("overrun", 1, executor);
        const auto message = failure_at(b, 1);
        BOOST_TEST(message == "module 'bad' (faulty.step_fault) failed at step 1: wrote past the "
                              "end of its output port 'out' (float float32 (4), 16 bytes): the "
                              "guard after the buffer changed; the plugin's step writes more "
                              "elements than the port's shape holds",
                   message);
        // After reset the guards are whole again: the steps before the fault run clean.
        b.reset();
        (void)failure_at(b, 1);
    }
}
#endif

BOOST_AUTO_TEST_SUITE_END()
