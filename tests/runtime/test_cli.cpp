// SPDX-License-Identifier: Apache-2.0
// The `spark` binary, run as a user would: exit codes, stdout and stderr.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <boost/test/unit_test.hpp>

#include "fixtures.hpp"
#include "run_process.hpp"
#include "test_plugin_paths.hpp"
#include "text_lines.hpp"

using spark::test::process_result;
using spark::test::test_plugin;
using strings = std::vector<std::string>;

namespace {

/// Runs `spark --no-default-plugins <arguments>`: only what a test names is searched.
process_result spark_cli(std::vector<std::string> arguments) {
    arguments.insert(arguments.begin(), "--no-default-plugins");
    return spark::test::run_process(SPARK_CLI_PATH, arguments);
}

std::string plugin_arg(const std::string& name) {
    return "--plugin-path=" + test_plugin(name).string();
}

std::string canonical(const std::string& name) {
    return std::filesystem::canonical(test_plugin(name)).string();
}

// Table rows keep one leading space: describe indents its sections.
strings squeezed_lines(const std::string& text) {
    return spark::test::squeezed_lines(text, spark::test::indent::keep_one);
}

bool has_line(const std::string& text, const std::string& line) {
    return spark::test::has_line(text, line, spark::test::indent::keep_one);
}

} // namespace

BOOST_AUTO_TEST_SUITE(cli)

