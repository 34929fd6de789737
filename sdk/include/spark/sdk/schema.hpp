// SPDX-License-Identifier: Apache-2.0
// The schema builder: a module type declares its config fields (with defaults, units and
// validators) and its ports in C++, and the builder produces the C descriptors the ABI wants
// (spark_field_desc_t, spark_validator_t, spark_port_desc_t, default_json text) in storage that
// stays put until the plugin's deinit.
#pragma once
#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <initializer_list>
#include <limits>
#include <memory>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include <spark/abi/capabilities.h>
#include <spark/abi/module.h>
#include <spark/abi/properties.h>
#include <spark/abi/schema.h>
#include <spark/sdk/guard.hpp>
#include <spark/sdk/rule_expression.hpp>

namespace spark::sdk {

namespace detail {

/// Shortest text that reads back as the same double, always with a '.' or an exponent so that
/// JSON readers see a float: 1 -> "1.0", 0.1 -> "0.1", -60 -> "-60.0", 1e21 -> "1e+21".
[[nodiscard]] inline std::string json_number(double value) {
    if (!std::isfinite(value)) {
        throw status_error(SPARK_ERR_PLUGIN,
                           "a default must be a finite number, got " + std::to_string(value));
    }
    if (value == 0.0) {
        value = 0.0; // -0.0 prints as "-0"; a default of minus zero means zero
    }
    char buffer[64];
    const auto result = std::to_chars(buffer, buffer + sizeof buffer, value);
    std::string text(buffer, result.ptr);
    if (text.find_first_of(".e") == std::string::npos) {
        text += ".0";
    }
    return text;
}

/// For messages about bounds, which may be infinite.
[[nodiscard]] inline std::string json_number_or_inf(double value) {
    if (std::isinf(value)) {
        return value > 0 ? "inf" : "-inf";
    }
    if (std::isnan(value)) {
        return "nan";
    }
    return json_number(value);
}

[[nodiscard]] inline std::string json_string(std::string_view value) {
    std::string text = "\"";
    for (const char c : value) {
        switch (c) {
        case '"':
            text += "\\\"";
            break;
        case '\\':
            text += "\\\\";
            break;
        case '\n':
            text += "\\n";
            break;
        case '\t':
            text += "\\t";
            break;
        case '\r':
            text += "\\r";
            break;
        default:
            if (static_cast<unsigned char>(c) < 0x20) {
                static const char hex[] = "0123456789abcdef";
                const auto u = static_cast<unsigned char>(c);
                text += "\\u00";
                text += hex[u >> 4U];
                text += hex[u & 0xFU];
            } else {
                text += c;
            }
        }
    }
    return text + "\"";
}

[[nodiscard]] inline const char* field_type_name(std::int32_t type) {
    switch (type) {
    case SPARK_FIELD_BOOL:
        return "bool";
    case SPARK_FIELD_INT:
        return "int";
    case SPARK_FIELD_FLOAT:
        return "float";
    case SPARK_FIELD_STRING:
        return "string";
    case SPARK_FIELD_INT_ARRAY:
        return "int array";
    case SPARK_FIELD_FLOAT_ARRAY:
        return "float array";
    case SPARK_FIELD_CONFIG:
        return "config";
    case SPARK_FIELD_INITIALIZER:
        return "initializer";
    default:
        return "unknown field type";
    }
}

[[nodiscard]] inline bool is_number_type(std::int32_t type) {
    return type == SPARK_FIELD_INT || type == SPARK_FIELD_FLOAT || type == SPARK_FIELD_INT_ARRAY ||
           type == SPARK_FIELD_FLOAT_ARRAY || type == SPARK_FIELD_INITIALIZER;
}
[[nodiscard]] inline bool is_array_type(std::int32_t type) {
    return type == SPARK_FIELD_INT_ARRAY || type == SPARK_FIELD_FLOAT_ARRAY;
}

} // namespace detail

class schema;

/// One field being declared. Every setter returns *this for chaining.
class field_builder {
public:
    field_builder& units(std::string text) {
        units_ = std::move(text);
        return *this;
    }
    field_builder& description(std::string text) {
        description_ = std::move(text);
        return *this;
    }
    /// No default: the config must give a value.
    field_builder& required() {
        has_default_ = false;
        return *this;
    }
    /// CONFIG / INITIALIZER fields: the SPARK_KIND_* allowed (0 = any).
    field_builder& nested_kind(std::int32_t kind) {
        nested_kind_ = kind;
        return *this;
    }
    /// CONFIG / INITIALIZER fields: the nested types the field takes, as "vendor.class_ref"
    /// (ABI 1.1 type capabilities, spark/abi/capabilities.h); without it, any type of its
    /// nested_kind. The host refuses another type before create, naming these.
    field_builder& accepts(std::initializer_list<std::string> class_refs) {
        accepts_.assign(class_refs);
        return *this;
    }
    field_builder& accepts(std::vector<std::string> class_refs) {
        accepts_ = std::move(class_refs);
        return *this;
    }
    /// CONFIG fields only (finalize() refuses it elsewhere): the field may hold none, `null` in
    /// JSON (upstream's `learning_rule: None`); SPARK_FIELD_NULLABLE. The module reads it with
    /// config_view::has_config() before nested(). See schema::field_config_or_none() for a
    /// field that is none by default.
    field_builder& nullable() {
        nullable_ = true;
        return *this;
    }
    /// STRING fields only: the value is a file path, which the host makes absolute before
    /// create (relative to the brain file that gave it); SPARK_FIELD_PATH, ABI 1.2.
    field_builder& path() {
        path_ = true;
        return *this;
    }
    /// > 0 (every element of an array).
    field_builder& positive() { return add({SPARK_VALIDATOR_POSITIVE, 0.0, 0.0, {}, {}}); }
    /// >= 0 (every element of an array).
    field_builder& non_negative() { return add({SPARK_VALIDATOR_NON_NEGATIVE, 0.0, 0.0, {}, {}}); }
    /// < 0 (every element of an array). ABI 1.2.
    field_builder& negative() { return add({SPARK_VALIDATOR_NEGATIVE, 0.0, 0.0, {}, {}}); }
    /// min <= v <= max; +-infinity leaves one side open.
    field_builder& range(double min, double max) {
        return add({SPARK_VALIDATOR_RANGE, min, max, {}, {}});
    }
    /// v <= max: a range open below (`describe` shows "at most max").
    field_builder& at_most(double max) {
        return range(-std::numeric_limits<double>::infinity(), max);
    }
    /// v >= min: a range open above (`describe` shows "at least min").
    field_builder& at_least(double min) {
        return range(min, std::numeric_limits<double>::infinity());
    }
    /// A condition across this config's fields that must hold, e.g. rule("omega * dt < pi",
    /// "the Euler step turns less than half a period"); the grammar is in rule_expression.hpp,
    /// `dt` names the config's time step. Attach it to the field a user should change first:
    /// a failure is reported at that field's path and names every field the rule reads. ABI 1.2.
    field_builder& rule(std::string condition, std::string why = {}) {
        std::vector<std::string> options;
        if (!why.empty()) {
            options.push_back(std::move(why));
        }
        return add({SPARK_VALIDATOR_RULE, 0.0, 0.0, std::move(condition), std::move(options)});
    }
    /// A string field whose value is one of `options`.
    field_builder& one_of(std::initializer_list<std::string> options) {
        return add({SPARK_VALIDATOR_ONE_OF, 0.0, 0.0, {}, std::vector<std::string>(options)});
    }
    /// > the value of the int/float field named `other` (declared anywhere in this schema).
    field_builder& greater_than_field(std::string other) {
        return add({SPARK_VALIDATOR_GREATER_THAN_FIELD, 0.0, 0.0, std::move(other), {}});
    }
    /// An array whose length is in [min, max].
    field_builder& length(std::uint32_t min, std::uint32_t max) {
        return add(
            {SPARK_VALIDATOR_LENGTH, static_cast<double>(min), static_cast<double>(max), {}, {}});
    }

private:
    friend class schema;
    struct validator_spec {
        std::int32_t kind;
        double min;
        double max;
        std::string field;
        std::vector<std::string> options;
    };
    field_builder(std::string name, std::int32_t type, std::string default_json)
        : name_(std::move(name)), type_(type), default_json_(std::move(default_json)) {}
    field_builder& add(validator_spec v) {
        validators_.push_back(std::move(v));
        return *this;
    }

