// SPDX-License-Identifier: Apache-2.0
#include "config/config_builder.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <deque>
#include <limits>
#include <optional>
#include <utility>
#include <vector>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include <spark/abi/module.h>
#include <spark/abi/types.h>
#include <spark/runtime/errors.hpp>
#include <spark/sdk/rule_expression.hpp>

#include "config/exact_json.hpp"
#include "config/json_text.hpp"
#include "config/message_text.hpp"
#include "config/unknown_keys.hpp"
#include "text.hpp"

namespace spark::runtime::detail {
namespace {

namespace json = boost::json;

constexpr std::string_view class_ref_key = "__class_ref__";
// Upstream's delimiters (docs/file-format.md §1.5): "a__b": v sets field b of the nested config in
// field a; "_s_name": v is shared: it sets `name` here and in every nested config that has such a
// field, over explicit values, and is silently ignored where no such field exists.
constexpr std::string_view nested_delimiter = "__";
constexpr std::string_view shared_prefix = "_s_";
constexpr std::string_view base_fields[] = {"seed", "dtype", "dt"};
// Upstream's metadata fields, on every config it writes: free data kept with the config, and the
// delimiters (constants; we read only the defaults).
constexpr std::string_view metadata_key = "__metadata__";
constexpr std::string_view editor_metadata_key = "__graph_editor_metadata__";
constexpr std::pair<std::string_view, std::string_view> delimiter_keys[] = {
    {"__config_delimiter__", nested_delimiter}, {"__shared_config_delimiter__", shared_prefix}};

/// The base fields a config gets when no layer sets them.
struct base_values {
    std::uint64_t seed = 0;
    std::int32_t dtype = SPARK_DTYPE_F32;
    double dt = 1.0;
    bool dt_valid = true; // false when a layer gave a dt that is refused (a rule then skips it)
};

/// One object of values for a config; later layers win over earlier ones.
struct layer {
    const json::object* object{};
    bool from_schema{}; // written in a plugin's schema: its problems are the plugin's to fix
};

/// One value given for a field, by the schema's default or by a layer.
struct candidate {
    const json::value* value{};
    bool from_schema{};
};

/// A number a validator looks at: a scalar field, or one element of an array field.
struct checked_number {
    std::string label; // "tau", "units[1]"
    double value{};
};

std::string child_path(const std::string& path, std::string_view name) {
    return path.empty() ? std::string(name) : path + "/" + std::string(name);
}

/// `value` as a message quotes it: at most about excerpt_length characters (a value from a file
/// may be megabytes), arrays and objects cut after the item that passes it, with their size.
std::string render(const json::value& value) {
    switch (value.kind()) {
    case json::kind::null:
        return "null";
    case json::kind::bool_:
        return value.get_bool() ? "true" : "false";
    case json::kind::int64:
        return std::to_string(value.get_int64());
    case json::kind::uint64:
        return std::to_string(value.get_uint64());
    case json::kind::double_:
        return format_number(value.get_double());
    case json::kind::array: {
        const auto& array = value.get_array();
        std::string text = "[";
        for (std::size_t i = 0; i < array.size(); ++i) {
            if (text.size() > excerpt_length) {
                return text + ", ... (" + std::to_string(array.size()) + " elements)]";
            }
            text += (i > 0 ? ", " : "") + render(array[i]);
        }
        return text + "]";
    }
    case json::kind::string:
        return json::serialize(json::value(excerpt(value.get_string())));
    case json::kind::object: {
        const auto& object = value.get_object();
        std::string text = "{";
        for (const auto& entry : object) {
            if (text.size() > excerpt_length) {
                return text + ", ... (" + std::to_string(object.size()) + " keys)}";
            }
            text += (text.size() > 1 ? ", " : "") +
                    json::serialize(json::value(excerpt(entry.key()))) + ": " +
                    render(entry.value());
        }
        return text + "}";
    }
    }
    return json::serialize(value);
}

std::optional<std::int64_t> as_int(const json::value& value) {
    if (value.is_int64()) {
        return value.get_int64();
    }
    if (value.is_uint64()) {
        if (value.get_uint64() <=
            static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
            return static_cast<std::int64_t>(value.get_uint64());
        }
        return std::nullopt;
    }
    if (value.is_double()) {
        // 4.0 is the integer 4 (JSON writers print whole floats that way); 2.5 is not an integer.
        const double d = value.get_double();
        constexpr double limit = 9223372036854775808.0; // 2^63
        if (std::trunc(d) == d && d >= -limit && d < limit) {
            return static_cast<std::int64_t>(d);
        }
    }
    return std::nullopt;
}

std::optional<double> as_float(const json::value& value) {
    if (value.is_double()) {
        return value.get_double();
    }
    if (value.is_int64()) {
        return static_cast<double>(value.get_int64());
    }
    if (value.is_uint64()) {
        return static_cast<double>(value.get_uint64());
    }
    return std::nullopt;
}

std::string_view expected_text(std::int32_t field_type) {
    switch (field_type) {
    case SPARK_FIELD_BOOL:
        return "a bool";
    case SPARK_FIELD_INT:
        return "an integer";
    case SPARK_FIELD_FLOAT:
        return "a number";
    case SPARK_FIELD_STRING:
        return "a string";
    case SPARK_FIELD_INT_ARRAY:
        return "an array of integers";
    case SPARK_FIELD_FLOAT_ARRAY:
        return "an array of numbers";
    case SPARK_FIELD_CONFIG:
        return "an object naming a module type with \"__class_ref__\"";
    case SPARK_FIELD_INITIALIZER:
        return "a number or an object naming an initializer type with \"__class_ref__\"";
    default:
        return "a value of an unknown field type";
    }
}

std::string_view validator_name(std::int32_t kind) {
    switch (kind) {
    case SPARK_VALIDATOR_POSITIVE:
        return "positive";
    case SPARK_VALIDATOR_NON_NEGATIVE:
        return "non-negative";
    case SPARK_VALIDATOR_RANGE:
        return "range";
    case SPARK_VALIDATOR_ONE_OF:
        return "one-of";
    case SPARK_VALIDATOR_GREATER_THAN_FIELD:
        return "greater-than-field";
    case SPARK_VALIDATOR_LENGTH:
        return "length";
    case SPARK_VALIDATOR_NEGATIVE:
        return "negative";
    case SPARK_VALIDATOR_RULE:
        return "rule";
    default:
        return "unknown";
    }
}

/// "an initializer", "a component".
std::string with_article(std::string_view noun) {
    const bool vowel =
        !noun.empty() && std::string_view("aeiou").find(noun.front()) != std::string_view::npos;
    return (vowel ? "an " : "a ") + std::string(noun);
}

class builder {
public:
    builder(const registry::plugin_registry& registry,
            std::vector<config_issue>& issues,
            const build_options& options)
        : registry_(registry), issues_(issues), mode_(options.mode), partial_(options.partial),
          vendor_preference_(options.vendor_preference), relative_to_(options.relative_to) {}

