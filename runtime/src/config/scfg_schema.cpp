// SPDX-License-Identifier: Apache-2.0
#include "config/scfg_schema.hpp"

#include <string>
#include <string_view>
#include <vector>

#include <spark/runtime/errors.hpp>

#include "config/json_paths.hpp"
#include "config/message_text.hpp"
#include "text.hpp"

namespace spark::runtime::detail {
namespace {

namespace json = boost::json;

const std::string both_schemas =
    "af523a5's brain_config has \"input_map\", \"output_map\" and \"modules_map\" in its "
    "\"__cfg__\"; upstream 1.0's brain_config and neuron_config have \"modules_specs\", \"seed\" "
    "and \"dt\" (a neuron config also \"units\" and \"inhibitory_rate\"), and every \"module_cls\" "
    "in it has \"__subregistry__\"";

[[noreturn]] void refuse(const std::string& source, const std::string& message) {
    throw config_error({{source, message}});
}

std::string in_quotes(std::string_view text) {
    return "\"" + excerpt(text) + "\""; // a value from the file: a short excerpt
}

/// The paths of the objects that have both "__module_type__" and "__subregistry__" (upstream 1.0's
/// module_cls), in document order.
void find_subregistries(const json::value& value,
                        const std::string& path,
                        std::vector<std::string>& out) {
    if (value.is_array()) {
        std::size_t i = 0;
        for (const auto& item : value.get_array()) {
            find_subregistries(item, indexed(path, i++), out);
        }
        return;
    }
    if (!value.is_object()) {
        return;
    }
    const auto& object = value.get_object();
    if (object.contains("__module_type__") && object.contains("__subregistry__")) {
        out.push_back(path);
    }
    for (const auto& entry : object) {
        find_subregistries(entry.value(), at(path, entry.key()), out);
    }
}

std::string key_list(const json::object& object) {
    std::vector<std::string> keys;
    for (const auto& entry : object) {
        keys.push_back(in_quotes(entry.key()));
    }
    return keys.empty() ? std::string("no keys") : "the keys " + join(keys, ", ");
}

} // namespace

std::string schema_name(scfg_schema schema) {
    return schema == scfg_schema::af523a5 ? "af523a5" : "upstream 1.0";
}

scfg_schema recognise_schema(const json::value& document, const std::string& source) {
    const json::value* top = &document;
    // Upstream's decoder unwraps {"__version__": "1.0", "__data__": ...}; both versions accept
    // it and neither writes it, so its version says nothing about the schema.
    if (document.is_object() && document.get_object().contains("__version__")) {
        if (const auto* data = document.get_object().if_contains("__data__")) {
            top = data;
        }
    }
    if (!top->is_object()) {
        refuse(source,
               "is not a config file: a .scfg file holds one JSON object {\"__type__\": "
               "\"<name>_config\", \"__cfg__\": {...}}, got " +
                   kind_text(*top));
    }
    const auto& envelope = top->get_object();
    const auto* type = envelope.if_contains("__type__");
    if (type == nullptr || !type->is_string() || !type->get_string().ends_with("_config")) {
        refuse(source,
               "is not a config file: its \"__type__\" must name a config (\"brain_config\", "
               "\"neuron_config\" or \"<module>_config\"), got " +
                   (type == nullptr     ? std::string("none")
                    : type->is_string() ? in_quotes(type->get_string())
                                        : kind_text(*type)));
    }
    const std::string tag(type->get_string());
    const auto* cfg = envelope.if_contains("__cfg__");
    if (cfg == nullptr || !cfg->is_object()) {
        refuse(source,
               "is not a config file: a " + tag +
                   " needs a \"__cfg__\" object holding its fields, got " +
                   (cfg == nullptr ? std::string("none") : kind_text(*cfg)));
    }
    const auto& fields = cfg->get_object();

    std::vector<std::string> af523a5_marks;
    if (tag == "brain_config") {
        for (const char* key : {"input_map", "output_map", "modules_map"}) {
            if (fields.contains(key)) {
                af523a5_marks.push_back(in_quotes(key) + " in \"__cfg__\"");
            }
        }
    }
    std::vector<std::string> v1_marks;
    if (fields.contains("modules_specs")) {
        v1_marks.push_back("\"modules_specs\" in \"__cfg__\"");
    }
    std::vector<std::string> subregistries;
    find_subregistries(*cfg, "__cfg__", subregistries);
    if (!subregistries.empty()) {
        v1_marks.push_back("\"__subregistry__\" in " + in_quotes(subregistries.front()) +
                           (subregistries.size() > 1
                                ? " (and " + std::to_string(subregistries.size() - 1) + " more)"
                                : std::string()));
    }

    if (!af523a5_marks.empty() && !v1_marks.empty()) {
        refuse(source,
               "mixes the two schemas: it has af523a5's " + join(af523a5_marks, ", ") +
                   " and upstream 1.0's " + join(v1_marks, ", ") +
                   "; a file follows one of them: " + both_schemas);
    }
    if (!v1_marks.empty()) {
        return scfg_schema::upstream_1_0;
    }
    if (!af523a5_marks.empty()) {
        return scfg_schema::af523a5;
    }
    if (tag == "brain_config" || tag == "neuron_config") {
        refuse(source,
               "is a " + tag + " of neither schema: its \"__cfg__\" has " + key_list(fields) +
                   "; " + both_schemas);
    }
    // A single module's config: the same shape in both versions, read as today.
    return scfg_schema::af523a5;
}

} // namespace spark::runtime::detail
