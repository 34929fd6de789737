// SPDX-License-Identifier: Apache-2.0
// `spark validate`: OK and exit 0 for a good brain; every problem with its path and exit 1.
#include <filesystem>
#include <string>
#include <vector>

#include <boost/test/unit_test.hpp>

#include "run_fixture.hpp"
#include "test_plugin_paths.hpp"

using spark::test::builtin_cli;
using spark::test::spark_cli;

BOOST_AUTO_TEST_SUITE(validate)

BOOST_AUTO_TEST_CASE(a_good_brain_prints_ok) {
    const spark::test::scratch_dir dir;
    const auto brain = spark::test::write_file(dir / "soma.scfg", spark::test::soma_brain());
    const auto result = spark_cli({"validate", brain});
    BOOST_TEST(result.exit_code == 0, result.err);
    BOOST_TEST(result.out == "OK\n");
}

BOOST_AUTO_TEST_CASE(every_problem_is_listed_with_its_path) {
    const spark::test::scratch_dir dir;
    // Two independent problems: a misspelt type and a source module that does not exist.
    const auto brain = spark::test::write_file(
        dir / "broken.scfg",
        spark::test::brain_json(
            {{"drive", spark::test::port_specs_json("float_array", {3}, "float32")}},
            {},
            {{"soma", "leaky_somaa", {{"current", {{"__call__", "drive"}}}}, "{}"},
             {"acc", "accumulator", {{"in", {{"nowhere", "out"}}}}, "{}"}}));
    const auto result = spark_cli({"validate", brain});
    BOOST_TEST(result.exit_code == 1);
    const auto lines = spark::test::squeezed_lines(result.out);
    BOOST_TEST_REQUIRE(lines.size() >= 3U, result.out);
    BOOST_TEST(result.out.find("brain/soma/module_cls: ") != std::string::npos, result.out);
    BOOST_TEST(result.out.find("did you mean spark.leaky_soma?") !=
               std::string::npos); // the suggestion
    BOOST_TEST(result.out.find("brain/acc/inputs/in[0]") != std::string::npos);
    BOOST_TEST(result.out.find("nowhere") != std::string::npos);
    BOOST_TEST(lines.back() == std::to_string(lines.size() - 1) + " problems in " + brain);
}

BOOST_AUTO_TEST_CASE(one_run_reports_field_create_and_wiring_problems_and_run_refuses_the_same) {
    // docs/adr/0025-one-validation-pass.md: a wiring error (lost), a nested field error (pop's
    // soma: potential_tau > 0, docs/models.md section 4.1) and a create error (create_fails
    // refuses its default limit 12) in one report, by module in brain order, each at
    // brain/<module>/...; `spark run` refuses the brain with the same problems before any step.
    const spark::test::scratch_dir dir;
    const auto brain = spark::test::write_file(
        dir / "three.scfg",
        spark::test::brain_json(
            {{"drive", spark::test::port_specs_json("spike_array", {4}, "uint8")},
             {"values", spark::test::port_specs_json("float_array", {4}, "float32")}},
            {},
            {{"lost", "leaky_soma", {{"current", {{"nowhere", "out"}}}}, "{}"},
             {"pop",
              "lif_neuron",
              {{"in_spikes", {{"__call__", "drive"}}}},
              R"({"units": [2], "soma": {"potential_tau": -3}})"},
             {"bad", "create_fails", {{"in", {{"__call__", "values"}}}}, "{}"}}));
    const std::string create_fails =
        "--plugin-path=" + spark::test::test_plugin("create_fails").string();
    const std::vector<std::string> problems{
        "brain/lost/inputs/current[0]/origin: unknown origin 'nowhere'; origins are 'lost', 'pop', "
        "'bad' or '__call__'",
        "brain/pop/soma/potential_tau: potential_tau must be > 0, got -3",
        "brain/bad: test.create_fails 'bad': create failed (SPARK_ERR_INVALID_ARGUMENT): limit "
        "must be <= 10, got 12"};
    const auto result = builtin_cli({create_fails, "validate", brain});
    BOOST_TEST(result.exit_code == 1, result.err);
    std::string report;
    for (const auto& problem : problems) {
        report += problem + "\n";
    }
    BOOST_TEST(result.out == report + "3 problems in " + brain + "\n");
    const auto run = builtin_cli({create_fails,
                                  "run",
                                  "--no-progress",
                                  brain,
                                  "--steps",
                                  "2",
                                  "--out",
                                  (dir / "out").string()});
    BOOST_TEST(run.exit_code == 1);
    std::string refused;
    for (const auto& problem : problems) {
        refused += "spark: " + problem + "\n";
    }
    BOOST_TEST(run.err == refused);
    BOOST_TEST(run.out.empty(), run.out); // no step summary: nothing ran
    BOOST_TEST(!std::filesystem::exists(dir / "out"));
    // Partitioning (--partition-report, or ranks) checks less: run validates before it.
    const auto planned = builtin_cli(
        {create_fails, "run", "--no-progress", "--partition-report", brain, "--steps", "2"});
    BOOST_TEST(planned.exit_code == 1);
    BOOST_TEST(planned.err == refused);
}

