// SPDX-License-Identifier: Apache-2.0
// Stepping: cache latency (brain inputs at t, module->module at t+1, outputs of step t),
// concatenation order, reset outputs with inhibition bits, bit-identical results across executors,
// thread counts and repeated runs, failures in a step, and reset.
#include <cstdint>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include <boost/test/unit_test.hpp>
#include <oneapi/tbb/global_control.h>

#include <spark/runtime/brain.hpp>
#include <spark/runtime/brain_config.hpp>

#include "brain_fixture.hpp"

using spark::runtime::brain;
using spark::runtime::brain_options;
using spark::runtime::executor_kind;
using spark::runtime::port_view;
using spark::runtime::step_error;
using floats = std::vector<float>;
using bytes = std::vector<std::uint8_t>;
using namespace spark::test;

namespace {

floats read_floats(const port_view& view) {
    const auto data = view.as<float>();
    return {data.begin(), data.end()};
}

bytes read_bytes(const port_view& view) {
    const auto data = view.as<std::uint8_t>();
    return {data.begin(), data.end()};
}

void write(brain& b, std::string_view input, const floats& values) {
    const auto target = b.input_as<float>(input);
    BOOST_TEST_REQUIRE(target.size() == values.size());
    std::copy(values.begin(), values.end(), target.begin());
}

// drive -> A -> B; outputs a = A.out, b = B.out.
const std::string chain =
    brain_json({input_json("drive", spec_json("float_array", "[3]"))},
               {output_json("a", "A", "out", spec_json("float_array", "[3]")),
                output_json("b", "B", "out", spec_json("float_array", "[3]"))},
               {module_json("B", "relay", port_json("in", {{"A", "out"}})),
                module_json("A", "relay", port_json("in", {{"__call__", "drive"}}))});

// A recurrent brain with random spike input, random floats and three populations that read each
// other and themselves; every module draws from its own seeded stream.
const std::string recurrent = brain_json(
    {input_json("noise", spec_json("spike_array", "[8]", "uint8")),
     input_json("signal", spec_json("float_array", "[2, 3]"))},
    {output_json("total", "acc", "out", spec_json("float_array", "[6]"))},
    {module_json("X",
                 "random_spiker",
                 port_json("in_spikes", {{"__call__", "noise"}, {"Y", "out_spikes"}}),
                 R"({"units": [16], "rate": 0.05, "inhibitory": 3, "seed": 11})"),
     module_json("Y",
                 "random_spiker",
                 port_json("in_spikes", {{"X", "out_spikes"}}),
                 R"({"units": [4, 3], "rate": 0.1, "seed": 12})"),
     module_json(
         "Z",
         "random_spiker",
         port_json("in_spikes", {{"X", "out_spikes"}, {"Y", "out_spikes"}, {"Z", "out_spikes"}}),
         R"({"units": [9], "rate": 0.02, "inhibitory": 9})"),
     module_json(
         "acc", "accumulator", port_json("in", {{"__call__", "signal"}}), R"({"gain": 0.5})")});

/// Everything the recurrent brain shows over `steps` steps of random input (fixed seed).
bytes run_recurrent(brain& b, int steps) {
    constexpr unsigned seed = 20240601;
    BOOST_TEST_MESSAGE("random input seed " << seed);
    std::mt19937 random(seed);
    bytes trace;
    for (int t = 0; t < steps; ++t) {
        for (auto& s : b.input_as<std::uint8_t>("noise")) {
            s = static_cast<std::uint8_t>(random() % 5 == 0 ? 1 : 0);
        }
        for (auto& v : b.input_as<float>("signal")) {
            v = static_cast<float>(random() % 1000) / 250.0F - 2.0F;
        }
        b.step();
        for (const auto& [name, view] : b.get_spikes_from_cache()) {
            const auto data = read_bytes(view);
            trace.insert(trace.end(), data.begin(), data.end());
        }
        const auto total = b.output("total");
        const auto* raw = static_cast<const std::uint8_t*>(total.data);
        trace.insert(trace.end(), raw, raw + total.count * sizeof(float));
    }
    return trace;
}

// drive -> boom (throws at step 3) -> after.
const std::string failing =
    brain_json({input_json("drive", spec_json("float_array", "[2]"))},
               {output_json("out", "after", "out", spec_json("float_array", "[2]"))},
               {module_json("first", "relay", port_json("in", {{"__call__", "drive"}})),
                module_json("boom", "throws_in_step", port_json("in", {{"__call__", "drive"}})),
                module_json("after", "relay", port_json("in", {{"boom", "out"}}))});

const char* const boom_message = "module 'boom' (test.throws_in_step) failed at step 3: step "
                                 "failed (SPARK_ERR_PLUGIN): step 3 exploded: simulated failure";

const brain_options executors[] = {{executor_kind::sequential, 0},
                                   {executor_kind::flow_graph, 1},
                                   {executor_kind::flow_graph, 2},
                                   {executor_kind::flow_graph, 4},
                                   {executor_kind::flow_graph, 0},
                                   {executor_kind::automatic, 2}};

} // namespace

