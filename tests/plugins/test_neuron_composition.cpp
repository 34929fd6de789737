// SPDX-License-Identifier: Apache-2.0
// A neuron's components are whatever its config names (docs/models.md section 7.2): every
// soma, synapse, delay and learning-rule type in every neuron type. A neuron fed one excitatory
// presynaptic neuron firing every step, with delay 0, weight I and no learning, drives its soma
// with the constant current I: its spikes are then the soma's golden scenarios (S6b, S6c).
#include <cmath>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include <boost/test/unit_test.hpp>

#include "models_fixture.hpp"

using spark::test::models_fixture;
using spark::test::port;
using spark::test::running_module;

namespace {

const std::vector<std::string> neurons = {
    "lif_neuron", "alif_neuron", "ad_ex_neuron", "izhikevich_neuron"};
const std::vector<std::string> somas = {"leaky_soma",
                                        "refractory_leaky_soma",
                                        "strict_refractory_leaky_soma",
                                        "adaptive_leaky_soma",
                                        "exponential_soma",
                                        "refractory_exponential_soma",
                                        "adaptive_exponential_soma",
                                        "simplified_adaptive_exponential_soma",
                                        "izhikevich_soma"};

/// One presynaptic neuron (excitatory, firing every step) into `units` neurons: delay 0, every
/// weight `current` pA, static weights (a Hebbian rule with eta 0), `extra` more config keys.
std::string constant_drive(double current, const std::string& extra = "") {
    return R"({"units": [1], "inhibitory_rate": 0, "synapses": {"kernel": )" +
           std::to_string(current) +
           R"(}, "delays": {"max_delay": 1, "delays": 0}, "learning_rule": )"
           R"({"__class_ref__": "hebbian_rule", "eta": 0})" +
           extra + "}";
}

/// The steps at which the single neuron fires in `steps` steps of constant drive.
std::vector<std::uint64_t> spike_steps(running_module& m, std::uint64_t steps) {
    std::vector<std::uint64_t> fired;
    for (std::uint64_t k = 0; k < steps; ++k) {
        m.in<std::uint8_t>(0)[0] = 1;
        m.step(k);
        if ((m.out<std::uint8_t>(0)[0] & 1U) != 0) {
            fired.push_back(k);
        }
    }
    return fired;
}

} // namespace

BOOST_FIXTURE_TEST_SUITE(neuron_composition, models_fixture)

BOOST_AUTO_TEST_CASE(every_soma_runs_in_every_neuron_type) {
    const auto in = port(SPARK_PAYLOAD_SPIKES, SPARK_DTYPE_U8, {5});
    for (const auto& neuron : neurons) {
        for (const auto& soma : somas) {
            for (const char* dtype : {"float32", "float64"}) {
                const std::string overrides = R"({"units": [4], "dtype": ")" + std::string(dtype) +
                                              R"(", "soma": {"__class_ref__": ")" + soma + "\"}}";
                running_module m(*this, neuron, overrides, {in}, 1);
                for (std::uint64_t k = 0; k < 30; ++k) {
                    for (std::size_t i = 0; i < 5; ++i) {
                        m.in<std::uint8_t>(0)[i] = static_cast<std::uint8_t>((k + i) % 3 == 0);
                    }
                    m.step(k);
                    for (const auto bits : m.out<std::uint8_t>(0)) {
                        BOOST_TEST(bits <= 3U, neuron << " with " << soma);
                    }
                }
            }
        }
    }
}

BOOST_AUTO_TEST_CASE(a_swapped_exponential_soma_follows_scenario_s6b) {
    // S6b: ExponentialSoma defaults, I = 50 pA: spikes 11, 17, 23, ..., 59.
    const auto in = port(SPARK_PAYLOAD_SPIKES, SPARK_DTYPE_U8, {1});
    for (const char* neuron : {"lif_neuron", "izhikevich_neuron"}) {
        running_module m(*this,
                         neuron,
                         constant_drive(50, R"(, "soma": {"__class_ref__": "exponential_soma"})"),
                         {in},
                         1);
        BOOST_TEST(spike_steps(m, 60) ==
                       (std::vector<std::uint64_t>{11, 17, 23, 29, 35, 41, 47, 53, 59}),
                   boost::test_tools::per_element());
    }
}

BOOST_AUTO_TEST_CASE(ad_ex_neuron_defaults_to_the_adex_soma_of_scenario_s6c) {
    // S6c: AdaptiveExponentialSoma defaults, I = 50 pA, 80 steps: spikes 11 and 20 only, and the
    // adaptation current w = 12.86345 pA after step 79.
    const auto in = port(SPARK_PAYLOAD_SPIKES, SPARK_DTYPE_U8, {1});
    running_module m(*this, "ad_ex_neuron", constant_drive(50, R"(, "dtype": "float64")"), {in}, 1);
    BOOST_TEST(spike_steps(m, 80) == (std::vector<std::uint64_t>{11, 20}),
               boost::test_tools::per_element());
    const auto w = m.state_values<double>("adaptation");
    BOOST_REQUIRE(w.size() == 1U);
    BOOST_TEST(w[0] == 12.86345, boost::test_tools::tolerance(5e-7));
}

