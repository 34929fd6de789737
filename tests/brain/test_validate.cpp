// SPDX-License-Identifier: Apache-2.0
// brain_config::validate(): every problem of a brain at once, each with its path; payload kind and
// shape mismatches name both ends; the brain constructor refuses the same config with them all.
#include <string>
#include <vector>

#include <boost/test/unit_test.hpp>

#include <spark/runtime/brain.hpp>
#include <spark/runtime/brain_config.hpp>
#include <spark/runtime/errors.hpp>

#include "brain_fixture.hpp"

using spark::runtime::brain;
using spark::runtime::brain_config;
using spark::runtime::config_error;
using strings = std::vector<std::string>;
using namespace spark::test;

BOOST_FIXTURE_TEST_SUITE(validation, brain_fixture)

BOOST_AUTO_TEST_CASE(a_good_brain_has_no_issues) {
    const std::string text =
        brain_json({input_json("drive", spec_json("float_array", "[3]"))},
                   {output_json("total", "acc", "out", spec_json("float_array", "[3]"))},
                   {module_json("acc", "accumulator", port_json("in", {{"__call__", "drive"}}))});
    BOOST_TEST(validate(text).empty());
}

BOOST_AUTO_TEST_CASE(lists_every_problem_with_its_path) {
    const std::string text = brain_json(
        {input_json("drive", spec_json("float_array", "[3]")),
         input_json("pulses", spec_json("spike_array", "[2, 2]", "uint8")),
         input_json("odd", spec_json("float_array", "[1]", "int32"))},
        {output_json("action", "acc", "out", spec_json("float_array", "[5]")),
         output_json("raw", "__call__", "drive", spec_json("float_array", "[3]")),
         output_json("wrong", "echo", "out_spikes", spec_json("float_array", "[4]"))},
        {module_json("acc", "accumulator", port_json("in", {{"__call__", "drive"}})),
         module_json(
             "acc2", "accumulator", port_json("in", {{"__call__", "drive"}}), R"({"gain": -1})"),
         module_json("typo", "relai", port_json("in", {{"__call__", "drive"}})),
         module_json("echo",
                     "echo_spikes",
                     port_json("in_spikes",
                               {{"__call__", "pulses"},
                                {"acc", "out"},
                                {"ghost", "out"},
                                {"acc", "outt"},
                                {"__call__", "nope"}}) +
                         ", " + port_json("extra", {{"__call__", "drive"}})),
         module_json(
             "fixed", "fixed_input", port_json("in", {{"__call__", "drive"}, {"acc", "out"}})),
         module_json("lonely", "relay", ""),
         module_json("slow", "relay", port_json("in", {{"__call__", "drive"}}), R"({"dt": 0.5})")});
    BOOST_TEST(
        validate(text) ==
            (strings{
                "brain/input_map/odd/dtype: a float_array input must have dtype float32 or "
                "float64 (float16 reads as float32), got int32",
                "brain/acc2/gain: gain must be > 0, got -1",
                "brain/typo/module_cls: " +
                    [&] {
                        try {
                            (void)registry.resolve("relai");
                        } catch (const spark::error& e) {
                            return std::string(e.what());
                        }
                        return std::string("relai resolves");
                    }(),
                "brain/echo/inputs/in_spikes[1]: payload kind mismatch: acc.out "
                "carries float but echo.in_spikes takes spikes",
                "brain/echo/inputs/in_spikes[2]/origin: unknown origin 'ghost'; "
                "origins are 'acc', 'acc2', 'typo', 'echo', 'fixed', 'lonely', 'slow' or "
                "'__call__'",
                "brain/echo/inputs/in_spikes[3]/port: module 'acc' "
                "(testcpp.accumulator) has no output port 'outt'; did you mean 'out'?",
                "brain/echo/inputs/in_spikes[4]/port: the brain has no input "
                "'nope'; it has 'drive', 'pulses' or 'odd'",
                "brain/echo/inputs/extra: testcpp.echo_spikes has no input port "
                "'extra'; it has 'in_spikes'",
                "brain/fixed/inputs/in: shape mismatch: __call__.drive 3 + acc.out 3 "
                "give 6 elements, but fixed.in takes (3) from its field 'units'",
                "brain/lonely/inputs/in: required input port 'in' of probe.relay is "
                "not connected; list its sources",
                "brain/slow/dt: dt must be the same in every module of a brain: 'acc' has 1 ms, "
                "'slow' has 0.5 ms",
                "brain/output_map/raw/input/origin: a brain output must come from a module, got "
                "\"__call__\"; read the input directly",
                "brain/output_map/wrong: payload kind mismatch: echo.out_spikes carries spikes "
                "but brain output 'wrong' is declared float_array (float)",
                "brain/output_map/action/spec/shape: shape mismatch: brain output 'action' is "
                "declared (5) but acc.out has shape (3)"}),
        boost::test_tools::per_element());
    BOOST_CHECK_EXCEPTION((void)make(text), config_error, [](const config_error& e) {
        return e.issues().size() == 14U;
    });
}

