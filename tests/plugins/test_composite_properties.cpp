// SPDX-License-Identifier: Apache-2.0
// The properties of a composition (registry/src/composite_properties.hpp): those its type
// declares, by name, "<part>.<property>" from that part and `inhibition_mask` from the
// composition's own mask; read, written, refused, unavailable when the part is absent, and the
// compositions refused at creation because a part cannot serve a name its type declares.
#include <cmath>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include <boost/test/unit_test.hpp>

#include <spark/registry/composition.hpp>
#include <spark/registry/errors.hpp>

#include "models_fixture.hpp"
#include "test_plugin_paths.hpp"
#include "text_match.hpp"

using spark::registry::composition;
using spark::test::host_buffer;
using spark::test::models_fixture;
using spark::test::port;
using spark::test::read_property;
using spark::test::running_module;

using spark::test::contains;

namespace {

constexpr std::uint32_t inputs = 4;

const char* const neuron_json =
    R"({"units": [10], "inhibitory_rate": 0.3, "seed": 11, "soma": {"__class_ref__": )"
    R"("leaky_soma", "resistance": 0.5}, "synapses": {"kernel": 2.0}, "delays": null, )"
    R"("learning_rule": null})";

/// lif_neuron as synapses -> soma (no delays, no rule), the soma stamping the mask; every
/// weight 2 pA, R = 0.5 GOhm.
struct parts {
    spark::runtime::module_config synapses;
    spark::runtime::module_config soma;
    composition c;
    explicit parts(models_fixture& f)
        : synapses(f.config("linear_synapses", R"({"units": [10], "kernel": 2.0})")),
          soma(f.config("leaky_soma", R"({"resistance": 0.5})")) {
        c.parts = {{"synapses", &synapses.type(), &synapses.abi()},
                   {"soma", &soma.type(), &soma.abi()}};
        c.wires = {{"synapses", "spikes", "__call__", "in_spikes", false},
                   {"soma", "current", "synapses", "currents", false},
                   {"soma", "inhibition_mask", "__self__", "inhibition_mask", true}};
        c.outputs = {{"out_spikes", "soma", "spikes"}};
    }
    running_module run(models_fixture& f) {
        return running_module(
            f.config("lif_neuron", neuron_json),
            {port(SPARK_PAYLOAD_SPIKES, SPARK_DTYPE_U8, {inputs})},
            1,
            [&](auto& cfg) { return f.registry.create_composite(cfg.type(), c, cfg.abi(), "A"); });
    }
};

/// The plugin_error of `call`, failing the test when it succeeds.
template <typename Call>
spark::registry::plugin_error refusal(Call&& call) {
    try {
        call();
    } catch (const spark::registry::plugin_error& e) {
        return e;
    }
    BOOST_FAIL("the call succeeded");
    return {0, "", "", ""};
}

} // namespace

BOOST_FIXTURE_TEST_SUITE(composite_properties, models_fixture)

BOOST_AUTO_TEST_CASE(a_composition_serves_its_types_properties_from_its_parts) {
    parts p(*this);
    auto m = p.run(*this);
    // soma.potential is the soma's: float32 (10), 0 at rest.
    auto v = read_property(m, "soma.potential");
    BOOST_TEST(v.abi.spec.payload_kind == SPARK_PAYLOAD_FLOAT);
    BOOST_TEST(v.abi.spec.dtype == SPARK_DTYPE_F32);
    BOOST_TEST(v.abi.count == 10U);
    BOOST_TEST(std::vector<float>(v.as<float>().begin(), v.as<float>().end()) ==
                   std::vector<float>(10, 0.0F),
               boost::test_tools::per_element());
    // synapses.kernel is the synapses': W[post, pre], every weight 2 pA.
    auto w = read_property(m, "synapses.kernel");
    BOOST_TEST_REQUIRE(w.abi.spec.shape.rank == 2U);
    BOOST_TEST(w.abi.spec.shape.dims[0] == 10U);
    BOOST_TEST(w.abi.spec.shape.dims[1] == inputs);
    BOOST_TEST(std::vector<float>(w.as<float>().begin(), w.as<float>().end()) ==
                   std::vector<float>(40, 2.0F),
               boost::test_tools::per_element());
    // inhibition_mask is the composition's own: floor(10 x 0.3) = 3 inhibitory neurons, the
    // ones whose silent spikes after reset carry the inhibition bit.
    auto mask = read_property(m, "inhibition_mask");
    BOOST_TEST(mask.abi.spec.payload_kind == SPARK_PAYLOAD_BOOL_MASK);
    BOOST_TEST(mask.abi.spec.dtype == SPARK_DTYPE_U8);
    BOOST_TEST_REQUIRE(mask.abi.count == 10U);
    int inhibitory = 0;
    for (std::size_t o = 0; o < 10; ++o) {
        const auto bit = mask.as<std::uint8_t>()[o];
        inhibitory += bit;
        BOOST_TEST(m.out<std::uint8_t>(0)[o] == 2U * bit);
    }
    BOOST_TEST(inhibitory == 3);
}

