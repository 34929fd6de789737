// SPDX-License-Identifier: Apache-2.0
// spark.exponential_soma, spark.refractory_exponential_soma, spark.adaptive_exponential_soma and
// spark.simplified_adaptive_exponential_soma (upstream's exponential integrate-and-fire somas,
// docs/models.md sections 4.5-4.8) loaded from the built spark.neurons plugin through the
// registry: their schemas and validators, scenarios S6b and S6c in float64 and float32, the
// refractory and simplified adaptive somas against reference/golden_neurons.py, reset and state
// round trips.
#include <cstdint>
#include <string>
#include <vector>

#include <boost/test/unit_test.hpp>

#include <spark/abi/spark_abi.h>
#include <spark/registry/plugin_registry.hpp>

#include "models_fixture.hpp"
#include "soma_helpers.hpp"

using namespace spark::test::somas;

namespace {

constexpr const char* exponential = "exponential_soma";
constexpr const char* refractory = "refractory_exponential_soma";
constexpr const char* adex = "adaptive_exponential_soma";
constexpr const char* simplified = "simplified_adaptive_exponential_soma";

// Tolerances: float64 as tight as the reference allows; float32 a few ulps (upstream's XLA exp
// and ours may differ from the correctly rounded exp of the reference by an ulp, which the
// exponential term amplifies by up to ~30x on the step before a spike).
constexpr double tight = 1e-12;
constexpr double f32_ulps = 4e-6;

// Every number below is printed by reference/golden_neurons.py (main_somas): exponential_family,
// which reproduces its `exponential` (S6b, S6c of docs/models.md section 13) bit for bit,
// and writes out docs/models.md sections 4.6 and 4.8 for the refractory ones (fresh state
// r = c = 2).

// S6b: ExponentialSoma defaults, 50 pA. Potential after steps 0..12 and 55..59.
const std::vector<std::uint64_t> s6b_spikes = {11, 17, 23, 29, 35, 41, 47, 53, 59};
const std::vector<double> s6b_f64 = {5.000018159971905,
                                     9.000235763734391,
                                     12.201823512276757,
                                     14.769562960040973,
                                     16.844911088760412,
                                     18.5585214712852,
                                     20.041374197164725,
                                     21.441460381650653,
                                     22.975541860020055,
                                     25.151319863123803,
                                     30.377050206166693,
                                     19.0,
                                     20.442612263885053};
const std::vector<double> s6b_f64_late = {
    21.85317194493298, 23.49288597486603, 26.08797671726638, 34.265896307251886, 19.0};
const std::vector<double> s6b_f32 = {5.00001859664917,
                                     9.000236511230469,
                                     12.201824188232422,
                                     14.769563674926758,
                                     16.844911575317383,
                                     18.558521270751953,
                                     20.04137420654297,
                                     21.44145965576172,
                                     22.975540161132812,
                                     25.151317596435547,
                                     30.377042770385742,
                                     19.0,
                                     20.442611694335938};
const std::vector<double> s6b_f32_late = {
    21.853172302246094, 23.49288558959961, 26.087976455688477, 34.26589584350586, 19.0};

// S6c: AdaptiveExponentialSoma defaults, 50 pA, 80 steps. Potential after steps 0..4, w after
// steps 9..13 and 19..21, both after step 79 (S6c in docs/models.md section 13: w = 8.01916 after
// step 11, 12.86345 after 79).
const std::vector<std::uint64_t> s6c_spikes = {11, 20};
struct s6c_numbers {
    std::vector<double> v;
    std::vector<double> w_9;
    std::vector<double> w_19;
    double v_79;
    double w_79;
};
const s6c_numbers s6c_f64 = {{5.000018159971905,
                              8.997735754654405,
                              12.192847585788964,
                              14.749345367325871,
                              16.80819748498454},
                             {0.7967994605287352,
                              0.9334930766579925,
                              8.019158145891414,
                              8.037170046678979,
                              8.058013669233503},
                             {8.27161205728643, 15.283895936713565, 15.225628090697498},
                             22.620632717096985,
                             12.86344805856545};
const s6c_numbers s6c_f32 = {{5.00001859664917,
                              8.997735977172852,
                              12.192848205566406,
                              14.749345779418945,
                              16.808197021484375},
                             {0.7967994213104248,
                              0.9334929585456848,
                              8.019158363342285,
                              8.03717041015625,
                              8.058013916015625},
                             {8.271611213684082, 15.283895492553711, 15.225627899169922},
                             22.62062644958496,
                             12.863448143005371};

// RefractoryExponentialSoma defaults, fresh, 50 pA: step 0 ignores its input (v = the
// exponential term's 1.8e-5 mV), after each spike the input is ignored for c + 1 = 3 steps.
// Potential after steps 0..26.
const std::vector<std::uint64_t> refractory_50_spikes = {12, 25, 38, 51};
const std::vector<double> refractory_50_f64 = {1.815997190499394e-05,
                                               5.000032688114322,
                                               9.000247387855403,
                                               12.201832821075739,
                                               14.769570444800198,
                                               16.84491718607272,
                                               18.55852660093187,
                                               20.041378799887084,
                                               21.44146500361583,
                                               22.975547458085355,
                                               25.151329298351765,
                                               30.37708255015982,
                                               19.0,
                                               15.442612263885053,
                                               12.395056967376275,
                                               9.924971794059857,
                                               12.942573379811666,
                                               15.36579576243936,
                                               17.332060123478755,
                                               18.971019852495367,
                                               20.415938023416345,
                                               21.82522042551188,
                                               23.456502586099898,
                                               26.017521539761084,
                                               33.91892712755567,
                                               19.0,
                                               15.442612263885053};
const std::vector<double> refractory_50_f32 = {1.815997347875964e-05,
                                               5.000032901763916,
                                               9.000247955322266,
                                               12.201833724975586,
                                               14.769571304321289,
                                               16.84491729736328,
                                               18.55852699279785,
                                               20.041379928588867,
                                               21.441465377807617,
                                               22.975547790527344,
                                               25.151329040527344,
                                               30.37708282470703,
                                               19.0,
                                               15.442612648010254,
                                               12.395057678222656,
                                               9.924972534179688,
                                               12.942573547363281,
                                               15.365796089172363,
                                               17.332059860229492,
                                               18.971019744873047,
                                               20.415937423706055,
                                               21.825220108032227,
                                               23.45650291442871,
                                               26.01752281188965,
                                               33.9189338684082,
                                               19.0,
                                               15.442612648010254};

// RefractoryExponentialSoma defaults, fresh, 120 pA: period 6. Potential after steps 0..12 and
// 55..59, the counter after steps 0..12.
const std::vector<std::uint64_t> refractory_120_spikes = {4, 10, 16, 22, 28, 34, 40, 46, 52, 58};
const std::vector<double> refractory_120_f64 = {1.815997190499394e-05,
                                                12.000032688114322,
                                                21.60735252578867,
                                                30.179377084417006,
                                                19.0,
                                                15.442612263885053,
                                                12.395056967376275,
                                                9.924971794059857,
                                                19.94257337981167,
                                                28.34273670372375,
                                                19.0,
                                                15.442612263885053,
                                                12.395056967376275};
const std::vector<double> refractory_120_f64_late = {
    9.924971794059857, 19.94257337981167, 28.34273670372375, 19.0, 15.442612263885053};
const std::vector<double> refractory_120_f32 = {1.815997347875964e-05,
                                                12.000032424926758,
                                                21.60735321044922,
                                                30.179378509521484,
                                                19.0,
                                                15.442612648010254,
                                                12.395057678222656,
                                                9.924972534179688,
                                                19.94257354736328,
                                                28.342737197875977,
                                                19.0,
                                                15.442612648010254,
                                                12.395057678222656};
const std::vector<std::int32_t> refractory_120_counter = {3, 3, 3, 3, 0, 1, 2, 3, 3, 3, 0, 1, 2};

// SimplifiedAdaptiveExponentialSoma defaults (threshold_delta 100 mV, threshold_tau 20 ms),
// fresh, 120 pA: period 7 (one more step than the refractory soma: the raised threshold). The
// potential after steps 0..12 and 73..79, the threshold used at steps 0..12 and 79.
const std::vector<std::uint64_t> simplified_spikes = {4, 11, 18, 25, 32, 39, 46, 53, 60, 67, 74};
struct simplified_numbers {
    std::vector<double> v;
    std::vector<double> v_late;
    std::vector<double> theta;
    double theta_79;
};
const simplified_numbers simplified_f64 = {{1.815997190499394e-05,
                                            12.000032688114322,
                                            21.60735252578867,
                                            30.179377084417006,
                                            19.0,
                                            15.442612263885053,
                                            12.395056967376275,
                                            9.924971794059857,
                                            19.94257337981167,
                                            28.34273670372375,
                                            60.59581585522297,
                                            19.0,
                                            15.442612263885053},
                                           {60.59581585522297,
                                            19.0,
                                            15.442612263885053,
                                            12.395056967376275,
                                            9.924971794059857,
                                            19.94257337981167,
                                            28.34273670372375},
                                           {40.0,
                                            40.0,
                                            40.0,
                                            40.0,
                                            40.0,
                                            140.0,
                                            135.1229424500714,
                                            130.48374180359596,
                                            126.07079764250578,
                                            121.87307530779819,
                                            117.8800783071405,
                                            114.08182206817179,
                                            210.46880897187134},
                                           311.3430615362709};
const simplified_numbers simplified_f32 = {{1.815997347875964e-05,
                                            12.000032424926758,
                                            21.60735321044922,
                                            30.179378509521484,
                                            19.0,
                                            15.442612648010254,
                                            12.395057678222656,
                                            9.924972534179688,
                                            19.94257354736328,
                                            28.342737197875977,
                                            60.5958251953125,
                                            19.0,
                                            15.442612648010254},
                                           {60.5958251953125,
                                            19.0,
                                            15.442612648010254,
                                            12.395057678222656,
                                            9.924972534179688,
                                            19.94257354736328,
                                            28.342737197875977},
                                           {40.0,
                                            40.0,
                                            40.0,
                                            40.0,
                                            40.0,
                                            140.0,
                                            135.12295532226562,
                                            130.4837646484375,
                                            126.0708236694336,
                                            121.87310028076172,
                                            117.8801040649414,
                                            114.08184814453125,
                                            210.46884155273438},
                                           311.34320068359375};

template <typename T>
void check_s6b(spark::test::models_fixture& f,
               const std::vector<double>& v,
               const std::vector<double>& late,
               double tolerance) {
    soma<T> m(f, exponential);
    const auto r = run_constant(m, 50.0, 60);
    BOOST_TEST(r.spike_steps == s6b_spikes, boost::test_tools::per_element());
    check_values(r.v, v, 0, tolerance);
    check_values(r.v, late, 55, tolerance);
}

template <typename T>
void check_s6c(spark::test::models_fixture& f, const s6c_numbers& n, double tolerance) {
    soma<T> m(f, adex);
    const auto r = run_constant(m, 50.0, 80, {"adaptation"});
    BOOST_TEST(r.spike_steps == s6c_spikes, boost::test_tools::per_element());
    check_values(r.v, n.v, 0, tolerance);
    const auto& w = r.after.at("adaptation");
    check_values(w, n.w_9, 9, tolerance);
    check_values(w, n.w_19, 19, tolerance);
    BOOST_TEST(r.v[79] == n.v_79, boost::test_tools::tolerance(tolerance));
    BOOST_TEST(w[79] == n.w_79, boost::test_tools::tolerance(tolerance));
}

template <typename T>
void check_simplified(spark::test::models_fixture& f,
                      const simplified_numbers& n,
                      double tolerance) {
    soma<T> m(f, simplified);
    const auto r = run_constant(m, 120.0, 80, {"threshold"});
    BOOST_TEST(r.spike_steps == simplified_spikes, boost::test_tools::per_element());
    check_values(r.v, n.v, 0, tolerance);
    check_values(r.v, n.v_late, 73, tolerance);
    const auto& theta = r.before.at("threshold");
    check_values(theta, n.theta, 0, tolerance);
    BOOST_TEST(theta[79] == n.theta_79, boost::test_tools::tolerance(tolerance));
}

const std::vector<field> exponential_fields = {
    {"potential_rest", "-70.0", "mV", 0},
    {"potential_reset", "-51.0", "mV", 0},
    {"potential_tau", "5.0", "ms", SPARK_VALIDATOR_POSITIVE},
    {"resistance", "0.5", "GΩ", 0},
    {"threshold", "-30.0", "mV", SPARK_VALIDATOR_GREATER_THAN_FIELD},
    {"rheobase_threshold", "-50.0", "mV", 0},
    {"spike_slope", "2.0", "mV", SPARK_VALIDATOR_POSITIVE}};

std::vector<field> with(std::vector<field> base, const std::vector<field>& more) {
    base.insert(base.end(), more.begin(), more.end());
    return base;
}

const field cooldown = {"cooldown", "2.0", "ms", SPARK_VALIDATOR_NON_NEGATIVE};

} // namespace

