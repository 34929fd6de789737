// SPDX-License-Identifier: Apache-2.0
// spark.n_delays (upstream NDelays, docs/models.md section 5.5) loaded from the built
// spark.neurons plugin through the registry: the schema (no units: one delay per presynaptic
// neuron), delays from an exact initializer, output timing and shape (the input's, not per
// synapse: quirk 12.5 fixed), the inhibition bits, a chain n_delays -> linear_synapses, the range
// check, the default delays, reset and a state round trip. Expected values:
// tests/plugins/reference/golden_neurons.py (n_delays_ours, the NDEL_* scenario).
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
using spark::test::str;

namespace {

using delay_row = std::vector<int>;

// golden_neurons.py NDEL_*: 4 presynaptic neurons (neuron 3 inhibitory), max_delay 3 ms at dt
// 1 ms (B = 3), D = [0, 1, 3, 2], 8 steps.
constexpr const char* ndel_config =
    R"({"max_delay": 3,
        "delays": {"__class_ref__": "fixed_values_initializer", "values": [0, 1, 3, 2]}})";
const std::uint8_t ndel_spikes[8][4] = {{1, 1, 1, 1},
                                        {0, 0, 0, 0},
                                        {0, 1, 0, 0},
                                        {1, 0, 1, 1},
                                        {0, 0, 0, 0},
                                        {0, 0, 0, 0},
                                        {0, 0, 0, 0},
                                        {0, 0, 0, 0}};
const std::uint8_t ndel_inhibitory[4] = {0, 0, 0, 1};
// n_delays_ours: out[k][j] = in[k - D_j][j]
const delay_row ndel_out[8] = {{1, 0, 0, 0},
                               {0, 1, 0, 0},
                               {0, 0, 0, 1},
                               {1, 1, 1, 0},
                               {0, 0, 0, 0},
                               {0, 0, 0, 1},
                               {0, 0, 1, 0},
                               {0, 0, 0, 0}};
// upstream (ring of B rows): neuron 2's D = B = 3 reads the delay_row just written, a zero delay
// (quirk 12.4); neurons 0, 1 and 3 (D < B) are identical to ours.
const delay_row ndel_upstream[8] = {{1, 0, 1, 0},
                                    {0, 1, 0, 0},
                                    {0, 0, 0, 1},
                                    {1, 1, 1, 0},
                                    {0, 0, 0, 0},
                                    {0, 0, 0, 1},
                                    {0, 0, 0, 0},
                                    {0, 0, 0, 0}};
// linear_synapses, kernel NDEL_W[post][pre] = [[1, 2, 4, 8], [0.5, 0.25, 0.125, 16]], on the
// delayed spikes (traced_synapses(r64, 'linear', ...)); dyadic, exact in float32 and float64.
const double ndel_currents[8][2] = {{1.0, 0.5},
                                    {2.0, 0.25},
                                    {-8.0, -16.0},
                                    {7.0, 0.875},
                                    {0.0, 0.0},
                                    {-8.0, -16.0},
                                    {4.0, 0.125},
                                    {0.0, 0.0}};

struct delays_4 : running_module {
    explicit delays_4(spark::test::models_fixture& f, const char* overrides = ndel_config)
        : running_module(
              f, "n_delays", overrides, {port(SPARK_PAYLOAD_SPIKES, SPARK_DTYPE_U8, {4})}, 1) {}
    /// Step k of the scenario; returns the raw output bytes (bit0 spike, bit1 inhibitory).
    delay_row step_ndel(std::uint64_t k) {
        for (std::size_t j = 0; j < 4; ++j) {
            in<std::uint8_t>(0)[j] =
                static_cast<std::uint8_t>(ndel_spikes[k][j] | (ndel_inhibitory[j] << 1U));
        }
        step(k);
        const auto o = out<std::uint8_t>(0);
        return {o[0], o[1], o[2], o[3]};
    }
};

delay_row spikes_of(const delay_row& bytes) {
    delay_row r;
    for (const int b : bytes) {
        r.push_back(b & 1);
    }
    return r;
}

} // namespace

