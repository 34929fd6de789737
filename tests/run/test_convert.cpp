// SPDX-License-Identifier: Apache-2.0
// `spark convert OLD NEW` (runtime/cli/convert.cpp), run as a user would: the example brains
// with learning (ei_network: LIF and Hebbian learning; ab_tutorial: ALIF and Zenke's rule) and
// upstream's own tutorial file (--compat) converted to upstream 1.0 and run with the same steps and
// input values (the converted file's input shapes given as lists) record the same bytes in every
// population's spikes and in the brain outputs; the written file is xz (or plain JSON with --plain,
// read back as 1.0), the same bytes every time; a 1.0 file, an invalid brain, NEW = OLD and a
// port reading alone a source whose rank is known only once built are refused.
#include <filesystem>
#include <string>
#include <vector>

#include <boost/test/unit_test.hpp>

#include <spark/runtime/brain_config.hpp>

#include "run_fixture.hpp"

using spark::test::builtin_cli;
using spark::test::read_text;
using spark::test::scratch_dir;

namespace {

const std::filesystem::path brains = std::filesystem::path(SPARK_EXAMPLE_BRAIN).parent_path();

/// "V,V,...,V" (`n` times): a 1.0 input of shape (n,) holding V everywhere.
std::string repeated(const std::string& value, int n) {
    std::string text = value;
    for (int i = 1; i < n; ++i) {
        text += "," + value;
    }
    return text;
}

/// Runs `brain` for `steps` steps with `input`, recording `records` into `out`.
void run(const std::filesystem::path& brain,
         const std::string& steps,
         const std::string& input,
         const std::vector<std::string>& records,
         const std::filesystem::path& out,
         bool compat = false) {
    std::vector<std::string> arguments = {
        "run", brain.string(), "--steps", steps, "--input", input, "--out", out.string()};
    if (compat) {
        arguments.emplace_back("--compat");
    }
    for (const auto& record : records) {
        arguments.insert(arguments.end(), {"--record", record});
    }
    const auto result = builtin_cli(arguments);
    BOOST_TEST_REQUIRE(result.exit_code == 0, brain.string() << ": " << result.err);
}

/// Converts `name` (in examples/brains/ unless a path), runs both with the same input values and
/// requires every recording to be the same bytes; `spiking` must have fired. `compat`: OLD is a
/// file upstream wrote.
void converted_runs_the_same(const std::string& name,
                             const std::string& steps,
                             const std::string& old_input,
                             const std::string& new_input,
                             const std::vector<std::string>& records,
                             const std::string& spiking,
                             bool compat = false) {
    const scratch_dir dir;
    const auto converted = dir / "converted.scfg";
    const auto old_brain = brains / name; // an absolute `name` replaces the folder
    std::vector<std::string> arguments = {"convert", old_brain.string(), converted.string()};
    if (compat) {
        arguments.emplace_back("--compat");
    }
    const auto result = builtin_cli(arguments);
    BOOST_TEST_REQUIRE(result.exit_code == 0, result.err);
    run(old_brain, steps, old_input, records, dir / "old", compat);
    run(converted, steps, new_input, records, dir / "new");
    for (const auto& record : records) {
        const auto file = record + ".npy";
        const auto old_bytes = read_text(dir / "old" / file);
        BOOST_TEST_REQUIRE(!old_bytes.empty(), file); // a missing file reads as ""
        BOOST_TEST(read_text(dir / "new" / file) == old_bytes, old_brain.string() << ": " << file);
    }
    // Not vacuous: the population fired (0/1 bytes after the .npy header).
    const auto spikes = read_text(dir / "old" / (spiking + ".npy"));
    BOOST_TEST(spikes.find('\x01', 128) != std::string::npos, spiking);
}

} // namespace

BOOST_AUTO_TEST_SUITE(convert)

