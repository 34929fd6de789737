// SPDX-License-Identifier: Apache-2.0
// Names from a brain file never become paths outside `--out`: a module or output named with '/',
// "..", an absolute path or control characters is recorded under a sanitised file name inside the
// output folder and printed escaped, and two names that sanitise alike are refused.
#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

#include "run_fixture.hpp"

using spark::test::spark_cli;
using namespace std::string_literals;
namespace fs = std::filesystem;

namespace {

/// soma_brain() with the module and the output renamed (`*_json`: the names as JSON text).
std::string brain_with_names(const std::string& module_json, const std::string& output_json) {
    return spark::test::brain_json(
        {{"drive", spark::test::port_specs_json("float_array", {3}, "float32")}},
        {{output_json,
          spark::test::output_json(module_json,
                                   "potential",
                                   spark::test::port_specs_json("float_array", {3}, "float32"))}},
        {{module_json, "leaky_soma", {{"current", {{"__call__", "drive"}}}}, "{}"}});
}

/// `spark run BRAIN --steps 5 --input drive=1 --record R... --out OUT`.
spark::test::process_result run_recording(const std::string& brain,
                                          const fs::path& out,
                                          const std::vector<std::string>& records) {
    std::vector<std::string> arguments{"run", brain, "--steps", "5", "--input", "drive=1"};
    for (const auto& r : records) {
        arguments.push_back("--record");
        arguments.push_back(r);
    }
    arguments.push_back("--out");
    arguments.push_back(out.string());
    return spark_cli(arguments);
}

/// Every regular file below `root`, relative to it, sorted.
std::vector<std::string> files_below(const fs::path& root) {
    std::vector<std::string> files;
    for (const auto& entry : fs::recursive_directory_iterator(root)) {
        if (entry.is_regular_file()) {
            files.push_back(fs::relative(entry.path(), root).string());
        }
    }
    std::sort(files.begin(), files.end());
    return files;
}

struct hostile_names {
    std::string module;      // the name as given on the command line
    std::string module_json; // the same name as JSON text in the brain file
    std::string output;
    std::string output_json;
    std::string module_file; // the module's potential recording, inside --out
    std::string output_file; // the output's recording, inside --out
};

} // namespace

BOOST_AUTO_TEST_SUITE(run_file_names)

BOOST_AUTO_TEST_CASE(hostile_names_are_recorded_inside_the_output_folder) {
    const spark::test::scratch_dir dir;
    // An absolute name aims at a folder beside the work folder; nothing may appear there.
    const fs::path target = dir / "target";
    fs::create_directories(target);
    const std::string absolute = (target / "x").string();
    std::string absolute_file = "_" + absolute.substr(1);
    std::replace(absolute_file.begin(), absolute_file.end(), '/', '_');
    const std::vector<hostile_names> cases{
        {"../../../m",
         "../../../m",
         "../../o",
         "../../o",
         "_.._.._.._m.potential.npy",
         "_.._.._o.npy"},
        {"..", "..", "../", "../", "_...potential.npy", "_.._.npy"},
        {absolute,
         absolute,
         absolute + "o",
         absolute + "o",
         absolute_file + ".potential.npy",
         absolute_file + "o.npy"},
        {"a\x1b[2Jb",
         "a\\u001b[2Jb",
         "line\nbreak",
         "line\\nbreak",
         "a__2Jb.potential.npy",
         "line_break.npy"},
        {".hidden", ".hidden", "run", "run", "_.hidden.potential.npy", "run.npy"},
    };
    for (std::size_t i = 0; i < cases.size(); ++i) {
        const auto& c = cases[i];
        BOOST_TEST_CONTEXT("case " << i << ": module '" << c.module_json << "', output '"
                                   << c.output_json << "'") {
            const fs::path work = dir / ("case" + std::to_string(i));
            const fs::path out = work / "a" / "b" / "out";
            const auto brain =
                spark::test::write_file(dir / ("brain" + std::to_string(i) + ".scfg"),
                                        brain_with_names(c.module_json, c.output_json));
            const auto result = run_recording(brain, out, {c.module + ".potential", c.output});
            BOOST_TEST_INFO(result.err);
            BOOST_TEST_REQUIRE(result.exit_code == 0);
            std::vector<std::string> expected{
                "a/b/out/" + c.module_file, "a/b/out/" + c.output_file, "a/b/out/run.json"};
            std::sort(expected.begin(), expected.end());
            BOOST_TEST(files_below(work) == expected, boost::test_tools::per_element());
            BOOST_TEST(files_below(target).empty());
            // The recording holds the data (5 steps of 3 float32), under its sanitised name.
            BOOST_TEST(spark::test::read_npy_file(out / c.output_file).data.size() == 60U);
            // run.json names the original label and the file it went to.
            const std::string run_json = spark::test::read_text(out / "run.json");
            BOOST_TEST(run_json.find("\"file\": \"" + c.output_file + "\"") != std::string::npos);
            // The terminal never gets a raw control character from a name.
            BOOST_TEST(result.out.find('\x1b') == std::string::npos);
        }
    }
}

