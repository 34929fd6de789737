// SPDX-License-Identifier: Apache-2.0
// `spark plugins describe NAME`: everything a user needs to write a config for a type, without
// creating an instance.
#include <iostream>

#include <spark/abi/module.h>
#include <spark/abi/schema.h>
#include <spark/runtime/field_metadata.hpp>

#include "commands.hpp"
#include "text.hpp"

namespace spark::cli {
namespace {

std::string text_or_empty(const char* text) {
    return text != nullptr ? text : "";
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
