// SPDX-License-Identifier: Apache-2.0
// Reading plugin manifests (Boost.JSON, kept inside the registry's sources) and comparing them
// with what a loaded library reports.
#include <cstddef>
#include <fstream>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include <boost/json.hpp>

#include <spark/registry/errors.hpp>
#include <spark/registry/module_type_info.hpp>

#include "plugin_manifest_of.hpp"

namespace spark::registry {

namespace {

namespace json = boost::json;

constexpr std::int64_t supported_format = 1; // the manifest_version spark_manifest writes

/// Reads one manifest; `fail(what)` throws with the file named.
class manifest_reader {
public:
    explicit manifest_reader(std::filesystem::path file) : file_(std::move(file)) {}

    plugin_manifest read() const {
        std::ifstream in(file_, std::ios::binary);
        if (!in) {
            fail("cannot be read");
        }
        std::ostringstream text;
        text << in.rdbuf();
        return parse(text.str());
    }

    plugin_manifest parse(const std::string& text) const {
        json::error_code ec;
        const json::value root = json::parse(text, ec);
        if (ec) {
            fail("is not valid JSON (" + ec.message() + ")");
        }
        const auto& top = object(root, "the manifest");
        const auto* format = top.if_contains("manifest_version");
        if (format == nullptr || !format->is_int64() || format->as_int64() != supported_format) {
            fail("has manifest_version " + (format != nullptr ? json::serialize(*format) : "none") +
                 "; this registry reads version " + std::to_string(supported_format));
        }
        plugin_manifest m;
        m.file = file_;
        m.library = text_of(top, "library", "the manifest");
        const auto& plugin = object(member(top, "plugin", "the manifest"), "plugin");
        m.id = text_of(plugin, "id", "plugin");
        m.vendor = text_of(plugin, "vendor", "plugin");
        m.version = text_of(plugin, "version", "plugin");
        m.abi_version = text_of(plugin, "abi_version", "plugin");
        m.description = text_of(plugin, "description", "plugin");
        const auto& types = member(top, "types", "the manifest");
        if (!types.is_array()) {
            fail("has 'types' that is not an array");
        }
        std::size_t index = 0;
        for (const auto& t : types.as_array()) {
            const std::string where = "types[" + std::to_string(index++) + "]";
            const auto& o = object(t, where);
            manifest_type type;
            type.class_ref = text_of(o, "class_ref", where);
            type.vendor = text_of(o, "vendor", where);
            type.version = text_of(o, "version", where);
            type.kind = text_of(o, "kind", where);
            type.abi_version = text_of(o, "abi_version", where);
            type.description = text_of(o, "description", where);
            type.fields = names(o, "fields", where);
            type.inputs = names(o, "inputs", where);
            type.outputs = names(o, "outputs", where);
            // A library offers each type once (the registry refuses a collision): a type listed
            // twice cannot be compared with the library, entry by entry, either.
            for (std::size_t earlier = 0; earlier < m.types.size(); ++earlier) {
                if (m.types[earlier].canonical_id() == type.canonical_id()) {
                    fail("lists type " + type.canonical_id() + " twice (types[" +
                         std::to_string(earlier) + "] and " + where + ")");
                }
            }
            m.types.push_back(std::move(type));
        }
        return m;
    }

private:
    [[noreturn]] void fail(const std::string& what) const {
        throw manifest_error(file_,
                             "plugin manifest " + file_.string() + " " + what +
                                 "; relink the plugin (spark_add_plugin() writes the manifest "
                                 "whenever it links the library, e.g. cmake --build <dir> "
                                 "--clean-first), or delete the file");
    }
    const json::object& object(const json::value& v, const std::string& where) const {
        if (!v.is_object()) {
            fail("has " + where + " that is not an object");
        }
        return v.as_object();
    }
    const json::value&
    member(const json::object& o, const char* key, const std::string& where) const {
        const auto* v = o.if_contains(key);
        if (v == nullptr) {
            fail("lacks '" + std::string(key) + "' in " + where);
        }
        return *v;
    }
    std::string text_of(const json::object& o, const char* key, const std::string& where) const {
        const auto& v = member(o, key, where);
        if (!v.is_string()) {
            fail("has " + where + "." + key + " that is not a string");
        }
        return std::string(v.as_string());
    }
    std::vector<std::string>
    names(const json::object& o, const char* key, const std::string& where) const {
        const auto& v = member(o, key, where);
        if (!v.is_array()) {
            fail("has " + where + "." + key + " that is not an array");
        }
        std::vector<std::string> out;
        for (const auto& n : v.as_array()) {
            if (!n.is_string()) {
                fail("has " + where + "." + key + " with an entry that is not a string");
            }
            out.emplace_back(n.as_string());
        }
        return out;
    }