BOOST_AUTO_TEST_CASE(a_written_kernel_is_the_next_steps_and_read_only_ones_refuse) {
    parts p(*this);
    auto m = p.run(*this);
    // W[o][0] = 10 (o + 1) pA, every other weight 0; presynaptic neuron 0 fires alone: neuron o
    // gets I = 10 (o + 1) pA and, from rest, v = (1 - exp(-1/20)) x 0.5 GOhm x I (models 4.1).
    auto w = read_property(m, "synapses.kernel");
    for (std::size_t o = 0; o < 10; ++o) {
        for (std::size_t i = 0; i < inputs; ++i) {
            w.as<float>()[o * inputs + i] = i == 0 ? 10.0F * static_cast<float>(o + 1) : 0.0F;
        }
    }
    m.instance.write_property(m.instance.property_index("synapses.kernel"), w.abi);
    m.in<std::uint8_t>(0)[0] = 1;
    m.step(0);
    auto v = read_property(m, "soma.potential");
    const double a = 1.0 - std::exp(-1.0 / 20.0);
    for (std::size_t o = 0; o < 10; ++o) {
        BOOST_TEST(v.as<float>()[o] == a * 0.5 * 10.0 * static_cast<double>(o + 1),
                   boost::test_tools::tolerance(1e-5));
    }
    for (const char* name : {"soma.potential", "inhibition_mask"}) {
        const auto index = m.instance.property_index(name);
        host_buffer value(m.instance.property_spec(index));
        const auto e = refusal([&] { m.instance.write_property(index, value.abi); });
        BOOST_TEST(e.status() == SPARK_ERR_UNSUPPORTED);
        BOOST_TEST(contains(e.what(), "property '" + std::string(name) + "' is read-only"),
                   e.what());
    }
    // The mask is read into a buffer of its own spec only.
    host_buffer floats(port(SPARK_PAYLOAD_FLOAT, SPARK_DTYPE_F32, {10}));
    const auto e = refusal([&] {
        m.instance.read_property(m.instance.property_index("inhibition_mask"), floats.abi);
    });
    BOOST_TEST(e.status() == SPARK_ERR_INVALID_ARGUMENT);
}

BOOST_AUTO_TEST_CASE(a_property_of_an_absent_part_is_unavailable) {
    parts p(*this);
    auto m = p.run(*this);
    const auto index = m.instance.property_index("delays.kernel");
    BOOST_TEST(m.instance.property_spec(index).payload_kind == 0);
    for (const bool reading : {true, false}) {
        const auto e = refusal([&] {
            if (reading) {
                m.instance.read_property(index, spark_buffer_t{});
            } else {
                m.instance.write_property(index, spark_buffer_t{});
            }
        });
        BOOST_TEST(e.status() == SPARK_ERR_UNSUPPORTED);
        BOOST_TEST(contains(e.what(),
                            "property 'delays.kernel' is unavailable in this instance: this neuron "
                            "has no part 'delays'"),
                   e.what());
    }
}

