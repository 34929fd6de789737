// SPDX-License-Identifier: Apache-2.0
// spark.refractory_leaky_soma and spark.adaptive_leaky_soma (upstream RefractoryLeakySoma and
// AdaptiveLeakySoma, docs/models.md sections 4.2 and 4.4) loaded from the built spark.neurons
// plugin through the registry: their schemas, scenario S2 in float64 and float32 (fresh, and
// with the counter upstream's build-time mock step leaves, loaded through the state ABI), the
// refractory counter that never wraps, reset to the initial state with one value per neuron,
// and state round trips.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/test/unit_test.hpp>

#include <spark/abi/spark_abi.h>
#include <spark/registry/plugin_registry.hpp>

#include "models_fixture.hpp"
#include "soma_helpers.hpp"

using spark::test::port;
using spark::test::running_module;
using spark::test::str;
using spark::test::somas::check_values;
using spark::test::somas::dtype_code;
using spark::test::somas::dtype_text;
using spark::test::somas::soma;

namespace {

struct s2_run {
    std::vector<std::uint64_t> spike_steps;
    std::vector<double> v;              // potential after each step
    std::vector<double> threshold_used; // the threshold each step compared against
};

/// S2: constant 1000 pA for 40 steps on one neuron.
template <typename T>
s2_run run_s2(soma<T>& m, bool adaptive) {
    s2_run r;
    for (std::uint64_t k = 0; k < 40; ++k) {
        if (adaptive) {
            r.threshold_used.push_back(
                static_cast<double>(m.template state_values<T>("threshold").at(0)));
        }
        m.template in<T>(0)[0] = T(1000);
        m.step(k);
        if (m.template out<std::uint8_t>(0)[0] != 0) {
            BOOST_TEST(m.template out<std::uint8_t>(0)[0] == 1U); // bit0 only
            r.spike_steps.push_back(k);
        }
        r.v.push_back(static_cast<double>(m.template out<T>(1)[0]));
        BOOST_TEST(static_cast<double>(m.template state_values<T>("potential").at(0)) ==
                   r.v.back());
    }
    return r;
}

// S2 at full precision: reference/golden_neurons.py's refractory_family (f64 / f32; docs/models.md
// sections 4.2-4.4 and 13).
const std::vector<double> s2_v_fresh_f64 = {0.0,
                                            4.877057549928599,
                                            9.516258196404042,
                                            13.92920235749422,
                                            18.126924692201815,
                                            10.0,
                                            9.51229424500714,
                                            9.048374180359597,
                                            8.607079764250578,
                                            13.064365080708418,
                                            17.304266027118093,
                                            10.0};
const std::vector<double> s2_v_fresh_f32 = {0.0,
                                            4.877054691314697,
                                            9.516252517700195,
                                            13.929193496704102,
                                            18.12691307067871,
                                            10.0,
                                            9.51229476928711,
                                            9.048375129699707,
                                            8.607080459594727,
                                            13.064363479614258,
                                            17.304262161254883,
                                            10.0};
// The adaptive soma: the same potentials up to its second spike, then 21.3373845643114 (f64)
// at step 11 (fresh) where the refractory soma has reset.
const std::vector<double> s2_theta_fresh_f64 = {20.0,
                                                20.0,
                                                20.0,
                                                20.0,
                                                20.0,
                                                20.0,
                                                120.0,
                                                115.1229424500714,
                                                110.48374180359596,
                                                106.07079764250578,
                                                101.87307530779819,
                                                97.8800783071405};
const std::vector<double> s2_theta_fresh_f32 = {20.0,
                                                20.0,
                                                20.0,
                                                20.0,
                                                20.0,
                                                20.0,
                                                120.0,
                                                115.1229476928711,
                                                110.48374938964844,
                                                106.07080841064453,
                                                101.87308502197266,
                                                97.88008880615234};

} // namespace

BOOST_FIXTURE_TEST_SUITE(adaptive_leaky_soma, spark::test::models_fixture)

