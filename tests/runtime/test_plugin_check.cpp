// SPDX-License-Identifier: Apache-2.0
// check_plugin: every stage of every type, every failure reported with its type and stage, and
// the stages after a failure still run where they can.
#include <algorithm>
#include <cstdint>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include <boost/test/unit_test.hpp>

#include <spark/runtime/plugin_check.hpp>

#include "fixtures.hpp"
#include "test_plugin_paths.hpp"

using spark::runtime::check_outcome;
using spark::runtime::check_plugin;
using spark::runtime::plugin_check_report;
using spark::runtime::type_check;
using spark::test::test_plugin;
using strings = std::vector<std::string>;

namespace {

const strings module_stages{"config",
                            "create",
                            "contract",
                            "build",
                            "output specs",
                            "reset",
                            "steps (zero inputs)",
                            "steps (random inputs)",
                            "inhibition bit",
                            "state round trip",
                            "properties",
                            "reset again",
                            "destroy"};
const strings initializer_stages{"config", "initialize", "deterministic", "sparse fill"};
const strings both_dtypes{"float32", "float64"};

/// What the float32 vs float64 stage says when every output agrees over the 40 steps (20 zero, 20
/// random) within its documented tolerance.
const std::string dtypes_agree = "both float32 vs float64 OK: 40 steps agree (floats: rtol "
                                 "1e-04, atol 1e-05; spikes (bit0), masks and ints exactly)";

/// "<dtype> <stage> <OK|FAIL|SKIP>[: <message>]" per stage, to compare whole reports at once.
strings summary(const type_check& type) {
    strings lines;
    for (const auto& stage : type.stages) {
        std::string line = stage.dtype + " " + stage.name + " " +
                           std::string(spark::runtime::outcome_name(stage.outcome));
        if (!stage.message.empty()) {
            line += ": " + stage.message;
        }
        lines.push_back(line);
    }
    return lines;
}

const type_check& find_type(const plugin_check_report& report, const std::string& id) {
    for (const auto& type : report.types) {
        if (type.type_id == id) {
            return type;
        }
    }
    throw std::runtime_error("the report has no type " + id);
}

/// The line of `stage` in `dtype` ("float32 build OK"), or "" when the report has none.
std::string line_of(const type_check& type, const std::string& dtype, const std::string& stage) {
    for (const auto& line : summary(type)) {
        if (line.rfind(dtype + " " + stage + " ", 0) == 0) {
            return line;
        }
    }
    return {};
}

/// Every module stage passed in both dtypes (contract: skipped, no contract; inhibition bit:
/// skipped, no spike input; properties: skipped, none), then float32 and float64 agreed, but
/// those listed in `differences`: "<stage> ..." replaces the stage in both dtypes,
/// "<dtype> <stage> ..." in one, "both float32 vs float64 ..." the comparison.
strings all_pass_except(const strings& differences) {
    strings lines;
    for (const auto& dtype : both_dtypes) {
        for (const auto& stage : module_stages) {
            std::string line = dtype + " " + stage +
                               (stage == "contract"     ? " SKIP: the type has no contract"
                                : stage == "properties" ? " SKIP: the type declares no properties"
                                : stage == "inhibition bit" ? " SKIP: the type has no spike input"
                                                            : " OK");
            for (const auto& difference : differences) {
                if (difference.rfind(stage + " ", 0) == 0) {
                    line = dtype + " " + difference;
                }
                if (difference.rfind(dtype + " " + stage + " ", 0) == 0) {
                    line = difference;
                }
            }
            lines.push_back(line);
        }
    }
    lines.push_back(dtypes_agree);
    for (const auto& difference : differences) {
        if (difference.rfind("both ", 0) == 0) {
            lines.back() = difference;
        }
    }
    return lines;
}

/// The initializer stages in both dtypes, `lines` (without the dtype) in each.
strings in_both_dtypes(const strings& lines) {
    strings out;
    for (const auto& dtype : both_dtypes) {
        for (const auto& line : lines) {
            out.push_back(dtype + " " + line);
        }
    }
    return out;
}

} // namespace

BOOST_FIXTURE_TEST_SUITE(plugin_check, spark::test::registry_fixture)

