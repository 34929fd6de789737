// SPDX-License-Identifier: Apache-2.0
// executor_kind::automatic's choice (runtime/src/brain/executor_choice.hpp), driven with made-up
// step times: it keeps the fastest of one thread, in order on the workers and the flow graph, and
// when the costs change (a network that starts silent, learning that sets in) the next
// measurement, after 1,000 steps, switches to the new fastest way; a cost that drifts while it
// measures does not favour the way measured first.
#include <cstdint>

#include <boost/test/unit_test.hpp>

#include "brain/executor_choice.hpp"

using spark::runtime::detail::executor_choice;

namespace {

using way = executor_choice::way;

/// The seconds a step takes on each way.
struct costs {
    double one_thread;
    double in_order;
    double graph;
    [[nodiscard]] double of(way w) const noexcept {
        return w == way::graph ? graph : w == way::in_order ? in_order : one_thread;
    }
};

/// Runs `steps` steps, each taking the time of the way the choice asks for.
void run(executor_choice& choice, std::uint64_t steps, costs c) {
    for (std::uint64_t k = 0; k < steps; ++k) {
        const bool measuring = !choice.decided();
        choice.ran(measuring ? c.of(choice.next()) : 0.0); // as brain::step reports them
    }
}

/// Steps one at a time until the choice is decided (at most 100,000); how many it took.
std::uint64_t steps_to_decide(executor_choice& choice, costs c) {
    std::uint64_t measured = 0;
    while (!choice.decided() && measured < 100000) {
        run(choice, 1, c);
        ++measured;
    }
    return measured;
}

} // namespace

BOOST_AUTO_TEST_SUITE(executor_choice_tests)

BOOST_AUTO_TEST_CASE(keeps_the_faster_way_and_measures_again_when_costs_change) {
    executor_choice choice;
    BOOST_TEST(!choice.chose());
    // Early steps: in order on the workers is fastest (1 ms against 1.5 on one thread, 2 on the
    // graph).
    const std::uint64_t measured = steps_to_decide(choice, {1.5e-3, 1e-3, 2e-3});
    BOOST_TEST_REQUIRE(choice.decided());
    BOOST_TEST(measured < 300U); // a few dozen steps per way
    BOOST_TEST((choice.chosen() == way::in_order));
    // The costs turn: the graph now takes half the time. The choice holds until the next
    // measurement, ten times the measuring steps (more than 1,000) after the decision...
    const costs turned{10e-3, 10e-3, 5e-3};
    BOOST_TEST(10 * measured > 1000U);
    run(choice, 10 * measured - 1, turned);
    BOOST_TEST(choice.decided());
    BOOST_TEST((choice.next() == way::in_order));
    // ... which picks the graph; while it measures, the last choice is still the one reported.
    run(choice, 2, turned);
    BOOST_TEST(!choice.decided());
    BOOST_TEST(choice.chose());
    BOOST_TEST((choice.chosen() == way::in_order));
    run(choice, 300, turned);
    BOOST_TEST_REQUIRE(choice.decided());
    BOOST_TEST((choice.chosen() == way::graph));
    BOOST_TEST((choice.next() == way::graph));
}

// Tiny steps (1 us) take the longest measurement (at least 2,048 timed steps in all: two rounds of
// six blocks of 256): the next one waits ten times as many steps, so the slower ways never run
// more than a tenth of the time.
BOOST_AUTO_TEST_CASE(a_long_measurement_waits_ten_times_as_long_for_the_next) {
    executor_choice choice;
    const costs tiny{1e-6, 2e-6, 2e-6};
    const std::uint64_t measured = steps_to_decide(choice, tiny);
    BOOST_TEST_REQUIRE(choice.decided());
    BOOST_TEST(measured > 2048U);
    BOOST_TEST(measured < 3200U); // a run of 5,000 steps always ends measured (test_run_summary)
    BOOST_TEST((choice.chosen() == way::one_thread));
    run(choice, 10 * measured - 1, tiny);
    BOOST_TEST(choice.decided()); // still running on one thread, unmeasured
    run(choice, 1, tiny);
    BOOST_TEST(!choice.decided()); // measuring again
}

