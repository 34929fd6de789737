// SPDX-License-Identifier: Apache-2.0
// The rule language of SPARK_VALIDATOR_RULE (spark/sdk/rule_expression.hpp): precedence and
// associativity as its grammar states them, NaN, the type checks and the syntax errors. Every
// expected value is worked out by hand from the grammar in the header's comment.
#include <cmath>
#include <limits>
#include <map>
#include <string>

#include <boost/test/unit_test.hpp>

#include <spark/sdk/rule_expression.hpp>

namespace sdk = spark::sdk;

namespace {

// A config: omega = 4, dt = 0.5, tau = 20, n = 3 (int), on = true, units = [2, 3] (length 2).
const std::map<std::string, double, std::less<>> values{
    {"omega", 4.0}, {"dt", 0.5}, {"tau", 20.0}, {"n", 3.0}, {"on", 1.0}, {"nan_field", NAN}};

sdk::rule_operand operand_of(std::string_view name) {
    if (name == "on") {
        return sdk::rule_operand::boolean;
    }
    if (name == "units") {
        return sdk::rule_operand::array;
    }
    return values.count(name) != 0 ? sdk::rule_operand::number : sdk::rule_operand::unknown;
}

/// Parses, type-checks and evaluates `text` against the config above.
bool holds(const std::string& text) {
    std::string error;
    const auto rule = sdk::rule_expression::parse(text, error);
    BOOST_TEST_REQUIRE(rule.has_value(), text << ": " << error);
    const std::string problem = rule->check(operand_of);
    BOOST_TEST_REQUIRE(problem.empty(), text << ": " << problem);
    return rule->holds([](std::string_view name) { return values.find(name)->second; },
                       [](std::string_view) { return 2.0; });
}

/// The syntax error of `text`, or the type error when it parses.
std::string error_of(const std::string& text) {
    std::string error;
    const auto rule = sdk::rule_expression::parse(text, error);
    return rule ? rule->check(operand_of) : error;
}

} // namespace

BOOST_AUTO_TEST_SUITE(rule_expression)

BOOST_AUTO_TEST_CASE(compares_fields_and_dt) {
    BOOST_TEST(holds("omega * dt < pi"));  // 2 < 3.14159...
    BOOST_TEST(!holds("omega * dt > pi")); // the same, reversed
    BOOST_TEST(holds("tau >= dt"));
    BOOST_TEST(holds("omega > pi")); // 4 > 3.14159...
    BOOST_TEST(!holds("omega * dt >= pi"));
    BOOST_TEST(holds("n == 3 && n != 4"));
    BOOST_TEST(holds("omega<=4")); // no spaces
}

BOOST_AUTO_TEST_CASE(precedence_and_associativity_follow_the_grammar) {
    BOOST_TEST(holds("1 + 2 * 3 == 7"));
    BOOST_TEST(holds("(1 + 2) * 3 == 9"));
    BOOST_TEST(holds("8 / 4 / 2 == 1"));   // left to right: (8 / 4) / 2
    BOOST_TEST(holds("10 - 4 - 3 == 3"));  // left to right
    BOOST_TEST(holds("2 ^ 3 ^ 2 == 512")); // right to left: 2 ^ 9
    BOOST_TEST(holds("-2 ^ 2 == -4"));     // unary minus binds looser than ^
    BOOST_TEST(holds("2 ^ -1 == 0.5"));
    BOOST_TEST(holds("--3 == 3"));
    BOOST_TEST(holds("1e-3 * 1000 == 1"));
    BOOST_TEST(holds(".5 == 0.5"));
    BOOST_TEST(holds("1 < 2 || 1 > 2 && 1 > 2")); // && before ||: true || (false && false)
    BOOST_TEST(!holds("(1 < 2 || 1 > 2) && 1 > 2"));
    BOOST_TEST(holds("!(1 > 2)"));
    BOOST_TEST(holds("!!on"));
    BOOST_TEST(holds("on && n > 2"));
}

BOOST_AUTO_TEST_CASE(functions) {
    BOOST_TEST(holds("abs(-3) == 3"));
    BOOST_TEST(holds("sqrt(16) == 4"));
    BOOST_TEST(holds("exp(0) == 1"));
    BOOST_TEST(holds("log(1) == 0"));
    BOOST_TEST(holds("min(omega, tau) == 4 && max(omega, tau) == 20"));
    BOOST_TEST(holds("len(units) == 2"));
}

BOOST_AUTO_TEST_CASE(every_comparison_with_nan_is_false) {
    for (const char* op : {"<", "<=", ">", ">=", "==", "!="}) {
        BOOST_TEST(!holds(std::string("nan_field ") + op + " 1"), op);
    }
    BOOST_TEST(holds("!(nan_field < 1)"));
}

BOOST_AUTO_TEST_CASE(names_lists_each_field_once_in_order_of_use) {
    std::string error;
    const auto rule = sdk::rule_expression::parse("omega * dt < pi / dt + omega", error);
    BOOST_TEST_REQUIRE(rule.has_value());
    BOOST_TEST(rule->names() == (std::vector<std::string>{"omega", "dt"}),
               boost::test_tools::per_element());
    BOOST_TEST(rule->text() == "omega * dt < pi / dt + omega");
}

BOOST_AUTO_TEST_CASE(type_errors_name_the_problem) {
    BOOST_TEST(error_of("omega * dt") ==
               "the rule is a number, not a condition; compare it, e.g. 'omega * dt > 0'");
    BOOST_TEST(error_of("speed > 0") ==
               "'speed' is not an int, float, bool or array field of this config");
    BOOST_TEST(error_of("units > 0") ==
               "each operand of '>' must be a number, not an array (use len(name))");
    BOOST_TEST(error_of("on + 1 > 0") == "each operand of '+' must be a number");
    BOOST_TEST(error_of("omega && on") == "each operand of '&&' must be a condition");
    BOOST_TEST(error_of("len(omega) > 0") == "len() takes the name of an array field");
}

BOOST_AUTO_TEST_CASE(syntax_errors_name_the_position) {
    BOOST_TEST(error_of("omega * (dt < pi") == "at 17: expected ')'");
    BOOST_TEST(error_of("omega <") == "at 8: the rule ends where a value is expected");
    BOOST_TEST(error_of("omega < 1 )") == "at 11: unexpected ')'");
    BOOST_TEST(error_of("omega # 1") == "at 7: unexpected '# 1'");
    BOOST_TEST(error_of("cos(omega) < 1") ==
               "at 5: unknown function 'cos'; use abs, sqrt, exp, log, min, max or len");
    BOOST_TEST(error_of("min(omega) < 1") == "at 11: min takes 2 arguments, got 1");
    BOOST_TEST(error_of("2e < 1") == "at 1: '2e' is not a number");
    BOOST_TEST(error_of("") == "at 1: the rule ends where a value is expected");
}

BOOST_AUTO_TEST_SUITE_END()