BOOST_FIXTURE_TEST_SUITE(n_delays, spark::test::models_fixture)

BOOST_AUTO_TEST_CASE(schema_is_upstreams_one_delay_per_presynaptic_neuron) {
    const auto& info = registry.resolve("n_delays");
    BOOST_TEST(info.canonical_id == "spark.n_delays");
    const auto& t = *info.abi;
    BOOST_TEST(t.kind == SPARK_KIND_COMPONENT);
    // the description says what the output is and what it feeds
    BOOST_TEST(str(t.description).find("not per synapse") != std::string::npos);
    BOOST_TEST(str(t.description).find("linear_synapses") != std::string::npos);
    BOOST_TEST_REQUIRE(t.field_count == 2U); // no units (upstream's NDelaysConfig has none)
    BOOST_TEST(str(t.fields[0].name) == "max_delay");
    BOOST_TEST(t.fields[0].type == SPARK_FIELD_FLOAT);
    BOOST_TEST(str(t.fields[0].default_json) == "8.0");
    BOOST_TEST(str(t.fields[0].units) == "ms");
    BOOST_TEST_REQUIRE(t.fields[0].validator_count == 1U);
    BOOST_TEST(t.fields[0].validators[0].kind == SPARK_VALIDATOR_POSITIVE);
    BOOST_TEST(str(t.fields[1].name) == "delays");
    BOOST_TEST(t.fields[1].type == SPARK_FIELD_INITIALIZER);
    BOOST_TEST(str(t.fields[1].description).find("presynaptic neuron") != std::string::npos);
    BOOST_TEST_REQUIRE(t.port_count == 2U);
    BOOST_TEST(str(t.ports[0].name) == "in_spikes");
    BOOST_TEST(str(t.ports[1].name) == "out_spikes");
    BOOST_TEST(t.ports[1].direction == SPARK_PORT_OUTPUT);
}

BOOST_AUTO_TEST_CASE(output_has_the_shape_of_the_input) {
    running_module m(*this,
                     "n_delays",
                     R"({"max_delay": 2, "delays": 1})",
                     {port(SPARK_PAYLOAD_SPIKES, SPARK_DTYPE_U8, {4, 5})},
                     1);
    const auto& s = m.out_specs[0];
    BOOST_TEST(s.payload_kind == SPARK_PAYLOAD_SPIKES);
    BOOST_TEST(s.dtype == SPARK_DTYPE_U8);
    BOOST_TEST_REQUIRE(s.shape.rank == 2U);
    BOOST_TEST(s.shape.dims[0] == 4U);
    BOOST_TEST(s.shape.dims[1] == 5U);
    for (const auto b : m.out<std::uint8_t>(0)) {
        BOOST_TEST(b == 0U); // reset: nothing delivered yet
    }
}

BOOST_AUTO_TEST_CASE(each_neuron_is_delayed_by_its_own_delay) {
    delays_4 m(*this);
    for (std::uint64_t k = 0; k < 8; ++k) {
        const delay_row got = spikes_of(m.step_ndel(k));
        BOOST_TEST_CONTEXT("step " << k) {
            BOOST_TEST(got == ndel_out[k], boost::test_tools::per_element());
            // neurons with D < B: upstream's values exactly
            for (const std::size_t j : {0U, 1U, 3U}) {
                BOOST_TEST(got[j] == ndel_upstream[k][j]);
            }
        }
    }
}

BOOST_AUTO_TEST_CASE(every_output_carries_the_current_inhibition_bit) {
    // Upstream copies the input's inhibition mask to the output, spike or not.
    delays_4 m(*this);
    for (std::uint64_t k = 0; k < 8; ++k) {
        const delay_row got = m.step_ndel(k);
        BOOST_TEST_CONTEXT("step " << k) {
            for (std::size_t j = 0; j < 4; ++j) {
                BOOST_TEST(got[j] == (ndel_out[k][j] | (ndel_inhibitory[j] << 1U)));
            }
        }
    }
}