BOOST_AUTO_TEST_CASE(schemas_have_upstreams_fields_defaults_units_and_ports) {
    struct field {
        const char* name;
        const char* default_json;
        const char* units;
        std::int32_t validator; // 0: none
    };
    const field leaky[] = {{"potential_rest", "-60.0", "mV", 0},
                           {"potential_reset", "-50.0", "mV", 0},
                           {"potential_tau", "20.0", "ms", SPARK_VALIDATOR_POSITIVE},
                           {"resistance", "0.1", "GΩ", 0},
                           {"threshold", "-40.0", "mV", SPARK_VALIDATOR_GREATER_THAN_FIELD},
                           {"cooldown", "2.0", "ms", SPARK_VALIDATOR_NON_NEGATIVE},
                           {"threshold_tau", "20.0", "ms", SPARK_VALIDATOR_POSITIVE},
                           {"threshold_delta", "100.0", "mV", 0}};
    for (const auto& [type, count] :
         {std::pair<const char*, std::uint32_t>{"refractory_leaky_soma", 6},
          {"adaptive_leaky_soma", 8}}) {
        BOOST_TEST_CONTEXT(type) {
            const auto& info = registry.resolve(type);
            BOOST_TEST(info.canonical_id == std::string("spark.") + type);
            const auto& t = *info.abi;
            BOOST_TEST(t.kind == SPARK_KIND_COMPONENT);
            BOOST_TEST(!str(t.description).empty());
            BOOST_TEST_REQUIRE(t.field_count == count);
            for (std::uint32_t i = 0; i < count; ++i) {
                BOOST_TEST_CONTEXT(leaky[i].name) {
                    BOOST_TEST(str(t.fields[i].name) == leaky[i].name);
                    BOOST_TEST(t.fields[i].type == SPARK_FIELD_FLOAT);
                    BOOST_TEST(str(t.fields[i].default_json) == leaky[i].default_json);
                    BOOST_TEST(str(t.fields[i].units) == leaky[i].units);
                    BOOST_TEST(!str(t.fields[i].description).empty());
                    if (leaky[i].validator == 0) {
                        BOOST_TEST(t.fields[i].validator_count == 0U);
                    } else {
                        BOOST_TEST_REQUIRE(t.fields[i].validator_count == 1U);
                        BOOST_TEST(t.fields[i].validators[0].kind == leaky[i].validator);
                    }
                }
            }
            BOOST_TEST_REQUIRE(t.port_count == 4U);
            BOOST_TEST(str(t.ports[0].name) == "current");
            BOOST_TEST(t.ports[0].direction == SPARK_PORT_INPUT);
            BOOST_TEST(str(t.ports[0].payload_type) == "current_array");
            BOOST_TEST(str(t.ports[1].name) == "spikes");
            BOOST_TEST(t.ports[1].payload_kind == SPARK_PAYLOAD_SPIKES);
            BOOST_TEST(str(t.ports[1].shape_ref) == "current");
            BOOST_TEST(str(t.ports[2].name) == "potential");
            BOOST_TEST(str(t.ports[2].payload_type) == "potential_array");
            BOOST_TEST(str(t.ports[2].shape_ref) == "current");
        }
    }
}

BOOST_AUTO_TEST_CASE(a_negative_cooldown_or_threshold_tau_is_rejected) {
    BOOST_TEST(!spark::test::config_issues(registry, "refractory_leaky_soma", R"({"cooldown": -1})")
                    .empty());
    BOOST_TEST(spark::test::config_issues(registry, "refractory_leaky_soma", R"({"cooldown": 0})")
                   .empty());
    BOOST_TEST(
        !spark::test::config_issues(registry, "adaptive_leaky_soma", R"({"threshold_tau": 0})")
             .empty());
}

BOOST_AUTO_TEST_CASE(s2_refractory_fresh_float64_ignores_its_first_input_and_fires_every_6_steps) {
    soma<double> m(*this, "refractory_leaky_soma");
    const auto r = run_s2(m, false);
    BOOST_TEST(r.spike_steps == (std::vector<std::uint64_t>{5, 11, 17, 23, 29, 35}),
               boost::test_tools::per_element());
    check_values(r.v, s2_v_fresh_f64, 0, 1e-12);
}

BOOST_AUTO_TEST_CASE(s2_refractory_fresh_float32) {
    soma<float> m(*this, "refractory_leaky_soma");
    const auto r = run_s2(m, false);
    BOOST_TEST(r.spike_steps == (std::vector<std::uint64_t>{5, 11, 17, 23, 29, 35}),
               boost::test_tools::per_element());
    check_values(r.v, s2_v_fresh_f32, 0, 5e-7); // a few float32 ulps
}

BOOST_AUTO_TEST_CASE(s2_refractory_with_upstreams_mock_step_counter_matches_the_spec) {
    // Upstream's build-time mock step leaves r = c + 1 = 3: spikes 4, 10, 16, ... and the fresh
    // trajectory shifted by one step (docs/models.md section 13, S2).
    soma<double> m(*this, "refractory_leaky_soma");
    m.load_counter(3);
    const auto r = run_s2(m, false);
    BOOST_TEST(r.spike_steps == (std::vector<std::uint64_t>{4, 10, 16, 22, 28, 34}),
               boost::test_tools::per_element());
    check_values(
        r.v, std::vector<double>(s2_v_fresh_f64.begin() + 1, s2_v_fresh_f64.end()), 0, 1e-12);
}

