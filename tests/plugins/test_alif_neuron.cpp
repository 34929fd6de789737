// SPDX-License-Identifier: Apache-2.0
// spark.alif_neuron (upstream ALIFNeuron, docs/models.md sections 7.1 and 7.2: n2n_delays ->
// linear_synapses -> adaptive_leaky_soma -> zenke_rule, fused) loaded from the built spark.neurons
// plugin through the registry: its schema, a small population against an independent
// re-implementation of upstream's equations (reference/golden_neurons.py, alif_population) in
// float64 and float32, the population's inhibition bits, the output contract, Zenke's target
// trace with learning off, the upstream tutorial's values, reset (kernel included) and a state
// round trip.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <random>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include <boost/test/unit_test.hpp>

#include <spark/abi/spark_abi.h>
#include <spark/registry/plugin_registry.hpp>

#include "check_close.hpp"
#include "models_fixture.hpp"

using spark::test::check_close;
using spark::test::port;
using spark::test::running_module;
using spark::test::str;

namespace {

// The scenario of reference/golden_neurons.py (ALIF_*): 4 presynaptic neurons (the last one
// inhibitory) -> 3 excitatory ALIF neurons; kernel W and delays D (post x pre) given exactly
// through test.fixed_values; max_delay 3 ms (B = 3); soma resistance 0.3 GOhm, threshold_tau
// 30 ms, threshold_delta 8 mV; Zenke eta 0.5, target_tau 200 ms; everything else upstream's
// defaults.
std::string population_config(const char* dtype, const char* eta = "0.5") {
    return std::string(R"({"units": [3], "dtype": ")") + dtype + R"(", "inhibitory_rate": 0.0,
        "soma": {"resistance": 0.3, "threshold_tau": 30, "threshold_delta": 8},
        "synapses": {"kernel": {"__class_ref__": "fixed_values_initializer",
                                "values": [120, 260, 0, 90, 300, 60, 180, 40, 0, 220, 140, 250]}},
        "delays": {"max_delay": 3,
                   "delays": {"__class_ref__": "fixed_values_initializer",
                              "values": [1, 2, 0, 3, 2, 1, 3, 1, 0, 3, 1, 2]}},
        "learning_rule": {"eta": )" +
           eta + R"(, "target_tau": 200}})";
}

/// The presynaptic input of step k: pre 0 every 2nd step from 0, pre 1 every 3rd from 1, pre 2
/// at k = 1 mod 4, pre 3 (inhibitory: bit1 always set) at k = 2 mod 5.
void presynaptic_input(std::span<std::uint8_t> in, std::uint64_t k) {
    in[0] = k % 2 == 0 ? 1 : 0;
    in[1] = k % 3 == 1 ? 1 : 0;
    in[2] = k % 4 == 1 ? 1 : 0;
    in[3] = static_cast<std::uint8_t>(2U | (k % 5 == 2 ? 1U : 0U));
}

template <typename T>
struct population : running_module {
    population(spark::test::models_fixture& f, const char* dtype, const char* eta = "0.5")
        : running_module(f,
                         "alif_neuron",
                         population_config(dtype, eta),
                         {port(SPARK_PAYLOAD_SPIKES, SPARK_DTYPE_U8, {4})},
                         1) {}

    /// One step of the scenario; returns the three output bytes.
    std::vector<std::uint8_t> advance(std::uint64_t k) {
        presynaptic_input(in<std::uint8_t>(0), k);
        step(k);
        return {out<std::uint8_t>(0).begin(), out<std::uint8_t>(0).end()};
    }
    std::vector<double> values(const char* name) { return as_double(state_values<T>(name)); }
    std::vector<double> kernel() { return as_double(kernel_values<T>()); }
    static std::vector<double> as_double(const std::vector<T>& values) {
        return {values.begin(), values.end()};
    }
};

// Post spikes of the scenario (identical in f64 and f32; V's closest approach to the threshold
// is 0.017 mV): step -> which neurons fired.
const std::vector<std::pair<std::uint64_t, std::vector<std::uint8_t>>> spikes_expected = {
    {8, {0, 1, 0}},
    {15, {1, 0, 0}},
    {18, {0, 1, 0}},
    {30, {0, 1, 0}},
    {33, {1, 0, 0}},
    {44, {0, 1, 0}},
    {54, {1, 0, 0}},
    {58, {0, 1, 1}}};

struct soma_row {
    std::uint64_t step;
    std::vector<double> v;     // potential after the step [mV, rebased]
    std::vector<double> theta; // threshold after the step (used by the next one)
};
struct learning_row {
    std::uint64_t step;
    std::vector<double> kernel; // W[post][pre] after the step
    std::vector<double> target; // z[post][pre] after the step
};

const soma_row soma_f64[] = {
    {0, {0.0, 0.0, 0.0}, {20.0, 20.0, 20.0}},
    {1, {1.7557407179742952, 0.0, 0.0}, {20.0, 20.0, 20.0}},
    {5, {6.935736618589459, 11.576580499359771, 1.3657295078358875}, {20.0, 20.0, 20.0}},
    {8, {11.109348327535578, 10.0, 6.153502066600908}, {20.0, 28.0, 20.0}},
    {15, {10.0, 17.670135774940025, 7.269428562313239}, {28.0, 26.335116530694258, 20.0}},
    {30,
     {22.417583596412168, 10.0, 13.114871937250612},
     {24.852245277701076, 37.20500277700352, 20.0}},
    {59,
     {9.748776089604302, 9.51229424500714, 9.51229424500714},
     {31.980202333234075, 39.13387549490515, 27.737728803856047}}};
const soma_row soma_f32[] = {
    {0, {0.0, 0.0, 0.0}, {20.0, 20.0, 20.0}},
    {1, {1.755739688873291, 0.0, 0.0}, {20.0, 20.0, 20.0}},
    {5, {6.935732841491699, 11.576574325561523, 1.3657289743423462}, {20.0, 20.0, 20.0}},
    {8, {11.109342575073242, 10.0, 6.153499126434326}, {20.0, 28.0, 20.0}},
    {15, {10.0, 17.670133590698242, 7.269425392150879}, {28.0, 26.335115432739258, 20.0}},
    {30,
     {22.41757583618164, 10.0, 13.1148681640625},
     {24.852243423461914, 37.204994201660156, 20.0}},
    {59,
     {9.748775482177734, 9.51229476928711, 9.51229476928711},
     {31.980194091796875, 39.13386535644531, 27.737728118896484}}};

const learning_row learning_f64[] = {{20,
                                      {124.9315556931124,
                                       262.9420052822873,
                                       2.4806947008902287,
                                       91.95294339986086,
                                       304.74026061443107,
                                       63.37450239023864,
                                       182.3515500209569,
                                       41.91053942388981,
                                       5.5,
                                       223.0,
                                       142.5,
                                       252.0},
                                      {2.0927779050817144,
                                       2.610749377145161,
                                       0.12671370152758935,
                                       1.9109455574990881,
                                       2.723230196687593,
                                       1.7159700238504785,
                                       2.338391578077657,
                                       1.5291241151809905,
                                       0.2597723746512633,
                                       2.485834571641678,
                                       2.1752882931744106,
                                       2.57890242315061}},
                                     {40,
                                      {129.715155078748,
                                       266.255117748577,
                                       4.878111213328851,
                                       93.85885975272244,
                                       309.2959613077183,
                                       66.16861196168593,
                                       184.62498359359026,
                                       43.77314753246164,
                                       10.5,
                                       226.5,
                                       145.0,
                                       254.0},
                                      {2.1160493628740893,
                                       2.621800350141376,
                                       0.4809299332485073,
                                       1.9224301102564818,
                                       2.7377133140027716,
                                       1.740613097638359,
                                       2.3470056782175135,
                                       1.54794665230977,
                                       0.8929704316694201,
                                       2.4952621238859503,
                                       2.186469903798048,
                                       2.585027232892082}},
                                     {59,
                                      {134.48400938865387,
                                       269.07041960858805,
                                       7.282339216476285,
                                       95.27609173570063,
                                       313.2272378173653,
                                       69.38118255180991,
                                       186.33226495973224,
                                       45.60911835185131,
                                       14.986645737111353,
                                       229.4692989327072,
                                       147.47250220689395,
                                       255.96474318258112},
                                      {2.136318848553758,
                                       2.6288741681942596,
                                       0.8674347724299063,
                                       1.933647045606733,
                                       2.7571237657451597,
                                       1.7613928891022885,
                                       2.35522778460583,
                                       1.5649391085358848,
                                       1.1356775386218423,
                                       2.507190169985348,
                                       2.197724450083512,
                                       2.5888204751591255}}};
const learning_row learning_f32[] = {{20,
                                      {124.93155670166016,
                                       262.9420166015625,
                                       2.4806947708129883,
                                       91.95294189453125,
                                       304.7402648925781,
                                       63.3745002746582,
                                       182.3515625,
                                       41.91053771972656,
                                       5.5,
                                       223.0,
                                       142.5,
                                       252.0},
                                      {2.092777967453003,
                                       2.6107490062713623,
                                       0.12671369314193726,
                                       1.9109455347061157,
                                       2.7232303619384766,
                                       1.7159699201583862,
                                       2.3383915424346924,
                                       1.5291240215301514,
                                       0.2597723603248596,
                                       2.4858345985412598,
                                       2.175288438796997,
                                       2.578902244567871}},
                                     {40,
                                      {129.7151641845703,
                                       266.2550964355469,
                                       4.878111362457275,
                                       93.8588638305664,
                                       309.29595947265625,
                                       66.16861724853516,
                                       184.625,
                                       43.77314376831055,
                                       10.5,
                                       226.5,
                                       145.0,
                                       254.0},
                                      {2.116049289703369,
                                       2.621800184249878,
                                       0.4809298515319824,
                                       1.9224300384521484,
                                       2.73771333694458,
                                       1.7406132221221924,
                                       2.347005605697632,
                                       1.547946572303772,
                                       0.8929703235626221,
                                       2.4952621459960938,
                                       2.186469793319702,
                                       2.5850272178649902}},
                                     {59,
                                      {134.4840087890625,
                                       269.0704345703125,
                                       7.282339096069336,
                                       95.2761001586914,
                                       313.22723388671875,
                                       69.38118743896484,
                                       186.33229064941406,
                                       45.60911560058594,
                                       14.986645698547363,
                                       229.46929931640625,
                                       147.47250366210938,
                                       255.96475219726562},
                                      {2.1363189220428467,
                                       2.6288740634918213,
                                       0.8674346208572388,
                                       1.9336470365524292,
                                       2.7571237087249756,
                                       1.7613928318023682,
                                       2.3552279472351074,
                                       1.564939022064209,
                                       1.135677456855774,
                                       2.507190227508545,
                                       2.1977245807647705,
                                       2.588820695877075}}};

/// Runs the 60 steps of the scenario from the current state and checks every output byte, the
/// soma's potential and threshold and the kernel and target trace where the reference pins them.
template <typename T>
void check_population(population<T>& n,
                      const soma_row (&soma)[7],
                      const learning_row (&learning)[3],
                      double tolerance) {
    const soma_row* s = soma;
    const learning_row* l = learning;
    for (std::uint64_t k = 0; k < 60; ++k) {
        std::vector<std::uint8_t> expected(3, 0);
        for (const auto& [step, fired] : spikes_expected) {
            if (step == k) {
                expected = fired;
            }
        }
        BOOST_TEST_CONTEXT("step " << k) {
            BOOST_TEST(n.advance(k) == expected, boost::test_tools::per_element());
            if (s != std::end(soma) && s->step == k) {
                check_close(n.values("potential"), s->v, tolerance);
                check_close(n.values("threshold"), s->theta, tolerance);
                ++s;
            }
            if (l != std::end(learning) && l->step == k) {
                check_close(n.kernel(), l->kernel, tolerance);
                check_close(n.values("target"), l->target, tolerance);
                ++l;
            }
        }
    }
    BOOST_TEST(s == std::end(soma));
    BOOST_TEST(l == std::end(learning));
}

} // namespace

BOOST_FIXTURE_TEST_SUITE(alif_neuron, spark::test::models_fixture)

BOOST_AUTO_TEST_CASE(schema_defaults_to_the_adaptive_soma_and_zenkes_rule) {
    const auto& info = registry.resolve("alif_neuron");
    BOOST_TEST(info.canonical_id == "spark.alif_neuron");
    const auto& t = *info.abi;
    BOOST_TEST(t.kind == SPARK_KIND_NEURON);
    const char* names[] = {
        "units", "inhibitory_rate", "soma", "synapses", "delays", "learning_rule"};
    BOOST_TEST_REQUIRE(t.field_count == 6U);
    for (std::uint32_t i = 0; i < 6; ++i) {
        BOOST_TEST(str(t.fields[i].name) == names[i]);
    }
    BOOST_TEST(str(t.fields[1].default_json) == "0.2");
    BOOST_TEST(str(t.fields[2].default_json) == R"({"__class_ref__": "adaptive_leaky_soma"})");
    BOOST_TEST(str(t.fields[3].default_json) == R"({"__class_ref__": "linear_synapses"})");
    BOOST_TEST(str(t.fields[4].default_json) == R"({"__class_ref__": "n2n_delays"})");
    BOOST_TEST(str(t.fields[5].default_json) == R"({"__class_ref__": "zenke_rule"})");
    BOOST_TEST_REQUIRE(t.port_count == 3U);
    BOOST_TEST(str(t.ports[0].name) == "in_spikes");
    BOOST_TEST(str(t.ports[1].name) == "modulation");
    BOOST_TEST(!t.ports[1].required);
    BOOST_TEST(str(t.ports[2].name) == "out_spikes");
    BOOST_TEST(str(t.ports[2].shape_ref) == "units");
}

BOOST_AUTO_TEST_CASE(a_small_population_float64_matches_the_reference) {
    population<double> n(*this, "float64");
    BOOST_TEST(n.out<std::uint8_t>(0)[0] == 0U); // reset: silent, excitatory
    check_population(n, soma_f64, learning_f64, 1e-9);
}

BOOST_AUTO_TEST_CASE(a_small_population_float32_matches_the_reference) {
    // float32 state and constants: within 1e-5 relative of the float32 reference (the currents
    // are summed in another order), the same spike steps
    population<float> n(*this, "float32");
    check_population(n, soma_f32, learning_f32, 1e-5);
}

BOOST_AUTO_TEST_CASE(with_eta_0_the_kernel_stays_and_the_target_trace_still_moves) {
    // z <- alpha z + (W - p z (1/4 - z) (1/2 - z)) / tau_z from z = 0: W / 200 after step 0.
    population<double> n(*this, "float64", "0");
    (void)n.advance(0);
    const std::vector<double> w0 = {120, 260, 0, 90, 300, 60, 180, 40, 0, 220, 140, 250};
    std::vector<double> z0;
    for (const double w : w0) {
        z0.push_back(w / 200.0);
    }
    check_close(n.values("target"), z0, 1e-12);
    for (std::uint64_t k = 1; k < 60; ++k) {
        (void)n.advance(k);
    }
    BOOST_TEST(n.kernel() == w0, boost::test_tools::per_element());
    // Every synapse's z after 60 steps, by the recursion; the zero weights' z stays exactly 0
    // (the neuron steps only the targets that move when the weights are static).
    std::vector<double> z(w0.size(), 0.0);
    for (int k = 0; k < 60; ++k) {
        for (std::size_t at = 0; at < z.size(); ++at) {
            z[at] = std::exp(-1.0 / 200.0) * z[at] +
                    (w0[at] - 20.0 * z[at] * (0.25 - z[at]) * (0.5 - z[at])) / 200.0;
        }
    }
    check_close(n.values("target"), z, 1e-12);
    BOOST_TEST(n.values("target")[2] == 0.0);
    BOOST_TEST(n.values("target")[8] == 0.0);

    // A loaded z on a zero weight moves too: z <- alpha z - p z (1/4 - z) (1/2 - z) / tau_z.
    auto saved = n.checkpoint();
    auto loaded = n.values("target");
    loaded[2] = 0.1;
    for (std::size_t k = 0; k < saved.size(); ++k) {
        if (n.instance.state()[k].name == std::string("target")) {
            std::memcpy(saved[k].data(), loaded.data(), loaded.size() * sizeof(double));
        }
    }
    n.restore(saved);
    (void)n.advance(60);
    BOOST_TEST(n.values("target")[2] ==
                   std::exp(-1.0 / 200.0) * 0.1 - 20.0 * 0.1 * (0.25 - 0.1) * (0.5 - 0.1) / 200.0,
               boost::test_tools::tolerance(1e-12));
}

BOOST_AUTO_TEST_CASE(floor_of_units_times_rate_neurons_carry_the_inhibition_bit) {
    const std::pair<double, std::size_t> cases[] = {{0.0, 0}, {0.5, 2}, {1.0, 4}, {0.2, 0}};
    for (const auto& [rate, inhibitory] : cases) {
        BOOST_TEST_CONTEXT("rate " << rate) {
            running_module m(*this,
                             "alif_neuron",
                             R"({"units": [4], "inhibitory_rate": )" + std::to_string(rate) + "}",
                             {port(SPARK_PAYLOAD_SPIKES, SPARK_DTYPE_U8, {3})},
                             1);
            std::size_t count = 0;
            for (const auto b : m.out<std::uint8_t>(0)) {
                BOOST_TEST((b == 0U || b == 2U));
                count += b == 2U ? 1 : 0;
            }
            BOOST_TEST(count == inhibitory);
        }
    }
}

BOOST_AUTO_TEST_CASE(the_output_contract_equals_the_built_output_spec) {
    auto cfg = config("alif_neuron", R"({"units": [3, 4]})");
    auto instance = registry.create(cfg.type(), cfg.abi(), "probe");
    BOOST_TEST_REQUIRE(instance.has_contract());
    spark_port_spec_t contract{};
    instance.contract(std::span(&contract, 1));
    const auto in = port(SPARK_PAYLOAD_SPIKES, SPARK_DTYPE_U8, {7});
    spark_port_spec_t built{};
    const spark_port_spec_t inputs[2] = {in, {}}; // modulation unwired
    instance.build(std::span(inputs), std::span(&built, 1));
    BOOST_TEST(contract.payload_kind == SPARK_PAYLOAD_SPIKES);
    BOOST_TEST(contract.dtype == SPARK_DTYPE_U8);
    BOOST_TEST_REQUIRE(contract.shape.rank == 2U);
    BOOST_TEST(contract.shape.dims[0] == 3U);
    BOOST_TEST(contract.shape.dims[1] == 4U);
    BOOST_TEST(built.payload_kind == contract.payload_kind);
    BOOST_TEST(built.dtype == contract.dtype);
    BOOST_TEST_REQUIRE(built.shape.rank == 2U);
    BOOST_TEST(built.shape.dims[0] == 3U);
    BOOST_TEST(built.shape.dims[1] == 4U);
}

BOOST_AUTO_TEST_CASE(a_component_of_the_wrong_kind_is_refused_with_the_accepted_types) {
    auto cfg =
        config("alif_neuron", R"({"units": [2], "soma": {"__class_ref__": "linear_synapses"}})");
    try {
        (void)registry.create(cfg.type(), cfg.abi(), "probe");
        BOOST_FAIL("alif_neuron accepted synapses as its soma");
    } catch (const spark::registry::plugin_error& e) {
        BOOST_TEST(std::string(e.what()).find(
                       "alif_neuron.soma is spark.linear_synapses; a alif_neuron takes "
                       "spark.leaky_soma, spark.refractory_leaky_soma") != std::string::npos,
                   e.what());
    }
}

// docs/file-format.md section 2.5: the tutorial's four ALIF populations (units [256] fed by 832
// presynaptic neurons, [64] fed by 256) with its soma, delay and rule values, learning on.
BOOST_AUTO_TEST_CASE(the_upstream_tutorials_values_build_and_run) {
    struct population_case {
        const char* units;
        std::uint32_t inputs;
        const char* rate;
        std::size_t size;
    };
    const population_case cases[] = {{"[256]", 832, "0.0", 256}, {"[64]", 256, "1.0", 64}};
    for (const auto& c : cases) {
        BOOST_TEST_CONTEXT("units " << c.units) {
            running_module m(*this,
                             "alif_neuron",
                             std::string(R"({"units": )") + c.units + R"(, "inhibitory_rate": )" +
                                 c.rate + R"(,
                "soma": {"potential_rest": -60, "potential_reset": -50, "potential_tau": 20,
                         "resistance": 100, "threshold": -40, "cooldown": 2,
                         "threshold_tau": 20, "threshold_delta": 100},
                "synapses": {"kernel": {"__class_ref__": "sparse_uniform_initializer",
                                        "density": 0.2}},
                "delays": {"max_delay": 8.0},
                "learning_rule": {"async_spikes": true, "pre_tau": 20, "post_tau": 20,
                                  "post_slow_tau": 20, "target_tau": 20000, "a": 1, "b": -1,
                                  "c": -1, "d": 1, "p": 20}})",
                             {port(SPARK_PAYLOAD_SPIKES, SPARK_DTYPE_U8, {c.inputs})},
                             1);
            const auto kernel = m.state("kernel_pre_major");
            BOOST_TEST_REQUIRE(kernel.shape.rank == 2U);
            BOOST_TEST(kernel.shape.dims[0] == c.inputs);
            BOOST_TEST(kernel.shape.dims[1] == c.size);
            std::mt19937 rng(20260128); // fixed seed: 10% of the inputs fire per step
            std::size_t fired = 0;
            for (std::uint64_t k = 0; k < 30; ++k) {
                for (auto& s : m.in<std::uint8_t>(0)) {
                    s = rng() % 10 == 0 ? 1 : 0;
                }
                m.step(k);
                for (const auto b : m.out<std::uint8_t>(0)) {
                    // the excitatory population has no bit1, the inhibitory one all of them
                    BOOST_TEST((b & 2U) == (c.rate[0] == '1' ? 2U : 0U));
                    fired += b & 1U;
                }
            }
            // R = 100 GOhm: one presynaptic spike through a weight of ~0.5 pA lifts V by
            // ~2.4 mV, so with ~17 weighted spikes per step many neurons fire
            BOOST_TEST(fired > 0U);
        }
    }
}

