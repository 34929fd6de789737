// SPDX-License-Identifier: Apache-2.0
// Late inputs (spark/abi/late_inputs.h) of the fused neurons (plugins/neurons/neuron/
// population.hpp): a static neuron (learning_rule null) with delays takes presynaptic spikes up to
// L steps late, L the shortest delay of their synapses, because a spike keeps the sign of its
// emission step and reaches the soma no earlier than L steps after it. Each case runs a neuron
// that gets every input on time and one that gets elements [a, b) of in_spikes as a host with
// exchange windows of d = L + 1 steps gives them (docs/adr/0024-exchange-windows.md): the first
// step of a window on time, zeros at the others, and after the window's last step write_late()
// for those steps in order. The outputs are compared byte for byte at every step, the states and
// properties at the end.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include <boost/test/unit_test.hpp>

#include <spark/abi/spark_abi.h>
#include <spark/registry/errors.hpp>

#include "models_fixture.hpp"

using spark::test::host_buffer;
using spark::test::models_fixture;
using spark::test::port;
using spark::test::running_module;

// A named namespace: the tests build as unity files, where other files' helpers share names.
namespace late_inputs_test {

constexpr std::uint32_t n_pre = 24;
constexpr std::uint64_t late_begin = 5; // the late elements [a, b) of in_spikes
constexpr std::uint64_t late_end = 17;

/// A neuron configuration and how to create it (whole or as a slice of its neurons).
struct late_case {
    const char* name;
    std::string config;
    std::uint32_t expected_lateness = 0; // 0: whatever the instance says, but at least 1
    std::uint64_t slice_begin = 0;       // slice_end 0: the whole population
    std::uint64_t slice_end = 0;
};

/// Presynaptic byte of neuron i at step k: spikes at about 30 %, every fourth neuron inhibitory
/// at every step (bit1 with or without a spike, so 3 and 2 both occur), from a fixed hash.
std::uint8_t true_input(std::uint64_t k, std::uint32_t i) {
    std::uint64_t x = (k + 1) * 0x9E3779B97F4A7C15ULL ^ (i + 1) * 0xC2B2AE3D27D4EB4FULL;
    x ^= x >> 29U;
    x *= 0xBF58476D1CE4E5B9ULL;
    x ^= x >> 32U;
    const bool fires = x % 10 < 3;
    return static_cast<std::uint8_t>((fires ? 1U : 0U) | (i % 4 == 1 ? 2U : 0U));
}

running_module make(models_fixture& f, const late_case& c) {
    const auto specs = std::vector{port(SPARK_PAYLOAD_SPIKES, SPARK_DTYPE_U8, {n_pre})};
    if (c.slice_end == 0) {
        return running_module(f, "lif_neuron", c.config, specs, 1);
    }
    return running_module(f.config("lif_neuron", c.config), specs, 1, [&](auto& cfg) {
        return f.registry.create_slice(cfg.type(), cfg.abi(), "slice", c.slice_begin, c.slice_end);
    });
}

std::vector<unsigned char> output_bytes(running_module& m) {
    const auto& out = m.outputs.at(0).abi;
    const auto* bytes = static_cast<const unsigned char*>(out.data);
    return {bytes, bytes + out.count * spark_dtype_size(out.spec.dtype)};
}

std::vector<unsigned char> property_bytes(running_module& m, const char* name) {
    const auto index = m.instance.property_index(name);
    const auto spec = m.instance.property_spec(index);
    host_buffer value(spec);
    m.instance.read_property(index, value.abi);
    const auto* bytes = static_cast<const unsigned char*>(value.abi.data);
    return {bytes, bytes + value.abi.count * spark_dtype_size(spec.dtype)};
}

/// Runs `c` on time and late for `windows` exchange windows; returns the late instance's L.
std::uint32_t run_late(models_fixture& f, const late_case& c, std::uint64_t windows = 12) {
    running_module on_time = make(f, c);
    running_module late = make(f, c);
    const std::uint32_t lateness = late.instance.lateness(0, late_begin, late_end - late_begin);
    if (c.expected_lateness != 0) {
        BOOST_TEST(lateness == c.expected_lateness);
    }
    BOOST_TEST_REQUIRE(lateness >= 1U);
    const std::uint64_t d = lateness + 1; // the window
    std::uint64_t spikes = 0;
    bool same = true; // only the first differing step is reported
    for (std::uint64_t k = 0; k < windows * d; ++k) {
        for (std::uint32_t i = 0; i < n_pre; ++i) {
            const std::uint8_t v = true_input(k, i);
            on_time.in<std::uint8_t>(0)[i] = v;
            const bool held_back = i >= late_begin && i < late_end && k % d != 0;
            late.in<std::uint8_t>(0)[i] = held_back ? 0 : v;
        }
        on_time.step(k);
        late.step(k);
        if (k % d == d - 1) { // the window's last step: its late values, in order
            for (std::uint64_t s = k - d + 2; s <= k; ++s) {
                std::vector<std::uint8_t> values;
                for (auto i = static_cast<std::uint32_t>(late_begin); i < late_end; ++i) {
                    values.push_back(true_input(s, i));
                }
                late.instance.write_late(0, s, late_begin, late_end - late_begin, values.data());
            }
        }
        const auto expected = output_bytes(on_time);
        for (const auto b : expected) {
            spikes += b & 1U;
        }
        if (same && output_bytes(late) != expected) {
            same = false;
            BOOST_TEST(false, "the outputs differ at step " << k);
        }
    }
    BOOST_TEST(spikes > 0U); // the neurons did something worth comparing
    for (const char* name :
         {"soma.potential", "synapses.kernel", "delays.kernel", "inhibition_mask"}) {
        BOOST_TEST((property_bytes(late, name) == property_bytes(on_time, name)), name);
    }
    BOOST_TEST((late.checkpoint() == on_time.checkpoint()), "the states differ");
    return lateness;
}

std::string
static_config(const std::string& kernel, const std::string& delays, const std::string& more = "") {
    return R"({"units": [16], "seed": 5, "inhibitory_rate": 0.25,
               "synapses": {"kernel": )" +
           kernel + R"(}, "delays": )" + delays + R"(, "learning_rule": null)" + more + "}";
}

const std::string dense_kernel =
    R"({"__class_ref__": "sparse_uniform_initializer", "scale": 400, "density": 0.6})";
const std::string sparse_kernel =
    R"({"__class_ref__": "sparse_uniform_initializer", "scale": 900, "density": 0.3})";
const std::string constant_3 = R"({"max_delay": 6, "delays": {"__class_ref__":
                                   "constant_initializer", "max_value": 3}})";