    /// `inherited_shared`: the "_s_" values of the enclosing configs (name -> value).
    std::unique_ptr<config_impl> build(const registry::module_type_info& type,
                                       const std::vector<layer>& given_layers,
                                       std::string path,
                                       const base_values& inherited,
                                       const json::object& inherited_shared) {
        auto config = std::make_unique<config_impl>();
        const spark_module_type_t& abi = *type.abi;
        config->registry = &registry_;
        config->vendor_preference = vendor_preference_;
        config->relative_to = relative_to_;
        config->type = &type;
        config->path = std::move(path);
        config->class_ref = type.canonical_id;
        config->slots.resize(abi.field_count);
        config->values.resize(abi.field_count);

        // Fold "a__b" keys into nested objects and collect "_s_" values; the folded objects must
        // outlive the nested builds that point into them.
        std::deque<json::object> folded;
        std::vector<layer> layers;
        json::object shared;
        for (const auto& source : given_layers) {
            folded.push_back(fold(*source.object, shared, config->path));
            layers.push_back({&folded.back(), source.from_schema});
        }
        // An enclosing config's shared value reaches this level after this level's own keys, so
        // it wins (as upstream injects "_s_" keys into every child dict).
        for (const auto& entry : inherited_shared) {
            shared[entry.key()] = entry.value();
        }
        // Shared values for this level's fields go last: they win over explicit values.
        json::object here;
        for (const auto& entry : shared) {
            if (is_field(type, entry.key())) {
                here[entry.key()] = entry.value();
            }
        }
        if (!here.empty()) {
            folded.push_back(std::move(here));
            layers.push_back({&folded.back(), false});
        }
        check_keys(type, layers, config->path);
        read_metadata(layers, *config);

        const base_values base = read_base(layers, config->path, inherited);
        config->abi.seed = base.seed;
        config->abi.dtype = base.dtype;
        config->abi.dt = base.dt;

        // Schema defaults are parsed here and must outlive the candidates pointing at them.
        std::deque<json::value> defaults;
        std::vector<bool> ok(abi.field_count, false);
        for (std::uint32_t i = 0; i < abi.field_count; ++i) {
            const spark_field_desc_t& field = abi.fields[i];
            const std::string field_path = child_path(config->path, field.name);
            std::vector<candidate> candidates;
            if (field.default_json != nullptr) {
                boost::system::error_code error;
                json::value parsed = json::parse(field.default_json, error);
                if (error) {
                    issue(field_path,
                          std::string(field.name) +
                              " has a default that is not valid JSON: " + field.default_json +
                              " (a bug in the schema of " + type.canonical_id + ")");
                    continue;
                }
                defaults.push_back(std::move(parsed));
                candidates.push_back({&defaults.back(), true});
            }
            for (const auto& source : layers) {
                if (const auto* given = source.object->if_contains(field.name)) {
                    // Upstream writes None for an optional value left unset (min_value: null):
                    // in compat mode that is the field's default. A CONFIG field's null is none
                    // in every mode when the field is nullable, and an error when it is not.
                    if (given->is_null() && mode_ == config_mode::compat &&
                        field.type != SPARK_FIELD_CONFIG) {
                        continue;
                    }
                    candidates.push_back({given, source.from_schema});
                }
            }
            if (candidates.empty()) {
                if (!partial_) {
                    issue(field_path, std::string(field.name) + " is required and has no default");
                }
                continue;
            }
            auto& value = config->values[i];
            auto& slot = config->slots[i];
            value.type = field.type;
            if (field.type == SPARK_FIELD_CONFIG || field.type == SPARK_FIELD_INITIALIZER) {
                ok[i] = read_nested(type, field, candidates, field_path, base, shared, value, slot);
            } else {
                ok[i] = read_plain(type, field, candidates.back(), field_path, value, slot);
            }
        }
        // A rule reads several fields: it runs only when each of them passed its own validators,
        // so that one wrong value is reported once, where it is.
        std::vector<bool> valid(abi.field_count, false);
        for (std::uint32_t i = 0; i < abi.field_count; ++i) {
            if (ok[i]) {
                const std::size_t before = issues_.size();
                validate(type, *config, i, ok);
                valid[i] = issues_.size() == before;
            }
        }
        for (std::uint32_t i = 0; i < abi.field_count; ++i) {
            if (valid[i]) {
                check_rules(type, *config, i, valid, base.dt_valid);
            }
        }
        config->link();
        return config;
    }

private:
    /// Whether `name` is a field of `type` (its schema's or a base field).
    static bool is_field(const registry::module_type_info& type, std::string_view name) {
        for (std::uint32_t i = 0; i < type.abi->field_count; ++i) {
            if (name == type.abi->fields[i].name) {
                return true;
            }
        }
        return std::find(std::begin(base_fields), std::end(base_fields), name) !=
               std::end(base_fields);
    }

