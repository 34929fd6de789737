// SPDX-License-Identifier: Apache-2.0
// Static, sparse, delayed synapses deliver at emission (plugins/neurons/neuron/
// pending_current.hpp): each spike adds its weights to the currents of the steps it will arrive
// in. What delivery at arrival gives must hold: the weight after upstream's first clip, the sign
// of the spike's emission (its presynaptic neuron's inhibition bit in the input of the step it was
// emitted in), every delay, and checkpoints taken while spikes are on their way.
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include <boost/test/unit_test.hpp>

#include <spark/abi/spark_abi.h>

#include "models_fixture.hpp"

using spark::test::port;
using spark::test::running_module;

BOOST_FIXTURE_TEST_SUITE(delivery_at_emission, spark::test::models_fixture)

// Kernel (post-major) [[300, 0], [0, -50], [0, 200]] pA: 3 synapses of 6, so the neuron delivers
// at emission. Delays [[2, 1], [1, 1], [1, 3]] steps (dt 1 ms). Both presynaptic neurons fire at
// step 0 only: neuron 0 excitatory then, neuron 1 inhibitory then. Their bits flip afterwards:
// from step 2 neuron 0 is inhibitory, from step 3 neuron 1 excitatory.
// - Step 1: (1, 1) arrives, but -50 was clipped to 0 by step 0's update: I1 = 0 (not +50).
// - Step 2: (0, 0) arrives with 300 pA and the sign of its emission (step 0): I0 = +300 pA, though
//   neuron 0 is inhibitory at step 2.
// - Step 3: (2, 1) arrives with 200 pA and the sign of step 0: I2 = -200 pA, though neuron 1 is
//   excitatory at step 3.
// From rest, one step of the leaky soma (tau 20 ms, R 0.1 GOhm) moves V by (1 - e^-0.05) R I:
// S3c's 1.4631172649785797 mV for 300 pA, scaled by I / 300; a step without current multiplies
// V by e^-0.05.
BOOST_AUTO_TEST_CASE(arrivals_take_the_clipped_weight_and_the_emission_steps_sign) {
    running_module m(*this,
                     "lif_neuron",
                     R"({"units": [3], "dtype": "float64", "inhibitory_rate": 0,
        "synapses": {"kernel": {"__class_ref__": "fixed_values_initializer",
                                "values": [300, 0, 0, -50, 0, 200]}},
        "delays": {"max_delay": 4,
                   "delays": {"__class_ref__": "fixed_values_initializer",
                              "values": [2, 1, 1, 1, 1, 3]}},
        "learning_rule": null})",
                     {port(SPARK_PAYLOAD_SPIKES, SPARK_DTYPE_U8, {2})},
                     1);
    const double per_pa = 1.4631172649785797 / 300.0;
    const double decay = std::exp(-0.05);
    auto in = m.in<std::uint8_t>(0);
    const auto potential = [&] { return m.state_values<double>("potential"); };

    in[0] = 1; // fires, excitatory
    in[1] = 3; // fires, inhibitory
    m.step(0);
    in[0] = 0;
    in[1] = 2;
    m.step(1);
    BOOST_TEST(potential() == (std::vector<double>{0, 0, 0}), boost::test_tools::per_element());
    in[0] = 2; // now inhibitory
    m.step(2);
    auto v = potential();
    BOOST_TEST(v.at(0) == 300.0 * per_pa, boost::test_tools::tolerance(1e-12));
    BOOST_TEST(v.at(1) == 0.0);
    BOOST_TEST(v.at(2) == 0.0);
    in[1] = 0; // now excitatory
    m.step(3);
    v = potential();
    BOOST_TEST(v.at(0) == 300.0 * per_pa * decay, boost::test_tools::tolerance(1e-12));
    BOOST_TEST(v.at(1) == 0.0);
    BOOST_TEST(v.at(2) == -200.0 * per_pa, boost::test_tools::tolerance(1e-12));
    BOOST_TEST(m.kernel_values<double>() == (std::vector<double>{300, 0, 0, 0, 0, 200}),
               boost::test_tools::per_element());
}

