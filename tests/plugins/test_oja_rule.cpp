// SPDX-License-Identifier: Apache-2.0
// spark.oja_rule (upstream OjaRule, docs/models.md section 6.2) loaded from the built
// spark.neurons plugin through the registry: its schema, scenario S4b (both spike orders and
// coincident spikes) in float64 and float32, per-synapse (async) presynaptic spikes, the decay
// acting on every synapse of a neuron with a post trace, the clip at zero, reset and a state
// round trip.
#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include <boost/test/unit_test.hpp>

#include <spark/abi/spark_abi.h>
#include <spark/registry/plugin_registry.hpp>

#include "models_fixture.hpp"

using spark::test::learning_loop;
using spark::test::port;
using spark::test::running_module;
using spark::test::s4_protocols;
using spark::test::str;

namespace {

// S4b: K after steps 0..9 from K0 = 0.5, eta 0.1, tau_post 20 ms. f64: oja (docs/models.md
// sections 6.2 and 13; e.g. 0.49987500, 0.50330164, 0.50487500), at full precision from
// reference/golden_neurons.py; f32: its oja_rounded with every operation rounded.
const double s4b_f64[3][10] = {{0.5,
                                0.5,
                                0.5,
                                0.5,
                                0.5,
                                0.499875,
                                0.49976192359891486,
                                0.4996596309848979,
                                0.49956709174520475,
                                0.49948337428622064},
                               {0.499875,
                                0.49976192359891486,
                                0.4996596309848979,
                                0.49956709174520475,
                                0.49948337428622064,
                                0.5033016402064473,
                                0.5032325857572947,
                                0.5031701112806757,
                                0.5031135890544566,
                                0.5030624513742784},
                               {0.504875,
                                0.5047607925521422,
                                0.5046574767561897,
                                0.5045640118926936,
                                0.5044794570497737,
                                0.5044029614852997,
                                0.5043337559316639,
                                0.5042711447488134,
                                0.5042144988410373,
                                0.5041632492617298}};
const double s4b_f32[3][10] = {{0.5,
                                0.5,
                                0.5,
                                0.5,
                                0.5,
                                0.499875009059906,
                                0.4997619390487671,
                                0.4996596574783325,
                                0.4995671212673187,
                                0.4994834065437317},
                               {0.499875009059906,
                                0.4997619390487671,
                                0.4996596574783325,
                                0.4995671212673187,
                                0.4994834065437317,
                                0.5033016800880432,
                                0.5032325983047485,
                                0.5031701326370239,
                                0.5031136274337769,
                                0.5030624866485596},
                               {0.5048750042915344,
                                0.5047608017921448,
                                0.504657506942749,
                                0.5045640468597412,
                                0.5044794678688049,
                                0.5044029951095581,
                                0.5043337941169739,
                                0.5042712092399597,
                                0.5042145848274231,
                                0.5041633248329163}};

template <typename T>
void run_s4b(spark::test::models_fixture& f,
             const char* dtype,
             const double (&expected)[3][10],
             double tolerance) {
    for (std::size_t n = 0; n < 3; ++n) {
        const auto& p = s4_protocols[n];
        BOOST_TEST_CONTEXT(p.name) {
            learning_loop<T> m(
                f, "oja_rule", std::string(R"({"dtype": ")") + dtype + "\"}", 1, 1, false, T(0.5));
            for (int k = 0; k < 10; ++k) {
                m.learn(p, k);
                BOOST_TEST_CONTEXT("step " << k) {
                    BOOST_TEST(static_cast<double>(m.template out<T>(0)[0]) ==
                                   expected[n][static_cast<std::size_t>(k)],
                               boost::test_tools::tolerance(tolerance));
                }
            }
        }
    }
}

} // namespace

BOOST_FIXTURE_TEST_SUITE(oja_rule, spark::test::models_fixture)

BOOST_AUTO_TEST_CASE(schema_has_upstreams_fields_and_defaults) {
    const auto& info = registry.resolve("oja_rule");
    BOOST_TEST(info.canonical_id == "spark.oja_rule");
    const auto& t = *info.abi;
    BOOST_TEST(t.kind == SPARK_KIND_COMPONENT);
    BOOST_TEST_REQUIRE(t.field_count == 3U); // post_tau, eta (section 6.2), async_spikes
    BOOST_TEST(str(t.fields[0].name) == "post_tau");
    BOOST_TEST(str(t.fields[0].default_json) == "20.0");
    BOOST_TEST(str(t.fields[0].units) == "ms");
    BOOST_TEST_REQUIRE(t.fields[0].validator_count == 1U);
    BOOST_TEST(t.fields[0].validators[0].kind == SPARK_VALIDATOR_POSITIVE);
    BOOST_TEST(str(t.fields[1].name) == "eta");
    BOOST_TEST(str(t.fields[1].default_json) == "0.1");
    BOOST_TEST(str(t.fields[2].name) == "async_spikes");
    BOOST_TEST(str(t.fields[2].default_json) == "false");
    spark::test::check_rule_ports(t);
}

BOOST_AUTO_TEST_CASE(s4b_float64_matches_the_golden_kernel) {
    run_s4b<double>(*this, "float64", s4b_f64, 1e-12);
}

