// SPDX-License-Identifier: Apache-2.0
// Upstream's tutorial brain as af523a5 ships it (data/example_ab_model.scfg, rebuilt from
// docs/file-format.md §2.5 by reference/upstream_tutorial.py): a topological linear spiker, four
// recurrent ALIF populations and an exponential integrator, in the old writer's format with stale
// keys, float16 and null bounds. Compat mode loads and runs it, warning once per stale key and per
// float16; strict mode refuses the stale keys, each with its path.
#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include <boost/test/unit_test.hpp>

#include "run_fixture.hpp"

using spark::test::builtin_cli;
using spark::test::line_starting;
using spark::test::words_of;

namespace {

const std::string tutorial = SPARK_UPSTREAM_TUTORIAL_BRAIN;
const std::vector<std::string> populations = {"A_ex", "A_in", "B_ex", "B_in"};

/// The keys af523a5's classes no longer have, per ALIF population (docs/file-format.md §2.5), that
/// our types lack too (our synapses and rules do have async_spikes: the file's value is read).
std::vector<std::string> stale_keys(const std::string& population) {
    return {population + "/max_delay",
            population + "/async_spikes",
            population + "/delays/delay_initializer",
            population + "/learning_rule/gamma"};
}

std::size_t count_of(const std::string& text, const std::string& needle) {
    std::size_t count = 0;
    for (auto at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) {
        ++count;
    }
    return count;
}

} // namespace

BOOST_AUTO_TEST_SUITE(upstream_tutorial)

BOOST_AUTO_TEST_CASE(compat_mode_validates_it_with_one_warning_per_stale_key_and_float16) {
    const auto result = builtin_cli({"validate", "--compat", tutorial});
    BOOST_TEST(result.exit_code == 0, result.out + result.err);
    BOOST_TEST(result.out == "OK\n");
    for (const auto& population : populations) {
        for (const auto& key : stale_keys(population)) {
            const std::string warning =
                "brain/" + key + ": unknown field '" + key.substr(key.rfind('/') + 1) + "'";
            BOOST_TEST(count_of(result.err, warning) == 1U, warning + "\n" + result.err);
        }
    }
    BOOST_TEST(count_of(result.err, "(dropped in compat mode)") == 16U, result.err);
    // float16 at the brain's two ports and in every config that names a dtype: the spiker, the
    // integrator, and per population the neuron, soma, synapses, kernel, delays, learning rule.
    BOOST_TEST(count_of(result.err, ": float16 runs as float32") == 2U + 2U + 4U * 6U, result.err);
    BOOST_TEST(count_of(result.err, "brain/A_ex/synapses/kernel/dtype: float16 runs as float32") ==
               1U);
}

BOOST_AUTO_TEST_CASE(strict_mode_refuses_every_stale_key_with_its_path) {
    const auto result = builtin_cli({"validate", tutorial});
    BOOST_TEST(result.exit_code != 0);
    for (const auto& population : populations) {
        for (const auto& key : stale_keys(population)) {
            BOOST_TEST(count_of(result.out + result.err, "brain/" + key + ": unknown field") == 1U,
                       key);
        }
    }
    // Plus min_value and max_value written as null (upstream's None) in every kernel.
    for (const auto& population : populations) {
        for (const char* bound : {"min_value", "max_value"}) {
            BOOST_TEST(count_of(result.out + result.err,
                                "brain/" + population + "/synapses/kernel/" + bound + ": " + bound +
                                    " must be a number, got null") == 1U);
        }
    }
    BOOST_TEST(count_of(result.out + result.err, "24 problems in") == 1U, result.out + result.err);
}

