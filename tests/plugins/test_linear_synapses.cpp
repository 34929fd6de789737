// SPDX-License-Identifier: Apache-2.0
// spark.linear_synapses (upstream LinearSynapses, docs/models.md section 5.1) loaded from the
// built spark.neurons plugin through the registry: scenario S3b's linear column with sync spikes
// (bit1 = an inhibitory presynaptic neuron, whose weight enters negated), per-synapse (async)
// spikes, a kernel given as a number, the default sparse kernel, in float64 and float32.
#include <cstdint>
#include <string>
#include <vector>

#include <boost/test/unit_test.hpp>

#include <spark/abi/spark_abi.h>
#include <spark/registry/plugin_registry.hpp>

#include "models_fixture.hpp"

using spark::test::port;
using spark::test::running_module;

namespace {

/// S3b's kernel W[post][pre] = [[0.5, 0.25, 1.0], [0.0, 2.0, 0.75]] (pA), exactly.
std::string s3b_config(const char* dtype, bool async) {
    return std::string(R"({"units": [2], "dtype": ")") + dtype + R"(", "async_spikes": )" +
           (async ? "true" : "false") +
           R"(, "kernel": {"__class_ref__": "fixed_values_initializer",
                           "values": [0.5, 0.25, 1.0, 0.0, 2.0, 0.75]}})";
}

constexpr std::int32_t dtype_of(const char* name) {
    return name[5] == '6' ? SPARK_DTYPE_F64 : SPARK_DTYPE_F32;
}

// S3b (docs/models.md section 13, the linear currents): presynaptic neuron 2 is inhibitory, spikes
// per step [1,0,1], [0,1,0], [0,0,0], [1,1,1], [0,0,0], [0,0,0]. Every value is a sum of dyadic
// weights, exact in float32 and float64.
const std::uint8_t s3b_spikes[6][3] = {
    {1, 0, 1}, {0, 1, 0}, {0, 0, 0}, {1, 1, 1}, {0, 0, 0}, {0, 0, 0}};
const double s3b_linear[6][2] = {
    {-0.5, -0.75}, {0.25, 2.0}, {0.0, 0.0}, {-0.25, 1.25}, {0.0, 0.0}, {0.0, 0.0}};

template <typename T>
void run_s3b_sync(spark::test::models_fixture& f, const char* dtype) {
    running_module m(f,
                     "linear_synapses",
                     s3b_config(dtype, false),
                     {port(SPARK_PAYLOAD_SPIKES, SPARK_DTYPE_U8, {3})},
                     1);
    BOOST_TEST(m.out_specs[0].payload_kind == SPARK_PAYLOAD_FLOAT);
    BOOST_TEST(m.out_specs[0].dtype == dtype_of(dtype));
    BOOST_TEST_REQUIRE(m.out_specs[0].shape.rank == 1U);
    BOOST_TEST(m.out_specs[0].shape.dims[0] == 2U);
    for (std::uint64_t k = 0; k < 6; ++k) {
        for (std::size_t i = 0; i < 3; ++i) {
            // bit1 marks neuron 2 as inhibitory in every step, spiking or not
            m.in<std::uint8_t>(0)[i] =
                static_cast<std::uint8_t>(s3b_spikes[k][i] | (i == 2 ? 2U : 0U));
        }
        m.step(k);
        BOOST_TEST_CONTEXT("step " << k) {
            BOOST_TEST(static_cast<double>(m.out<T>(0)[0]) == s3b_linear[k][0]);
            BOOST_TEST(static_cast<double>(m.out<T>(0)[1]) == s3b_linear[k][1]);
        }
    }
}

} // namespace

BOOST_FIXTURE_TEST_SUITE(linear_synapses, spark::test::models_fixture)

BOOST_AUTO_TEST_CASE(s3b_sync_spikes_float64) {
    run_s3b_sync<double>(*this, "float64");
}

BOOST_AUTO_TEST_CASE(s3b_sync_spikes_float32) {
    run_s3b_sync<float>(*this, "float32");
}

BOOST_AUTO_TEST_CASE(the_inhibition_bit_negates_the_presynaptic_neurons_weights) {
    // The same spike from neuron 1 (weights 0.25 and 2.0), first excitatory, then inhibitory.
    running_module m(*this,
                     "linear_synapses",
                     s3b_config("float64", false),
                     {port(SPARK_PAYLOAD_SPIKES, SPARK_DTYPE_U8, {3})},
                     1);
    auto in = m.in<std::uint8_t>(0);
    in[0] = 0;
    in[1] = 1;
    in[2] = 0;
    m.step(0);
    BOOST_TEST(m.out<double>(0)[0] == 0.25);
    BOOST_TEST(m.out<double>(0)[1] == 2.0);
    in[1] = 3;
    m.step(1);
    BOOST_TEST(m.out<double>(0)[0] == -0.25);
    BOOST_TEST(m.out<double>(0)[1] == -2.0);
    in[1] = 2; // inhibitory but silent: no current
    m.step(2);
    BOOST_TEST(m.out<double>(0)[0] == 0.0);
    BOOST_TEST(m.out<double>(0)[1] == 0.0);
}

