// SPDX-License-Identifier: Apache-2.0
// The schema builder: the C descriptors it generates (default_json text, validators, ports) and
// the declaration mistakes it refuses.
#include <cmath>
#include <cstring>
#include <limits>
#include <string>

#include <boost/test/unit_test.hpp>

#include <spark/sdk/schema.hpp>

namespace sdk = spark::sdk;

namespace {

std::string finalize_error(sdk::schema& s) {
    try {
        s.finalize("module type 't.x'");
    } catch (const sdk::status_error& e) {
        BOOST_TEST(e.status() == SPARK_ERR_PLUGIN);
        return e.what();
    }
    return "no error";
}

} // namespace

BOOST_AUTO_TEST_SUITE(schema)

BOOST_AUTO_TEST_CASE(numbers_are_shortest_round_trip_json_floats) {
    BOOST_TEST(sdk::detail::json_number(1.0) == "1.0");
    BOOST_TEST(sdk::detail::json_number(-60.0) == "-60.0");
    BOOST_TEST(sdk::detail::json_number(0.1) == "0.1");
    BOOST_TEST(sdk::detail::json_number(0.0) == "0.0");
    BOOST_TEST(sdk::detail::json_number(-0.0) == "0.0");
    BOOST_TEST(sdk::detail::json_number(1e21) == "1e+21");
    BOOST_TEST(sdk::detail::json_number(2.5e-7) == "2.5e-07");
    BOOST_TEST(sdk::detail::json_number(1.0 / 3.0) == "0.3333333333333333");
    BOOST_CHECK_THROW((void)sdk::detail::json_number(std::numeric_limits<double>::infinity()),
                      sdk::status_error);
    BOOST_CHECK_THROW((void)sdk::detail::json_number(std::nan("")), sdk::status_error);
}

BOOST_AUTO_TEST_CASE(strings_are_escaped_json) {
    BOOST_TEST(sdk::detail::json_string("linear") == "\"linear\"");
    BOOST_TEST(sdk::detail::json_string("a\"b\\c\nd\te\x01") == "\"a\\\"b\\\\c\\nd\\te\\u0001\"");
}

BOOST_AUTO_TEST_CASE(every_field_type_gets_its_default_json) {
    sdk::schema s;
    s.field_bool("flag", true);
    s.field_int("count", -3);
    s.field_float("tau", 20.0).units("ms").description("membrane time constant").positive();
    s.field_string("mode", "linear").one_of({"linear", "exp"});
    s.field_int_array("units", {2, 3}).length(1, 8);
    s.field_float_array("weights", {0.5, -1.0});
    s.field_config("soma", "leaky_soma").nested_kind(SPARK_KIND_COMPONENT);
    s.field_config("synapses", "linear_synapses", "\"units\": [4]");
    s.field_initializer("kernel", 0.25);
    s.field_initializer("delays", "uniform_initializer", "\"max\": 4.0");
    s.field_float("threshold", -40.0).required();
    s.finalize("module type 't.x'");

    BOOST_TEST_REQUIRE(s.field_count() == 11U);
    const spark_field_desc_t* f = s.fields();
    const char* expected[] = {"true",
                              "-3",
                              "20.0",
                              "\"linear\"",
                              "[2, 3]",
                              "[0.5, -1.0]",
                              "{\"__class_ref__\": \"leaky_soma\"}",
                              "{\"__class_ref__\": \"linear_synapses\", \"units\": [4]}",
                              "0.25",
                              "{\"__class_ref__\": \"uniform_initializer\", \"max\": 4.0}"};
    for (int i = 0; i < 10; ++i) {
        BOOST_TEST_REQUIRE(f[i].default_json != nullptr);
        BOOST_TEST(std::string(f[i].default_json) == expected[i]);
    }
    BOOST_TEST(f[10].default_json == nullptr); // required: no default
    BOOST_TEST(f[0].type == SPARK_FIELD_BOOL);
    BOOST_TEST(f[1].type == SPARK_FIELD_INT);
    BOOST_TEST(f[2].type == SPARK_FIELD_FLOAT);
    BOOST_TEST(f[3].type == SPARK_FIELD_STRING);
    BOOST_TEST(f[4].type == SPARK_FIELD_INT_ARRAY);
    BOOST_TEST(f[5].type == SPARK_FIELD_FLOAT_ARRAY);
    BOOST_TEST(f[6].type == SPARK_FIELD_CONFIG);
    BOOST_TEST(f[8].type == SPARK_FIELD_INITIALIZER);
    BOOST_TEST(std::string(f[2].name) == "tau");
    BOOST_TEST(std::string(f[2].units) == "ms");
    BOOST_TEST(std::string(f[2].description) == "membrane time constant");
    BOOST_TEST(std::string(f[0].units).empty());
    BOOST_TEST(f[6].nested_kind == SPARK_KIND_COMPONENT);
    BOOST_TEST(f[7].nested_kind == 0);
}

