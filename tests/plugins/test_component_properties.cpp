// SPDX-License-Identifier: Apache-2.0
// The properties of the built-in components (upstream 1.0's `soma.potential`, `synapses.kernel`,
// `delays.kernel`, docs/adr/0013-neurons-as-compositions.md) read and written through the
// registry, with worked numbers; the soma's inhibition mask input; and the capabilities every
// built-in type states (an example config that the config layer accepts, and the parts a fused
// neuron knows).
#include <cstdint>
#include <string>
#include <vector>

#include <boost/test/unit_test.hpp>

#include <spark/abi/spark_abi.h>
#include <spark/registry/errors.hpp>
#include <spark/registry/plugin_registry.hpp>

#include "models_fixture.hpp"

using spark::test::host_buffer;
using spark::test::port;
using spark::test::read_property;
using spark::test::running_module;

namespace {

using grid = std::vector<int>; // out[post][pre], row-major

} // namespace

BOOST_FIXTURE_TEST_SUITE(component_properties, spark::test::models_fixture)

BOOST_AUTO_TEST_CASE(a_somas_potential_property_is_its_potential_output) {
    // Two neurons, 250 pA and 0 pA: the property equals the potential port after every step,
    // the one that fires included (the property is read after the reset, as the port).
    running_module soma(
        *this, "leaky_soma", "{}", {port(SPARK_PAYLOAD_FLOAT, SPARK_DTYPE_F32, {2})}, 2);
    soma.in<float>(0)[0] = 250.0F;
    soma.in<float>(0)[1] = 0.0F;
    bool fired = false;
    for (std::uint64_t k = 0; k < 60; ++k) {
        soma.step(k);
        fired = fired || soma.out<std::uint8_t>(0)[0] != 0;
        auto potential = read_property(soma, "potential");
        BOOST_TEST_CONTEXT("step " << k) {
            BOOST_TEST(potential.as<float>()[0] == soma.out<float>(1)[0]);
            BOOST_TEST(potential.as<float>()[1] == 0.0F);
        }
    }
    // 250 pA x 0.1 GOhm = 25 mV above rest: v reaches the 20 mV threshold after
    // -20 ln(1 - 20/25) = 32 steps of 1 ms.
    BOOST_TEST(fired);
    const auto index = soma.instance.property_index("potential");
    host_buffer value(soma.instance.property_spec(index));
    try {
        soma.instance.write_property(index, value.abi);
        BOOST_FAIL("a soma's potential was written");
    } catch (const spark::registry::plugin_error& e) {
        BOOST_TEST(e.status() == SPARK_ERR_UNSUPPORTED);
        BOOST_TEST(std::string(e.what()).find("property 'potential' is read-only") !=
                   std::string::npos);
    }
}

BOOST_AUTO_TEST_CASE(the_inhibition_mask_marks_the_spikes_of_inhibitory_neurons) {
    // 10,000 pA for one step lifts both neurons 50 mV above rest: both fire at step 0; the mask
    // [1, 0] makes the first spike 3 (spike and inhibition bit) and leaves the second 1. After
    // the spike, silent neurons still carry the bit (2), as upstream 1.0's somas stamp it.
    running_module soma(*this,
                        "leaky_soma",
                        "{}",
                        {port(SPARK_PAYLOAD_FLOAT, SPARK_DTYPE_F32, {2}),
                         port(SPARK_PAYLOAD_BOOL_MASK, SPARK_DTYPE_U8, {2})},
                        2);
    soma.in<float>(0)[0] = 10000.0F;
    soma.in<float>(0)[1] = 10000.0F;
    soma.in<std::uint8_t>(1)[0] = 1;
    soma.in<std::uint8_t>(1)[1] = 0;
    soma.step(0);
    BOOST_TEST(soma.out<std::uint8_t>(0)[0] == 3U);
    BOOST_TEST(soma.out<std::uint8_t>(0)[1] == 1U);
    soma.in<float>(0)[0] = 0.0F;
    soma.in<float>(0)[1] = 0.0F;
    soma.step(1);
    BOOST_TEST(soma.out<std::uint8_t>(0)[0] == 2U);
    BOOST_TEST(soma.out<std::uint8_t>(0)[1] == 0U);
}