BOOST_AUTO_TEST_CASE(version_and_help) {
    const auto version = spark_cli({"--version"});
    BOOST_TEST(version.exit_code == 0);
    BOOST_TEST(version.out == "spark " SPARK_VERSION_STRING " (plugin ABI 1.2.0)\n");
    const auto help = spark_cli({"--help"});
    BOOST_TEST(help.exit_code == 0);
    BOOST_TEST(help.out.find("plugins describe NAME") != std::string::npos);
    BOOST_TEST(help.out.find("--plugin-path") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(usage_errors_exit_with_2_and_one_line) {
    const auto unknown = spark_cli({"frobnicate"});
    BOOST_TEST(unknown.exit_code == 2);
    BOOST_TEST(unknown.err == "spark: unknown command 'frobnicate'; see 'spark --help'\n");
    const auto sub = spark_cli({"plugins", "frobnicate"});
    BOOST_TEST(sub.exit_code == 2);
    BOOST_TEST(sub.err ==
               "spark: unknown subcommand 'plugins frobnicate'; use list, describe or check; "
               "see 'spark --help'\n");
    const auto missing = spark_cli({"plugins", "describe"});
    BOOST_TEST(missing.exit_code == 2);
    BOOST_TEST(missing.err ==
               "spark: 'plugins describe' takes exactly one argument, a type name, got 0; "
               "see 'spark --help'\n");
    const auto level = spark_cli({"--log-level", "loud", "plugins", "list"});
    BOOST_TEST(level.exit_code == 2);
    BOOST_TEST(level.err ==
               "spark: --log-level must be trace, debug, info, warn or error, got 'loud'; "
               "see 'spark --help'\n");
    const auto option = spark_cli({"--frobnicate"});
    BOOST_TEST(option.exit_code == 2);
    BOOST_TEST(option.err == "spark: unrecognised option '--frobnicate'; see 'spark --help'\n");
    const auto nothing = spark_cli({});
    BOOST_TEST(nothing.exit_code == 2);
    BOOST_TEST(nothing.err.rfind("usage: spark", 0) == 0U);
}

BOOST_AUTO_TEST_CASE(list_prints_a_sorted_table_of_every_type) {
    const auto result =
        spark_cli({plugin_arg("ok_c"), plugin_arg("runtime_schema"), "plugins", "list"});
    BOOST_TEST(result.exit_code == 0);
    BOOST_TEST(result.err == "");
    const std::string schema = canonical("runtime_schema");
    BOOST_TEST(squeezed_lines(result.out) ==
                   (strings{"TYPE KIND VERSION VENDOR FILE",
                            "ctest.decay component 1.0.0 ctest " + canonical("ok_c"),
                            "rt.fill initializer 1.0.0 rt " + schema,
                            "rt.holder component 1.0.0 rt " + schema,
                            "rt.inner component 1.0.0 rt " + schema,
                            "rt.neuronish neuron 1.0.0 rt " + schema,
                            "rt.other_inner component 1.0.0 rt " + schema,
                            "rt.probe component 1.0.0 rt " + schema}),
               boost::test_tools::per_element());
    // columns are aligned: every FILE cell starts at the same offset
    std::istringstream lines(result.out);
    std::string header;
    std::getline(lines, header);
    for (std::string line; std::getline(lines, line);) {
        BOOST_TEST(line.find('/') == header.find("FILE"));
    }
}

BOOST_AUTO_TEST_CASE(list_reports_files_that_fail_on_stderr) {
    const auto result =
        spark_cli({plugin_arg("runtime_schema"), plugin_arg("bad_abi_major"), "plugins", "list"});
    BOOST_TEST(result.exit_code == 0);
    BOOST_TEST(result.out.find("rt.probe") != std::string::npos);
    BOOST_TEST(result.err.find(canonical("bad_abi_major")) != std::string::npos);
    BOOST_TEST(result.err.find("ABI") != std::string::npos);

    const auto only_bad = spark_cli({plugin_arg("bad_abi_major"), "plugins", "list"});
    BOOST_TEST(only_bad.exit_code == 1);
    BOOST_TEST(squeezed_lines(only_bad.out) == strings{"TYPE KIND VERSION VENDOR FILE"},
               boost::test_tools::per_element());
    BOOST_TEST(only_bad.err.find(canonical("bad_abi_major")) != std::string::npos);
}

BOOST_AUTO_TEST_CASE(describe_shows_provenance_schema_and_ports) {
    const auto result = spark_cli({plugin_arg("runtime_schema"), "plugins", "describe", "probe"});
    BOOST_TEST(result.exit_code == 0);
    BOOST_TEST(result.err == "");
    const std::string& out = result.out;
    BOOST_TEST(out.rfind("rt.probe\n", 0) == 0U);
    BOOST_TEST(has_line(out, " kind component"));
    BOOST_TEST(has_line(out, " vendor rt"));
    BOOST_TEST(has_line(out, " version 1.0.0"));
    BOOST_TEST(has_line(out, " description every field type and validator"));
    BOOST_TEST(has_line(out, " file " + canonical("runtime_schema")));
    BOOST_TEST(has_line(out, " plugin test.runtime_schema 0.1.0"));
    BOOST_TEST(has_line(out, " abi 1.2.0"));
    BOOST_TEST(out.find(" sha256 ") != std::string::npos);
    // the config schema, base fields first
    BOOST_TEST(has_line(out, " FIELD TYPE DEFAULT UNITS VALIDATORS DESCRIPTION"));
    BOOST_TEST(has_line(out, " dt float 1.0 ms positive time step"));
    BOOST_TEST(has_line(
        out,
        R"( dtype string "float32" one of "float32", "float64" element type of float state and outputs)"));
    BOOST_TEST(has_line(out, " tau float 10.0 ms positive time constant"));
    BOOST_TEST(has_line(out, R"( mode string "linear" one of "linear", "exp" how to decay)"));
    BOOST_TEST(has_line(out, " units int[] [4] positive; 1 to 3 elements population shape"));
    BOOST_TEST(has_line(out, " weights float[] [0.5, 0.25] in [0, 1] mixing weights"));
    BOOST_TEST(has_line(out, " floor float 0 at least 0 a lower bound"));
    BOOST_TEST(has_line(out, " ceiling float 1 at most 5 an upper bound"));
    BOOST_TEST(
        has_line(out, " threshold float -50.0 mV greater than potential_reset spike threshold"));
    BOOST_TEST(has_line(
        out,
        R"( soma config (component) {"__class_ref__": "inner", "scale": 2.0} the nested component)"));
    BOOST_TEST(has_line(out, " kernel initializer 0.5 positive initial weights"));
    // ports
    BOOST_TEST(has_line(out, " DIRECTION NAME PAYLOAD SHAPE REQUIRED DESCRIPTION"));
    BOOST_TEST(has_line(out, " input in float (float_array) any yes values to add"));
    BOOST_TEST(has_line(out, " output out float (float_array) like port in yes the running total"));
}

BOOST_AUTO_TEST_CASE(describe_marks_config_fields_that_may_be_none) {
    const auto result = spark_cli({plugin_arg("runtime_schema"), "plugins", "describe", "holder"});
    BOOST_TEST(result.exit_code == 0);
    BOOST_TEST(result.err == "");
    BOOST_TEST(has_line(
        result.out, " delays config (component) or none null optional delays; none: no delays"));
    BOOST_TEST(has_line(
        result.out,
        R"( rule config (component) or none {"__class_ref__": "inner"} optional rule; none: no learning)"));
}

BOOST_AUTO_TEST_CASE(describe_marks_required_fields) {
    const auto result =
        spark_cli({plugin_arg("runtime_faulty"), "plugins", "describe", "needs_limit"});
    BOOST_TEST(result.exit_code == 0);
    BOOST_TEST(has_line(result.out, " limit int (required) no default: a config must set it"));
}

BOOST_AUTO_TEST_CASE(describe_an_unknown_name_suggests_close_ones) {
    const auto result = spark_cli({plugin_arg("runtime_schema"), "plugins", "describe", "prboe"});
    BOOST_TEST(result.exit_code == 2);
    BOOST_TEST(result.out == "");
    BOOST_TEST(result.err.rfind("spark: ", 0) == 0U);
    BOOST_TEST(result.err.find("prboe") != std::string::npos);
    BOOST_TEST(result.err.find("rt.probe") != std::string::npos);
    BOOST_TEST(std::count(result.err.begin(), result.err.end(), '\n') == 1);
}

BOOST_AUTO_TEST_CASE(describe_an_ambiguous_name_lists_the_candidates) {
    const auto result = spark_cli(
        {plugin_arg("vendor_x"), plugin_arg("vendor_y"), "plugins", "describe", "shared_name"});
    BOOST_TEST(result.exit_code == 2);
    BOOST_TEST(result.out == "");
    BOOST_TEST(result.err.find("vx.shared_name") != std::string::npos);
    BOOST_TEST(result.err.find("vy.shared_name") != std::string::npos);
    // qualified, it resolves
    const auto qualified = spark_cli(
        {plugin_arg("vendor_x"), plugin_arg("vendor_y"), "plugins", "describe", "vy.shared_name"});
    BOOST_TEST(qualified.exit_code == 0);
    BOOST_TEST(qualified.out.rfind("vy.shared_name\n", 0) == 0U);
}

BOOST_AUTO_TEST_CASE(check_passes_a_good_plugin) {
    const auto result = spark_cli({"plugins", "check", test_plugin("runtime_schema").string()});
    BOOST_TEST(result.exit_code == 0);
    BOOST_TEST(result.err == "");
    BOOST_TEST(has_line(result.out, "rt.probe"));
    // Each line names the dtype it ran in; the comparison of the two, "both".
    BOOST_TEST(has_line(result.out, " OK float32 steps (random inputs)"));
    BOOST_TEST(has_line(result.out, " OK float64 steps (random inputs)"));
    BOOST_TEST(has_line(result.out, " SKIP float32 contract the type has no contract"));
    BOOST_TEST(has_line(result.out, " OK float64 deterministic"));
    BOOST_TEST(has_line(result.out,
                        " OK both float32 vs float64 40 steps agree (floats: rtol 1e-04, atol "
                        "1e-05; spikes (bit0), masks and ints exactly)"));
    BOOST_TEST(squeezed_lines(result.out).back() == "6 types checked, 0 failures");
}

BOOST_AUTO_TEST_CASE(check_reports_each_failure_and_exits_with_1) {
    const auto result = spark_cli({"plugins", "check", test_plugin("throws_in_step").string()});
    BOOST_TEST(result.exit_code == 1);
    BOOST_TEST(
        has_line(result.out,
                 " FAIL float64 steps (zero inputs) step 3: test.throws_in_step 'check': step "
                 "failed (SPARK_ERR_PLUGIN): step 3 exploded: simulated failure"));
    BOOST_TEST(has_line(result.out, " OK float32 state round trip"));
    BOOST_TEST(squeezed_lines(result.out).back() == "1 type checked, 3 failures");

    const auto faulty = spark_cli({"plugins", "check", test_plugin("runtime_faulty").string()});
    BOOST_TEST(faulty.exit_code == 1);
    BOOST_TEST(
        has_line(faulty.out, " FAIL float32 output specs out: shape (3) differs from port in (8)"));
    BOOST_TEST(squeezed_lines(faulty.out).back() == "5 types checked, 8 failures");
}

// An initializer's sparse fill (ADR 0011) must give what its initialize() fills: one whose rows
// break the contract fails the stage, one without it skips it (test_plugin_check: the built-in
// initializers pass every stage).
BOOST_AUTO_TEST_CASE(check_compares_a_sparse_fill_with_the_dense_one) {
    const auto faulty = spark_cli({"plugins", "check", test_plugin("faulty_sparse").string()});
    BOOST_TEST(faulty.exit_code == 1);
    BOOST_TEST(has_line(faulty.out,
                        " FAIL float32 sparse fill fill_rows gave 8 rows for 6; give every row "
                        "once, in "
                        "order, also an empty one"),
               faulty.out);
    const auto c_plugin = spark_cli({"plugins", "check", test_plugin("runtime_schema").string()});
    BOOST_TEST(has_line(c_plugin.out,
                        " SKIP float64 sparse fill not offered: neurons fill this initializer's "
                        "kernels "
                        "densely"),
               c_plugin.out);
}

BOOST_AUTO_TEST_CASE(check_of_a_file_that_does_not_load) {
    const auto result = spark_cli({"plugins", "check", test_plugin("bad_abi_major").string()});
    BOOST_TEST(result.exit_code == 1);
    BOOST_TEST(result.out == "0 types checked, 1 failure\n");
    BOOST_TEST(result.err.rfind("spark: ", 0) == 0U);
    BOOST_TEST(result.err.find("bad_abi_major") != std::string::npos);
    BOOST_TEST(std::count(result.err.begin(), result.err.end(), '\n') == 1);
}

// --reference reads a NumPy structured array (tests/runtime/data/make_check_traces.py wrote
// this one from the accumulator's model, out = gain * the running sum of in).
BOOST_AUTO_TEST_CASE(check_compares_a_numpy_reference_trace) {
    const std::string trace = SPARK_TEST_RUNTIME_DATA_DIR "/accumulator_gain2.npy";
    const std::string plugin = test_plugin("ok_cpp").string();
    const auto passing = spark_cli({"plugins",
                                    "check",
                                    plugin,
                                    "--type",
                                    "accumulator",
                                    "--set",
                                    "gain=2",
                                    "--reference",
                                    trace});
    BOOST_TEST(passing.exit_code == 0, passing.out << passing.err);
    BOOST_TEST(has_line(passing.out,
                        " OK float64 reference 4 steps match " + trace +
                            " (floats: rtol 1e-09, atol 1e-12; spikes, masks and ints exactly)"),
               passing.out);
    BOOST_TEST(has_line(passing.out, " OK float64 config set gain = 2"));

    // With gain 1.999 the outputs are 0.05 % smaller: beyond the default tolerance, inside a
    // --tolerance of 1e-3.
    const auto failing = spark_cli({"plugins",
                                    "check",
                                    plugin,
                                    "--type=accumulator",
                                    "--set=gain=1.999",
                                    "--reference=" + trace});
    BOOST_TEST(failing.exit_code == 1);
    // Step 0, element (0, 0): in 0.5, so out 0.9995 against the trace's 1.
    BOOST_TEST(has_line(failing.out,
                        " FAIL float64 reference " + trace +
                            " differs (floats: rtol 1e-09, atol 1e-12; spikes, masks and ints "
                            "exactly):"),
               failing.out);
    BOOST_TEST(has_line(failing.out, " step 0, out[0, 0]: got 0.9995, expected 1"), failing.out);
    const auto tolerated = spark_cli({"plugins",
                                      "check",
                                      plugin,
                                      "--type=accumulator",
                                      "--set=gain=1.999",
                                      "--reference=" + trace,
                                      "--tolerance=1e-3,0"});
    BOOST_TEST(tolerated.exit_code == 0, tolerated.out);
    BOOST_TEST(has_line(tolerated.out,
                        " OK float64 reference 4 steps match " + trace +
                            " (floats: rtol 0.001, atol 0; spikes, masks and ints exactly)"),
               tolerated.out);
}

BOOST_AUTO_TEST_CASE(check_refuses_bad_requests_with_exit_status_2) {
    spark::test::scratch_dir scratch;
    const std::string plugin = test_plugin("ok_cpp").string();
    const auto error_of = [&](std::vector<std::string> arguments) {
        arguments.insert(arguments.begin(), {"plugins", "check", plugin, "--type", "accumulator"});
        const auto result = spark_cli(arguments);
        BOOST_TEST(result.exit_code == 2, result.err);
        BOOST_TEST(result.out == "");
        return result.err;
    };
    const auto corrupt = (scratch / "corrupt.npy").string();
    std::ofstream(corrupt) << "not a trace";
    BOOST_TEST(error_of({"--reference", corrupt}) ==
               "spark: --reference " + corrupt +
                   ": not a .npy file (it does not start with \\x93NUMPY)\n");
    BOOST_TEST(error_of({"--reference", (scratch / "missing.npy").string()})
                   .rfind("spark: --reference " + (scratch / "missing.npy").string() + ": ", 0) ==
               0U);
    // A plain array, as `spark run` records: a trace needs one named field per port.
    const auto plain = (scratch / "plain.npy").string();
    {
        std::string header = "{'descr': '<f8', 'fortran_order': False, 'shape': (1,), }";
        header.resize(117, ' ');
        header += '\n';
        std::ofstream out(plain, std::ios::binary);
        out << "\x93NUMPY" << '\x01' << '\x00' << static_cast<char>(header.size()) << '\x00'
            << header << std::string(8, '\0');
    }
    BOOST_TEST(error_of({"--reference", plain}) ==
               "spark: --reference " + plain +
                   ": it holds a plain array (descr '<f8'), not a structured one: save one named "
                   "field per port, e.g. numpy.zeros(steps, dtype=[('in_spikes', 'u1', (8,)), "
                   "('out_spikes', 'u1', (8,))])\n");
    BOOST_TEST(error_of({"--set", "gain"}) ==
               "spark: --set must be FIELD=VALUE (e.g. --set tau=10 or --set mode=linear), got "
               "'gain'\n");
    BOOST_TEST(error_of({"--shape", "in=0"}) ==
               "spark: --shape in=0: a shape is 1 to 8 whole numbers >= 1 separated by commas, "
               "e.g. --shape in=8,8\n");
    BOOST_TEST(error_of({"--tolerance", "1e-3"}) ==
               "spark: --tolerance is for --reference: give the trace to compare against\n");
    BOOST_TEST(error_of({"--set", "gaim=3"})
                   .rfind("spark: --set gaim=3: testcpp.accumulator has no field 'gaim'", 0) == 0U);
    const auto misplaced = spark_cli({"plugins", "list", "--set", "gain=2"});
    BOOST_TEST(misplaced.exit_code == 2);
    BOOST_TEST(misplaced.err.find("--set is an option of 'plugins check', not of 'plugins list'") !=
               std::string::npos);
}

// --write-reference records what the type does now as a trace --reference reads: the same
// settings pass it, another gain fails it at step 0 (out = gain * in there, so 3 against 2).
BOOST_AUTO_TEST_CASE(check_writes_a_reference_trace_that_check_then_reads) {
    spark::test::scratch_dir scratch;
    const std::string plugin = test_plugin("ok_cpp").string();
    const std::string baseline = (scratch / "baseline.npy").string();
    const auto written = spark_cli({"plugins",
                                    "check",
                                    plugin,
                                    "--type",
                                    "accumulator",
                                    "--set",
                                    "gain=2",
                                    "--write-reference",
                                    baseline,
                                    "--steps",
                                    "6"});
    BOOST_TEST(written.exit_code == 0, written.out << written.err);
    BOOST_TEST(has_line(written.out,
                        " OK float32 record 6 steps of random inputs recorded in float32 (the "
                        "default; --set dtype=float64 records float64)"),
               written.out);
    BOOST_TEST(
        has_line(written.out, "wrote " + baseline + ": 6 steps of in float32 (8), out float32 (8)"),
        written.out);
    BOOST_TEST(!std::filesystem::exists(baseline + ".partial"));
    // A structured .npy file: 6 rows of 2 fields of 8 float32s after a 128-byte header.
    BOOST_TEST(std::filesystem::file_size(baseline) == 128U + 6U * 2U * 8U * 4U);
    {
        std::ifstream in(baseline, std::ios::binary);
        std::string head(128, '\0');
        in.read(head.data(), 128);
        BOOST_TEST(head.rfind("\x93NUMPY\x01", 0) == 0U);
        BOOST_TEST(head.find("{'descr': [('in', '<f4', (8,)), ('out', '<f4', (8,))], "
                             "'fortran_order': False, 'shape': (6,), }") != std::string::npos,
                   head);
    }

    const auto same = spark_cli({"plugins",
                                 "check",
                                 plugin,
                                 "--type",
                                 "accumulator",
                                 "--set",
                                 "gain=2",
                                 "--reference",
                                 baseline});
    BOOST_TEST(same.exit_code == 0, same.out << same.err);
    BOOST_TEST(has_line(same.out,
                        " OK float32 reference 6 steps match " + baseline +
                            " (floats: rtol 1e-04, atol 1e-06; spikes, masks and ints exactly)"),
               same.out);
    const auto changed = spark_cli({"plugins",
                                    "check",
                                    plugin,
                                    "--type",
                                    "accumulator",
                                    "--set",
                                    "gain=3",
                                    "--reference",
                                    baseline});
    BOOST_TEST(changed.exit_code == 1);
    const auto lines = squeezed_lines(changed.out);
    const auto at = std::find_if(lines.begin(), lines.end(), [](const std::string& line) {
        return line.rfind(" step 0, out[0]: got ", 0) == 0;
    });
    BOOST_REQUIRE_MESSAGE(at != lines.end(), changed.out);
    // " step 0, out[0]: got G, expected E": G = 3 in, E = 2 in.
    const auto got_at = at->find("got ") + 4;
    const double got = std::stod(at->substr(got_at));
    const double expected = std::stod(at->substr(at->find("expected ") + 9));
    BOOST_TEST(got == 1.5 * expected, boost::test_tools::tolerance(1e-6));
}

BOOST_AUTO_TEST_CASE(check_refuses_bad_write_reference_requests_with_exit_status_2) {
    spark::test::scratch_dir scratch;
    const std::string plugin = test_plugin("ok_cpp").string();
    const std::string out = (scratch / "out.npy").string();
    const auto error_of = [&](std::vector<std::string> arguments) {
        arguments.insert(arguments.begin(), {"plugins", "check", plugin});
        const auto result = spark_cli(arguments);
        BOOST_TEST(result.exit_code == 2, result.err);
        BOOST_TEST(result.out == "");
        BOOST_TEST(!std::filesystem::exists(out));
        return result.err;
    };
    BOOST_TEST(error_of({"--write-reference", out}) ==
               "spark: --write-reference records one type, and the file has 2: add --type NAME "
               "with one of testcpp.accumulator, testcpp.echo_spikes\n");
    BOOST_TEST(error_of({"--type", "accumulator", "--write-reference", out, "--reference", out}) ==
               "spark: --reference and --write-reference: give one or the other (--reference "
               "compares against a trace, --write-reference records one)\n");
    for (const std::string steps : {"0", "abc", "-3", "2x"}) {
        BOOST_TEST(
            error_of({"--type", "accumulator", "--write-reference", out, "--steps", steps}) ==
            "spark: --steps must be a whole number from 1 to 4294967295 (the steps to "
            "record), got '" +
                steps + "', e.g. --steps 50\n");
    }
    BOOST_TEST(error_of({"--type", "accumulator", "--steps", "5"}) ==
               "spark: --steps is for --write-reference: give the file to record into\n");
    // A folder that cannot be made: its parent is a regular file.
    const std::string blocker = (scratch / "blocker").string();
    std::ofstream(blocker) << "a file, not a folder";
    const std::string inside = blocker + "/out.npy";
    BOOST_TEST(
        error_of({"--type", "accumulator", "--write-reference", inside})
            .rfind("spark: --write-reference " + inside + ": cannot create its folder: ", 0) == 0U);
    BOOST_TEST(error_of({"--type", "accumulator", "--write-reference", inside})
                   .find("; choose a folder you can write to\n") != std::string::npos);

    // An existing file is never overwritten, whatever it holds.
    const std::string existing = (scratch / "existing.npy").string();
    std::ofstream(existing) << "an older baseline";
    const auto refused = spark_cli(
        {"plugins", "check", plugin, "--type", "accumulator", "--write-reference", existing});
    BOOST_TEST(refused.exit_code == 2);
    BOOST_TEST(refused.out == "");
    BOOST_TEST(refused.err == "spark: --write-reference " + existing +
                                  ": the file exists, and a baseline is never overwritten: "
                                  "remove it first to record a new one, or choose another name\n");
    std::ifstream kept(existing);
    BOOST_TEST(std::string(std::istreambuf_iterator<char>(kept), {}) == "an older baseline");
}

BOOST_AUTO_TEST_CASE(check_writes_no_reference_when_a_stage_fails) {
    spark::test::scratch_dir scratch;
    const std::string out = (scratch / "broken.npy").string();
    const auto result = spark_cli(
        {"plugins", "check", test_plugin("throws_in_step").string(), "--write-reference", out});
    BOOST_TEST(result.exit_code == 1);
    BOOST_TEST(
        has_line(result.out, out + " not written: the check failed; fix the failures above first"),
        result.out);
    BOOST_TEST(!std::filesystem::exists(out));
    BOOST_TEST(!std::filesystem::exists(out + ".partial"));
    // any_spike_neuron records fine but fails the inhibition bit stage: no baseline of that.
    const auto recorded_but_failed = spark_cli({"plugins",
                                                "check",
                                                test_plugin("broken_paths").string(),
                                                "--type",
                                                "any_spike_neuron",
                                                "--write-reference",
                                                out});
    BOOST_TEST(recorded_but_failed.exit_code == 1);
    BOOST_TEST(has_line(recorded_but_failed.out,
                        " OK float32 record 20 steps of random inputs "
                        "recorded in float32 (the default; --set "
                        "dtype=float64 records float64)"),
               recorded_but_failed.out);
    BOOST_TEST(has_line(recorded_but_failed.out,
                        out + " not written: the check failed; fix the failures above first"),
               recorded_but_failed.out);
    BOOST_TEST(!std::filesystem::exists(out));
    BOOST_TEST(!std::filesystem::exists(out + ".partial"));
}

BOOST_AUTO_TEST_SUITE_END()