BOOST_AUTO_TEST_CASE(a_spike_in_flight_keeps_the_inhibition_bit_of_its_emission) {
    // Ours, where upstream broadcasts the current mask to spikes in flight: neuron 0 fires
    // inhibitory at step 0 and turns excitatory, neuron 1 fires excitatory and turns inhibitory.
    // Delay 2: at step 2 each spike arrives with its step-0 sign; a silent step carries the
    // input's bit (docs/upstream-differences.md).
    running_module m(*this,
                     "n_delays",
                     R"({"max_delay": 3, "delays": 2})",
                     {port(SPARK_PAYLOAD_SPIKES, SPARK_DTYPE_U8, {2})},
                     1);
    const std::uint8_t in[3][2] = {{3, 1}, {0, 2}, {0, 2}};
    const std::uint8_t out[3][2] = {{2, 0}, {0, 2}, {3, 1}};
    for (std::uint64_t k = 0; k < 3; ++k) {
        m.in<std::uint8_t>(0)[0] = in[k][0];
        m.in<std::uint8_t>(0)[1] = in[k][1];
        m.step(k);
        BOOST_TEST_CONTEXT("step " << k) {
            BOOST_TEST(int(m.out<std::uint8_t>(0)[0]) == int(out[k][0]));
            BOOST_TEST(int(m.out<std::uint8_t>(0)[1]) == int(out[k][1]));
        }
    }
}

BOOST_AUTO_TEST_CASE(feeds_linear_synapses_with_one_spike_per_presynaptic_neuron) {
    // Quirk 12.5 fixed: the delayed spikes are shaped like the input, so linear_synapses (sync
    // spikes) reads them as 4 presynaptic neurons and the inhibitory neuron 3 delivers -W.
    for (const char* dtype : {"float64", "float32"}) {
        BOOST_TEST_CONTEXT(dtype) {
            delays_4 delays(*this);
            BOOST_TEST_REQUIRE(delays.out_specs[0].shape.rank == 1U);
            BOOST_TEST_REQUIRE(delays.out_specs[0].shape.dims[0] == 4U);
            running_module synapses(
                *this,
                "linear_synapses",
                std::string(R"({"units": [2], "dtype": ")") + dtype +
                    R"(", "kernel": {"__class_ref__": "fixed_values_initializer",
                                     "values": [1, 2, 4, 8, 0.5, 0.25, 0.125, 16]}})",
                {delays.out_specs[0]},
                1);
            const bool f64 = dtype[5] == '6';
            for (std::uint64_t k = 0; k < 8; ++k) {
                (void)delays.step_ndel(k);
                const auto o = delays.out<std::uint8_t>(0);
                for (std::size_t j = 0; j < 4; ++j) {
                    synapses.in<std::uint8_t>(0)[j] = o[j];
                }
                synapses.step(k);
                BOOST_TEST_CONTEXT("step " << k) {
                    for (std::size_t p = 0; p < 2; ++p) {
                        const double c = f64 ? synapses.out<double>(0)[p]
                                             : static_cast<double>(synapses.out<float>(0)[p]);
                        BOOST_TEST(c == ndel_currents[k][p]);
                    }
                }
            }
        }
    }
}

BOOST_AUTO_TEST_CASE(a_delay_equal_to_the_buffer_size_delays_by_that_many_steps) {
    // Upstream's quirk 12.4 (D = B acts as 0) is not reproduced: D = 3 with max_delay 3.
    delays_4 m(*this, R"({"max_delay": 3, "delays": 3})");
    for (std::uint64_t k = 0; k < 8; ++k) {
        const delay_row got = spikes_of(m.step_ndel(k));
        BOOST_TEST_CONTEXT("step " << k) {
            for (std::size_t j = 0; j < 4; ++j) {
                BOOST_TEST(got[j] == (k >= 3 ? ndel_spikes[k - 3][j] : 0));
            }
        }
    }
}