BOOST_AUTO_TEST_CASE(a_mask_of_another_size_is_refused_at_build) {
    try {
        running_module soma(*this,
                            "leaky_soma",
                            "{}",
                            {port(SPARK_PAYLOAD_FLOAT, SPARK_DTYPE_F32, {2}),
                             port(SPARK_PAYLOAD_BOOL_MASK, SPARK_DTYPE_U8, {3})},
                            2);
        BOOST_FAIL("a mask of 3 elements was accepted for 2 neurons");
    } catch (const spark::registry::plugin_error& e) {
        BOOST_TEST(std::string(e.what()).find("input port 'inhibition_mask' has shape (3) but "
                                              "'current' has (2); give one mask element per "
                                              "neuron") != std::string::npos,
                   e.what());
    }
}

BOOST_AUTO_TEST_CASE(the_synapse_kernel_reads_and_writes_as_w_post_pre) {
    // units [2], 3 presynaptic neurons, every weight 1.5 at build. Writing W = [[1, 2, 3],
    // [4, 5, 6]] makes spikes [1, 0, 1] give currents [1 + 3, 4 + 6] = [4, 10]; an inhibitory
    // third neuron (spike byte 3) gives [1 - 3, 4 - 6] = [-2, -2].
    for (const char* dtype : {"float32", "float64"}) {
        BOOST_TEST_CONTEXT(dtype) {
            const bool wide = std::string(dtype) == "float64";
            running_module syn(*this,
                               "linear_synapses",
                               std::string(R"({"units": [2], "kernel": 1.5, "dtype": ")") + dtype +
                                   "\"}",
                               {port(SPARK_PAYLOAD_SPIKES, SPARK_DTYPE_U8, {3})},
                               1);
            auto kernel = read_property(syn, "kernel");
            BOOST_TEST_REQUIRE(kernel.abi.spec.shape.rank == 2U);
            BOOST_TEST(kernel.abi.spec.shape.dims[0] == 2U);
            BOOST_TEST(kernel.abi.spec.shape.dims[1] == 3U);
            BOOST_TEST(kernel.abi.spec.dtype == (wide ? SPARK_DTYPE_F64 : SPARK_DTYPE_F32));
            for (std::size_t k = 0; k < 6; ++k) {
                BOOST_TEST((wide ? kernel.as<double>()[k] : kernel.as<float>()[k]) == 1.5);
            }
            for (std::size_t k = 0; k < 6; ++k) {
                if (wide) {
                    kernel.as<double>()[k] = static_cast<double>(k + 1);
                } else {
                    kernel.as<float>()[k] = static_cast<float>(k + 1);
                }
            }
            const auto index = syn.instance.property_index("kernel");
            syn.instance.write_property(index, kernel.abi);
            auto spikes = syn.in<std::uint8_t>(0);
            spikes[0] = 1;
            spikes[1] = 0;
            spikes[2] = 1;
            syn.step(0);
            const auto current = [&](std::size_t o) {
                return wide ? syn.out<double>(0)[o] : syn.out<float>(0)[o];
            };
            BOOST_TEST(current(0) == 4.0);
            BOOST_TEST(current(1) == 10.0);
            spikes[2] = 3;
            syn.step(1);
            BOOST_TEST(current(0) == -2.0);
            BOOST_TEST(current(1) == -2.0);
            auto again = read_property(syn, "kernel");
            for (std::size_t k = 0; k < 6; ++k) {
                BOOST_TEST((wide ? again.as<double>()[k] : again.as<float>()[k]) ==
                           static_cast<double>(k + 1));
            }
        }
    }
}

