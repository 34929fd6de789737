// SPDX-License-Identifier: Apache-2.0
// spark.strict_refractory_leaky_soma (upstream StrictRefractoryLeakySoma, docs/models.md
// section 4.3) loaded from the built spark.neurons plugin through the registry: its schema,
// scenario S2 in float64 and float32 (a fresh soma is ready; after a spike the potential is held
// at the reset for c steps), the saturating counter, reset and a state round trip.
#include <cstdint>
#include <vector>

#include <boost/test/unit_test.hpp>

#include <spark/abi/spark_abi.h>
#include <spark/registry/plugin_registry.hpp>

#include "models_fixture.hpp"
#include "soma_helpers.hpp"

using namespace spark::test::somas;

namespace {

constexpr const char* strict = "strict_refractory_leaky_soma";

// S2, StrictRefractoryLeakySoma fresh (r = c = 2), 1000 pA (docs/models.md sections 4.3 and 13):
// reference/golden_neurons.py (main_somas) runs refractory_family(R, 1000, 40, 2, 'strict').
const std::vector<double> s2_strict_f64 = {4.877057549928599,
                                           9.516258196404042,
                                           13.92920235749422,
                                           18.126924692201815,
                                           10.0,
                                           10.0,
                                           10.0,
                                           14.38935179493574,
                                           18.56463237676364,
                                           10.0,
                                           10.0,
                                           10.0};
const std::vector<double> s2_strict_f32 = {4.877054691314697,
                                           9.516252517700195,
                                           13.929193496704102,
                                           18.12691307067871,
                                           10.0,
                                           10.0,
                                           10.0,
                                           14.389348983764648,
                                           18.564626693725586,
                                           10.0,
                                           10.0,
                                           10.0};
const std::vector<std::uint64_t> s2_strict_spikes = {4, 9, 14, 19, 24, 29, 34, 39};

} // namespace

BOOST_FIXTURE_TEST_SUITE(strict_refractory_leaky_soma, spark::test::models_fixture)

BOOST_AUTO_TEST_CASE(schema_has_upstreams_fields_defaults_units_and_ports) {
    check_soma_schema(registry,
                      strict,
                      {{"potential_rest", "-60.0", "mV", 0},
                       {"potential_reset", "-50.0", "mV", 0},
                       {"potential_tau", "20.0", "ms", SPARK_VALIDATOR_POSITIVE},
                       {"resistance", "0.1", "GΩ", 0},
                       {"threshold", "-40.0", "mV", SPARK_VALIDATOR_GREATER_THAN_FIELD},
                       {"cooldown", "2.0", "ms", SPARK_VALIDATOR_NON_NEGATIVE}});
    // its cooldown says what it does here: the potential is held, not the input ignored
    const auto& t = *registry.resolve(strict).abi;
    BOOST_TEST(str(t.fields[5].description).find("held") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(a_negative_cooldown_is_rejected) {
    BOOST_TEST(!spark::test::config_issues(registry, strict, R"({"cooldown": -1})").empty());
    BOOST_TEST(spark::test::config_issues(registry, strict, R"({"cooldown": 0})").empty());
}

BOOST_AUTO_TEST_CASE(s2_strict_fresh_float64_is_ready_and_holds_the_reset_for_two_steps) {
    soma<double> m(*this, strict);
    const auto r = run_constant(m, 1000.0, 40);
    BOOST_TEST(r.spike_steps == s2_strict_spikes, boost::test_tools::per_element());
    check_values(r.v, s2_strict_f64, 0, 1e-12);
    // the period repeats: steps 14..21 are steps 4..11
    check_values(
        r.v, std::vector<double>(s2_strict_f64.begin() + 4, s2_strict_f64.end()), 14, 1e-12);
}

BOOST_AUTO_TEST_CASE(s2_strict_fresh_float32) {
    soma<float> m(*this, strict);
    const auto r = run_constant(m, 1000.0, 40);
    BOOST_TEST(r.spike_steps == s2_strict_spikes, boost::test_tools::per_element());
    check_values(r.v, s2_strict_f32, 0, 5e-7); // a few float32 ulps
}

BOOST_AUTO_TEST_CASE(the_counter_restarts_at_each_spike_and_saturates) {
    soma<double> m(*this, strict);
    run_constant(m, 1000.0, 8);
    // spikes at 4 (counter 0), then 1, 2 (= c, ready again at step 7), 3 after step 7
    BOOST_TEST(m.state_values<std::int32_t>("refractory") == std::vector<std::int32_t>{3},
               boost::test_tools::per_element());
    soma<double> silent(*this, strict, {1});
    for (std::uint64_t k = 0; k < 100; ++k) {
        silent.step(k);
    }
    BOOST_TEST(silent.state_values<std::int32_t>("refractory") == std::vector<std::int32_t>{3},
               boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(reset_restores_the_initial_state_with_one_value_per_neuron) {
    // r = c = round(4 ms / 1 ms)
    check_reset(*this, strict, {{"potential", 0.0}, {"refractory", 4.0}}, R"(, "cooldown": 4)");
}

BOOST_AUTO_TEST_CASE(state_round_trip_resumes_the_identical_trajectory) {
    check_round_trip<double>(*this, strict, {1000.0, 400.0, 2500.0});
    check_round_trip<float>(*this, strict, {1000.0, 400.0, 2500.0});
}

BOOST_AUTO_TEST_CASE(a_negative_loaded_counter_is_rejected) {
    soma<double> m(*this, strict);
    BOOST_CHECK_THROW(m.load_counter(-1), spark::registry::plugin_error);
}

BOOST_AUTO_TEST_SUITE_END()