// One way's steps tiny (3 us), the other's five times as long: its blocks are shorter (a block
// lasts a millisecond), but the measurement still ends after 2,048 timed steps in all, well
// within a run of 5,000 steps (test_run_summary, under AddressSanitizer).
BOOST_AUTO_TEST_CASE(a_slow_way_does_not_stretch_the_measurement) {
    executor_choice choice;
    const std::uint64_t measured = steps_to_decide(choice, {3e-6, 15e-6, 15e-6});
    BOOST_TEST_REQUIRE(choice.decided());
    BOOST_TEST(measured < 3500U);
    BOOST_TEST((choice.chosen() == way::one_thread));
}

// Every step costs more than the one before (activity building up): the graph is 10 % faster at
// any moment, but a measurement of one way after the other would see the steps of the ways
// measured earlier as cheaper. Measuring A B C C B A cancels the drift.
BOOST_AUTO_TEST_CASE(a_drifting_cost_does_not_favour_the_way_measured_first) {
    executor_choice choice;
    std::uint64_t k = 0;
    while (!choice.decided() && k < 10000) {
        const double base = 1e-3 * (1.0 + static_cast<double>(k) / 4.0); // +25 % per step
        const bool graph = choice.next() == way::graph;
        choice.ran(graph ? 0.9 * base : base);
        ++k;
    }
    BOOST_TEST_REQUIRE(choice.decided());
    BOOST_TEST((choice.chosen() == way::graph));
}

// Activity in volleys (a step costs 5 times as much for 30 steps out of every 350, as in the
// scaling networks of bench/): the graph is 20 % faster at any moment, whatever the phase at
// which the measurement starts. Long blocks let one way take a volley the other missed.
BOOST_AUTO_TEST_CASE(a_cost_in_volleys_does_not_favour_either_way) {
    for (std::uint64_t phase = 0; phase < 350; phase += 10) {
        BOOST_TEST_CONTEXT("phase " << phase) {
            executor_choice choice;
            std::uint64_t k = phase;
            while (!choice.decided() && k < phase + 10000) {
                const double base = (k % 350 < 30 ? 5e-3 : 1e-3);
                const bool graph = choice.next() == way::graph;
                choice.ran(graph ? 0.8 * base : base);
                ++k;
            }
            BOOST_TEST_REQUIRE(choice.decided());
            BOOST_TEST((choice.chosen() == way::graph));
        }
    }
}

BOOST_AUTO_TEST_CASE(a_tie_keeps_running_on_one_thread) {
    executor_choice choice;
    run(choice, 300, {1e-3, 0.97e-3, 0.97e-3}); // a threaded way must win by more than 5 %
    BOOST_TEST_REQUIRE(choice.decided());
    BOOST_TEST((choice.chosen() == way::one_thread));
}

// A machine whose second core is busy (a shared virtual machine; bench/README.md, scale_4k): both
// threaded ways take twice as long as one thread, and one thread runs.
BOOST_AUTO_TEST_CASE(one_thread_runs_when_both_threaded_ways_are_slower) {
    executor_choice choice;
    run(choice, 300, {1e-3, 2.2e-3, 2e-3});
    BOOST_TEST_REQUIRE(choice.decided());
    BOOST_TEST((choice.chosen() == way::one_thread));
}

// Of two threaded ways that both beat one thread, the faster one runs.
BOOST_AUTO_TEST_CASE(the_faster_threaded_way_runs) {
    executor_choice graph_first;
    run(graph_first, 300, {1e-3, 0.8e-3, 0.6e-3});
    BOOST_TEST_REQUIRE(graph_first.decided());
    BOOST_TEST((graph_first.chosen() == way::graph));
    executor_choice in_order_first;
    run(in_order_first, 300, {1e-3, 0.6e-3, 0.8e-3});
    BOOST_TEST_REQUIRE(in_order_first.decided());
    BOOST_TEST((in_order_first.chosen() == way::in_order));
}

BOOST_AUTO_TEST_SUITE_END()