BOOST_AUTO_TEST_CASE(it_runs_with_upstreams_shapes_and_every_population_fires) {
    const spark::test::scratch_dir dir;
    const auto result = builtin_cli({"run",
                                     "--compat",
                                     tutorial,
                                     "--steps",
                                     "100",
                                     "--input",
                                     "drive=0.5",
                                     "--record",
                                     "spiker",
                                     "--record",
                                     "A_in",
                                     "--out",
                                     dir.path().string()});
    BOOST_TEST_REQUIRE(result.exit_code == 0, result.err);
    // Shapes in the brain (docs/file-format.md §2.5): spikes (4, 128), populations (256,) and
    // (64,).
    const std::vector<std::pair<std::string, std::string>> units = {
        {"spiker", "4x128"}, {"A_ex", "256"}, {"A_in", "64"}, {"B_ex", "256"}, {"B_in", "64"}};
    for (const auto& [module, count] : units) {
        const auto words = words_of(line_starting(result.out, module + " "));
        BOOST_TEST_REQUIRE(words.size() == 5U, result.out);
        BOOST_TEST(words[2] == count, module);
        BOOST_TEST(std::stod(words[3]) > 0.0, module + " fired no spike:\n" + result.out);
    }
    BOOST_TEST(spark::test::read_npy_file(dir / "spiker.spikes.npy")
                   .header.find("'shape': (100, 4, 128)") != std::string::npos);
    BOOST_TEST(
        spark::test::read_npy_file(dir / "A_in.out_spikes.npy").header.find("'shape': (100, 64)") !=
        std::string::npos);
    // The brain output `action` is the integrator's two signals, finite.
    const auto action = words_of(line_starting(result.out, "action "));
    BOOST_TEST_REQUIRE(action.size() == 5U, result.out);
    for (const auto& word : action) {
        BOOST_TEST(word.find("nan") == std::string::npos);
        BOOST_TEST(word.find("inf") == std::string::npos);
    }
}

BOOST_AUTO_TEST_CASE(upstreams_brain_execution_fixture_runs_and_its_action_is_finite) {
    // Upstream's tests/brain_execution.py (docs/file-format.md §8): spiker (drive (4,), resolution
    // 128) -> a recurrent ALIF population of 16 (inputs: spiker and itself) -> an integrator with 2
    // outputs. Its `*_params` keys match no field: upstream ignores them silently, compat mode
    // drops them with a warning, strict mode refuses them.
    using spark::test::port_specs_json;
    const std::string alif_config = R"({"_s_units": [16], "synapses_params__kernel__scale": 3.0,)"
                                    R"( "soma_params__cooldown": 2.0})";
    const std::string brain = spark::test::brain_json(
        {{"drive", port_specs_json("float_array", {4}, "float16")}},
        {{"action",
          spark::test::output_json(
              "integrator", "signal", port_specs_json("float_array", {2}, "float16"))}},
        {{"spiker", "TopologicalLinearSpiker", {{"signal", {{"__call__", "drive"}}}}, "{}"},
         {"neuron",
          "ALIFNeuron",
          {{"in_spikes", {{"spiker", "spikes"}, {"neuron", "out_spikes"}}}},
          alif_config},
         {"integrator",
          "ExponentialIntegrator",
          {{"spikes", {{"neuron", "out_spikes"}}}},
          R"({"num_outputs": 2})"}});
    const spark::test::scratch_dir dir;
    const auto file = spark::test::write_file(dir / "brain_execution.scfg", brain);

    const auto strict = builtin_cli({"validate", file});
    BOOST_TEST(strict.exit_code != 0);
    BOOST_TEST(count_of(strict.out + strict.err,
                        "brain/neuron/synapses_params: unknown field 'synapses_params'") == 1U,
               strict.out + strict.err);
    BOOST_TEST(count_of(strict.out + strict.err,
                        "brain/neuron/soma_params: unknown field 'soma_params'") == 1U);

    for (const char* drive : {"drive=0", "drive=0.5"}) {
        const auto result =
            builtin_cli({"run", "--compat", file, "--steps", "50", "--input", drive});
        BOOST_TEST_REQUIRE(result.exit_code == 0, result.err);
        BOOST_TEST(count_of(result.err, "(dropped in compat mode)") == 2U, result.err);
        BOOST_TEST(words_of(line_starting(result.out, "neuron ")).at(2) == "16", result.out);
        const auto action = words_of(line_starting(result.out, "action "));
        BOOST_TEST_REQUIRE(action.size() == 5U, result.out);
        for (const auto& word : action) {
            BOOST_TEST(word.find("nan") == std::string::npos);
            BOOST_TEST(word.find("inf") == std::string::npos);
        }
    }
}

BOOST_AUTO_TEST_SUITE_END()
