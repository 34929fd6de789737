// SPDX-License-Identifier: Apache-2.0
// spark.leaky_soma (upstream LeakySoma, docs/models.md section 4.1) loaded from the built
// spark.neurons plugin through the registry: its schema, scenario S1 in float32 and float64,
// reset, and a state round trip.
#include <cmath>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include <boost/dll/library_info.hpp>
#include <boost/test/unit_test.hpp>

#include <spark/abi/spark_abi.h>
#include <spark/registry/plugin_registry.hpp>

#include "fake_host.hpp"
#include "models_fixture.hpp"

namespace reg = spark::registry;
using spark::test::config_builder;
using spark::test::spec;
using spark::test::str;

namespace {

const std::filesystem::path neurons_plugin = SPARK_TEST_NEURONS_PLUGIN;

/// A registry that sees only the built neurons plugin.
struct neurons_fixture {
    reg::plugin_registry registry{reg::search_options{{}, false, false}};
    const reg::module_type_info* soma_type = nullptr;
    neurons_fixture() {
        const auto& plugin = registry.load(neurons_plugin);
        BOOST_TEST_REQUIRE(plugin.id == "spark.neurons");
        soma_type = &registry.resolve("leaky_soma");
    }
};

/// Upstream's defaults in schema order, as the config layer would fill them in.
config_builder default_config(std::int32_t dtype) {
    config_builder c;
    c.f(-60.0).f(-50.0).f(20.0).f(0.1).f(-40.0).dtype(dtype).dt(1.0).class_ref("spark.leaky_soma");
    return c;
}

/// A built and reset soma of `units` neurons with host-owned buffers, in float type T.
template <typename T>
struct running_soma {
    reg::module_instance instance;
    std::vector<T> current;
    std::vector<std::uint8_t> spikes;
    std::vector<T> potential;
    spark_buffer_t in[2]{}; // the current, and the unwired inhibition mask (no elements)
    spark_buffer_t out[2]{};

    running_soma(neurons_fixture& f, config_builder& c, std::uint32_t units)
        : instance(f.registry.create(*f.soma_type, c.get(), "soma")), current(units),
          spikes(units, 9), potential(units, T(9)) {
        constexpr std::int32_t dtype = sizeof(T) == 8 ? SPARK_DTYPE_F64 : SPARK_DTYPE_F32;
        // The current, and the optional inhibition mask unwired.
        const spark_port_spec_t in_specs[2] = {spec(SPARK_PAYLOAD_FLOAT, dtype, {units}), {}};
        spark_port_spec_t out_specs[2]{};
        instance.build(std::span(in_specs), std::span(out_specs));
        BOOST_TEST(out_specs[0].payload_kind == SPARK_PAYLOAD_SPIKES);
        BOOST_TEST(out_specs[0].dtype == SPARK_DTYPE_U8);
        BOOST_TEST(out_specs[1].payload_kind == SPARK_PAYLOAD_FLOAT);
        BOOST_TEST(out_specs[1].dtype == dtype);
        for (const auto& s : out_specs) {
            BOOST_TEST(s.shape.rank == 1U);
            BOOST_TEST(s.shape.dims[0] == units);
        }
        in[0] = spark::test::buffer(current, in_specs[0]);
        out[0] = spark::test::buffer(spikes, out_specs[0]);
        out[1] = spark::test::buffer(potential, out_specs[1]);
        reset();
    }
    void reset() { instance.reset(std::span<const spark_buffer_t>(out, 2)); }
    void step(std::uint64_t k) {
        const spark_step_context_t ctx{k, 1.0, in, 2, out, 2};
        instance.step(ctx);
    }
};

/// S1: constant 250 pA for 100 steps; the spike steps and the rebased potential after each step.
template <typename T>
std::pair<std::vector<std::uint64_t>, std::vector<double>> run_s1(neurons_fixture& f,
                                                                  std::int32_t dtype) {
    auto c = default_config(dtype);
    running_soma<T> soma(f, c, 1);
    std::vector<std::uint64_t> spike_steps;
    std::vector<double> v;
    for (std::uint64_t k = 0; k < 100; ++k) {
        soma.current[0] = T(250);
        soma.step(k);
        if (soma.spikes[0] != 0) {
            BOOST_TEST(soma.spikes[0] == 1U); // bit0 only: somas emit no inhibition bit
            spike_steps.push_back(k);
        }
        v.push_back(static_cast<double>(soma.potential[0]));
    }
    return {spike_steps, v};
}

// Full-precision S1 values (no script in this repository prints them, docs/models.md section
// 13.2): the operation order of docs/models.md section 13.1 (S1), every operation rounded to
// binary32 (f32) or not at all (f64); section 13 gives some of them rounded to 6 decimals.
const std::pair<int, double> s1_f64[] = {{0, 1.2192643874821498},
                                         {1, 2.3790645491010105},
                                         {9, 9.836733507184164},
                                         {31, 19.952587050133612},
                                         {32, 10.0},
                                         {33, 10.73155863248929},
                                         {53, 19.750933763332668},
                                         {54, 10.0},
                                         {55, 10.73155863248929},
                                         {99, 10.73155863248929}};
const std::pair<int, double> s1_f32[] = {{0, 1.2192636728286743},
                                         {1, 2.379063129425049},
                                         {9, 9.8367280960083},
                                         {31, 19.952579498291016},
                                         {32, 10.0},
                                         {33, 10.731558799743652},
                                         {53, 19.75092887878418},
                                         {54, 10.0},
                                         {55, 10.731558799743652},
                                         {99, 10.731558799743652}};

} // namespace

