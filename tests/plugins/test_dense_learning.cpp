// SPDX-License-Identifier: Apache-2.0
// learning/dense_learning.hpp: any standalone rule's Update as a neuron's rule policy. The
// test-only plugin test.dense_learning builds spark.neurons' population core with it
// (dense_lif_neuron = lif_neuron with dense_learning<hebbian_update>, dense_alif_neuron =
// alif_neuron with dense_learning<zenke_update>, oja_lif_neuron); run next to spark.lif_neuron and
// spark.alif_neuron on the same config, seed and random input, they give bit-identical spikes,
// kernels and traces every step, in float32 and float64. Also: reset and a state round trip of
// a dense population, and a LIF neuron learning with Oja's rule against
// reference/golden_neurons.py (lif_oja_composite).
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <iterator>
#include <random>
#include <string>
#include <vector>

#include <boost/test/unit_test.hpp>

#include <spark/abi/spark_abi.h>
#include <spark/registry/plugin_registry.hpp>

#include "models_fixture.hpp"

using spark::test::port;
using spark::test::running_module;

namespace {

struct dense_fixture : spark::test::models_fixture {
    dense_fixture() {
        BOOST_TEST_REQUIRE(registry.load(SPARK_TEST_DENSE_LEARNING_PLUGIN).id ==
                           "test.dense_learning");
    }
};

constexpr std::uint32_t n_pre = 5;

/// 6 neurons (2 inhibitory: floor(6 * 0.34)), 5 presynaptic neurons (the last inhibitory), a
/// kernel whose zero entries the rule may grow, delays drawn from the seeded default initializer
/// (0..3 steps), and `rule` as the learning rule's overrides.
std::string population_config(const char* dtype, const std::string& soma, const std::string& rule) {
    return std::string(R"({"units": [6], "dtype": ")") + dtype + R"(", "seed": 20260128,
        "inhibitory_rate": 0.34,
        "soma": )" +
           soma + R"(,
        "synapses": {"kernel": {"__class_ref__": "fixed_values_initializer", "values": [
            420, 0, 310, 150, 90,    250, 380, 0, 200, 60,     0, 300, 350, 120, 200,
            330, 210, 0, 400, 30,    180, 0, 260, 390, 250,    290, 340, 120, 0, 10]}},
        "delays": {"max_delay": 3},
        "learning_rule": )" +
           rule + "}";
}

/// The bytes of every state array, by name.
std::vector<std::pair<std::string, std::vector<unsigned char>>> named_state(running_module& m) {
    std::vector<std::pair<std::string, std::vector<unsigned char>>> arrays;
    for (const auto& a : m.instance.state()) {
        const auto* bytes = static_cast<const unsigned char*>(a.data);
        arrays.emplace_back(
            a.name,
            std::vector<unsigned char>(bytes,
                                       bytes + spark::test::element_count(a.shape) *
                                                   spark::test::element_size(a.dtype)));
    }
    return arrays;
}

/// Runs `reference` (the event-driven policy) and `dense` side by side for `steps` steps of the
/// same random input and checks that output spikes are the same after every step, and the
/// kernel and every state array both expose are the same bytes after every `state_every`-th step
/// and the last. Presynaptic neuron 0 stops firing at step `first_silent_from`. Returns the
/// number of output spikes; with `spikes_per_step`, also each step's.
std::size_t run_side_by_side(running_module& reference,
                             running_module& dense,
                             std::uint64_t steps,
                             const std::vector<std::string>& shared_names,
                             std::vector<std::size_t>* spikes_per_step = nullptr,
                             std::uint64_t state_every = 1,
                             std::uint64_t first_silent_from = UINT64_MAX) {
    std::mt19937 rng(20260128); // fixed seed: each presynaptic neuron fires with p = 0.3
    std::size_t spikes = 0;
    const auto kernel_before = named_state(reference).front().second;
    for (std::uint64_t k = 0; k < steps; ++k) {
        for (std::size_t i = 0; i < n_pre; ++i) {
            const bool silent = i == 0 && k >= first_silent_from;
            const auto s = static_cast<std::uint8_t>(rng() % 10 < 3 && !silent ? 1 : 0);
            const auto bit = static_cast<std::uint8_t>(s | (i == n_pre - 1 ? 2 : 0));
            reference.in<std::uint8_t>(0)[i] = bit;
            dense.in<std::uint8_t>(0)[i] = bit;
        }
        reference.step(k);
        dense.step(k);
        BOOST_TEST_CONTEXT("step " << k) {
            const auto a = reference.out<std::uint8_t>(0);
            const auto b = dense.out<std::uint8_t>(0);
            BOOST_TEST(std::vector<std::uint8_t>(a.begin(), a.end()) ==
                           std::vector<std::uint8_t>(b.begin(), b.end()),
                       boost::test_tools::per_element());
            std::size_t now = 0;
            for (const auto s : a) {
                now += s & 1U;
            }
            spikes += now;
            if (spikes_per_step != nullptr) {
                spikes_per_step->push_back(now);
            }
            if ((k + 1) % state_every != 0 && k + 1 != steps) {
                continue; // reading the state settles every weight: let them stay pending
            }
            const auto ra = named_state(reference);
            const auto da = named_state(dense);
            for (const auto& name : shared_names) {
                BOOST_TEST_CONTEXT("state " << name) {
                    const std::vector<unsigned char>* x = nullptr;
                    const std::vector<unsigned char>* y = nullptr;
                    for (const auto& [n, bytes] : ra) {
                        x = n == name ? &bytes : x;
                    }
                    for (const auto& [n, bytes] : da) {
                        y = n == name ? &bytes : y;
                    }
                    BOOST_TEST_REQUIRE((x != nullptr && y != nullptr));
                    BOOST_TEST((*x == *y)); // bit for bit
                }
            }
        }
    }
    // not vacuous: the kernel has learned
    BOOST_TEST((named_state(reference).front().second != kernel_before));
    return spikes;
}