BOOST_AUTO_TEST_CASE(validators_become_c_validators) {
    sdk::schema s;
    s.field_float("reset", -50.0);
    s.field_float("tau", 20.0).positive().range(1.0, std::numeric_limits<double>::infinity());
    s.field_float("gain", 0.0).non_negative();
    s.field_float("threshold", -40.0).greater_than_field("reset");
    s.field_string("mode", "b").one_of({"a", "b", "c"});
    s.field_int_array("units", {4}).length(1, 3);
    s.finalize("module type 't.x'");
    const spark_field_desc_t* f = s.fields();

    BOOST_TEST(f[0].validator_count == 0U);
    BOOST_TEST(f[0].validators == nullptr);
    BOOST_TEST_REQUIRE(f[1].validator_count == 2U);
    BOOST_TEST(f[1].validators[0].kind == SPARK_VALIDATOR_POSITIVE);
    BOOST_TEST(f[1].validators[1].kind == SPARK_VALIDATOR_RANGE);
    BOOST_TEST(f[1].validators[1].min == 1.0);
    BOOST_TEST(std::isinf(f[1].validators[1].max));
    BOOST_TEST(f[2].validators[0].kind == SPARK_VALIDATOR_NON_NEGATIVE);
    BOOST_TEST(f[3].validators[0].kind == SPARK_VALIDATOR_GREATER_THAN_FIELD);
    BOOST_TEST(std::string(f[3].validators[0].field) == "reset");
    BOOST_TEST_REQUIRE(f[4].validators[0].option_count == 3U);
    BOOST_TEST(f[4].validators[0].kind == SPARK_VALIDATOR_ONE_OF);
    BOOST_TEST(std::string(f[4].validators[0].options[0]) == "a");
    BOOST_TEST(std::string(f[4].validators[0].options[2]) == "c");
    BOOST_TEST(f[4].validators[0].field == nullptr);
    BOOST_TEST(f[5].validators[0].kind == SPARK_VALIDATOR_LENGTH);
    BOOST_TEST(f[5].validators[0].min == 1.0);
    BOOST_TEST(f[5].validators[0].max == 3.0);
}

BOOST_AUTO_TEST_CASE(sign_bounds_and_rules_become_c_validators) {
    sdk::schema s;
    s.field_float("reset", -70.0).negative();
    s.field_float("gain", 0.5).at_most(1.0);
    s.field_float("floor", 2.0).at_least(-1.0);
    s.field_float("omega", 0.5).rule("omega * dt < pi", "the Euler step turns under half a period");
    s.field_float("tau", 20.0).rule("tau >= dt");
    s.finalize("module type 't.x'");
    const spark_field_desc_t* f = s.fields();

    BOOST_TEST(f[0].validators[0].kind == SPARK_VALIDATOR_NEGATIVE);
    BOOST_TEST(f[1].validators[0].kind == SPARK_VALIDATOR_RANGE);
    BOOST_TEST(f[1].validators[0].min == -std::numeric_limits<double>::infinity());
    BOOST_TEST(f[1].validators[0].max == 1.0);
    BOOST_TEST(f[2].validators[0].min == -1.0);
    BOOST_TEST(f[2].validators[0].max == std::numeric_limits<double>::infinity());
    BOOST_TEST(f[3].validators[0].kind == SPARK_VALIDATOR_RULE);
    BOOST_TEST(std::string(f[3].validators[0].field) == "omega * dt < pi");
    BOOST_TEST_REQUIRE(f[3].validators[0].option_count == 1U);
    BOOST_TEST(std::string(f[3].validators[0].options[0]) ==
               "the Euler step turns under half a period");
    BOOST_TEST(f[4].validators[0].option_count == 0U);
    BOOST_TEST(f[4].validators[0].options == nullptr);
}

