// SPDX-License-Identifier: Apache-2.0
// The acme vendor plugin (examples/vendor-plugin), built against the installed SDK, loaded by the
// live registry and checked against the numbers of its reference script
// (examples/vendor-plugin/reference/acme_reference.py: the README's equations in plain Python).
// By hand, for the QIF neuron: from rest (-65 mV) with R I = 0.1 GOhm * 200 pA = 20 mV and
// a (V - V_rest)(V - V_crit) = 0, V = -65 + 20 / 10 = -63 after step 0.
#include <cstdint>
#include <string>
#include <vector>

#include <boost/test/unit_test.hpp>

#include <spark/registry/errors.hpp>

#include "vendor_models.hpp"

using spark::test::check_close;
using spark::test::port;
using spark::test::run_single_neuron;
using spark::test::running_module;

BOOST_FIXTURE_TEST_SUITE(acme, spark::test::vendor_models)

BOOST_AUTO_TEST_CASE(qif_neuron_driven_by_an_excitatory_spike_every_step) {
    const auto run = run_single_neuron(*this, "acme.qif_neuron", 200.0, 1, 100);
    check_close(std::vector<double>(run.potential.begin(), run.potential.begin() + 10),
                {-63.0,
                 -61.17333333333333,
                 -59.45837748148148,
                 -57.80780919908165,
                 -56.18217755572806,
                 -54.545599849097215,
                 -52.86240998075285,
                 -51.09402837284205,
                 -49.19545188958903,
                 -47.1106817608015},
                1e-12);
    BOOST_TEST(run.spikes == (std::vector<std::uint64_t>{19, 41, 63, 85}),
               boost::test_tools::per_element());
    check_close(std::vector<double>(run.potential.begin() + 17, run.potential.begin() + 23),
                {0.7632812771716626,
                 25.019014245057143,
                 -70.0,
                 -67.33333333333333,
                 -65.0637037037037,
                 -63.05730627892089},
                1e-12);
}

BOOST_AUTO_TEST_CASE(qif_neuron_driven_by_an_inhibitory_spike_every_step_stays_silent) {
    const auto run = run_single_neuron(*this, "acme.qif_neuron", 200.0, 3, 100);
    BOOST_TEST(run.spikes.empty());
    check_close({run.potential[0], run.potential[1], run.potential[99]},
                {-67.0, -68.77333333333334, -76.37458608817218},
                1e-12);
}

