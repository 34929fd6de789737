// SPDX-License-Identifier: Apache-2.0
// The condition of a SPARK_VALIDATOR_RULE (spark/abi/schema.h): a small expression over the
// numeric and bool fields of one config, e.g. "omega * dt < pi" or "tau >= dt". One parser and
// evaluator, header-only, shared by the three places that read rules: the SDK (a schema's own
// check at load), the registry (a descriptor's check at load) and the host (every config before
// create). The grammar is part of the ABI, so it is written here once and never grows behind a
// minor version (docs/adr/0026-validators-for-rules-and-signs.md).
//
//   condition  := or
//   or         := and ("||" and)*
//   and        := not ("&&" not)*
//   not        := "!" not | compare
//   compare    := sum (("<" | "<=" | ">" | ">=" | "==" | "!=") sum)?
//   sum        := product (("+" | "-") product)*
//   product    := unary (("*" | "/") unary)*
//   unary      := "-" unary | power
//   power      := primary ("^" unary)?
//   primary    := number | "pi" | field | function "(" sum ("," sum)* ")" | "(" or ")"
//   function   := abs(x) | sqrt(x) | exp(x) | log(x) | min(x, y) | max(x, y) | len(array)
//
// Numbers are decimal (1, 0.5, 1e-3). A field is a name of the same config: an int, float or
// initializer field holding a number is a number, a bool field is a condition, an int or float
// array is usable only as len(name). Arithmetic is in double; a comparison with NaN is false.
// The whole text must be a condition (a comparison, or conditions joined by !, && and ||).
#pragma once
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <spark/abi/schema.h>

namespace spark::sdk {

/// What a name stands for in a rule (rule_operand_of below maps a config's names to it).
enum class rule_operand {
    unknown, // not a field of this config (or a field a rule cannot use)
    number,  // int, float, or an initializer field (usable while it holds a number)
    boolean, // bool field
    array,   // int or float array: only len(name)
};

/// What `name` stands for in a rule of a config: `dt` (its time step, a number), or its field
/// of SPARK_FIELD_* type `field_type` (std::nullopt when the config has no field of that name).
/// The one mapping the SDK, the registry and the host share.
[[nodiscard]] inline rule_operand rule_operand_of(std::string_view name,
                                                  std::optional<std::int32_t> field_type) {
    if (name == "dt") {
        return rule_operand::number;
    }
    switch (field_type.value_or(0)) {
    case SPARK_FIELD_BOOL:
        return rule_operand::boolean;
    case SPARK_FIELD_INT:
    case SPARK_FIELD_FLOAT:
    case SPARK_FIELD_INITIALIZER:
        return rule_operand::number;
    case SPARK_FIELD_INT_ARRAY:
    case SPARK_FIELD_FLOAT_ARRAY:
        return rule_operand::array;
    default:
        return rule_operand::unknown;
    }
}

class rule_expression {
public:
    /// Parses `text`; on a syntax error returns std::nullopt and sets `error` to a message
    /// naming the position ("at 7: expected ')'").
    [[nodiscard]] static std::optional<rule_expression> parse(std::string_view text,
                                                              std::string& error) {
        parser p{text, 0, {}};
        rule_expression rule;
        rule.text_ = std::string(text);
        auto root = p.parse_or();
        if (root && p.at_end()) {
            rule.root_ = std::move(root);
            rule.collect_names(*rule.root_);
            return rule;
        }
        error =
            p.error.empty() ? p.where() + ": unexpected '" + std::string(p.rest()) + "'" : p.error;
        return std::nullopt;
    }

    /// The rule's text as declared.
    [[nodiscard]] const std::string& text() const noexcept { return text_; }

    /// The distinct field names the rule reads, in order of first use.
    [[nodiscard]] const std::vector<std::string>& names() const noexcept { return names_; }

