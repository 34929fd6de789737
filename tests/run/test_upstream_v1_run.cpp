// SPDX-License-Identifier: Apache-2.0
// Upstream 1.0's tutorial from the CLI (docs/adr/0014-neuron-files.md): the brain file of
// tests/data/upstream-v1/ with its neuron registered from a file, by --neuron or by
// SPARK_NEURON_PATH, input shapes given by the --input values; the shapes upstream's tutorial
// implies; run.json naming the neuron file and its SHA-256; and what a user is told when the
// neuron or a shape is missing.
#include <filesystem>
#include <string>
#include <vector>

#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

#include "run_fixture.hpp"
#include "text_match.hpp"

namespace fs = std::filesystem;
using spark::test::builtin_cli;

using spark::test::contains;

namespace {

const fs::path data = fs::path(SPARK_TEST_DATA_DIR) / "upstream-v1";
const std::string v1_brain = (data / "ab_brain.scfg").string();
const std::string neuron = (data / "alif_mod_neuron.scfg").string();

std::vector<std::string> tutorial_inputs() {
    return {"--input",
            "signal=0.1,-0.2,0.05,0",
            "--input",
            "mod_a_ex=0",
            "--input",
            "mod_b_ex=0",
            "--input",
            "mod_a_in=0",
            "--input",
            "mod_b_in=0"};
}

std::vector<std::string> with(std::vector<std::string> head, const std::vector<std::string>& tail) {
    head.insert(head.end(), tail.begin(), tail.end());
    return head;
}

/// The shape a .npy header gives ("(20, 64)").
std::string npy_shape(const fs::path& file) {
    const auto header = spark::test::read_npy_file(file).header;
    const auto at = header.find("'shape': ");
    return header.substr(at + 9, header.find(')', at) - at - 8);
}

} // namespace

BOOST_AUTO_TEST_SUITE(upstream_v1_run)

BOOST_AUTO_TEST_CASE(the_tutorial_brain_runs_with_its_neuron_file) {
    spark::test::scratch_dir out;
    const auto result = builtin_cli(with({"--neuron",
                                          "alif_mod_neuron=" + neuron,
                                          "run",
                                          v1_brain,
                                          "--steps",
                                          "20",
                                          "--out",
                                          out.path().string(),
                                          "--record",
                                          "spiker.spikes",
                                          "--record",
                                          "A_excitatory.out_spikes",
                                          "--record",
                                          "B_inhibitory.out_spikes",
                                          "--record",
                                          "action"},
                                         tutorial_inputs()));
    BOOST_TEST_REQUIRE(result.exit_code == 0, result.out << result.err);
    // Upstream's tutorial shapes: the spiker encodes 4 values on 128 neurons each, the
    // populations have 256 and 64 neurons, the integrator 2 outputs.
    BOOST_TEST(npy_shape(out / "spiker.spikes.npy") == "(20, 4, 128)");
    BOOST_TEST(npy_shape(out / "A_excitatory.out_spikes.npy") == "(20, 256)");
    BOOST_TEST(npy_shape(out / "B_inhibitory.out_spikes.npy") == "(20, 64)");
    BOOST_TEST(npy_shape(out / "action.npy") == "(20, 2)");
    BOOST_TEST(contains(result.out, "file.alif_mod_neuron"), result.out);
    // run.json: each population is the neuron file's type, with the file and its SHA-256.
    const auto run = boost::json::parse(spark::test::read_text(out / "run.json")).as_object();
    std::size_t file_neurons = 0;
    for (const auto& m : run.at("modules").as_array()) {
        if (m.at("type").as_string() != "file.alif_mod_neuron") {
            continue;
        }
        ++file_neurons;
        BOOST_TEST(m.at("plugin_file").as_string() == fs::canonical(neuron).string());
        BOOST_TEST(m.at("plugin_sha256").as_string() == spark::test::sha256_hex(neuron));
        // Its parts are those of the fused alif_neuron, wired as it wires them: it runs fused.
        BOOST_TEST(!m.as_object().contains("parts"));
    }
    BOOST_TEST(file_neurons == 4U);
}