    /// One level of upstream's folding (docs/file-format.md §1.5.1), in key order: "_s_name" goes
    /// to `shared`; "a__b" (split at the first "__") becomes key b of the object in key a; other
    /// keys are copied. Keys starting with "__" are left alone ("__class_ref__", metadata).
    json::object fold(const json::object& in, json::object& shared, const std::string& path) {
        json::object out;
        for (const auto& entry : in) {
            const std::string_view key = entry.key();
            if (key.substr(0, shared_prefix.size()) == shared_prefix) {
                shared[key.substr(shared_prefix.size())] = entry.value();
                continue;
            }
            const auto split = key.find(nested_delimiter);
            if (split == std::string_view::npos || split == 0) {
                out[key] = entry.value();
                continue;
            }
            const std::string_view child = key.substr(0, split);
            const std::string_view rest = key.substr(split + nested_delimiter.size());
            json::value& slot = out[child];
            if (slot.is_null()) {
                slot = json::object();
            }
            if (!slot.is_object()) {
                issue(child_path(path, key),
                      std::string(child) + " is given both as a value (" + render(slot) +
                          ") and through '" + std::string(key) +
                          "'; give a nested object, or keys 'a__b', not both");
                continue;
            }
            slot.get_object()[rest] = entry.value();
        }
        return out;
    }

    void issue(std::string path, std::string message) {
        issues_.push_back({std::move(path), std::move(message)});
    }

    static std::string schema_note(bool from_schema, const registry::module_type_info& type) {
        return from_schema ? " (the default in the schema of " + type.canonical_id + ")" : "";
    }

    void check_keys(const registry::module_type_info& type,
                    const std::vector<layer>& layers,
                    const std::string& path) {
        const spark_module_type_t& abi = *type.abi;
        std::vector<std::string> known;
        for (std::uint32_t i = 0; i < abi.field_count; ++i) {
            known.emplace_back(abi.fields[i].name);
        }
        for (const auto name : base_fields) {
            known.emplace_back(name);
        }
        for (const auto& source : layers) {
            for (const auto& entry : *source.object) {
                const std::string_view key = entry.key();
                // "__class_ref__" chose this type; whoever resolved it has read it already.
                // Metadata is read by read_metadata().
                if (key == class_ref_key || key == metadata_key || key == editor_metadata_key ||
                    std::find(known.begin(), known.end(), key) != known.end()) {
                    continue;
                }
                if (const auto delimiter =
                        std::find_if(std::begin(delimiter_keys),
                                     std::end(delimiter_keys),
                                     [&](const auto& known_key) { return known_key.first == key; });
                    delimiter != std::end(delimiter_keys)) {
                    if (!entry.value().is_string() ||
                        entry.value().get_string() != delimiter->second) {
                        issue(child_path(path, key),
                              std::string(key) + " is " + render(entry.value()) +
                                  "; Spark C++ reads only upstream's default \"" +
                                  std::string(delimiter->second) + "\"");
                    }
                    continue;
                }
                std::string message = "unknown field '" + std::string(key) + "'";
                const auto close = closest_names(key, known);
                if (!close.empty()) {
                    message += "; did you mean " + quoted_alternatives(close) + "?";
                } else {
                    message += "; the fields of " + type.canonical_id + " are " + join(known, ", ");
                }
                // A schema's own default is the plugin's to fix, in any mode.
                if (!source.from_schema &&
                    dropped_in_compat(mode_, child_path(path, key), message)) {
                    continue;
                }
                issue(child_path(path, key), message + schema_note(source.from_schema, type));
            }
        }
    }

