// SPDX-License-Identifier: Apache-2.0
// spark.izhikevich_soma (upstream IzhikevichSoma, docs/models.md section 4.9, with quirk 12.1
// fixed: the quadratic uses the absolute potential V = v + potential_rest) loaded from the built
// spark.neurons plugin through the registry: its schema, a soma at rest with zero input stays
// silent and settles at the model's stable equilibrium (upstream's fires on every step, scenario
// S6a), a constant current gives regular spiking, in float64 and float32 against
// reference/golden_neurons.py (izhikevich_ours); reset and a state round trip.
#include <cmath>
#include <cstdint>
#include <vector>

#include <boost/test/unit_test.hpp>

#include <spark/abi/spark_abi.h>
#include <spark/registry/plugin_registry.hpp>

#include "models_fixture.hpp"
#include "soma_helpers.hpp"

using namespace spark::test::somas;

namespace {

constexpr const char* izhikevich = "izhikevich_soma";

constexpr double izhikevich_tight = 1e-12;
constexpr double izhikevich_f32_ulps =
    5e-7; // a few float32 ulps: no exp here, the same rounding order

struct rest_numbers {
    std::vector<double> v; // after steps 0..4
    std::vector<double> u; // after steps 0..4
    double v_999;
    double u_999;
};
// Defaults, zero input, 1000 steps: no spike. Step 0: V = -65 mV gives
// 0.04 V^2 + 5 V + 140 = 169 - 325 + 140 = -16 mV/ms, so v = -16; then a damped (forward Euler)
// oscillation toward the stable equilibrium.
const rest_numbers rest_f64 = {
    {-16.0, -18.527600000000003, -17.026038489599966, -17.92872113111055, -17.357506969846856},
    {-0.324, -0.6516304, -0.9667019459583999, -1.279082791563674, -1.582931163611788},
    -16.616530408261763,
    -16.323306060283606};
const rest_numbers rest_f32 = {
    {-16.0, -18.527597427368164, -17.026033401489258, -17.928722381591797, -17.357484817504883},
    {-0.3240000009536743,
     -0.6516304016113281,
     -0.9667019248008728,
     -1.2790827751159668,
     -1.5829310417175293},
    -16.61652946472168,
    -16.323265075683594};

struct spiking_numbers {
    std::vector<double> v; // after steps 0..7
    std::vector<double> u; // after steps 0..7
    double v_99;
    double u_99;
};
// Defaults, 200 pA, 100 steps: a spike every 7 steps from step 6.
const std::vector<std::uint64_t> spiking_spikes = {
    6, 13, 20, 27, 34, 41, 48, 55, 62, 69, 76, 83, 90, 97};
const spiking_numbers spiking_f64 = {{4.0,
                                      7.864400000000003,
                                      12.81223773439999,
                                      20.882633638137584,
                                      38.23250126334596,
                                      93.14703259356534,
                                      0.0,
                                      3.7331254880123623},
                                     {-0.24400000000000002,
                                      -0.46766240000000003,
                                      -0.6670602010624,
                                      -0.8301884624886018,
                                      -0.9206546881854459,
                                      -0.7896534640474756,
                                      2.6687451198763776,
                                      2.3703027194308994},
                                     6.120874884506019,
                                     7.627623886656278};
const spiking_numbers spiking_f32 = {{4.0,
                                      7.864397048950195,
                                      12.812210083007812,
                                      20.8825626373291,
                                      38.232337951660156,
                                      93.14639282226562,
                                      0.0,
                                      3.7331275939941406},
                                     {-0.24399998784065247,
                                      -0.46766239404678345,
                                      -0.6670603156089783,
                                      -0.8301888704299927,
                                      -0.9206557273864746,
                                      -0.7896570563316345,
                                      2.6687204837799072,
                                      2.3702785968780518},
                                     6.120859146118164,
                                     7.627608299255371};

template <typename T>
void check_rest(spark::test::models_fixture& f, const rest_numbers& n, double tolerance) {
    soma<T> m(f, izhikevich);
    const auto r = run_constant(m, 0.0, 1000, {"recovery"});
    BOOST_TEST(r.spike_steps.empty());
    check_values(r.v, n.v, 0, tolerance);
    check_values(r.after.at("recovery"), n.u, 0, tolerance);
    BOOST_TEST(r.v[999] == n.v_999, boost::test_tools::tolerance(tolerance));
    BOOST_TEST(r.after.at("recovery")[999] == n.u_999, boost::test_tools::tolerance(tolerance));
    // The stable equilibrium with zero input, from the equations alone: u = b V and
    // 0.04 V^2 + (5 - R b) V + 140 = 0 (smaller root), V = -81.6165 mV, so v = V + 65.
    const double p = 5.0 - 0.1 * 0.2;
    const double rest = (-p - std::sqrt(p * p - 4 * 0.04 * 140.0)) / (2 * 0.04);
    BOOST_TEST(r.v[999] == rest + 65.0, boost::test_tools::tolerance(1e-5));
    BOOST_TEST(r.after.at("recovery")[999] == 0.2 * rest, boost::test_tools::tolerance(1e-5));
    for (const double v : r.v) {
        BOOST_TEST(v < 0.0); // never above rest, far below the cut-off (95 mV above rest)
    }
}

template <typename T>
void check_spiking(spark::test::models_fixture& f, const spiking_numbers& n, double tolerance) {
    soma<T> m(f, izhikevich);
    const auto r = run_constant(m, 200.0, 100, {"recovery"});
    BOOST_TEST(r.spike_steps == spiking_spikes, boost::test_tools::per_element());
    check_values(r.v, n.v, 0, tolerance);
    check_values(r.after.at("recovery"), n.u, 0, tolerance);
    BOOST_TEST(r.v[99] == n.v_99, boost::test_tools::tolerance(tolerance));
    BOOST_TEST(r.after.at("recovery")[99] == n.u_99, boost::test_tools::tolerance(tolerance));
}

} // namespace