BOOST_AUTO_TEST_CASE(a_good_c_plugin_passes_every_stage) {
    const auto report = check_plugin(registry, test_plugin("runtime_schema"));
    BOOST_TEST(report.load_error == "");
    BOOST_TEST(report.types.size() == 6U);
    BOOST_TEST(report.failures() == 0U);
    BOOST_TEST(report.passed());
    BOOST_TEST(summary(find_type(report, "rt.probe")) == all_pass_except({}),
               boost::test_tools::per_element());
    // Nested configs that are none by default reach create() as config == NULL.
    BOOST_TEST(summary(find_type(report, "rt.holder")) == all_pass_except({}),
               boost::test_tools::per_element());
    BOOST_TEST(summary(find_type(report, "rt.fill")) ==
                   in_both_dtypes({"config OK",
                                   "initialize OK",
                                   "deterministic OK",
                                   "sparse fill SKIP: not offered: neurons fill this initializer's "
                                   "kernels densely"}),
               boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(ok_c_passes_every_stage) {
    const auto report = check_plugin(registry, test_plugin("ok_c"));
    BOOST_TEST(report.failures() == 0U);
    BOOST_REQUIRE(report.types.size() == 1U);
    BOOST_TEST(summary(report.types[0]) == all_pass_except({}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(ok_cpp_passes_every_stage_including_the_contract) {
    const auto report = check_plugin(registry, test_plugin("ok_cpp"));
    BOOST_TEST(report.failures() == 0U);
    BOOST_TEST(report.types.size() == 2U);
    BOOST_TEST(summary(find_type(report, "testcpp.accumulator")) == all_pass_except({}),
               boost::test_tools::per_element());
    BOOST_TEST(summary(find_type(report, "testcpp.echo_spikes")) ==
                   all_pass_except({"contract OK",
                                    "inhibition bit OK: 20 steps: 2 instead of 0 on the silent odd "
                                    "elements of in_spikes changed no output (spike outputs "
                                    "compared in bit0)"}),
               boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(a_failing_create_skips_what_needs_the_instance) {
    const auto report = check_plugin(registry, test_plugin("create_fails"));
    BOOST_REQUIRE(report.types.size() == 1U);
    strings expected;
    for (const auto& dtype : both_dtypes) {
        expected.push_back(dtype + " config OK");
        expected.push_back(dtype + " create FAIL: test.create_fails 'check': create failed "
                                   "(SPARK_ERR_INVALID_ARGUMENT): limit must be <= 10, got 12");
        for (std::size_t i = 2; i < module_stages.size(); ++i) {
            expected.push_back(dtype + " " + module_stages[i] + " SKIP: create failed");
        }
    }
    expected.push_back("both float32 vs float64 SKIP: needs both dtypes to build and reset");
    BOOST_TEST(summary(report.types[0]) == expected, boost::test_tools::per_element());
    BOOST_TEST(report.failures() == 2U);
}

BOOST_AUTO_TEST_CASE(a_throwing_step_is_reported_and_the_later_stages_still_run) {
    const auto report = check_plugin(registry, test_plugin("throws_in_step"));
    BOOST_REQUIRE(report.types.size() == 1U);
    BOOST_TEST(
        summary(report.types[0]) ==
            all_pass_except({"steps (zero inputs) FAIL: step 3: test.throws_in_step 'check': step "
                             "failed (SPARK_ERR_PLUGIN): step 3 exploded: simulated failure",
                             "both float32 vs float64 FAIL: test.throws_in_step 'check': step "
                             "failed (SPARK_ERR_PLUGIN): step 3 exploded: simulated failure"}),
        boost::test_tools::per_element());
    BOOST_TEST(report.failures() == 3U);
}

BOOST_AUTO_TEST_CASE(every_builtin_plugin_passes_every_stage) {
    // Neurons need `units` (probed [8]), synapse and delay components take their units from a
    // neuron (created again with [8]), learning rules a kernel-shaped input (built with (8, 8)):
    // each is checked through every stage, and each probe is named in its stage's message.
    const auto dir = spark::registry::plugin_registry::install_plugin_dir();
    auto search = spark::test::isolated_search();
    search.paths = {dir}; // nested defaults name the initializers plugin's types
    spark::registry::plugin_registry builtins(search);
    for (const char* name : {"spark-neurons", "spark-interfaces", "spark-initializers"}) {
        BOOST_TEST_CONTEXT(name) {
            const auto report = check_plugin(builtins, dir / (std::string(name) + ".so"));
            BOOST_TEST(report.load_error.empty(), report.load_error);
            BOOST_TEST(!report.types.empty());
            for (const auto& type : report.types) {
                BOOST_TEST(type.failures() == 0U, type.type_id << ": " << summary(type).size());
                for (const auto& line : summary(type)) {
                    BOOST_TEST(line.find(" FAIL") == std::string::npos,
                               type.type_id << " " << line);
                }
            }
        }
    }
    const auto neurons = check_plugin(builtins, dir / "spark-neurons.so");
    BOOST_TEST(summary(find_type(neurons, "spark.lif_neuron")).front() ==
               "float32 config OK: probed units = [8]");
    const auto& hebbian = find_type(neurons, "spark.hebbian_rule");
    BOOST_TEST(line_of(hebbian, "float64", "build") ==
               "float64 build OK: with inputs pre_spikes (8), post_spikes (8), current_kernel (8, "
               "8) (the (8) inputs failed)");
    BOOST_TEST(line_of(find_type(neurons, "spark.linear_synapses"), "float32", "create")
                   .rfind("float32 create OK: with units = [8] (the defaults failed: ", 0) == 0U);
    // Every module type ran in both dtypes, and the two agreed over all 40 steps (what the
    // tolerance of dtype_agreement_tolerance() was measured on); every neuron with a spike input
    // passed the inhibition-bit stage.
    for (const char* name : {"spark-neurons", "spark-interfaces"}) {
        for (const auto& type : check_plugin(builtins, dir / (std::string(name) + ".so")).types) {
            BOOST_TEST(summary(type).back() == dtypes_agree, type.type_id);
        }
    }
    for (const char* id : {"spark.lif_neuron", "spark.alif_neuron", "spark.n_delays"}) {
        BOOST_TEST(line_of(find_type(neurons, id), "float64", "inhibition bit")
                           .rfind("float64 inhibition bit OK: 20 steps: 2 instead of 0", 0) == 0U,
                   id);
    }
}

BOOST_AUTO_TEST_CASE(every_faulty_type_fails_its_own_stage) {
    const auto report = check_plugin(registry, test_plugin("runtime_faulty"));
    BOOST_TEST(report.types.size() == 5U);
    BOOST_TEST(report.failures() == 8U); // each type fails in both dtypes

    // A required field without a default gets a probe value (an int: 8) and the stage says so.
    BOOST_TEST(summary(find_type(report, "rtf.needs_limit")) ==
                   all_pass_except({"config OK: probed limit = 8"}),
               boost::test_tools::per_element());
    BOOST_TEST(
        summary(find_type(report, "rtf.nan_out")) ==
            all_pass_except(
                {"steps (zero inputs) FAIL: step 5: out[0] is nan, expected a finite number"}),
        boost::test_tools::per_element());
    BOOST_TEST(
        summary(find_type(report, "rtf.forgetful")) ==
            all_pass_except({"state round trip FAIL: out differs after restoring the 1 saved state "
                             "array(s) and repeating step 40"}),
        boost::test_tools::per_element());
    BOOST_TEST(summary(find_type(report, "rtf.bad_shape")) ==
                   all_pass_except({"output specs FAIL: out: shape (3) differs from port in (8)"}),
               boost::test_tools::per_element());
    BOOST_TEST(
        summary(find_type(report, "rtf.noisy")) ==
            in_both_dtypes({"config OK",
                            "initialize OK",
                            "deterministic FAIL: two runs with seed 42 filled different values",
                            "sparse fill SKIP: not offered: neurons fill this initializer's "
                            "kernels densely"}),
        boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(a_file_that_does_not_load_is_one_failure) {
    const auto report = check_plugin(registry, test_plugin("bad_abi_major"));
    BOOST_TEST(report.types.empty());
    BOOST_TEST(report.failures() == 1U);
    BOOST_TEST(report.load_error.find("bad_abi_major") != std::string::npos);
    BOOST_TEST(report.load_error.find("ABI") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(broken_properties_fail_the_properties_stage) {
    const auto report = check_plugin(registry, test_plugin("bad_property"));
    BOOST_TEST(report.load_error == "");
    BOOST_TEST(
        summary(find_type(report, "test.drifting_gain")) ==
            all_pass_except({"properties FAIL: gain: writing back the value it read changed it"}),
        boost::test_tools::per_element());
    const auto unreadable =
        line_of(find_type(report, "test.unreadable_level"), "float32", "properties");
    BOOST_TEST(unreadable.rfind("float32 properties FAIL: level: ", 0) == 0, unreadable);
    BOOST_TEST(unreadable.find("level cannot be read: simulated failure") != std::string::npos,
               unreadable);
}

BOOST_AUTO_TEST_CASE(a_property_the_instance_cannot_serve_passes_when_its_read_is_refused) {
    // A spec of payload kind 0 is not a broken property (a neuron without delays has no
    // delays.kernel), provided that reading it fails with SPARK_ERR_UNSUPPORTED.
    const auto report = check_plugin(registry, test_plugin("bad_property"));
    BOOST_TEST(summary(find_type(report, "test.absent_part")) ==
                   all_pass_except({"properties OK: part.level (unavailable here)"}),
               boost::test_tools::per_element());
}

BOOST_AUTO_TEST_SUITE_END()

// The checks that stepped only float32 and fed only 0/1 spikes: a float64 path or an inhibitory
// path could be broken and pass. broken_paths has one of each (its header comment gives the
// models); every old stage passes, the new stage finds the bug.
BOOST_FIXTURE_TEST_SUITE(plugin_check_paths, spark::test::registry_fixture)

namespace {

/// The check's random float inputs: mt19937_64(seed), uniform in [-1, 1), rounded to float32;
/// `skip` draws first.
std::vector<double> check_floats(std::size_t skip, std::size_t count) {
    std::mt19937_64 random(42);
    std::uniform_real_distribution<double> signal(-1.0, 1.0);
    std::vector<double> values;
    for (std::size_t k = 0; k < skip + count; ++k) {
        const auto x = static_cast<double>(static_cast<float>(signal(random)));
        if (k >= skip) {
            values.push_back(x);
        }
    }
    return values;
}

/// The number after `key` in `text`.
double number_after(const std::string& text, const std::string& key) {
    const auto at = text.find(key);
    BOOST_TEST_REQUIRE(at != std::string::npos, key << " in " << text);
    return std::stod(text.substr(at + key.size()));
}

} // namespace

BOOST_AUTO_TEST_CASE(a_broken_float64_path_fails_the_dtype_comparison_alone) {
    const auto report = check_plugin(registry, test_plugin("broken_paths"));
    const auto& leaky = find_type(report, "broken.leaky_f64");
    const auto lines = summary(leaky);
    const auto expected = all_pass_except({"both float32 vs float64 FAIL"});
    BOOST_TEST_REQUIRE(lines.size() == expected.size());
    for (std::size_t i = 0; i + 1 < lines.size(); ++i) { // every per-dtype stage, as before
        BOOST_TEST(lines[i] == expected[i]);
    }
    // Steps 0..19 feed zeros (v stays 0), step 20 the first 8 draws: v = in20 in both dtypes.
    // Step 21: v = in20 * (1 - dt/tau) + in21 in float32, in20 * (1 - 2 dt/tau) + in21 in
    // float64 (tau 20 ms, dt 1 ms): element 0 differs first.
    const auto draws = check_floats(0, 16);
    const float single = static_cast<float>(draws[0]) * 0.95F + static_cast<float>(draws[8]);
    const double twice = draws[0] * 0.9 + draws[8];
    const auto& line = lines.back();
    BOOST_TEST(line.rfind("both float32 vs float64 FAIL: step 21, out[0]: got ", 0) == 0U, line);
    BOOST_TEST(number_after(line, "got ") == static_cast<double>(single),
               boost::test_tools::tolerance(1e-7));
    BOOST_TEST(number_after(line, "in float32, expected ") == twice,
               boost::test_tools::tolerance(1e-12));
    BOOST_TEST(line.find("\n(floats: rtol 1e-04, atol 1e-05; spikes (bit0), masks and ints "
                         "exactly)") != std::string::npos,
               line);
    BOOST_TEST(leaky.failures() == 1U);
}

BOOST_AUTO_TEST_CASE(counting_bit1_alone_as_a_spike_fails_the_inhibition_bit_stage) {
    const auto report = check_plugin(registry, test_plugin("broken_paths"));
    const auto& neuron = find_type(report, "broken.any_spike_neuron");
    // The stage's inputs: per step, 8 draws of 0..3 from mt19937_64(42); bit0 says spike; odd
    // elements are inhibitory (a spike 3, silence 0, or 2 in the marked run). The model (header
    // of broken_paths.cpp) counts any non-zero value: run it on both to find the first step
    // where the marked run differs, and the values of units[0].
    std::mt19937_64 random(42);
    std::uniform_int_distribution<unsigned> draw(0, 3);
    double plain = 0;
    double marked = 0;
    int step = -1;
    bool plain_spiked = false;
    bool marked_spiked = false;
    for (int k = 0; k < 20 && step < 0; ++k) {
        int drive_plain = 0;
        int drive_marked = 0;
        for (int e = 0; e < 8; ++e) {
            const bool spike = (draw(random) & 1U) != 0;
            drive_plain += spike ? 1 : 0;
            drive_marked += spike || e % 2 == 1 ? 1 : 0;
        }
        plain = 0.9 * plain + 0.25 * drive_plain;
        marked = 0.9 * marked + 0.25 * drive_marked;
        plain_spiked = plain >= 1;
        marked_spiked = marked >= 1;
        plain = plain_spiked ? 0 : plain;
        marked = marked_spiked ? 0 : marked;
        if (plain_spiked != marked_spiked || plain != marked) {
            step = k;
        }
    }
    BOOST_TEST_REQUIRE(step >= 0);
    const std::string where = "with 2 on the silent odd elements of in_spikes, expected ";
    const std::string why =
        " as with 0 there (2 is bit1 alone: a silent inhibitory neuron, not a spike)";
    std::string message = "inhibition bit FAIL: step " + std::to_string(step) +
                          ", out_spikes[0]: got " + (marked_spiked ? "1 " : "0 ") + where +
                          (plain_spiked ? "1" : "0") + why + "; spike outputs compared in bit0";
    BOOST_TEST_REQUIRE(plain_spiked != marked_spiked); // what the drives above give at that step
    const auto lines = summary(neuron);
    for (const auto& dtype : both_dtypes) {
        const auto line = line_of(neuron, dtype, "inhibition bit");
        BOOST_TEST(line.rfind(dtype + " " + message + "\nstep " + std::to_string(step) +
                                  ", potential[0]: got ",
                              0) == 0U,
                   line);
    }
    // Every other stage passes: the stages before this one never fed bit1 alone.
    BOOST_TEST(neuron.failures() == 2U);
    BOOST_TEST(line_of(neuron, "float32", "steps (random inputs)") ==
               "float32 steps (random inputs) OK");
    BOOST_TEST(summary(neuron).back() == dtypes_agree);
}

BOOST_AUTO_TEST_CASE(random_spikes_are_0_to_3_so_a_type_fed_only_0_and_1_before_fails) {
    // bit1_table reads NaN for 2 and 3. The zero steps pass; the first random step (20) draws
    // 3 for element 0 (mt19937_64(42), uniform 0..3: 3 2 3 0 3 0 2 1), and so does every
    // later one that draws 2 or 3 anywhere.
    const auto report = check_plugin(registry, test_plugin("broken_paths"));
    const auto& table = find_type(report, "broken.bit1_table");
    for (const auto& dtype : both_dtypes) {
        BOOST_TEST(line_of(table, dtype, "steps (zero inputs)") ==
                   dtype + " steps (zero inputs) OK");
        BOOST_TEST(line_of(table, dtype, "steps (random inputs)")
                       .rfind(dtype + " steps (random inputs) FAIL: step 20: rate[0] is nan, "
                                      "expected a finite number\nstep 21: ",
                              0) == 0U);
    }
    BOOST_TEST(table.failures() == 2U);
}

BOOST_AUTO_TEST_CASE(random_spike_inputs_carry_the_inhibition_bit) {
    // echo_spikes copies bit0 only: fed 0..3 it must still pass every stage, and the
    // inhibition-bit stage names its spike input.
    const auto report = check_plugin(registry, test_plugin("ok_cpp"));
    BOOST_TEST(line_of(find_type(report, "testcpp.echo_spikes"), "float32", "inhibition bit") ==
               "float32 inhibition bit OK: 20 steps: 2 instead of 0 on the silent odd elements of "
               "in_spikes changed no output (spike outputs compared in bit0)");
}

BOOST_AUTO_TEST_SUITE_END()

// --type, --set, --shape and --reference (check_options): what they choose, and a clear error
// for each that does not fit the file.
BOOST_FIXTURE_TEST_SUITE(plugin_check_options, spark::test::registry_fixture)

namespace {

using spark::runtime::check_options;
using spark::runtime::reference_trace;
using spark::runtime::trace_field;

template <typename T>
trace_field field(const std::string& name,
                  std::int32_t dtype,
                  std::vector<std::uint32_t> dims,
                  const std::vector<T>& values) {
    trace_field out;
    out.name = name;
    out.dtype = dtype;
    out.shape.rank = static_cast<std::uint32_t>(dims.size());
    std::copy(dims.begin(), dims.end(), out.shape.dims);
    out.data.resize(values.size() * sizeof(T));
    std::memcpy(out.data.data(), values.data(), out.data.size());
    return out;
}

/// testcpp.accumulator with gain 2 (out = 2 * the running sum of in), 4 steps of shape (2, 3)
/// in `T`: in[k][i] = 0.5 (k + 1) + 0.25 i, and out from that equation.
template <typename T>
check_options accumulator_trace(std::int32_t dtype) {
    std::vector<T> in;
    std::vector<T> out;
    std::vector<double> total(6, 0.0);
    for (int k = 0; k < 4; ++k) {
        for (int i = 0; i < 6; ++i) {
            const double x = 0.5 * (k + 1) + 0.25 * i;
            total[static_cast<std::size_t>(i)] += 2.0 * x;
            in.push_back(static_cast<T>(x));
            out.push_back(static_cast<T>(total[static_cast<std::size_t>(i)]));
        }
    }
    check_options options;
    options.type = "accumulator";
    options.settings = {{"gain", "2"}};
    options.reference = reference_trace{
        "trace.npy", 4, {field("in", dtype, {2, 3}, in), field("out", dtype, {2, 3}, out)}};
    return options;
}

std::string request_error(spark::registry::plugin_registry& registry,
                          const std::string& plugin,
                          const check_options& options) {
    const auto report = check_plugin(registry, test_plugin(plugin), options);
    BOOST_TEST(report.types.empty());
    BOOST_TEST(report.failures() == 1U);
    return report.request_error;
}

} // namespace

BOOST_AUTO_TEST_CASE(type_checks_one_type_and_set_chooses_its_config) {
    check_options options;
    options.type = "testcpp.echo_spikes";
    options.settings = {{"units", "[6]"}};
    options.shapes = {{"in_spikes", {2, 3}}};
    const auto report = check_plugin(registry, test_plugin("ok_cpp"), options);
    BOOST_REQUIRE(report.types.size() == 1U);
    const auto& echo = report.types[0];
    BOOST_TEST(line_of(echo, "float32", "config") == "float32 config OK: set units = [6]");
    BOOST_TEST(echo.failures() == 0U);
    // --set dtype checks that dtype alone.
    options.settings.emplace_back("dtype", "float64");
    const auto single = check_plugin(registry, test_plugin("ok_cpp"), options);
    BOOST_TEST(line_of(single.types[0], "float32", "config") == "");
    BOOST_TEST(line_of(single.types[0], "float64", "config") ==
               "float64 config OK: set units = [6], dtype = \"float64\"");
    BOOST_TEST(summary(single.types[0]).back() ==
               "both float32 vs float64 SKIP: only float64 was checked (--set dtype or the "
               "reference's float fields chose it)");
}

BOOST_AUTO_TEST_CASE(a_plain_word_is_a_string_and_anything_else_json) {
    using spark::runtime::setting_json;
    BOOST_TEST(setting_json("linear") == "\"linear\"");
    BOOST_TEST(setting_json("float64") == "\"float64\"");
    BOOST_TEST(setting_json("2") == "2");
    BOOST_TEST(setting_json("[4,4]") == "[4,4]");
    BOOST_TEST(setting_json("true") == "true");
    BOOST_TEST(setting_json("\"a b\"") == "\"a b\"");
}

BOOST_AUTO_TEST_CASE(a_reference_computed_from_the_model_passes_and_names_its_tolerance) {
    const auto report =
        check_plugin(registry, test_plugin("ok_cpp"), accumulator_trace<double>(SPARK_DTYPE_F64));
    BOOST_TEST(report.request_error == "");
    BOOST_REQUIRE(report.types.size() == 1U);
    // Its float fields are float64: that dtype alone runs.
    BOOST_TEST(line_of(report.types[0], "float64", "reference") ==
               "float64 reference OK: 4 steps match trace.npy (floats: rtol 1e-09, atol 1e-12; "
               "spikes, masks and ints exactly)");
    BOOST_TEST(line_of(report.types[0], "float32", "reference") == "");
    BOOST_TEST(report.failures() == 0U);

    auto single = accumulator_trace<float>(SPARK_DTYPE_F32);
    single.tolerance = spark::runtime::float_tolerance{0.01, 0.5};
    const auto relaxed = check_plugin(registry, test_plugin("ok_cpp"), single);
    BOOST_TEST(line_of(relaxed.types[0], "float32", "reference") ==
               "float32 reference OK: 4 steps match trace.npy (floats: rtol 0.01, atol 0.5; "
               "spikes, masks and ints exactly)");
}

BOOST_AUTO_TEST_CASE(a_differing_reference_names_the_first_step_and_element_with_both_values) {
    auto options = accumulator_trace<double>(SPARK_DTYPE_F64);
    // out at step 2, element (1, 0) (flat index 3): 2 * (0.5 + 1.0 + 1.5 + 3 * 0.75) = 10.5 by the
    // model; the trace says 10.5 + 1e-6, beyond rtol 1e-9.
    auto& out = options.reference->fields[1];
    double value = 0;
    std::memcpy(&value, out.data.data() + (2 * 6 + 3) * sizeof(double), sizeof value);
    BOOST_TEST(value == 10.5);
    value += 1e-6;
    std::memcpy(out.data.data() + (2 * 6 + 3) * sizeof(double), &value, sizeof value);
    const auto report = check_plugin(registry, test_plugin("ok_cpp"), options);
    BOOST_TEST(line_of(report.types[0], "float64", "reference") ==
               "float64 reference FAIL: trace.npy differs (floats: rtol 1e-09, atol 1e-12; "
               "spikes, masks and ints exactly):\nstep 2, out[1, 0]: got 10.5, expected "
               "10.500001");
    BOOST_TEST(report.failures() == 1U);
}

BOOST_AUTO_TEST_CASE(a_spike_reference_is_compared_exactly) {
    // echo_spikes: out[i] = bit0 of in[i]; 3 steps of 4 elements.
    const std::vector<std::uint8_t> in{0, 1, 2, 3, 3, 3, 0, 0, 1, 2, 1, 2};
    std::vector<std::uint8_t> out;
    for (const auto s : in) {
        out.push_back(static_cast<std::uint8_t>(s & 1U));
    }
    check_options options;
    options.type = "echo_spikes";
    options.reference = reference_trace{"spikes.npy",
                                        3,
                                        {field("in_spikes", SPARK_DTYPE_U8, {4}, in),
                                         field("out_spikes", SPARK_DTYPE_U8, {4}, out)}};
    auto report = check_plugin(registry, test_plugin("ok_cpp"), options);
    // No float field: both dtypes run, each against the trace.
    for (const auto& dtype : both_dtypes) {
        BOOST_TEST(line_of(report.types[0], dtype, "reference") ==
                   dtype + " reference OK: 3 steps match spikes.npy (floats: rtol " +
                       (dtype == "float32" ? "1e-04, atol 1e-06" : "1e-09, atol 1e-12") +
                       "; spikes, masks and ints exactly)");
    }
    options.reference->fields[1].data[5] = std::byte{3}; // step 1, element 1: the echo gives 1
    report = check_plugin(registry, test_plugin("ok_cpp"), options);
    BOOST_TEST(line_of(report.types[0], "float32", "reference") ==
               "float32 reference FAIL: spikes.npy differs (floats: rtol 1e-04, atol 1e-06; "
               "spikes, masks and ints exactly):\nstep 1, out_spikes[1]: got 1, expected 3");
}

BOOST_AUTO_TEST_CASE(a_reference_of_the_wrong_shape_fails_the_stage_naming_the_fix) {
    auto options = accumulator_trace<double>(SPARK_DTYPE_F64);
    options.reference->fields[1].shape.dims[1] = 2; // out (2, 2), but in (2, 3) gives (2, 3)
    options.reference->fields[1].data.resize(4 * 4 * sizeof(double));
    const auto report = check_plugin(registry, test_plugin("ok_cpp"), options);
    BOOST_TEST(line_of(report.types[0], "float64", "reference") ==
               "float64 reference FAIL: trace.npy: field 'out' has shape (2, 2) per step, but "
               "output 'out' of testcpp.accumulator is built as (2, 3) with these inputs and "
               "config: write the field with that shape per step, or choose the config or input "
               "shapes that give its shape (--set, --shape)");
}

BOOST_AUTO_TEST_CASE(requests_that_do_not_fit_the_file_are_errors_naming_the_fix) {
    check_options options;
    options.type = "nope";
    BOOST_TEST(request_error(registry, "ok_cpp", options) ==
               "--type nope: the file has no such type; its types are testcpp.accumulator, "
               "testcpp.echo_spikes");
    options.type.clear();
    options.settings = {{"gain", "2"}};
    BOOST_TEST(request_error(registry, "ok_cpp", options) ==
               "--set, --shape and --reference apply to one type, and the file has 2: add --type "
               "NAME with one of testcpp.accumulator, testcpp.echo_spikes");
    options.type = "accumulator";
    options.settings = {{"gaim", "2"}};
    BOOST_TEST(request_error(registry, "ok_cpp", options) ==
               "--set gaim=2: testcpp.accumulator has no field 'gaim'; its fields are seed, "
               "dtype, dt, gain, initial (spark plugins describe testcpp.accumulator says what "
               "each holds)");
    options.settings = {{"gain", "-2"}};
    BOOST_TEST(request_error(registry, "ok_cpp", options) ==
               "--set gain=-2: the config of testcpp.accumulator refuses it: "
               "testcpp.accumulator/gain: gain must be > 0, got -2; give values the schema "
               "accepts (spark plugins describe testcpp.accumulator lists each field's type and "
               "validators)");
    options.settings = {{"dtype", "float16"}};
    BOOST_TEST(request_error(registry, "ok_cpp", options) ==
               "--set dtype=float16: testcpp.accumulator offers dtype float32 or float64");
    options.settings.clear();
    options.shapes = {{"inn", {3}}};
    BOOST_TEST(request_error(registry, "ok_cpp", options) ==
               "--shape inn: testcpp.accumulator has no port 'inn'; its inputs are 'in'");
    options.shapes = {{"out", {3}}};
    BOOST_TEST(request_error(registry, "ok_cpp", options) ==
               "--shape out: 'out' is an output of testcpp.accumulator, whose shape build() "
               "decides; give the shape of an input: 'in'");
    options.shapes = {{"in", {}}};
    BOOST_TEST(request_error(registry, "ok_cpp", options) ==
               "--shape in: a shape has 1 to 8 dimensions, each from 1 to 4294967295, e.g. "
               "--shape in=8,8");
}

BOOST_AUTO_TEST_CASE(references_that_do_not_fit_the_type_are_errors_naming_field_and_fix) {
    auto options = accumulator_trace<double>(SPARK_DTYPE_F64);
    options.reference->fields[0].name = "input";
    BOOST_TEST(request_error(registry, "ok_cpp", options) ==
               "--reference trace.npy: field 'input' is not a port of testcpp.accumulator; name "
               "each field after a port: inputs 'in', outputs 'out'");
    options = accumulator_trace<double>(SPARK_DTYPE_F64);
    options.reference->fields.erase(options.reference->fields.begin());
    BOOST_TEST(request_error(registry, "ok_cpp", options) ==
               "--reference trace.npy: it has no field for input 'in' of testcpp.accumulator; "
               "add one: its values to feed per step, named 'in'");
    options = accumulator_trace<double>(SPARK_DTYPE_F64);
    options.reference->fields.pop_back();
    BOOST_TEST(request_error(registry, "ok_cpp", options) ==
               "--reference trace.npy: it has no field for output 'out' of testcpp.accumulator; "
               "add one: its expected values per step, named 'out'");
    options = accumulator_trace<double>(SPARK_DTYPE_F64);
    options.reference->fields[1].dtype = SPARK_DTYPE_I32;
    BOOST_TEST(request_error(registry, "ok_cpp", options) ==
               "--reference trace.npy: field 'out' is int32, but output 'out' of "
               "testcpp.accumulator carries float: store it as float32 ('<f4') or float64 "
               "('<f8')");
    options = accumulator_trace<double>(SPARK_DTYPE_F64);
    options.settings.emplace_back("dtype", "float32");
    BOOST_TEST(request_error(registry, "ok_cpp", options) ==
               "--reference trace.npy: field 'in' is float64, which conflicts with --set "
               "dtype=float32: store every float field in the dtype to run (or drop --set "
               "dtype)");
    options = accumulator_trace<double>(SPARK_DTYPE_F64);
    options.shapes = {{"in", {6}}};
    BOOST_TEST(request_error(registry, "ok_cpp", options) ==
               "--shape in differs from the shape (2, 3) of field 'in' in --reference trace.npy: "
               "leave --shape out (the reference gives it) or make them agree");
    options = accumulator_trace<double>(SPARK_DTYPE_F64);
    options.reference->steps = 0;
    BOOST_TEST(request_error(registry, "ok_cpp", options) ==
               "--reference trace.npy: it holds no steps; write one row per step");
}

BOOST_AUTO_TEST_SUITE_END()