BOOST_AUTO_TEST_CASE(reset_restores_the_initial_state_including_the_kernel) {
    population<double> n(*this, "float64");
    for (std::uint64_t k = 0; k < 40; ++k) {
        (void)n.advance(k);
    }
    n.reset();
    BOOST_TEST(n.kernel() ==
                   (std::vector<double>{120, 260, 0, 90, 300, 60, 180, 40, 0, 220, 140, 250}),
               boost::test_tools::per_element());
    BOOST_TEST(n.values("potential") == std::vector<double>(3, 0.0),
               boost::test_tools::per_element());
    BOOST_TEST(n.values("threshold") == std::vector<double>(3, 20.0),
               boost::test_tools::per_element());
    BOOST_TEST(n.state_values<std::int32_t>("refractory") == std::vector<std::int32_t>(3, 2),
               boost::test_tools::per_element());
    for (const char* name : {"target", "post_trace", "post_slow_trace", "pre_trace_history"}) {
        for (const double x : n.values(name)) {
            BOOST_TEST(x == 0.0, name);
        }
    }
    for (const auto s : n.state_values<std::uint8_t>("spike_history")) {
        BOOST_TEST(s == 0U);
    }
    // and the scenario runs again from step 0
    check_population(n, soma_f64, learning_f64, 1e-9);
}

