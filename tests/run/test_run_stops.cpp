// SPDX-License-Identifier: Apache-2.0
// However `spark run` stops, nothing recorded is lost: after SIGINT, SIGTERM or SIGHUP, a step
// error, a write error or a step that hangs, every .npy header says the rows the file holds, numpy
// reads it, run.json says why and at which step the run stopped, and the exit status says it too.
#include <chrono>
#include <csignal>
#include <cstring>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

#include "cli_child.hpp"
#include "run_fixture.hpp"

namespace fs = std::filesystem;
namespace json = boost::json;
using spark::test::cli_child;
using spark::test::spark_cli;

namespace {

constexpr std::size_t header_bytes = 128;       // magic to '\n' for these files' short headers
constexpr std::uint64_t soma_row_bytes = 3 * 4; // potential: 3 float32

json::object run_json(const fs::path& out) {
    return json::parse(spark::test::read_text(out / "run.json")).as_object();
}

std::string npy_header(std::uint64_t rows, std::uint64_t columns, const std::string& descr) {
    return "{'descr': '" + descr + "', 'fortran_order': False, 'shape': (" + std::to_string(rows) +
           ", " + std::to_string(columns) + "), }";
}

/// numpy's own reading of `file`: "(rows, columns) dtype", from Debian's python3 with numpy
/// (python3-numpy, installed by .ci/install-deps). Fails the test, loudly, when it is missing.
std::string numpy_reads(const fs::path& file) {
    const auto result = spark::test::run_process(
        "/usr/bin/python3",
        {"-c",
         "import sys, numpy; a = numpy.load(sys.argv[1]); print(a.shape, a.dtype)",
         file.string()});
    BOOST_TEST_REQUIRE(result.exit_code == 0,
                       "numpy could not read "
                           << file.string() << " (is python3-numpy "
                           << "installed? .ci/install-deps installs it): " << result.err);
    return result.out;
}

/// The brain with the hanging module: input x (2 float32) -> `stuck` (hangs_in_step at
/// `at_step`) -> output `y`.
std::string hanging_brain(int at_step) {
    const auto spec = spark::test::port_specs_json("float_array", {2}, "float32");
    return spark::test::brain_json({{"x", spec}},
                                   {{"y", spark::test::output_json("stuck", "out", spec)}},
                                   {{"stuck",
                                     "hangs_in_step",
                                     {{"in", {{"__call__", "x"}}}},
                                     "{\"at_step\": " + std::to_string(at_step) + "}"}});
}

/// Checks the soma brain's potential recording after a run that stopped: `rows` rows, the file
/// exactly header + rows x 12 bytes, numpy reads it.
void check_potential_file(const fs::path& file, std::uint64_t rows) {
    const auto npy = spark::test::read_npy_file(file);
    BOOST_TEST(npy.header == npy_header(rows, 3, "<f4"));
    BOOST_TEST(fs::file_size(file) == header_bytes + rows * soma_row_bytes);
    BOOST_TEST(numpy_reads(file) == "(" + std::to_string(rows) + ", 3) float32\n");
}

} // namespace

BOOST_AUTO_TEST_SUITE(run_stops)

