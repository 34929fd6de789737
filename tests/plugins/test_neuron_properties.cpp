// SPDX-License-Identifier: Apache-2.0
// The properties of a fused neuron (plugins/neurons/neuron/neuron_properties.hpp) on their own:
// values that follow from the model's equations (docs/models.md sections 4.1, 5.1, 7.2), what a
// write changes and what reset restores, refused writes, and a rule's per-synapse state staying
// with its synapse when the delays change. tests/plugins/test_neuron_paths.cpp compares them
// with the same neuron run from its parts.
#include <cmath>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include <boost/test/unit_test.hpp>

#include <spark/registry/errors.hpp>

#include "brain/neuron_parts.hpp"
#include "models_fixture.hpp"

using spark::runtime::detail::create_module;
using spark::runtime::detail::neuron_path;
using spark::test::host_buffer;
using spark::test::models_fixture;
using spark::test::port;
using spark::test::read_property;
using spark::test::running_module;

namespace {

template <typename T>
std::vector<T> values(running_module& m, const char* name) {
    auto b = read_property(m, name);
    const auto v = b.as<T>();
    return {v.begin(), v.end()};
}

/// Writes `v` into property `name` of `m` (a buffer of the property's spec).
template <typename T>
void write(running_module& m, const char* name, const std::vector<T>& v) {
    const auto index = m.instance.property_index(name);
    host_buffer value(m.instance.property_spec(index));
    BOOST_TEST_REQUIRE(value.abi.count == v.size());
    std::memcpy(value.abi.data, v.data(), v.size() * sizeof(T));
    m.instance.write_property(index, value.abi);
}

/// Presynaptic spikes of 1 in 4 neurons, changing every step, for `steps` steps from `first`.
void drive_steps(running_module& m, std::uint64_t first, std::uint64_t steps) {
    auto in = m.in<std::uint8_t>(0);
    for (std::uint64_t k = first; k < first + steps; ++k) {
        for (std::size_t i = 0; i < in.size(); ++i) {
            in[i] = (i + k) % 4 == 0 ? 1 : 0;
        }
        m.step(k);
    }
}

/// Delays in [0, 8] (max_delay 8 ms, dt 1 ms) unlike any uniform draw's pattern.
std::vector<std::int32_t> patterned_delays(std::size_t count) {
    std::vector<std::int32_t> d(count);
    for (std::size_t k = 0; k < count; ++k) {
        d[k] = static_cast<std::int32_t>((k * 5 + 3) % 9);
    }
    return d;
}

} // namespace

BOOST_FIXTURE_TEST_SUITE(neuron_properties, models_fixture)

