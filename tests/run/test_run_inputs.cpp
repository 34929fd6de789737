// SPDX-License-Identifier: Apache-2.0
// `spark run --input NAME=VALUE|FILE`: time series from CSV and .npy files (the last row holds
// when the run is longer), and the exact message for each kind of bad input.
#include <cmath>
#include <string>

#include <boost/test/unit_test.hpp>

#include "run_fixture.hpp"

#include <sys/stat.h>

using spark::test::has_line;
using spark::test::spark_cli;

namespace {

struct accumulator_setup {
    spark::test::scratch_dir dir;
    std::string brain = spark::test::write_file(dir / "acc.scfg", spark::test::accumulator_brain());

    spark::test::process_result run(const std::string& input, const std::string& steps = "5") {
        return spark_cli({"run", brain, "--steps", steps, "--input", input});
    }
};

} // namespace

BOOST_FIXTURE_TEST_SUITE(run_inputs, accumulator_setup)

BOOST_AUTO_TEST_CASE(csv_rows_feed_steps_and_the_last_row_holds) {
    const auto csv = spark::test::write_file(dir / "x.csv", "# x0, x1\n1,2\n3, 4\n\n5 ,6\n");
    const auto result = run("x=" + csv);
    BOOST_TEST_INFO(result.err);
    BOOST_TEST_REQUIRE(result.exit_code == 0);
    // Running totals: (1,2) (4,6) (9,12) (14,18) (19,24); means over 5 steps (9.4, 12.4).
    BOOST_TEST(has_line(result.out, "total [19, 24] [9.4, 12.4]"), result.out);
    BOOST_TEST(result.err == "spark: note: input 'x': " + csv +
                                 " has 3 rows for 5 steps; the last row holds from step 3 on\n");
}

BOOST_AUTO_TEST_CASE(npy_rows_feed_steps_like_csv) {
    const auto npy = (dir / "x.npy").string();
    spark::test::write_npy_f64(npy, 3, 2, {1, 2, 3, 4, 5, 6});
    const auto result = run("x=" + npy, "3");
    BOOST_TEST_INFO(result.err);
    BOOST_TEST_REQUIRE(result.exit_code == 0);
    BOOST_TEST(has_line(result.out, "total [9, 12] [4.66667, 6.66667]"), result.out);
    BOOST_TEST(result.err.empty());
}

BOOST_AUTO_TEST_CASE(a_constant_is_broadcast) {
    const auto result = run("x=0.5", "4");
    BOOST_TEST_REQUIRE(result.exit_code == 0);
    BOOST_TEST(has_line(result.out, "total [2, 2] [1.25, 1.25]"), result.out);
}

BOOST_AUTO_TEST_CASE(bad_csv_files_are_named_with_line_and_value) {
    const auto short_row = spark::test::write_file(dir / "short.csv", "1,2\n3\n");
    auto result = run("x=" + short_row);
    BOOST_TEST(result.exit_code == 1);
    BOOST_TEST(result.err == "spark: " + short_row +
                                 ":2: expected 2 values (one per element of input 'x'), got 1\n");

    const auto word = spark::test::write_file(dir / "word.csv", "1,2\n3,four\n");
    result = run("x=" + word);
    BOOST_TEST(result.exit_code == 1);
    BOOST_TEST(result.err == "spark: " + word + ":2: value 2 ('four') is not a number\n");

    const auto empty = spark::test::write_file(dir / "empty.csv", "# nothing\n\n");
    result = run("x=" + empty);
    BOOST_TEST(result.exit_code == 1);
    BOOST_TEST(result.err ==
               "spark: " + empty + ": no rows; expected one row per step with 2 values each\n");
}

BOOST_AUTO_TEST_CASE(bad_npy_files_are_named_with_the_problem) {
    const auto wrong = (dir / "wrong.npy").string();
    spark::test::write_npy_f64(wrong, 2, 3, {1, 2, 3, 4, 5, 6});
    auto result = run("x=" + wrong);
    BOOST_TEST(result.exit_code == 1);
    BOOST_TEST(result.err == "spark: " + wrong +
                                 ": shape (2, 3) does not fit input 'x': expected (steps, 2) "
                                 "with steps > 0\n");
    const auto text = spark::test::write_file(dir / "text.npy", "1,2\n");
    result = run("x=" + text);
    BOOST_TEST(result.exit_code == 1);
    BOOST_TEST(result.err ==
               "spark: " + text + ": not a .npy file (it does not start with \\x93NUMPY)\n");
}

BOOST_AUTO_TEST_CASE(bad_arguments_name_the_argument) {
    auto result = run("x=abc");
    BOOST_TEST(result.exit_code == 1);
    BOOST_TEST(result.err ==
               "spark: --input x=abc: 'abc' is neither a number nor an existing file\n");

    const auto dat = spark::test::write_file(dir / "x.dat", "1,2\n");
    result = run("x=" + dat);
    BOOST_TEST(result.exit_code == 1);
    BOOST_TEST(result.err ==
               "spark: --input x=" + dat + ": unknown file type '.dat'; use a .csv or .npy file\n");

    result = run("y=1");
    BOOST_TEST(result.exit_code == 2);
    BOOST_TEST(result.err ==
               "spark: --input y=1: the brain has no input 'y'; its inputs are 'x'\n");

    result = run("x");
    BOOST_TEST(result.exit_code == 2);
    BOOST_TEST(result.err ==
               "spark: --input x: expected NAME=VALUE or NAME=FILE; see 'spark --help'\n");
}