    /// Upstream's __metadata__ and __graph_editor_metadata__, kept verbatim (the last layer's).
    void read_metadata(const std::vector<layer>& layers, config_impl& config) {
        for (const auto& source : layers) {
            for (const auto& [key, kept] :
                 {std::pair{metadata_key, &config.metadata_json},
                  std::pair{editor_metadata_key, &config.graph_editor_metadata_json}}) {
                if (const auto* given = source.object->if_contains(key)) {
                    if (!given->is_object()) {
                        issue(child_path(config.path, key),
                              std::string(key) + " must be an object, got " + render(*given));
                        continue;
                    }
                    *kept = given->get_object().empty() ? "" : compact(*given);
                }
            }
        }
    }

    base_values read_base(const std::vector<layer>& layers,
                          const std::string& path,
                          const base_values& inherited) {
        base_values base = inherited;
        const auto last = [&](std::string_view name) -> const json::value* {
            const json::value* found = nullptr;
            for (const auto& source : layers) {
                if (const auto* given = source.object->if_contains(name)) {
                    found = given;
                }
            }
            return found;
        };
        if (const auto* seed = last("seed")) {
            if (seed->is_uint64()) {
                base.seed = seed->get_uint64();
            } else if (seed->is_int64() && seed->get_int64() >= 0) {
                base.seed = static_cast<std::uint64_t>(seed->get_int64());
            } else {
                issue(child_path(path, "seed"),
                      "seed must be an integer in [0, 2^64), got " + render(*seed));
            }
        }
        if (const auto* dtype = last("dtype")) {
            if (dtype->is_string() && dtype->get_string() == "float32") {
                base.dtype = SPARK_DTYPE_F32;
            } else if (dtype->is_string() && dtype->get_string() == "float64") {
                base.dtype = SPARK_DTYPE_F64;
            } else {
                issue(child_path(path, "dtype"),
                      "dtype must be \"float32\" or \"float64\", got " + render(*dtype));
            }
        }
        if (const auto* dt = last("dt")) {
            const auto number = as_float(*dt);
            if (!number) {
                issue(child_path(path, "dt"), "dt must be a number [ms], got " + render(*dt));
                base.dt_valid = false;
            } else if (!(*number > 0)) {
                issue(child_path(path, "dt"), "dt must be > 0, got " + format_number(*number));
                base.dt_valid = false;
            } else {
                base.dt = *number;
            }
        }
        return base;
    }

    bool read_plain(const registry::module_type_info& type,
                    const spark_field_desc_t& field,
                    const candidate& given,
                    const std::string& path,
                    spark_value_t& value,
                    config_impl::slot& slot) {
        const json::value& json_value = *given.value;
        const std::string name = field.name;
        const auto wrong_element = [&](const std::string& label, const json::value& got) {
            const std::string_view expected =
                field.type == SPARK_FIELD_INT_ARRAY ? "an integer" : "a number";
            issue(path,
                  label + " must be " + std::string(expected) + ", got " + render(got) +
                      schema_note(given.from_schema, type));
        };
        switch (field.type) {
        case SPARK_FIELD_BOOL:
            if (json_value.is_bool()) {
                value.b = json_value.get_bool();
                return true;
            }
            break;
        case SPARK_FIELD_INT:
            if (const auto number = as_int(json_value)) {
                value.i = *number;
                return true;
            }
            break;
        case SPARK_FIELD_FLOAT:
            if (const auto number = as_float(json_value)) {
                value.f = *number;
                return true;
            }
            break;
        case SPARK_FIELD_STRING:
            if (json_value.is_string()) {
                slot.text = json_value.get_string();
                if ((field.flags & SPARK_FIELD_PATH) != 0 && !slot.text.empty()) {
                    slot.text = absolute_path(slot.text);
                }
                return true;
            }
            break;
        case SPARK_FIELD_INT_ARRAY:
        case SPARK_FIELD_FLOAT_ARRAY: {
            if (field.type == SPARK_FIELD_FLOAT_ARRAY && json_value.is_number()) {
                // One number for a per-element parameter: the same for every element (upstream's
                // scalar arrays, e.g. a spiker's glue 0).
                slot.floats.push_back(*as_float(json_value));
                return true;
            }
            if (!json_value.is_array()) {
                break;
            }
            bool all = true;
            const auto& array = json_value.get_array();
            for (std::size_t k = 0; k < array.size(); ++k) {
                const std::string label = name + "[" + std::to_string(k) + "]";
                if (field.type == SPARK_FIELD_INT_ARRAY) {
                    if (const auto number = as_int(array[k])) {
                        slot.ints.push_back(*number);
                        continue;
                    }
                } else if (const auto number = as_float(array[k])) {
                    slot.floats.push_back(*number);
                    continue;
                }
                wrong_element(label, array[k]);
                all = false;
            }
            return all;
        }
        default:
            issue(path,
                  name + " has the unknown field type " + std::to_string(field.type) +
                      " (a bug in the schema of " + type.canonical_id + ")");
            return false;
        }
        issue(path,
              name + " must be " + std::string(expected_text(field.type)) + ", got " +
                  render(json_value) + schema_note(given.from_schema, type));
        return false;
    }

