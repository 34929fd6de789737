// SPDX-License-Identifier: Apache-2.0
// spark.zenke_rule (upstream ZenkeRule, docs/models.md section 6.3) loaded from the built
// spark.neurons plugin through the registry: its schema, scenario S4c (both spike orders and
// coincident spikes: the kernel and the target trace) in float64 and float32, per-synapse
// (async) presynaptic spikes, the clip at zero, reset and a state round trip.
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

struct trajectory {
    std::vector<double> kernel; // K after steps 0..9
    std::vector<double> target; // z after steps 0..9
};

// S4c at full precision from reference/golden_neurons.py: f64 runs its zenke (docs/models.md
// sections 6.3 and 13), f32 its zenke_rounded.
const trajectory s4c_f64[] = {{{0.6,
                                0.6,
                                0.6,
                                0.6,
                                0.6,
                                0.6001872023823388,
                                0.6001872023823388,
                                0.6001872023823388,
                                0.6001872023823388,
                                0.6001872023823388},
                               {2.5e-05,
                                5.499562549998385e-05,
                                8.498600360248752e-05,
                                0.0001149711365744396,
                                0.00014495102668150254,
                                0.0001749256761880736,
                                0.00020490444747640264,
                                0.00023487798105410886,
                                0.00026484627918292575,
                                0.00029480934412332444}},
                              {{0.4999937503125,
                                0.4999937503125,
                                0.4999937503125,
                                0.4999937503125,
                                0.4999937503125,
                                0.5960997463971429,
                                0.5960997463971429,
                                0.5960997463971429,
                                0.5960997463971429,
                                0.5960997463971429},
                               {2.5e-05,
                                4.999531301560885e-05,
                                7.498625328847275e-05,
                                9.997282252028551e-05,
                                0.00012495502241185815,
                                0.00014993285466311944,
                                0.00017971162077734868,
                                0.00020948518300460152,
                                0.00023925354358312335,
                                0.00026901670474991355}},
                              {{0.5952437503125,
                                0.5952437503125,
                                0.5952437503125,
                                0.5952437503125,
                                0.5952437503125,
                                0.5952437503125,
                                0.5952437503125,
                                0.5952437503125,
                                0.5952437503125,
                                0.5952437503125},
                               {2.5e-05,
                                5.4757813015608854e-05,
                                8.451042023105162e-05,
                                0.00011425782388467722,
                                0.0001440000262135884,
                                0.00017373702945364274,
                                0.0002034688358394534,
                                0.00023319544760439014,
                                0.0002629168669805802,
                                0.0002926330961989092}}};
const trajectory s4c_f32[] = {{{0.6000000238418579,
                                0.6000000238418579,
                                0.6000000238418579,
                                0.6000000238418579,
                                0.6000000238418579,
                                0.6001872420310974,
                                0.6001872420310974,
                                0.6001872420310974,
                                0.6001872420310974,
                                0.6001872420310974},
                               {2.499999936844688e-05,
                                5.499562757904641e-05,
                                8.498600800521672e-05,
                                0.00011497113882796839,
                                0.00014495103096123785,
                                0.00017492567712906748,
                                0.00020490445604082197,
                                0.00023487799626309425,
                                0.0002648462832439691,
                                0.00029480934608727694}},
                              {{0.4999937415122986,
                                0.4999937415122986,
                                0.4999937415122986,
                                0.4999937415122986,
                                0.4999937415122986,
                                0.5960997343063354,
                                0.5960997343063354,
                                0.5960997343063354,
                                0.5960997343063354,
                                0.5960997343063354},
                               {2.499999936844688e-05,
                                4.999530938221142e-05,
                                7.498625200241804e-05,
                                9.997282177209854e-05,
                                0.00012495502596721053,
                                0.000149932864587754,
                                0.0001797116274246946,
                                0.00020948518067598343,
                                0.00023925353889353573,
                                0.0002690166875254363}},
                              {{0.5952437520027161,
                                0.5952437520027161,
                                0.5952437520027161,
                                0.5952437520027161,
                                0.5952437520027161,
                                0.5952437520027161,
                                0.5952437520027161,
                                0.5952437520027161,
                                0.5952437520027161,
                                0.5952437520027161},
                               {2.499999936844688e-05,
                                5.475781290442683e-05,
                                8.451041503576562e-05,
                                0.00011425781121943146,
                                0.0001440000196453184,
                                0.00017373701848555356,
                                0.0002034688222920522,
                                0.00023319543106481433,
                                0.0002629168448038399,
                                0.0002926330780610442}}};