BOOST_FIXTURE_TEST_SUITE(late_inputs, models_fixture)

BOOST_AUTO_TEST_CASE(late_spikes_give_the_on_time_bits) {
    const late_case cases[] = {
        // (a) n2n_delays, every delay 3 steps: listed groups, and full weight columns
        {"n2n constant 3, listed groups", static_config(dense_kernel, constant_3), 3},
        {"n2n constant 3, full columns", static_config("300", constant_3), 3},
        // (a) n2n_delays drawn uniformly in [1, 4]: windows of 2
        {"n2n uniform", static_config(dense_kernel, R"({"max_delay": 4})"), 1},
        // (b) n_delays drawn per presynaptic neuron: L is the range's shortest
        {"n_delays uniform",
         static_config(dense_kernel, R"({"__class_ref__": "n_delays", "max_delay": 5})")},
        {"n_delays constant 3",
         static_config(dense_kernel, R"({"__class_ref__": "n_delays", "max_delay": 5,
             "delays": {"__class_ref__": "constant_initializer", "max_value": 3}})"),
         3},
        // (c) a sparse kernel: delivery at emission (checked below)
        {"sparse kernel, at emission", static_config(sparse_kernel, constant_3), 3},
        {"sparse kernel, uniform", static_config(sparse_kernel, R"({"max_delay": 4})"), 1},
        // (d) slices of the population
        {"slice, n2n constant 3", static_config(dense_kernel, constant_3), 3, 3, 11},
        {"slice, sparse kernel", static_config(sparse_kernel, constant_3), 3, 9, 16},
        // (e) float64
        {"float64, n2n constant 3",
         static_config(dense_kernel, constant_3, R"(, "dtype": "float64")"),
         3},
        {"float64, sparse kernel",
         static_config(sparse_kernel, constant_3, R"(, "dtype": "float64")"),
         3},
    };
    for (const auto& c : cases) {
        BOOST_TEST_CONTEXT(c.name) {
            run_late(*this, c);
        }
    }
}

// The sparse cases above really deliver at emission: a static, sparse, delayed kernel is kept
// as compressed rows (neuron/population.hpp, keeps_sparse_kernel()) and then always delivered
// at emission (index_sparse_synapses(), rows > 1).
BOOST_AUTO_TEST_CASE(the_sparse_cases_deliver_at_emission) {
    running_module m = make(*this, {"sparse", static_config(sparse_kernel, constant_3)});
    bool compressed = false;
    for (const auto& a : m.instance.state()) {
        compressed = compressed || std::string(a.name) == "kernel_row_start";
    }
    BOOST_TEST(compressed);
}

