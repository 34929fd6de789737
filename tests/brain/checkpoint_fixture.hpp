// SPDX-License-Identifier: Apache-2.0
// The checkpoint tests' fixture: Spark's neurons, interfaces and initializers, and a small brain
// with random input and learning (Poisson spikes -> excitatory LIF with delays and Hebbian
// learning <-> inhibitory LIF -> exponential integrator), whose every step depends on all the
// state a checkpoint must carry: the spiker's random stream, potentials, delay lines, learned
// weights and the cache.
#pragma once
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include <boost/test/unit_test.hpp>

#include <spark/runtime/brain.hpp>
#include <spark/runtime/brain_config.hpp>
#include <spark/runtime/checkpoint.hpp>

#include "brain_fixture.hpp"
#include "fixtures.hpp"

namespace spark::test {

inline std::string learning_brain() {
    const std::string ex_config =
        R"({"units": [24], "inhibitory_rate": 0.0, "delays": {"max_delay": 3.0},
            "synapses": {"kernel": {"__class_ref__": "uniform_initializer", "scale": 300.0}},
            "learning_rule": {"__class_ref__": "hebbian_rule"}})";
    const std::string in_config =
        R"({"units": [8], "inhibitory_rate": 1.0, "delays": null,
            "synapses": {"kernel": {"__class_ref__": "uniform_initializer", "scale": 200.0}}})";
    return brain_json(
        {input_json("drive", spec_json("float_array", "[20]"))},
        {output_json("out", "readout", "signal", spec_json("float_array", "[3]"))},
        {module_json("input",
                     "poisson_spiker",
                     port_json("signal", {{"__call__", "drive"}}),
                     R"({"max_freq": 300.0})"),
         module_json("ex",
                     "lif_neuron",
                     port_json("in_spikes", {{"input", "spikes"}, {"inh", "out_spikes"}}),
                     ex_config),
         module_json(
             "inh", "lif_neuron", port_json("in_spikes", {{"ex", "out_spikes"}}), in_config),
         module_json("readout",
                     "exponential_integrator",
                     port_json("spikes", {{"ex", "out_spikes"}}),
                     R"({"num_outputs": 3})")});
}

struct checkpoint_fixture : registry_fixture {
    checkpoint_fixture() {
        registry.load(SPARK_NEURONS_PLUGIN);
        registry.load(SPARK_INTERFACES_PLUGIN);
        registry.load(SPARK_INITIALIZERS_PLUGIN);
    }

    [[nodiscard]] spark::runtime::brain make(spark::runtime::brain_options options = {}) const {
        return spark::runtime::brain(
            registry, spark::runtime::brain_config::from_json(learning_brain()), options);
    }
};

/// The drive of step `step`: a fixed pattern that changes every step, so that the inputs differ
/// between the steps before and after a checkpoint.
inline void drive(spark::runtime::brain& b, std::uint64_t step) {
    auto in = b.input_as<float>("drive");
    for (std::size_t i = 0; i < in.size(); ++i) {
        in[i] = static_cast<float>((step * 7 + i * 3) % 11) / 10.0F;
    }
}

inline std::vector<unsigned char> read_bytes(const std::filesystem::path& file) {
    std::ifstream in(file, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

inline void write_bytes(const std::filesystem::path& file,
                        const std::vector<unsigned char>& bytes) {
    std::ofstream out(file, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(bytes.data()),
              static_cast<std::streamsize>(bytes.size()));
}

} // namespace spark::test