BOOST_AUTO_TEST_CASE(a_neuron_path_registers_the_neuron_without_an_option) {
    spark::test::scratch_dir neurons;
    fs::copy_file(neuron, neurons / "alif_mod_neuron.scfg");
    const spark::test::scoped_env path("SPARK_NEURON_PATH", neurons.path().string());
    const auto plugins = fs::path(SPARK_NEURONS_PLUGIN).parent_path().string();
    const auto result = spark::test::run_process(
        SPARK_CLI_PATH,
        with({"--plugin-path=" + plugins, "run", v1_brain, "--steps", "3", "--no-progress"},
             tutorial_inputs()));
    BOOST_TEST(result.exit_code == 0, result.out << result.err);
    const auto listed =
        spark::test::run_process(SPARK_CLI_PATH, {"--plugin-path=" + plugins, "plugins", "list"});
    BOOST_TEST(contains(listed.out, "file.alif_mod_neuron"), listed.out);
    BOOST_TEST(contains(listed.out, (neurons / "alif_mod_neuron.scfg").string()), listed.out);
}

BOOST_AUTO_TEST_CASE(describe_shows_a_file_neurons_ports_properties_and_provenance) {
    const auto result = builtin_cli(
        {"--neuron", "alif_mod_neuron=" + neuron, "plugins", "describe", "alif_mod_neuron"});
    BOOST_TEST_REQUIRE(result.exit_code == 0, result.err);
    for (const std::string& text : std::vector<std::string>{"file.alif_mod_neuron",
                                                            spark::test::sha256_hex(neuron),
                                                            "in_spikes",
                                                            "modulation",
                                                            "out_spikes",
                                                            "soma.potential",
                                                            "synapses.kernel",
                                                            "inhibition_mask"}) {
        BOOST_TEST(contains(result.out, text), text << " missing in\n" << result.out);
    }
}

BOOST_AUTO_TEST_CASE(a_missing_neuron_is_named_with_how_to_register_it) {
    const auto result = builtin_cli(with({"run", v1_brain, "--steps", "3"}, tutorial_inputs()));
    BOOST_TEST(result.exit_code == 1);
    BOOST_TEST(contains(result.err, "alif_mod_neuron"), result.err);
    BOOST_TEST(contains(result.err, "--neuron alif_mod_neuron=FILE"), result.err);
    // A --neuron that is not NAME=FILE is a usage error.
    const auto usage = builtin_cli({"--neuron", neuron, "plugins", "list"});
    BOOST_TEST(usage.exit_code == 2);
    BOOST_TEST(contains(usage.err, "--neuron must be NAME=FILE"), usage.err);
}

BOOST_AUTO_TEST_CASE(input_shapes_come_from_the_input_values) {
    // Without a value for signal, its shape is unknown: the message says how to give it.
    const auto missing = builtin_cli(
        {"--neuron", "alif_mod_neuron=" + neuron, "validate", v1_brain, "--input", "mod_a_ex=0"});
    BOOST_TEST(missing.exit_code == 1);
    BOOST_TEST(contains(missing.out, "brain input 'signal' has no shape"), missing.out);
    BOOST_TEST(contains(missing.out, "--input signal="), missing.out);
    const auto given = builtin_cli(
        with({"--neuron", "alif_mod_neuron=" + neuron, "validate", v1_brain}, tutorial_inputs()));
    BOOST_TEST(given.exit_code == 0, given.out << given.err);
    BOOST_TEST(contains(given.out, "OK"), given.out);
    // A list that does not fit a shape the brain states is refused, naming both counts.
    spark::test::scratch_dir out;
    const auto wrong =
        builtin_cli({"run", SPARK_EXAMPLE_BRAIN, "--steps", "2", "--input", "drive=0.5,0.5"});
    BOOST_TEST(wrong.exit_code != 0);
    BOOST_TEST(contains(wrong.err, "2 values for input 'drive'"), wrong.err);
}

BOOST_AUTO_TEST_CASE(a_neuron_file_obeys_the_file_limits_a_brain_file_does) {
    // The neuron file holds 34 KB of JSON (xz-compressed to 1.8 KB), the brain 217 KB: under a
    // 20 KiB limit the neuron file is refused first, by name, with the flag that raises it.
    const auto limited = builtin_cli(with(
        {"--neuron", "alif_mod_neuron=" + neuron, "validate", v1_brain, "--max-json-size", "20KiB"},
        tutorial_inputs()));
    const std::string said = limited.out + limited.err;
    BOOST_TEST(limited.exit_code == 1);
    BOOST_TEST(contains(said, "alif_mod_neuron.scfg: decompresses to more than 20 KiB"), said);
    BOOST_TEST(contains(said, "--max-json-size"), said);
}

BOOST_AUTO_TEST_SUITE_END()
