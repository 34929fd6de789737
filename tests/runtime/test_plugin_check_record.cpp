// SPDX-License-Identifier: Apache-2.0
// check_options::record_steps (`spark plugins check --write-reference`): the "record" stage feeds
// the check's random inputs to a fresh instance and keeps each step's inputs and outputs as a
// trace that the reference stage reads back unchanged; a changed setting then fails it.
#include <cmath>
#include <cstdint>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include <boost/test/unit_test.hpp>

#include <spark/registry/plugin_registry.hpp>
#include <spark/runtime/plugin_check.hpp>

#include "fixtures.hpp"
#include "test_plugin_paths.hpp"

using spark::runtime::check_options;
using spark::runtime::check_outcome;
using spark::runtime::check_plugin;
using spark::runtime::plugin_check_report;
using spark::runtime::reference_trace;
using spark::runtime::trace_field;
using spark::runtime::type_check;
using spark::test::test_plugin;

// Named, not anonymous: the unity build puts this file next to test_plugin_check.cpp.
namespace record_helpers {

/// "<dtype> <stage> <OK|FAIL|SKIP>[: <message>]" of `stage`, or "" when the type has none.
std::string stage_line(const type_check& type, const std::string& dtype, const std::string& stage) {
    for (const auto& found : type.stages) {
        if (found.dtype == dtype && found.name == stage) {
            return dtype + " " + stage + " " +
                   std::string(spark::runtime::outcome_name(found.outcome)) +
                   (found.message.empty() ? "" : ": " + found.message);
        }
    }
    return {};
}

std::vector<std::string> stage_names(const type_check& type) {
    std::vector<std::string> names;
    for (const auto& stage : type.stages) {
        names.push_back(stage.dtype + " " + stage.name);
    }
    return names;
}

const trace_field& field_named(const reference_trace& trace, const std::string& name) {
    for (const auto& field : trace.fields) {
        if (field.name == name) {
            return field;
        }
    }
    throw std::runtime_error("the trace has no field " + name);
}

template <typename T>
T value_at(const trace_field& field, std::size_t index) {
    T value{};
    std::memcpy(&value, field.data.data() + index * sizeof(T), sizeof(T));
    return value;
}

/// The trace a passing check recorded, named `file`, to give back as a reference.
reference_trace recorded_as(const plugin_check_report& report, const std::string& file) {
    BOOST_REQUIRE(report.types.size() == 1U);
    BOOST_REQUIRE(report.types[0].recorded.has_value());
    auto trace = *report.types[0].recorded;
    trace.file = file;
    return trace;
}

/// The built-in plugins' folder, searched so that nested defaults resolve.
spark::registry::plugin_registry builtin_registry() {
    auto search = spark::test::isolated_search();
    search.paths = {spark::registry::plugin_registry::install_plugin_dir()};
    return spark::registry::plugin_registry(search);
}

} // namespace record_helpers

using namespace record_helpers;

BOOST_FIXTURE_TEST_SUITE(plugin_check_record, spark::test::registry_fixture)

BOOST_AUTO_TEST_CASE(a_recorded_accumulator_trace_holds_the_random_inputs_and_the_model_outputs) {
    check_options options;
    options.type = "accumulator";
    options.settings = {{"gain", "2"}};
    options.record_steps = 5;
    const auto report = check_plugin(registry, test_plugin("ok_cpp"), options);
    BOOST_REQUIRE(report.types.size() == 1U);
    const auto& type = report.types[0];
    BOOST_TEST(report.failures() == 0U);
    // float32 alone (no --set dtype), the record stage after properties.
    BOOST_TEST(stage_line(type, "float32", "record") ==
               "float32 record OK: 5 steps of random inputs recorded in float32 (the default; "
               "--set dtype=float64 records float64)");
    BOOST_TEST(stage_line(type, "float64", "config") == "");
    BOOST_TEST(stage_names(type).at(11) == "float32 record");
    BOOST_TEST(stage_names(type).back() == "both float32 vs float64");
    BOOST_TEST(stage_line(type, "both", "float32 vs float64") ==
               "both float32 vs float64 SKIP: only float32 was checked (a recorded trace is of "
               "one dtype)");
    // Inputs: what the "steps (random inputs)" stage draws first, mt19937_64(42) and uniform
    // [-1, 1) rounded to float32, 8 per step (shape (8)). Outputs: out = 2 * the running sum.
    const auto& trace = *type.recorded;
    BOOST_TEST(trace.steps == 5U);
    BOOST_REQUIRE(trace.fields.size() == 2U);
    BOOST_TEST(trace.fields[0].name == "in");
    BOOST_TEST(trace.fields[1].name == "out");
    for (const auto& field : trace.fields) {
        BOOST_TEST(field.dtype == SPARK_DTYPE_F32);
        BOOST_TEST(field.shape.rank == 1U);
        BOOST_TEST(field.shape.dims[0] == 8U);
        BOOST_TEST(field.data.size() == 5U * 8U * sizeof(float));
    }
    std::mt19937_64 random(42);
    std::uniform_real_distribution<double> signal(-1.0, 1.0);
    std::vector<double> total(8, 0.0);
    for (std::size_t k = 0; k < 5; ++k) {
        for (std::size_t e = 0; e < 8; ++e) {
            const auto in = static_cast<float>(signal(random));
            total[e] += 2.0 * in;
            BOOST_TEST(value_at<float>(trace.fields[0], k * 8 + e) == in);
            BOOST_TEST(value_at<float>(trace.fields[1], k * 8 + e) == total[e],
                       boost::test_tools::tolerance(1e-5));
        }
    }
}

