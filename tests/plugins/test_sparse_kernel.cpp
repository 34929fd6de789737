// SPDX-License-Identifier: Apache-2.0
// Sparse kernels (docs/models.md section 5.1,
// docs/adr/0011-type-extensions-and-sparse-initializers.md): a neuron whose rule never reads the
// kernel and whose initializer fills sparsely keeps only its synapses. It must behave exactly as
// the dense kernel it stands for: the same weights in the same places, the same delays, the same
// currents and spikes bit for bit. Its twin here keeps the kernel dense because its rule (Zenke's,
// eta 0: no weight ever changes) reads the kernel.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <string>
#include <utility>
#include <vector>

#include <boost/test/unit_test.hpp>

#include <spark/abi/spark_abi.h>
#include <spark/registry/errors.hpp>

#include "models_fixture.hpp"

using spark::test::port;
using spark::test::running_module;

namespace {

/// A lif_neuron of 50 units reading a (6, 10) input: a kernel of rank 3, so each postsynaptic
/// row spans 6 lines of the initializer's draw.
std::string neuron(const std::string& delays, const std::string& rule) {
    return R"({"units": [50], "inhibitory_rate": 0.25,
        "synapses": {"kernel": {"__class_ref__": "sparse_uniform_initializer", "scale": 300,
                                "density": 0.2}},
        "delays": )" +
           delays + R"(, "learning_rule": )" + rule + "}";
}

bool has_state(running_module& m, const char* name) {
    for (const auto& a : m.instance.state()) {
        if (a.name != nullptr && std::strcmp(a.name, name) == 0) {
            return true;
        }
    }
    return false;
}

/// Input byte of presynaptic neuron i at step k: a fixed pattern with inhibitory neurons (bit1)
/// and ~40 % of the neurons firing.
std::uint8_t drive(std::uint32_t i, std::uint64_t k) {
    const bool fires = ((i * 7U + k * 13U) % 5U) < 2U;
    const std::uint8_t inhibitory = i % 4U == 0 ? 2U : 0U;
    return static_cast<std::uint8_t>(inhibitory | (fires ? 1U : 0U));
}

} // namespace

BOOST_FIXTURE_TEST_SUITE(sparse_kernel, spark::test::models_fixture)

BOOST_AUTO_TEST_CASE(a_sparse_kernel_runs_bit_for_bit_like_its_dense_twin) {
    const std::vector<std::string> delays = {"null",
                                             R"({"__class_ref__": "n_delays", "max_delay": 4})",
                                             R"({"__class_ref__": "n2n_delays", "max_delay": 8})"};
    const auto in_spec = port(SPARK_PAYLOAD_SPIKES, SPARK_DTYPE_U8, {6, 10});
    for (const auto& d : delays) {
        BOOST_TEST_CONTEXT("delays " << d) {
            running_module sparse(*this, "lif_neuron", neuron(d, "null"), {in_spec}, 1);
            running_module dense(*this,
                                 "lif_neuron",
                                 neuron(d, R"({"__class_ref__": "zenke_rule", "eta": 0})"),
                                 {in_spec},
                                 1);
            BOOST_TEST_REQUIRE(has_state(sparse, "kernel_value"));
            BOOST_TEST_REQUIRE(!has_state(sparse, "kernel_pre_major"));
            BOOST_TEST_REQUIRE(has_state(dense, "kernel_pre_major"));

            // The compressed rows hold exactly the dense kernel's non-zero entries.
            const auto kernel = dense.kernel_values<float>();
            const auto row_start = sparse.state_values<std::int32_t>("kernel_row_start");
            const auto column = sparse.state_values<std::int32_t>("kernel_column");
            const auto value = sparse.state_values<float>("kernel_value");
            BOOST_TEST_REQUIRE(row_start.size() == 51U);
            std::vector<float> expanded(kernel.size(), 0.0F);
            for (std::size_t o = 0; o < 50; ++o) {
                for (auto e = static_cast<std::size_t>(row_start[o]);
                     e < static_cast<std::size_t>(row_start[o + 1]);
                     ++e) {
                    expanded[o * 60 + static_cast<std::size_t>(column[e])] = value[e];
                }
            }
            BOOST_TEST(expanded == kernel, boost::test_tools::per_element());
            const auto non_zero = static_cast<std::size_t>(
                std::count_if(kernel.begin(), kernel.end(), [](float w) { return w != 0.0F; }));
            BOOST_TEST(value.size() == non_zero);
            BOOST_TEST(non_zero > 300U); // ~600 of 3,000: the draw is sparse, not empty
            BOOST_TEST(non_zero < 900U);

            std::uint64_t spikes = 0;
            for (std::uint64_t k = 0; k < 80; ++k) {
                for (auto* m : {&sparse, &dense}) {
                    auto in = m->in<std::uint8_t>(0);
                    for (std::uint32_t i = 0; i < 60; ++i) {
                        in[i] = drive(i, k);
                    }
                    m->step(k);
                }
                BOOST_TEST_REQUIRE((sparse.state_values<float>("potential") ==
                                    dense.state_values<float>("potential")),
                                   "step " << k);
                const auto a = sparse.out<std::uint8_t>(0);
                const auto b = dense.out<std::uint8_t>(0);
                BOOST_TEST_REQUIRE(std::equal(a.begin(), a.end(), b.begin()), "step " << k);
                for (const auto s : a) {
                    spikes += s & 1U;
                }
            }
            BOOST_TEST(spikes > 0U); // the currents were large enough to matter
        }
    }
}