    std::string name_;
    std::int32_t type_;
    std::string default_json_;
    bool has_default_ = true;
    std::string units_;
    std::string description_;
    std::int32_t nested_kind_ = 0;
    bool nullable_ = false;
    bool path_ = false;
    std::vector<std::string> accepts_;
    std::vector<validator_spec> validators_;
    // What the default's value is, for checking it against the validators.
    std::vector<double> default_numbers_;
    std::string default_text_;
};

/// One port being declared. Every setter returns *this for chaining.
class port_builder {
public:
    /// Any shape (the default for inputs).
    port_builder& any() { return shape(SPARK_SHAPE_ANY, ""); }
    /// The shape given by the int-array field `field` (e.g. "units").
    port_builder& from_field(std::string field) {
        return shape(SPARK_SHAPE_FROM_FIELD, std::move(field));
    }
    /// The shape of the port named `port`.
    port_builder& like_port(std::string port) {
        return shape(SPARK_SHAPE_LIKE_PORT, std::move(port));
    }
    /// Decided by build(); `how` says how, in words.
    port_builder& computed(std::string how) { return shape(SPARK_SHAPE_COMPUTED, std::move(how)); }
    /// Inputs only: may be left unwired (build then sees rank 0 and payload_kind 0).
    port_builder& optional() {
        required_ = false;
        return *this;
    }
    port_builder& description(std::string text) {
        description_ = std::move(text);
        return *this;
    }

private:
    friend class schema;
    port_builder(std::string name,
                 std::int32_t direction,
                 std::int32_t payload_kind,
                 std::string payload_type)
        : name_(std::move(name)), direction_(direction), payload_kind_(payload_kind),
          payload_type_(std::move(payload_type)),
          shape_rule_(direction == SPARK_PORT_INPUT ? SPARK_SHAPE_ANY : 0) {}
    port_builder& shape(std::int32_t rule, std::string ref) {
        shape_rule_ = rule;
        shape_ref_ = std::move(ref);
        return *this;
    }