BOOST_FIXTURE_TEST_SUITE(stepping, brain_fixture)

BOOST_AUTO_TEST_CASE(inputs_are_seen_at_t_module_outputs_at_t_plus_1) {
    for (const auto& options : executors) {
        brain b = make(chain, options);
        BOOST_TEST(b.step_index() == 0U);
        BOOST_TEST(b.dt() == 1.0);
        write(b, "drive", {1, 2, 3});
        b.step();
        BOOST_TEST(read_floats(b.output("a")) == (floats{1, 2, 3}),
                   boost::test_tools::per_element());
        BOOST_TEST(read_floats(b.output("b")) == (floats{0, 0, 0}),
                   boost::test_tools::per_element());
        write(b, "drive", {4, 5, 6});
        b.step();
        BOOST_TEST(read_floats(b.output("a")) == (floats{4, 5, 6}),
                   boost::test_tools::per_element());
        BOOST_TEST(read_floats(b.output("b")) == (floats{1, 2, 3}),
                   boost::test_tools::per_element());
        BOOST_TEST(read_floats(b.cached("A", "out")) == (floats{4, 5, 6}),
                   boost::test_tools::per_element());
        write(b, "drive", {0, 0, 0});
        b.step();
        BOOST_TEST(read_floats(b.output("a")) == (floats{0, 0, 0}),
                   boost::test_tools::per_element());
        BOOST_TEST(read_floats(b.output("b")) == (floats{4, 5, 6}),
                   boost::test_tools::per_element());
        BOOST_TEST(b.step_index() == 3U);
    }
}

BOOST_AUTO_TEST_CASE(several_sources_concatenate_flattened_in_listed_order) {
    const std::string text = brain_json(
        {input_json("drive", spec_json("float_array", "[2, 2]")),
         input_json("pulse", spec_json("float_array", "[]"))},
        {output_json("cat", "cat", "out", spec_json("float_array", "[7]")),
         output_json("flat", "flat", "out", spec_json("float_array", "[4]"))},
        {module_json(
             "cat",
             "relay",
             port_json("in", {{"src", "out"}, {"__call__", "pulse"}, {"__call__", "drive"}})),
         module_json("src", "silent_source", "", R"({"units": [2], "value": 9.0})"),
         module_json("flat", "relay", port_json("in", {{"__call__", "drive"}}))});
    for (const auto& options : executors) {
        brain b = make(text, options);
        // Upstream flattens every input port, even with one source (docs/file-format.md §7.4).
        const auto& flat = b.modules()[2];
        BOOST_TEST(flat.inputs[0].second.shape.rank == 1U);
        BOOST_TEST(flat.inputs[0].second.shape.dims[0] == 4U);
        BOOST_TEST(b.modules()[0].inputs[0].second.shape.dims[0] == 7U);
        write(b, "drive", {1, 2, 3, 4});
        write(b, "pulse", {5});
        b.step();
        // src's reset output (zeros) is what cat reads at step 0.
        BOOST_TEST(read_floats(b.output("cat")) == (floats{0, 0, 5, 1, 2, 3, 4}),
                   boost::test_tools::per_element());
        BOOST_TEST(read_floats(b.output("flat")) == (floats{1, 2, 3, 4}),
                   boost::test_tools::per_element());
        write(b, "pulse", {6});
        b.step();
        BOOST_TEST(read_floats(b.output("cat")) == (floats{9, 9, 6, 1, 2, 3, 4}),
                   boost::test_tools::per_element());
    }
}