// 262,144 neurons reading 262,144: the dense kernel would take 256 GB. At density 3e-6 the
// kernel holds ~206,000 synapses (2^36 * 3e-6, standard deviation ~450), built at a cost per
// synapse; every neuron fires once, and the ~0.8 synapses per neuron deliver.
BOOST_AUTO_TEST_CASE(a_kernel_too_large_to_exist_densely_builds_per_synapse) {
    constexpr std::uint32_t n = 262144;
    running_module m(*this,
                     "lif_neuron",
                     R"({"units": [262144], "inhibitory_rate": 0,
        "synapses": {"kernel": {"__class_ref__": "sparse_uniform_initializer", "scale": 1000,
                                "density": 3e-6}},
        "delays": null, "learning_rule": null})",
                     {port(SPARK_PAYLOAD_SPIKES, SPARK_DTYPE_U8, {n})},
                     1);
    const auto row_start = m.state_values<std::int32_t>("kernel_row_start");
    BOOST_TEST_REQUIRE(row_start.size() == n + 1U);
    const double synapses = row_start.back();
    const double mean = 68719476736.0 * 3e-6;
    const double sd = std::sqrt(mean * (1.0 - 3e-6));
    BOOST_TEST(std::abs(synapses - mean) < 5.0 * sd, synapses << " synapses, expected " << mean);
    auto in = m.in<std::uint8_t>(0);
    std::fill(in.begin(), in.end(), std::uint8_t{1});
    m.step(0); // every neuron fires: every synapse delivers 1000 pA to its target
    m.step(1);
    const auto v = m.state_values<float>("potential");
    const auto [low, high] = std::minmax_element(v.begin(), v.end());
    BOOST_TEST(*high > *low); // the neurons with a synapse moved, the others did not
}