BOOST_AUTO_TEST_CASE(what_must_come_on_time) {
    const auto specs = std::vector{port(SPARK_PAYLOAD_SPIKES, SPARK_DTYPE_U8, {n_pre})};
    // A rule reads every spike as it comes (its traces), plastic or not.
    running_module plastic(*this,
                           "lif_neuron",
                           R"({"units": [4], "delays": {"max_delay": 4, "delays": 3}})",
                           specs,
                           1);
    BOOST_TEST(plastic.instance.lateness(0, 0, n_pre) == 0U);
    running_module eta_0(*this,
                         "lif_neuron",
                         R"({"units": [4], "delays": {"max_delay": 4, "delays": 3},
                             "learning_rule": {"eta": 0}})",
                         specs,
                         1);
    BOOST_TEST(eta_0.instance.lateness(0, 0, n_pre) == 0U);
    // No delays: every spike arrives in its own step.
    running_module undelayed(*this, "lif_neuron", static_config("300", "null"), specs, 1);
    BOOST_TEST(undelayed.instance.lateness(0, 0, n_pre) == 0U);
    // A zero delay somewhere in the range (delays given as a number are taken as they are).
    running_module zero(
        *this, "lif_neuron", static_config("300", R"({"max_delay": 4, "delays": 0})"), specs, 1);
    BOOST_TEST(zero.instance.lateness(0, 0, n_pre) == 0U);
    // The modulation of a third-factor rule, and of a neuron that has none.
    running_module modulated(*this,
                             "lif_neuron",
                             R"({"units": [4], "delays": {"max_delay": 4, "delays": 3},
            "learning_rule": {"__class_ref__": "three_factor_hebbian_rule"}})",
                             {specs[0], port(SPARK_PAYLOAD_FLOAT, SPARK_DTYPE_F32, {1})},
                             1);
    BOOST_TEST(modulated.instance.lateness(1, 0, 1) == 0U);
    running_module neuron(*this, "lif_neuron", static_config("300", constant_3), specs, 1);
    BOOST_TEST(neuron.instance.lateness(0, 0, n_pre) == 3U);
    BOOST_TEST(neuron.instance.lateness(1, 0, 0) == 0U);
}

BOOST_AUTO_TEST_CASE(a_late_value_out_of_range_is_refused) {
    const auto specs = std::vector{port(SPARK_PAYLOAD_SPIKES, SPARK_DTYPE_U8, {n_pre})};
    running_module m(*this, "lif_neuron", static_config("300", constant_3), specs, 1);
    const std::vector<std::uint8_t> values(n_pre, 1);
    const auto refused = [&](std::uint64_t step, const std::string& says) {
        try {
            m.instance.write_late(0, step, 0, n_pre, values.data());
            BOOST_FAIL("step " << step << " was taken late");
        } catch (const spark::registry::plugin_error& e) {
            BOOST_TEST(e.status() == SPARK_ERR_INVALID_ARGUMENT);
            BOOST_TEST(std::string(e.what()).find(says) != std::string::npos, e.what());
        }
    };
    refused(0, "but no step was taken since reset; got step 0");
    for (std::uint64_t k = 0; k < 5; ++k) {
        m.step(k);
    }
    // After step 4, steps 2, 3 and 4 may come (L = 3).
    refused(1, "may come up to 3 steps late: after step 4, steps [2, 5); got step 1");
    refused(5, "steps [2, 5); got step 5");
    m.instance.write_late(0, 2, 0, n_pre, values.data());
    m.instance.write_late(0, 4, 0, n_pre, values.data());
    // A neuron whose inputs must come on time says why.
    running_module plastic(*this,
                           "lif_neuron",
                           R"({"units": [4], "delays": {"max_delay": 4, "delays": 3}})",
                           specs,
                           1);
    plastic.step(0);
    try {
        plastic.instance.write_late(0, 0, 0, n_pre, values.data());
        BOOST_FAIL("a plastic neuron took a late value");
    } catch (const spark::registry::plugin_error& e) {
        BOOST_TEST(e.status() == SPARK_ERR_INVALID_ARGUMENT);
        BOOST_TEST(std::string(e.what()).find("must arrive on time (lateness 0: the learning "
                                              "rule reads every spike as it comes)") !=
                       std::string::npos,
                   e.what());
    }
}

// A delays write may not shorten a delay below the lateness the neuron may have promised.
BOOST_AUTO_TEST_CASE(a_delays_write_keeps_the_promised_lateness) {
    const auto specs = std::vector{port(SPARK_PAYLOAD_SPIKES, SPARK_DTYPE_U8, {2})};
    running_module m(*this,
                     "lif_neuron",
                     R"({"units": [2], "learning_rule": null,
                         "delays": {"max_delay": 4, "delays": 3}})",
                     specs,
                     1);
    BOOST_TEST(m.instance.lateness(0, 0, 2) == 3U);
    const auto index = m.instance.property_index("delays.kernel");
    host_buffer value(m.instance.property_spec(index));
    auto* d = static_cast<std::int32_t*>(value.abi.data);
    std::fill(d, d + value.abi.count, 4);
    m.instance.write_property(index, value.abi); // longer: fine
    d[1] = 2;
    BOOST_CHECK_THROW(m.instance.write_property(index, value.abi), spark::registry::plugin_error);
    BOOST_TEST(m.instance.lateness(0, 0, 2) == 3U);
}

BOOST_AUTO_TEST_SUITE_END()

} // namespace late_inputs_test
