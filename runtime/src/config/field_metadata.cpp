// SPDX-License-Identifier: Apache-2.0
#include <cmath>

#include <spark/abi/module.h>
#include <spark/abi/schema.h>
#include <spark/runtime/field_metadata.hpp>

#include "text.hpp"

namespace spark::runtime {
namespace {

std::string text_or_empty(const char* text) {
    return text != nullptr ? text : "";
}

/// A validator as a user reads it, e.g. "in [0, 1]", "greater than potential_reset".
std::string validator_words(const spark_validator_t& validator) {
    using detail::elements;
    using detail::format_number;
    switch (validator.kind) {
    case SPARK_VALIDATOR_POSITIVE:
        return "positive";
    case SPARK_VALIDATOR_NON_NEGATIVE:
        return "non-negative";
    case SPARK_VALIDATOR_NEGATIVE:
        return "negative";
    case SPARK_VALIDATOR_RULE:
        return "rule: " + text_or_empty(validator.field) +
               (validator.option_count == 1 ? " (" + text_or_empty(validator.options[0]) + ")"
                                            : std::string());
    case SPARK_VALIDATOR_RANGE:
        if (std::isinf(validator.min)) {
            return "at most " + format_number(validator.max);
        }
        if (std::isinf(validator.max)) {
            return "at least " + format_number(validator.min);
        }
        return "in [" + format_number(validator.min) + ", " + format_number(validator.max) + "]";
    case SPARK_VALIDATOR_ONE_OF: {
        std::vector<std::string> options;
        for (std::uint32_t i = 0; i < validator.option_count; ++i) {
            options.push_back('"' + std::string(validator.options[i]) + '"');
        }
        return "one of " + detail::join(options, ", ");
    }
    case SPARK_VALIDATOR_GREATER_THAN_FIELD:
        return "greater than " + text_or_empty(validator.field);
    case SPARK_VALIDATOR_LENGTH:
        if (validator.min == validator.max) {
            return "exactly " + elements(validator.min);
        }
        if (std::isinf(validator.max)) {
            return "at least " + elements(validator.min);
        }
        return format_number(validator.min) + " to " + elements(validator.max);
    default:
        return "unknown validator " + std::to_string(validator.kind);
    }
}

} // namespace

std::vector<field_metadata> schema_metadata(const registry::module_type_info& type) {
    // The base fields every config has (module_config reads them).
    std::vector<field_metadata> out{
        {"seed",
         "uint64",
         "",
         "",
         "seed of this module's random stream; by default derived from its place in the brain",
         {},
         false,
         false,
         false},
        {"dtype",
         "string",
         "\"float32\"",
         "",
         "element type of float state and outputs",
         {"one of \"float32\", \"float64\""},
         false,
         false,
         false},
        {"dt", "float", "1.0", "ms", "time step", {"positive"}, false, false, false},
    };
    const spark_module_type_t& abi = *type.abi;
    for (std::uint32_t i = 0; i < abi.field_count; ++i) {
        const spark_field_desc_t& field = abi.fields[i];
        field_metadata meta;
        meta.name = field.name;
        meta.type = registry::field_type_name(field.type);
        if (field.type == SPARK_FIELD_CONFIG && field.nested_kind != 0) {
            meta.type += " (" + std::string(registry::kind_name(field.nested_kind)) + ")";
        }
        meta.nullable =
            field.type == SPARK_FIELD_CONFIG && (field.flags & SPARK_FIELD_NULLABLE) != 0;
        if (meta.nullable) {
            meta.type += " or none";
        }
        if (field.type == SPARK_FIELD_STRING && (field.flags & SPARK_FIELD_PATH) != 0) {
            meta.type += " (path)";
        }
        meta.default_json = text_or_empty(field.default_json);
        meta.units = text_or_empty(field.units);
        meta.description = text_or_empty(field.description);
        for (std::uint32_t v = 0; v < field.validator_count; ++v) {
            meta.validators.push_back(validator_words(field.validators[v]));
        }
        meta.allows_initializer = field.type == SPARK_FIELD_INITIALIZER;
        meta.required = field.default_json == nullptr;
        out.push_back(std::move(meta));
    }
    return out;
}

} // namespace spark::runtime