BOOST_AUTO_TEST_CASE(a_stop_signal_ends_the_run_after_the_step_in_progress_with_valid_files) {
    for (const int signal : {SIGINT, SIGTERM, SIGHUP}) {
        BOOST_TEST_CONTEXT("signal " << signal) {
            const spark::test::scratch_dir dir;
            const auto brain =
                spark::test::write_file(dir / "soma.scfg", spark::test::soma_brain());
            const fs::path out = dir / "out";
            // A run far longer than the test: only the signal ends it.
            cli_child child({"run",
                             brain,
                             "--steps",
                             "1000000000",
                             "--executor",
                             "sequential",
                             "--input",
                             "drive=1",
                             "--record",
                             "potential",
                             "--out",
                             out.string()});
            BOOST_TEST_REQUIRE(spark::test::wait_for_file_size(out / "potential.npy",
                                                               header_bytes + 100 * soma_row_bytes,
                                                               std::chrono::seconds(60)));
            child.send(signal);
            const auto status = child.wait(std::chrono::seconds(60));
            BOOST_TEST_INFO(child.err());
            BOOST_TEST_REQUIRE(status.has_value());
            BOOST_TEST(*status == 128 + signal);
            const auto run = run_json(out);
            const std::string name = signal == SIGINT    ? "SIGINT"
                                     : signal == SIGTERM ? "SIGTERM"
                                                         : "SIGHUP";
            BOOST_TEST(run.at("stop_reason").as_string() == "interrupted by " + name);
            const auto done = run.at("completed_steps").to_number<std::uint64_t>();
            BOOST_TEST(run.at("stop_step").to_number<std::uint64_t>() == done);
            BOOST_TEST(done >= 100U);
            BOOST_TEST(run.at("records").at(0).at("shape").as_array() == json::array({done, 3}));
            check_potential_file(out / "potential.npy", done);
            BOOST_TEST(child.err().find("spark: interrupted by " + name + " after " +
                                        std::to_string(done) + " steps") != std::string::npos);
        }
    }
}

BOOST_AUTO_TEST_CASE(more_signals_while_the_files_are_finalised_change_nothing) {
    const spark::test::scratch_dir dir;
    const auto brain = spark::test::write_file(dir / "soma.scfg", spark::test::soma_brain());
    const fs::path out = dir / "out";
    cli_child child({"run",
                     brain,
                     "--steps",
                     "1000000000",
                     "--input",
                     "drive=1",
                     "--record",
                     "potential",
                     "--record",
                     "soma.spikes",
                     "--out",
                     out.string()});
    BOOST_TEST_REQUIRE(spark::test::wait_for_file_size(
        out / "potential.npy", header_bytes + 100 * soma_row_bytes, std::chrono::seconds(60)));
    // Ctrl-C, and Ctrl-C again and again while the run stops and finalises its files.
    child.send(SIGINT);
    for (int i = 0; i < 50; ++i) {
        std::this_thread::sleep_for(std::chrono::microseconds(200));
        child.send(SIGINT);
    }
    const auto status = child.wait(std::chrono::seconds(60));
    BOOST_TEST_INFO(child.err());
    BOOST_TEST_REQUIRE(status.has_value());
    BOOST_TEST(*status == 128 + SIGINT);
    const auto run = run_json(out);
    BOOST_TEST(run.at("stop_reason").as_string() == "interrupted by SIGINT");
    const auto done = run.at("completed_steps").to_number<std::uint64_t>();
    check_potential_file(out / "potential.npy", done);
    const auto spikes = spark::test::read_npy_file(out / "soma.spikes.npy");
    BOOST_TEST(spikes.header == npy_header(done, 3, "|u1"));
    BOOST_TEST(spikes.data.size() == done * 3);
}

BOOST_AUTO_TEST_CASE(a_step_error_is_the_stop_reason_in_run_json) {
    const spark::test::scratch_dir dir;
    const auto brain = spark::test::write_file(
        dir / "fails.scfg",
        spark::test::brain_json(
            {{"x", spark::test::port_specs_json("float_array", {2}, "float32")}},
            {},
            {{"boom", "throws_in_step", {{"in", {{"__call__", "x"}}}}, "{}"}}));
    const auto out = dir / "out";
    const auto result = spark_cli({"run",
                                   brain,
                                   "--steps",
                                   "10",
                                   "--input",
                                   "x=1",
                                   "--record",
                                   "boom.out",
                                   "--out",
                                   out.string()});
    BOOST_TEST(result.exit_code == 1);
    const auto run = run_json(out);
    BOOST_TEST(run.at("stop_reason").as_string() ==
               "step error in module 'boom' (type test.throws_in_step)");
    BOOST_TEST(run.at("stop_step").to_number<std::uint64_t>() == 3U); // throws_in_step: step 3
    BOOST_TEST(run.at("completed_steps").to_number<std::uint64_t>() == 3U);
    BOOST_TEST(std::string(run.at("stop_message").as_string()).find("step 3 exploded") !=
               std::string::npos);
    BOOST_TEST(numpy_reads(out / "boom.out.npy") == "(3, 2) float32\n");
}