template <typename T>
void run_s4c(spark::test::models_fixture& f,
             const char* dtype,
             const trajectory* expected,
             double tolerance) {
    for (std::size_t n = 0; n < 3; ++n) {
        const auto& p = s4_protocols[n];
        BOOST_TEST_CONTEXT(p.name) {
            learning_loop<T> m(f,
                               "zenke_rule",
                               std::string(R"({"dtype": ")") + dtype + "\"}",
                               1,
                               1,
                               false,
                               T(0.5));
            for (int k = 0; k < 10; ++k) {
                m.learn(p, k);
                BOOST_TEST_CONTEXT("step " << k) {
                    const auto at = static_cast<std::size_t>(k);
                    BOOST_TEST(static_cast<double>(m.template out<T>(0)[0]) ==
                                   expected[n].kernel[at],
                               boost::test_tools::tolerance(tolerance));
                    BOOST_TEST(static_cast<double>(m.template state_values<T>("target").at(0)) ==
                                   expected[n].target[at],
                               boost::test_tools::tolerance(tolerance));
                }
            }
        }
    }
}

} // namespace

BOOST_FIXTURE_TEST_SUITE(zenke_rule, spark::test::models_fixture)

BOOST_AUTO_TEST_CASE(schema_has_upstreams_fields_and_defaults) {
    const auto& info = registry.resolve("zenke_rule");
    BOOST_TEST(info.canonical_id == "spark.zenke_rule");
    const auto& t = *info.abi;
    BOOST_TEST(t.kind == SPARK_KIND_COMPONENT);
    struct field {
        const char* name;
        const char* default_json;
        const char* units;
        bool positive;
    };
    const field expected[] = {{"pre_tau", "20.0", "ms", true},
                              {"post_tau", "20.0", "ms", true},
                              {"post_slow_tau", "20.0", "ms", true},
                              {"target_tau", "20000.0", "ms", true},
                              {"a", "1.0", "", false},
                              {"b", "-1.0", "", false},
                              {"c", "-1.0", "", false},
                              {"d", "1.0", "", false},
                              {"p", "20.0", "", false},
                              {"eta", "0.1", "", false}};
    BOOST_TEST_REQUIRE(t.field_count == 11U); // plus async_spikes, as hebbian_rule
    for (std::uint32_t i = 0; i < 10; ++i) {
        BOOST_TEST_CONTEXT(expected[i].name) {
            BOOST_TEST(str(t.fields[i].name) == expected[i].name);
            BOOST_TEST(t.fields[i].type == SPARK_FIELD_FLOAT);
            BOOST_TEST(str(t.fields[i].default_json) == expected[i].default_json);
            BOOST_TEST(str(t.fields[i].units) == expected[i].units);
            BOOST_TEST(!str(t.fields[i].description).empty());
            BOOST_TEST(t.fields[i].validator_count == (expected[i].positive ? 1U : 0U));
            if (expected[i].positive) {
                BOOST_TEST(t.fields[i].validators[0].kind == SPARK_VALIDATOR_POSITIVE);
            }
        }
    }
    BOOST_TEST(str(t.fields[10].name) == "async_spikes");
    BOOST_TEST(str(t.fields[10].default_json) == "false");
    spark::test::check_rule_ports(t);
}

BOOST_AUTO_TEST_CASE(s4c_float64_matches_the_golden_kernel_and_target) {
    run_s4c<double>(*this, "float64", s4c_f64, 1e-12);
}

BOOST_AUTO_TEST_CASE(s4c_float32_matches_the_golden_kernel_and_target) {
    // float32 with the same operation order: a few ulps
    run_s4c<float>(*this, "float32", s4c_f32, 1e-6);
}