    std::string name_;
    std::int32_t direction_;
    std::int32_t payload_kind_;
    std::string payload_type_;
    std::int32_t shape_rule_;
    std::string shape_ref_;
    bool required_ = true;
    std::string description_;
};

/// One property being declared (ABI 1.1, spark/abi/properties.h): a named value of an instance
/// besides its ports, read (and, when writable(), written) by copy. Every setter returns *this.
class property_builder {
public:
    /// The shape given by the int-array field `field` (e.g. "units").
    property_builder& from_field(std::string field) {
        return shape(SPARK_SHAPE_FROM_FIELD, std::move(field));
    }
    /// The shape of the port named `port`.
    property_builder& like_port(std::string port) {
        return shape(SPARK_SHAPE_LIKE_PORT, std::move(port));
    }
    /// Decided by build(); `how` says how, in words.
    property_builder& computed(std::string how) {
        return shape(SPARK_SHAPE_COMPUTED, std::move(how));
    }
    /// Effects may write it (the module then implements write_property).
    property_builder& writable() {
        writable_ = true;
        return *this;
    }
    property_builder& description(std::string text) {
        description_ = std::move(text);
        return *this;
    }

private:
    friend class schema;
    property_builder(std::string name, std::int32_t payload_kind, std::string payload_type)
        : name_(std::move(name)), payload_kind_(payload_kind),
          payload_type_(std::move(payload_type)) {}
    property_builder& shape(std::int32_t rule, std::string ref) {
        shape_rule_ = rule;
        shape_ref_ = std::move(ref);
        return *this;
    }

    std::string name_;
    std::int32_t payload_kind_;
    std::string payload_type_;
    std::int32_t shape_rule_ = 0;
    std::string shape_ref_;
    bool writable_ = false;
    std::string description_;
};

/// A module type's config fields and ports. Declare with the field_* / input / output calls,
/// then finalize() checks everything and produces the C descriptors; after finalize the schema
/// never changes and its descriptors stay valid as long as the schema lives.
class schema {
public:
    schema() = default;
    schema(const schema&) = delete;
    schema& operator=(const schema&) = delete;