BOOST_FIXTURE_TEST_SUITE(izhikevich_soma, spark::test::models_fixture)

BOOST_AUTO_TEST_CASE(schema_has_upstreams_fields_defaults_units_and_ports) {
    check_soma_schema(registry,
                      izhikevich,
                      {{"potential_rest", "-65.0", "mV", 0},
                       {"potential_reset", "-65.0", "mV", 0},
                       {"resistance", "0.1", "GΩ", 0},
                       {"threshold", "30.0", "mV", SPARK_VALIDATOR_GREATER_THAN_FIELD},
                       {"recovery_timescale", "0.02", "", 0},
                       {"recovery_sensitivity", "0.2", "", 0},
                       {"recovery_update", "2.0", "", 0}});
}

BOOST_AUTO_TEST_CASE(a_threshold_at_or_below_the_reset_is_rejected) {
    BOOST_TEST(!spark::test::config_issues(registry, izhikevich, R"({"threshold": -65})").empty());
    BOOST_TEST(spark::test::config_issues(registry, izhikevich, "{}").empty());
}

// Upstream (S6a) puts v - potential_reset with the rebased v into the quadratic: 634 mV/ms at
// rest and a spike on every step with zero input.
BOOST_AUTO_TEST_CASE(at_rest_with_zero_input_it_stays_silent_float64) {
    check_rest<double>(*this, rest_f64, izhikevich_tight);
}

BOOST_AUTO_TEST_CASE(at_rest_with_zero_input_it_stays_silent_float32) {
    check_rest<float>(*this, rest_f32, izhikevich_f32_ulps);
}

BOOST_AUTO_TEST_CASE(a_constant_current_gives_regular_spiking_float64) {
    check_spiking<double>(*this, spiking_f64, izhikevich_tight);
}

BOOST_AUTO_TEST_CASE(a_constant_current_gives_regular_spiking_float32) {
    check_spiking<float>(*this, spiking_f32, izhikevich_f32_ulps);
}

BOOST_AUTO_TEST_CASE(reset_restores_the_initial_state_with_one_value_per_neuron) {
    check_reset(*this, izhikevich, {{"potential", 0.0}, {"recovery", 0.0}});
}

BOOST_AUTO_TEST_CASE(state_round_trip_resumes_the_identical_trajectory) {
    check_round_trip<double>(*this, izhikevich, {0.0, 200.0, 500.0});
    check_round_trip<float>(*this, izhikevich, {0.0, 200.0, 500.0});
}

BOOST_AUTO_TEST_SUITE_END()