BOOST_FIXTURE_TEST_SUITE(exponential_somas, spark::test::models_fixture)

BOOST_AUTO_TEST_CASE(schemas_have_upstreams_fields_defaults_units_and_ports) {
    check_soma_schema(registry, exponential, exponential_fields);
    check_soma_schema(registry, refractory, with(exponential_fields, {cooldown}));
    check_soma_schema(registry,
                      adex,
                      with(exponential_fields,
                           {{"adaptation_tau", "100.0", "ms", SPARK_VALIDATOR_POSITIVE},
                            {"adaptation_delta", "7.0", "pA", 0},
                            {"adaptation_subthreshold", "0.5", "nS", 0}}));
    check_soma_schema(registry,
                      simplified,
                      with(exponential_fields,
                           {cooldown,
                            {"threshold_tau", "20.0", "ms", SPARK_VALIDATOR_POSITIVE},
                            {"threshold_delta", "100.0", "mV", 0}}));
}

BOOST_AUTO_TEST_CASE(validators_reject_what_has_no_meaning) {
    const auto rejects = [&](const char* type, const char* overrides) {
        BOOST_TEST_CONTEXT(type << " " << overrides) {
            BOOST_TEST(!spark::test::config_issues(registry, type, overrides).empty());
        }
    };
    rejects(exponential, R"({"potential_tau": 0})");
    rejects(exponential, R"({"spike_slope": 0})"); // the exponential term divides by it
    rejects(exponential, R"({"threshold": -51})"); // not above potential_reset
    rejects(refractory, R"({"cooldown": -1})");
    rejects(adex, R"({"adaptation_tau": -100})");
    rejects(simplified, R"({"threshold_tau": 0})");
    for (const char* type : {exponential, refractory, adex, simplified}) {
        BOOST_TEST(spark::test::config_issues(registry, type, "{}").empty());
    }
}