BOOST_AUTO_TEST_CASE(names_are_escaped_in_the_summary) {
    const spark::test::scratch_dir dir;
    const auto brain = spark::test::write_file(
        dir / "brain.scfg", brain_with_names("soma\\u001b[31m", "out\\u0007put\\\\"));
    const auto result = spark_cli({"run", brain, "--steps", "5", "--input", "drive=1"});
    BOOST_TEST_INFO(result.err);
    BOOST_TEST_REQUIRE(result.exit_code == 0);
    BOOST_TEST(result.out.find("soma\\x1b[31m") != std::string::npos);
    BOOST_TEST(result.out.find("out\\x07put\\\\") != std::string::npos);
    BOOST_TEST(result.out.find('\x1b') == std::string::npos);
    BOOST_TEST(result.out.find('\x07') == std::string::npos);
}

BOOST_AUTO_TEST_CASE(hostile_names_in_a_failing_run_stay_escaped_and_inside_the_output_folder) {
    // Modules named with a NUL, an escape sequence and "../../", an output named by an absolute
    // path; the first module fails at step 3, so its name reaches the error and run.json.
    const spark::test::scratch_dir dir;
    const fs::path target = dir / "target";
    fs::create_directories(target);
    const std::string absolute = (target / "x").string();
    std::string absolute_file = "_" + absolute.substr(1) + ".npy";
    std::replace(absolute_file.begin(), absolute_file.end(), '/', '_');
    const auto spec = spark::test::port_specs_json("float_array", {2}, "float32");
    const auto brain = spark::test::write_file(
        dir / "hostile.scfg",
        spark::test::brain_json(
            {{"x", spec}},
            {{absolute, spark::test::output_json("../../m\\u001b[31m", "out", spec)}},
            {{"nul\\u0000m", "throws_in_step", {{"in", {{"__call__", "x"}}}}, "{}"},
             {"../../m\\u001b[31m", "throws_in_step", {{"in", {{"__call__", "x"}}}}, "{}"}}));
    const fs::path work = dir / "work";
    const fs::path out = work / "out";
    const auto result = spark_cli({"run",
                                   brain,
                                   "--steps",
                                   "10",
                                   "--executor",
                                   "sequential",
                                   "--input",
                                   "x=1",
                                   "--record",
                                   "../../m\x1b[31m.out",
                                   "--record",
                                   absolute,
                                   "--out",
                                   out.string()});
    BOOST_TEST(result.exit_code == 1);
    // The error names the module escaped: no raw NUL or ESC reaches the terminal.
    BOOST_TEST(result.err.find("module 'nul\\x00m' (test.throws_in_step) failed at step 3") !=
                   std::string::npos,
               result.err);
    BOOST_TEST(result.err.find('\0') == std::string::npos);
    BOOST_TEST(result.err.find('\x1b') == std::string::npos);
    BOOST_TEST(result.out.find('\x1b') == std::string::npos);
    // Only sanitised files, all inside --out; nothing beside the work folder.
    std::vector<std::string> expected{
        "out/" + absolute_file, "out/_.._.._m__31m.out.npy", "out/run.json"};
    std::sort(expected.begin(), expected.end());
    BOOST_TEST(files_below(work) == expected, boost::test_tools::per_element());
    BOOST_TEST(files_below(target).empty());
    // run.json stays valid JSON and keeps the names as they are.
    const auto run = boost::json::parse(spark::test::read_text(out / "run.json")).as_object();
    BOOST_TEST(run.at("stop_reason").as_string() ==
               "step error in module 'nul\0m' (type test.throws_in_step)"s);
    BOOST_TEST(run.at("modules").at(0).at("name").as_string() == "nul\0m"s);
    BOOST_TEST(run.at("records").at(0).at("name").as_string() == "../../m\x1b[31m.out");
    BOOST_TEST(run.at("completed_steps").to_number<std::uint64_t>() == 3U);
}

BOOST_AUTO_TEST_CASE(two_names_that_sanitise_alike_are_refused_before_writing) {
    const spark::test::scratch_dir dir;
    // Outputs "x/y" and "x_y" would both be written to x_y.npy.
    const auto brain = spark::test::write_file(
        dir / "brain.scfg",
        spark::test::brain_json(
            {{"drive", spark::test::port_specs_json("float_array", {3}, "float32")}},
            {{"x/y",
              spark::test::output_json(
                  "soma",
                  "potential",
                  spark::test::port_specs_json("float_array", {3}, "float32"))},
             {"x_y",
              spark::test::output_json(
                  "soma",
                  "potential",
                  spark::test::port_specs_json("float_array", {3}, "float32"))}},
            {{"soma", "leaky_soma", {{"current", {{"__call__", "drive"}}}}, "{}"}}));
    const fs::path out = dir / "out";
    const auto result = run_recording(brain, out, {"x/y", "x_y"});
    BOOST_TEST(result.exit_code == 1);
    BOOST_TEST(result.err.find("'x_y' and 'x/y' would both be written to " +
                               (out / "x_y.npy").string()) != std::string::npos,
               result.err);
    BOOST_TEST(result.err.find("rename one of them in the brain file") != std::string::npos);
    BOOST_TEST(!fs::exists(out));
}

BOOST_AUTO_TEST_SUITE_END()