BOOST_AUTO_TEST_CASE(s2_adaptive_fresh_float64_raises_its_threshold_by_100_mv) {
    soma<double> m(*this, "adaptive_leaky_soma");
    const auto r = run_s2(m, true);
    BOOST_TEST(r.spike_steps == (std::vector<std::uint64_t>{5, 25}),
               boost::test_tools::per_element());
    check_values(
        r.v, std::vector<double>(s2_v_fresh_f64.begin(), s2_v_fresh_f64.end() - 1), 0, 1e-12);
    BOOST_TEST(r.v[11] == 21.3373845643114, boost::test_tools::tolerance(1e-12));
    check_values(r.threshold_used, s2_theta_fresh_f64, 0, 1e-12);
    check_values(r.threshold_used,
                 {69.65853037914096,
                  67.23665527410148,
                  64.93289641172217,
                  62.741493194872675,
                  60.65696597405992,
                  58.67410234545013},
                 20,
                 1e-12);
}

BOOST_AUTO_TEST_CASE(s2_adaptive_fresh_float32) {
    soma<float> m(*this, "adaptive_leaky_soma");
    const auto r = run_s2(m, true);
    BOOST_TEST(r.spike_steps == (std::vector<std::uint64_t>{5, 25}),
               boost::test_tools::per_element());
    check_values(
        r.v, std::vector<double>(s2_v_fresh_f32.begin(), s2_v_fresh_f32.end() - 1), 0, 5e-7);
    BOOST_TEST(r.v[11] == 21.337377548217773, boost::test_tools::tolerance(5e-7));
    check_values(r.threshold_used, s2_theta_fresh_f32, 0, 5e-7);
    check_values(r.threshold_used,
                 {69.65853881835938,
                  67.23666381835938,
                  64.93290710449219,
                  62.74150466918945,
                  60.656978607177734,
                  58.67411422729492},
                 20,
                 5e-7);
}

BOOST_AUTO_TEST_CASE(s2_adaptive_with_upstreams_mock_step_counter_matches_the_spec) {
    // docs/models.md section 13 (S2), AdaptiveLeakySoma after the build-time mock step (r = 3):
    // spikes 4, 24; the threshold used jumps to 120 mV at step 5 and decays with tau 20 ms.
    for (const bool f64 : {true, false}) {
        BOOST_TEST_CONTEXT((f64 ? "float64" : "float32")) {
            s2_run r;
            if (f64) {
                soma<double> m(*this, "adaptive_leaky_soma");
                m.load_counter(3);
                r = run_s2(m, true);
            } else {
                soma<float> m(*this, "adaptive_leaky_soma");
                m.load_counter(3);
                r = run_s2(m, true);
            }
            const auto& v = f64 ? s2_v_fresh_f64 : s2_v_fresh_f32;
            const auto& theta = f64 ? s2_theta_fresh_f64 : s2_theta_fresh_f32;
            const double tolerance = f64 ? 1e-12 : 5e-7;
            BOOST_TEST(r.spike_steps == (std::vector<std::uint64_t>{4, 24}),
                       boost::test_tools::per_element());
            // one step ahead of the fresh run up to step 10, then 25.173805589388948 (f64)
            check_values(r.v, std::vector<double>(v.begin() + 1, v.end() - 1), 0, tolerance);
            BOOST_TEST(r.v[11] == (f64 ? 25.173805589388948 : 25.173795700073242),
                       boost::test_tools::tolerance(tolerance));
            check_values(r.threshold_used,
                         std::vector<double>(theta.begin() + 1, theta.end()),
                         0,
                         tolerance);
            BOOST_TEST(r.threshold_used[25] == (f64 ? 156.78794411714424 : 156.7879638671875),
                       boost::test_tools::tolerance(tolerance));
        }
    }
}