BOOST_AUTO_TEST_CASE(a_threshold_whose_exponential_term_overflows_is_an_error_at_create) {
    // spike_slope exp((threshold - rheobase_threshold) / spike_slope) = 2 exp(100) = 5.4e43 at
    // the cut-off: beyond float32 (3.4e38), fine in float64.
    BOOST_CHECK_EXCEPTION(soma<float>(*this, exponential, {1}, R"(, "threshold": 150)"),
                          spark::registry::plugin_error,
                          [](const spark::registry::plugin_error& e) {
                              BOOST_TEST_MESSAGE(e.what());
                              return std::string(e.what()).find(
                                         "200.0 mV above rheobase_threshold") != std::string::npos;
                          });
    BOOST_CHECK_THROW(soma<float>(*this, adex, {1}, R"(, "threshold": 150)"),
                      spark::registry::plugin_error);
    soma<double> ok(*this, exponential, {1}, R"(, "threshold": 150)");
    ok.step(0);
    BOOST_TEST(ok.out<std::uint8_t>(0)[0] == 0U);
}

BOOST_AUTO_TEST_CASE(s6b_exponential_float64) {
    check_s6b<double>(*this, s6b_f64, s6b_f64_late, tight);
}

BOOST_AUTO_TEST_CASE(s6b_exponential_float32) {
    check_s6b<float>(*this, s6b_f32, s6b_f32_late, f32_ulps);
}