    std::filesystem::path file_;
};

std::string joined(const std::vector<std::string>& names) {
    std::string out = "[";
    for (std::size_t i = 0; i < names.size(); ++i) {
        out += (i > 0 ? ", " : "") + names[i];
    }
    return out + "]";
}

/// "<what>: <a> in the manifest, <b> in the library" when they differ.
void compare(std::vector<std::string>& out,
             const std::string& what,
             const std::string& manifest,
             const std::string& library) {
    if (manifest != library) {
        out.push_back(what + ": '" + manifest + "' in the manifest, '" + library +
                      "' in the library");
    }
}

void compare_types(std::vector<std::string>& out, const manifest_type& m, const manifest_type& l) {
    const std::string what = "type " + m.canonical_id();
    compare(out, what + " version", m.version, l.version);
    compare(out, what + " kind", m.kind, l.kind);
    compare(out, what + " ABI version", m.abi_version, l.abi_version);
    compare(out, what + " description", m.description, l.description);
    compare(out, what + " fields", joined(m.fields), joined(l.fields));
    compare(out, what + " inputs", joined(m.inputs), joined(l.inputs));
    compare(out, what + " outputs", joined(m.outputs), joined(l.outputs));
}

} // namespace

std::filesystem::path manifest_path_of(const std::filesystem::path& library) {
    auto file = library;
    file.replace_extension(".manifest.json");
    return file;
}

plugin_manifest read_manifest(const std::filesystem::path& file) {
    return manifest_reader(file).read();
}

std::vector<std::string> manifest_differences(const plugin_manifest& manifest,
                                              const plugin_manifest& library) {
    std::vector<std::string> out;
    compare(out, "library file", manifest.library, library.library);
    compare(out, "plugin id", manifest.id, library.id);
    compare(out, "plugin vendor", manifest.vendor, library.vendor);
    compare(out, "plugin version", manifest.version, library.version);
    compare(out, "plugin ABI version", manifest.abi_version, library.abi_version);
    compare(out, "plugin description", manifest.description, library.description);
    for (const auto& m : manifest.types) {
        bool found = false;
        for (const auto& l : library.types) {
            if (l.canonical_id() == m.canonical_id()) {
                compare_types(out, m, l);
                found = true;
            }
        }
        if (!found) {
            out.push_back("type " + m.canonical_id() +
                          ": in the manifest, not offered by the library");
        }
    }
    for (const auto& l : library.types) {
        bool found = false;
        for (const auto& m : manifest.types) {
            found = found || m.canonical_id() == l.canonical_id();
        }
        if (!found) {
            out.push_back("type " + l.canonical_id() +
                          ": offered by the library, not in the manifest");
        }
    }
    return out;
}

namespace detail {

plugin_manifest manifest_of(const std::filesystem::path& library,
                            const spark_plugin_entry_t& entry,
                            const std::vector<const spark_module_type_t*>& types) {
    const auto text = [](const char* s) { return std::string(s != nullptr ? s : ""); };
    plugin_manifest m;
    m.library = library.filename().string();
    m.id = text(entry.id);
    m.vendor = text(entry.vendor);
    m.version = text(entry.version);
    m.abi_version = version_string(entry.abi_version);
    m.description = text(entry.description);
    for (const auto* t : types) {
        manifest_type type;
        type.class_ref = text(t->class_ref);
        type.vendor = text(t->vendor);
        type.version = text(t->version);
        type.kind = std::string(kind_name(t->kind));
        type.abi_version = version_string(t->abi_version);
        type.description = text(t->description);
        for (std::uint32_t k = 0; k < t->field_count; ++k) {
            type.fields.push_back(text(t->fields[k].name));
        }
        for (std::uint32_t k = 0; k < t->port_count; ++k) {
            (t->ports[k].direction == SPARK_PORT_INPUT ? type.inputs : type.outputs)
                .push_back(text(t->ports[k].name));
        }
        m.types.push_back(std::move(type));
    }
    return m;
}

plugin_manifest parse_manifest(const std::string& text, const std::filesystem::path& named) {
    return manifest_reader(named).parse(text);
}

std::string manifest_json(const plugin_manifest& m) {
    const auto strings = [](const std::vector<std::string>& names) {
        json::array out;
        for (const auto& n : names) {
            out.emplace_back(n);
        }
        return out;
    };
    json::array types;
    for (const auto& t : m.types) {
        types.emplace_back(json::object{{"class_ref", t.class_ref},
                                        {"vendor", t.vendor},
                                        {"version", t.version},
                                        {"kind", t.kind},
                                        {"abi_version", t.abi_version},
                                        {"description", t.description},
                                        {"fields", strings(t.fields)},
                                        {"inputs", strings(t.inputs)},
                                        {"outputs", strings(t.outputs)}});
    }
    const json::object root{{"manifest_version", supported_format},
                            {"library", m.library},
                            {"plugin",
                             json::object{{"id", m.id},
                                          {"vendor", m.vendor},
                                          {"version", m.version},
                                          {"abi_version", m.abi_version},
                                          {"description", m.description}}},
                            {"types", std::move(types)}};
    return json::serialize(root); // one line: JSON escapes every control character
}

void check_manifest(const std::filesystem::path& library,
                    const spark_plugin_entry_t& entry,
                    const std::vector<const spark_module_type_t*>& types) {
    const auto file = manifest_path_of(library);
    std::error_code ec;
    if (!std::filesystem::exists(file, ec)) {
        return; // no sidecar: a plugin built without spark_add_plugin() is loaded as before
    }
    const auto differences =
        manifest_differences(read_manifest(file), manifest_of(library, entry, types));
    if (differences.empty()) {
        return;
    }
    std::string list;
    for (const auto& d : differences) {
        list += "\n  " + d;
    }
    throw manifest_error(library,
                         "cannot load plugin " + library.string() + ": its manifest " +
                             file.string() + " disagrees with the library (" +
                             std::to_string(differences.size()) + " difference" +
                             (differences.size() == 1 ? "" : "s") + "):" + list +
                             "\n  the manifest is stale or belongs to another build: relink the "
                             "plugin (spark_add_plugin() writes the manifest whenever it links the "
                             "library, e.g. cmake --build <dir> --clean-first), or delete the "
                             "manifest");
}

} // namespace detail

} // namespace spark::registry