    /// Checks names and types against a schema: every name is a field, numbers where numbers
    /// are needed, conditions where conditions are, arrays only in len(). Returns "" when the
    /// rule is well-typed, else why not.
    [[nodiscard]] std::string
    check(const std::function<rule_operand(std::string_view)>& operand_of) const {
        std::string error;
        const auto type = type_of(*root_, operand_of, error);
        if (!error.empty()) {
            return error;
        }
        if (type != value_type::condition) {
            return "the rule is a number, not a condition; compare it, e.g. '" + text_ + " > 0'";
        }
        return "";
    }

    /// Evaluates a well-typed rule (check() returned ""). `value_of(name)` gives a number or
    /// bool field's value (bool as 0 or 1); `length_of(name)` an array field's length.
    [[nodiscard]] bool holds(const std::function<double(std::string_view)>& value_of,
                             const std::function<double(std::string_view)>& length_of) const {
        return evaluate(*root_, value_of, length_of) != 0.0;
    }

private:
    enum class value_type { number, condition, array, invalid };

    struct node {
        std::string op; // "num", "name", "pi", a function name, or an operator
        double number = 0.0;
        std::string name;
        std::vector<std::unique_ptr<node>> args;
    };

    struct parser {
        std::string_view text;
        std::size_t pos;
        std::string error;

        [[nodiscard]] std::string where() const { return "at " + std::to_string(pos + 1); }
        [[nodiscard]] std::string_view rest() const { return text.substr(pos); }
        void skip_space() {
            while (pos < text.size() && (text[pos] == ' ' || text[pos] == '\t')) {
                ++pos;
            }
        }
        [[nodiscard]] bool at_end() {
            skip_space();
            return pos == text.size();
        }
        bool accept(std::string_view token) {
            skip_space();
            if (text.substr(pos, token.size()) != token) {
                return false;
            }
            // "<" must not eat the start of "<=", "!" not the start of "!=".
            const std::size_t next = pos + token.size();
            if ((token == "<" || token == ">" || token == "!") && next < text.size() &&
                text[next] == '=') {
                return false;
            }
            pos = next;
            return true;
        }
        std::unique_ptr<node> fail(const std::string& message) {
            if (error.empty()) {
                error = where() + ": " + message;
            }
            return nullptr;
        }
        static std::unique_ptr<node>
        make(std::string op, std::unique_ptr<node> a, std::unique_ptr<node> b = nullptr) {
            auto n = std::make_unique<node>();
            n->op = std::move(op);
            n->args.push_back(std::move(a));
            if (b) {
                n->args.push_back(std::move(b));
            }
            return n;
        }