    field_builder& field_bool(std::string name, bool value) {
        return add_field(std::move(name), SPARK_FIELD_BOOL, value ? "true" : "false", {}, {});
    }
    field_builder& field_int(std::string name, std::int64_t value) {
        return add_field(std::move(name),
                         SPARK_FIELD_INT,
                         std::to_string(value),
                         {static_cast<double>(value)},
                         {});
    }
    field_builder& field_float(std::string name, double value) {
        return add_field(
            std::move(name), SPARK_FIELD_FLOAT, detail::json_number(value), {value}, {});
    }
    field_builder& field_string(std::string name, std::string_view value) {
        return add_field(std::move(name),
                         SPARK_FIELD_STRING,
                         detail::json_string(value),
                         {},
                         std::string(value));
    }
    field_builder& field_int_array(std::string name, std::initializer_list<std::int64_t> values) {
        std::string text = "[";
        std::vector<double> numbers;
        for (const auto v : values) {
            text += (numbers.empty() ? "" : ", ") + std::to_string(v);
            numbers.push_back(static_cast<double>(v));
        }
        return add_field(
            std::move(name), SPARK_FIELD_INT_ARRAY, text + "]", std::move(numbers), {});
    }
    field_builder& field_float_array(std::string name, std::initializer_list<double> values) {
        std::string text = "[";
        std::vector<double> numbers;
        for (const auto v : values) {
            text += (numbers.empty() ? "" : ", ") + detail::json_number(v);
            numbers.push_back(v);
        }
        return add_field(
            std::move(name), SPARK_FIELD_FLOAT_ARRAY, text + "]", std::move(numbers), {});
    }
    /// A nested config of another module type, by default `{"__class_ref__": "<class_ref>"}`;
    /// `overrides_json` adds members (e.g. `"tau": 5.0`).
    field_builder& field_config(std::string name,
                                std::string_view class_ref,
                                std::string_view overrides_json = {}) {
        return add_field(
            std::move(name), SPARK_FIELD_CONFIG, class_object(class_ref, overrides_json), {}, {});
    }
    /// A nested config that may be none and is none by default (upstream's `delays: None`):
    /// a nullable() CONFIG field whose default is `null`. Set nested_kind() to say which kind
    /// of type a config given for it must name (with "__class_ref__": there is no default type).
    field_builder& field_config_or_none(std::string name) {
        return add_field(std::move(name), SPARK_FIELD_CONFIG, "null", {}, {}).nullable();
    }
    /// A number or an initializer's config; this overload defaults to a number.
    field_builder& field_initializer(std::string name, double value) {
        return add_field(
            std::move(name), SPARK_FIELD_INITIALIZER, detail::json_number(value), {value}, {});
    }
    /// An initializer field whose default is the initializer type `class_ref` (with overrides).
    field_builder& field_initializer(std::string name,
                                     std::string_view class_ref,
                                     std::string_view overrides_json) {
        return add_field(std::move(name),
                         SPARK_FIELD_INITIALIZER,
                         class_object(class_ref, overrides_json),
                         {},
                         {});
    }

    port_builder& input(std::string name, std::int32_t payload_kind, std::string payload_type) {
        check_open();
        ports_.push_back(
            port_builder(std::move(name), SPARK_PORT_INPUT, payload_kind, std::move(payload_type)));
        return ports_.back();
    }
    port_builder& output(std::string name, std::int32_t payload_kind, std::string payload_type) {
        check_open();
        ports_.push_back(port_builder(
            std::move(name), SPARK_PORT_OUTPUT, payload_kind, std::move(payload_type)));
        return ports_.back();
    }

    /// A property (after the ports): give it a shape rule (from_field, like_port or computed).
    property_builder&
    property(std::string name, std::int32_t payload_kind, std::string payload_type) {
        check_open();
        properties_.push_back(
            property_builder(std::move(name), payload_kind, std::move(payload_type)));
        return properties_.back();
    }

    /// Checks the declarations (unique names, validators that fit their field, defaults that
    /// pass their validators, shape references that exist) and builds the C descriptors.
    /// Throws status_error(SPARK_ERR_PLUGIN) naming the mistake. `owner` names the type in
    /// messages.
    void finalize(const std::string& owner) {
        check_open();
        for (std::size_t i = 0; i < fields_.size(); ++i) {
            check_field(owner, fields_[i], i);
        }
        std::uint32_t inputs = 0;
        for (std::size_t i = 0; i < ports_.size(); ++i) {
            check_port(owner, ports_[i], i);
            inputs += ports_[i].direction_ == SPARK_PORT_INPUT ? 1U : 0U;
        }
        input_count_ = inputs;
        output_count_ = static_cast<std::uint32_t>(ports_.size()) - inputs;
        for (std::size_t i = 0; i < properties_.size(); ++i) {
            check_property(owner, properties_[i], i);
        }

        validators_.resize(fields_.size());
        options_.resize(fields_.size());
        field_descs_.reserve(fields_.size());
        for (std::size_t i = 0; i < fields_.size(); ++i) {
            const auto& f = fields_[i];
            auto& validators = validators_[i];
            auto& options = options_[i];
            options.resize(f.validators_.size());
            for (std::size_t v = 0; v < f.validators_.size(); ++v) {
                const auto& spec = f.validators_[v];
                for (const auto& option : spec.options) {
                    options[v].push_back(option.c_str());
                }
                spark_validator_t c{};
                c.kind = spec.kind;
                c.min = spec.min;
                c.max = spec.max;
                c.field = spec.field.empty() ? nullptr : spec.field.c_str();
                c.options = options[v].empty() ? nullptr : options[v].data();
                c.option_count = static_cast<std::uint32_t>(options[v].size());
                validators.push_back(c);
            }
            spark_field_desc_t d{};
            d.name = f.name_.c_str();
            d.type = f.type_;
            d.default_json = f.has_default_ ? f.default_json_.c_str() : nullptr;
            d.units = f.units_.c_str();
            d.description = f.description_.c_str();
            d.validators = validators.empty() ? nullptr : validators.data();
            d.validator_count = static_cast<std::uint32_t>(validators.size());
            d.nested_kind = f.nested_kind_;
            d.flags = (f.nullable_ ? static_cast<std::uint32_t>(SPARK_FIELD_NULLABLE) : 0U) |
                      (f.path_ ? static_cast<std::uint32_t>(SPARK_FIELD_PATH) : 0U);
            field_descs_.push_back(d);
        }
        port_descs_.reserve(ports_.size());
        for (const auto& p : ports_) {
            spark_port_desc_t d{};
            d.name = p.name_.c_str();
            d.direction = p.direction_;
            d.payload_kind = p.payload_kind_;
            d.payload_type = p.payload_type_.c_str();
            d.shape_rule = p.shape_rule_;
            d.shape_ref = p.shape_rule_ == SPARK_SHAPE_ANY ? nullptr : p.shape_ref_.c_str();
            d.required = p.direction_ == SPARK_PORT_OUTPUT || p.required_;
            d.description = p.description_.c_str();
            port_descs_.push_back(d);
        }
        property_descs_.reserve(properties_.size());
        for (const auto& p : properties_) {
            spark_property_desc_t d{};
            d.name = p.name_.c_str();
            d.payload_kind = p.payload_kind_;
            d.payload_type = p.payload_type_.c_str();
            d.shape_rule = p.shape_rule_;
            d.shape_ref = p.shape_ref_.c_str();
            d.writable = p.writable_;
            d.description = p.description_.c_str();
            property_descs_.push_back(d);
        }
        accepted_refs_.resize(fields_.size());
        for (std::size_t i = 0; i < fields_.size(); ++i) {
            if (fields_[i].accepts_.empty()) {
                continue;
            }
            for (const auto& ref : fields_[i].accepts_) {
                accepted_refs_[i].push_back(ref.c_str());
            }
            accepts_descs_.push_back({fields_[i].name_.c_str(),
                                      accepted_refs_[i].data(),
                                      static_cast<std::uint32_t>(accepted_refs_[i].size())});
        }
        final_ = true;
    }