// A checkpoint taken while spikes are on their way (random sparse kernel, n2n delays of up to 8
// steps, inhibitory inputs) resumes the identical trajectory, bit for bit, after a reset: the
// currents still to arrive are rebuilt from the spike history.
BOOST_AUTO_TEST_CASE(a_checkpoint_with_spikes_in_flight_resumes_bit_for_bit) {
    constexpr std::uint32_t n_pre = 60;
    running_module m(*this,
                     "lif_neuron",
                     R"({"units": [40], "inhibitory_rate": 0.25,
        "synapses": {"kernel": {"__class_ref__": "sparse_uniform_initializer", "scale": 400,
                                "density": 0.2}},
        "delays": {"max_delay": 8},
        "learning_rule": null})",
                     {port(SPARK_PAYLOAD_SPIKES, SPARK_DTYPE_U8, {n_pre})},
                     1);
    const auto drive = [&](std::uint64_t k) {
        auto in = m.in<std::uint8_t>(0);
        for (std::uint32_t i = 0; i < n_pre; ++i) {
            const bool fires = ((i * 7U + k * 13U) % 5U) < 2U;
            in[i] = static_cast<std::uint8_t>(fires ? (i % 4U == 0 ? 3U : 1U)
                                                    : (i % 4U == 0 ? 2U : 0U));
        }
    };
    for (std::uint64_t k = 0; k < 25; ++k) {
        drive(k);
        m.step(k);
    }
    const auto saved = m.checkpoint();
    std::vector<std::vector<float>> potentials;
    std::uint64_t spikes = 0;
    for (std::uint64_t k = 25; k < 45; ++k) {
        drive(k);
        m.step(k);
        potentials.push_back(m.state_values<float>("potential"));
        for (const auto s : m.out<std::uint8_t>(0)) {
            spikes += s & 1U;
        }
    }
    BOOST_TEST(spikes > 0U); // the neurons did something worth resuming
    m.reset();
    m.restore(saved);
    for (std::uint64_t k = 25; k < 45; ++k) {
        drive(k);
        m.step(k);
        BOOST_TEST_REQUIRE((m.state_values<float>("potential") == potentials[k - 25]),
                           "step " << k);
    }
}

// Every path that delivers a delayed spike (neuron/population.hpp, deliver()) signs it with its
// emission step's bit: full weight columns (n2n and n_delays), listed groups, at emission, and a
// plastic rule's kernel (per-synapse delays: the grouped layout; n_delays: the kernel's
// columns). Presynaptic neuron 0 fires once, at step 0, and its bit flips at step 1; every delay
// is 3 steps, so the spike reaches the soma at step 3 with the sign it was emitted with.
BOOST_AUTO_TEST_CASE(every_delivery_path_keeps_a_spikes_emission_sign) {
    struct delivery_case {
        const char* name;
        const char* kernel;
        const char* delays;
        const char* rule;
    };
    const delivery_case cases[] = {
        {"full columns, n_delays",
         "300",
         R"({"__class_ref__": "n_delays", "max_delay": 4, "delays": 3})",
         "null"},
        {"full columns, n2n_delays", "300", R"({"max_delay": 4, "delays": 3})", "null"},
        {"listed groups",
         R"({"__class_ref__": "fixed_values_initializer", "values": [300, 0, 300, 200, 0, 200]})",
         R"({"max_delay": 4, "delays": 3})",
         "null"},
        {"at emission",
         R"({"__class_ref__": "fixed_values_initializer", "values": [300, 0, 0, 0, 300, 200]})",
         R"({"max_delay": 4, "delays": 3})",
         "null"},
        {"plastic, grouped layout",
         "300",
         R"({"max_delay": 4, "delays": 3})",
         R"({"__class_ref__": "hebbian_rule"})"},
        {"plastic, n_delays",
         "300",
         R"({"__class_ref__": "n_delays", "max_delay": 4, "delays": 3})",
         R"({"__class_ref__": "hebbian_rule"})"},
    };
    for (const auto& c : cases) {
        for (const bool emitted_inhibitory : {true, false}) {
            BOOST_TEST_CONTEXT(c.name << (emitted_inhibitory ? ", inhibitory" : ", excitatory")
                                      << " at emission") {
                running_module m(*this,
                                 "lif_neuron",
                                 std::string(R"({"units": [3], "dtype": "float64",
                                      "inhibitory_rate": 0, "synapses": {"kernel": )") +
                                     c.kernel + R"(}, "delays": )" + c.delays +
                                     R"(, "learning_rule": )" + c.rule + "}",
                                 {port(SPARK_PAYLOAD_SPIKES, SPARK_DTYPE_U8, {2})},
                                 1);
                const std::uint8_t bit_then = emitted_inhibitory ? 2U : 0U;
                const std::uint8_t bit_later = emitted_inhibitory ? 0U : 2U;
                for (std::uint64_t k = 0; k < 4; ++k) {
                    m.in<std::uint8_t>(0)[0] =
                        static_cast<std::uint8_t>(k == 0 ? (1U | bit_then) : bit_later);
                    m.step(k);
                }
                const auto v = m.state_values<double>("potential");
                BOOST_TEST(v.at(0) != 0.0); // neuron 0 has a synapse from neuron 0 everywhere
                for (const double x : v) {
                    BOOST_TEST((emitted_inhibitory ? x <= 0.0 : x >= 0.0));
                }
            }
        }
    }
}

BOOST_AUTO_TEST_SUITE_END()
