// SPDX-License-Identifier: Apache-2.0
// Checkpoints of large brains stream (ADR 0015): writing one copies no weights, neither in the
// host nor in the neurons plugin, whose dense kernel is written from the memory it steps with.
// Measured as the growth of the process's peak resident memory (tests/support/peak_memory.hpp)
// while a brain with a 16 MiB kernel writes its checkpoint.
#include <cstddef>
#include <string>

#include <boost/test/unit_test.hpp>

#include <spark/runtime/brain.hpp>
#include <spark/runtime/brain_config.hpp>
#include <spark/runtime/checkpoint.hpp>

#include "checkpoint_fixture.hpp"
#include "peak_memory.hpp"

namespace {

constexpr std::size_t units = 2048; // a 2048 x 2048 float kernel: 16 MiB
constexpr std::size_t kernel_bytes = units * units * sizeof(float);

/// One dense, static LIF population of `units` neurons fed by as many Poisson spikers.
std::string dense_brain() {
    using namespace spark::test;
    const std::string size = "[" + std::to_string(units) + "]";
    return brain_json({input_json("drive", spec_json("float_array", size))},
                      {},
                      {module_json("input",
                                   "poisson_spiker",
                                   port_json("signal", {{"__call__", "drive"}}),
                                   R"({"max_freq": 50.0})"),
                       module_json("population",
                                   "lif_neuron",
                                   port_json("in_spikes", {{"input", "spikes"}}),
                                   R"({"units": )" + size + R"(, "delays": null,
                         "synapses": {"kernel": {"__class_ref__": "uniform_initializer",
                                                 "scale": 1.0}}})")});
}

} // namespace

BOOST_FIXTURE_TEST_SUITE(checkpoint_memory, spark::test::checkpoint_fixture)

BOOST_AUTO_TEST_CASE(writing_a_large_dense_kernel_copies_no_weights) {
    spark::runtime::brain b(registry,
                            spark::runtime::brain_config::from_json(dense_brain()),
                            {spark::runtime::executor_kind::sequential, 0});
    b.step();
    const spark::test::scratch_dir dir;
    const std::size_t growth = spark::test::peak_growth([&] { b.checkpoint(dir / "dense.ckpt"); });
    // A staged copy of the kernel would add all of kernel_bytes; the writer's own buffers and
    // the manifest are well under a quarter of it.
    BOOST_TEST_MESSAGE("peak resident growth while writing: " << growth << " bytes");
    BOOST_TEST(growth < kernel_bytes / 4,
               "the peak grew by " << growth << " bytes, a kernel is " << kernel_bytes);
    // The layout round trip itself is checkpoint_resume's (its brain has dense kernels too).
    auto resumed = spark::runtime::brain::from_checkpoint(registry, dir / "dense.ckpt");
    BOOST_TEST(resumed.step_index() == 1U);
}

BOOST_AUTO_TEST_SUITE_END()