BOOST_AUTO_TEST_CASE(a_completed_run_says_so_in_run_json) {
    const spark::test::scratch_dir dir;
    const auto brain = spark::test::write_file(dir / "soma.scfg", spark::test::soma_brain());
    const auto out = dir / "out";
    const auto result = spark_cli({"run",
                                   brain,
                                   "--steps",
                                   "7",
                                   "--input",
                                   "drive=1",
                                   "--record",
                                   "potential",
                                   "--out",
                                   out.string(),
                                   "--step-timeout",
                                   "30"});
    BOOST_TEST_INFO(result.err);
    BOOST_TEST_REQUIRE(result.exit_code == 0);
    const auto run = run_json(out);
    BOOST_TEST(run.at("stop_reason").as_string() == "completed");
    BOOST_TEST(run.at("stop_step").to_number<std::uint64_t>() == 7U);
    BOOST_TEST(!run.contains("stop_message"));
    check_potential_file(out / "potential.npy", 7);
}

BOOST_AUTO_TEST_CASE(a_write_error_stops_the_run_at_that_step) {
    const spark::test::scratch_dir dir;
    const auto brain = spark::test::write_file(dir / "soma.scfg", spark::test::soma_brain());
    const auto out = dir / "out";
    const auto file = out / "potential.npy";
    // 128 header bytes + 656 rows of 12 bytes = 8000: row 656 gets 1 byte in, then EFBIG.
    // Rows go out in blocks of 64 KiB: the first block (5462 rows of 12 bytes, 65544 bytes, at
    // step 5461) meets the limit, long before the run's 100000 steps.
    spark::test::child_options options;
    options.file_size_limit = 8001;
    cli_child child({"run",
                     brain,
                     "--steps",
                     "100000",
                     "--input",
                     "drive=1",
                     "--record",
                     "potential",
                     "--out",
                     out.string()},
                    options);
    const auto status = child.wait(std::chrono::seconds(60));
    BOOST_TEST_INFO(child.err());
    BOOST_TEST_REQUIRE(status.has_value());
    BOOST_TEST(*status == 1);
    BOOST_TEST(child.err().find("spark: cannot write " + file.string() + ": File too large") !=
               std::string::npos);
    BOOST_TEST(child.out().find("recorded") == std::string::npos); // no summary, no claim
    const auto run = run_json(out);
    BOOST_TEST(run.at("stop_reason").as_string() ==
               "write error on " + file.string() + ": File too large");
    BOOST_TEST(run.at("completed_steps").to_number<std::uint64_t>() == 5461U);
    BOOST_TEST(run.at("records").at(0).at("shape").as_array() == json::array({656, 3}));
    check_potential_file(file, 656); // the rows wholly written; the partial row is cut
}

