// SPDX-License-Identifier: Apache-2.0
// spark.n2n_delays (upstream N2NDelays, docs/models.md sections 5.5 and 5.6) loaded from the
// built spark.neurons plugin through the registry: scenario S3a per step, the presynaptic
// inhibition bit, zero and longest delays, the range check, reset and a state round trip.
#include <cstdint>
#include <string>
#include <vector>

#include <boost/test/unit_test.hpp>

#include <spark/abi/spark_abi.h>
#include <spark/registry/plugin_registry.hpp>

#include "delay_helpers.hpp"
#include "models_fixture.hpp"

using spark::test::port;
using spark::test::running_module;

namespace {

using grid = std::vector<int>; // out[post][pre], row-major: {[0][0], [0][1], [1][0], [1][1]}

/// S3a's delays kernel D[post][pre] = [[1, 2], [3, 4]] given as exact values, max_delay 4 ms at
/// dt 1 ms (B = 4 slots).
constexpr const char* s3a_config =
    R"({"units": [2], "max_delay": 4,
        "delays": {"__class_ref__": "fixed_values_initializer", "values": [1, 2, 3, 4]}})";

struct delays_2x2 : running_module {
    explicit delays_2x2(spark::test::models_fixture& f, const char* overrides = s3a_config)
        : running_module(
              f, "n2n_delays", overrides, {port(SPARK_PAYLOAD_SPIKES, SPARK_DTYPE_U8, {2})}, 1) {}
    grid step_with(std::uint64_t k, std::uint8_t pre0, std::uint8_t pre1) {
        in<std::uint8_t>(0)[0] = pre0;
        in<std::uint8_t>(0)[1] = pre1;
        step(k);
        const auto o = out<std::uint8_t>(0);
        return {o[0], o[1], o[2], o[3]};
    }
};

// S3a (docs/models.md section 13): pre0 spikes at step 0, pre1 at step 1, 8 steps. Upstream's
// output (its ring has B rows, so the delay-4 synapse [1][1] reads the row just written and
// delivers at once, quirk 12.4) is [[1,0],[0,1]] at step 1, [[0,1],[1,0]] at step 3, silence
// otherwise. Our ring keeps B + 1 rows and every D in [0, B] is a delay of D steps (the plugin's
// documented choice, delay_kernel.hpp): synapse [1][1] delivers pre1's step-1 spike at step 1 + 4 =
// 5. The three synapses with D < B match upstream exactly. Both columns:
// reference/golden_neurons.py.
const grid s3a_ours[] = {{0, 0, 0, 0},
                         {1, 0, 0, 0},
                         {0, 0, 0, 0},
                         {0, 1, 1, 0},
                         {0, 0, 0, 0},
                         {0, 0, 0, 1},
                         {0, 0, 0, 0},
                         {0, 0, 0, 0}};
const grid s3a_upstream[] = {{0, 0, 0, 0},
                             {1, 0, 0, 1},
                             {0, 0, 0, 0},
                             {0, 1, 1, 0},
                             {0, 0, 0, 0},
                             {0, 0, 0, 0},
                             {0, 0, 0, 0},
                             {0, 0, 0, 0}};

std::uint8_t s3a_pre0(std::uint64_t k) {
    return k == 0 ? 1 : 0;
}
std::uint8_t s3a_pre1(std::uint64_t k) {
    return k == 1 ? 1 : 0;
}

} // namespace

BOOST_FIXTURE_TEST_SUITE(n2n_delays, spark::test::models_fixture)

