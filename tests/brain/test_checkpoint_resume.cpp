// SPDX-License-Identifier: Apache-2.0
// Resuming from a checkpoint is never stopping: a brain with random input and learning stepped
// N steps straight, and stepped k steps, checkpointed, loaded with brain::from_checkpoint and
// stepped N - k more, give the same byte_string in every cached output of every step after k and in
// every state array at the end, whichever executor and thread count saves and resumes.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include <boost/test/unit_test.hpp>

#include <spark/runtime/brain.hpp>
#include <spark/runtime/checkpoint.hpp>

#include "brain/checkpoint_access.hpp"
#include "checkpoint_fixture.hpp"

using spark::runtime::brain;
using spark::runtime::brain_options;
using spark::runtime::checkpoint_options;
using spark::runtime::executor_kind;

namespace {

constexpr std::uint64_t total_steps = 60;
constexpr std::uint64_t saved_at = 25;

using byte_string = std::vector<unsigned char>;

byte_string bytes_of(const void* data, std::size_t size) {
    const auto* p = static_cast<const unsigned char*>(data);
    return {p, p + size};
}

/// Every module's every cached output, in module and port order, after the last step.
byte_string cache_of(const brain& b) {
    byte_string all;
    for (const auto& m : b.modules()) {
        for (const auto& [port, spec] : m.outputs) {
            const auto view = b.cached(m.name, port);
            const auto row = bytes_of(view.data, view.count * spark_dtype_size(view.spec.dtype));
            all.insert(all.end(), row.begin(), row.end());
        }
    }
    return all;
}

/// Every module's every state array, read from the module's own memory.
std::vector<byte_string> state_of(const brain& b) {
    std::vector<byte_string> all;
    for (std::size_t m = 0; m < b.modules().size(); ++m) {
        for (const auto& array :
             spark::runtime::detail::checkpoint_access::instance(b, m).state()) {
            std::size_t size = spark_dtype_size(array.dtype);
            for (std::uint32_t d = 0; d < array.shape.rank; ++d) {
                size *= array.shape.dims[d];
            }
            all.push_back(bytes_of(array.data, size));
        }
    }
    return all;
}

/// Steps `b` from its step index to `to`, returning the cache after each step.
std::vector<byte_string> step_to(brain& b, std::uint64_t to) {
    std::vector<byte_string> caches;
    while (b.step_index() < to) {
        spark::test::drive(b, b.step_index());
        b.step();
        caches.push_back(cache_of(b));
    }
    return caches;
}

struct executor_way {
    const char* name;
    brain_options options;
};

const std::vector<executor_way> ways = {
    {"sequential", {executor_kind::sequential, 0}},
    {"flow_graph, 1 thread", {executor_kind::flow_graph, 1}},
    {"flow_graph, 2 threads", {executor_kind::flow_graph, 2}},
    {"automatic, 2 threads", {executor_kind::automatic, 2}},
};

} // namespace

BOOST_FIXTURE_TEST_SUITE(checkpoint_resume, spark::test::checkpoint_fixture)

BOOST_AUTO_TEST_CASE(resuming_gives_the_bits_of_never_stopping_with_every_executor_pair) {
    // The reference: never stopped, one thread.
    auto straight = make({executor_kind::sequential, 0});
    (void)step_to(straight, saved_at);
    const auto state_at_save = state_of(straight);
    const auto reference = step_to(straight, total_steps);
    const auto reference_state = state_of(straight);
    // The brain is alive: its outputs change from step to step, and learning changes its state
    // after the save.
    BOOST_TEST_REQUIRE((reference.front() != reference.back()));
    BOOST_TEST_REQUIRE((reference_state != state_at_save));

    const spark::test::scratch_dir dir;
    for (const auto& saver : ways) {
        for (const auto& resumer : ways) {
            BOOST_TEST_CONTEXT("saved with " << saver.name << ", resumed with " << resumer.name) {
                const auto file = dir / "brain.ckpt";
                {
                    auto first = make(saver.options);
                    (void)step_to(first, saved_at);
                    first.checkpoint(file, true);
                }
                auto resumed = brain::from_checkpoint(
                    registry, file, checkpoint_options{resumer.options, false});
                BOOST_TEST(resumed.step_index() == saved_at);
                const auto caches = step_to(resumed, total_steps);
                BOOST_TEST_REQUIRE(caches.size() == reference.size());
                for (std::size_t s = 0; s < caches.size(); ++s) {
                    BOOST_TEST_CONTEXT("step " << saved_at + s) {
                        BOOST_TEST((caches[s] == reference[s]));
                    }
                }
                BOOST_TEST((state_of(resumed) == reference_state));
            }
        }
    }
}