const std::vector<std::string> hebbian_state = {
    "kernel_pre_major", "potential", "post_trace", "pre_trace_history", "spike_history", "cursor"};
const std::vector<std::string> zenke_state = {"kernel_pre_major",
                                              "potential",
                                              "threshold",
                                              "refractory",
                                              "pre_trace_history",
                                              "post_trace",
                                              "post_slow_trace",
                                              "target",
                                              "spike_history",
                                              "cursor"};

const char* const leaky_soma = "{}";
const char* const adaptive_soma = R"({"threshold_delta": 5})";
const char* const hebbian_config = R"({"eta": 20})";
const char* const zenke_config = R"({"eta": 5, "target_tau": 200})";

template <typename T>
void hebbian_is_bit_identical(dense_fixture& f, const char* dtype) {
    const auto cfg = population_config(dtype, leaky_soma, hebbian_config);
    const auto in = port(SPARK_PAYLOAD_SPIKES, SPARK_DTYPE_U8, {n_pre});
    running_module reference(f, "lif_neuron", cfg, {in}, 1);
    running_module dense(f, "dense_lif_neuron", cfg, {in}, 1);
    BOOST_TEST(run_side_by_side(reference, dense, 120, hebbian_state) > 20U);
}

template <typename T>
void zenke_is_bit_identical(dense_fixture& f, const char* dtype) {
    const auto cfg = population_config(dtype, adaptive_soma, zenke_config);
    const auto in = port(SPARK_PAYLOAD_SPIKES, SPARK_DTYPE_U8, {n_pre});
    running_module reference(f, "alif_neuron", cfg, {in}, 1);
    running_module dense(f, "dense_alif_neuron", cfg, {in}, 1);
    BOOST_TEST(run_side_by_side(reference, dense, 120, zenke_state) > 20U);
}

/// A float32 LIF population of `units` neurons with Hebbian learning (eta 20), per-synapse delays
/// of up to 3 steps and a half-dense kernel of weights up to `scale`: the grouped layout, whose
/// updates wait (learning/hebbian_pending.hpp).
std::string waiting_hebbian_config(unsigned units, unsigned seed, unsigned scale) {
    return R"({"units": [)" + std::to_string(units) + R"(], "dtype": "float32", "seed": )" +
           std::to_string(seed) + R"(, "inhibitory_rate": 0.25, "soma": {},
        "synapses": {"kernel": {"__class_ref__": "sparse_uniform_initializer", "scale": )" +
           std::to_string(scale) + R"(, "density": 0.5}},
        "delays": {"max_delay": 3},
        "learning_rule": {"eta": 20}})";
}

/// run_side_by_side() of spark.lif_neuron and the dense rule on waiting_hebbian_config(units,
/// seed, scale): the state read every `state_every` steps, input 0 silent from `silent_from`.
/// Returns the output spikes, and each step's in per_step.
std::size_t waiting_hebbian_run(dense_fixture& f,
                                unsigned units,
                                unsigned seed,
                                unsigned scale,
                                std::uint64_t steps,
                                std::uint64_t state_every,
                                std::uint64_t silent_from,
                                std::vector<std::size_t>& per_step) {
    const std::string cfg = waiting_hebbian_config(units, seed, scale);
    const auto in = port(SPARK_PAYLOAD_SPIKES, SPARK_DTYPE_U8, {n_pre});
    running_module reference(f, "lif_neuron", cfg, {in}, 1);
    running_module dense(f, "dense_lif_neuron", cfg, {in}, 1);
    return run_side_by_side(
        reference, dense, steps, hebbian_state, &per_step, state_every, silent_from);
}

} // namespace