    bool read_nested(const registry::module_type_info& type,
                     const spark_field_desc_t& field,
                     const std::vector<candidate>& candidates,
                     const std::string& path,
                     const base_values& parent,
                     const json::object& shared,
                     spark_value_t& value,
                     config_impl::slot& slot) {
        const std::string name = field.name;
        const bool initializer = field.type == SPARK_FIELD_INITIALIZER;
        const bool nullable =
            field.type == SPARK_FIELD_CONFIG && (field.flags & SPARK_FIELD_NULLABLE) != 0;
        const registry::module_type_info* chosen = nullptr;
        std::vector<layer> collected;
        // The latest candidate was a number (initializer fields). Plain values rather than
        // std::optional: GCC 12 at -O2 warns (falsely) that the optionals may be uninitialized.
        bool has_number = false;
        double number = 0.0;
        // The latest candidate was null for a nullable field: none, unless an object follows.
        const candidate* none = nullptr;
        for (const auto& given : candidates) {
            if (initializer && given.value->is_number()) {
                // A number replaces whatever object came before it, and vice versa.
                number = as_float(*given.value).value_or(0.0); // a JSON number always converts
                has_number = true;
                chosen = nullptr;
                collected.clear();
                continue;
            }
            if (nullable && given.value->is_null()) {
                // None replaces whatever config came before it.
                none = &given;
                chosen = nullptr;
                collected.clear();
                continue;
            }
            if (!given.value->is_object()) {
                issue(path,
                      name + " must be " + std::string(expected_text(field.type)) +
                          (nullable ? ", or null for none" : "") + ", got " + render(*given.value) +
                          (field.type == SPARK_FIELD_CONFIG && given.value->is_null()
                               ? "; this field cannot be none"
                               : "") +
                          schema_note(given.from_schema, type));
                return false;
            }
            const json::object& object = given.value->get_object();
            if (const auto* ref = object.if_contains(class_ref_key)) {
                if (!ref->is_string()) {
                    issue(path,
                          name + ".__class_ref__ must be a string naming a module type, got " +
                              render(*ref) + schema_note(given.from_schema, type));
                    return false;
                }
                const registry::module_type_info* resolved = nullptr;
                try {
                    resolved = &registry_.resolve(std::string_view(ref->get_string()),
                                                  preference_for(given));
                } catch (const spark::error& e) {
                    issue(path, name + ": " + e.what() + schema_note(given.from_schema, type));
                    return false;
                }
                // Values written for another type do not carry over to the newly named one.
                if (resolved != chosen) {
                    collected.clear();
                    chosen = resolved;
                }
            }
            has_number = false;
            if (none != nullptr && chosen == nullptr) {
                // An object without "__class_ref__" over none: there is no type to fill in.
                if (partial_) {
                    return false; // a draft may leave the type to choose later
                }
                issue(path,
                      name + " needs \"__class_ref__\" naming " + wanted_type(field) + " (" +
                          (none->from_schema ? "the field's default is none"
                                             : "it is none underneath") +
                          ", so there is no type to fill in)" +
                          schema_note(given.from_schema, type));
                return false;
            }
            none = nullptr;
            collected.push_back({&object, given.from_schema});
        }
        if (has_number) {
            value.type = SPARK_FIELD_FLOAT;
            value.f = number;
            return true;
        }
        if (none != nullptr) {
            value.type = SPARK_FIELD_CONFIG; // holding none: config stays NULL, slot.nested empty
            return true;
        }
        const std::int32_t wanted_kind = initializer ? SPARK_KIND_INITIALIZER : field.nested_kind;
        const std::string wanted = wanted_type(field);
        if (chosen == nullptr) {
            if (partial_) {
                return false; // a draft may leave the type to choose later
            }
            issue(path,
                  name + " needs \"__class_ref__\" naming " + wanted +
                      " (the field has no default type)");
            return false;
        }
        if ((wanted_kind != 0 && chosen->abi->kind != wanted_kind) ||
            (field.nested_kind != 0 && chosen->abi->kind != field.nested_kind)) {
            issue(path,
                  name + " must name " + wanted + ", got " + chosen->canonical_id + " (" +
                      std::string(registry::kind_name(chosen->abi->kind)) + ")");
            return false;
        }
        // The nested config follows its parent's dtype and dt and draws its own random stream
        // from the parent's seed, unless the nested object sets them.
        base_values inherited = parent;
        inherited.seed = mix_seed(parent.seed ^ stable_hash(name));
        const std::size_t before = issues_.size();
        slot.nested.emplace(
            module_config_access::make(build(*chosen, collected, path, inherited, shared)));
        return issues_.size() == before;
    }

    /// The vendors a bare "__class_ref__" prefers: the brain's, for names its file writes. A
    /// schema's default names its type as the plugin that wrote it means it, whatever a brain
    /// pins (a brain pinning acme keeps spark.lif_neuron's default spark.n2n_delays).
    std::span<const std::string> preference_for(const candidate& given) const {
        if (given.from_schema) {
            return {};
        }
        return vendor_preference_;
    }

