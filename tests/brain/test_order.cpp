// SPDX-License-Identifier: Apache-2.0
// resolve_initialization_order(): strongly connected components, dependencies first, config order
// between independent components and inside one; cycles only through modules with a contract.
#include <string>
#include <vector>

#include <boost/test/unit_test.hpp>

#include <spark/runtime/brain.hpp>
#include <spark/runtime/brain_config.hpp>

#include "brain_fixture.hpp"

using spark::runtime::brain;
using spark::runtime::brain_config;
using spark::runtime::graph_error;
using strings = std::vector<std::string>;
using order_t = std::vector<std::vector<std::string>>;
using namespace spark::test;

namespace {

// sink <- mid <- src; loop_a <-> loop_b (random_spikers publish contracts); lone stands alone.
const std::string layered = brain_json(
    {},
    {},
    {module_json("sink", "relay", port_json("in", {{"mid", "out"}})),
     module_json("loop_a", "random_spiker", port_json("in_spikes", {{"loop_b", "out_spikes"}})),
     module_json("loop_b",
                 "random_spiker",
                 port_json("in_spikes", {{"loop_a", "out_spikes"}, {"loop_b", "out_spikes"}})),
     module_json("mid", "relay", port_json("in", {{"src", "out"}})),
     module_json("src", "silent_source", ""),
     module_json("lone", "silent_source", "")});

// A feeds B, B feeds C, C feeds A: accumulators publish no contract.
const std::string contractless_cycle = brain_json(
    {input_json("drive", spec_json("float_array", "[2]"))},
    {},
    {module_json("A", "accumulator", port_json("in", {{"__call__", "drive"}, {"C", "out"}})),
     module_json("B", "accumulator", port_json("in", {{"A", "out"}})),
     module_json("C", "accumulator", port_json("in", {{"B", "out"}}))});

const char* const cycle_message =
    "cycle A -> B -> C -> A (each feeds the next) runs through 'A' (testcpp.accumulator), whose "
    "type publishes no output contract; only modules with a contract can be part of a cycle";

} // namespace

BOOST_FIXTURE_TEST_SUITE(initialization_order, brain_fixture)

BOOST_AUTO_TEST_CASE(dependencies_first_then_config_order) {
    const auto config = brain_config::from_json(layered);
    const order_t expected{{"loop_a", "loop_b"}, {"src"}, {"mid"}, {"sink"}, {"lone"}};
    BOOST_TEST((brain::resolve_initialization_order(registry, config) == expected));
    const brain built(registry, config);
    BOOST_TEST((built.initialization_order() == expected));
}

BOOST_AUTO_TEST_CASE(order_does_not_depend_on_where_the_search_starts) {
    // The same wiring listed dependencies-first gives the same components in config order.
    const auto config = brain_config::from_json(
        brain_json({},
                   {},
                   {module_json("src", "silent_source", ""),
                    module_json("mid", "relay", port_json("in", {{"src", "out"}})),
                    module_json("sink", "relay", port_json("in", {{"mid", "out"}}))}));
    BOOST_TEST((brain::resolve_initialization_order(registry, config) ==
                order_t{{"src"}, {"mid"}, {"sink"}}));
}

BOOST_AUTO_TEST_CASE(a_cycle_without_contract_is_a_graph_error_naming_the_cycle) {
    const auto config = brain_config::from_json(contractless_cycle);
    BOOST_CHECK_EXCEPTION(
        (void)brain::resolve_initialization_order(registry, config),
        graph_error,
        [](const graph_error& e) { return std::string(e.what()) == cycle_message; });
    BOOST_CHECK_EXCEPTION((void)brain(registry, config), graph_error, [](const graph_error& e) {
        return std::string(e.what()) == cycle_message;
    });
    BOOST_TEST(lines(config.validate(registry)) ==
                   strings{std::string("brain/A: ") + cycle_message},
               boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(a_module_reading_itself_needs_a_contract) {
    const auto config = brain_config::from_json(brain_json(
        {input_json("drive", spec_json("float_array", "[2]"))},
        {},
        {module_json(
            "self", "accumulator", port_json("in", {{"__call__", "drive"}, {"self", "out"}}))}));
    BOOST_CHECK_EXCEPTION((void)brain::resolve_initialization_order(registry, config),
                          graph_error,
                          [](const graph_error& e) {
                              return std::string(e.what()) ==
                                     "cycle self -> self (each feeds the next) runs through "
                                     "'self' (testcpp.accumulator), whose type publishes no "
                                     "output contract; only modules with a contract can be part "
                                     "of a cycle";
                          });
}

BOOST_AUTO_TEST_CASE(modules_in_a_cycle_are_built_against_contracts) {
    const brain built(registry, brain_config::from_json(layered));
    const auto& modules = built.modules();
    BOOST_TEST_REQUIRE(modules.size() == 6U);
    // loop_b reads loop_a (4 units, built later... or earlier: through its contract) and itself.
    BOOST_TEST(modules[2].name == "loop_b");
    BOOST_TEST(modules[2].inputs[0].first == "in_spikes");
    BOOST_TEST(modules[2].inputs[0].second.shape.rank == 1U);
    BOOST_TEST(modules[2].inputs[0].second.shape.dims[0] == 8U);
    BOOST_TEST(modules[2].outputs[0].second.shape.dims[0] == 4U);
    BOOST_TEST(modules[2].type->canonical_id == "probe.random_spiker");
}

BOOST_AUTO_TEST_SUITE_END()