BOOST_AUTO_TEST_CASE(properties_need_build_first) {
    parts p(*this);
    const auto cfg = config("lif_neuron", neuron_json);
    auto instance = registry.create_composite(cfg.type(), p.c, cfg.abi(), "A");
    auto& abi = instance.abi();
    const auto* access =
        static_cast<const spark_properties_t*>(abi.get_extension(&abi, SPARK_EXT_PROPERTIES));
    BOOST_TEST_REQUIRE(access != nullptr);
    spark_port_spec_t spec{};
    BOOST_TEST(access->spec(&abi, 0, &spec) == SPARK_ERR_STATE);
}

BOOST_AUTO_TEST_CASE(a_part_that_cannot_serve_a_declared_name_refuses_the_composition) {
    // lif_neuron declares synapses.kernel (float) and delays.kernel (int): a part named
    // "synapses" without a kernel, and one named "delays" whose kernel is float, cannot serve
    // them; both are reported before any part exists.
    const auto cfg = config("lif_neuron", neuron_json);
    const auto soma = config("leaky_soma", "{}");
    const auto synapses = config("linear_synapses", R"({"units": [10]})");
    composition c;
    c.parts = {{"synapses", &soma.type(), &soma.abi()},
               {"delays", &synapses.type(), &synapses.abi()},
               {"soma", &soma.type(), &soma.abi()}};
    c.wires = {{"delays", "spikes", "__call__", "in_spikes", false},
               {"synapses", "current", "delays", "currents", false},
               {"soma", "current", "delays", "currents", false}};
    c.outputs = {{"out_spikes", "soma", "spikes"}};
    try {
        (void)registry.create_composite(cfg.type(), c, cfg.abi(), "A");
        BOOST_FAIL("a composition whose parts cannot serve its properties was created");
    } catch (const spark::error& e) {
        const std::string text = e.what();
        BOOST_TEST(contains(text, "2 problems in the composition:"), text);
        BOOST_TEST(contains(text,
                            "composition 'A': property 'synapses.kernel' of spark.lif_neuron: "
                            "part 'synapses' (spark.leaky_soma) has no property 'kernel'; its "
                            "properties are 'potential'; give that part a type that offers it"),
                   text);
        BOOST_TEST(contains(text,
                            "composition 'A': property 'delays.kernel' of spark.lif_neuron: the "
                            "type declares it as int, but part 'delays' (spark.linear_synapses) "
                            "offers 'kernel' as float"),
                   text);
    }
}

BOOST_AUTO_TEST_CASE(a_part_that_declares_no_properties_still_runs_inside_the_neuron) {
    // testcpp.echo_spikes (ABI 1.1 without properties, as every ABI 1.0 type) as the delays: the
    // composition runs, and delays.kernel is unavailable, saying why.
    (void)registry.load(spark::test::test_plugin("ok_cpp"));
    parts p(*this);
    const auto echo = config("echo_spikes", R"({"units": [4]})");
    p.c.parts.insert(p.c.parts.begin(), {"delays", &echo.type(), &echo.abi()});
    p.c.wires[0] = {"synapses", "spikes", "delays", "out_spikes", false};
    p.c.wires.push_back({"delays", "in_spikes", "__call__", "in_spikes", false});
    auto m = p.run(*this);
    const auto index = m.instance.property_index("delays.kernel");
    BOOST_TEST(m.instance.property_spec(index).payload_kind == 0);
    const auto e = refusal([&] { m.instance.read_property(index, spark_buffer_t{}); });
    BOOST_TEST(e.status() == SPARK_ERR_UNSUPPORTED);
    BOOST_TEST(contains(e.what(),
                        "property 'delays.kernel' is unavailable in this instance: part 'delays' "
                        "(testcpp.echo_spikes) declares no properties"),
               e.what());
    BOOST_TEST(read_property(m, "soma.potential").abi.count == 10U);
}

BOOST_AUTO_TEST_SUITE_END()