BOOST_AUTO_TEST_CASE(s6c_adaptive_exponential_float64) {
    check_s6c<double>(*this, s6c_f64, tight);
}

BOOST_AUTO_TEST_CASE(s6c_adaptive_exponential_float32) {
    check_s6c<float>(*this, s6c_f32, f32_ulps);
}

BOOST_AUTO_TEST_CASE(refractory_exponential_50_pa_ignores_its_first_input) {
    {
        soma<double> m(*this, refractory);
        const auto r = run_constant(m, 50.0, 60);
        BOOST_TEST(r.spike_steps == refractory_50_spikes, boost::test_tools::per_element());
        check_values(r.v, refractory_50_f64, 0, tight);
    }
    {
        soma<float> m(*this, refractory);
        const auto r = run_constant(m, 50.0, 60);
        BOOST_TEST(r.spike_steps == refractory_50_spikes, boost::test_tools::per_element());
        check_values(r.v, refractory_50_f32, 0, f32_ulps);
    }
}

BOOST_AUTO_TEST_CASE(refractory_exponential_120_pa_fires_every_6_steps) {
    {
        soma<double> m(*this, refractory);
        std::vector<std::int32_t> counter;
        for (std::uint64_t k = 0; k < 13; ++k) {
            m.in<double>(0)[0] = 120.0;
            m.step(k);
            counter.push_back(m.state_values<std::int32_t>("refractory").at(0));
        }
        BOOST_TEST(counter == refractory_120_counter, boost::test_tools::per_element());
    }
    {
        soma<double> m(*this, refractory);
        const auto r = run_constant(m, 120.0, 60);
        BOOST_TEST(r.spike_steps == refractory_120_spikes, boost::test_tools::per_element());
        check_values(r.v, refractory_120_f64, 0, tight);
        check_values(r.v, refractory_120_f64_late, 55, tight);
    }
    {
        soma<float> m(*this, refractory);
        const auto r = run_constant(m, 120.0, 60);
        BOOST_TEST(r.spike_steps == refractory_120_spikes, boost::test_tools::per_element());
        check_values(r.v, refractory_120_f32, 0, f32_ulps);
    }
}

