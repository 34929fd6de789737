// SPDX-License-Identifier: Apache-2.0
// brain_limits (docs/file-format.md section 11.2): a brain beyond them is refused from its plan,
// before any module is created, by validate() and by the Brain; and the numerics check of
// section 11.3 on a soma whose float32 resistance overflows.
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include <boost/test/unit_test.hpp>

#include <spark/runtime/brain.hpp>

#include "brain_fixture.hpp"
#include "log_capture.hpp"
#include "peak_memory.hpp"

using namespace spark::test;
using spark::runtime::brain_config;
using spark::runtime::brain_limits;
using spark::runtime::brain_options;
using spark::runtime::config_error;
using spark::runtime::numerics_check;

namespace {

/// Brain input `drive` (10 spikes) -> lif_neuron `A` of `units` neurons.
std::string lif_brain(const std::string& units) {
    return brain_json({input_json("drive", spec_json("spike_array", "[10]", "uint8"))},
                      {},
                      {module_json("A",
                                   "lif_neuron",
                                   port_json("in_spikes", {{"__call__", "drive"}}),
                                   R"({"units": [)" + units +
                                       R"(], "inhibitory_rate": 0, "delays": null, )"
                                       R"("learning_rule": null, "synapses": {"kernel": 100}})")});
}

/// Brain input `drive` (float32, (3,)) -> leaky_soma `soma` with `config`.
std::string soma_brain(const std::string& config) {
    return brain_json(
        {input_json("drive", spec_json("float_array", "[3]"))},
        {output_json("potential", "soma", "potential", spec_json("float_array", "[3]"))},
        {module_json("soma", "leaky_soma", port_json("current", {{"__call__", "drive"}}), config)});
}

struct neuron_brain : brain_fixture {
    neuron_brain() {
        (void)registry.load(SPARK_TEST_NEURONS_PLUGIN);
        (void)registry.load(SPARK_TEST_INITIALIZERS_PLUGIN);
    }
};

} // namespace

BOOST_FIXTURE_TEST_SUITE(brain_limits_hold, neuron_brain)

BOOST_AUTO_TEST_CASE(validate_refuses_a_huge_population_from_its_plan_without_creating_it) {
    const auto config = brain_config::from_json(lif_brain("2147483648"));
    // Built, a lif_neuron of 2^31 neurons would allocate gigabytes: this returns at once
    // because nothing is created.
    const auto found = lines(config.validate(registry));
    BOOST_TEST_REQUIRE(found.size() == 3U);
    // Neurons: the units; synapses: 10 inputs x 2^31 outputs = 21474836480.
    BOOST_TEST(found[0] ==
               "brain/A: the brain would need 2147483648 neurons (module 'A' the "
               "most), more than the limit of 100000000; check the module's shape (units), or "
               "raise it with --max-neurons (brain_limits::max_neurons in the API)");
    BOOST_TEST(found[1] ==
               "brain/A: the brain would need 21474836480 synapses (module 'A' the "
               "most), more than the limit of 2000000000; check the module's shape (units), or "
               "raise it with --max-synapses (brain_limits::max_synapses in the API)");
    BOOST_TEST(found[2].find("brain/A: the brain would need ") == 0U);
    BOOST_TEST(found[2].find("of memory (module 'A' the most), more than the limit of 16 GiB") !=
               std::string::npos);
}

BOOST_AUTO_TEST_CASE(a_brain_beyond_the_limits_still_reports_the_create_errors_of_its_modules) {
    // The huge A is not created (its create may size its state), but the limits hide nothing
    // else: bad, within them by itself, is created once and its create error reported with them,
    // in brain order (docs/adr/0025-one-validation-pass.md; create_fails refuses its default
    // limit 12, and its input port is required).
    registry.load(test_plugin("create_fails"));
    auto text = lif_brain("2147483648");
    const std::string modules = R"("modules_map": {)";
    text.insert(text.find(modules) + modules.size(), module_json("bad", "create_fails", "") + ", ");
    const auto found = lines(brain_config::from_json(text).validate(registry));
    BOOST_TEST_REQUIRE(found.size() == 5U);
    // bad's unwired port does not keep it from being created either.
    BOOST_TEST(found[0] == "brain/bad/inputs/in: required input port 'in' of test.create_fails is "
                           "not connected; list its sources");
    BOOST_TEST(found[1] == "brain/bad: test.create_fails 'bad': create failed "
                           "(SPARK_ERR_INVALID_ARGUMENT): limit must be <= 10, got 12");
    for (std::size_t i = 2; i < found.size(); ++i) {
        BOOST_TEST(found[i].find("brain/A: the brain would need ") == 0U, found[i]);
    }
}