    [[nodiscard]] const spark_field_desc_t* fields() const noexcept {
        return field_descs_.empty() ? nullptr : field_descs_.data();
    }
    [[nodiscard]] std::uint32_t field_count() const noexcept {
        return static_cast<std::uint32_t>(field_descs_.size());
    }
    [[nodiscard]] const spark_port_desc_t* ports() const noexcept {
        return port_descs_.empty() ? nullptr : port_descs_.data();
    }
    [[nodiscard]] std::uint32_t port_count() const noexcept {
        return static_cast<std::uint32_t>(port_descs_.size());
    }
    [[nodiscard]] const spark_property_desc_t* properties() const noexcept {
        return property_descs_.empty() ? nullptr : property_descs_.data();
    }
    [[nodiscard]] std::uint32_t property_count() const noexcept {
        return static_cast<std::uint32_t>(property_descs_.size());
    }
    /// The nested fields that limit their types (field_builder::accepts), in field order.
    [[nodiscard]] const spark_nested_accepts_t* nested_accepts() const noexcept {
        return accepts_descs_.empty() ? nullptr : accepts_descs_.data();
    }
    [[nodiscard]] std::uint32_t nested_accepts_count() const noexcept {
        return static_cast<std::uint32_t>(accepts_descs_.size());
    }
    /// Whether a config must give some field (one has no default).
    [[nodiscard]] bool has_required_field() const noexcept {
        return std::any_of(
            fields_.begin(), fields_.end(), [](const field_builder& f) { return !f.has_default_; });
    }
    [[nodiscard]] std::uint32_t input_count() const noexcept { return input_count_; }
    [[nodiscard]] std::uint32_t output_count() const noexcept { return output_count_; }

private:
    static std::string class_object(std::string_view class_ref, std::string_view overrides_json) {
        std::string text = "{\"__class_ref__\": " + detail::json_string(class_ref);
        if (!overrides_json.empty()) {
            text += ", ";
            text += overrides_json;
        }
        return text + "}";
    }

    field_builder& add_field(std::string name,
                             std::int32_t type,
                             std::string default_json,
                             std::vector<double> numbers,
                             std::string text) {
        check_open();
        fields_.push_back(field_builder(std::move(name), type, std::move(default_json)));
        fields_.back().default_numbers_ = std::move(numbers);
        fields_.back().default_text_ = std::move(text);
        return fields_.back();
    }

    void check_open() const {
        if (final_) {
            throw status_error(SPARK_ERR_PLUGIN,
                               "schema is final: declare fields and ports before finalize()");
        }
    }

    [[nodiscard]] const field_builder* find_field(const std::string& name) const {
        for (const auto& f : fields_) {
            if (f.name_ == name) {
                return &f;
            }
        }
        return nullptr;
    }
    [[nodiscard]] const port_builder* find_port(const std::string& name) const {
        for (const auto& p : ports_) {
            if (p.name_ == name) {
                return &p;
            }
        }
        return nullptr;
    }

