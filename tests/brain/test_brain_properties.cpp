// SPDX-License-Identifier: Apache-2.0
// brain::property_spec and brain::read_property: a module's property copied out between steps
// (a neuron's soma.potential after a step follows from docs/models.md section 4.1), and the
// errors that name the module, its type and its properties.
#include <cmath>
#include <cstdint>
#include <cstring>
#include <functional>
#include <string>
#include <vector>

#include <boost/test/unit_test.hpp>

#include <spark/registry/errors.hpp>
#include <spark/runtime/brain.hpp>

#include "brain_fixture.hpp"

using namespace spark::test;

namespace {

// drive (1 spike) -> lif_neuron A (2 neurons, excitatory, every weight 100 pA, no delays, no
// learning) -> output spikes; and the accumulator `acc`, which has no properties.
const std::string lif_brain = brain_json(
    {input_json("drive", spec_json("spike_array", "[1]", "uint8")),
     input_json("x", spec_json("float_array", "[2]"))},
    {output_json("spikes", "A", "out_spikes", spec_json("spike_array", "[2]", "uint8"))},
    {module_json("A",
                 "lif_neuron",
                 port_json("in_spikes", {{"__call__", "drive"}}),
                 R"({"units": [2], "inhibitory_rate": 0, "delays": null, "learning_rule": null, )"
                 R"("synapses": {"kernel": 100}})"),
     module_json("acc", "accumulator", port_json("in", {{"__call__", "x"}}))});

struct neuron_brain : brain_fixture {
    neuron_brain() {
        (void)registry.load(SPARK_TEST_NEURONS_PLUGIN);
        (void)registry.load(SPARK_TEST_INITIALIZERS_PLUGIN); // the default kernel's initializer
    }
};

std::vector<float> floats(const std::vector<std::byte>& bytes) {
    std::vector<float> v(bytes.size() / sizeof(float));
    std::memcpy(v.data(), bytes.data(), bytes.size());
    return v;
}

std::string error_of(const std::function<void()>& call) {
    try {
        call();
    } catch (const spark::error& e) {
        return e.what();
    }
    return "no error";
}

} // namespace

BOOST_FIXTURE_TEST_SUITE(brain_properties, neuron_brain)

BOOST_AUTO_TEST_CASE(a_property_is_copied_out_as_the_last_step_left_it) {
    auto b = make(lif_brain);
    const auto spec = b.property_spec("A", "soma.potential");
    BOOST_TEST(spec.payload_kind == SPARK_PAYLOAD_FLOAT);
    BOOST_TEST(spec.dtype == SPARK_DTYPE_F32);
    BOOST_TEST(spec.shape.rank == 1U);
    BOOST_TEST(spec.shape.dims[0] == 2U);
    BOOST_TEST(floats(b.read_property("A", "soma.potential")) == std::vector<float>(2, 0.0F),
               boost::test_tools::per_element());
    // The input spike arrives in the same step: I = 100 pA, and from rest
    // v_k = 0.1 GOhm x 100 pA x (1 - exp(-(k + 1)/20)) while below the 20 mV threshold.
    b.input_as<std::uint8_t>("drive")[0] = 1;
    const auto value = b.read_property("A", "soma.potential"); // a copy: steps do not change it
    for (std::uint64_t k = 0; k < 3; ++k) {
        b.step();
        const auto v = floats(b.read_property("A", "soma.potential"));
        BOOST_TEST_REQUIRE(v.size() == 2U);
        const double expected = 10.0 * (1.0 - std::exp(-static_cast<double>(k + 1) / 20.0));
        BOOST_TEST(v[0] == expected, boost::test_tools::tolerance(1e-5));
        BOOST_TEST(v[1] == expected, boost::test_tools::tolerance(1e-5));
    }
    BOOST_TEST(floats(value) == std::vector<float>(2, 0.0F), boost::test_tools::per_element());
    // inhibitory_rate 0: no inhibitory neuron.
    BOOST_TEST(
        (b.read_property("A", "inhibition_mask") == std::vector<std::byte>(2, std::byte{0})));
}

BOOST_AUTO_TEST_CASE(unknown_modules_and_properties_are_named_with_what_there_is) {
    const auto b = make(lif_brain);
    BOOST_TEST(error_of([&] { (void)b.read_property("B", "soma.potential"); }) ==
               "the brain has no module 'B'; its modules are 'A' or 'acc'");
    BOOST_TEST(error_of([&] { (void)b.read_property("A", "potential"); }) ==
               "module 'A' (spark.lif_neuron) has no property 'potential'; its properties are "
               "'soma.potential', 'synapses.kernel', 'delays.kernel' or 'inhibition_mask'");
    BOOST_TEST(error_of([&] { (void)b.property_spec("acc", "total"); }) ==
               "module 'acc' (testcpp.accumulator) has no property 'total'; its type declares no "
               "properties");
    // A property the module declares but cannot serve: the module says why.
    BOOST_TEST(b.property_spec("A", "delays.kernel").payload_kind == 0);
    try {
        (void)b.read_property("A", "delays.kernel");
        BOOST_FAIL("delays.kernel of a neuron without delays was read");
    } catch (const spark::registry::plugin_error& e) {
        BOOST_TEST(e.status() == SPARK_ERR_UNSUPPORTED);
        BOOST_TEST(std::string(e.what()).find("this neuron has no part 'delays'") !=
                       std::string::npos,
                   e.what());
    }
}

BOOST_AUTO_TEST_SUITE_END()