BOOST_FIXTURE_TEST_SUITE(dense_learning, dense_fixture)

BOOST_AUTO_TEST_CASE(hebbian_update_matches_hebbian_learning_bit_for_bit_in_float64) {
    hebbian_is_bit_identical<double>(*this, "float64");
}

BOOST_AUTO_TEST_CASE(hebbian_update_matches_hebbian_learning_bit_for_bit_in_float32) {
    hebbian_is_bit_identical<float>(*this, "float32");
}

BOOST_AUTO_TEST_CASE(zenke_update_matches_zenke_learning_bit_for_bit_in_float64) {
    zenke_is_bit_identical<double>(*this, "float64");
}

BOOST_AUTO_TEST_CASE(zenke_update_matches_zenke_learning_bit_for_bit_in_float32) {
    zenke_is_bit_identical<float>(*this, "float32");
}

BOOST_AUTO_TEST_CASE(hebbian_learning_matches_when_its_updates_wait) {
    // spark.lif_neuron's Hebbian rule with per-synapse delays keeps its kernel in delivery-list
    // order (neuron/population.hpp, the grouped layout) and applies each synapse's updates late
    // (learning/hebbian_pending.hpp): when a spike arrives on it, every 252 steps here (H = 256,
    // 4 ring rows), and when the state is read. Reading it only every 300 steps, 600 steps long,
    // with presynaptic neuron 0 silent after step 100 (its synapses wait for the periodic pass),
    // takes all three ways, with many updates waiting at once (steps where 3 or more of the 48
    // neurons fire); the bytes must still be the dense rule's.
    std::vector<std::size_t> per_step;
    waiting_hebbian_run(*this, 48, 20261206, 900, 600, 300, 100, per_step);
    const auto bursts =
        std::count_if(per_step.begin(), per_step.end(), [](std::size_t n) { return n >= 3; });
    BOOST_TEST(bursts > 20);
}

BOOST_AUTO_TEST_CASE(hebbian_learning_matches_with_many_spikes_waiting) {
    // A synapse whose presynaptic neuron is silent for long while its target keeps firing
    // waits with many of the target's spikes (learning/hebbian_pending.hpp keeps the latest four
    // packed and reads older ones from its ring of spike steps). Here the 128 neurons fire at
    // high rates, but mostly too few in one step to count as a synchronous burst (which settles
    // every synapse at once), input 0 falls silent at step 50 and the state is read every 250
    // steps.
    std::vector<std::size_t> per_step;
    const std::size_t spikes =
        waiting_hebbian_run(*this, 128, 20261207, 600, 500, 250, 50, per_step);
    const auto bursts =
        std::count_if(per_step.begin(), per_step.end(), [](std::size_t n) { return n >= 8; });
    BOOST_TEST(spikes > 128U * 10U); // more than ten spikes per neuron in 500 steps
    BOOST_TEST(bursts < 250);        // mostly below the burst threshold (8 of 128)
}

BOOST_AUTO_TEST_CASE(hebbian_learning_matches_when_its_updates_wait_in_float32) {
    const auto cfg = population_config("float32", leaky_soma, hebbian_config);
    const auto in = port(SPARK_PAYLOAD_SPIKES, SPARK_DTYPE_U8, {n_pre});
    running_module reference(*this, "lif_neuron", cfg, {in}, 1);
    running_module dense(*this, "dense_lif_neuron", cfg, {in}, 1);
    BOOST_TEST(run_side_by_side(reference, dense, 600, hebbian_state, nullptr, 131) > 100U);
}