        std::unique_ptr<node> parse_or() {
            auto left = parse_and();
            while (left && accept("||")) {
                auto right = parse_and();
                if (!right) {
                    return nullptr;
                }
                left = make("||", std::move(left), std::move(right));
            }
            return left;
        }
        std::unique_ptr<node> parse_and() {
            auto left = parse_not();
            while (left && accept("&&")) {
                auto right = parse_not();
                if (!right) {
                    return nullptr;
                }
                left = make("&&", std::move(left), std::move(right));
            }
            return left;
        }
        std::unique_ptr<node> parse_not() {
            if (accept("!")) {
                auto operand = parse_not();
                return operand ? make("!", std::move(operand)) : nullptr;
            }
            return parse_compare();
        }
        std::unique_ptr<node> parse_compare() {
            auto left = parse_sum();
            if (!left) {
                return nullptr;
            }
            for (const char* op : {"<=", ">=", "==", "!=", "<", ">"}) {
                if (accept(op)) {
                    auto right = parse_sum();
                    return right ? make(op, std::move(left), std::move(right)) : nullptr;
                }
            }
            return left;
        }
        std::unique_ptr<node> parse_sum() {
            auto left = parse_product();
            while (left) {
                const char* op = accept("+") ? "+" : (accept("-") ? "-" : nullptr);
                if (op == nullptr) {
                    break;
                }
                auto right = parse_product();
                if (!right) {
                    return nullptr;
                }
                left = make(op, std::move(left), std::move(right));
            }
            return left;
        }
        std::unique_ptr<node> parse_product() {
            auto left = parse_unary();
            while (left) {
                const char* op = accept("*") ? "*" : (accept("/") ? "/" : nullptr);
                if (op == nullptr) {
                    break;
                }
                auto right = parse_unary();
                if (!right) {
                    return nullptr;
                }
                left = make(op, std::move(left), std::move(right));
            }
            return left;
        }
        std::unique_ptr<node> parse_unary() {
            if (accept("-")) {
                auto operand = parse_unary();
                return operand ? make("neg", std::move(operand)) : nullptr;
            }
            auto base = parse_primary();
            if (base && accept("^")) {
                auto exponent = parse_unary();
                return exponent ? make("^", std::move(base), std::move(exponent)) : nullptr;
            }
            return base;
        }
        std::unique_ptr<node> parse_primary() {
            skip_space();
            if (pos == text.size()) {
                return fail("the rule ends where a value is expected");
            }
            const char c = text[pos];
            if (accept("(")) {
                auto inner = parse_or();
                if (inner && !accept(")")) {
                    return fail("expected ')'");
                }
                return inner;
            }
            if ((c >= '0' && c <= '9') || c == '.') {
                return parse_number();
            }
            if (is_name_start(c)) {
                const std::size_t begin = pos;
                while (pos < text.size() && is_name_char(text[pos])) {
                    ++pos;
                }
                auto n = std::make_unique<node>();
                n->name = std::string(text.substr(begin, pos - begin));
                if (accept("(")) {
                    return parse_call(std::move(n));
                }
                n->op = n->name == "pi" ? "pi" : "name";
                return n;
            }
            return fail("unexpected '" + std::string(1, c) + "'");
        }
        std::unique_ptr<node> parse_number() {
            const std::size_t begin = pos;
            while (pos < text.size() && ((text[pos] >= '0' && text[pos] <= '9') ||
                                         text[pos] == '.' || text[pos] == 'e' || text[pos] == 'E' ||
                                         ((text[pos] == '+' || text[pos] == '-') && pos > begin &&
                                          (text[pos - 1] == 'e' || text[pos - 1] == 'E')))) {
                ++pos;
            }
            const std::string digits(text.substr(begin, pos - begin));
            char* end = nullptr;
            const double value = std::strtod(digits.c_str(), &end);
            if (end != digits.c_str() + digits.size()) {
                pos = begin;
                return fail("'" + digits + "' is not a number");
            }
            auto n = std::make_unique<node>();
            n->op = "num";
            n->number = value;
            return n;
        }
        std::unique_ptr<node> parse_call(std::unique_ptr<node> call) {
            const std::size_t arity = function_arity(call->name);
            if (arity == 0) {
                return fail("unknown function '" + call->name +
                            "'; use abs, sqrt, exp, log, min, max or len");
            }
            call->op = call->name;
            do {
                auto arg = parse_sum();
                if (!arg) {
                    return nullptr;
                }
                call->args.push_back(std::move(arg));
            } while (accept(","));
            if (!accept(")")) {
                return fail("expected ')' after the arguments of " + call->name);
            }
            if (call->args.size() != arity) {
                return fail(call->name + " takes " + std::to_string(arity) + " argument" +
                            (arity == 1 ? "" : "s") + ", got " + std::to_string(call->args.size()));
            }
            return call;
        }
        static bool is_name_start(char c) {
            return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
        }
        static bool is_name_char(char c) { return is_name_start(c) || (c >= '0' && c <= '9'); }
    };

    static std::size_t function_arity(std::string_view name) {
        if (name == "abs" || name == "sqrt" || name == "exp" || name == "log" || name == "len") {
            return 1;
        }
        return name == "min" || name == "max" ? 2 : 0;
    }

    void collect_names(const node& n) {
        if (n.op == "name") {
            for (const auto& known : names_) {
                if (known == n.name) {
                    return;
                }
            }
            names_.push_back(n.name);
        }
        for (const auto& arg : n.args) {
            collect_names(*arg);
        }
    }