BOOST_AUTO_TEST_CASE(refuses_rules_that_cannot_be_read_or_that_the_defaults_break) {
    {
        sdk::schema s;
        s.field_float("omega", 0.5).rule("omega * dt <");
        BOOST_TEST(finalize_error(s) ==
                   "module type 't.x': field 'omega' has rule 'omega * dt <': at 13: the rule "
                   "ends where a value is expected");
    }
    {
        sdk::schema s;
        s.field_float("omega", 0.5).rule("omega * step < pi");
        BOOST_TEST(finalize_error(s) ==
                   "module type 't.x': field 'omega' has rule 'omega * step < pi': 'step' is not "
                   "an int, float, bool or array field of this config");
    }
    {
        sdk::schema s;
        s.field_float("omega", 0.5).rule("omega * dt");
        BOOST_TEST(finalize_error(s) ==
                   "module type 't.x': field 'omega' has rule 'omega * dt': the rule is a number, "
                   "not a condition; compare it, e.g. 'omega * dt > 0'");
    }
    {
        sdk::schema s; // 4 * 1 ms >= pi: the defaults break the rule
        s.field_float("omega", 4.0).rule("omega * dt < pi");
        BOOST_TEST(finalize_error(s) ==
                   "module type 't.x': field 'omega': the defaults (with dt 1 ms) break its rule "
                   "'omega * dt < pi'; change a default or the rule");
    }
    {
        sdk::schema s;
        s.field_float("reset", 1.0).negative();
        BOOST_TEST(finalize_error(s) ==
                   "module type 't.x': field 'reset' default 1.0 must be < 0 (its validator "
                   "negative)");
    }
    {
        sdk::schema s;
        s.field_string("mode", "a").negative();
        BOOST_TEST(finalize_error(s) ==
                   "module type 't.x': field 'mode' is a string and cannot take a numeric "
                   "validator; use one_of or length");
    }
}

BOOST_AUTO_TEST_CASE(a_rule_over_a_field_without_a_number_default_is_left_to_the_host) {
    sdk::schema s; // omega is required: no default to check the rule with
    s.field_float("omega", 4.0).required().rule("omega * dt < pi");
    s.field_float("scale", 100.0).rule("scale * omega < 10");
    BOOST_CHECK_NO_THROW(s.finalize("module type 't.x'"));
}

BOOST_AUTO_TEST_CASE(ports_keep_declaration_order_and_count_by_direction) {
    sdk::schema s;
    s.field_int_array("units", {3});
    s.input("current", SPARK_PAYLOAD_FLOAT, "current_array").description("input current");
    s.input("modulation", SPARK_PAYLOAD_FLOAT, "float_array").optional();
    s.output("spikes", SPARK_PAYLOAD_SPIKES, "spike_array").from_field("units");
    s.output("potential", SPARK_PAYLOAD_FLOAT, "potential_array").like_port("current");
    s.output("trace", SPARK_PAYLOAD_FLOAT, "float_array").computed("units x inputs");
    s.finalize("module type 't.x'");

    BOOST_TEST(s.port_count() == 5U);
    BOOST_TEST(s.input_count() == 2U);
    BOOST_TEST(s.output_count() == 3U);
    const spark_port_desc_t* p = s.ports();
    BOOST_TEST(std::string(p[0].name) == "current");
    BOOST_TEST(p[0].direction == SPARK_PORT_INPUT);
    BOOST_TEST(p[0].shape_rule == SPARK_SHAPE_ANY);
    BOOST_TEST(p[0].shape_ref == nullptr);
    BOOST_TEST(p[0].required);
    BOOST_TEST(std::string(p[0].description) == "input current");
    BOOST_TEST(!p[1].required);
    BOOST_TEST(p[2].direction == SPARK_PORT_OUTPUT);
    BOOST_TEST(p[2].payload_kind == SPARK_PAYLOAD_SPIKES);
    BOOST_TEST(std::string(p[2].payload_type) == "spike_array");
    BOOST_TEST(p[2].shape_rule == SPARK_SHAPE_FROM_FIELD);
    BOOST_TEST(std::string(p[2].shape_ref) == "units");
    BOOST_TEST(p[2].required);
    BOOST_TEST(p[3].shape_rule == SPARK_SHAPE_LIKE_PORT);
    BOOST_TEST(std::string(p[3].shape_ref) == "current");
    BOOST_TEST(p[4].shape_rule == SPARK_SHAPE_COMPUTED);
    BOOST_TEST(std::string(p[4].shape_ref) == "units x inputs");
}