BOOST_AUTO_TEST_CASE(a_file_that_is_not_json_is_a_problem_with_line_and_column) {
    const spark::test::scratch_dir dir;
    const auto brain =
        spark::test::write_file(dir / "bad.scfg", "{\"__type__\": \"brain_config\",\n  oops}\n");
    const auto result = spark_cli({"validate", brain});
    BOOST_TEST(result.exit_code == 1);
    BOOST_TEST(result.out.find(brain) != std::string::npos, result.out);
    BOOST_TEST(result.out.find("not valid JSON at line 2, column 3") != std::string::npos,
               result.out);
    BOOST_TEST(spark::test::squeezed_lines(result.out).back() == "1 problem in " + brain);
    // run refuses it the same way, before anything runs.
    const auto run = spark_cli({"run", brain, "--steps", "1"});
    BOOST_TEST(run.exit_code == 1);
    BOOST_TEST(run.err.find("spark: " + brain) == 0U, run.err);
}

BOOST_AUTO_TEST_CASE(compat_mode_drops_stale_keys_with_a_warning_each) {
    const spark::test::scratch_dir dir;
    // The soma brain with a key leaky_soma does not declare (as upstream files carry stale keys).
    const auto brain = spark::test::write_file(
        dir / "stale.scfg", spark::test::soma_brain(R"({"potential_tau": 20, "cooldown": 2})"));
    const auto strict = spark_cli({"validate", brain});
    BOOST_TEST(strict.exit_code == 1);
    BOOST_TEST(strict.out.find("brain/soma/cooldown: unknown field 'cooldown'") == 0U, strict.out);
    const auto compat = spark_cli({"validate", "--compat", brain});
    BOOST_TEST(compat.exit_code == 0, compat.out + compat.err);
    BOOST_TEST(compat.out == "OK\n");
    BOOST_TEST(compat.err.find("spark: warning: [spark.runtime] brain/soma/cooldown: unknown field "
                               "'cooldown'") == 0U,
               compat.err);
    BOOST_TEST(compat.err.find("(dropped in compat mode)\n") != std::string::npos);
    const auto run = spark_cli({"run", "--compat", brain, "--steps", "2", "--input", "drive=1"});
    BOOST_TEST(run.exit_code == 0, run.err);
}

BOOST_AUTO_TEST_CASE(a_missing_file_is_one_line) {
    const auto result = spark_cli({"validate", "/nonexistent/brain.scfg"});
    BOOST_TEST(result.exit_code == 1);
    BOOST_TEST(result.err.find("/nonexistent/brain.scfg") != std::string::npos, result.err);
}

BOOST_AUTO_TEST_SUITE_END()