    static value_type type_of(const node& n,
                              const std::function<rule_operand(std::string_view)>& operand_of,
                              std::string& error) {
        auto expect = [&](const node& arg, value_type wanted, std::string_view role) {
            const auto got = type_of(arg, operand_of, error);
            if (got != wanted && got != value_type::invalid && error.empty()) {
                error = std::string(role) + " of '" + n.op + "' must be " +
                        (wanted == value_type::number ? "a number" : "a condition") +
                        (got == value_type::array ? ", not an array (use len(name))" : "");
            }
        };
        if (n.op == "num" || n.op == "pi") {
            return value_type::number;
        }
        if (n.op == "name") {
            switch (operand_of(n.name)) {
            case rule_operand::number:
                return value_type::number;
            case rule_operand::boolean:
                return value_type::condition;
            case rule_operand::array:
                return value_type::array;
            default:
                if (error.empty()) {
                    error =
                        "'" + n.name + "' is not an int, float, bool or array field of this config";
                }
                return value_type::invalid;
            }
        }
        if (n.op == "len") {
            if (type_of(*n.args[0], operand_of, error) != value_type::array && error.empty()) {
                error = "len() takes the name of an array field";
            }
            return value_type::number;
        }
        if (n.op == "||" || n.op == "&&" || n.op == "!") {
            for (const auto& arg : n.args) {
                expect(*arg, value_type::condition, "each operand");
            }
            return value_type::condition;
        }
        for (const auto& arg : n.args) {
            expect(*arg, value_type::number, "each operand");
        }
        const bool compares = n.op == "<" || n.op == "<=" || n.op == ">" || n.op == ">=" ||
                              n.op == "==" || n.op == "!=";
        return compares ? value_type::condition : value_type::number;
    }

    static double evaluate(const node& n,
                           const std::function<double(std::string_view)>& value_of,
                           const std::function<double(std::string_view)>& length_of) {
        auto arg = [&](std::size_t i) { return evaluate(*n.args[i], value_of, length_of); };
        const std::string& op = n.op;
        if (op == "num") {
            return n.number;
        }
        if (op == "pi") {
            return 3.14159265358979323846;
        }
        if (op == "name") {
            return value_of(n.name);
        }
        if (op == "len") {
            return length_of(n.args[0]->name);
        }
        if (op == "!") {
            return arg(0) == 0.0 ? 1.0 : 0.0;
        }
        if (op == "neg") {
            return -arg(0);
        }
        if (op == "&&") {
            return arg(0) != 0.0 && arg(1) != 0.0 ? 1.0 : 0.0;
        }
        if (op == "||") {
            return arg(0) != 0.0 || arg(1) != 0.0 ? 1.0 : 0.0;
        }
        if (op == "abs" || op == "sqrt" || op == "exp" || op == "log") {
            const double x = arg(0);
            return op == "abs"
                       ? std::fabs(x)
                       : (op == "sqrt" ? std::sqrt(x) : (op == "exp" ? std::exp(x) : std::log(x)));
        }
        const double a = arg(0);
        const double b = arg(1);
        if (op == "min" || op == "max") {
            return op == "min" ? std::fmin(a, b) : std::fmax(a, b);
        }
        if (op == "+" || op == "-" || op == "*" || op == "/" || op == "^") {
            return op == "+"   ? a + b
                   : op == "-" ? a - b
                   : op == "*" ? a * b
                   : op == "/" ? a / b
                               : std::pow(a, b);
        }
        bool result = false;
        if (op == "<") {
            result = a < b;
        } else if (op == "<=") {
            result = a <= b;
        } else if (op == ">") {
            result = a > b;
        } else if (op == ">=") {
            result = a >= b;
        } else if (op == "==") {
            result = a == b;
        } else {
            result = a != b && !std::isnan(a) && !std::isnan(b); // NaN compares false, always
        }
        return result ? 1.0 : 0.0;
    }

    std::string text_;
    std::shared_ptr<const node> root_;
    std::vector<std::string> names_;
};

} // namespace spark::sdk