BOOST_AUTO_TEST_CASE(izhikevich_neuron_without_input_stays_silent) {
    const auto in = port(SPARK_PAYLOAD_SPIKES, SPARK_DTYPE_U8, {1});
    running_module m(*this, "izhikevich_neuron", constant_drive(0), {in}, 1);
    BOOST_TEST(spike_steps(m, 200).empty());
}

BOOST_AUTO_TEST_CASE(traced_synapses_filter_the_delivered_current) {
    // One spike of weight 2 pA at step 0 into traced synapses (tau 5 ms, scale 1, base 0): the
    // trace is 2 at step 0 and 2 exp(-k / 5) at step k (docs/models.md section 5.2).
    const auto in = port(SPARK_PAYLOAD_SPIKES, SPARK_DTYPE_U8, {1});
    running_module m(*this,
                     "lif_neuron",
                     R"({"units": [1], "dtype": "float64", "inhibitory_rate": 0,
                         "synapses": {"__class_ref__": "traced_synapses", "kernel": 2},
                         "delays": {"max_delay": 1, "delays": 0},
                         "learning_rule": {"eta": 0}})",
                     {in},
                     1);
    for (std::uint64_t k = 0; k < 6; ++k) {
        m.in<std::uint8_t>(0)[0] = k == 0 ? 1 : 0;
        m.step(k);
        const auto q = m.state_values<double>("trace");
        BOOST_REQUIRE(q.size() == 1U);
        BOOST_TEST(q[0] == 2.0 * std::exp(-static_cast<double>(k) / 5.0),
                   boost::test_tools::tolerance(1e-12));
    }
}

BOOST_AUTO_TEST_CASE(n_delays_and_n2n_delays_deliver_after_their_delay) {
    // One spike at step 0, delay 2, a weight large enough to fire the leaky soma at once
    // (beta R I = (1 - e^-1/20) 0.1 5000 = 24.4 mV > 20 mV): the neuron fires at step 2 only.
    const auto in = port(SPARK_PAYLOAD_SPIKES, SPARK_DTYPE_U8, {1});
    for (const char* delays : {"n2n_delays", "n_delays"}) {
        running_module m(*this,
                         "lif_neuron",
                         std::string(R"({"units": [1], "inhibitory_rate": 0,
                             "synapses": {"kernel": 5000},
                             "delays": {"__class_ref__": ")") +
                             delays + R"(", "max_delay": 4, "delays": 2},
                             "learning_rule": {"eta": 0}})",
                         {in},
                         1);
        std::vector<std::uint64_t> fired;
        for (std::uint64_t k = 0; k < 8; ++k) {
            m.in<std::uint8_t>(0)[0] = k == 0 ? 1 : 0;
            m.step(k);
            if ((m.out<std::uint8_t>(0)[0] & 1U) != 0) {
                fired.push_back(k);
            }
        }
        BOOST_TEST(fired == std::vector<std::uint64_t>{2}, delays);
    }
}