BOOST_AUTO_TEST_CASE(s4b_float32_matches_the_golden_kernel) {
    // float32 with the same operation order: a few ulps of 0.5 (6e-8)
    run_s4b<float>(*this, "float32", s4b_f32, 1e-6);
}

BOOST_AUTO_TEST_CASE(async_spikes_give_each_synapse_its_own_presynaptic_spike) {
    // 2 post x 1 pre, per-synapse pre spikes: synapse (0, 0) runs S4b's "pre@0, post@5", synapse
    // (1, 0) "post@0, pre@5" with an inhibitory (bit1) pre spike, which counts like any other.
    learning_loop<double> m(
        *this, "oja_rule", R"({"dtype": "float64", "async_spikes": true})", 2, 1, true, 0.5);
    for (int k = 0; k < 10; ++k) {
        auto pre = m.in<std::uint8_t>(0);
        auto post = m.in<std::uint8_t>(1);
        pre[0] = k == 0 ? 1 : 0;
        pre[1] = k == 5 ? 3 : 2;
        post[0] = k == 5 ? 1 : 0;
        post[1] = k == 0 ? 1 : 0;
        m.learn(static_cast<std::uint64_t>(k));
        BOOST_TEST_CONTEXT("step " << k) {
            const auto at = static_cast<std::size_t>(k);
            BOOST_TEST(m.out<double>(0)[0] == s4b_f64[0][at], boost::test_tools::tolerance(1e-12));
            BOOST_TEST(m.out<double>(0)[1] == s4b_f64[1][at], boost::test_tools::tolerance(1e-12));
        }
    }
}

BOOST_AUTO_TEST_CASE(the_decay_acts_on_every_synapse_of_a_neuron_with_a_post_trace) {
    // 2 post x 3 pre, sync, K0 0.5, post 0 fires at 0 and no pre neuron ever fires: every synapse
    // of post 0 follows S4b's "post@0, pre@5" up to step 4 (W y^2 decay only); post 1's stay.
    learning_loop<double> m(*this, "oja_rule", R"({"dtype": "float64"})", 2, 3, false, 0.5);
    for (int k = 0; k < 5; ++k) {
        m.in<std::uint8_t>(1)[0] = k == 0 ? 1 : 0;
        m.learn(static_cast<std::uint64_t>(k));
    }
    const auto w = m.out<double>(0);
    for (std::size_t i = 0; i < 3; ++i) {
        BOOST_TEST(w[i] == s4b_f64[1][4], boost::test_tools::tolerance(1e-12));
        BOOST_TEST(w[3 + i] == 0.5);
    }
}

BOOST_AUTO_TEST_CASE(weights_are_clipped_at_zero) {
    // W <- max(0, W + dt dW): a negative kernel entry becomes 0 on the first step, even silent.
    learning_loop<double> m(*this, "oja_rule", R"({"dtype": "float64"})", 1, 2, false, -1.0);
    m.in<double>(2)[1] = 0.25;
    m.learn(0);
    BOOST_TEST(m.out<double>(0)[0] == 0.0);
    BOOST_TEST(m.out<double>(0)[1] == 0.25);
}

BOOST_AUTO_TEST_CASE(only_the_post_trace_is_state_and_reset_clears_it) {
    learning_loop<double> m(*this, "oja_rule", R"({"dtype": "float64"})", 1, 1, false, 0.5);
    std::vector<std::string> names;
    for (const auto& a : m.instance.state()) {
        names.emplace_back(a.name);
    }
    BOOST_TEST(names == std::vector<std::string>{"post_trace"}, boost::test_tools::per_element());
    m.in<std::uint8_t>(1)[0] = 1;
    m.learn(0);
    BOOST_TEST(m.state_values<double>("post_trace") == std::vector<double>{1.0 / 20.0},
               boost::test_tools::per_element());
    m.reset();
    BOOST_TEST(m.state_values<double>("post_trace") == std::vector<double>{0.0},
               boost::test_tools::per_element());
    // and S4b's coincident protocol runs from the start again
    m.in<double>(2)[0] = 0.5;
    m.in<std::uint8_t>(0)[0] = 1;
    m.learn(0);
    BOOST_TEST(m.out<double>(0)[0] == s4b_f64[2][0], boost::test_tools::tolerance(1e-12));
}

BOOST_AUTO_TEST_CASE(state_round_trip_resumes_the_same_kernel) {
    learning_loop<double> m(*this, "oja_rule", R"({"dtype": "float64"})", 1, 1, false, 0.5);
    m.in<std::uint8_t>(1)[0] = 1;
    m.learn(0); // post@0
    m.in<std::uint8_t>(1)[0] = 0;
    const auto saved = m.checkpoint();
    const auto kernel = m.in<double>(2)[0];
    m.reset();
    m.restore(saved);
    m.in<double>(2)[0] = kernel;
    for (int k = 1; k < 10; ++k) {
        m.in<std::uint8_t>(0)[0] = k == 5 ? 1 : 0; // "post@0, pre@5" of S4b
        m.learn(static_cast<std::uint64_t>(k));
        BOOST_TEST(m.out<double>(0)[0] == s4b_f64[1][static_cast<std::size_t>(k)],
                   boost::test_tools::tolerance(1e-12));
    }
}

BOOST_AUTO_TEST_SUITE_END()