BOOST_AUTO_TEST_CASE(a_large_delivery_in_parts_matches_the_dense_rule) {
    // Above 2 x 65,536 arrivals a step, the grouped Hebbian neuron delivers in parts by whole
    // groups, each into its own current, summed in part order (neuron/population.hpp): here
    // 4,000 inputs firing with p = 0.3 reach 1,000 neurons (~1.2 M arrivals, 4 parts). The sums
    // group their terms differently from the dense rule's one pass, so currents may differ in
    // the last bits: spikes must be the same and the kernel the same within 1e-12 (float64).
    constexpr std::uint32_t inputs = 4000;
    const std::string cfg = R"({"units": [1000], "dtype": "float64", "seed": 11,
        "inhibitory_rate": 0.2, "soma": {},
        "synapses": {"kernel": {"__class_ref__": "sparse_uniform_initializer", "scale": 40,
                                "density": 0.9}},
        "delays": {"max_delay": 4},
        "learning_rule": {"eta": 0.1}})";
    const auto in = port(SPARK_PAYLOAD_SPIKES, SPARK_DTYPE_U8, {inputs});
    running_module reference(*this, "lif_neuron", cfg, {in}, 1);
    running_module dense(*this, "dense_lif_neuron", cfg, {in}, 1);
    std::mt19937 rng(3);
    std::size_t spikes = 0;
    for (std::uint64_t k = 0; k < 8; ++k) {
        for (std::size_t i = 0; i < inputs; ++i) {
            const auto s = static_cast<std::uint8_t>(rng() % 10 < 3 ? 1 : 0);
            reference.in<std::uint8_t>(0)[i] = s;
            dense.in<std::uint8_t>(0)[i] = s;
        }
        reference.step(k);
        dense.step(k);
        const auto a = reference.out<std::uint8_t>(0);
        const auto b = dense.out<std::uint8_t>(0);
        BOOST_TEST(std::vector<std::uint8_t>(a.begin(), a.end()) ==
                       std::vector<std::uint8_t>(b.begin(), b.end()),
                   boost::test_tools::per_element());
        for (const auto x : a) {
            spikes += x & 1U;
        }
    }
    const auto ours = reference.kernel_values<double>();
    const auto theirs = dense.kernel_values<double>();
    BOOST_TEST_REQUIRE(ours.size() == theirs.size());
    double worst = 0.0;
    for (std::size_t k = 0; k < ours.size(); ++k) {
        worst =
            std::max(worst, std::abs(ours[k] - theirs[k]) / std::max(1e-300, std::abs(theirs[k])));
    }
    BOOST_TEST(worst <= 1e-12);
    BOOST_TEST(spikes > 100U); // not vacuous: the neurons fired and learned
}

BOOST_AUTO_TEST_CASE(a_static_rule_matches_too) {
    // eta = 0: the event-driven policy skips learning and drops zero weights from delivery; the
    // dense one visits every synapse (W <- max(0, W + 0)). Same bytes all the same.
    const auto cfg = population_config("float64", leaky_soma, R"({"eta": 0})");
    const auto in = port(SPARK_PAYLOAD_SPIKES, SPARK_DTYPE_U8, {n_pre});
    running_module reference(*this, "lif_neuron", cfg, {in}, 1);
    running_module dense(*this, "dense_lif_neuron", cfg, {in}, 1);
    std::mt19937 rng(7);
    for (std::uint64_t k = 0; k < 60; ++k) {
        for (std::size_t i = 0; i < n_pre; ++i) {
            const auto s = static_cast<std::uint8_t>(rng() % 10 < 3 ? 1 : 0);
            reference.in<std::uint8_t>(0)[i] = s;
            dense.in<std::uint8_t>(0)[i] = s;
        }
        reference.step(k);
        dense.step(k);
        const auto a = reference.out<std::uint8_t>(0);
        const auto b = dense.out<std::uint8_t>(0);
        BOOST_TEST(std::vector<std::uint8_t>(a.begin(), a.end()) ==
                       std::vector<std::uint8_t>(b.begin(), b.end()),
                   boost::test_tools::per_element());
        BOOST_TEST((reference.checkpoint().front() == dense.checkpoint().front()));
    }
}

BOOST_AUTO_TEST_CASE(reset_and_a_state_round_trip_replay_the_same_run) {
    const auto cfg = population_config("float64", adaptive_soma, zenke_config);
    const auto in = port(SPARK_PAYLOAD_SPIKES, SPARK_DTYPE_U8, {n_pre});
    running_module dense(*this, "dense_alif_neuron", cfg, {in}, 1);
    const auto initial = dense.checkpoint();
    auto input = [](std::uint64_t k, std::size_t i) {
        return static_cast<std::uint8_t>((k * 7 + i * 3) % 5 < 2 ? 1 : 0);
    };
    auto run = [&](std::uint64_t from, std::uint64_t to) {
        std::vector<std::vector<unsigned char>> trace;
        for (std::uint64_t k = from; k < to; ++k) {
            for (std::size_t i = 0; i < n_pre; ++i) {
                dense.in<std::uint8_t>(0)[i] = input(k, i);
            }
            dense.step(k);
            trace.emplace_back(dense.out<std::uint8_t>(0).begin(),
                               dense.out<std::uint8_t>(0).end());
            for (const auto& a : dense.checkpoint()) {
                trace.push_back(a);
            }
        }
        return trace;
    };
    const auto first = run(0, 40);
    const auto saved = dense.checkpoint();
    const auto second = run(40, 80);
    // reset: the initial state (kernel included), and the same run again
    dense.reset();
    BOOST_TEST((dense.checkpoint() == initial));
    BOOST_TEST((run(0, 40) == first));
    // restore mid-run: the same continuation
    dense.reset();
    dense.restore(saved);
    BOOST_TEST((run(40, 80) == second));
}