BOOST_AUTO_TEST_CASE(duplicate_and_reserved_names) {
    brain_config config;
    spark::runtime::module_specs module;
    module.name = "twin";
    module.class_ref = "silent_source";
    module.config_json = "{}";
    config.modules_map = {module, module};
    config.modules_map[1].name = "__call__";
    config.modules_map.push_back(module);
    BOOST_TEST(lines(config.validate(registry)) ==
                   (strings{"brain/twin: the module name 'twin' is used more than once",
                            "brain/__call__: the name \"__call__\" is reserved for brain inputs; "
                            "rename the module"}),
               boost::test_tools::per_element());
    BOOST_TEST(lines(brain_config{}.validate(registry)) ==
                   strings{"brain/modules_map: the brain has no modules; add at least one"},
               boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(a_failing_create_is_reported_with_the_module) {
    registry.load(test_plugin("create_fails"));
    const std::string text =
        brain_json({input_json("drive", spec_json("float_array", "[3]"))},
                   {},
                   {module_json("bad", "create_fails", port_json("in", {{"__call__", "drive"}}))});
    BOOST_TEST(validate(text) ==
                   strings{"brain/bad: test.create_fails 'bad': create failed "
                           "(SPARK_ERR_INVALID_ARGUMENT): limit must be <= 10, got 12"},
               boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(one_pass_reports_field_create_and_wiring_problems_in_brain_order) {
    // docs/adr/0025-one-validation-pass.md: a field error (acc2's gain is positive:
    // tests/test_plugins/sdk_plugins/accumulator.hpp), a create error (create_fails refuses its
    // default limit 12: tests/test_plugins/sdk_plugins/create_fails.cpp) and a wiring error (lost
    // reads a module that does not exist) come in one report, each at "brain/<module>", in module
    // order (lost, acc2, bad) although they are found fields first, wiring next, creation last.
    registry.load(test_plugin("create_fails"));
    const std::string text = brain_json(
        {input_json("drive", spec_json("float_array", "[3]"))},
        {},
        {module_json("lost", "relay", port_json("in", {{"nowhere", "out"}})),
         module_json(
             "acc2", "accumulator", port_json("in", {{"__call__", "drive"}}), R"({"gain": -1})"),
         module_json("bad", "create_fails", port_json("in", {{"__call__", "drive"}}))});
    const strings expected{
        "brain/lost/inputs/in[0]/origin: unknown origin 'nowhere'; origins are 'lost', 'acc2', "
        "'bad' or '__call__'",
        "brain/acc2/gain: gain must be > 0, got -1",
        "brain/bad: test.create_fails 'bad': create failed (SPARK_ERR_INVALID_ARGUMENT): limit "
        "must be <= 10, got 12"};
    BOOST_TEST(validate(text) == expected, boost::test_tools::per_element());
    // The brain refuses it with the same list, before creating anything for good.
    BOOST_CHECK_EXCEPTION((void)make(text), config_error, [&](const config_error& e) {
        BOOST_TEST(lines(e.issues()) == expected, boost::test_tools::per_element());
        return true;
    });
    // And with the list validate() gives when the create error is the only problem: the brain
    // still creates every other module, so a second failing create is in it too.
    const std::string creates = brain_json(
        {input_json("drive", spec_json("float_array", "[3]"))},
        {},
        {module_json("bad", "create_fails", port_json("in", {{"__call__", "drive"}})),
         module_json(
             "fine", "create_fails", port_json("in", {{"__call__", "drive"}}), R"({"limit": 10})"),
         module_json("worse",
                     "create_fails",
                     port_json("in", {{"__call__", "drive"}}),
                     R"({"limit": 13})")});
    const strings both{"brain/bad: test.create_fails 'bad': create failed "
                       "(SPARK_ERR_INVALID_ARGUMENT): limit must be <= 10, got 12",
                       "brain/worse: test.create_fails 'worse': create failed "
                       "(SPARK_ERR_INVALID_ARGUMENT): limit must be <= 10, got 13"};
    BOOST_TEST(validate(creates) == both, boost::test_tools::per_element());
    BOOST_CHECK_EXCEPTION((void)make(creates), config_error, [&](const config_error& e) {
        BOOST_TEST(lines(e.issues()) == both, boost::test_tools::per_element());
        return true;
    });
}

BOOST_AUTO_TEST_CASE(vendors_decide_bare_names_of_modules_and_nested_configs) {
    // vx and vy both offer `shared_name` (tests/test_plugins/c_plugins/vendor.c): bare, it is
    // ambiguous for the module and for rt.holder's nested `delays` alike, until the brain pins one.
    registry.load(test_plugin("runtime_schema"));
    registry.load(test_plugin("vendor_x"));
    registry.load(test_plugin("vendor_y"));
    const std::string text =
        brain_json({input_json("drive", spec_json("float_array", "[3]"))},
                   {},
                   {module_json("shared", "shared_name", port_json("in", {{"__call__", "drive"}})),
                    module_json("holder",
                                "holder",
                                port_json("in", {{"__call__", "drive"}}),
                                R"({"delays": {"__class_ref__": "shared_name"}})")});
    const auto unpinned = validate(text);
    BOOST_TEST_REQUIRE(unpinned.size() == 2U);
    BOOST_TEST(unpinned[0].rfind("brain/shared/module_cls: module type 'shared_name' "
                                 "is ambiguous: 2 vendors offer it: vx.shared_name",
                                 0) == 0U,
               unpinned[0]);
    BOOST_TEST(unpinned[1].rfind("brain/holder/delays: delays: module type 'shared_name' is "
                                 "ambiguous: 2 vendors offer it: vx.shared_name",
                                 0) == 0U,
               unpinned[1]);
    BOOST_TEST(validate(with_vendors(text, R"(["vy"])")).empty());
    const auto pinned = make(with_vendors(text, R"(["vy"])"));
    BOOST_TEST(pinned.modules()[0].type->canonical_id == "vy.shared_name");
}

BOOST_AUTO_TEST_CASE(a_preferred_vendor_no_plugin_provides_is_a_problem) {
    const std::string text = with_vendors(
        brain_json({input_json("drive", spec_json("float_array", "[3]"))},
                   {},
                   {module_json("acc", "accumulator", port_json("in", {{"__call__", "drive"}}))}),
        R"(["testcpp", "probes"])");
    BOOST_TEST(validate(text) ==
                   strings{"brain/__vendors__[1]: no loaded plugin provides the vendor 'probes' "
                           "(did you mean 'probe'? loaded vendors: probe, test, testcpp); add "
                           "the folder of its plugin to the search path (--plugin-path or "
                           "SPARK_PLUGIN_PATH), or remove it from \"__vendors__\""},
               boost::test_tools::per_element());
    BOOST_CHECK_THROW((void)make(text), config_error);
}

BOOST_AUTO_TEST_SUITE_END()