    /// "a component type", "an initializer type", "a module type": what a nested config of
    /// `field` must name.
    static std::string wanted_type(const spark_field_desc_t& field) {
        const std::int32_t kind =
            field.type == SPARK_FIELD_INITIALIZER ? SPARK_KIND_INITIALIZER : field.nested_kind;
        return kind != 0 ? with_article(registry::kind_name(kind)) + " type" : "a module type";
    }

    // The numbers a numeric validator looks at, or nullopt when the value has none (an
    // initializer field holding a config).
    static std::optional<std::vector<checked_number>> numbers(const spark_field_desc_t& field,
                                                              const spark_value_t& value,
                                                              const config_impl::slot& slot) {
        const std::string name = field.name;
        std::vector<checked_number> out;
        switch (value.type) {
        case SPARK_FIELD_INT:
            out.push_back({name, static_cast<double>(value.i)});
            break;
        case SPARK_FIELD_FLOAT:
            out.push_back({name, value.f});
            break;
        case SPARK_FIELD_INT_ARRAY:
            for (std::size_t k = 0; k < slot.ints.size(); ++k) {
                out.push_back(
                    {name + "[" + std::to_string(k) + "]", static_cast<double>(slot.ints[k])});
            }
            break;
        case SPARK_FIELD_FLOAT_ARRAY:
            for (std::size_t k = 0; k < slot.floats.size(); ++k) {
                out.push_back({name + "[" + std::to_string(k) + "]", slot.floats[k]});
            }
            break;
        default:
            return std::nullopt;
        }
        return out;
    }

    void validate(const registry::module_type_info& type,
                  const config_impl& config,
                  std::uint32_t index,
                  const std::vector<bool>& ok) {
        const spark_module_type_t& abi = *type.abi;
        const spark_field_desc_t& field = abi.fields[index];
        const spark_value_t& value = config.values[index];
        const auto& slot = config.slots[index];
        const std::string name = field.name;
        const std::string path = child_path(config.path, name);
        const bool is_array =
            field.type == SPARK_FIELD_INT_ARRAY || field.type == SPARK_FIELD_FLOAT_ARRAY;
        const bool is_numeric = is_array || field.type == SPARK_FIELD_INT ||
                                field.type == SPARK_FIELD_FLOAT ||
                                field.type == SPARK_FIELD_INITIALIZER;
        for (std::uint32_t v = 0; v < field.validator_count; ++v) {
            const spark_validator_t& validator = field.validators[v];
            const bool applies = [&] {
                switch (validator.kind) {
                case SPARK_VALIDATOR_POSITIVE:
                case SPARK_VALIDATOR_NON_NEGATIVE:
                case SPARK_VALIDATOR_NEGATIVE:
                case SPARK_VALIDATOR_RANGE:
                    return is_numeric;
                case SPARK_VALIDATOR_RULE:
                    return true; // checked by check_rules once every field is read
                case SPARK_VALIDATOR_GREATER_THAN_FIELD:
                    return is_numeric && !is_array;
                case SPARK_VALIDATOR_ONE_OF:
                    return field.type == SPARK_FIELD_STRING;
                case SPARK_VALIDATOR_LENGTH:
                    return is_array;
                default:
                    return false;
                }
            }();
            if (!applies) {
                issue(path,
                      "the " + std::string(validator_name(validator.kind)) + " validator (kind " +
                          std::to_string(validator.kind) + ") cannot apply to the " +
                          std::string(registry::field_type_name(field.type)) + " field " + name +
                          " (a bug in the schema of " + type.canonical_id + ")");
                continue;
            }
            switch (validator.kind) {
            case SPARK_VALIDATOR_POSITIVE:
            case SPARK_VALIDATOR_NON_NEGATIVE:
            case SPARK_VALIDATOR_NEGATIVE:
            case SPARK_VALIDATOR_RANGE:
                check_bounds(validator, numbers(field, value, slot), path);
                break;
            case SPARK_VALIDATOR_ONE_OF:
                check_one_of(validator, name, slot.text, path);
                break;
            case SPARK_VALIDATOR_LENGTH:
                check_length(validator,
                             name,
                             static_cast<double>(field.type == SPARK_FIELD_INT_ARRAY
                                                     ? slot.ints.size()
                                                     : slot.floats.size()),
                             path);
                break;
            case SPARK_VALIDATOR_GREATER_THAN_FIELD:
                check_greater(type, config, validator, index, ok, path);
                break;
            default:
                break;
            }
        }
    }