BOOST_AUTO_TEST_CASE(refuses_a_default_that_fails_its_validator) {
    sdk::schema a;
    a.field_float("tau", -1.0).positive();
    BOOST_TEST(finalize_error(a) ==
               "module type 't.x': field 'tau' default -1.0 must be > 0 (its validator positive)");
    sdk::schema b;
    b.field_string("mode", "cubic").one_of({"linear", "exp"});
    BOOST_TEST(finalize_error(b) == "module type 't.x': field 'mode' default \"cubic\" must be one "
                                    "of its options (its validator one_of)");
    sdk::schema c;
    c.field_float("reset", -50.0);
    c.field_float("threshold", -60.0).greater_than_field("reset");
    BOOST_TEST(finalize_error(c) == "module type 't.x': field 'threshold' default -60.0 must be > "
                                    "the default of 'reset' (-50.0)");
    sdk::schema d;
    d.field_float("gain", 2.0).range(0.0, 1.0);
    BOOST_TEST(
        finalize_error(d) ==
        "module type 't.x': field 'gain' default 2.0 must be in [0.0, 1.0] (its validator range)");
    sdk::schema e;
    e.field_int_array("units", {1, 2, 3}).length(1, 2);
    BOOST_TEST(finalize_error(e) == "module type 't.x': field 'units' default [1, 2, 3] has 3 "
                                    "elements, outside its validator length");
}

BOOST_AUTO_TEST_CASE(refuses_validators_that_do_not_fit_the_field) {
    sdk::schema a;
    a.field_string("mode", "x").positive();
    BOOST_TEST(finalize_error(a) == "module type 't.x': field 'mode' is a string and cannot take a "
                                    "numeric validator; use one_of or length");
    sdk::schema b;
    b.field_float("tau", 1.0).one_of({"a"});
    BOOST_TEST(finalize_error(b) ==
               "module type 't.x': field 'tau' is a float; one_of applies to string fields only");
    sdk::schema c;
    c.field_float("threshold", 1.0).greater_than_field("missing");
    BOOST_TEST(finalize_error(c) ==
               "module type 't.x': field 'threshold' must be greater than field 'missing', which "
               "is not an int or float field of this schema");
    sdk::schema d;
    d.field_float("tau", 1.0).length(1, 2);
    BOOST_TEST(finalize_error(d) ==
               "module type 't.x': field 'tau' is a float; length applies to array fields only");
    sdk::schema e;
    e.field_float("tau", 1.0).range(2.0, 1.0);
    BOOST_TEST(
        finalize_error(e) ==
        "module type 't.x': field 'tau' has range [2.0, 1.0] with min > max; swap the bounds");
}