BOOST_AUTO_TEST_CASE(validate_allocates_no_state_of_a_large_brain_within_the_limits) {
    // 50 million neurons and 500 million synapses, within the default limits: validate creates
    // the module (a plugin's own checks of its config) but never builds it, and a lif_neuron
    // sizes nothing at create, so neither its inhibition mask (50 MB) nor its potentials nor its
    // kernel (2 GB) are allocated.
    const auto config = brain_config::from_json(lif_brain("50000000"));
    std::vector<std::string> found;
    const std::size_t growth = peak_growth([&] { found = lines(config.validate(registry)); });
    BOOST_TEST(found.empty());
    BOOST_TEST(growth < std::size_t{8} << 20U, "validate's peak grew by " << growth << " bytes");
}

BOOST_AUTO_TEST_CASE(the_brain_refuses_one_neuron_beyond_its_limit_and_builds_at_it) {
    const auto config = brain_config::from_json(lif_brain("100"));
    brain_options options;
    options.executor = spark::runtime::executor_kind::sequential;
    options.limits.max_neurons = 99;
    options.limits.max_synapses = 1000; // 10 x 100: exactly at the limit
    BOOST_CHECK_EXCEPTION(
        (void)spark::runtime::brain(registry, config, options),
        config_error,
        [](const config_error& e) {
            return e.issues().size() == 1U && e.issues()[0].path == "brain/A" &&
                   e.issues()[0].message.find("100 neurons") != std::string::npos &&
                   e.issues()[0].message.find("limit of 99;") != std::string::npos;
        });
    options.limits.max_neurons = 100;
    BOOST_CHECK_NO_THROW((void)spark::runtime::brain(registry, config, options));
    options.limits.max_synapses = 999;
    BOOST_CHECK_THROW((void)spark::runtime::brain(registry, config, options), config_error);
}

// resistance 1e308 is beyond float32's largest value (about 3.4e38): R(resistance) = +inf, so
// g = R(1 - decay) * inf = +inf, and with the input current 0 the step adds g * 0 = NaN
// (IEEE 754: inf * 0). NaN > threshold is false, so no reset clears it: `potential` holds NaN
// from step 0 at element 0 (docs/models.md section 4.1, operation order of models §13.1).
BOOST_AUTO_TEST_CASE(an_output_turning_nan_is_reported_once_with_module_port_and_step) {
    const auto config = brain_config::from_json(soma_brain(R"({"resistance": 1e308})"));
    brain_options options;
    options.executor = spark::runtime::executor_kind::sequential;
    spark::runtime::brain brain(registry, config, options);
    captured_log().clear();
    for (int step = 0; step < 3; ++step) {
        brain.step();
    }
    const auto& reports = brain.numerics_reports();
    BOOST_TEST_REQUIRE(reports.size() == 1U); // once per port, however many steps
    BOOST_TEST(reports[0].module == "soma");
    BOOST_TEST(reports[0].type_id == "spark.leaky_soma");
    BOOST_TEST(reports[0].port == "potential");
    BOOST_TEST(reports[0].step == 0U);
    BOOST_TEST(reports[0].element == 0U);
    BOOST_TEST(std::isnan(reports[0].value));
    BOOST_TEST(captured_log().contains(
        "module 'soma' (spark.leaky_soma) output port 'potential' holds nan (element 0 of 3) "
        "after step 0"));
    brain.reset();
    BOOST_TEST(brain.numerics_reports().empty());
}

BOOST_AUTO_TEST_CASE(strict_numerics_stop_the_step_naming_module_type_port_and_step) {
    const auto config = brain_config::from_json(soma_brain(R"({"resistance": 1e308})"));
    brain_options options;
    options.executor = spark::runtime::executor_kind::sequential;
    options.numerics = numerics_check::error;
    spark::runtime::brain brain(registry, config, options);
    BOOST_CHECK_EXCEPTION(brain.step(), spark::runtime::step_error, [](const auto& e) {
        return e.module() == "soma" && e.type_id() == "spark.leaky_soma" && e.step_index() == 0U &&
               std::string(e.what()) ==
                   "module 'soma' (spark.leaky_soma) failed at step 0: output port 'potential' "
                   "holds nan (element 0 of 3); its state is no longer finite (the run stops "
                   "here: --strict-numerics, numerics_check::error)";
    });
    BOOST_CHECK_THROW(brain.step(), spark::error); // broken until reset
}

BOOST_AUTO_TEST_CASE(finite_outputs_and_the_off_check_report_nothing) {
    brain_options options;
    options.executor = spark::runtime::executor_kind::sequential;
    // The default resistance 0.1: v stays 0 with no input.
    spark::runtime::brain finite(registry, brain_config::from_json(soma_brain("{}")), options);
    finite.step();
    BOOST_TEST(finite.numerics_reports().empty());
    options.numerics = numerics_check::off;
    spark::runtime::brain unchecked(
        registry, brain_config::from_json(soma_brain(R"({"resistance": 1e308})")), options);
    unchecked.step();
    BOOST_TEST(unchecked.numerics_reports().empty());
    BOOST_TEST(std::isnan(unchecked.output("potential").as<float>()[0]));
}

BOOST_AUTO_TEST_SUITE_END()
