// SPDX-License-Identifier: Apache-2.0
// `spark run --record`: .npy files (header, shape, content), run.json provenance, and
// `spark raster` drawing a recording.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <string>

#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

#include "run_fixture.hpp"

using spark::test::spark_cli;
namespace json = boost::json;

BOOST_AUTO_TEST_SUITE(run_record)

BOOST_AUTO_TEST_CASE(records_module_ports_and_brain_outputs_as_npy) {
    const spark::test::scratch_dir dir;
    const auto brain = spark::test::write_file(dir / "soma.scfg", spark::test::soma_brain());
    const auto out = dir / "out";
    const auto result = spark_cli({"run",
                                   brain,
                                   "--steps",
                                   "100",
                                   "--input",
                                   "drive=1000",
                                   "--record",
                                   "soma",
                                   "--record",
                                   "potential",
                                   "--out",
                                   out.string()});
    BOOST_TEST_INFO(result.err);
    BOOST_TEST_REQUIRE(result.exit_code == 0);
    BOOST_TEST(result.out.find("recorded 3 ports in " + out.string() +
                               " (run.json has the provenance)\n") != std::string::npos);

    const auto spikes = spark::test::read_npy_file(out / "soma.spikes.npy");
    BOOST_TEST(spikes.header == "{'descr': '|u1', 'fortran_order': False, 'shape': (100, 3), }");
    BOOST_TEST_REQUIRE(spikes.data.size() == 300U);
    // Spikes as 0/1 at steps 4, 7, ..., 97 for every neuron (see test_run_summary.cpp).
    for (std::size_t t = 0; t < 100; ++t) {
        const unsigned char expected = t >= 4 && (t - 4) % 3 == 0 ? 1 : 0;
        for (std::size_t n = 0; n < 3; ++n) {
            BOOST_TEST(spikes.data[t * 3 + n] == expected, "step " << t << " neuron " << n);
        }
    }

    const auto potential = spark::test::read_npy_file(out / "soma.potential.npy");
    BOOST_TEST(potential.header == "{'descr': '<f4', 'fortran_order': False, 'shape': (100, 3), }");
    const auto output = spark::test::read_npy_file(out / "potential.npy");
    BOOST_TEST(output.header == potential.header);
    // The brain output is the same port: the same bytes.
    BOOST_TEST((output.data == potential.data));
    BOOST_TEST_REQUIRE(potential.data.size() == 1200U);
    float first = 0;
    std::memcpy(&first, potential.data.data(), sizeof first);
    // One step of 1000 pA from rest: (1 - exp(-1/20)) x 0.1 GΩ x 1000 pA.
    BOOST_TEST(first == (1 - std::exp(-1.0 / 20.0)) * 100.0, boost::test_tools::tolerance(1e-5));
    float at_spike = 0;
    std::memcpy(&at_spike, potential.data.data() + 4 * 3 * 4, sizeof at_spike);
    BOOST_TEST(at_spike == 10.0F); // the reset potential, relative to rest
}

namespace {

/// drive (1 spike) -> X: a lif_neuron of 2 excitatory neurons, every weight 300 pA, no delays
/// and no learning. Run with the built-in plugins (its default kernel names an initializer).
std::string lif_brain() {
    return spark::test::brain_json(
        {{"drive", spark::test::port_specs_json("spike_array", {1}, "uint8")}},
        {{"spikes",
          spark::test::output_json(
              "X", "out_spikes", spark::test::port_specs_json("spike_array", {2}, "uint8"))}},
        {{"X",
          "lif_neuron",
          {{"in_spikes", {{"__call__", "drive"}}}},
          R"({"units": [2], "inhibitory_rate": 0, "delays": null, "learning_rule": null, )"
          R"("synapses": {"kernel": 300}})"}});
}

} // namespace