    static void fail(const std::string& owner, const std::string& message) {
        throw status_error(SPARK_ERR_PLUGIN, owner + ": " + message);
    }

    void check_field(const std::string& owner, const field_builder& f, std::size_t index) const {
        const std::string what = "field '" + f.name_ + "'";
        if (f.name_.empty()) {
            fail(owner,
                 "field " + std::to_string(index) + " has an empty name; give every field a name");
        }
        for (std::size_t j = 0; j < index; ++j) {
            if (fields_[j].name_ == f.name_) {
                fail(owner, what + " is declared twice; field names must be unique");
            }
        }
        for (const auto& v : f.validators_) {
            switch (v.kind) {
            case SPARK_VALIDATOR_POSITIVE:
            case SPARK_VALIDATOR_NON_NEGATIVE:
            case SPARK_VALIDATOR_NEGATIVE:
            case SPARK_VALIDATOR_RANGE:
                if (!detail::is_number_type(f.type_)) {
                    fail(owner,
                         what + " is a " + detail::field_type_name(f.type_) +
                             " and cannot take a numeric validator; use one_of or length");
                }
                if (v.kind == SPARK_VALIDATOR_RANGE && !(v.min <= v.max)) {
                    fail(owner,
                         what + " has range [" + detail::json_number_or_inf(v.min) + ", " +
                             detail::json_number_or_inf(v.max) +
                             "] with min > max; swap the bounds");
                }
                break;
            case SPARK_VALIDATOR_ONE_OF:
                if (f.type_ != SPARK_FIELD_STRING) {
                    fail(owner,
                         what + " is a " + detail::field_type_name(f.type_) +
                             "; one_of applies to string fields only");
                }
                if (v.options.empty()) {
                    fail(owner, what + " has one_of without options; list the allowed strings");
                }
                break;
            case SPARK_VALIDATOR_GREATER_THAN_FIELD: {
                if (f.type_ != SPARK_FIELD_INT && f.type_ != SPARK_FIELD_FLOAT) {
                    fail(owner,
                         what + " is a " + detail::field_type_name(f.type_) +
                             "; greater_than_field applies to int and float fields only");
                }
                const auto* other = find_field(v.field);
                if (other == nullptr ||
                    (other->type_ != SPARK_FIELD_INT && other->type_ != SPARK_FIELD_FLOAT)) {
                    fail(owner,
                         what + " must be greater than field '" + v.field +
                             "', which is not an int or float field of this schema");
                }
                if (f.has_default_ && other->has_default_ && !other->default_numbers_.empty() &&
                    !(f.default_numbers_.at(0) > other->default_numbers_[0])) {
                    fail(owner,
                         what + " default " + f.default_json_ + " must be > the default of '" +
                             v.field + "' (" + other->default_json_ + ")");
                }
                break;
            }
            case SPARK_VALIDATOR_RULE:
                check_rule(owner, f, v);
                break;
            case SPARK_VALIDATOR_LENGTH:
                if (!detail::is_array_type(f.type_)) {
                    fail(owner,
                         what + " is a " + detail::field_type_name(f.type_) +
                             "; length applies to array fields only");
                }
                if (!(v.min <= v.max)) {
                    fail(owner, what + " has length bounds with min > max; swap the bounds");
                }
                break;
            default:
                fail(owner,
                     what + " has validator kind " + std::to_string(v.kind) + ", which is unknown");
            }
            check_default(owner, f, v);
        }
        if (f.path_ && f.type_ != SPARK_FIELD_STRING) {
            fail(owner,
                 what + " has type " + detail::field_type_name(f.type_) +
                     "; path applies to string fields only");
        }
        if (f.nullable_ && f.type_ != SPARK_FIELD_CONFIG) {
            fail(owner,
                 what + " has type " + detail::field_type_name(f.type_) +
                     "; nullable applies to config fields only (give other fields a default)");
        }
        if (!f.accepts_.empty() && f.type_ != SPARK_FIELD_CONFIG &&
            f.type_ != SPARK_FIELD_INITIALIZER) {
            fail(owner,
                 what + " has type " + detail::field_type_name(f.type_) +
                     "; accepts applies to config and initializer fields only");
        }
        for (const auto& ref : f.accepts_) {
            const auto dot = ref.find('.');
            if (dot == std::string::npos || dot == 0 || dot + 1 == ref.size()) {
                fail(owner,
                     what + " accepts '" + ref +
                         "'; name accepted types as vendor.class_ref, e.g. 'spark.leaky_soma'");
            }
        }
        if ((f.type_ == SPARK_FIELD_CONFIG || f.type_ == SPARK_FIELD_INITIALIZER) &&
            f.nested_kind_ < 0) {
            fail(owner,
                 what + " has nested kind " + std::to_string(f.nested_kind_) +
                     "; use a SPARK_KIND_* value or 0");
        }
    }