// Its Hebbian learning changes no spike within these steps; ab_tutorial's Zenke learning does
// (converted without its rules, ab_tutorial records other spikes), and
// tests/brain/test_brain_convert.cpp checks the Hebbian rule's eta on a small neuron.
BOOST_AUTO_TEST_CASE(ei_network_converted_records_the_same_spikes_and_outputs) {
    converted_runs_the_same("ei_network.scfg",
                            "150",
                            "drive=0.5",
                            "drive=" + repeated("0.5", 200),
                            {"input.spikes",
                             "excitatory.out_spikes",
                             "inhibitory.out_spikes",
                             "readout.signal",
                             "activity"},
                            "excitatory.out_spikes");
}

BOOST_AUTO_TEST_CASE(ab_tutorial_converted_records_the_same_spikes_and_outputs) {
    converted_runs_the_same("ab_tutorial.scfg",
                            "120",
                            "drive=0.5",
                            "drive=0.5,0.5,0.5,0.5",
                            {"spiker.spikes",
                             "A_ex.out_spikes",
                             "A_in.out_spikes",
                             "B_ex.out_spikes",
                             "B_in.out_spikes",
                             "action"},
                            "B_ex.out_spikes");
}

BOOST_AUTO_TEST_CASE(upstreams_own_tutorial_file_converts_with_compat) {
    // The file as af523a5 ships it: stale keys, dropped in compat mode, do not reach NEW.
    converted_runs_the_same(SPARK_UPSTREAM_TUTORIAL_BRAIN,
                            "60",
                            "drive=0.5",
                            "drive=0.5,0.5,0.5,0.5",
                            {"A_ex.out_spikes", "B_in.out_spikes", "action"},
                            "A_ex.out_spikes",
                            /*compat=*/true);
}

BOOST_AUTO_TEST_CASE(writes_xz_by_default_the_same_bytes_every_time_and_says_what_it_wrote) {
    const scratch_dir dir;
    const auto old_brain = (brains / "ei_network.scfg").string();
    const auto first = builtin_cli({"convert", old_brain, (dir / "a.scfg").string()});
    const auto second = builtin_cli({"convert", old_brain, (dir / "b.scfg").string()});
    BOOST_TEST_REQUIRE(first.exit_code == 0, first.err);
    BOOST_TEST_REQUIRE(second.exit_code == 0, second.err);
    BOOST_TEST(first.out == "wrote " + (dir / "a.scfg").string() +
                                " (upstream 1.0, xz): 4 modules, input drive (200 values): give "
                                "its shape with --input\n");
    BOOST_TEST(first.err.empty(), first.err);
    const auto bytes = read_text(dir / "a.scfg");
    BOOST_TEST(bytes.substr(0, 6) == std::string("\xFD\x37\x7A\x58\x5A\x00", 6));
    BOOST_TEST(read_text(dir / "b.scfg") == bytes);
}

BOOST_AUTO_TEST_CASE(plain_writes_json_that_reads_back_as_an_upstream_1_0_brain) {
    const scratch_dir dir;
    const auto file = dir / "plain.scfg";
    const auto result =
        builtin_cli({"convert", (brains / "ab_tutorial.scfg").string(), file.string(), "--plain"});
    BOOST_TEST_REQUIRE(result.exit_code == 0, result.err);
    BOOST_TEST(result.out.find("(upstream 1.0, plain): 6 modules") != std::string::npos,
               result.out);
    const auto text = read_text(file);
    BOOST_TEST(text.substr(0, 32) == "{\n    \"__type__\": \"brain_config\"");
    const auto config = spark::runtime::brain_config::from_file(file);
    BOOST_TEST((config.schema == spark::runtime::brain_schema::upstream_1_0));
    BOOST_TEST(config.modules_map.size() == 6U);
}

BOOST_AUTO_TEST_CASE(an_upstream_1_0_file_is_not_converted_again) {
    const scratch_dir dir;
    const auto once = dir / "once.scfg";
    BOOST_TEST_REQUIRE(
        builtin_cli({"convert", (brains / "ei_network.scfg").string(), once.string()}).exit_code ==
        0);
    const auto result = builtin_cli({"convert", once.string(), (dir / "twice.scfg").string()});
    BOOST_TEST(result.exit_code == 1);
    BOOST_TEST(result.err ==
               "spark: " + once.string() +
                   " is already an upstream 1.0 brain; there is nothing to convert\n");
    BOOST_TEST(!std::filesystem::exists(dir / "twice.scfg"));
}