BOOST_AUTO_TEST_CASE(each_presynaptic_spike_adds_eta_d_to_all_its_synapses) {
    // S4c's transmitter-induced term (docs/models.md section 6.3: "each pre spike adds 0.1"): 3
    // post x 2 pre, sync, pre 0 fires once, no post spike: W[*][0] = 0.5 + 0.1 - eta * y * 0 = 0.6;
    // W[*][1] stays.
    learning_loop<double> m(*this, "zenke_rule", R"({"dtype": "float64"})", 3, 2, false, 0.5);
    m.in<std::uint8_t>(0)[0] = 1;
    m.learn(0);
    const auto w = m.out<double>(0);
    for (std::size_t o = 0; o < 3; ++o) {
        BOOST_TEST(w[o * 2] == 0.6, boost::test_tools::tolerance(1e-15));
        BOOST_TEST(w[o * 2 + 1] == 0.5);
    }
}

BOOST_AUTO_TEST_CASE(async_spikes_give_each_synapse_its_own_presynaptic_trace) {
    // 2 post x 1 pre, per-synapse pre spikes: synapse (0, 0) runs S4c's "pre@0, post@5" and
    // synapse (1, 0) "post@0, pre@5"; the latter's pre spikes are inhibitory (bit1), which the
    // rule ignores (unsigned spikes).
    learning_loop<double> m(
        *this, "zenke_rule", R"({"dtype": "float64", "async_spikes": true})", 2, 1, true, 0.5);
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
            BOOST_TEST(m.out<double>(0)[0] == s4c_f64[0].kernel[at],
                       boost::test_tools::tolerance(1e-12));
            BOOST_TEST(m.out<double>(0)[1] == s4c_f64[1].kernel[at],
                       boost::test_tools::tolerance(1e-12));
        }
    }
}

BOOST_AUTO_TEST_CASE(weights_are_clipped_at_zero) {
    // b = -1 dominates: with no trace, a negative kernel entry becomes 0 on the first step.
    learning_loop<double> m(*this, "zenke_rule", R"({"dtype": "float64"})", 1, 2, false, -1.0);
    m.in<double>(2)[1] = 0.25;
    m.learn(0);
    BOOST_TEST(m.out<double>(0)[0] == 0.0);
    BOOST_TEST(m.out<double>(0)[1] == 0.25);
}

BOOST_AUTO_TEST_CASE(reset_clears_every_trace) {
    learning_loop<double> m(*this, "zenke_rule", R"({"dtype": "float64"})", 1, 1, false, 0.5);
    m.in<std::uint8_t>(0)[0] = 1;
    m.in<std::uint8_t>(1)[0] = 1;
    m.learn(0);
    m.learn(1);
    m.reset();
    for (const char* name : {"pre_trace", "post_trace", "post_slow_trace", "target"}) {
        BOOST_TEST_CONTEXT(name) {
            BOOST_TEST(m.state_values<double>(name) == std::vector<double>{0.0},
                       boost::test_tools::per_element());
        }
    }
    // and S4c's coincident protocol runs from the start again
    m.in<double>(2)[0] = 0.5;
    m.learn(0);
    BOOST_TEST(m.out<double>(0)[0] == s4c_f64[2].kernel[0], boost::test_tools::tolerance(1e-12));
}

BOOST_AUTO_TEST_CASE(state_round_trip_resumes_the_same_kernel_and_target) {
    learning_loop<double> m(*this, "zenke_rule", R"({"dtype": "float64"})", 1, 1, false, 0.5);
    m.in<std::uint8_t>(1)[0] = 1;
    m.learn(0); // post@0
    m.in<std::uint8_t>(1)[0] = 0;
    const auto saved = m.checkpoint();
    const auto kernel = m.in<double>(2)[0];
    m.reset();
    m.restore(saved);
    m.in<double>(2)[0] = kernel;
    for (int k = 1; k < 10; ++k) {
        m.in<std::uint8_t>(0)[0] = k == 5 ? 1 : 0; // "post@0, pre@5" of S4c
        m.learn(static_cast<std::uint64_t>(k));
        BOOST_TEST_CONTEXT("step " << k) {
            const auto at = static_cast<std::size_t>(k);
            BOOST_TEST(m.out<double>(0)[0] == s4c_f64[1].kernel[at],
                       boost::test_tools::tolerance(1e-12));
            BOOST_TEST(m.state_values<double>("target").at(0) == s4c_f64[1].target[at],
                       boost::test_tools::tolerance(1e-12));
        }
    }
}

BOOST_AUTO_TEST_SUITE_END()