BOOST_AUTO_TEST_CASE(simplified_adaptive_exponential_float64) {
    check_simplified<double>(*this, simplified_f64, tight);
}

BOOST_AUTO_TEST_CASE(simplified_adaptive_exponential_float32) {
    check_simplified<float>(*this, simplified_f32, f32_ulps);
}

BOOST_AUTO_TEST_CASE(a_silent_refractory_neuron_stays_ready) {
    for (const char* type : {refractory, simplified}) {
        BOOST_TEST_CONTEXT(type) {
            soma<float> m(*this, type, {2});
            for (std::uint64_t k = 0; k < 70000; ++k) {
                m.step(k); // zero current; upstream's uint16 counter would wrap at 65,536
            }
            BOOST_TEST(m.state_values<std::int32_t>("refractory") ==
                           (std::vector<std::int32_t>{3, 3}),
                       boost::test_tools::per_element());
        }
    }
}

BOOST_AUTO_TEST_CASE(reset_restores_the_initial_state_with_one_value_per_neuron) {
    check_reset(*this, exponential, {{"potential", 0.0}});
    // r = c = round(4 ms / 1 ms)
    check_reset(*this, refractory, {{"potential", 0.0}, {"refractory", 4.0}}, R"(, "cooldown": 4)");
    check_reset(*this, adex, {{"potential", 0.0}, {"adaptation", 0.0}});
    // threshold - rest = -30 - (-70)
    check_reset(*this,
                simplified,
                {{"potential", 0.0}, {"refractory", 4.0}, {"threshold", 40.0}},
                R"(, "cooldown": 4)");
}

BOOST_AUTO_TEST_CASE(state_round_trip_resumes_the_identical_trajectory) {
    for (const char* type : {exponential, refractory, adex, simplified}) {
        check_round_trip<double>(*this, type, {50.0, 120.0, 300.0});
        check_round_trip<float>(*this, type, {50.0, 120.0, 300.0});
    }
}

BOOST_AUTO_TEST_CASE(a_negative_loaded_counter_is_rejected) {
    for (const char* type : {refractory, simplified}) {
        soma<double> m(*this, type);
        BOOST_CHECK_THROW(m.load_counter(-1), spark::registry::plugin_error);
    }
}

BOOST_AUTO_TEST_SUITE_END()