BOOST_AUTO_TEST_CASE(reset_outputs_carry_inhibition_bits) {
    brain b = make(recurrent);
    // Before the first step the cache holds each module's step -1 outputs: silent, bit1 set for
    // inhibitory units.
    const auto x = read_bytes(b.cached("X", "out_spikes"));
    BOOST_TEST(x == (bytes{2, 2, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}),
               boost::test_tools::per_element());
    const auto spikes = b.get_spikes_from_cache();
    BOOST_TEST_REQUIRE(spikes.size() == 3U); // acc has no spike port
    BOOST_TEST(spikes[0].first == "X");
    BOOST_TEST(spikes[1].first == "Y");
    BOOST_TEST(spikes[2].first == "Z");
    BOOST_TEST(read_bytes(spikes[2].second) == bytes(9, 2), boost::test_tools::per_element());
    b.step();
    // After a step every element of Z still carries its inhibition bit.
    for (const auto v : read_bytes(b.cached("Z", "out_spikes"))) {
        BOOST_TEST((v & 2U) == 2U);
    }
}

BOOST_AUTO_TEST_CASE(results_do_not_depend_on_executor_threads_or_runs) {
    // On a machine with fewer cores, TBB would cap the 4-thread arena at the core count: lift the
    // cap so that 4 threads really interleave the modules.
    const oneapi::tbb::global_control four_threads(
        oneapi::tbb::global_control::max_allowed_parallelism, 4);
    constexpr int steps = 300;
    brain reference_brain = make(recurrent, {executor_kind::sequential, 0});
    const bytes reference = run_recurrent(reference_brain, steps);
    // Not vacuous: the populations fire, but not always.
    std::size_t fired = 0;
    for (const auto& [name, view] : reference_brain.get_spikes_from_cache()) {
        for (const auto v : read_bytes(view)) {
            fired += v & 1U;
        }
    }
    BOOST_TEST(fired > 0U);
    BOOST_TEST(fired < 37U);
    for (const auto& options : executors) {
        for (int run = 0; run < 2; ++run) {
            brain b = make(recurrent, options);
            BOOST_TEST((run_recurrent(b, steps) == reference),
                       "executor " << static_cast<int>(options.executor) << ", threads "
                                   << options.threads << ", run " << run);
        }
    }
}

// The automatic executor runs its first steps on one thread, in order on the threads and on the
// graph, then keeps the fastest way: a run that long crosses every switch and must still give
// the sequential bytes. (A tiny brain's measurement ends after two rounds of six blocks, about
// 3,100 steps, so 5,000 steps reach the decision.)
BOOST_AUTO_TEST_CASE(the_automatic_executor_switches_ways_without_changing_a_bit) {
    constexpr int steps = 5000;
    brain reference_brain = make(recurrent, {executor_kind::sequential, 0});
    const bytes reference = run_recurrent(reference_brain, steps);
    brain automatic = make(recurrent, {executor_kind::automatic, 2});
    BOOST_TEST(automatic.executor_in_use() == "automatic (measuring)");
    BOOST_TEST((run_recurrent(automatic, steps) == reference));
    const auto chosen = automatic.executor_in_use();
    BOOST_TEST((chosen == "automatic: one thread" || chosen == "automatic: in order" ||
                chosen == "automatic: flow_graph"),
               chosen);
    BOOST_TEST(reference_brain.executor_in_use() == "sequential");
}