    void check_bounds(const spark_validator_t& validator,
                      const std::optional<std::vector<checked_number>>& checked,
                      const std::string& path) {
        if (!checked) {
            return; // an initializer field holding a config: the initializer checks its own
        }
        for (const auto& [label, x] : *checked) {
            switch (validator.kind) {
            case SPARK_VALIDATOR_POSITIVE:
                if (!(x > 0)) {
                    issue(path, label + " must be > 0, got " + format_number(x));
                }
                break;
            case SPARK_VALIDATOR_NON_NEGATIVE:
                if (!(x >= 0)) {
                    issue(path, label + " must be >= 0, got " + format_number(x));
                }
                break;
            case SPARK_VALIDATOR_NEGATIVE:
                if (!(x < 0)) {
                    issue(path, label + " must be < 0, got " + format_number(x));
                }
                break;
            case SPARK_VALIDATOR_RANGE:
                if (!(x >= validator.min && x <= validator.max)) {
                    std::string bound;
                    if (std::isinf(validator.min)) {
                        bound = "<= " + format_number(validator.max);
                    } else if (std::isinf(validator.max)) {
                        bound = ">= " + format_number(validator.min);
                    } else {
                        bound = "in [" + format_number(validator.min) + ", " +
                                format_number(validator.max) + "]";
                    }
                    issue(path, label + " must be " + bound + ", got " + format_number(x));
                }
                break;
            default:
                break;
            }
        }
    }

    void check_one_of(const spark_validator_t& validator,
                      const std::string& name,
                      const std::string& text,
                      const std::string& path) {
        std::vector<std::string> options;
        for (std::uint32_t k = 0; k < validator.option_count; ++k) {
            if (text == validator.options[k]) {
                return;
            }
            options.push_back(json::serialize(json::value(validator.options[k])));
        }
        issue(path,
              name + " must be one of " + join(options, ", ") + ", got " +
                  json::serialize(json::value(excerpt(text))));
    }

    void check_length(const spark_validator_t& validator,
                      const std::string& name,
                      double count,
                      const std::string& path) {
        if (count >= validator.min && count <= validator.max) {
            return;
        }
        std::string bound;
        if (validator.min == validator.max) {
            bound = "exactly " + elements(validator.min);
        } else if (std::isinf(validator.max)) {
            bound = "at least " + elements(validator.min);
        } else if (validator.min <= 0) {
            bound = "at most " + elements(validator.max);
        } else {
            bound = "between " + format_number(validator.min) + " and " + elements(validator.max);
        }
        issue(path, name + " must have " + bound + ", got " + format_number(count));
    }

    void check_greater(const registry::module_type_info& type,
                       const config_impl& config,
                       const spark_validator_t& validator,
                       std::uint32_t index,
                       const std::vector<bool>& ok,
                       const std::string& path) {
        const spark_module_type_t& abi = *type.abi;
        const std::string name = abi.fields[index].name;
        const std::string other_name = validator.field != nullptr ? validator.field : "";
        std::uint32_t other = abi.field_count;
        for (std::uint32_t k = 0; k < abi.field_count; ++k) {
            if (other_name == abi.fields[k].name) {
                other = k;
            }
        }
        if (other == abi.field_count) {
            issue(path,
                  "the greater-than-field validator of " + name + " names the unknown field '" +
                      other_name + "' (a bug in the schema of " + type.canonical_id + ")");
            return;
        }
        if (!ok[other]) {
            return; // that field's own problem is reported already
        }
        const auto mine = numbers(abi.fields[index], config.values[index], config.slots[index]);
        const auto theirs = numbers(abi.fields[other], config.values[other], config.slots[other]);
        if (!mine || !theirs || mine->size() != 1 || theirs->size() != 1) {
            return; // an initializer config on either side: nothing to compare
        }
        const double x = mine->front().value;
        const double y = theirs->front().value;
        if (!(x > y)) {
            issue(path,
                  name + " must be > " + other_name + ", got " + format_number(x) +
                      " <= " + format_number(y));
        }
    }

    /// The RULE validators of field `index` (spark/sdk/rule_expression.hpp), each evaluated when
    /// every field it reads is valid and holds a number, a bool or an array.
    void check_rules(const registry::module_type_info& type,
                     const config_impl& config,
                     std::uint32_t index,
                     const std::vector<bool>& valid,
                     bool dt_valid) {
        const spark_module_type_t& abi = *type.abi;
        const spark_field_desc_t& field = abi.fields[index];
        for (std::uint32_t v = 0; v < field.validator_count; ++v) {
            const spark_validator_t& validator = field.validators[v];
            if (validator.kind != SPARK_VALIDATOR_RULE) {
                continue;
            }
            std::string error;
            const auto rule = sdk::rule_expression::parse(validator.field, error);
            if (!rule) {
                issue(child_path(config.path, field.name),
                      "the rule '" + std::string(validator.field) + "' of " + field.name +
                          " does not parse: " + error + " (a bug in the schema of " +
                          type.canonical_id + ")");
                continue;
            }
            check_rule(type, config, index, *rule, validator, valid, dt_valid);
        }
    }

