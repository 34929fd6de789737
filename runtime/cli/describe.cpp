// SPDX-License-Identifier: Apache-2.0
// `spark plugins describe NAME`: everything a user needs to write a config for a type, without
// creating an instance.
#include <iostream>

#include <spark/abi/module.h>
#include <spark/abi/schema.h>
#include <spark/runtime/field_metadata.hpp>

#include "commands.hpp"
#include "neurons/neuron_definition.hpp"
#include "text.hpp"

namespace spark::cli {
namespace {

std::string text_or_empty(const char* text) {
    return text != nullptr ? text : "";
}

std::string shape_words(std::int32_t rule, const char* shape_ref) {
    const std::string ref = text_or_empty(shape_ref);
    switch (rule) {
    case SPARK_SHAPE_ANY:
        return "any";
    case SPARK_SHAPE_FROM_FIELD:
        return "from field " + ref;
    case SPARK_SHAPE_LIKE_PORT:
        return "like port " + ref;
    case SPARK_SHAPE_COMPUTED:
        return ref.empty() ? "computed" : "computed: " + ref;
    default:
        return "unknown rule " + std::to_string(rule);
    }
}

std::string payload_words(std::int32_t kind, const char* payload_type) {
    std::string payload(registry::payload_kind_name(kind));
    if (payload_type != nullptr && *payload_type != '\0') {
        payload += " (" + std::string(payload_type) + ")";
    }
    return payload;
}

void print_config(const registry::module_type_info& type) {
    table rows;
    rows.add({"FIELD", "TYPE", "DEFAULT", "UNITS", "VALIDATORS", "DESCRIPTION"});
    for (const auto& field : runtime::schema_metadata(type)) {
        std::string fallback = field.required ? "(required)" : "derived"; // seed: derived
        rows.add({field.name,
                  field.type,
                  field.default_json.empty() ? fallback : field.default_json,
                  field.units,
                  runtime::detail::join(field.validators, "; "),
                  field.description});
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
        rows.add({port.direction == SPARK_PORT_INPUT ? "input" : "output",
                  port.name,
                  payload_words(port.payload_kind, port.payload_type),
                  shape_words(port.shape_rule, port.shape_ref),
                  port.required ? "yes" : "no",
                  text_or_empty(port.description)});
    }
    std::cout << rows.render("  ");
}

// ABI 1.1 properties: what a composition can read, and what an effect can write.
void print_properties(const registry::module_type_info& type) {
    const auto declared = registry::declared_properties(type);
    if (declared.empty()) {
        return;
    }
    table rows;
    rows.add({"NAME", "PAYLOAD", "SHAPE", "ACCESS", "DESCRIPTION"});
    for (const auto& p : declared) {
        rows.add({p.name,
                  payload_words(p.payload_kind, p.payload_type),
                  shape_words(p.shape_rule, p.shape_ref),
                  p.writable ? "read, write" : "read",
                  text_or_empty(p.description)});
    }
    std::cout << "\nproperties\n" << rows.render("  ");
}

// ABI 1.1 capabilities, when the type states them.
void print_capabilities(const registry::module_type_info& type) {
    const auto* c = registry::capabilities(type);
    if (c == nullptr) {
        return;
    }
    table rows;
    rows.add({"contract", c->has_contract ? "yes (can be part of a cycle)" : "no"});
    rows.add({"example config",
              c->example_config != nullptr ? c->example_config : "(the type does not say)"});
    for (std::uint32_t n = 0; n < c->nested_count; ++n) {
        std::string refs;
        for (std::uint32_t k = 0; k < c->nested[n].count; ++k) {
            refs += (k == 0 ? "" : ", ") + std::string(c->nested[n].class_refs[k]);
        }
        rows.add({"field " + std::string(c->nested[n].field) + " takes", refs});
    }
    std::cout << "\ncapabilities\n" << rows.render("  ");
}

} // namespace

namespace {

/// A neuron defined by a file: its parts, and the fused kernel that runs it when one does.
void print_parts(const registry::module_type_info& type) {
    const auto* definition = runtime::detail::neuron_definition_of(type);
    if (definition == nullptr) {
        return;
    }
    table rows;
    rows.add({"PART", "TYPE", "FILE"});
    for (const auto& [part, part_type] : definition->parts()) {
        rows.add({part, part_type->canonical_id, part_type->plugin->file.string()});
    }
    std::cout << "\nparts\n" << rows.render("  ");
    if (const auto* fused = definition->runs_fused_as()) {
        std::cout << "  runs as " << fused->canonical_id
                  << ", whose fused kernel knows these parts and this wiring (same results)\n";
    } else {
        std::cout << "  runs as a composition of these parts\n";
    }
}

} // namespace

int plugins_describe(const plugin_sources& sources, const std::string& name) {
    const auto opened = open_registry(sources);
    if (!opened) {
        return exit_failure;
    }
    auto& plugins = *opened;
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

    print_parts(*type);
    print_config(*type);
    print_ports(*type);
    print_properties(*type);
    print_capabilities(*type);
    return exit_ok;
}

} // namespace spark::cli