BOOST_AUTO_TEST_CASE(output_shape_is_units_then_the_presynaptic_shape) {
    running_module m(*this,
                     "n2n_delays",
                     R"({"units": [2, 3], "max_delay": 2, "delays": 1})",
                     {port(SPARK_PAYLOAD_SPIKES, SPARK_DTYPE_U8, {4, 5})},
                     1);
    const auto& s = m.out_specs[0];
    BOOST_TEST(s.payload_kind == SPARK_PAYLOAD_SPIKES);
    BOOST_TEST(s.dtype == SPARK_DTYPE_U8);
    BOOST_TEST_REQUIRE(s.shape.rank == 4U);
    BOOST_TEST(s.shape.dims[0] == 2U);
    BOOST_TEST(s.shape.dims[1] == 3U);
    BOOST_TEST(s.shape.dims[2] == 4U);
    BOOST_TEST(s.shape.dims[3] == 5U);
    // reset: nothing delivered yet
    for (const auto b : m.out<std::uint8_t>(0)) {
        BOOST_TEST(b == 0U);
    }
}

BOOST_AUTO_TEST_CASE(s3a_matches_upstream_for_every_delay_below_the_buffer_size) {
    delays_2x2 m(*this);
    for (std::uint64_t k = 0; k < 8; ++k) {
        const grid got = m.step_with(k, s3a_pre0(k), s3a_pre1(k));
        BOOST_TEST_CONTEXT("step " << k) {
            BOOST_TEST(got == s3a_ours[k], boost::test_tools::per_element());
            // Synapses [0][0], [0][1], [1][0] (D = 1, 2, 3 < B): upstream's values exactly.
            BOOST_TEST(got[0] == s3a_upstream[k][0]);
            BOOST_TEST(got[1] == s3a_upstream[k][1]);
            BOOST_TEST(got[2] == s3a_upstream[k][2]);
        }
    }
}

BOOST_AUTO_TEST_CASE(a_delay_equal_to_the_buffer_size_delays_by_that_many_steps) {
    // Upstream's quirk (D = B acts as D = 0) is not reproduced: D = 4 with max_delay 4 is 4 steps.
    delays_2x2 m(*this, R"({"units": [2], "max_delay": 4, "delays": 4})");
    for (std::uint64_t k = 0; k < 10; ++k) {
        const grid got = m.step_with(k, k == 2 ? 1 : 0, k == 3 ? 1 : 0);
        const int pre0 = k == 6 ? 1 : 0;
        const int pre1 = k == 7 ? 1 : 0;
        BOOST_TEST_CONTEXT("step " << k) {
            BOOST_TEST(got == (grid{pre0, pre1, pre0, pre1}), boost::test_tools::per_element());
        }
    }
}