BOOST_AUTO_TEST_CASE(reset_restores_the_initial_state) {
    for (const auto& options : executors) {
        brain fresh = make(recurrent, options);
        const bytes first = run_recurrent(fresh, 50);
        fresh.reset();
        BOOST_TEST(fresh.step_index() == 0U);
        for (const auto s : fresh.input_as<std::uint8_t>("noise")) {
            BOOST_TEST(s == 0U); // brain inputs are zeroed too
        }
        BOOST_TEST((run_recurrent(fresh, 50) == first));
    }
}

BOOST_AUTO_TEST_CASE(a_failing_step_names_module_type_and_step) {
    for (const auto& options : executors) {
        brain b = make(failing, options);
        for (int round = 0; round < 2; ++round) {
            for (int t = 0; t < 3; ++t) {
                write(b, "drive", {static_cast<float>(t), 1});
                b.step();
            }
            BOOST_TEST(read_floats(b.output("out")) == (floats{1, 1}),
                       boost::test_tools::per_element());
            try {
                b.step();
                BOOST_FAIL("step 3 should throw");
            } catch (const step_error& e) {
                BOOST_TEST(e.module() == "boom");
                BOOST_TEST(e.type_id() == "test.throws_in_step");
                BOOST_TEST(e.step_index() == 3U);
                BOOST_TEST(std::string(e.what()) == boom_message);
            }
            BOOST_TEST(b.step_index() == 3U);
            // Stopped until reset; then it runs again, from the start.
            BOOST_CHECK_EXCEPTION(b.step(), spark::error, [](const spark::error& e) {
                return std::string(e.what()) ==
                       "the brain is stopped by an earlier failure at step 3; call reset() before "
                       "stepping";
            });
            b.reset();
            BOOST_TEST(b.step_index() == 0U);
        }
    }
}

BOOST_AUTO_TEST_CASE(unknown_names_are_errors_listing_the_known_ones) {
    brain b = make(chain);
    BOOST_CHECK_EXCEPTION((void)b.input("driv"), spark::error, [](const spark::error& e) {
        return std::string(e.what()) == "the brain has no input 'driv'; its inputs are 'drive'";
    });
    BOOST_CHECK_EXCEPTION((void)b.output("c"), spark::error, [](const spark::error& e) {
        return std::string(e.what()) == "the brain has no output 'c'; its outputs are 'a' or 'b'";
    });
    BOOST_CHECK_EXCEPTION((void)b.cached("A", "in"), spark::error, [](const spark::error& e) {
        return std::string(e.what()) ==
               "module 'A' has no output port 'in'; its output ports are 'out'";
    });
    BOOST_CHECK_EXCEPTION((void)b.cached("Q", "out"), spark::error, [](const spark::error& e) {
        return std::string(e.what()) == "the brain has no module 'Q'; its modules are 'B' or 'A'";
    });
}

BOOST_AUTO_TEST_CASE(specs_of_inputs_outputs_and_modules) {
    const brain b = make(chain);
    BOOST_TEST_REQUIRE(b.input_specs().size() == 1U);
    BOOST_TEST(b.input_specs()[0].first == "drive");
    BOOST_TEST(b.input_specs()[0].second.payload_kind == SPARK_PAYLOAD_FLOAT);
    BOOST_TEST(b.input_specs()[0].second.dtype == SPARK_DTYPE_F32);
    BOOST_TEST(b.input_specs()[0].second.shape.dims[0] == 3U);
    BOOST_TEST_REQUIRE(b.output_specs().size() == 2U);
    BOOST_TEST(b.output_specs()[1].first == "b");
    BOOST_TEST(b.output_specs()[1].second.shape.dims[0] == 3U);
    BOOST_TEST(b.modules()[0].name == "B");
    BOOST_TEST(b.modules()[0].outputs[0].first == "out");
}

BOOST_AUTO_TEST_CASE(a_moved_brain_keeps_running) {
    brain b = make(chain);
    write(b, "drive", {1, 2, 3});
    b.step();
    brain moved = std::move(b);
    moved.step();
    BOOST_TEST(read_floats(moved.output("b")) == (floats{1, 2, 3}),
               boost::test_tools::per_element());
}

BOOST_AUTO_TEST_SUITE_END()