BOOST_AUTO_TEST_CASE(refuses_duplicate_names_and_dangling_shape_references) {
    sdk::schema a;
    a.field_float("tau", 1.0);
    a.field_float("tau", 2.0);
    BOOST_TEST(finalize_error(a) ==
               "module type 't.x': field 'tau' is declared twice; field names must be unique");
    sdk::schema b;
    b.input("in", SPARK_PAYLOAD_FLOAT, "float_array");
    b.output("in", SPARK_PAYLOAD_FLOAT, "float_array").like_port("in");
    BOOST_TEST(finalize_error(b) ==
               "module type 't.x': port 'in' is declared twice; port names must be unique");
    sdk::schema c;
    c.input("in", SPARK_PAYLOAD_FLOAT, "float_array");
    c.output("out", SPARK_PAYLOAD_FLOAT, "float_array").like_port("input");
    BOOST_TEST(finalize_error(c) == "module type 't.x': port 'out' has the shape of port 'input', "
                                    "which is not another port of this type");
    sdk::schema d;
    d.field_float("units", 1.0);
    d.output("out", SPARK_PAYLOAD_SPIKES, "spike_array").from_field("units");
    BOOST_TEST(finalize_error(d) == "module type 't.x': port 'out' takes its shape from field "
                                    "'units', which is not an int array field of this schema");
    sdk::schema e;
    e.output("out", SPARK_PAYLOAD_SPIKES, "spike_array");
    BOOST_TEST(finalize_error(e) == "module type 't.x': port 'out' has no shape rule; call any(), "
                                    "from_field(), like_port() or computed()");
    sdk::schema f;
    f.input("in", 9, "float_array");
    BOOST_TEST(finalize_error(f) ==
               "module type 't.x': port 'in' has payload kind 9; use a SPARK_PAYLOAD_* value");
    sdk::schema g;
    g.output("out", SPARK_PAYLOAD_FLOAT, "float_array").any().optional();
    BOOST_TEST(
        finalize_error(g) ==
        "module type 't.x': port 'out' is an output marked optional; only inputs can be optional");
}

BOOST_AUTO_TEST_CASE(config_fields_may_be_nullable_and_none_by_default) {
    sdk::schema s;
    s.field_config_or_none("delays").nested_kind(SPARK_KIND_COMPONENT);
    s.field_config("learning_rule", "hebbian_rule").nullable();
    s.field_config("soma", "leaky_soma");
    s.field_float("gain", 1.0);
    s.finalize("module type 't.x'");
    const spark_field_desc_t* f = s.fields();
    BOOST_TEST(f[0].type == SPARK_FIELD_CONFIG);
    BOOST_TEST(std::string(f[0].default_json) == "null");
    BOOST_TEST(f[0].flags == static_cast<std::uint32_t>(SPARK_FIELD_NULLABLE));
    BOOST_TEST(f[0].nested_kind == SPARK_KIND_COMPONENT);
    BOOST_TEST(std::string(f[1].default_json) == "{\"__class_ref__\": \"hebbian_rule\"}");
    BOOST_TEST(f[1].flags == static_cast<std::uint32_t>(SPARK_FIELD_NULLABLE));
    BOOST_TEST(f[2].flags == 0U);
    BOOST_TEST(f[3].flags == 0U);
}

BOOST_AUTO_TEST_CASE(refuses_nullable_on_a_field_that_is_not_a_config) {
    sdk::schema a;
    a.field_float("gain", 1.0).nullable();
    BOOST_TEST(finalize_error(a) == "module type 't.x': field 'gain' has type float; nullable "
                                    "applies to config fields only (give other fields a default)");
    sdk::schema b;
    b.field_initializer("kernel", 0.5).nullable();
    BOOST_TEST(finalize_error(b) == "module type 't.x': field 'kernel' has type initializer; "
                                    "nullable applies to config fields only (give other fields a "
                                    "default)");
}

BOOST_AUTO_TEST_CASE(a_string_field_may_hold_a_path) {
    sdk::schema s;
    s.field_string("file", "").path();
    s.field_string("mode", "a");
    s.finalize("module type 't.x'");
    BOOST_TEST(s.fields()[0].flags == static_cast<std::uint32_t>(SPARK_FIELD_PATH));
    BOOST_TEST(s.fields()[1].flags == 0U);
    sdk::schema bad;
    bad.field_float("gain", 1.0).path();
    BOOST_TEST(finalize_error(bad) ==
               "module type 't.x': field 'gain' has type float; path applies to string fields "
               "only");
}

BOOST_AUTO_TEST_CASE(is_frozen_after_finalize) {
    sdk::schema s;
    s.field_float("tau", 1.0);
    s.finalize("module type 't.x'");
    BOOST_CHECK_EXCEPTION(
        s.field_float("late", 1.0), sdk::status_error, [](const sdk::status_error& e) {
            return std::string(e.what()) ==
                   "schema is final: declare fields and ports before finalize()";
        });
}

BOOST_AUTO_TEST_SUITE_END()