    void check_rule(const registry::module_type_info& type,
                    const config_impl& config,
                    std::uint32_t index,
                    const sdk::rule_expression& rule,
                    const spark_validator_t& validator,
                    const std::vector<bool>& valid,
                    bool dt_valid) {
        const spark_module_type_t& abi = *type.abi;
        // Each name's value (a bool as 0 or 1) or its array's length, with what a message shows;
        // a name that has none (an invalid field, an initializer config) skips the rule.
        struct operand {
            double value = 0.0;
            double length = 0.0;
            std::string shown; // "omega = 4"
            std::string path;
        };
        std::vector<std::pair<std::string, operand>> operands;
        for (const auto& name : rule.names()) {
            operand o;
            o.path = child_path(config.path, name);
            if (name == "dt") {
                if (!dt_valid) {
                    return; // dt's own problem is reported already
                }
                o.value = config.abi.dt;
                o.shown = "dt = " + format_number(o.value);
                operands.emplace_back(name, o);
                continue;
            }
            std::uint32_t k = 0;
            while (k < abi.field_count && name != abi.fields[k].name) {
                ++k;
            }
            if (k == abi.field_count || !valid[k]) {
                return; // not a field (refused at load) or its own problem is reported already
            }
            const spark_value_t& value = config.values[k];
            switch (value.type) {
            case SPARK_FIELD_BOOL:
                o.value = value.b ? 1.0 : 0.0;
                o.shown = name + " = " + (value.b ? "true" : "false");
                break;
            case SPARK_FIELD_INT:
                o.value = static_cast<double>(value.i);
                o.shown = name + " = " + format_number(o.value);
                break;
            case SPARK_FIELD_FLOAT: // also an initializer field holding a number
                o.value = value.f;
                o.shown = name + " = " + format_number(o.value);
                break;
            case SPARK_FIELD_INT_ARRAY:
            case SPARK_FIELD_FLOAT_ARRAY:
                o.length = static_cast<double>(value.type == SPARK_FIELD_INT_ARRAY
                                                   ? config.slots[k].ints.size()
                                                   : config.slots[k].floats.size());
                o.shown = "len(" + name + ") = " + format_number(o.length);
                break;
            default:
                return; // an initializer given as a config: no number to check
            }
            operands.emplace_back(name, o);
        }
        const auto find = [&](std::string_view name) -> const operand& {
            for (const auto& [n, o] : operands) {
                if (n == name) {
                    return o;
                }
            }
            return operands.front().second; // unreachable: names() lists every name
        };
        if (rule.holds([&](std::string_view name) { return find(name).value; },
                       [&](std::string_view name) { return find(name).length; })) {
            return;
        }
        std::vector<std::string> shown;
        std::vector<std::string> paths;
        for (const auto& [name, o] : operands) {
            shown.push_back(o.shown);
            paths.push_back(o.path);
        }
        const std::string why = validator.option_count == 1
                                    ? " (" + std::string(validator.options[0]) + ")"
                                    : std::string();
        issue(child_path(config.path, abi.fields[index].name),
              rule.text() + " must hold" + why + ", got " + join(shown, ", ") + "; change " +
                  join(paths, " or "));
    }

    const registry::plugin_registry& registry_;
    std::vector<config_issue>& issues_;
    config_mode mode_;
    bool partial_;
    const std::vector<std::string>& vendor_preference_;
    const std::filesystem::path& relative_to_;

    /// A path field's value made absolute (spark/abi/schema.h, SPARK_FIELD_PATH).
    [[nodiscard]] std::string absolute_path(const std::string& text) const {
        const std::filesystem::path given(text);
        if (given.is_absolute()) {
            return given.lexically_normal().string();
        }
        const std::filesystem::path base =
            relative_to_.empty() ? std::filesystem::current_path() : relative_to_;
        return (base / given).lexically_normal().string();
    }
};

} // namespace

std::unique_ptr<config_impl> build_module_config(const registry::plugin_registry& registry,
                                                 const registry::module_type_info& type,
                                                 const std::vector<std::string_view>& layers_json,
                                                 std::string path,
                                                 const build_options& options,
                                                 std::vector<config_issue>& issues) {
    std::vector<json::value> parsed;
    for (const auto text : layers_json) {
        json::value value;
        try {
            value = parse_json_exact(text, path, options.limits, options.mode);
        } catch (const config_error& e) {
            issues.insert(issues.end(), e.issues().begin(), e.issues().end());
            continue;
        }
        if (!value.is_object()) {
            issues.push_back({path, "the overrides must be a JSON object, got " + render(value)});
            continue;
        }
        parsed.push_back(std::move(value));
    }
    if (!issues.empty()) {
        return nullptr;
    }
    std::vector<layer> layers;
    for (const auto& value : parsed) {
        layers.push_back({&value.get_object(), false});
    }
    base_values base;
    // Each module of a brain gets its own reproducible stream without anyone choosing seeds.
    base.seed = mix_seed(stable_hash(path));
    builder make(registry, issues, options);
    return make.build(type, layers, std::move(path), base, json::object());
}

std::unique_ptr<config_impl> build_module_config(const registry::plugin_registry& registry,
                                                 const registry::module_type_info& type,
                                                 std::string_view overrides_json,
                                                 std::string path,
                                                 config_mode mode,
                                                 std::span<const std::string> vendor_preference,
                                                 const std::filesystem::path& relative_to) {
    std::vector<config_issue> issues;
    build_options options;
    options.mode = mode;
    options.vendor_preference.assign(vendor_preference.begin(), vendor_preference.end());
    options.relative_to = relative_to;
    auto config =
        build_module_config(registry, type, {overrides_json}, std::move(path), options, issues);
    if (!issues.empty()) {
        throw config_error(std::move(issues));
    }
    return config;
}

} // namespace spark::runtime::detail