BOOST_AUTO_TEST_CASE(state_round_trip_resumes_the_identical_trajectory) {
    population<double> n(*this, "float64");
    for (std::uint64_t k = 0; k < 25; ++k) {
        (void)n.advance(k); // mid-run: spikes in flight, a raised threshold, a learned kernel
    }
    const auto saved = n.checkpoint();
    std::vector<std::vector<std::uint8_t>> spikes;
    std::vector<std::vector<double>> kernel;
    std::vector<std::vector<double>> target;
    std::vector<std::vector<double>> potential;
    for (std::uint64_t k = 25; k < 60; ++k) {
        spikes.push_back(n.advance(k));
        kernel.push_back(n.kernel());
        target.push_back(n.values("target"));
        potential.push_back(n.values("potential"));
    }
    n.reset();
    n.restore(saved);
    for (std::uint64_t k = 25; k < 60; ++k) {
        BOOST_TEST_CONTEXT("step " << k) {
            BOOST_TEST(n.advance(k) == spikes[k - 25], boost::test_tools::per_element());
            // bit for bit
            BOOST_TEST(n.kernel() == kernel[k - 25], boost::test_tools::per_element());
            BOOST_TEST(n.values("target") == target[k - 25], boost::test_tools::per_element());
            BOOST_TEST(n.values("potential") == potential[k - 25],
                       boost::test_tools::per_element());
        }
    }
}

BOOST_AUTO_TEST_SUITE_END()
