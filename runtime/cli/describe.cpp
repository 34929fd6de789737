// SPDX-License-Identifier: Apache-2.0
// `spark plugins describe NAME`: everything a user needs to write a config for a type, without
// creating an instance.
#include <cmath>
#include <iostream>

#include <spark/abi/module.h>
#include <spark/abi/schema.h>

#include "commands.hpp"
#include "text.hpp"

namespace spark::cli {
namespace {

using runtime::detail::elements;
using runtime::detail::format_number;

std::string text_or_empty(const char* text) {
    return text != nullptr ? text : "";
}

/// A validator as a user reads it, e.g. "in [0, 1]", "greater than potential_reset".
std::string validator_words(const spark_validator_t& validator) {
    switch (validator.kind) {
    case SPARK_VALIDATOR_POSITIVE:
        return "positive";
    case SPARK_VALIDATOR_NON_NEGATIVE:
        return "non-negative";
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
        return "one of " + runtime::detail::join(options, ", ");
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

std::string shape_words(const spark_port_desc_t& port) {
    const std::string ref = text_or_empty(port.shape_ref);
    switch (port.shape_rule) {
    case SPARK_SHAPE_ANY:
        return "any";
    case SPARK_SHAPE_FROM_FIELD:
        return "from field " + ref;
    case SPARK_SHAPE_LIKE_PORT:
        return "like port " + ref;
    case SPARK_SHAPE_COMPUTED:
        return ref.empty() ? "computed" : "computed: " + ref;
    default:
        return "unknown rule " + std::to_string(port.shape_rule);
    }
}

void print_config(const registry::module_type_info& type) {
    const spark_module_type_t& abi = *type.abi;
    table rows;
    rows.add({"FIELD", "TYPE", "DEFAULT", "UNITS", "VALIDATORS", "DESCRIPTION"});
    // The base fields every config has (module_config reads them).
    rows.add(
        {"seed",
         "uint64",
         "derived",
         "",
         "",
         "seed of this module's random stream; by default derived from its place in the brain"});
    rows.add({"dtype",
              "string",
              "\"float32\"",
              "",
              "one of \"float32\", \"float64\"",
              "element type of float state and outputs"});
    rows.add({"dt", "float", "1", "ms", "positive", "time step"});
    for (std::uint32_t i = 0; i < abi.field_count; ++i) {
        const spark_field_desc_t& field = abi.fields[i];
        std::string field_type(registry::field_type_name(field.type));
        if (field.type == SPARK_FIELD_CONFIG && field.nested_kind != 0) {
            field_type += " (" + std::string(registry::kind_name(field.nested_kind)) + ")";
        }
        std::vector<std::string> validators;
        for (std::uint32_t v = 0; v < field.validator_count; ++v) {
            validators.push_back(validator_words(field.validators[v]));
        }
        rows.add({field.name,
                  field_type,
                  field.default_json != nullptr ? field.default_json : "(required)",
                  text_or_empty(field.units),
                  runtime::detail::join(validators, "; "),
                  text_or_empty(field.description)});
    }
    std::cout << "\nconfig\n" << rows.render("  ");
}

void print_ports(const registry::module_type_info& type) {
    const spark_module_type_t& abi = *type.abi;
    std::cout << "\nports\n";
    if (abi.port_count == 0) {
        std::cout << "  (none)\n";
        return;
    }
    table rows;
    rows.add({"DIRECTION", "NAME", "PAYLOAD", "SHAPE", "REQUIRED", "DESCRIPTION"});
    for (std::uint32_t i = 0; i < abi.port_count; ++i) {
        const spark_port_desc_t& port = abi.ports[i];
        std::string payload(registry::payload_kind_name(port.payload_kind));
        if (port.payload_type != nullptr && *port.payload_type != '\0') {
            payload += " (" + std::string(port.payload_type) + ")";
        }
        rows.add({port.direction == SPARK_PORT_INPUT ? "input" : "output",
                  port.name,
                  payload,
                  shape_words(port),
                  port.required ? "yes" : "no",
                  text_or_empty(port.description)});
    }
    std::cout << rows.render("  ");
}

} // namespace

int plugins_describe(const plugin_sources& sources, const std::string& name) {
    registry::plugin_registry plugins(search_options_of(sources));
    plugins.discover();
    const registry::module_type_info* type = nullptr;
    try {
        type = &plugins.resolve(name);
    } catch (const spark::error& e) {
        std::cerr << "spark: " << e.what() << '\n';
        return exit_usage;
    }
    const spark_module_type_t& abi = *type->abi;
    const registry::plugin_info& plugin = *type->plugin;
    table identity;
    identity.add({"kind", std::string(registry::kind_name(abi.kind))});
    identity.add({"vendor", std::string(type->vendor())});
    identity.add({"version", text_or_empty(abi.version)});
    identity.add({"description", text_or_empty(abi.description)});
    std::cout << type->canonical_id << '\n' << identity.render("  ");

    table provenance;
    provenance.add({"file", plugin.file.string()});
    provenance.add({"sha256", plugin.sha256});
    provenance.add({"plugin", plugin.id + " " + plugin.version});
    provenance.add({"abi", registry::version_string(plugin.abi_version)});
    std::cout << "\nprovenance\n" << provenance.render("  ");

    print_config(*type);
    print_ports(*type);
    return exit_ok;
}

} // namespace spark::cli
