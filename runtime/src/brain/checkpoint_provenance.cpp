// SPDX-License-Identifier: Apache-2.0
#include "brain/checkpoint_provenance.hpp"

#include <spark/runtime/checkpoint.hpp>

namespace spark::runtime::detail {
namespace {

/// The differences of one type, appended to `out` as "<who>: <what> <then> when written, <now>
/// now".
void compare(const std::string& who,
             const checkpoint_provenance& then,
             const checkpoint_provenance& now,
             std::vector<std::string>& out) {
    const auto differ = [&](const char* what, const std::string& a, const std::string& b) {
        if (a != b) {
            out.push_back(who + ": " + what + " '" + a + "' when written, '" + b + "' now (" +
                          now.file + ")");
        }
    };
    differ("plugin id", then.plugin_id, now.plugin_id);
    differ("plugin version", then.plugin_version, now.plugin_version);
    differ("type version", then.type_version, now.type_version);
    differ("file SHA-256", then.sha256, now.sha256);
}

bool listed(const registry::plugin_registry& registry, const std::string& type) {
    for (const auto* known : registry.types()) {
        if (known->canonical_id == type) {
            return true;
        }
    }
    return false;
}

[[noreturn]] void
refuse(const std::string& who, const std::string& type, const std::filesystem::path& file) {
    throw checkpoint_error(file,
                           checkpoint_problem::missing_type,
                           who + " has type '" + type +
                               "', which no loaded plugin provides; load the plugin that provides "
                               "it (--plugin-path DIR) or register its neuron file (--neuron " +
                               "NAME=FILE) as when the checkpoint was written");
}

} // namespace

checkpoint_provenance provenance_of(const registry::module_type_info& type) {
    const auto& plugin = *type.plugin;
    return {type.canonical_id,
            plugin.id,
            plugin.version,
            type.abi->version != nullptr ? type.abi->version : "",
            plugin.sha256,
            plugin.file.string()};
}

std::vector<std::string> provenance_differences(const checkpoint_manifest& manifest,
                                                const std::vector<module_info>& modules) {
    std::vector<std::string> out;
    for (std::size_t m = 0; m < manifest.modules.size() && m < modules.size(); ++m) {
        const auto& saved = manifest.modules[m];
        const auto& info = modules[m];
        const auto who = "module '" + saved.name + "' (" + saved.type.type + ")";
        compare(who, saved.type, provenance_of(*info.type), out);
        for (std::size_t p = 0; p < saved.parts.size(); ++p) {
            const auto& [part, then] = saved.parts[p];
            const auto part_who =
                "module '" + saved.name + "' part '" + part + "' (" + then.type + ")";
            if (p >= info.parts.size() || info.parts[p].first != part ||
                info.parts[p].second->canonical_id != then.type) {
                out.push_back(part_who + ": not a part of the module as built now");
                continue;
            }
            compare(part_who, then, provenance_of(*info.parts[p].second), out);
        }
        if (info.parts.size() > saved.parts.size()) {
            out.push_back(who + ": has " + std::to_string(info.parts.size()) + " parts now, " +
                          std::to_string(saved.parts.size()) + " when written");
        }
    }
    return out;
}

void refuse_missing_types(const checkpoint_manifest& manifest,
                          const registry::plugin_registry& registry,
                          const std::filesystem::path& file) {
    for (const auto& module : manifest.modules) {
        const auto who = "module '" + module.name + "' (" + module.type.type + ")";
        if (!listed(registry, module.type.type)) {
            refuse(who, module.type.type, file);
        }
        for (const auto& [part, then] : module.parts) {
            if (!listed(registry, then.type)) {
                refuse("module '" + module.name + "' part '" + part + "'", then.type, file);
            }
        }
    }
}

} // namespace spark::runtime::detail
