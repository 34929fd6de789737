// SPDX-License-Identifier: Apache-2.0
// Checkpoints of large brains stream (ADR 0015): writing one copies no weights, neither in the
// host nor in the neurons plugin, whose dense kernel is written from the memory it steps with.
// Measured as the growth of the process's peak resident memory (VmHWM, reset through
// /proc/self/clear_refs) while a brain with a 16 MiB kernel writes its checkpoint.
#include <cstddef>
#include <fstream>
#include <sstream>
#include <string>

#include <boost/test/unit_test.hpp>

#include <spark/runtime/brain.hpp>
#include <spark/runtime/brain_config.hpp>
#include <spark/runtime/checkpoint.hpp>

#include "checkpoint_fixture.hpp"

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

/// The field `name` of /proc/self/status, in bytes (the file gives kB).
std::size_t status_bytes(const std::string& name) {
    std::ifstream status("/proc/self/status");
    std::string line;
    while (std::getline(status, line)) {
        if (line.rfind(name + ":", 0) == 0) {
            std::istringstream value(line.substr(name.size() + 1));
            std::size_t kb = 0;
            value >> kb;
            return kb * 1024;
        }
    }
    BOOST_FAIL("/proc/self/status has no " + name);
    return 0;
}

/// Resets the peak resident size to the current one (Linux: "5" to /proc/self/clear_refs).
void reset_peak() {
    std::ofstream clear("/proc/self/clear_refs");
    clear << "5";
    clear.close();
    BOOST_REQUIRE_MESSAGE(clear, "cannot reset the peak resident size");
}

} // namespace

BOOST_FIXTURE_TEST_SUITE(checkpoint_memory, spark::test::checkpoint_fixture)

BOOST_AUTO_TEST_CASE(writing_a_large_dense_kernel_copies_no_weights) {
    spark::runtime::brain b(registry,
                            spark::runtime::brain_config::from_json(dense_brain()),
                            {spark::runtime::executor_kind::sequential, 0});
    b.step();
    const spark::test::scratch_dir dir;
    reset_peak();
    const std::size_t before = status_bytes("VmHWM");
    b.checkpoint(dir / "dense.ckpt");
    const std::size_t growth = status_bytes("VmHWM") - before;
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