BOOST_AUTO_TEST_CASE(records_a_neurons_property_after_every_step) {
    const spark::test::scratch_dir dir;
    const auto brain = spark::test::write_file(dir / "lif.scfg", lif_brain());
    const auto out = dir / "out";
    const auto result = spark::test::builtin_cli({"run",
                                                  brain,
                                                  "--steps",
                                                  "40",
                                                  "--input",
                                                  "drive=1",
                                                  "--record",
                                                  "X.soma.potential",
                                                  "--record",
                                                  "X.out_spikes",
                                                  "--out",
                                                  out.string()});
    BOOST_TEST_INFO(result.err);
    BOOST_TEST_REQUIRE(result.exit_code == 0);
    BOOST_TEST(result.out.find("recorded 1 port and 1 property in " + out.string()) !=
               std::string::npos);
    const auto potential = spark::test::read_npy_file(out / "X.soma.potential.npy");
    BOOST_TEST(potential.header == "{'descr': '<f4', 'fortran_order': False, 'shape': (40, 2), }");
    BOOST_TEST_REQUIRE(potential.data.size() == 40U * 2U * 4U);
    const auto spikes = spark::test::read_npy_file(out / "X.out_spikes.npy");
    BOOST_TEST_REQUIRE(spikes.data.size() == 80U);
    // The spike arrives every step: I = 300 pA, R I = 30 mV (models section 4.1, a = exp(-1/20)).
    // From rest v_k = 30 (1 - a^(k+1)), first above the 20 mV threshold at a^(k+1) < 1/3:
    // k + 1 = 22, so step 21 fires and resets v to 10 mV; from there v = 30 - 20 a^j after j
    // steps, above 20 mV at a^j < 1/2: j = 14, so step 35 fires again.
    const double a = std::exp(-1.0 / 20.0);
    for (std::size_t k = 0; k < 40; ++k) {
        double expected = 0;
        if (k < 21) {
            expected = 30.0 * (1.0 - std::pow(a, static_cast<double>(k + 1)));
        } else if (k == 21 || k == 35) {
            expected = 10.0;
        } else {
            expected = 30.0 - 20.0 * std::pow(a, static_cast<double>(k < 35 ? k - 21 : k - 35));
        }
        for (std::size_t n = 0; n < 2; ++n) {
            BOOST_TEST_CONTEXT("step " << k << ", neuron " << n) {
                float v = 0;
                std::memcpy(&v, potential.data.data() + (k * 2 + n) * 4, sizeof v);
                BOOST_TEST(v == expected, boost::test_tools::tolerance(1e-5));
                BOOST_TEST(spikes.data[k * 2 + n] == (k == 21 || k == 35 ? 1 : 0));
            }
        }
    }
    const auto run = json::parse(spark::test::read_text(out / "run.json")).as_object();
    const auto& records = run.at("records").as_array();
    BOOST_TEST_REQUIRE(records.size() == 2U);
    BOOST_TEST(records[0].at("name").as_string() == "X.soma.potential");
    BOOST_TEST(records[0].at("kind").as_string() == "property");
    BOOST_TEST(records[0].at("file").as_string() == "X.soma.potential.npy");
    BOOST_TEST(records[1].at("kind").as_string() == "port");
}

BOOST_AUTO_TEST_CASE(a_property_record_the_module_cannot_serve_is_a_usage_error) {
    const spark::test::scratch_dir dir;
    const auto brain = spark::test::write_file(dir / "lif.scfg", lif_brain());
    const auto absent =
        spark::test::builtin_cli({"run", brain, "--steps", "1", "--record", "X.delays.kernel"});
    BOOST_TEST(absent.exit_code == 2);
    BOOST_TEST(absent.err.find("spark: --record X.delays.kernel: ") == 0U, absent.err);
    BOOST_TEST(absent.err.find("property 'delays.kernel' is unavailable in this instance: this "
                               "neuron has no part 'delays'") != std::string::npos,
               absent.err);
    const auto unknown =
        spark::test::builtin_cli({"run", brain, "--steps", "1", "--record", "X.soma.voltage"});
    BOOST_TEST(unknown.exit_code == 2);
    BOOST_TEST(unknown.err == "spark: --record X.soma.voltage: module 'X' has no output port or "
                              "property 'soma.voltage'; its outputs are 'out_spikes'; its "
                              "properties are 'soma.potential', 'synapses.kernel', "
                              "'delays.kernel' or 'inhibition_mask'\n");
}