BOOST_AUTO_TEST_CASE(a_hebbian_state_round_trip_resumes_the_same_run) {
    // The grouped Hebbian rule keeps updates waiting (learning/hebbian_pending.hpp): its state
    // must hold everything a resumed run needs, and reading it must not change the run.
    const std::string cfg = waiting_hebbian_config(48, 7, 900);
    const auto in = port(SPARK_PAYLOAD_SPIKES, SPARK_DTYPE_U8, {n_pre});
    running_module neuron(*this, "lif_neuron", cfg, {in}, 1);
    std::vector<std::uint8_t> outputs;
    auto run = [&](std::uint64_t from, std::uint64_t to) {
        for (std::uint64_t k = from; k < to; ++k) {
            for (std::size_t i = 0; i < n_pre; ++i) {
                neuron.in<std::uint8_t>(0)[i] =
                    static_cast<std::uint8_t>((k * 7 + i * 3) % 5 < 2 ? 1 : 0);
            }
            neuron.step(k);
            const auto out = neuron.out<std::uint8_t>(0);
            outputs.insert(outputs.end(), out.begin(), out.end());
        }
    };
    run(0, 400); // never read in between
    const auto whole = neuron.checkpoint();
    const auto whole_outputs = outputs;
    neuron.reset();
    outputs.clear();
    run(0, 150);
    const auto saved = neuron.checkpoint();
    const auto first_part = outputs;
    run(150, 400);
    BOOST_TEST((neuron.checkpoint() == whole)); // reading at step 150 changed nothing
    BOOST_TEST((outputs == whole_outputs));
    neuron.reset();
    neuron.restore(saved);
    outputs = first_part;
    run(150, 400);
    BOOST_TEST((neuron.checkpoint() == whole)); // resumed: the same bytes
    BOOST_TEST((outputs == whole_outputs));
    BOOST_TEST((whole.front() != saved.front())); // it learned after the checkpoint
}

BOOST_AUTO_TEST_CASE(a_lif_neuron_learns_with_ojas_rule) {
    // S3c's neuron (1 -> 1, delay 1, 300 pA, the presynaptic neuron firing every step) with
    // oja_rule (eta 0.1, post_tau 20 ms): reference/golden_neurons.py lif_oja_composite, f64.
    running_module n(*this,
                     "oja_lif_neuron",
                     R"({"units": [1], "dtype": "float64", "synapses": {"kernel": 300},
                         "delays": {"max_delay": 4, "delays": 1},
                         "learning_rule": {"eta": 0.1}})",
                     {port(SPARK_PAYLOAD_SPIKES, SPARK_DTYPE_U8, {1})},
                     1);
    struct row {
        std::uint64_t step;
        double potential;
        double kernel_after;
    };
    const row rows[] = {{0, 0.0, 300.0},
                        {1, 1.4631172649785797, 300.0},
                        {21, 19.501867526665336, 300.0},
                        {22, 10.0, 299.93},
                        {23, 10.975070115957225, 299.8669091754246},
                        {30, 16.584886177058344, 299.56975119121824},
                        {36, 10.0, 299.29813578865173},
                        {51, 10.0, 297.96449238718765},
                        {59, 16.507332104929752, 296.88475505876266}};
    std::vector<std::uint64_t> spikes;
    const row* next = rows;
    for (std::uint64_t k = 0; k < 60; ++k) {
        n.in<std::uint8_t>(0)[0] = 1;
        n.step(k);
        if ((n.out<std::uint8_t>(0)[0] & 1U) != 0) {
            spikes.push_back(k);
        }
        if (next != std::end(rows) && next->step == k) {
            BOOST_TEST_CONTEXT("step " << k) {
                BOOST_TEST(n.state_values<double>("potential").at(0) == next->potential,
                           boost::test_tools::tolerance(1e-9));
                BOOST_TEST(n.kernel_values<double>().at(0) == next->kernel_after,
                           boost::test_tools::tolerance(1e-9));
            }
            ++next;
        }
    }
    BOOST_TEST(spikes == (std::vector<std::uint64_t>{22, 36, 51}),
               boost::test_tools::per_element());
}

BOOST_AUTO_TEST_SUITE_END()