    static void check_default(const std::string& owner,
                              const field_builder& f,
                              const field_builder::validator_spec& v) {
        if (!f.has_default_) {
            return;
        }
        const std::string what = "field '" + f.name_ + "' default " + f.default_json_;
        switch (v.kind) {
        case SPARK_VALIDATOR_POSITIVE:
            for (const double x : f.default_numbers_) {
                if (!(x > 0.0)) {
                    fail(owner, what + " must be > 0 (its validator positive)");
                }
            }
            break;
        case SPARK_VALIDATOR_NON_NEGATIVE:
            for (const double x : f.default_numbers_) {
                if (!(x >= 0.0)) {
                    fail(owner, what + " must be >= 0 (its validator non_negative)");
                }
            }
            break;
        case SPARK_VALIDATOR_NEGATIVE:
            for (const double x : f.default_numbers_) {
                if (!(x < 0.0)) {
                    fail(owner, what + " must be < 0 (its validator negative)");
                }
            }
            break;
        case SPARK_VALIDATOR_RANGE:
            for (const double x : f.default_numbers_) {
                if (!(x >= v.min && x <= v.max)) {
                    fail(owner,
                         what + " must be in [" + detail::json_number_or_inf(v.min) + ", " +
                             detail::json_number_or_inf(v.max) + "] (its validator range)");
                }
            }
            break;
        case SPARK_VALIDATOR_ONE_OF: {
            bool found = false;
            for (const auto& option : v.options) {
                found = found || option == f.default_text_;
            }
            if (!found) {
                fail(owner, what + " must be one of its options (its validator one_of)");
            }
            break;
        }
        case SPARK_VALIDATOR_LENGTH: {
            const auto n = static_cast<double>(f.default_numbers_.size());
            if (!(n >= v.min && n <= v.max)) {
                fail(owner,
                     what + " has " + std::to_string(f.default_numbers_.size()) +
                         " elements, outside its validator length");
            }
            break;
        }
        default:
            break;
        }
    }

    /// What a name in a rule stands for: a field of this schema, or the base field dt.
    [[nodiscard]] rule_operand rule_operand_in_schema(std::string_view name) const {
        const auto* f = find_field(std::string(name));
        return rule_operand_of(name,
                               f != nullptr ? std::optional<std::int32_t>(f->type_) : std::nullopt);
    }

    /// Field `f`'s rule `v` must parse, read only fields it can, and hold for the defaults (dt
    /// 1 ms) when every field it reads has a number default; a rule over a required field, or
    /// an initializer given as a config, is checked only by the host.
    void check_rule(const std::string& owner,
                    const field_builder& f,
                    const field_builder::validator_spec& v) const {
        const std::string what = "field '" + f.name_ + "'";
        std::string error;
        const auto rule = rule_expression::parse(v.field, error);
        if (rule) {
            error =
                rule->check([this](std::string_view name) { return rule_operand_in_schema(name); });
        }
        if (!error.empty()) {
            fail(owner, what + " has rule '" + v.field + "': " + error);
        }
        if (v.options.size() > 1) {
            fail(owner, what + " has rule '" + v.field + "' with more than one reason");
        }
        for (const auto& name : rule->names()) {
            const auto* other = find_field(name);
            if (other != nullptr &&
                (!other->has_default_ ||
                 (other->type_ != SPARK_FIELD_BOOL && other->default_numbers_.empty() &&
                  rule_operand_in_schema(name) == rule_operand::number))) {
                return;
            }
        }
        const auto value_of = [this](std::string_view name) {
            if (name == "dt") {
                return 1.0;
            }
            const auto* other = find_field(std::string(name));
            if (other->type_ == SPARK_FIELD_BOOL) {
                return other->default_json_ == "true" ? 1.0 : 0.0;
            }
            return other->default_numbers_.at(0);
        };
        const auto length_of = [this](std::string_view name) {
            return static_cast<double>(find_field(std::string(name))->default_numbers_.size());
        };
        if (!rule->holds(value_of, length_of)) {
            fail(owner,
                 "field '" + f.name_ + "': the defaults (with dt 1 ms) break its rule '" + v.field +
                     "'; change a default or the rule");
        }
    }