BOOST_AUTO_TEST_CASE(conductance_lif_neuron_driven_by_an_excitatory_spike_every_step) {
    running_module m(*this,
                     "acme.lif_neuron",
                     R"({"units": [1], "inhibitory_rate": 0, "dtype": "float64", "kernel": 1})",
                     {port(SPARK_PAYLOAD_SPIKES, SPARK_DTYPE_U8, {1})},
                     1);
    std::vector<std::uint64_t> spikes;
    std::vector<double> v;
    std::vector<double> g;
    std::vector<std::int32_t> refractory;
    for (std::uint64_t k = 0; k < 100; ++k) {
        m.in<std::uint8_t>(0)[0] = 1;
        m.step(k);
        if ((m.out<std::uint8_t>(0)[0] & 1U) != 0) {
            spikes.push_back(k);
        }
        v.push_back(m.state_values<double>("potential")[0]);
        g.push_back(m.state_values<double>("conductance_excitatory")[0]);
        refractory.push_back(m.state_values<std::int32_t>("refractory")[0]);
    }
    check_close(std::vector<double>(v.begin(), v.begin() + 4),
                {-59.708100807019, -59.19503959639563, -58.51988964489255, -57.731010874089144},
                1e-12);
    check_close(std::vector<double>(g.begin(), g.begin() + 4),
                {1.0, 1.8187307530779817, 2.4890507991136213, 3.0378624352076478},
                1e-12);
    BOOST_TEST(spikes == (std::vector<std::uint64_t>{12, 23, 34, 45, 56, 67, 78, 89}),
               boost::test_tools::per_element());
    // the refractory period of 2 ms: clamped at reset for steps 12..14, free from step 15
    check_close(std::vector<double>(v.begin() + 11, v.begin() + 16),
                {-50.5972951415805, -60.0, -60.0, -60.0, -58.47163760357079},
                1e-12);
    BOOST_TEST((std::vector<std::int32_t>(refractory.begin() + 11, refractory.begin() + 16) ==
                std::vector<std::int32_t>{0, 2, 1, 0, 0}),
               boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(conductance_lif_neuron_driven_by_an_inhibitory_spike_every_step) {
    running_module m(*this,
                     "acme.lif_neuron",
                     R"({"units": [1], "inhibitory_rate": 0, "dtype": "float64", "kernel": 1})",
                     {port(SPARK_PAYLOAD_SPIKES, SPARK_DTYPE_U8, {1})},
                     1);
    std::vector<double> v;
    std::vector<double> g;
    for (std::uint64_t k = 0; k < 100; ++k) {
        m.in<std::uint8_t>(0)[0] = 3;
        m.step(k);
        BOOST_TEST((m.out<std::uint8_t>(0)[0] & 1U) == 0U);
        v.push_back(m.state_values<double>("potential")[0]);
        g.push_back(m.state_values<double>("conductance_inhibitory")[0]);
    }
    check_close({v[0], v[1], v[9], v[99]},
                {-60.09729973099367, -60.276602423965336, -63.17943715887106, -70.24521643865114},
                1e-12);
    check_close({g[0], g[1], g[9]}, {1.0, 1.9048374180359595, 6.642532661287187}, 1e-12);
}

BOOST_AUTO_TEST_CASE(rate_decoder_estimates_each_groups_rate) {
    // 5 neurons in groups [0, 3) and [3, 5); tau 10 ms: r <- alpha r + (1 - alpha) 1000 c / (n dt)
    running_module m(*this,
                     "acme.rate_decoder",
                     R"({"num_outputs": 2, "tau": 10, "dtype": "float64"})",
                     {port(SPARK_PAYLOAD_SPIKES, SPARK_DTYPE_U8, {5})},
                     1);
    const std::vector<std::vector<std::uint8_t>> spikes = {{1, 0, 0, 0, 0},
                                                           {1, 1, 0, 1, 0},
                                                           {3, 1, 1, 0, 0},
                                                           {0, 0, 0, 2, 2},
                                                           {1, 1, 1, 1, 1},
                                                           {0, 0, 0, 0, 0},
                                                           {0, 0, 0, 3, 1},
                                                           {0, 0, 0, 0, 0}};
    const std::vector<std::vector<double>> rates = {{31.720860654680163, 0.0},
                                                    {92.14394296201958, 47.58129098202024},
                                                    {178.537869401447, 43.05333247898888},
                                                    {161.54774477084666, 38.95626619813201},
                                                    {241.33702623202555, 130.41166928707977},
                                                    {218.37077169226262, 118.0013581194807},
                                                    {197.5900452325469, 201.934626169608},
                                                    {178.7868663578262, 182.7180057553648}};
    for (std::size_t k = 0; k < spikes.size(); ++k) {
        BOOST_TEST_CONTEXT("step " << k) {
            for (std::size_t i = 0; i < 5; ++i) {
                m.in<std::uint8_t>(0)[i] = spikes[k][i];
            }
            m.step(k);
            const auto out = m.out<double>(0);
            check_close({out[0], out[1]}, rates[k], 1e-12);
        }
    }
}

BOOST_AUTO_TEST_CASE(rate_decoder_refuses_more_outputs_than_neurons) {
    auto cfg = config("acme.rate_decoder", R"({"num_outputs": 6})");
    auto instance = registry.create(cfg.type(), cfg.abi(), "decoder");
    const std::vector<spark_port_spec_t> in = {port(SPARK_PAYLOAD_SPIKES, SPARK_DTYPE_U8, {5})};
    spark_port_spec_t out{};
    try {
        instance.build(std::span(in), std::span(&out, 1));
        BOOST_FAIL("a decoder with 6 outputs built on 5 neurons");
    } catch (const spark::registry::plugin_error& e) {
        BOOST_TEST(std::string(e.what()).find(
                       "num_outputs is 6 but input 'spikes' has only 5 neurons; every output "
                       "needs a group of at least one neuron: set num_outputs to at most 5 or "
                       "wire more neurons to 'spikes'") != std::string::npos,
                   e.what());
    }
}

BOOST_AUTO_TEST_CASE(a_bare_name_spark_offers_means_sparks_type_whatever_acme_offers) {
    // ADR 0012: Spark's catalogue is upstream's, so `lif_neuron` in a file means upstream's model.
    BOOST_TEST(registry.resolve("acme.lif_neuron").plugin->id == "acme.models");
    BOOST_TEST(registry.resolve("spark.lif_neuron").plugin->id == "spark.neurons");
    BOOST_TEST(registry.resolve("lif_neuron").canonical_id == "spark.lif_neuron");
    BOOST_TEST(registry.resolve("LIFNeuron").canonical_id == "spark.lif_neuron");
    // a name only acme offers resolves bare, whatever the preference
    BOOST_TEST(registry.resolve("qif_neuron").canonical_id == "acme.qif_neuron");
    const std::vector<std::string> spark_first = {"spark"};
    BOOST_TEST(registry.resolve("qif_neuron", spark_first).canonical_id == "acme.qif_neuron");
}

BOOST_AUTO_TEST_CASE(a_preferred_vendor_wins_a_bare_name_but_not_a_qualified_one) {
    const std::vector<std::string> acme_first = {"acme"};
    BOOST_TEST(registry.resolve("lif_neuron", acme_first).canonical_id == "acme.lif_neuron");
    BOOST_TEST(registry.resolve("LIFNeuron", acme_first).canonical_id == "acme.lif_neuron");
    BOOST_TEST(registry.resolve("spark.lif_neuron", acme_first).canonical_id == "spark.lif_neuron");
    // a name acme does not offer falls back to Spark's
    BOOST_TEST(registry.resolve("alif_neuron", acme_first).canonical_id == "spark.alif_neuron");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_FIXTURE_TEST_SUITE(acme_parts, spark::test::vendor_models)

// acme's soma inside a Spark neuron composition (docs/adr/0013-neurons-as-compositions.md):
// Spark's n2n_delays (1 step), linear_synapses (200 pA) and hebbian_rule (eta 0) around
// acme.qif_soma, one presynaptic neuron firing every step. From step 1 the soma sees 200 pA, and
// acme's equation (examples/vendor-plugin/src/acme/qif_soma.hpp, dt 1 ms, tau 10 ms,
// V_rest -65, V_crit -50, R 0.1) gives V = -63 after step 1, -63 + 0.1 (2 * -13 / 15 + 20) =
// -61.1733... after step 2, and spikes at steps 20 and 42.
BOOST_AUTO_TEST_CASE(acmes_soma_runs_between_sparks_delays_synapses_and_plasticity) {
    using spark::registry::composition;
    const auto delays =
        config("n2n_delays", R"({"units": [1], "max_delay": 1, "delays": 1, "dtype": "float64"})");
    const auto synapses =
        config("linear_synapses",
               R"({"units": [1], "kernel": 200, "async_spikes": true, "dtype": "float64"})");
    const auto soma = config("acme.qif_soma", R"({"dtype": "float64"})");
    const auto rule =
        config("hebbian_rule", R"({"eta": 0, "async_spikes": true, "dtype": "float64"})");
    composition c;
    c.parts = {{"delays", &delays.type(), &delays.abi()},
               {"synapses", &synapses.type(), &synapses.abi()},
               {"soma", &soma.type(), &soma.abi()},
               {"plasticity", &rule.type(), &rule.abi()}};
    c.wires = {{"delays", "in_spikes", "__call__", "in_spikes", false},
               {"synapses", "spikes", "delays", "out_spikes", false},
               {"synapses", "delays", "delays", "kernel", true},
               {"soma", "current", "synapses", "currents", false},
               {"soma", "inhibition_mask", "__self__", "inhibition_mask", true},
               {"plasticity", "pre_spikes", "delays", "out_spikes", false},
               {"plasticity", "post_spikes", "soma", "spikes", false},
               {"plasticity", "current_kernel", "synapses", "kernel", true}};
    c.effects = {{"synapses", "kernel", "plasticity", "kernel"}};
    c.outputs = {{"out_spikes", "soma", "spikes"}};
    spark::test::running_module neuron(
        config("lif_neuron", R"({"units": [1], "inhibitory_rate": 0, "dtype": "float64"})"),
        {spark::test::port(SPARK_PAYLOAD_SPIKES, SPARK_DTYPE_U8, {1})},
        1,
        [&](auto& cfg) { return registry.create_composite(cfg.type(), c, cfg.abi(), "mixed"); });
    std::vector<std::uint64_t> spikes;
    std::vector<double> potential;
    for (std::uint64_t k = 0; k < 60; ++k) {
        neuron.in<std::uint8_t>(0)[0] = 1;
        neuron.step(k);
        if ((neuron.out<std::uint8_t>(0)[0] & 1U) != 0) {
            spikes.push_back(k);
        }
        potential.push_back(neuron.state_values<double>("soma.potential")[0]);
    }
    BOOST_TEST(spikes == std::vector<std::uint64_t>({20, 42}), boost::test_tools::per_element());
    BOOST_TEST(potential[0] == -65.0);
    BOOST_TEST(potential[1] == -63.0, boost::test_tools::tolerance(1e-12));
    BOOST_TEST(potential[2] == -63.0 + 0.1 * (2.0 * -13.0 / 15.0 + 20.0),
               boost::test_tools::tolerance(1e-12));
    BOOST_TEST(potential[20] == -70.0); // the reset after the first spike
}

BOOST_AUTO_TEST_SUITE_END()
