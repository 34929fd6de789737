// SPDX-License-Identifier: Apache-2.0
#include "descriptor_check.hpp"

#include <optional>
#include <set>

#include <spark/abi/capabilities.h>
#include <spark/abi/properties.h>
#include <spark/abi/schema.h>
#include <spark/abi/slices.h>
#include <spark/abi/types.h>
#include <spark/registry/module_type_info.hpp>
#include <spark/sdk/rule_expression.hpp>

namespace spark::registry::detail {
namespace {

bool in_range(int32_t value, int32_t low, int32_t high) noexcept {
    return value >= low && value <= high;
}

std::string quoted(const char* text) {
    if (text == nullptr) {
        return "NULL";
    }
    // Appended piecewise: GCC 12 at -O3 reports a false -Wrestrict for "'" + std::string + "'".
    std::string out(1, '\'');
    out += text;
    out += '\'';
    return out;
}

/// What a name in a rule stands for in `type`: one of its fields, or the base field dt.
sdk::rule_operand rule_operand_in_type(const spark_module_type_t& type, std::string_view name) {
    std::optional<int32_t> field_type;
    for (uint32_t f = 0; f < type.field_count && !field_type; ++f) {
        if (type.fields[f].name != nullptr && name == type.fields[f].name) {
            field_type = type.fields[f].type;
        }
    }
    return sdk::rule_operand_of(name, field_type);
}

/// Why a RULE validator's condition cannot be used, or "".
std::string rule_problem(const spark_module_type_t& type, const spark_validator_t& validator) {
    if (validator.field == nullptr) {
        return "has no condition (RULE keeps it in `field`)";
    }
    if (validator.option_count > 1 ||
        (validator.option_count == 1 &&
         (validator.options == nullptr || validator.options[0] == nullptr))) {
        return "(rule) has " + std::to_string(validator.option_count) +
               " reasons or a NULL one (expected none, or one string in options[0])";
    }
    std::string error;
    const auto rule = sdk::rule_expression::parse(validator.field, error);
    if (rule) {
        error =
            rule->check([&](std::string_view name) { return rule_operand_in_type(type, name); });
    }
    return error.empty() ? std::string() : "(rule " + quoted(validator.field) + ") " + error;
}

std::string field_problem(const spark_module_type_t& type, const spark_field_desc_t& field) {
    const std::string where = "field " + quoted(field.name);
    if (field.name == nullptr || !is_identifier(field.name)) {
        return "a field has the name " + quoted(field.name) + " (expected an identifier)";
    }
    const std::string_view name = field.name;
    if (name == "seed" || name == "dtype" || name == "dt") {
        return where + " repeats a base field every config has (seed, dtype, dt); remove it";
    }
    if (!in_range(field.type, SPARK_FIELD_BOOL, SPARK_FIELD_INITIALIZER)) {
        return where + " has unknown type " + std::to_string(field.type) +
               " (expected 1..8, a SPARK_FIELD_* value)";
    }
    if (field.default_json != nullptr && field.default_json[0] == '\0') {
        return where +
               " has an empty default_json (expected NULL for a required field, or JSON text)";
    }
    if (field.validator_count > 0 && field.validators == nullptr) {
        return where + " declares " + std::to_string(field.validator_count) +
               " validators but validators is NULL";
    }
    if (!in_range(field.nested_kind, 0, SPARK_KIND_INITIALIZER)) {
        return where + " has unknown nested_kind " + std::to_string(field.nested_kind) +
               " (expected 0 or a SPARK_KIND_* value)";
    }
    // The flag SPARK_FIELD_PATH and the validators NEGATIVE and RULE came with ABI 1.2: a type
    // built against older headers cannot mean them.
    const bool abi_1_2 = type.abi_version.minor >= 2;
    const auto known = static_cast<uint32_t>(SPARK_FIELD_NULLABLE) |
                       (abi_1_2 ? static_cast<uint32_t>(SPARK_FIELD_PATH) : 0U);
    if (const uint32_t unknown = field.flags & ~known; unknown != 0) {
        return where + " has unknown flag bits " + std::to_string(unknown) +
               (abi_1_2 ? " (the flags are SPARK_FIELD_NULLABLE = 1 and SPARK_FIELD_PATH = 2; "
                          "clear the other bits)"
                        : " (the only flag of ABI 1.0 and 1.1 is SPARK_FIELD_NULLABLE = 1; clear "
                          "the other bits)");
    }
    if ((field.flags & SPARK_FIELD_PATH) != 0 && field.type != SPARK_FIELD_STRING) {
        return where + " has type " + std::string(field_type_name(field.type)) +
               " and the flag SPARK_FIELD_PATH (only a string field holds a path; drop the flag)";
    }
    if ((field.flags & SPARK_FIELD_NULLABLE) != 0 && field.type != SPARK_FIELD_CONFIG) {
        return where + " has type " + std::string(field_type_name(field.type)) +
               " and the flag SPARK_FIELD_NULLABLE (only a config field may hold none; drop the "
               "flag)";
    }
    for (uint32_t v = 0; v < field.validator_count; ++v) {
        const auto& validator = field.validators[v];
        const std::string which = where + " validator " + std::to_string(v);
        // NEGATIVE and RULE came with ABI 1.2: a type built against older headers cannot mean them.
        const int32_t last_kind = abi_1_2 ? SPARK_VALIDATOR_RULE : SPARK_VALIDATOR_LENGTH;
        if (!in_range(validator.kind, SPARK_VALIDATOR_POSITIVE, last_kind)) {
            return which + " has unknown kind " + std::to_string(validator.kind) +
                   " (expected 1.." + std::to_string(last_kind) +
                   ", a SPARK_VALIDATOR_* value of ABI " + (abi_1_2 ? "1.2" : "1.0 and 1.1") + ")";
        }
        if (validator.kind == SPARK_VALIDATOR_RULE) {
            if (auto problem = rule_problem(type, validator); !problem.empty()) {
                return which + " " + problem;
            }
        }
        if ((validator.kind == SPARK_VALIDATOR_RANGE || validator.kind == SPARK_VALIDATOR_LENGTH) &&
            !(validator.min <= validator.max)) {
            return which + " has min " + std::to_string(validator.min) + " > max " +
                   std::to_string(validator.max);
        }
        if (validator.kind == SPARK_VALIDATOR_ONE_OF) {
            if (validator.option_count == 0 || validator.options == nullptr) {
                return which + " (one-of) has no options";
            }
            for (uint32_t o = 0; o < validator.option_count; ++o) {
                if (validator.options[o] == nullptr) {
                    return which + " (one-of) has a NULL option";
                }
            }
        }
        if (validator.kind == SPARK_VALIDATOR_GREATER_THAN_FIELD) {
            bool found = false;
            for (uint32_t f = 0; validator.field != nullptr && f < type.field_count; ++f) {
                const auto& other = type.fields[f];
                found = found ||
                        (other.name != nullptr && std::string_view(other.name) == validator.field &&
                         (other.type == SPARK_FIELD_INT || other.type == SPARK_FIELD_FLOAT));
            }
            if (!found) {
                return which + " (greater-than-field) names " + quoted(validator.field) +
                       ", which is not an int or float field of this type";
            }
        }
    }
    return {};
}

std::string port_problem(const spark_module_type_t& type, const spark_port_desc_t& port) {
    if (port.name == nullptr || !is_identifier(port.name)) {
        return "a port has the name " + quoted(port.name) + " (expected an identifier)";
    }
    const std::string where = "port " + quoted(port.name);
    if (!in_range(port.direction, SPARK_PORT_INPUT, SPARK_PORT_OUTPUT)) {
        return where + " has unknown direction " + std::to_string(port.direction) +
               " (expected 1 = SPARK_PORT_INPUT or 2 = SPARK_PORT_OUTPUT)";
    }
    if (!in_range(port.payload_kind, SPARK_PAYLOAD_SPIKES, SPARK_PAYLOAD_ANY)) {
        return where + " has unknown payload kind " + std::to_string(port.payload_kind) +
               " (expected 1..5, a SPARK_PAYLOAD_* value)";
    }
    if (port.payload_kind == SPARK_PAYLOAD_ANY && port.direction == SPARK_PORT_OUTPUT &&
        port.shape_rule != SPARK_SHAPE_LIKE_PORT && port.shape_rule != SPARK_SHAPE_COMPUTED) {
        return where + " carries any payload, so its shape rule must be SPARK_SHAPE_LIKE_PORT "
                       "(it follows an input) or SPARK_SHAPE_COMPUTED (build decides)";
    }
    if (!in_range(port.shape_rule, SPARK_SHAPE_ANY, SPARK_SHAPE_COMPUTED)) {
        return where + " has unknown shape rule " + std::to_string(port.shape_rule) +
               " (expected 1..4, a SPARK_SHAPE_* value)";
    }
    if (port.shape_rule == SPARK_SHAPE_FROM_FIELD) {
        for (uint32_t f = 0; port.shape_ref != nullptr && f < type.field_count; ++f) {
            const auto& field = type.fields[f];
            if (field.name != nullptr && std::string_view(field.name) == port.shape_ref) {
                if (field.type != SPARK_FIELD_INT_ARRAY) {
                    return where + " takes its shape from field " + quoted(port.shape_ref) +
                           ", which is " + std::string(field_type_name(field.type)) +
                           " (expected int[])";
                }
                return {};
            }
        }
        return where + " takes its shape from field " + quoted(port.shape_ref) +
               ", which the type does not declare";
    }
    if (port.shape_rule == SPARK_SHAPE_LIKE_PORT) {
        for (uint32_t p = 0; port.shape_ref != nullptr && p < type.port_count; ++p) {
            const auto& other = type.ports[p];
            if (&other != &port && other.name != nullptr &&
                std::string_view(other.name) == port.shape_ref) {
                return {};
            }
        }
        return where + " takes its shape from port " + quoted(port.shape_ref) +
               ", which the type does not declare";
    }
    return {};
}

const spark_field_desc_t* find_field(const spark_module_type_t& type, const char* name) {
    for (uint32_t f = 0; name != nullptr && f < type.field_count; ++f) {
        if (type.fields[f].name != nullptr && std::string_view(type.fields[f].name) == name) {
            return &type.fields[f];
        }
    }
    return nullptr;
}

bool has_port(const spark_module_type_t& type, const char* name) {
    for (uint32_t p = 0; name != nullptr && p < type.port_count; ++p) {
        if (type.ports[p].name != nullptr && std::string_view(type.ports[p].name) == name) {
            return true;
        }
    }
    return false;
}

std::string property_problem(const spark_module_type_t& type, const spark_property_desc_t& p) {
    if (p.name == nullptr || !is_dotted_identifier(p.name)) {
        return "a property has the name " + quoted(p.name) +
               " (expected an identifier, or identifiers joined by '.')";
    }
    const std::string where = "property " + quoted(p.name);
    if (!in_range(p.payload_kind, SPARK_PAYLOAD_SPIKES, SPARK_PAYLOAD_BOOL_MASK)) {
        return where + " has payload kind " + std::to_string(p.payload_kind) +
               " (expected 1..4, a concrete SPARK_PAYLOAD_* value)";
    }
    switch (p.shape_rule) {
    case SPARK_SHAPE_FROM_FIELD: {
        const auto* field = find_field(type, p.shape_ref);
        if (field == nullptr || field->type != SPARK_FIELD_INT_ARRAY) {
            return where + " takes its shape from field " + quoted(p.shape_ref) +
                   ", which is not an int[] field of the type";
        }
        return {};
    }
    case SPARK_SHAPE_LIKE_PORT:
        return has_port(type, p.shape_ref)
                   ? std::string{}
                   : where + " takes its shape from port " + quoted(p.shape_ref) +
                         ", which the type does not declare";
    case SPARK_SHAPE_COMPUTED:
        return {};
    default:
        return where + " has shape rule " + std::to_string(p.shape_rule) +
               " (expected 2..4: SPARK_SHAPE_FROM_FIELD, _LIKE_PORT or _COMPUTED)";
    }
}

std::string capabilities_problem(const spark_module_type_t& type,
                                 const spark_type_capabilities_t& c) {
    if (c.nested_count > 0 && c.nested == nullptr) {
        return "its capabilities list " + std::to_string(c.nested_count) +
               " nested fields but nested is NULL";
    }
    for (uint32_t n = 0; n < c.nested_count; ++n) {
        const auto& accepts = c.nested[n];
        const auto* field = find_field(type, accepts.field);
        if (field == nullptr ||
            (field->type != SPARK_FIELD_CONFIG && field->type != SPARK_FIELD_INITIALIZER)) {
            return "its capabilities limit the types of field " + quoted(accepts.field) +
                   ", which is not a config or initializer field of the type";
        }
        if (accepts.count > 0 && accepts.class_refs == nullptr) {
            return "its capabilities accept " + std::to_string(accepts.count) +
                   " types for field " + quoted(accepts.field) + " but class_refs is NULL";
        }
        for (uint32_t k = 0; k < accepts.count; ++k) {
            const char* ref = accepts.class_refs[k];
            const std::string_view text = ref != nullptr ? ref : "";
            const auto dot = text.find('.');
            if (dot == std::string_view::npos || !is_identifier(text.substr(0, dot)) ||
                !is_identifier(text.substr(dot + 1))) {
                return "its capabilities accept " + quoted(ref) + " for field " +
                       quoted(accepts.field) + " (expected vendor.class_ref)";
            }
        }
    }
    return {};
}

// A population in slices (spark/abi/slices.h): its field is an int array, and every output port
// takes its shape from it (a slice's outputs are its neurons').
std::string slices_problem(const spark_module_type_t& type, const spark_type_slices_t& slices) {
    if (slices.create_slice == nullptr || slices.property_rows == nullptr) {
        return "its slices extension lacks create_slice or property_rows (found NULL)";
    }
    const auto* field = find_field(type, slices.field);
    if (field == nullptr || field->type != SPARK_FIELD_INT_ARRAY) {
        return "its slices extension names field " + quoted(slices.field) +
               ", which is not an int-array field of the type";
    }
    for (uint32_t p = 0; p < type.port_count; ++p) {
        const auto& port = type.ports[p];
        if (port.direction == SPARK_PORT_OUTPUT &&
            (port.shape_rule != SPARK_SHAPE_FROM_FIELD || port.shape_ref == nullptr ||
             std::string_view(port.shape_ref) != slices.field)) {
            return "it runs in slices of field " + quoted(slices.field) + ", but its output " +
                   quoted(port.name) + " does not take its shape from that field";
        }
    }
    return {};
}

} // namespace

bool is_identifier(std::string_view text) noexcept {
    if (text.empty() || (text.front() >= '0' && text.front() <= '9')) {
        return false;
    }
    for (const char c : text) {
        const bool ok =
            (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
        if (!ok) {
            return false;
        }
    }
    return true;
}

bool is_dotted_identifier(std::string_view text) noexcept {
    for (;;) {
        const auto dot = text.find('.');
        if (!is_identifier(text.substr(0, dot))) {
            return false;
        }
        if (dot == std::string_view::npos) {
            return true;
        }
        text.remove_prefix(dot + 1);
    }
}

std::string entry_problem(const spark_plugin_entry_t& entry) {
    if (entry.id == nullptr || entry.id[0] == '\0') {
        return "the entry's id is empty (expected a unique plugin id such as \"acme.neurons\")";
    }
    if (entry.vendor == nullptr || !is_identifier(entry.vendor)) {
        return "the entry's vendor is " + quoted(entry.vendor) + " (expected an identifier)";
    }
    if (entry.version == nullptr || entry.version[0] == '\0') {
        return "the entry's version is empty (expected a version such as \"1.0.0\")";
    }
    if (entry.init == nullptr || entry.types == nullptr || entry.deinit == nullptr) {
        return "the entry's init, types and deinit must all be set (found a NULL function)";
    }
    return {};
}

std::string type_problem(const spark_module_type_t& type) {
    if (type.class_ref == nullptr || !is_identifier(type.class_ref)) {
        return "its class_ref is " + quoted(type.class_ref) + " (expected an identifier)";
    }
    if (type.vendor == nullptr || !is_identifier(type.vendor)) {
        return "its vendor is " + quoted(type.vendor) + " (expected an identifier)";
    }
    if (type.version == nullptr || type.version[0] == '\0') {
        return "its version is empty (expected a version such as \"1.0.0\")";
    }
    if (!in_range(type.kind, SPARK_KIND_NEURON, SPARK_KIND_INITIALIZER)) {
        return "its kind is " + std::to_string(type.kind) +
               " (expected 1..6, a SPARK_KIND_* value)";
    }
    if (type.field_count > 0 && type.fields == nullptr) {
        return "it declares " + std::to_string(type.field_count) + " fields but fields is NULL";
    }
    if (type.port_count > 0 && type.ports == nullptr) {
        return "it declares " + std::to_string(type.port_count) + " ports but ports is NULL";
    }
    std::set<std::string_view> names;
    for (uint32_t f = 0; f < type.field_count; ++f) {
        if (auto problem = field_problem(type, type.fields[f]); !problem.empty()) {
            return problem;
        }
        if (!names.insert(type.fields[f].name).second) {
            return "field '" + std::string(type.fields[f].name) + "' is declared twice";
        }
    }
    names.clear();
    for (uint32_t p = 0; p < type.port_count; ++p) {
        if (auto problem = port_problem(type, type.ports[p]); !problem.empty()) {
            return problem;
        }
        if (!names.insert(type.ports[p].name).second) {
            return "port '" + std::string(type.ports[p].name) + "' is declared twice";
        }
    }
    if (type.kind == SPARK_KIND_INITIALIZER) {
        if (type.initialize == nullptr) {
            return "it is an initializer but its initialize function is NULL";
        }
    } else if (type.create == nullptr) {
        return "its create function is NULL (only initializer types may omit it)";
    }
    return {};
}

std::string extension_problem(const spark_module_type_t& type) {
    if (const auto* declared = static_cast<const spark_type_properties_t*>(
            spark_type_extension(&type, SPARK_EXT_TYPE_PROPERTIES))) {
        if (declared->count > 0 && declared->properties == nullptr) {
            return "it declares " + std::to_string(declared->count) +
                   " properties but properties is NULL";
        }
        std::set<std::string_view> names;
        for (uint32_t p = 0; p < declared->count; ++p) {
            if (auto problem = property_problem(type, declared->properties[p]); !problem.empty()) {
                return problem;
            }
            if (!names.insert(declared->properties[p].name).second) {
                return "property '" + std::string(declared->properties[p].name) +
                       "' is declared twice";
            }
        }
    }
    if (const auto* c = static_cast<const spark_type_capabilities_t*>(
            spark_type_extension(&type, SPARK_EXT_TYPE_CAPABILITIES))) {
        if (auto problem = capabilities_problem(type, *c); !problem.empty()) {
            return problem;
        }
    }
    if (const auto* slices = static_cast<const spark_type_slices_t*>(
            spark_type_extension(&type, SPARK_EXT_TYPE_SLICES))) {
        return slices_problem(type, *slices);
    }
    return {};
}

} // namespace spark::registry::detail