BOOST_AUTO_TEST_CASE(a_recorded_trace_passes_as_a_reference_and_a_changed_gain_fails_it) {
    check_options record;
    record.type = "accumulator";
    record.settings = {{"gain", "2"}, {"dtype", "float64"}};
    record.record_steps = 4;
    const auto written = check_plugin(registry, test_plugin("ok_cpp"), record);
    BOOST_TEST(stage_line(written.types.at(0), "float64", "record") ==
               "float64 record OK: 4 steps of random inputs recorded in float64 (--set dtype "
               "chose it)");
    check_options compare;
    compare.type = "accumulator";
    compare.settings = {{"gain", "2"}};
    compare.reference = recorded_as(written, "baseline.npy");
    // Its float fields are float64, so that dtype alone runs, as when it was recorded.
    const auto same = check_plugin(registry, test_plugin("ok_cpp"), compare);
    BOOST_TEST(stage_line(same.types.at(0), "float64", "reference") ==
               "float64 reference OK: 4 steps match baseline.npy (floats: rtol 1e-09, atol 1e-12; "
               "spikes, masks and ints exactly)");
    BOOST_TEST(same.failures() == 0U);

    // Gain 3 gives 1.5 times every output: step 0 already differs, at its first element.
    compare.settings = {{"gain", "3"}};
    const auto changed = check_plugin(registry, test_plugin("ok_cpp"), compare);
    const auto& in = field_named(*compare.reference, "in");
    const double first = static_cast<double>(static_cast<float>(value_at<double>(in, 0)));
    BOOST_TEST(first == value_at<double>(in, 0)); // a float32 value, as the check draws them
    const auto line = stage_line(changed.types.at(0), "float64", "reference");
    BOOST_TEST(line.rfind("float64 reference FAIL: baseline.npy differs (floats: rtol 1e-09, atol "
                          "1e-12; spikes, masks and ints exactly):\nstep 0, out[0]: got ",
                          0) == 0U,
               line);
    BOOST_TEST(changed.failures() == 1U);
}

