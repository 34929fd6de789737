// SPDX-License-Identifier: Apache-2.0
// `spark run`'s summary: spike counts and rates per module, outputs, speed; exit codes for
// usage errors and for a module that fails in a step.
#include <cmath>
#include <string>
#include <vector>

#include <boost/test/unit_test.hpp>

#include "run_fixture.hpp"

using spark::test::has_line;
using spark::test::line_starting;
using spark::test::spark_cli;

namespace {

/// Upstream's LeakySoma (docs/models.md section 4.1) with the default config, in double: the steps
/// at which a neuron driven by a constant current `current` [pA] fires.
std::vector<int> leaky_spike_steps(double current, int steps) {
    const double alpha = std::exp(-1.0 / 20.0);
    double v = 0; // relative to rest: threshold at 20 mV, reset to 10 mV
    std::vector<int> fired;
    for (int t = 0; t < steps; ++t) {
        v = alpha * v + (1 - alpha) * 0.1 * current;
        if (v > 20) {
            fired.push_back(t);
            v = 10;
        }
    }
    return fired;
}

double leaky_potential(double current, int steps) {
    const double alpha = std::exp(-1.0 / 20.0);
    double v = 0;
    for (int t = 0; t < steps; ++t) {
        v = alpha * v + (1 - alpha) * 0.1 * current;
        if (v > 20) {
            v = 10;
        }
    }
    return v;
}

/// The numbers of a vector cell "[a, b, c]".
std::vector<double> numbers_in(const std::string& text) {
    std::vector<double> values;
    const auto open = text.find('[');
    std::string inner = text.substr(open + 1, text.find(']', open) - open - 1);
    std::size_t at = 0;
    while (at < inner.size()) {
        std::size_t used = 0;
        values.push_back(std::stod(inner.substr(at), &used));
        at += used;
        while (at < inner.size() && (inner[at] == ',' || inner[at] == ' ')) {
            ++at;
        }
    }
    return values;
}

} // namespace

BOOST_AUTO_TEST_SUITE(run_summary)