BOOST_AUTO_TEST_CASE(no_delays_and_no_learning_rule_are_null) {
    // upstream's delays=None, learning_rule=None: a spike arrives in its own step and the weights
    // stay as initialized (beta R I = 24.4 mV > 20 mV fires at once).
    const auto in = port(SPARK_PAYLOAD_SPIKES, SPARK_DTYPE_U8, {1});
    running_module m(
        *this,
        "alif_neuron",
        R"({"units": [1], "inhibitory_rate": 0, "soma": {"__class_ref__": "leaky_soma"},
                         "synapses": {"kernel": 5000}, "delays": null, "learning_rule": null})",
        {in},
        1);
    std::vector<std::uint64_t> fired;
    for (std::uint64_t k = 0; k < 6; ++k) {
        m.in<std::uint8_t>(0)[0] = k == 0 ? 1 : 0;
        m.step(k);
        if ((m.out<std::uint8_t>(0)[0] & 1U) != 0) {
            fired.push_back(k);
        }
    }
    BOOST_TEST(fired == std::vector<std::uint64_t>{0}, boost::test_tools::per_element());
    BOOST_TEST(m.kernel_values<float>() == std::vector<float>{5000.0F},
               boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(every_learning_rule_a_neuron_can_run_learns_in_it) {
    const auto in = port(SPARK_PAYLOAD_SPIKES, SPARK_DTYPE_U8, {3});
    const auto factor = port(SPARK_PAYLOAD_FLOAT, SPARK_DTYPE_F32, {1});
    for (const char* rule : {"hebbian_rule",
                             "zenke_rule",
                             "oja_rule",
                             "three_factor_hebbian_rule",
                             "quadruplet_rule",
                             "quadruplet_rule_tensor"}) {
        const bool third = std::string(rule) == "three_factor_hebbian_rule" ||
                           std::string(rule).starts_with("quadruplet_rule");
        std::vector<spark_port_spec_t> inputs{in};
        if (third) {
            inputs.push_back(factor);
        }
        running_module m(*this,
                         "lif_neuron",
                         std::string(R"({"units": [2], "inhibitory_rate": 0,
                             "synapses": {"kernel": 3000},
                             "learning_rule": {"__class_ref__": ")") +
                             rule + "\"}}",
                         inputs,
                         1);
        const auto before = m.kernel_values<float>();
        for (std::uint64_t k = 0; k < 40; ++k) {
            for (std::size_t i = 0; i < 3; ++i) {
                m.in<std::uint8_t>(0)[i] = static_cast<std::uint8_t>((k + i) % 2);
            }
            if (third) {
                m.in<float>(1)[0] = 1.0F;
            }
            m.step(k);
        }
        BOOST_TEST((m.kernel_values<float>() != before), rule << " changed no weight");
    }
}

BOOST_AUTO_TEST_CASE(the_modulation_input_is_checked_against_the_rule) {
    const auto in = port(SPARK_PAYLOAD_SPIKES, SPARK_DTYPE_U8, {3});
    const auto build = [&](const std::string& rule, const std::vector<spark_port_spec_t>& specs) {
        auto cfg = config("lif_neuron",
                          R"({"units": [2], "learning_rule": {"__class_ref__": ")" + rule + "\"}}");
        auto instance = registry.create(cfg.type(), cfg.abi(), "probe");
        spark_port_spec_t out{};
        try {
            instance.build(std::span(specs), std::span(&out, 1));
        } catch (const spark::error& e) {
            return std::string(e.what());
        }
        return std::string("(built)");
    };
    BOOST_TEST(
        build("three_factor_hebbian_rule", {in, {}})
            .find("lif_neuron input 'modulation' is unwired, but its learning rule reads its "
                  "reward from it; wire a float source to it") != std::string::npos);
    BOOST_TEST(build("hebbian_rule", {in, port(SPARK_PAYLOAD_FLOAT, SPARK_DTYPE_F32, {1})})
                   .find("lif_neuron input 'modulation' is wired, but its learning rule has no "
                         "third factor") != std::string::npos);
    BOOST_TEST(build("quadruplet_rule", {in, port(SPARK_PAYLOAD_FLOAT, SPARK_DTYPE_F32, {3})})
                   .find("lif_neuron input 'modulation' holds 3 values; give 1 (for every "
                         "neuron) or 2 (one per neuron)") != std::string::npos);
    BOOST_TEST(build("quadruplet_rule", {in, port(SPARK_PAYLOAD_FLOAT, SPARK_DTYPE_F32, {2})}) ==
               "(built)");
}

BOOST_AUTO_TEST_CASE(quadruplet_rule_tensor_with_one_parameter_set_learns_like_quadruplet_rule) {
    // With the same parameters for EE, EI, IE and II and a clip no weight reaches, the tensor
    // rule's per-synapse traces are the scalar rule's (docs/models.md sections 6.4, 6.5):
    // two neurons with default random delays, fed the same spikes, learn the same kernel.
    const auto in = port(SPARK_PAYLOAD_SPIKES, SPARK_DTYPE_U8, {3});
    const auto factor = port(SPARK_PAYLOAD_FLOAT, SPARK_DTYPE_F32, {1});
    running_module scalar(*this,
                          "lif_neuron",
                          R"({"units": [2], "inhibitory_rate": 0.5, "synapses": {"kernel": 3000},
                              "learning_rule": {"__class_ref__": "quadruplet_rule",
                                "q_beta": 0.5, "q_delta": 2, "gamma": 0.1}})",
                          {in, factor},
                          1);
    running_module tensor(*this,
                          "lif_neuron",
                          R"({"units": [2], "inhibitory_rate": 0.5, "synapses": {"kernel": 3000},
                              "learning_rule": {"__class_ref__": "quadruplet_rule_tensor",
                                "q_beta": [0.5, 0.5, 0.5, 0.5], "q_delta": [2, 2, 2, 2],
                                "eta": 0.1, "max_clip": [1e30, 1e30, 1e30, 1e30]}})",
                          {in, factor},
                          1);
    const auto before = scalar.kernel_values<float>();
    for (std::uint64_t k = 0; k < 40; ++k) {
        for (running_module* m : {&scalar, &tensor}) {
            for (std::size_t i = 0; i < 3; ++i) {
                // pre 2 is inhibitory: the sign of its current, and the tensor's type (ignored
                // here)
                m->in<std::uint8_t>(0)[i] =
                    static_cast<std::uint8_t>(((k + i) % 3 == 0 ? 1U : 0U) | (i == 2 ? 2U : 0U));
            }
            m->in<float>(1)[0] = k % 5 == 4 ? -0.5F : 1.0F;
            m->step(k);
        }
        BOOST_TEST(tensor.kernel_values<float>() == scalar.kernel_values<float>(),
                   boost::test_tools::per_element());
    }
    BOOST_TEST((scalar.kernel_values<float>() != before), "the rule changed no weight");

    // The tensor rule's per-synapse traces are checkpointed with the neuron: a restored neuron
    // learns the same kernel as before.
    const auto saved = tensor.checkpoint();
    const auto drive = [&](std::uint64_t k) {
        for (std::size_t i = 0; i < 3; ++i) {
            tensor.in<std::uint8_t>(0)[i] = static_cast<std::uint8_t>((k * 7 + i) % 2);
        }
        tensor.in<float>(1)[0] = 1.0F;
        tensor.step(k);
    };
    for (std::uint64_t k = 40; k < 50; ++k) {
        drive(k);
    }
    const auto learned = tensor.kernel_values<float>();
    tensor.restore(saved);
    for (std::uint64_t k = 40; k < 50; ++k) {
        drive(k);
    }
    BOOST_TEST(tensor.kernel_values<float>() == learned, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(quadruplet_rule_tensor_in_a_neuron_learns_per_synapse_type) {
    // 2 neurons (one of them inhibitory) x 2 presynaptic neurons (the second inhibitory), no
    // delays, weights 1 pA (the somas never fire), only the q_alpha term: each presynaptic spike
    // adds dt eta m q_alpha[t] to its synapse, t = 2 inh_post + inh_pre (EE, EI, IE, II).
    // Pre 0 fires at steps 0 and 2, pre 1 at step 1, m = 1, eta = 0.1, q_alpha = (1, 2, 3, 4):
    //   excitatory neuron:  W = (1 + 2 * 0.1 * 1, 1 + 0.1 * 2) = (1.2, 1.2)
    //   inhibitory neuron:  W = (1 + 2 * 0.1 * 3, 1 + 0.1 * 4) = (1.6, 1.4)
    const auto in = port(SPARK_PAYLOAD_SPIKES, SPARK_DTYPE_U8, {2});
    const auto factor = port(SPARK_PAYLOAD_FLOAT, SPARK_DTYPE_F32, {1});
    running_module m(*this,
                     "lif_neuron",
                     R"({"units": [2], "inhibitory_rate": 0.5, "synapses": {"kernel": 1},
                         "delays": null,
                         "learning_rule": {"__class_ref__": "quadruplet_rule_tensor",
                           "q_alpha": [1, 2, 3, 4], "q_beta": [0, 0, 0, 0],
                           "q_gamma": [0, 0, 0, 0], "q_delta": [0, 0, 0, 0], "eta": 0.1}})",
                     {in, factor},
                     1);
    const std::uint8_t pre[3][2] = {{1, 2}, {0, 3}, {1, 2}}; // bit0 spike, bit1 inhibitory
    std::uint8_t out[2] = {};
    for (std::uint64_t k = 0; k < 3; ++k) {
        m.in<std::uint8_t>(0)[0] = pre[k][0];
        m.in<std::uint8_t>(0)[1] = pre[k][1];
        m.in<float>(1)[0] = 1.0F;
        m.step(k);
        out[0] = m.out<std::uint8_t>(0)[0];
        out[1] = m.out<std::uint8_t>(0)[1];
        BOOST_TEST(((out[0] | out[1]) & 1U) == 0U, "a soma fired at step " << k);
    }
    BOOST_TEST_REQUIRE(((out[0] >> 1U) + (out[1] >> 1U)) == 1, "one neuron is inhibitory");
    const std::size_t inh = (out[0] & 2U) != 0 ? 0 : 1;
    const std::size_t exc = 1 - inh;
    const auto kernel = m.kernel_values<float>(); // (post, pre)
    const auto close = boost::test_tools::tolerance(1e-6F);
    BOOST_TEST(kernel[exc * 2 + 0] == 1.2F, close);
    BOOST_TEST(kernel[exc * 2 + 1] == 1.2F, close);
    BOOST_TEST(kernel[inh * 2 + 0] == 1.6F, close);
    BOOST_TEST(kernel[inh * 2 + 1] == 1.4F, close);
}

BOOST_AUTO_TEST_SUITE_END()