BOOST_FIXTURE_TEST_SUITE(leaky_soma, neurons_fixture)

BOOST_AUTO_TEST_CASE(is_offered_by_spark_neurons) {
    BOOST_TEST(soma_type->canonical_id == "spark.leaky_soma");
    BOOST_TEST(soma_type->plugin->id == "spark.neurons");
    BOOST_TEST(soma_type->plugin->vendor == "spark");
    BOOST_TEST(soma_type->plugin->version == "0.1.0");
    BOOST_TEST(soma_type->plugin->description ==
               "neuron populations (LIF, ALIF, AdEx, Izhikevich) and their components");
    BOOST_TEST(soma_type->abi->kind == SPARK_KIND_COMPONENT);
    BOOST_TEST(&registry.resolve("spark.leaky_soma") == soma_type);
}

BOOST_AUTO_TEST_CASE(schema_has_upstreams_fields_defaults_and_units) {
    const auto& t = *soma_type->abi;
    struct field {
        const char* name;
        const char* default_json;
        const char* units;
    };
    const field expected[] = {{"potential_rest", "-60.0", "mV"},
                              {"potential_reset", "-50.0", "mV"},
                              {"potential_tau", "20.0", "ms"},
                              {"resistance", "0.1", "GΩ"},
                              {"threshold", "-40.0", "mV"}};
    BOOST_TEST_REQUIRE(t.field_count == 5U);
    for (std::uint32_t i = 0; i < 5; ++i) {
        BOOST_TEST_CONTEXT(expected[i].name) {
            BOOST_TEST(str(t.fields[i].name) == expected[i].name);
            BOOST_TEST(t.fields[i].type == SPARK_FIELD_FLOAT);
            BOOST_TEST(str(t.fields[i].default_json) == expected[i].default_json);
            BOOST_TEST(str(t.fields[i].units) == expected[i].units);
            BOOST_TEST(!str(t.fields[i].description).empty());
        }
    }
    // potential_tau > 0 (upstream's Positive); threshold > potential_reset (ours, see the schema).
    BOOST_TEST(t.fields[0].validator_count == 0U);
    BOOST_TEST(t.fields[1].validator_count == 0U);
    BOOST_TEST_REQUIRE(t.fields[2].validator_count == 1U);
    BOOST_TEST(t.fields[2].validators[0].kind == SPARK_VALIDATOR_POSITIVE);
    BOOST_TEST(t.fields[3].validator_count == 0U);
    BOOST_TEST_REQUIRE(t.fields[4].validator_count == 1U);
    BOOST_TEST(t.fields[4].validators[0].kind == SPARK_VALIDATOR_GREATER_THAN_FIELD);
    BOOST_TEST(str(t.fields[4].validators[0].field) == "potential_reset");

    BOOST_TEST_REQUIRE(t.port_count == 4U);
    BOOST_TEST(str(t.ports[0].name) == "current");
    BOOST_TEST(t.ports[0].direction == SPARK_PORT_INPUT);
    BOOST_TEST(t.ports[0].payload_kind == SPARK_PAYLOAD_FLOAT);
    BOOST_TEST(str(t.ports[0].payload_type) == "current_array");
    BOOST_TEST(t.ports[0].shape_rule == SPARK_SHAPE_ANY);
    BOOST_TEST(t.ports[0].required);
    BOOST_TEST(str(t.ports[1].name) == "spikes");
    BOOST_TEST(t.ports[1].direction == SPARK_PORT_OUTPUT);
    BOOST_TEST(t.ports[1].payload_kind == SPARK_PAYLOAD_SPIKES);
    BOOST_TEST(str(t.ports[1].payload_type) == "spike_array");
    BOOST_TEST(t.ports[1].shape_rule == SPARK_SHAPE_LIKE_PORT);
    BOOST_TEST(str(t.ports[1].shape_ref) == "current");
    BOOST_TEST(str(t.ports[2].name) == "potential");
    BOOST_TEST(t.ports[2].payload_kind == SPARK_PAYLOAD_FLOAT);
    BOOST_TEST(str(t.ports[2].payload_type) == "potential_array");
    BOOST_TEST(t.ports[2].shape_rule == SPARK_SHAPE_LIKE_PORT);
    BOOST_TEST(str(t.ports[2].shape_ref) == "current");
    BOOST_TEST(str(t.ports[3].name) == "inhibition_mask");
    BOOST_TEST(t.ports[3].direction == SPARK_PORT_INPUT);
    BOOST_TEST(t.ports[3].payload_kind == SPARK_PAYLOAD_BOOL_MASK);
    BOOST_TEST(!t.ports[3].required);
}