BOOST_AUTO_TEST_CASE(the_delay_kernel_reads_and_writes_and_refuses_delays_out_of_range) {
    // S3a's delays D = [[1, 2], [3, 4]] (max_delay 4 ms, dt 1 ms) read back exactly; then
    // D = [[4, 3], [2, 1]] with pre0 spiking at step 0 and pre1 at step 1 delivers [1][0] and
    // [1][1] at step 2 and [0][0] and [0][1] at step 4, nothing else.
    running_module delays(*this,
                          "n2n_delays",
                          R"({"units": [2], "max_delay": 4,
            "delays": {"__class_ref__": "fixed_values_initializer", "values": [1, 2, 3, 4]}})",
                          {port(SPARK_PAYLOAD_SPIKES, SPARK_DTYPE_U8, {2})},
                          1);
    auto kernel = read_property(delays, "kernel");
    BOOST_TEST(kernel.abi.spec.payload_kind == SPARK_PAYLOAD_INT);
    BOOST_TEST(kernel.abi.spec.dtype == SPARK_DTYPE_I32);
    BOOST_TEST(grid(kernel.as<std::int32_t>().begin(), kernel.as<std::int32_t>().end()) ==
                   grid({1, 2, 3, 4}),
               boost::test_tools::per_element());
    const auto index = delays.instance.property_index("kernel");
    const std::int32_t reversed[] = {4, 3, 2, 1};
    std::copy(std::begin(reversed), std::end(reversed), kernel.as<std::int32_t>().begin());
    delays.instance.write_property(index, kernel.abi);
    for (std::uint64_t k = 0; k < 6; ++k) {
        delays.in<std::uint8_t>(0)[0] = k == 0 ? 1 : 0;
        delays.in<std::uint8_t>(0)[1] = k == 1 ? 1 : 0;
        delays.step(k);
        const auto o = delays.out<std::uint8_t>(0);
        const grid got = {o[0], o[1], o[2], o[3]};
        const grid expected = k == 2 ? grid{0, 0, 1, 1} : k == 4 ? grid{1, 1, 0, 0} : grid(4, 0);
        BOOST_TEST_CONTEXT("step " << k) {
            BOOST_TEST(got == expected, boost::test_tools::per_element());
        }
    }
    // A delay of 5 steps with 4 slots is refused, naming it, and D stays [[4, 3], [2, 1]].
    kernel.as<std::int32_t>()[1] = 5;
    try {
        delays.instance.write_property(index, kernel.abi);
        BOOST_FAIL("a delay of 5 steps was written into 4 slots");
    } catch (const spark::registry::plugin_error& e) {
        BOOST_TEST(e.status() == SPARK_ERR_INVALID_ARGUMENT);
        BOOST_TEST(std::string(e.what()).find("delays must be whole steps in [0, 4] (max_delay / "
                                              "dt), got 5 for synapse (post 0, pre 1) of the "
                                              "kernel written") != std::string::npos,
                   e.what());
    }
    auto kept = read_property(delays, "kernel");
    BOOST_TEST(grid(kept.as<std::int32_t>().begin(), kept.as<std::int32_t>().end()) ==
                   grid({4, 3, 2, 1}),
               boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(unknown_property_names_list_what_the_type_has) {
    running_module delays(*this,
                          "n2n_delays",
                          R"({"units": [2], "max_delay": 2, "delays": 1})",
                          {port(SPARK_PAYLOAD_SPIKES, SPARK_DTYPE_U8, {2})},
                          1);
    try {
        (void)delays.instance.property_index("weights");
        BOOST_FAIL("an unknown property was found");
    } catch (const spark::error& e) {
        BOOST_TEST(std::string(e.what()) ==
                   "spark.n2n_delays 'probe': has no property 'weights'; its type declares kernel");
    }
}

BOOST_AUTO_TEST_CASE(every_type_states_an_example_config_the_config_layer_accepts) {
    for (const auto* type : registry.types()) {
        if (type->abi->kind == SPARK_KIND_INITIALIZER || type->plugin->id != "spark.neurons") {
            continue;
        }
        BOOST_TEST_CONTEXT(type->canonical_id) {
            const auto* caps = spark::registry::capabilities(*type);
            BOOST_TEST_REQUIRE(caps != nullptr);
            BOOST_TEST_REQUIRE(caps->example_config != nullptr);
            BOOST_CHECK_NO_THROW((void)config(type->canonical_id, caps->example_config));
        }
    }
}

BOOST_AUTO_TEST_CASE(a_fused_neuron_lists_the_parts_it_knows) {
    const auto* caps = spark::registry::capabilities(registry.resolve("lif_neuron"));
    BOOST_TEST_REQUIRE(caps != nullptr);
    BOOST_TEST(caps->has_contract);
    BOOST_TEST(std::string(caps->example_config) == R"({"units": [8]})");
    std::vector<std::string> fields;
    std::vector<std::string> somas;
    for (std::uint32_t n = 0; n < caps->nested_count; ++n) {
        fields.emplace_back(caps->nested[n].field);
        if (fields.back() == "soma") {
            somas.assign(caps->nested[n].class_refs,
                         caps->nested[n].class_refs + caps->nested[n].count);
        }
    }
    BOOST_TEST(fields == std::vector<std::string>({"soma", "synapses", "delays", "learning_rule"}),
               boost::test_tools::per_element());
    // Every soma component of the plugin, and nothing else.
    std::vector<std::string> soma_types;
    for (const auto* type : registry.types()) {
        const std::string id = type->canonical_id;
        if (id.size() > 5 && id.substr(id.size() - 5) == "_soma") {
            soma_types.push_back(id);
        }
    }
    std::sort(somas.begin(), somas.end());
    BOOST_TEST(somas == soma_types, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_SUITE_END()