// Upstream clips the kernel at 0 before the first update: negative draws (scale -300) carry no
// current afterwards, sparse or dense, and a reset restores the draw.
BOOST_AUTO_TEST_CASE(a_sparse_kernel_is_clipped_like_a_dense_one_and_restored_at_reset) {
    std::string config = neuron(R"({"__class_ref__": "n2n_delays", "max_delay": 4})", "null");
    const std::string positive = R"("scale": 300)";
    config.replace(config.find(positive), positive.size(), R"("scale": -300)");
    running_module m(
        *this, "lif_neuron", config, {port(SPARK_PAYLOAD_SPIKES, SPARK_DTYPE_U8, {6, 10})}, 1);
    const auto drawn = m.state_values<float>("kernel_value");
    BOOST_TEST_REQUIRE(drawn.size() > 300U);
    BOOST_TEST(std::all_of(drawn.begin(), drawn.end(), [](float w) { return w < 0.0F; }));
    const auto rest = m.state_values<float>("potential");
    for (std::uint64_t k = 0; k < 20; ++k) {
        auto in = m.in<std::uint8_t>(0);
        for (std::uint32_t i = 0; i < 60; ++i) {
            in[i] = drive(i, k);
        }
        m.step(k);
        BOOST_TEST_REQUIRE((m.state_values<float>("potential") == rest), "step " << k);
    }
    const auto clipped = m.state_values<float>("kernel_value");
    BOOST_TEST(std::all_of(clipped.begin(), clipped.end(), [](float w) { return w == 0.0F; }));
    m.reset();
    BOOST_TEST(m.state_values<float>("kernel_value") == drawn, boost::test_tools::per_element());
}

// Another vendor's initializer that breaks the row contract of its sparse fill
// (faulty_sparse_initializer.cpp): the neuron refuses the kernel, naming the row or column.
BOOST_AUTO_TEST_CASE(a_sparse_fill_that_breaks_its_contract_is_refused_naming_the_row) {
    const std::vector<std::pair<std::string, std::string>> faults = {
        {"row_twice", "gave row 0 after row 50 of 50"},
        {"row_beyond", "gave row 50 after row 50 of 50"},
        {"column_beyond", "gave column 60 in row 0, beyond the 60 presynaptic neurons"},
        {"columns_descending",
         "gave column[1] = 0 in row 0: columns must lie in [0, 60) and "
         "ascend within a row"},
        {"throws", "faulty: out of luck"}};
    BOOST_TEST_REQUIRE(registry.load(SPARK_TEST_FAULTY_SPARSE_PLUGIN).id == "test.faulty_sparse");
    for (const auto& [fault, expected] : faults) {
        BOOST_TEST_CONTEXT(fault) {
            const std::string config =
                R"({"units": [50], "delays": null, "learning_rule": null,
                "synapses": {"kernel": {"__class_ref__": "faulty_sparse_initializer",
                                        "fault": ")" +
                fault + R"("}}})";
            try {
                running_module m(*this,
                                 "lif_neuron",
                                 config,
                                 {port(SPARK_PAYLOAD_SPIKES, SPARK_DTYPE_U8, {60})},
                                 1);
                BOOST_FAIL("the kernel was accepted");
            } catch (const std::exception& e) {
                const std::string message = e.what();
                BOOST_TEST(message.find(expected) != std::string::npos, message);
            }
        }
    }
}

BOOST_AUTO_TEST_CASE(a_corrupt_sparse_kernel_state_is_refused_naming_the_entry) {
    running_module m(*this,
                     "lif_neuron",
                     neuron("null", "null"),
                     {port(SPARK_PAYLOAD_SPIKES, SPARK_DTYPE_U8, {6, 10})},
                     1);
    auto saved = m.checkpoint();
    // The state lists kernel_row_start, kernel_column, kernel_value first.
    auto* column = reinterpret_cast<std::int32_t*>(saved.at(1).data());
    column[0] = 60; // one past the last presynaptic neuron
    try {
        m.restore(saved);
        BOOST_FAIL("a column out of range was accepted");
    } catch (const spark::registry::plugin_error& e) {
        const std::string message = e.what();
        BOOST_TEST(message.find("kernel_column[0] = 60") != std::string::npos, message);
        BOOST_TEST(message.find("must lie in [0, 60)") != std::string::npos, message);
    }
}

BOOST_AUTO_TEST_SUITE_END()