BOOST_AUTO_TEST_CASE(async_spikes_are_read_per_synapse) {
    // Spikes shaped units ⊕ pre (2 x 3), as n2n_delays emits them: s[o][i] reaches only W[o][i].
    // I[o] = sum_i W[o][i] * sign_i * s[o][i], pre 2 inhibitory (bit1 in both rows).
    // Expected: reference/golden_neurons.py (linear_async).
    running_module m(*this,
                     "linear_synapses",
                     s3b_config("float64", true),
                     {port(SPARK_PAYLOAD_SPIKES, SPARK_DTYPE_U8, {2, 3})},
                     1);
    BOOST_TEST_REQUIRE(m.out_specs[0].shape.rank == 1U);
    BOOST_TEST(m.out_specs[0].shape.dims[0] == 2U);
    const std::uint8_t spikes[3][6] = {{1, 0, 3, 0, 1, 3}, {0, 1, 2, 1, 0, 2}, {1, 1, 3, 1, 1, 3}};
    const double expected[3][2] = {{-0.5, 1.25}, {0.25, 0.0}, {-0.25, 1.25}};
    for (std::uint64_t k = 0; k < 3; ++k) {
        for (std::size_t j = 0; j < 6; ++j) {
            m.in<std::uint8_t>(0)[j] = spikes[k][j];
        }
        m.step(k);
        BOOST_TEST_CONTEXT("step " << k) {
            BOOST_TEST(m.out<double>(0)[0] == expected[k][0]);
            BOOST_TEST(m.out<double>(0)[1] == expected[k][1]);
        }
    }
}

BOOST_AUTO_TEST_CASE(async_spikes_float32) {
    running_module m(*this,
                     "linear_synapses",
                     s3b_config("float32", true),
                     {port(SPARK_PAYLOAD_SPIKES, SPARK_DTYPE_U8, {2, 3})},
                     1);
    const std::uint8_t spikes[6] = {1, 0, 3, 0, 1, 3};
    for (std::size_t j = 0; j < 6; ++j) {
        m.in<std::uint8_t>(0)[j] = spikes[j];
    }
    m.step(0);
    BOOST_TEST(m.out<float>(0)[0] == -0.5F);
    BOOST_TEST(m.out<float>(0)[1] == 1.25F);
}

BOOST_AUTO_TEST_CASE(a_number_sets_every_weight) {
    // kernel 300 pA everywhere: 2 excitatory spikes and 1 inhibitory give 300 to every unit.
    running_module m(*this,
                     "linear_synapses",
                     R"({"units": [4], "dtype": "float64", "kernel": 300})",
                     {port(SPARK_PAYLOAD_SPIKES, SPARK_DTYPE_U8, {3})},
                     1);
    auto in = m.in<std::uint8_t>(0);
    in[0] = 1;
    in[1] = 1;
    in[2] = 3;
    m.step(0);
    for (const double c : m.out<double>(0)) {
        BOOST_TEST(c == 300.0);
    }
}

BOOST_AUTO_TEST_CASE(the_default_kernel_is_sparse_uniform_below_one_pa) {
    // Default: sparse_uniform_initializer(scale 1, density 0.2): weights in [0, 1), so with all
    // 50 presynaptic neurons spiking (excitatory) every current lies in [0, 50).
    running_module m(*this,
                     "linear_synapses",
                     R"({"units": [20], "dtype": "float64"})",
                     {port(SPARK_PAYLOAD_SPIKES, SPARK_DTYPE_U8, {50})},
                     1);
    for (auto& s : m.in<std::uint8_t>(0)) {
        s = 1;
    }
    m.step(0);
    double total = 0.0;
    for (const double c : m.out<double>(0)) {
        BOOST_TEST(c >= 0.0);
        BOOST_TEST(c < 50.0);
        total += c;
    }
    BOOST_TEST(total > 0.0); // 1000 weights at density 0.2: some are non-zero
}

BOOST_AUTO_TEST_CASE(reset_keeps_the_kernel) {
    // No state (upstream's reset is a no-op): the same spikes give the same currents after reset.
    running_module m(*this,
                     "linear_synapses",
                     s3b_config("float64", false),
                     {port(SPARK_PAYLOAD_SPIKES, SPARK_DTYPE_U8, {3})},
                     1);
    auto in = m.in<std::uint8_t>(0);
    in[0] = 1;
    in[1] = 1;
    in[2] = 3;
    m.step(0);
    m.reset();
    m.step(0);
    BOOST_TEST(m.out<double>(0)[0] == -0.25);
    BOOST_TEST(m.out<double>(0)[1] == 1.25);
}

BOOST_AUTO_TEST_SUITE_END()