BOOST_AUTO_TEST_CASE(a_lif_neurons_properties_follow_its_equations) {
    // 2 neurons, 3 presynaptic, every weight 100 pA, no delays and no learning; half of the
    // neurons inhibitory: floor(2 x 0.5) = 1 of them.
    running_module m(*this,
                     "lif_neuron",
                     R"({"units": [2], "inhibitory_rate": 0.5, "seed": 1, "delays": null, )"
                     R"("learning_rule": null, "synapses": {"kernel": 100}})",
                     {port(SPARK_PAYLOAD_SPIKES, SPARK_DTYPE_U8, {3})},
                     1);
    const auto mask = read_property(m, "inhibition_mask");
    BOOST_TEST(mask.abi.spec.payload_kind == SPARK_PAYLOAD_BOOL_MASK);
    BOOST_TEST(mask.abi.spec.dtype == SPARK_DTYPE_U8);
    BOOST_TEST_REQUIRE(mask.abi.count == 2U);
    const auto* bits = static_cast<const std::uint8_t*>(mask.abi.data);
    BOOST_TEST(bits[0] + bits[1] == 1);
    // The spikes after reset carry the same mask as their inhibition bit.
    for (std::size_t o = 0; o < 2; ++o) {
        BOOST_TEST(m.out<std::uint8_t>(0)[o] == 2U * bits[o]);
    }
    const auto kernel = read_property(m, "synapses.kernel");
    BOOST_TEST_REQUIRE(kernel.abi.spec.shape.rank == 2U);
    BOOST_TEST(kernel.abi.spec.shape.dims[0] == 2U);
    BOOST_TEST(kernel.abi.spec.shape.dims[1] == 3U);
    BOOST_TEST(values<float>(m, "synapses.kernel") == std::vector<float>(6, 100.0F),
               boost::test_tools::per_element());
    BOOST_TEST(values<float>(m, "soma.potential") == std::vector<float>(2, 0.0F),
               boost::test_tools::per_element());
    // W = [[10, 20, 30], [40, 50, 60]] and spikes [1, 0, 1]: I = [40, 100] pA, so one step of
    // the leaky soma from rest gives v = (1 - exp(-1/20)) x 0.1 GOhm x I (models section 4.1).
    write(m, "synapses.kernel", std::vector<float>{10, 20, 30, 40, 50, 60});
    m.in<std::uint8_t>(0)[0] = 1;
    m.in<std::uint8_t>(0)[1] = 0;
    m.in<std::uint8_t>(0)[2] = 1;
    m.step(0);
    const double a = 1.0 - std::exp(-1.0 / 20.0);
    const auto v = values<float>(m, "soma.potential");
    BOOST_TEST(v[0] == a * 0.1 * 40.0, boost::test_tools::tolerance(1e-5));
    BOOST_TEST(v[1] == a * 0.1 * 100.0, boost::test_tools::tolerance(1e-5));
    // Read-only properties refuse writes.
    try {
        write(m, "soma.potential", std::vector<float>{0, 0});
        BOOST_FAIL("soma.potential was written");
    } catch (const spark::registry::plugin_error& e) {
        BOOST_TEST(e.status() == SPARK_ERR_UNSUPPORTED);
        BOOST_TEST(std::string(e.what()).find("property 'soma.potential' is read-only") !=
                       std::string::npos,
                   e.what());
    }
}