BOOST_AUTO_TEST_CASE(the_default_delays_lie_between_one_step_and_the_buffer_size) {
    // Default: uniform_initializer with upstream's forced scale B + 1 and min_value 1: every D
    // in [1, B], so one spike at step 0 arrives exactly once per neuron, within steps 1..B.
    running_module m(*this,
                     "n_delays",
                     R"({"max_delay": 4})",
                     {port(SPARK_PAYLOAD_SPIKES, SPARK_DTYPE_U8, {64})},
                     1);
    spark::test::check_each_output_arrives_once(m, 10, 4, "neuron");
}

BOOST_AUTO_TEST_CASE(a_delay_above_the_buffer_size_fails_at_build) {
    auto cfg = config("n_delays", R"({"max_delay": 3,
        "delays": {"__class_ref__": "fixed_values_initializer", "values": [0, 1, 4, 2]}})");
    auto instance = registry.create(cfg.type(), cfg.abi(), "probe");
    const auto in = port(SPARK_PAYLOAD_SPIKES, SPARK_DTYPE_U8, {4});
    spark_port_spec_t out{};
    try {
        instance.build(std::span(&in, 1), std::span(&out, 1));
        BOOST_FAIL("build accepted a delay of 4 steps with max_delay 3");
    } catch (const spark::registry::plugin_error& e) {
        BOOST_TEST(e.status() == SPARK_ERR_INVALID_ARGUMENT);
        BOOST_TEST(std::string(e.what()).find(
                       "delays must be whole steps in [0, 3] (max_delay / dt), got 4 for "
                       "presynaptic neuron 2") != std::string::npos,
                   e.what());
    }
}

BOOST_AUTO_TEST_CASE(reset_forgets_the_spikes_in_flight) {
    delays_4 m(*this);
    (void)m.step_ndel(0);
    m.reset();
    for (const auto b : m.out<std::uint8_t>(0)) {
        BOOST_TEST(b == 0U);
    }
    // silence in flight: a silent step delivers nothing (step 0's spikes are forgotten)
    for (std::size_t j = 0; j < 4; ++j) {
        m.in<std::uint8_t>(0)[j] = 0;
    }
    for (std::uint64_t k = 0; k < 4; ++k) {
        m.step(k);
        for (const auto b : m.out<std::uint8_t>(0)) {
            BOOST_TEST(b == 0U);
        }
    }
    m.reset();
    for (std::uint64_t k = 0; k < 8; ++k) {
        BOOST_TEST(spikes_of(m.step_ndel(k)) == ndel_out[k], boost::test_tools::per_element());
    }
}

BOOST_AUTO_TEST_CASE(state_round_trip_resumes_the_same_deliveries) {
    delays_4 m(*this);
    (void)m.step_ndel(0);
    (void)m.step_ndel(1);
    (void)m.step_ndel(2);
    const auto history = m.state("spike_history");
    BOOST_TEST(history.dtype == SPARK_DTYPE_U8);
    BOOST_TEST_REQUIRE(history.shape.rank == 2U);
    BOOST_TEST(history.shape.dims[0] == 4U); // B + 1 rows
    BOOST_TEST(history.shape.dims[1] == 4U);
    const auto saved = m.checkpoint();
    for (std::uint64_t k = 3; k < 8; ++k) {
        BOOST_TEST(spikes_of(m.step_ndel(k)) == ndel_out[k], boost::test_tools::per_element());
    }
    m.reset();
    m.restore(saved);
    for (std::uint64_t k = 3; k < 8; ++k) {
        BOOST_TEST(spikes_of(m.step_ndel(k)) == ndel_out[k], boost::test_tools::per_element());
    }
}

BOOST_AUTO_TEST_CASE(a_corrupt_checkpoint_is_refused) {
    delays_4 m(*this);
    auto saved = m.checkpoint();
    saved[1] = {9, 0, 0, 0}; // cursor 9 of 4 rows (int32, little-endian)
    BOOST_CHECK_THROW(m.restore(saved), spark::registry::plugin_error);
}

BOOST_AUTO_TEST_SUITE_END()