BOOST_AUTO_TEST_CASE(run_json_that_cannot_be_written_is_an_error_and_not_claimed) {
    const spark::test::scratch_dir dir;
    const auto brain = spark::test::write_file(dir / "soma.scfg", spark::test::soma_brain());
    const auto out = dir / "out";
    // A folder where run.json goes: the rename over it fails.
    fs::create_directories(out / "run.json" / "occupied");
    const auto result = spark_cli({"run",
                                   brain,
                                   "--steps",
                                   "5",
                                   "--input",
                                   "drive=1",
                                   "--record",
                                   "potential",
                                   "--out",
                                   out.string()});
    BOOST_TEST(result.exit_code == 1);
    BOOST_TEST(result.err.find((out / "run.json").string()) != std::string::npos, result.err);
    BOOST_TEST(result.out.find("recorded") == std::string::npos, result.out);
    BOOST_TEST(fs::is_directory(out / "run.json" / "occupied"));
    // No temporary file is left beside it.
    std::vector<std::string> names;
    for (const auto& entry : fs::directory_iterator(out)) {
        names.push_back(entry.path().filename().string());
    }
    std::sort(names.begin(), names.end());
    BOOST_TEST(names == (std::vector<std::string>{"potential.npy", "run.json"}),
               boost::test_tools::per_element());
    check_potential_file(out / "potential.npy", 5);
}

BOOST_AUTO_TEST_CASE(a_step_that_hangs_is_named_and_the_files_are_finalised) {
    for (const std::string executor : {"sequential", "flow_graph"}) {
        BOOST_TEST_CONTEXT("executor " << executor) {
            const spark::test::scratch_dir dir;
            const auto brain = spark::test::write_file(dir / "hang.scfg", hanging_brain(5));
            const auto out = dir / "out";
            const auto started = std::chrono::steady_clock::now();
            cli_child child({"run",
                             brain,
                             "--steps",
                             "100",
                             "--executor",
                             executor,
                             "--input",
                             "x=2",
                             "--record",
                             "stuck.out",
                             "--record",
                             "y",
                             "--out",
                             out.string(),
                             "--step-timeout",
                             "0.5"});
            const auto status = child.wait(std::chrono::seconds(60));
            const double seconds =
                std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
            BOOST_TEST_INFO(child.err());
            BOOST_TEST_REQUIRE(status.has_value());
            BOOST_TEST(*status == 1);
            BOOST_TEST(seconds < 20.0);
            BOOST_TEST(child.err().find("spark: module 'stuck' (type test.hangs_in_step) did not "
                                        "finish step 5 within 0.5 s (--step-timeout)") !=
                       std::string::npos);
            const auto run = run_json(out);
            BOOST_TEST(run.at("stop_reason").as_string() ==
                       "step timeout in module 'stuck' (type test.hangs_in_step)");
            BOOST_TEST(run.at("completed_steps").to_number<std::uint64_t>() == 5U);
            BOOST_TEST(run.at("stop_step").to_number<std::uint64_t>() == 5U);
            for (const auto* name : {"stuck.out.npy", "y.npy"}) {
                const auto npy = spark::test::read_npy_file(out / name);
                BOOST_TEST(npy.header == npy_header(5, 2, "<f4"));
                BOOST_TEST(npy.data.size() == 5U * 2U * 4U);
                // The input, copied through: 2.0f in every element.
                for (std::size_t i = 0; i < npy.data.size(); i += 4) {
                    float value = 0;
                    std::memcpy(&value, npy.data.data() + i, 4);
                    BOOST_TEST(value == 2.0f);
                }
            }
            BOOST_TEST(numpy_reads(out / "y.npy") == "(5, 2) float32\n");
        }
    }
}

BOOST_AUTO_TEST_CASE(step_timeout_must_be_a_positive_number_of_seconds) {
    const spark::test::scratch_dir dir;
    const auto brain = spark::test::write_file(dir / "soma.scfg", spark::test::soma_brain());
    for (const std::string value : {"0", "-1", "nan"}) {
        const auto result = spark_cli({"run", brain, "--steps", "1", "--step-timeout", value});
        BOOST_TEST(result.exit_code == 2, value);
        BOOST_TEST(result.err.find("--step-timeout must be a number of seconds in (0, 1e6]") !=
                       std::string::npos,
                   result.err);
    }
    const auto misplaced = spark_cli({"validate", brain, "--step-timeout", "1"});
    BOOST_TEST(misplaced.exit_code == 2);
}

BOOST_AUTO_TEST_SUITE_END()