BOOST_AUTO_TEST_CASE(a_written_kernel_and_delays_last_until_reset) {
    // Learning on (Hebbian) and per-synapse delays: the grouped layout. Reset restores the drawn
    // kernel and delays, as it restores a learned kernel (docs/models.md section 7.1).
    running_module m(*this,
                     "lif_neuron",
                     R"({"units": [4], "seed": 2, "synapses": {"kernel": {"__class_ref__": )"
                     R"("uniform_initializer", "scale": 300}}})",
                     {port(SPARK_PAYLOAD_SPIKES, SPARK_DTYPE_U8, {6})},
                     1);
    const auto kernel = values<float>(m, "synapses.kernel");
    const auto delays = values<std::int32_t>(m, "delays.kernel");
    BOOST_TEST_REQUIRE(delays.size() == 24U);
    const std::vector<float> w(24, 7.5F);
    const auto d = patterned_delays(24);
    write(m, "synapses.kernel", w);
    write(m, "delays.kernel", d);
    BOOST_TEST(values<float>(m, "synapses.kernel") == w, boost::test_tools::per_element());
    BOOST_TEST(values<std::int32_t>(m, "delays.kernel") == d, boost::test_tools::per_element());
    drive_steps(m, 0, 20);
    BOOST_TEST(values<std::int32_t>(m, "delays.kernel") == d, boost::test_tools::per_element());
    m.reset();
    BOOST_TEST(values<float>(m, "synapses.kernel") == kernel, boost::test_tools::per_element());
    BOOST_TEST(values<std::int32_t>(m, "delays.kernel") == delays,
               boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(a_delay_out_of_range_is_refused_and_the_old_ones_stay) {
    running_module m(*this,
                     "lif_neuron",
                     R"({"units": [2], "seed": 3, "learning_rule": null})",
                     {port(SPARK_PAYLOAD_SPIKES, SPARK_DTYPE_U8, {3})},
                     1);
    const auto before = values<std::int32_t>(m, "delays.kernel");
    // max_delay 8 ms at dt 1 ms: delays in [0, 8]; entry 2 is synapse (post 0, pre 2).
    try {
        write(m, "delays.kernel", std::vector<std::int32_t>{1, 2, 9, 3, 4, 5});
        BOOST_FAIL("a delay of 9 steps was written");
    } catch (const spark::registry::plugin_error& e) {
        BOOST_TEST(e.status() == SPARK_ERR_INVALID_ARGUMENT);
        BOOST_TEST(std::string(e.what()).find(
                       "delays must be whole steps in [0, 8] (max_delay / dt), got 9 for synapse "
                       "(post 0, pre 2) of the kernel written; raise max_delay or lower the "
                       "delays") != std::string::npos,
                   e.what());
    }
    BOOST_TEST(values<std::int32_t>(m, "delays.kernel") == before,
               boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(new_delays_keep_a_rules_per_synapse_state_with_its_synapse) {
    // ALIF with Zenke's rule keeps a target trace per synapse in the delivery lists' order,
    // which the delays decide; after a delays write every synapse still has its own target.
    running_module m(*this,
                     "alif_neuron",
                     R"({"units": [4], "seed": 4, "synapses": {"kernel": {"__class_ref__": )"
                     R"("uniform_initializer", "scale": 300}}})",
                     {port(SPARK_PAYLOAD_SPIKES, SPARK_DTYPE_U8, {6})},
                     1);
    drive_steps(m, 0, 30);
    const auto target = m.state_values<float>("target");
    BOOST_TEST_REQUIRE(target.size() == 24U);
    std::size_t distinct = 0;
    for (std::size_t k = 1; k < target.size(); ++k) {
        distinct += target[k] != target[0] ? 1U : 0U;
    }
    BOOST_TEST_REQUIRE(distinct > 0U, "the targets must differ for the test to mean anything");
    write(m, "delays.kernel", patterned_delays(24));
    BOOST_TEST(m.state_values<float>("target") == target, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(per_neuron_delays_read_and_write_as_n_delays_lays_them_out) {
    // n_delays: one delay per presynaptic neuron, shaped like in_spikes, the same on both paths.
    // Written D = [0, 3]: a lone spike of presynaptic neuron 1 at step 0 reaches both neurons at
    // step 3 with I = 100 pA: v = 0 before, then (1 - exp(-1/20)) x 0.1 GOhm x 100 pA.
    const std::string config =
        R"({"units": [2], "inhibitory_rate": 0, "seed": 5, "learning_rule": null, "delays": )"
        R"({"__class_ref__": "n_delays"}, "synapses": {"kernel": 100}})";
    const double expected = (1.0 - std::exp(-1.0 / 20.0)) * 10.0;
    std::vector<std::vector<std::int32_t>> drawn;
    for (const auto path : {neuron_path::automatic, neuron_path::parts}) {
        running_module m(this->config("lif_neuron", config),
                         {port(SPARK_PAYLOAD_SPIKES, SPARK_DTYPE_U8, {2})},
                         1,
                         [&](auto& cfg) { return create_module(registry, cfg, "A", {}, path); });
        const auto d = read_property(m, "delays.kernel");
        BOOST_TEST(d.abi.spec.payload_kind == SPARK_PAYLOAD_INT);
        BOOST_TEST(d.abi.spec.shape.rank == 1U);
        BOOST_TEST(d.abi.spec.shape.dims[0] == 2U);
        drawn.push_back(values<std::int32_t>(m, "delays.kernel"));
        write(m, "delays.kernel", std::vector<std::int32_t>{0, 3});
        for (std::uint64_t k = 0; k < 5; ++k) {
            m.in<std::uint8_t>(0)[1] = k == 0 ? 1 : 0;
            m.step(k);
            const auto v = values<float>(m, "soma.potential");
            BOOST_TEST_CONTEXT((path == neuron_path::parts ? "parts" : "fused") << ", step " << k) {
                if (k < 3) {
                    BOOST_TEST(v[0] == 0.0F);
                } else if (k == 3) {
                    BOOST_TEST(v[0] == expected, boost::test_tools::tolerance(1e-5));
                    BOOST_TEST(v[1] == expected, boost::test_tools::tolerance(1e-5));
                } else {
                    BOOST_TEST(v[0] < expected); // leaking back to rest
                }
            }
        }
    }
    BOOST_TEST(drawn[0] == drawn[1], boost::test_tools::per_element());
}

BOOST_AUTO_TEST_SUITE_END()