BOOST_AUTO_TEST_CASE(s1_float64_matches_the_golden_trajectory) {
    const auto [spike_steps, v] = run_s1<double>(*this, SPARK_DTYPE_F64);
    BOOST_TEST(spike_steps == std::vector<std::uint64_t>({32, 54, 76, 98}),
               boost::test_tools::per_element());
    for (const auto& [k, expected] : s1_f64) {
        BOOST_TEST_CONTEXT("step " << k) {
            BOOST_TEST(v[static_cast<std::size_t>(k)] == expected,
                       boost::test_tools::tolerance(1e-12));
        }
    }
}

BOOST_AUTO_TEST_CASE(s1_float32_matches_the_golden_trajectory) {
    const auto [spike_steps, v] = run_s1<float>(*this, SPARK_DTYPE_F32);
    BOOST_TEST(spike_steps == std::vector<std::uint64_t>({32, 54, 76, 98}),
               boost::test_tools::per_element());
    for (const auto& [k, expected] : s1_f32) {
        BOOST_TEST_CONTEXT("step " << k) {
            // a few float32 ulps (XLA's exp may differ from the correctly rounded one by an ulp)
            BOOST_TEST(v[static_cast<std::size_t>(k)] == expected,
                       boost::test_tools::tolerance(5e-7));
        }
    }
}