BOOST_AUTO_TEST_CASE(run_json_records_command_brain_hash_seeds_and_provenance) {
    const spark::test::scratch_dir dir;
    const auto brain =
        spark::test::write_file(dir / "soma.scfg", spark::test::soma_brain(R"({"seed": 7})"));
    const auto out = dir / "out";
    const auto result =
        spark_cli({"run", brain, "--steps", "5", "--input", "drive=1", "--out", out.string()});
    BOOST_TEST_INFO(result.err);
    BOOST_TEST_REQUIRE(result.exit_code == 0);
    BOOST_TEST(result.out.find("recorded 0 ports in ") != std::string::npos);
    const auto run = json::parse(spark::test::read_text(out / "run.json")).as_object();
    const auto& command = run.at("command").as_array();
    BOOST_TEST(command.front().as_string() == SPARK_CLI_PATH);
    BOOST_TEST(command.back().as_string() == out.string());
    BOOST_TEST(run.at("brain_file").as_string() == std::filesystem::canonical(brain).string());
    BOOST_TEST(run.at("brain_sha256").as_string() == spark::test::sha256_hex(brain));
    BOOST_TEST(run.at("steps").to_number<int>() == 5);
    BOOST_TEST(run.at("completed_steps").to_number<int>() == 5);
    BOOST_TEST(run.at("dt_ms").to_number<double>() == 1.0);
    BOOST_TEST(run.at("executor").as_string() == "auto");
    // 5 steps are too few to finish measuring (eight rounds of four blocks come first).
    BOOST_TEST(run.at("executor_in_use").as_string() == "automatic (measuring)");
    BOOST_TEST(run.at("seed").is_null());
    const auto& inputs = run.at("inputs").as_array();
    BOOST_TEST_REQUIRE(inputs.size() == 1U);
    BOOST_TEST(inputs[0].at("name").as_string() == "drive");
    BOOST_TEST(inputs[0].at("value").as_string() == "constant 1");
    const auto& modules = run.at("modules").as_array();
    BOOST_TEST_REQUIRE(modules.size() == 1U);
    const auto& soma = modules[0].as_object();
    BOOST_TEST(soma.at("name").as_string() == "soma");
    BOOST_TEST(soma.at("type").as_string() == "spark.leaky_soma");
    BOOST_TEST(soma.at("seed").to_number<std::uint64_t>() == 7U); // the file's seed
    const auto plugin = std::filesystem::canonical(SPARK_NEURONS_PLUGIN);
    BOOST_TEST(soma.at("plugin_file").as_string() == plugin.string());
    BOOST_TEST(soma.at("plugin_sha256").as_string() == spark::test::sha256_hex(plugin));
    BOOST_TEST(soma.at("plugin_id").as_string() == "spark.neurons");
    BOOST_TEST(soma.at("abi_version").as_string() == "1.2.0");
    BOOST_TEST(soma.at("type_version").as_string() == "1.0.0");
    BOOST_TEST(run.at("records").as_array().empty());
}

BOOST_AUTO_TEST_CASE(seed_option_replaces_the_files_seeds) {
    const spark::test::scratch_dir dir;
    const auto brain =
        spark::test::write_file(dir / "soma.scfg", spark::test::soma_brain(R"({"seed": 7})"));
    const auto seed_of = [&](const std::vector<std::string>& extra) {
        std::vector<std::string> args{
            "run", brain, "--steps", "1", "--input", "drive=0", "--out", (dir / "out").string()};
        args.insert(args.end(), extra.begin(), extra.end());
        const auto result = spark_cli(args);
        BOOST_TEST_REQUIRE(result.exit_code == 0);
        const auto run = json::parse(spark::test::read_text(dir / "out" / "run.json")).as_object();
        return std::make_pair(
            run.at("seed"), run.at("modules").as_array()[0].at("seed").to_number<std::uint64_t>());
    };
    const auto [none, file_seed] = seed_of({});
    const auto [s42, seed42] = seed_of({"--seed", "42"});
    const auto [s42_again, seed42_again] = seed_of({"--seed", "42"});
    const auto [s43, seed43] = seed_of({"--seed", "43"});
    BOOST_TEST(none.is_null());
    BOOST_TEST(file_seed == 7U);
    BOOST_TEST(s42.to_number<int>() == 42);
    BOOST_TEST(seed42 != 7U);
    BOOST_TEST(seed42 == seed42_again);
    BOOST_TEST(seed43 != seed42);
}