// Upstream's uint16 counter wraps to 0 after 65,536 silent steps and the neuron is refractory
// (deaf to its input) again for c + 1 steps; ours saturates at c + 1
// (docs/upstream-differences.md).
BOOST_AUTO_TEST_CASE(a_neuron_silent_for_70000_steps_is_still_ready) {
    soma<float> m(*this, "refractory_leaky_soma", {2});
    for (std::uint64_t k = 0; k < 70000; ++k) {
        m.step(k); // zero current
    }
    BOOST_TEST(m.state_values<std::int32_t>("refractory") == (std::vector<std::int32_t>{3, 3}),
               boost::test_tools::per_element());
    // 1e5 pA: V = (1 - e^-0.05) 0.1 1e5 = 487.7 mV > 20 after one ready step.
    m.in<float>(0)[0] = 1e5F;
    m.step(70000);
    BOOST_TEST(m.out<std::uint8_t>(0)[0] == 1U);
    BOOST_TEST(m.out<std::uint8_t>(0)[1] == 0U);
    BOOST_TEST(m.state_values<std::int32_t>("refractory") == (std::vector<std::int32_t>{0, 3}),
               boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(reset_restores_the_initial_state_with_one_value_per_neuron) {
    for (const char* type : {"refractory_leaky_soma", "adaptive_leaky_soma"}) {
        BOOST_TEST_CONTEXT(type) {
            soma<double> m(*this, type, {2, 3}, R"(, "cooldown": 4)");
            const bool adaptive = std::string_view(type) == "adaptive_leaky_soma";
            for (auto& i : m.in<double>(0)) {
                i = 1000.0;
            }
            for (std::uint64_t k = 0; k < 30; ++k) {
                m.step(k);
            }
            m.reset();
            for (const char* name : {"potential", "refractory", "threshold"}) {
                if (!adaptive && std::string_view(name) == "threshold") {
                    continue;
                }
                const auto a = m.state(name);
                BOOST_TEST_CONTEXT(name) {
                    BOOST_TEST_REQUIRE(a.shape.rank == 2U); // upstream's reset gives (1,)
                    BOOST_TEST(a.shape.dims[0] == 2U);
                    BOOST_TEST(a.shape.dims[1] == 3U);
                }
            }
            BOOST_TEST(m.state_values<double>("potential") == std::vector<double>(6, 0.0),
                       boost::test_tools::per_element());
            // r = c = round(4 ms / 1 ms)
            BOOST_TEST(m.state_values<std::int32_t>("refractory") ==
                           std::vector<std::int32_t>(6, 4),
                       boost::test_tools::per_element());
            if (adaptive) {
                // threshold - rest = -40 - (-60)
                BOOST_TEST(m.state_values<double>("threshold") == std::vector<double>(6, 20.0),
                           boost::test_tools::per_element());
            }
            for (const auto s : m.out<std::uint8_t>(0)) {
                BOOST_TEST(s == 0U);
            }
        }
    }
}

BOOST_AUTO_TEST_CASE(state_round_trip_resumes_the_identical_trajectory) {
    for (const char* type : {"refractory_leaky_soma", "adaptive_leaky_soma"}) {
        BOOST_TEST_CONTEXT(type) {
            soma<double> m(*this, type, {3});
            const double currents[] = {1000.0, 400.0, 2500.0};
            for (std::size_t o = 0; o < 3; ++o) {
                m.in<double>(0)[o] = currents[o];
            }
            for (std::uint64_t k = 0; k < 17; ++k) {
                m.step(k); // mid-refractory for some neurons
            }
            const auto saved = m.checkpoint();
            std::vector<std::vector<double>> v;
            std::vector<std::vector<std::uint8_t>> s;
            for (std::uint64_t k = 17; k < 60; ++k) {
                m.step(k);
                v.emplace_back(m.out<double>(1).begin(), m.out<double>(1).end());
                s.emplace_back(m.out<std::uint8_t>(0).begin(), m.out<std::uint8_t>(0).end());
            }
            m.reset();
            m.restore(saved);
            for (std::uint64_t k = 17; k < 60; ++k) {
                m.step(k);
                BOOST_TEST_CONTEXT("step " << k) {
                    BOOST_TEST(std::vector<double>(m.out<double>(1).begin(),
                                                   m.out<double>(1).end()) == v[k - 17],
                               boost::test_tools::per_element()); // bit for bit
                    BOOST_TEST(std::vector<std::uint8_t>(m.out<std::uint8_t>(0).begin(),
                                                         m.out<std::uint8_t>(0).end()) == s[k - 17],
                               boost::test_tools::per_element());
                }
            }
        }
    }
}

BOOST_AUTO_TEST_CASE(a_negative_loaded_counter_is_rejected) {
    soma<double> m(*this, "refractory_leaky_soma");
    BOOST_CHECK_THROW(m.load_counter(-1), spark::registry::plugin_error);
}

BOOST_AUTO_TEST_SUITE_END()