BOOST_AUTO_TEST_CASE(reset_restarts_at_rest_with_silent_outputs) {
    auto c = default_config(SPARK_DTYPE_F32);
    running_soma<float> soma(*this, c, 3);
    BOOST_TEST(soma.spikes == std::vector<std::uint8_t>(3, 0), boost::test_tools::per_element());
    BOOST_TEST(soma.potential == std::vector<float>(3, 0.0F), boost::test_tools::per_element());
    soma.current = {250.0F, 0.0F, 1000.0F};
    for (std::uint64_t k = 0; k < 10; ++k) {
        soma.step(k);
    }
    BOOST_TEST(soma.potential[0] > 0.0F);
    soma.reset();
    BOOST_TEST(soma.potential == std::vector<float>(3, 0.0F), boost::test_tools::per_element());
    BOOST_TEST(soma.spikes == std::vector<std::uint8_t>(3, 0), boost::test_tools::per_element());
    // After reset the trajectory starts over: step 0 of S1 again.
    soma.current = {250.0F, 250.0F, 250.0F};
    soma.step(0);
    for (const float v : soma.potential) {
        BOOST_TEST(v == 1.2192636728286743F);
    }
}

BOOST_AUTO_TEST_CASE(state_round_trip_resumes_the_same_trajectory) {
    auto c = default_config(SPARK_DTYPE_F64);
    running_soma<double> soma(*this, c, 2);
    soma.current = {250.0, 400.0};
    for (std::uint64_t k = 0; k < 20; ++k) {
        soma.step(k);
    }
    auto arrays = soma.instance.state();
    BOOST_TEST_REQUIRE(arrays.size() == 1U);
    BOOST_TEST(str(arrays[0].name) == "potential");
    BOOST_TEST(arrays[0].dtype == SPARK_DTYPE_F64);
    BOOST_TEST(arrays[0].shape.rank == 1U);
    BOOST_TEST(arrays[0].shape.dims[0] == 2U);
    const auto* data = static_cast<const double*>(arrays[0].data);
    const std::vector<double> checkpoint(data, data + 2);
    BOOST_TEST(checkpoint == soma.potential, boost::test_tools::per_element());

    // The uninterrupted run, 30 more steps.
    std::vector<std::vector<double>> expected;
    std::vector<std::vector<std::uint8_t>> expected_spikes;
    for (std::uint64_t k = 20; k < 50; ++k) {
        soma.step(k);
        expected.push_back(soma.potential);
        expected_spikes.push_back(soma.spikes);
    }
    // Reset, restore the checkpoint, run again: the same numbers, bit for bit.
    soma.reset();
    arrays = soma.instance.state();
    std::memcpy(arrays[0].data, checkpoint.data(), checkpoint.size() * sizeof(double));
    soma.instance.state_loaded();
    for (std::uint64_t k = 20; k < 50; ++k) {
        soma.step(k);
        BOOST_TEST(soma.potential == expected[k - 20], boost::test_tools::per_element());
        BOOST_TEST(soma.spikes == expected_spikes[k - 20], boost::test_tools::per_element());
    }
}

BOOST_AUTO_TEST_CASE(a_float64_current_into_a_float32_soma_fails_at_build) {
    auto c = default_config(SPARK_DTYPE_F32);
    auto instance = registry.create(*soma_type, c.get(), "soma_a");
    const spark_port_spec_t in_specs[2] = {spec(SPARK_PAYLOAD_FLOAT, SPARK_DTYPE_F64, {4}), {}};
    spark_port_spec_t out_specs[2]{};
    try {
        instance.build(std::span(in_specs), std::span(out_specs));
        BOOST_FAIL("build accepted a float64 current into a float32 soma");
    } catch (const reg::plugin_error& e) {
        BOOST_TEST(e.status() == SPARK_ERR_INVALID_ARGUMENT);
        BOOST_TEST(std::string(e.what()).find("input port 'current' carries float64 elements, "
                                              "expected float32 (the module's config dtype)") !=
                       std::string::npos,
                   e.what());
    }
}

BOOST_AUTO_TEST_CASE(the_plugin_exports_exactly_its_entry) {
    boost::dll::library_info info(neurons_plugin);
    BOOST_TEST(info.symbols() == std::vector<std::string>{"spark_plugin_entry"},
               boost::test_tools::per_element());
}

BOOST_AUTO_TEST_SUITE_END()