BOOST_AUTO_TEST_CASE(a_zero_delay_passes_the_spike_through_in_the_same_step) {
    delays_2x2 m(*this, R"({"units": [2], "max_delay": 4, "delays": 0})");
    BOOST_TEST(m.step_with(0, 1, 0) == (grid{1, 0, 1, 0}), boost::test_tools::per_element());
    BOOST_TEST(m.step_with(1, 0, 1) == (grid{0, 1, 0, 1}), boost::test_tools::per_element());
    BOOST_TEST(m.step_with(2, 0, 0) == (grid{0, 0, 0, 0}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(every_synapse_carries_the_current_presynaptic_inhibition_bit) {
    // SpikeArray bits: bit0 spike, bit1 inhibitory neuron. Upstream broadcasts the input's
    // inhibition mask over the postsynaptic axis, whether or not a spike is delivered.
    delays_2x2 m(*this);
    BOOST_TEST(m.step_with(0, 1, 2) == (grid{0, 2, 0, 2}),
               boost::test_tools::per_element()); // pre1 inhibitory, silent
    BOOST_TEST(m.step_with(1, 0, 3) == (grid{1, 2, 0, 2}),
               boost::test_tools::per_element()); // pre0's spike arrives ([0][0])
    BOOST_TEST(m.step_with(2, 0, 2) == (grid{0, 2, 0, 2}), boost::test_tools::per_element());
    BOOST_TEST(m.step_with(3, 0, 2) == (grid{0, 3, 1, 2}),
               boost::test_tools::per_element()); // pre1 (D 2), pre0 (D 3)
    BOOST_TEST(m.step_with(4, 0, 2) == (grid{0, 2, 0, 2}), boost::test_tools::per_element());
    BOOST_TEST(m.step_with(5, 0, 2) == (grid{0, 2, 0, 3}),
               boost::test_tools::per_element()); // pre1 via D = 4
}

BOOST_AUTO_TEST_CASE(a_spike_in_flight_keeps_the_inhibition_bit_of_its_emission) {
    // Ours (docs/upstream-differences.md): pre0 fires inhibitory at step 0 and turns excitatory;
    // every delay is 2, so both synapses [o][0] deliver 3 at step 2, while silent [o][1] carry
    // pre1's current bit.
    delays_2x2 m(*this, R"({"units": [2], "max_delay": 4, "delays": 2})");
    BOOST_TEST(m.step_with(0, 3, 2) == (grid{2, 2, 2, 2}), boost::test_tools::per_element());
    BOOST_TEST(m.step_with(1, 0, 0) == (grid{0, 0, 0, 0}), boost::test_tools::per_element());
    BOOST_TEST(m.step_with(2, 0, 0) == (grid{3, 0, 3, 0}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(the_default_delays_lie_between_one_step_and_the_buffer_size) {
    // Default: uniform_initializer with upstream's forced scale B + 1 and min_value 1, so every
    // D is in [1, B]: one spike at step 0 arrives exactly once per synapse, within steps 1..B.
    running_module m(*this,
                     "n2n_delays",
                     R"({"units": [16], "max_delay": 4})",
                     {port(SPARK_PAYLOAD_SPIKES, SPARK_DTYPE_U8, {8})},
                     1);
    spark::test::check_each_output_arrives_once(m, 12, 4, "synapse");
}

BOOST_AUTO_TEST_CASE(a_delay_above_the_buffer_size_fails_at_build) {
    auto cfg = config("n2n_delays", R"({"units": [2], "max_delay": 4, "delays": 5})");
    auto instance = registry.create(cfg.type(), cfg.abi(), "probe");
    const auto in = port(SPARK_PAYLOAD_SPIKES, SPARK_DTYPE_U8, {2});
    spark_port_spec_t out{};
    try {
        instance.build(std::span(&in, 1), std::span(&out, 1));
        BOOST_FAIL("build accepted a delay of 5 steps with max_delay 4");
    } catch (const spark::registry::plugin_error& e) {
        BOOST_TEST(e.status() == SPARK_ERR_INVALID_ARGUMENT);
        BOOST_TEST(std::string(e.what()).find("delays must be whole steps in [0, 4]") !=
                       std::string::npos,
                   e.what());
    }
}

BOOST_AUTO_TEST_CASE(reset_forgets_the_spikes_in_flight) {
    delays_2x2 m(*this);
    (void)m.step_with(0, 1, 1);
    m.reset();
    for (const auto b : m.out<std::uint8_t>(0)) {
        BOOST_TEST(b == 0U);
    }
    for (std::uint64_t k = 0; k < 6; ++k) {
        BOOST_TEST(m.step_with(k, 0, 0) == (grid{0, 0, 0, 0}), boost::test_tools::per_element());
    }
    // and S3a runs from the start again
    for (std::uint64_t k = 0; k < 8; ++k) {
        BOOST_TEST(m.step_with(k, s3a_pre0(k), s3a_pre1(k)) == s3a_ours[k],
                   boost::test_tools::per_element());
    }
}

BOOST_AUTO_TEST_CASE(state_round_trip_resumes_the_same_deliveries) {
    delays_2x2 m(*this);
    (void)m.step_with(0, 1, 0);
    (void)m.step_with(1, 0, 1);
    const auto saved = m.checkpoint();
    std::vector<grid> expected;
    for (std::uint64_t k = 2; k < 8; ++k) {
        expected.push_back(m.step_with(k, 0, 0));
        BOOST_TEST(expected.back() == s3a_ours[k], boost::test_tools::per_element());
    }
    m.reset();
    m.restore(saved);
    for (std::uint64_t k = 2; k < 8; ++k) {
        BOOST_TEST(m.step_with(k, 0, 0) == expected[k - 2], boost::test_tools::per_element());
    }
}

BOOST_AUTO_TEST_SUITE_END()
