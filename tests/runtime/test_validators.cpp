// SPDX-License-Identifier: Apache-2.0
// The validators of ABI 1.2 (negative, at_most, cross-field rules) as the host checks them: every
// failure at the field's path with the values and paths involved, a rule skipped when a field it
// reads is wrong already, all of it before create, and `describe` showing each rule. The plugin
// is tests/test_plugins/sdk_plugins/rules.cpp; expected numbers follow from its header comment.
#include <string>
#include <vector>

#include <boost/test/unit_test.hpp>

#include <spark/runtime/brain_config.hpp>

#include "run_process.hpp"
#include "runtime_fixture.hpp"

namespace {

using strings = std::vector<std::string>;

struct rules_fixture : spark::test::registry_fixture {
    rules_fixture() { registry.load(spark::test::test_plugin("rules")); }
    [[nodiscard]] strings issues(std::string_view overrides) const {
        return spark::test::config_issues(registry, "test.resonator", overrides);
    }
};

/// A brain whose one module, `r` (test.resonator), reads a brain input of 4 floats; `config` is
/// the module's config object.
std::string brain_with(const std::string& config) {
    return R"({"__type__": "brain_config", "__cfg__": {
        "input_map": {"drive": {"__type__": "port_specs", "__data__": {
            "payload_type": {"__payload_type__": "float_array"}, "shape": [4],
            "dtype": {"__type__": "dtype", "name": "float32"}}}},
        "output_map": {"out": {
            "input": {"__type__": "port_map", "__data__": {"origin": "r", "port": "out"}},
            "spec": {"__type__": "port_specs", "__data__": {
                "payload_type": {"__payload_type__": "float_array"}, "shape": [4],
                "dtype": {"__type__": "dtype", "name": "float32"}}}}},
        "modules_map": {"r": {"__type__": "module_specs", "__data__": {
            "name": "r", "module_cls": {"__module_type__": "test.resonator"},
            "inputs": {"in": [{"__type__": "port_map",
                               "__data__": {"origin": "__call__", "port": "drive"}}]},
            "config": )" +
           config + "}}}}}";
}

} // namespace

BOOST_FIXTURE_TEST_SUITE(validators, rules_fixture)

BOOST_AUTO_TEST_CASE(the_defaults_pass_every_rule) {
    BOOST_TEST(issues("{}").empty());
    // 4 rad/ms * 0.5 ms = 2 < pi: the rule reads the config's own dt.
    BOOST_TEST(issues(R"({"omega": 4.0, "dt": 0.5})").empty());
    BOOST_TEST(issues(R"({"refractory": true, "t_ref": 3})").empty());
}

BOOST_AUTO_TEST_CASE(a_broken_rule_names_its_values_and_every_field_it_reads) {
    BOOST_TEST(issues(R"({"omega": 4.0})") ==
                   strings{"probe/omega: omega * dt < pi must hold (one Euler step turns under "
                           "half a period), got omega = 4, dt = 1; change probe/omega or "
                           "probe/dt"},
               boost::test_tools::per_element());
    BOOST_TEST(issues(R"({"refractory": true})") ==
                   strings{"probe/t_ref: !refractory || t_ref > 0 must hold, got refractory = "
                           "true, t_ref = 0; change probe/refractory or probe/t_ref"},
               boost::test_tools::per_element());
    BOOST_TEST(issues(R"({"units": [2, 2, 2]})") ==
                   strings{"probe/units: len(units) <= 2 must hold, got len(units) = 3; change "
                           "probe/units"},
               boost::test_tools::per_element());
    BOOST_TEST(issues(R"({"weight": 11.0})") ==
                   strings{"probe/weight: weight <= 10 must hold, got weight = 11; change "
                           "probe/weight"},
               boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(sign_bounds) {
    BOOST_TEST(issues(R"({"reset": 0.0})") == strings{"probe/reset: reset must be < 0, got 0"},
               boost::test_tools::per_element());
    BOOST_TEST(issues(R"({"gain": 1.5})") == strings{"probe/gain: gain must be <= 1, got 1.5"},
               boost::test_tools::per_element());
    BOOST_TEST(issues(R"({"gain": 1.0, "reset": -0.001})").empty()); // both bounds hold at the edge
}

BOOST_AUTO_TEST_CASE(a_rule_waits_for_the_fields_it_reads_to_be_valid) {
    // omega = -8 fails positive: the rule over omega is not checked on top of that.
    BOOST_TEST(issues(R"({"omega": -8.0})") == strings{"probe/omega: omega must be > 0, got -8"},
               boost::test_tools::per_element());
    // dt itself invalid: only dt's problem.
    const auto bad_dt = issues(R"({"omega": 4.0, "dt": -1.0})");
    BOOST_TEST_REQUIRE(bad_dt.size() == 1U);
    BOOST_TEST(bad_dt[0].rfind("probe/dt: ", 0) == 0U, bad_dt[0]);
}

BOOST_AUTO_TEST_CASE(every_failure_of_a_config_comes_in_one_pass) {
    BOOST_TEST(issues(R"({"omega": 4.0, "reset": 1.0, "gain": 2.0, "refractory": true})") ==
                   (strings{"probe/reset: reset must be < 0, got 1",
                            "probe/gain: gain must be <= 1, got 2",
                            "probe/omega: omega * dt < pi must hold (one Euler step turns under "
                            "half a period), got omega = 4, dt = 1; change probe/omega or "
                            "probe/dt",
                            "probe/t_ref: !refractory || t_ref > 0 must hold, got refractory = "
                            "true, t_ref = 0; change probe/refractory or probe/t_ref"}),
               boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(a_brain_refuses_the_module_before_its_constructor_runs) {
    const auto brain = spark::runtime::brain_config::from_json(brain_with(R"({"omega": 4.0})"));
    strings lines;
    for (const auto& issue : brain.validate(registry)) {
        lines.push_back(issue.path + ": " + issue.message);
    }
    BOOST_TEST_REQUIRE(lines.size() == 1U);
    BOOST_TEST(lines[0].find("omega * dt < pi must hold") != std::string::npos, lines[0]);
    BOOST_TEST(lines[0].find("constructor ran") == std::string::npos, lines[0]);
    // The same brain with a valid omega validates: the constructor accepts what the rules pass.
    const auto valid = spark::runtime::brain_config::from_json(brain_with(R"({"omega": 3.0})"));
    BOOST_TEST(valid.validate(registry).empty());
}

BOOST_AUTO_TEST_CASE(describe_shows_each_validator_in_words) {
    const auto result = spark::test::run_process(SPARK_CLI_PATH,
                                                 {"--no-default-plugins",
                                                  "--plugin-path",
                                                  spark::test::test_plugin("rules").string(),
                                                  "plugins",
                                                  "describe",
                                                  "test.resonator"});
    BOOST_TEST(result.exit_code == 0, result.err);
    for (const char* words : {"rule: omega * dt < pi (one Euler step turns under half a period)",
                              "negative",
                              "at most 1",
                              "rule: !refractory || t_ref > 0",
                              "rule: len(units) <= 2",
                              "rule: weight <= 10"}) {
        BOOST_TEST(result.out.find(words) != std::string::npos, words << "\n" << result.out);
    }
}

BOOST_AUTO_TEST_SUITE_END()