BOOST_AUTO_TEST_CASE(a_fresh_brain_does_not_continue_the_run) {
    // The comparison above can fail: a brain that starts over from step 0 at step k (what a
    // resume without the state would be) steps to other bits.
    auto straight = make({executor_kind::sequential, 0});
    (void)step_to(straight, saved_at);
    const auto reference = step_to(straight, total_steps);
    auto fresh = make({executor_kind::sequential, 0});
    std::vector<byte_string> caches;
    for (std::uint64_t s = saved_at; s < total_steps; ++s) {
        spark::test::drive(fresh, s);
        fresh.step();
        caches.push_back(cache_of(fresh));
    }
    BOOST_TEST((caches != reference));
}

BOOST_AUTO_TEST_CASE(a_checkpoint_keeps_the_brain_inputs_and_the_step_counter) {
    auto b = make({executor_kind::sequential, 0});
    (void)step_to(b, 5);
    auto in = b.input_as<float>("drive");
    for (std::size_t i = 0; i < in.size(); ++i) {
        in[i] = 0.25F + static_cast<float>(i);
    }
    const spark::test::scratch_dir dir;
    b.checkpoint(dir / "b.ckpt");
    auto resumed = brain::from_checkpoint(registry, dir / "b.ckpt");
    BOOST_TEST(resumed.step_index() == 5U);
    const auto back = resumed.input_as<float>("drive");
    for (std::size_t i = 0; i < back.size(); ++i) {
        BOOST_TEST(back[i] == 0.25F + static_cast<float>(i));
    }
}

BOOST_AUTO_TEST_CASE(writing_over_an_existing_file_needs_overwrite) {
    auto b = make({executor_kind::sequential, 0});
    const spark::test::scratch_dir dir;
    b.checkpoint(dir / "b.ckpt");
    BOOST_CHECK_EXCEPTION(b.checkpoint(dir / "b.ckpt"),
                          spark::runtime::checkpoint_error,
                          [&](const spark::runtime::checkpoint_error& e) {
                              return e.problem() == spark::runtime::checkpoint_problem::exists &&
                                     std::string(e.what()).find((dir / "b.ckpt").string()) == 0;
                          });
    b.step();
    b.checkpoint(dir / "b.ckpt", true);
    BOOST_TEST(brain::from_checkpoint(registry, dir / "b.ckpt").step_index() == 1U);
}

BOOST_FIXTURE_TEST_CASE(a_brain_stopped_by_a_failed_step_is_not_written,
                        spark::test::brain_fixture) {
    using namespace spark::test;
    // drive -> boom (the test plugin that throws at step 3).
    auto b = make(brain_json(
        {input_json("drive", spec_json("float_array", "[2]"))},
        {},
        {module_json("boom", "throws_in_step", port_json("in", {{"__call__", "drive"}}))}));
    const spark::test::scratch_dir dir;
    for (int s = 0; s < 3; ++s) {
        b.step();
    }
    b.checkpoint(dir / "before.ckpt");
    BOOST_CHECK_THROW(b.step(), spark::runtime::step_error);
    BOOST_CHECK_EXCEPTION(
        b.checkpoint(dir / "after.ckpt"),
        spark::runtime::checkpoint_error,
        [](const spark::runtime::checkpoint_error& e) {
            return e.problem() == spark::runtime::checkpoint_problem::stopped &&
                   std::string(e.what()).find(
                       "not written: a failed step stopped the brain at step 3") !=
                       std::string::npos;
        });
    BOOST_TEST(!std::filesystem::exists(dir / "after.ckpt"));
    BOOST_TEST(brain::from_checkpoint(registry, dir / "before.ckpt").step_index() == 3U);
}

BOOST_AUTO_TEST_SUITE_END()