    void check_port(const std::string& owner, const port_builder& p, std::size_t index) const {
        const std::string what = "port '" + p.name_ + "'";
        if (p.name_.empty()) {
            fail(owner,
                 "port " + std::to_string(index) + " has an empty name; give every port a name");
        }
        for (std::size_t j = 0; j < index; ++j) {
            if (ports_[j].name_ == p.name_) {
                fail(owner, what + " is declared twice; port names must be unique");
            }
        }
        if (p.payload_kind_ < SPARK_PAYLOAD_SPIKES || p.payload_kind_ > SPARK_PAYLOAD_ANY) {
            fail(owner,
                 what + " has payload kind " + std::to_string(p.payload_kind_) +
                     "; use a SPARK_PAYLOAD_* value");
        }
        if (p.payload_kind_ == SPARK_PAYLOAD_ANY && p.direction_ == SPARK_PORT_OUTPUT &&
            p.shape_rule_ != SPARK_SHAPE_LIKE_PORT && p.shape_rule_ != SPARK_SHAPE_COMPUTED) {
            fail(owner,
                 what + " carries any payload; shape it like_port() an input or computed() "
                        "(build then sets its spec)");
        }
        if (p.direction_ == SPARK_PORT_OUTPUT && !p.required_) {
            fail(owner, what + " is an output marked optional; only inputs can be optional");
        }
        switch (p.shape_rule_) {
        case SPARK_SHAPE_ANY:
            break;
        case SPARK_SHAPE_FROM_FIELD: {
            const auto* f = find_field(p.shape_ref_);
            if (f == nullptr || f->type_ != SPARK_FIELD_INT_ARRAY) {
                fail(owner,
                     what + " takes its shape from field '" + p.shape_ref_ +
                         "', which is not an int array field of this schema");
            }
            break;
        }
        case SPARK_SHAPE_LIKE_PORT:
            if (p.shape_ref_ == p.name_ || find_port(p.shape_ref_) == nullptr) {
                fail(owner,
                     what + " has the shape of port '" + p.shape_ref_ +
                         "', which is not another port of this type");
            }
            break;
        case SPARK_SHAPE_COMPUTED:
            if (p.shape_ref_.empty()) {
                fail(owner,
                     what + " has a computed shape without saying how; pass the rule in words");
            }
            break;
        default:
            fail(owner,
                 what + " has no shape rule; call any(), from_field(), like_port() or computed()");
        }
    }

    void
    check_property(const std::string& owner, const property_builder& p, std::size_t index) const {
        const std::string what = "property '" + p.name_ + "'";
        if (p.name_.empty()) {
            fail(owner,
                 "property " + std::to_string(index) +
                     " has an empty name; give every property a name");
        }
        for (std::size_t j = 0; j < index; ++j) {
            if (properties_[j].name_ == p.name_) {
                fail(owner, what + " is declared twice; property names must be unique");
            }
        }
        if (p.payload_kind_ < SPARK_PAYLOAD_SPIKES || p.payload_kind_ > SPARK_PAYLOAD_BOOL_MASK) {
            fail(owner,
                 what + " has payload kind " + std::to_string(p.payload_kind_) +
                     "; use a concrete SPARK_PAYLOAD_* value (not any)");
        }
        switch (p.shape_rule_) {
        case SPARK_SHAPE_FROM_FIELD: {
            const auto* f = find_field(p.shape_ref_);
            if (f == nullptr || f->type_ != SPARK_FIELD_INT_ARRAY) {
                fail(owner,
                     what + " takes its shape from field '" + p.shape_ref_ +
                         "', which is not an int array field of this schema");
            }
            break;
        }
        case SPARK_SHAPE_LIKE_PORT:
            if (find_port(p.shape_ref_) == nullptr) {
                fail(owner,
                     what + " has the shape of port '" + p.shape_ref_ +
                         "', which is not a port of this type");
            }
            break;
        case SPARK_SHAPE_COMPUTED:
            if (p.shape_ref_.empty()) {
                fail(owner,
                     what + " has a computed shape without saying how; pass the rule in words");
            }
            break;
        default:
            fail(owner, what + " has no shape rule; call from_field(), like_port() or computed()");
        }
    }

    // deque: builders are handed out by reference and must not move while more are declared.
    std::deque<field_builder> fields_;
    std::deque<port_builder> ports_;
    std::deque<property_builder> properties_;
    std::vector<std::vector<spark_validator_t>> validators_;
    std::vector<std::vector<std::vector<const char*>>> options_;
    std::vector<spark_field_desc_t> field_descs_;
    std::vector<spark_port_desc_t> port_descs_;
    std::vector<spark_property_desc_t> property_descs_;
    std::vector<std::vector<const char*>> accepted_refs_;
    std::vector<spark_nested_accepts_t> accepts_descs_;
    std::uint32_t input_count_ = 0;
    std::uint32_t output_count_ = 0;
    bool final_ = false;
};

} // namespace spark::sdk