BOOST_AUTO_TEST_CASE(raster_draws_a_recorded_spike_port_as_svg) {
    const spark::test::scratch_dir dir;
    const auto brain = spark::test::write_file(dir / "soma.scfg", spark::test::soma_brain());
    const auto out = dir / "out";
    const auto result = spark_cli({"run",
                                   brain,
                                   "--steps",
                                   "100",
                                   "--input",
                                   "drive=1000",
                                   "--record",
                                   "soma.spikes",
                                   "--out",
                                   out.string()});
    BOOST_TEST_REQUIRE(result.exit_code == 0);
    const auto npy = out / "soma.spikes.npy";
    const auto picture = spark_cli({"raster", npy.string(), "--dt", "0.5"});
    BOOST_TEST(picture.exit_code == 0, picture.err);
    const auto svg_file = out / "soma.spikes.svg";
    BOOST_TEST(picture.out ==
               "wrote " + svg_file.string() + " (3 neurons, 100 steps, 96 spikes)\n");
    const std::string svg = spark::test::read_text(svg_file);
    BOOST_TEST(svg.find("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg ") == 0U);
    BOOST_TEST(svg.find("soma.spikes.npy: 3 neurons, 100 steps, 96 spikes") != std::string::npos);
    BOOST_TEST(svg.find(">time [ms]</text>") != std::string::npos);
    BOOST_TEST(svg.find(">50</text>") != std::string::npos); // 100 steps of 0.5 ms
    BOOST_TEST(svg.rfind("</svg>\n") == svg.size() - 7);
    // 32 spike times x 3 neurons, each its own pixel cell: 96 marks.
    const auto path_start = svg.find("<path fill=\"black\" d=\"");
    BOOST_TEST_REQUIRE(path_start != std::string::npos);
    const std::string d = svg.substr(path_start, svg.find("\"/>", path_start) - path_start);
    BOOST_TEST(std::count(d.begin(), d.end(), 'M') == 96);

    // A window: steps [10, 40) hold the spikes of steps 10, 13, ..., 37: 10 per neuron.
    const auto window =
        spark_cli({"raster", npy.string(), "--window", "10:40", "--out", (dir / "w.svg").string()});
    BOOST_TEST(window.exit_code == 0, window.err);
    BOOST_TEST(window.out == "wrote " + (dir / "w.svg").string() +
                                 " (3 neurons, 30 steps from step 10, 30 spikes)\n");
    const std::string windowed = spark::test::read_text(dir / "w.svg");
    BOOST_TEST(windowed.find(">40</text>") != std::string::npos); // the axis ends at 40 ms
    const auto outside = spark_cli({"raster", npy.string(), "--window", "100:"});
    BOOST_TEST(outside.exit_code == 1);
    BOOST_TEST(outside.err == "spark: --window 100: holds no step of " + npy.string() +
                                  ", which has 100 steps (0 to 99)\n");
    const auto malformed = spark_cli({"raster", npy.string(), "--window", "10-40"});
    BOOST_TEST(malformed.exit_code == 2);
    BOOST_TEST(malformed.err == "spark: --window must be FIRST:LAST in steps (e.g. 0:1000, 500:, "
                                ":2000), got '10-40'; see 'spark --help'\n");

    const auto named = spark_cli({"raster", npy.string(), "--out", (dir / "r.svg").string()});
    BOOST_TEST(named.exit_code == 0);
    BOOST_TEST(std::filesystem::exists(dir / "r.svg"));
    const auto not_npy = spark_cli({"raster", brain});
    BOOST_TEST(not_npy.exit_code == 1);
    BOOST_TEST(not_npy.err ==
               "spark: " + brain + ": not a .npy file (it does not start with \\x93NUMPY)\n");
}

BOOST_AUTO_TEST_SUITE_END()