BOOST_AUTO_TEST_CASE(a_brain_with_an_invalid_module_config_is_refused_with_its_path) {
    const scratch_dir dir;
    // leaky_soma's threshold must exceed its potential_reset (-50 mV by default).
    const auto old_brain = spark::test::write_file(
        dir / "bad.scfg", spark::test::soma_brain(R"({"threshold": -70.0})"));
    const auto result = builtin_cli({"convert", old_brain, (dir / "new.scfg").string()});
    BOOST_TEST(result.exit_code == 1);
    BOOST_TEST(
        result.err.find("spark: brain/soma/threshold: threshold must be > potential_reset") == 0U,
        result.err);
    BOOST_TEST(result.err.find("spark: " + old_brain + " was not converted (1 problem)\n") !=
                   std::string::npos,
               result.err);
    BOOST_TEST(!std::filesystem::exists(dir / "new.scfg"));
}

BOOST_AUTO_TEST_CASE(a_port_reading_one_source_of_unknown_rank_is_refused) {
    // A topological spiker's spikes are (signal..., resolution): 1.0 would hand the neuron its
    // (2, 16) where af523a5 gives it 32 flattened, and the neuron would record other spikes.
    using spark::test::module_entry;
    const scratch_dir dir;
    const auto drive = std::make_pair(std::string("drive"),
                                      spark::test::port_specs_json("float_array", {2}, "float32"));
    const module_entry neuron = {
        "pop", "lif_neuron", {{"in_spikes", {{"spiker", "spikes"}}}}, R"({"units": [4]})"};
    const auto topological =
        spark::test::write_file(dir / "topological.scfg",
                                spark::test::brain_json({drive},
                                                        {},
                                                        {{"spiker",
                                                          "topological_linear_spiker",
                                                          {{"signal", {{"__call__", "drive"}}}},
                                                          R"({"resolution": 16})"},
                                                         neuron}));
    const auto refused = builtin_cli({"convert", topological, (dir / "t.scfg").string()});
    BOOST_TEST(refused.exit_code == 1);
    BOOST_TEST(refused.err.find("spark: brain/pop/inputs/in_spikes: reads only spiker.spikes, "
                                "whose shape is known only once built") == 0U,
               refused.err);
    // An integrator's signal is computed as "(num_outputs,)": 1-D, so a spiker may read it alone.
    const auto integrated = spark::test::write_file(
        dir / "integrated.scfg",
        spark::test::brain_json(
            {drive},
            {},
            {{"spiker", "poisson_spiker", {{"signal", {{"__call__", "drive"}}}}},
             {"pop", "lif_neuron", {{"in_spikes", {{"spiker", "spikes"}}}}, R"({"units": [4]})"},
             {"readout",
              "exponential_integrator",
              {{"spikes", {{"pop", "out_spikes"}}}},
              R"({"num_outputs": 2})"},
             {"again", "poisson_spiker", {{"signal", {{"readout", "signal"}}}}}}));
    const auto converted = builtin_cli({"convert", integrated, (dir / "i.scfg").string()});
    BOOST_TEST(converted.exit_code == 0, converted.err);
}

BOOST_AUTO_TEST_CASE(the_old_file_is_never_overwritten) {
    const scratch_dir dir;
    const auto old_brain = spark::test::write_file(dir / "old.scfg", spark::test::soma_brain());
    const auto before = read_text(old_brain);
    // The same file, spelled another way.
    const auto result = builtin_cli({"convert", old_brain, (dir / "." / "old.scfg").string()});
    BOOST_TEST(result.exit_code == 2);
    BOOST_TEST(result.err.find("itself; write the converted brain to another file") !=
                   std::string::npos,
               result.err);
    BOOST_TEST(read_text(old_brain) == before);
}

BOOST_AUTO_TEST_SUITE_END()