BOOST_AUTO_TEST_CASE(counts_spikes_and_rates_of_a_constant_drive) {
    const spark::test::scratch_dir dir;
    const auto brain = spark::test::write_file(dir / "soma.scfg", spark::test::soma_brain());
    const auto result = spark_cli({"run", brain, "--steps", "100", "--input", "drive=1000"});
    BOOST_TEST_INFO(result.err);
    BOOST_TEST(result.exit_code == 0);
    // Hand-derived: the first spike after 5 steps, then one every 3 steps: steps 4, 7, ..., 97.
    const auto fired = leaky_spike_steps(1000, 100);
    BOOST_TEST(fired.size() == 32U);
    BOOST_TEST(fired.front() == 4);
    // 3 neurons x 32 spikes in 100 steps of 1 ms: 96 / (3 x 0.1 s) = 320 Hz.
    BOOST_TEST(has_line(result.out, "soma spark.leaky_soma 3 96 320.00"), result.out);
    BOOST_TEST(result.out.find("ran 100 steps of 1 ms (100 ms simulated) in ") == 0U);
    BOOST_TEST(line_starting(result.out, "speed: ").find(" steps/s, ") != std::string::npos);
    BOOST_TEST(has_line(result.out, "MODULE TYPE UNITS SPIKES RATE [Hz]"));
    // The brain output is soma.potential: after the last step, 2 steps after a reset.
    const std::string row = line_starting(result.out, "potential ");
    const auto final_value = numbers_in(row);
    BOOST_TEST_REQUIRE(final_value.size() == 3U);
    for (const double v : final_value) {
        BOOST_TEST(v == leaky_potential(1000, 100), boost::test_tools::tolerance(1e-4));
    }
    // No --record and no --out: nothing written.
    BOOST_TEST(result.out.find("recorded") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(inputs_not_given_stay_zero_with_a_note) {
    const spark::test::scratch_dir dir;
    const auto brain = spark::test::write_file(dir / "soma.scfg", spark::test::soma_brain());
    const auto result = spark_cli({"run", brain, "--steps", "10"});
    BOOST_TEST(result.exit_code == 0);
    BOOST_TEST(result.err ==
               "spark: note: input 'drive' is not given (--input drive=VALUE|FILE); it stays 0\n");
    BOOST_TEST(has_line(result.out, "soma spark.leaky_soma 3 0 0.00"));
    BOOST_TEST(has_line(result.out, "potential [0, 0, 0] [0, 0, 0]"));
}

BOOST_AUTO_TEST_CASE(executors_and_thread_counts_give_the_same_numbers) {
    const spark::test::scratch_dir dir;
    const auto brain = spark::test::write_file(dir / "soma.scfg", spark::test::soma_brain());
    const auto sequential = spark_cli(
        {"run", brain, "--steps", "50", "--input", "drive=700", "--executor", "sequential"});
    const auto graph = spark_cli({"run",
                                  brain,
                                  "--steps",
                                  "50",
                                  "--input",
                                  "drive=700",
                                  "--executor",
                                  "flow_graph",
                                  "--threads",
                                  "2"});
    BOOST_TEST(sequential.exit_code == 0);
    BOOST_TEST(graph.exit_code == 0);
    BOOST_TEST(line_starting(sequential.out, "soma ") == line_starting(graph.out, "soma "));
    BOOST_TEST(line_starting(sequential.out, "potential ") ==
               line_starting(graph.out, "potential "));
    BOOST_TEST(sequential.out.find("sequential executor, 1 thread)") != std::string::npos);
    BOOST_TEST(graph.out.find("flow_graph executor, 2 threads)") != std::string::npos);
    // The default measures three ways (at least 2,048 timed steps in all for steps this short, in
    // blocks with warm-up steps), then keeps one; the numbers stay the same.
    const auto automatic = spark_cli({"run", brain, "--steps", "5000", "--input", "drive=700"});
    const auto sequential_long = spark_cli(
        {"run", brain, "--steps", "5000", "--input", "drive=700", "--executor", "sequential"});
    BOOST_TEST(automatic.exit_code == 0);
    BOOST_TEST(line_starting(automatic.out, "soma ") ==
               line_starting(sequential_long.out, "soma "));
    BOOST_TEST(line_starting(automatic.out, "potential ") ==
               line_starting(sequential_long.out, "potential "));
    BOOST_TEST(
        (automatic.out.find("auto executor, chose one thread, all cores)") != std::string::npos ||
         automatic.out.find("auto executor, chose in order, all cores)") != std::string::npos ||
         automatic.out.find("auto executor, chose flow_graph, all cores)") != std::string::npos),
        automatic.out);
}

BOOST_AUTO_TEST_CASE(forced_progress_bar_goes_to_stderr) {
    const spark::test::scratch_dir dir;
    const auto brain = spark::test::write_file(dir / "soma.scfg", spark::test::soma_brain());
    const auto result =
        spark_cli({"run", brain, "--steps", "20", "--input", "drive=1", "--progress"});
    BOOST_TEST(result.exit_code == 0);
    BOOST_TEST(result.err.find("100%  20/20 steps") != std::string::npos, result.err);
    BOOST_TEST(result.out.find('\r') == std::string::npos);
    // Not a terminal and not forced: no bar.
    const auto quiet = spark_cli({"run", brain, "--steps", "20", "--input", "drive=1"});
    BOOST_TEST(quiet.err.empty());
}

BOOST_AUTO_TEST_CASE(a_module_failing_in_a_step_stops_the_run_with_exit_1) {
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
    BOOST_TEST(result.err.find("boom") != std::string::npos, result.err);
    BOOST_TEST(result.err.find("step 3 exploded: simulated failure") != std::string::npos);
    BOOST_TEST(result.err.find("hold the 3 steps before the failure") != std::string::npos);
    // The recording is still a valid file of the 3 completed steps.
    const auto npy = spark::test::read_npy_file(out / "boom.out.npy");
    BOOST_TEST(npy.header == "{'descr': '<f4', 'fortran_order': False, 'shape': (3, 2), }");
    BOOST_TEST(npy.data.size() == 3U * 2U * 4U);
}

BOOST_AUTO_TEST_CASE(usage_errors_exit_with_2) {
    const spark::test::scratch_dir dir;
    const auto brain = spark::test::write_file(dir / "soma.scfg", spark::test::soma_brain());
    const auto no_steps = spark_cli({"run", brain});
    BOOST_TEST(no_steps.exit_code == 2);
    BOOST_TEST(no_steps.err == "spark: 'run' needs --steps N; see 'spark --help'\n");
    const auto zero = spark_cli({"run", brain, "--steps", "0"});
    BOOST_TEST(zero.exit_code == 2);
    BOOST_TEST(zero.err == "spark: --steps must be at least 1, got 0; see 'spark --help'\n");
    const auto executor = spark_cli({"run", brain, "--steps", "1", "--executor", "magic"});
    BOOST_TEST(executor.exit_code == 2);
    BOOST_TEST(executor.err ==
               "spark: --executor must be auto, flow_graph or sequential, got 'magic'; see 'spark "
               "--help'\n");
    const auto threads =
        spark_cli({"run", brain, "--steps", "1", "--executor", "sequential", "--threads", "2"});
    BOOST_TEST(threads.exit_code == 2);
    BOOST_TEST(threads.err == "spark: --threads is for the auto and flow_graph executors; the "
                              "sequential one runs on the calling thread; see 'spark --help'\n");
    const auto words = spark_cli({"run", brain, "--steps", "ten"});
    BOOST_TEST(words.exit_code == 2);
    BOOST_TEST(words.err == "spark: --steps must be a whole number >= 1 (the steps to run), got "
                            "'ten'; see 'spark --help'\n");
    // plugins check takes --steps too (with --write-reference), no other plugins command does.
    const auto misplaced = spark_cli({"plugins", "list", "--steps", "3"});
    BOOST_TEST(misplaced.exit_code == 2);
    BOOST_TEST(misplaced.err == "spark: --steps is an option of 'plugins check', not of 'plugins "
                                "list'; see 'spark --help'\n");
    const auto elsewhere = spark_cli({"validate", brain, "--steps", "3"});
    BOOST_TEST(elsewhere.exit_code == 2);
    BOOST_TEST(elsewhere.err ==
               "spark: --steps is an option of 'plugins' or 'run', not of 'validate'; see 'spark "
               "--help'\n");
    const auto two_files = spark_cli({"run", brain, brain, "--steps", "1"});
    BOOST_TEST(two_files.exit_code == 2);
    BOOST_TEST(
        two_files.err ==
        "spark: 'run' takes exactly one argument, a brain file, got 2; see 'spark --help'\n");
    const auto seed = spark_cli({"run", brain, "--steps", "1", "--seed", "x1"});
    BOOST_TEST(seed.exit_code == 2);
    BOOST_TEST(seed.err ==
               "spark: --seed must be an integer in [0, 2^64), got 'x1'; see 'spark --help'\n");
    const auto record = spark_cli({"run", brain, "--steps", "1", "--record", "soma.voltage"});
    BOOST_TEST(record.exit_code == 2);
    BOOST_TEST(record.err == "spark: --record soma.voltage: module 'soma' has no output port or "
                             "property 'voltage'; its outputs are 'spikes' or 'potential'; its "
                             "properties are 'potential'\n");
    const auto unknown = spark_cli({"run", brain, "--steps", "1", "--record", "sma"});
    BOOST_TEST(unknown.exit_code == 2);
    BOOST_TEST(unknown.err.find("spark: --record sma: the brain has no module 'sma' and no "
                                "output 'sma'; did you mean 'soma'?") == 0U,
               unknown.err);
}

BOOST_AUTO_TEST_SUITE_END()