BOOST_AUTO_TEST_CASE(a_recorded_leaky_soma_trace_passes_and_another_resistance_fails_it) {
    auto builtins = builtin_registry();
    const auto neurons =
        spark::registry::plugin_registry::install_plugin_dir() / "spark-neurons.so";
    check_options record;
    record.type = "spark.leaky_soma";
    record.shapes = {{"inhibition_mask", {8}}}; // the optional input, wired
    record.record_steps = 20;
    const auto written = check_plugin(builtins, neurons, record);
    BOOST_TEST(written.failures() == 0U);
    const auto trace = recorded_as(written, "soma.npy");
    // Wired inputs, then outputs, in port order; float32, spikes and masks uint8.
    std::vector<std::string> names;
    for (const auto& field : trace.fields) {
        names.push_back(field.name + " " + std::to_string(field.dtype));
    }
    BOOST_TEST(names ==
                   (std::vector<std::string>{"current " + std::to_string(SPARK_DTYPE_F32),
                                             "inhibition_mask " + std::to_string(SPARK_DTYPE_U8),
                                             "spikes " + std::to_string(SPARK_DTYPE_U8),
                                             "potential " + std::to_string(SPARK_DTYPE_F32)}),
               boost::test_tools::per_element());
    // Step 0 from rest (the guide's model: exact decay toward rest plus R I): potential =
    // resistance * current * (1 - exp(-dt / tau)), resistance 0.1 GΩ, dt 1 ms, tau 20 ms.
    const auto& current = field_named(trace, "current");
    const auto& potential = field_named(trace, "potential");
    for (std::size_t e = 0; e < 8; ++e) {
        const double expected =
            0.1 * static_cast<double>(value_at<float>(current, e)) * (1.0 - std::exp(-1.0 / 20.0));
        BOOST_TEST(static_cast<double>(value_at<float>(potential, e)) == expected,
                   boost::test_tools::tolerance(1e-5));
    }
    // The masks the check drew are 0/1, and a soma marks its inhibitory neurons' spikes with bit1
    // (2 when silent): the spike output is 2 exactly where the mask is 1 (no neuron fires from
    // rest on currents below 1 pA).
    const auto& mask = field_named(trace, "inhibition_mask");
    const auto& spikes = field_named(trace, "spikes");
    for (std::size_t i = 0; i < 20 * 8; ++i) {
        const auto m = std::to_integer<unsigned>(mask.data[i]);
        BOOST_TEST(m <= 1U);
        BOOST_TEST(std::to_integer<unsigned>(spikes.data[i]) == 2U * m);
    }

    // Without --shape the optional input stays unwired, and out of the trace.
    record.shapes.clear();
    const auto unwired = check_plugin(builtins, neurons, record);
    std::vector<std::string> unwired_names;
    for (const auto& field : recorded_as(unwired, "unwired.npy").fields) {
        unwired_names.push_back(field.name);
    }
    BOOST_TEST(unwired_names == (std::vector<std::string>{"current", "spikes", "potential"}),
               boost::test_tools::per_element());

    check_options compare;
    compare.type = "spark.leaky_soma";
    compare.reference = trace;
    const auto same = check_plugin(builtins, neurons, compare);
    BOOST_TEST(stage_line(same.types.at(0), "float32", "reference") ==
               "float32 reference OK: 20 steps match soma.npy (floats: rtol 1e-04, atol 1e-06; "
               "spikes, masks and ints exactly)");
    BOOST_TEST(same.failures() == 0U);
    // Twice the resistance doubles every potential: step 0, element 0 differs first.
    compare.settings = {{"resistance", "0.2"}};
    const auto changed = check_plugin(builtins, neurons, compare);
    const auto line = stage_line(changed.types.at(0), "float32", "reference");
    BOOST_TEST(line.rfind("float32 reference FAIL: soma.npy differs (floats: rtol 1e-04, atol "
                          "1e-06; spikes, masks and ints exactly):\nstep 0, potential[0]: got ",
                          0) == 0U,
               line);
}

BOOST_AUTO_TEST_CASE(a_check_that_fails_records_nothing_past_its_failure) {
    // throws_in_step fails at step 3: the record stage, which runs 5 steps, fails too, with no
    // trace.
    check_options options;
    options.record_steps = 5;
    const auto report = check_plugin(registry, test_plugin("throws_in_step"), options);
    BOOST_REQUIRE(report.types.size() == 1U);
    BOOST_TEST(stage_line(report.types[0], "float32", "record").rfind("float32 record FAIL: ", 0) ==
                   0U,
               stage_line(report.types[0], "float32", "record"));
    BOOST_TEST(!report.types[0].recorded.has_value());
}

BOOST_AUTO_TEST_CASE(recording_requests_that_do_not_fit_are_errors_naming_the_fix) {
    const auto error_of = [&](const check_options& options) {
        const auto report = check_plugin(registry, test_plugin("ok_cpp"), options);
        BOOST_TEST(report.types.empty());
        return report.request_error;
    };
    check_options options;
    options.record_steps = 20;
    BOOST_TEST(error_of(options) ==
               "--write-reference records one type, and the file has 2: add --type NAME with one "
               "of testcpp.accumulator, testcpp.echo_spikes");
    options.type = "accumulator";
    options.record_steps = 0;
    BOOST_TEST(error_of(options) == "--steps 0: record at least 1 step");
    options.record_steps = 20;
    options.reference = reference_trace{"trace.npy", 1, {}};
    BOOST_TEST(error_of(options) ==
               "--reference and --write-reference: give one or the other (--reference compares "
               "against a trace, --write-reference records one)");

    auto builtins = builtin_registry();
    check_options initializer;
    initializer.type = "spark.uniform_initializer";
    initializer.record_steps = 20;
    const auto report = check_plugin(builtins,
                                     spark::registry::plugin_registry::install_plugin_dir() /
                                         "spark-initializers.so",
                                     initializer);
    BOOST_TEST(report.request_error ==
               "spark.uniform_initializer is an initializer, which has no ports to record: "
               "--write-reference applies to module types");
}

BOOST_AUTO_TEST_SUITE_END()