BOOST_AUTO_TEST_CASE(spike_inputs_take_only_0_or_1) {
    const auto echo_brain = spark::test::write_file(
        dir / "echo.scfg",
        spark::test::brain_json(
            {{"s", spark::test::port_specs_json("spike_array", {4}, "uint8")}},
            {},
            {{"echo", "echo_spikes", {{"in_spikes", {{"__call__", "s"}}}}, "{}"}}));
    auto result = spark_cli({"run", echo_brain, "--steps", "3", "--input", "s=2"});
    BOOST_TEST(result.exit_code == 1);
    BOOST_TEST(result.err == "spark: --input s=2: input 's' carries spikes: use 0 or 1, got 2\n");
    const auto csv = spark::test::write_file(dir / "s.csv", "0,1,0,1\n1,1,1,0.5\n");
    result = spark_cli({"run", echo_brain, "--steps", "3", "--input", "s=" + csv});
    BOOST_TEST(result.exit_code == 1);
    BOOST_TEST(result.err ==
               "spark: " + csv + ":2: value 4: input 's' carries spikes: use 0 or 1, got 0.5\n");
    result = spark_cli({"run", echo_brain, "--steps", "4", "--input", "s=1"});
    BOOST_TEST(result.exit_code == 0, result.err);
    // echo_spikes copies each input spike: 4 neurons x 4 steps, a spike every step = 1000 Hz.
    BOOST_TEST(has_line(result.out, "echo testcpp.echo_spikes 4 16 1000.00"), result.out);
}

BOOST_AUTO_TEST_CASE(non_finite_inputs_are_refused_naming_the_input_and_element) {
    auto result = run("x=nan");
    BOOST_TEST(result.exit_code == 1);
    BOOST_TEST(result.err ==
               "spark: --input x=nan: input 'x' takes finite numbers only, got nan\n");
    result = run("x=1,-inf");
    BOOST_TEST(result.exit_code == 1);
    BOOST_TEST(result.err ==
               "spark: --input x=1,-inf: value 2: input 'x' takes finite numbers only, got -inf\n");
    const auto csv = spark::test::write_file(dir / "x.csv", "1,2\n3,inf\n");
    result = run("x=" + csv);
    BOOST_TEST(result.exit_code == 1);
    BOOST_TEST(result.err ==
               "spark: " + csv + ":2: value 2: input 'x' takes finite numbers only, got inf\n");
    const auto npy = (dir / "x.npy").string();
    spark::test::write_npy_f64(npy, 2, 2, {1, 2, 3, std::nan("")});
    result = run("x=" + npy);
    BOOST_TEST(result.exit_code == 1);
    BOOST_TEST(result.err == "spark: " + npy +
                                 ": row 1, element 1: input 'x' takes finite numbers only, got "
                                 "nan\n");
}

BOOST_AUTO_TEST_CASE(special_files_are_refused_as_inputs_and_brains_without_blocking) {
    const auto fifo = (dir / "x.csv").string();
    BOOST_TEST_REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
    auto result = run("x=" + fifo);
    BOOST_TEST(result.exit_code == 1);
    BOOST_TEST(result.err == "spark: --input x=" + fifo + ": " + fifo +
                                 " is a FIFO (named pipe), not a regular file; give a regular "
                                 "file (special files have no end or block the reader)\n");
    result = spark_cli({"validate", "/dev/zero"});
    BOOST_TEST(result.exit_code == 1);
    BOOST_TEST(result.err == "spark: /dev/zero: is a character device, not a regular file; give a "
                             "regular file (special files have no end or block the reader)\n");
    result = spark_cli({"run", fifo, "--steps", "1"});
    BOOST_TEST(result.exit_code == 1);
    BOOST_TEST(result.err.find("is a FIFO (named pipe), not a regular file") != std::string::npos,
               result.err);
}

BOOST_AUTO_TEST_CASE(limit_flags_raise_and_lower_the_limits_they_name) {
    // The accumulator brain's file holds far more than 5 JSON values.
    auto result = spark_cli({"validate", brain, "--max-json-values", "5"});
    BOOST_TEST(result.exit_code == 1);
    BOOST_TEST(result.out.find("raise it with --max-json-values") != std::string::npos, result.out);
    result = spark_cli({"validate", brain, "--max-json-values", "1000000", "--max-memory", "1GiB"});
    BOOST_TEST(result.exit_code == 0, result.out + result.err);
    BOOST_TEST(result.out == "OK\n");
    result = spark_cli({"validate", brain, "--max-memory", "lots"});
    BOOST_TEST(result.exit_code == 2);
    BOOST_TEST(result.err == "spark: --max-memory must be a size > 0 such as 64GiB, 512MiB or "
                             "2000000 (bytes), got 'lots'; see 'spark --help'\n");
    result = spark_cli({"validate", brain, "--strict-numerics"});
    BOOST_TEST(result.exit_code == 2);
    BOOST_TEST(result.err ==
               "spark: --strict-numerics is an option of 'run', not of 'validate'; see 'spark "
               "--help'\n");
}

BOOST_AUTO_TEST_SUITE_END()
