// SPDX-License-Identifier: Apache-2.0
#include "config/upstream_v1_read.hpp"

#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include <spark/runtime/errors.hpp>

#include "config/json_paths.hpp"
#include "config/json_text.hpp"
#include "config/message_text.hpp"
#include "config/unknown_keys.hpp"
#include "text.hpp"

namespace spark::runtime::upstream_v1 {
namespace {

namespace json = boost::json;
using detail::at;
using detail::indexed;
using detail::kind_text;

const std::vector<std::string> metadata_keys = {"__config_delimiter__",
                                                "__shared_config_delimiter__",
                                                "__metadata__",
                                                "__graph_editor_metadata__"};
const std::vector<std::string> brain_fields = {"modules_specs", "seed", "dt"};
const std::vector<std::string> neuron_fields = {
    "modules_specs", "seed", "dt", "units", "inhibitory_rate"};
const std::vector<std::string> module_specs_keys = {
    "name", "module_cls", "inputs", "config", "outputs", "effects"};

std::string in_quotes(std::string_view text) {
    return "\"" + detail::excerpt(text) + "\""; // a value from the file: a short excerpt
}

class reader {
public:
    reader(std::vector<config_issue>& issues, config_mode mode) : issues_(issues), mode_(mode) {}

    void issue(std::string path, std::string message) {
        issues_.push_back({std::move(path), std::move(message)});
    }

    /// Reports (strict) or drops with a warning (compat) every key of `object` not in `allowed`.
    void only(const json::object& object,
              const std::string& path,
              const std::vector<std::string>& allowed) {
        for (const auto& entry : object) {
            const std::string key(entry.key());
            if (std::find(allowed.begin(), allowed.end(), key) != allowed.end()) {
                continue;
            }
            std::string message = "unknown key '" + key + "'";
            const auto close = detail::closest_names(key, allowed);
            message += close.empty() ? "; expected " + detail::quoted_alternatives(allowed)
                                     : "; did you mean " + detail::quoted_alternatives(close) + "?";
            if (!detail::dropped_in_compat(mode_, at(path, key), message)) {
                issue(at(path, key), message);
            }
        }
    }

    const json::object* object(const json::value* value, const std::string& path) {
        if (value == nullptr) {
            return nullptr;
        }
        if (!value->is_object()) {
            issue(path, "must be an object, got " + kind_text(*value));
            return nullptr;
        }
        return &value->get_object();
    }

    const json::value* required(const json::object& object,
                                std::string_view key,
                                const std::string& path,
                                const std::string& why) {
        const auto* value = object.if_contains(key);
        if (value == nullptr) {
            issue(at(path, key), "is missing" + why);
        }
        return value;
    }

    bool text(const json::value* value, const std::string& path, std::string& out) {
        if (value == nullptr) {
            return false;
        }
        if (!value->is_string()) {
            issue(path, "must be a string, got " + kind_text(*value));
            return false;
        }
        out = std::string(value->get_string());
        return true;
    }

    bool number(const json::value* value, const std::string& path, double& out) {
        if (value == nullptr) {
            return false;
        }
        if (!value->is_number()) {
            issue(path, "must be a number, got " + kind_text(*value));
            return false;
        }
        out = value->to_number<double>();
        return true;
    }

    /// {"__type__": tag, "__data__": {...}}: its data object. `shape` shows the expected form.
    const json::object* tagged(const json::value& value,
                               std::string_view tag,
                               const std::string& path,
                               const std::string& shape) {
        const auto* type = value.is_object() ? value.get_object().if_contains("__type__") : nullptr;
        if (type == nullptr) {
            issue(path,
                  "must be a tagged " + std::string(tag) + " object " + shape + ", got " +
                      (value.is_object() ? "an object without \"__type__\"" : kind_text(value)));
            return nullptr;
        }
        const auto& object = value.get_object();
        only(object, path, {"__type__", "__data__"});
        if (!type->is_string() || type->get_string() != tag) {
            issue(at(path, "__type__"),
                  "must be " + in_quotes(tag) + ", got " +
                      (type->is_string() ? in_quotes(type->get_string()) : kind_text(*type)));
            return nullptr;
        }
        return this->object(
            required(object, "__data__", path, "; a tagged object keeps its fields there"),
            at(path, "__data__"));
    }

    bool read_port_map(const json::value& value, const std::string& path, port_map& out) {
        const auto* data = tagged(value,
                                  "port_map",
                                  path,
                                  "{\"__type__\": \"port_map\", \"__data__\": {\"origin\": ..., "
                                  "\"port\": ..., \"is_property\": ...}}");
        if (data == nullptr) {
            return false;
        }
        only(*data, path, {"origin", "port", "is_property"});
        bool ok = text(required(*data,
                                "origin",
                                path,
                                "; a port_map names where its value comes from: a module of this "
                                "controller, \"__call__\" (a controller input) or \"__self__\" "
                                "(the controller itself)"),
                       at(path, "origin"),
                       out.origin);
        ok = text(required(*data,
                           "port",
                           path,
                           "; a port_map names the output port or property of its origin it "
                           "reads"),
                  at(path, "port"),
                  out.port) &&
             ok;
        if (const auto* flag = data->if_contains("is_property")) {
            if (flag->is_bool()) {
                out.is_property = flag->get_bool();
            } else {
                issue(at(path, "is_property"), "must be true or false, got " + kind_text(*flag));
                ok = false;
            }
        }
        return ok;
    }

    /// {port: [port_map, ...], ...}.
    bool read_port_lists(const json::value* value,
                         const std::string& path,
                         ordered_map<std::vector<port_map>>& out) {
        const auto* ports = object(value, path);
        if (ports == nullptr) {
            return false;
        }
        bool ok = true;
        for (const auto& entry : *ports) {
            const std::string port_path = at(path, entry.key());
            if (!entry.value().is_array()) {
                issue(port_path, "must be a list of port_map, got " + kind_text(entry.value()));
                ok = false;
                continue;
            }
            std::vector<port_map> sources;
            std::size_t i = 0;
            for (const auto& item : entry.value().get_array()) {
                port_map source;
                ok = read_port_map(item, indexed(port_path, i++), source) && ok;
                sources.push_back(std::move(source));
            }
            out.emplace_back(std::string(entry.key()), std::move(sources));
        }
        return ok;
    }

    bool read_module_class(const json::value* value, const std::string& path, module_class& out) {
        const auto* cls = object(value, path);
        if (cls == nullptr) {
            return false;
        }
        only(*cls, path, {"__module_type__", "__subregistry__"});
        bool ok = text(required(*cls, "__module_type__", path, "; it names the module's type"),
                       at(path, "__module_type__"),
                       out.type);
        const std::string registry_path = at(path, "__subregistry__");
        const auto* registry = cls->if_contains("__subregistry__");
        if (registry == nullptr) {
            issue(registry_path,
                  "is missing; upstream 1.0 looks the type up in the registry it names (af523a5 "
                  "files have none): add \"__subregistry__\": \"NEURONS\" for a neuron type "
                  "(such as alif_neuron or a neuron registered from a file), \"MODULES\" for "
                  "any other module");
            return false;
        }
        if (registry->is_string() && registry->get_string() == "MODULES") {
            out.registry = subregistry::modules;
        } else if (registry->is_string() && registry->get_string() == "NEURONS") {
            out.registry = subregistry::neurons;
        } else {
            issue(registry_path,
                  "must be \"MODULES\" (a module) or \"NEURONS\" (a neuron type), got " +
                      (registry->is_string() ? in_quotes(registry->get_string())
                                             : kind_text(*registry)));
            return false;
        }
        return ok;
    }

    void read_module(const json::value& value, const std::string& path, module_specs& out) {
        const auto* data =
            tagged(value,
                   "module_specs",
                   path,
                   "{\"__type__\": \"module_specs\", \"__data__\": {\"name\": ..., "
                   "\"module_cls\": ..., \"inputs\": ..., \"config\": ..., \"outputs\": ..., "
                   "\"effects\": ...}}");
        if (data == nullptr) {
            return;
        }
        only(*data, path, module_specs_keys);
        if (text(required(*data, "name", path, "; every module of a controller has a name"),
                 at(path, "name"),
                 out.name) &&
            out.name.empty()) {
            issue(at(path, "name"), "must not be empty");
        }
        read_module_class(required(*data, "module_cls", path, "; it names the module's type"),
                          at(path, "module_cls"),
                          out.module_cls);
        read_port_lists(
            required(*data, "inputs", path, "; write {} for a module without input ports"),
            at(path, "inputs"),
            out.inputs);
        if (const auto* config = object(
                required(*data, "config", path, "; it holds the module's config fields, untagged"),
                at(path, "config"))) {
            out.config = *config;
        }
        if (const auto* outputs = object(data->if_contains("outputs"), at(path, "outputs"))) {
            for (const auto& entry : *outputs) {
                std::string port;
                if (text(&entry.value(), at(at(path, "outputs"), entry.key()), port)) {
                    out.outputs.emplace_back(std::string(entry.key()), std::move(port));
                }
            }
        }
        if (const auto* effects = data->if_contains("effects")) {
            read_port_lists(effects, at(path, "effects"), out.effects);
        }
    }

    /// Names must be unique, and must not be a field of the controller's config or an origin
    /// keyword.
    void check_names(const std::vector<module_specs>& modules,
                     const std::string& path,
                     const std::string& controller,
                     const std::vector<std::string>& fields) {
        for (std::size_t i = 0; i < modules.size(); ++i) {
            const std::string& name = modules[i].name;
            if (name.empty()) {
                continue; // reported where it was read
            }
            const std::string name_path = at(indexed(path, i), "name");
            for (std::size_t j = 0; j < i; ++j) {
                if (modules[j].name == name) {
                    issue(name_path,
                          in_quotes(name) + " is also the name of modules_specs[" +
                              std::to_string(j) +
                              "]; the modules of a controller need distinct names (upstream "
                              "makes each an attribute of the controller): rename one");
                    break;
                }
            }
            if (std::find(fields.begin(), fields.end(), name) != fields.end()) {
                issue(name_path,
                      in_quotes(name) + " is the name of a " + controller +
                          " field; upstream passes a field's value to the module of the same "
                          "name as config keys when it builds the config and fails on it: "
                          "rename the module");
            } else if (name == "__call__" || name == "__self__") {
                issue(name_path,
                      in_quotes(name) +
                          " is reserved: as a port_map origin \"__call__\" means the controller's "
                          "inputs and \"__self__\" the controller itself: rename the module");
            }
        }
    }

    /// The four metadata keys, modules_specs, seed and dt of a controller's fields.
    template <class Config>
    void read_controller_fields(const json::object& cfg,
                                const std::string& path,
                                const std::string& controller,
                                const std::vector<std::string>& fields,
                                Config& out) {
        std::vector<std::string> allowed = metadata_keys;
        allowed.insert(allowed.end(), fields.begin(), fields.end());
        only(cfg, path, allowed);
        if (const auto* v = cfg.if_contains("__config_delimiter__")) {
            text(v, at(path, "__config_delimiter__"), out.meta.config_delimiter);
        }
        if (const auto* v = cfg.if_contains("__shared_config_delimiter__")) {
            text(v, at(path, "__shared_config_delimiter__"), out.meta.shared_config_delimiter);
        }
        if (const auto* v = cfg.if_contains("__metadata__")) {
            out.meta.metadata = *v;
        }
        if (const auto* v = cfg.if_contains("__graph_editor_metadata__")) {
            out.meta.graph_editor_metadata = *v;
        }
        const std::string modules_path = at(path, "modules_specs");
        if (const auto* modules = required(cfg,
                                           "modules_specs",
                                           path,
                                           "; a controller lists its modules there, each a "
                                           "tagged module_specs")) {
            if (!modules->is_array()) {
                issue(modules_path,
                      "must be a list of tagged module_specs objects, got " + kind_text(*modules));
            } else {
                std::size_t i = 0;
                for (const auto& item : modules->get_array()) {
                    module_specs module;
                    read_module(item, indexed(modules_path, i++), module);
                    out.modules_specs.push_back(std::move(module));
                }
                check_names(out.modules_specs, modules_path, controller, fields);
            }
        }
        const std::string seed_path = at(path, "seed");
        if (const auto* seed = required(cfg,
                                        "seed",
                                        path,
                                        "; upstream would draw a random one, so no two runs "
                                        "would agree: write one, e.g. \"seed\": 42")) {
            // A neuron's seed is a module seed (it draws the inhibitory neurons), so it takes
            // every 64-bit unsigned value ours do: spark convert writes the seed an af523a5
            // neuron derived from its path. The brain's seed keeps upstream's int64.
            using seed_type = decltype(out.seed);
            constexpr bool unsigned_seed = std::is_unsigned_v<seed_type>;
            if (seed->is_int64() && (!unsigned_seed || seed->get_int64() >= 0)) {
                out.seed = static_cast<seed_type>(seed->get_int64());
            } else if (seed->is_uint64() && unsigned_seed) {
                out.seed = static_cast<seed_type>(seed->get_uint64());
            } else if (seed->is_int64() || seed->is_uint64()) {
                issue(seed_path,
                      std::string(unsigned_seed ? "must be an integer in [0, 2^64)"
                                                : "must be an integer below 2^63") +
                          ", got " + detail::compact(*seed));
            } else {
                issue(seed_path,
                      "must be an integer, got " +
                          (seed->is_number() ? detail::compact(*seed) : kind_text(*seed)));
            }
        }
        if (const auto* dt = cfg.if_contains("dt")) {
            number(dt, at(path, "dt"), out.dt);
        }
    }

    void
    read_units(const json::value& value, const std::string& path, std::vector<std::uint32_t>& out) {
        const auto dimension = [&](const json::value& v, const std::string& where) {
            if (v.is_int64() && v.get_int64() >= 0 && v.get_int64() <= 0xffffffffLL) {
                out.push_back(static_cast<std::uint32_t>(v.get_int64()));
            } else {
                issue(where,
                      "a dimension must be an integer in [0, 2^32), got " +
                          (v.is_number() ? detail::compact(v) : kind_text(v)));
            }
        };
        if (value.is_number()) {
            dimension(value, path); // upstream's validate_shape: n means (n,)
            return;
        }
        if (!value.is_array()) {
            issue(path, "must be a list of dimensions such as [256], got " + kind_text(value));
            return;
        }
        std::size_t i = 0;
        for (const auto& item : value.get_array()) {
            dimension(item, indexed(path, i++));
        }
    }

    neuron_config read_neuron(const json::object& cfg, const std::string& path, std::string type) {
        neuron_config config;
        config.type = std::move(type);
        read_controller_fields(cfg, path, "neuron config", neuron_fields, config);
        if (const auto* units = cfg.if_contains("units")) {
            read_units(*units, at(path, "units"), config.units);
        }
        if (const auto* rate = cfg.if_contains("inhibitory_rate")) {
            number(rate, at(path, "inhibitory_rate"), config.inhibitory_rate);
        }
        return config;
    }

    brain_config read_brain(const json::object& cfg, const std::string& path) {
        brain_config config;
        read_controller_fields(cfg, path, "brain_config", brain_fields, config);
        return config;
    }

    controller_config read(const json::value& document) {
        const json::value* top = &document;
        // Upstream's decoder unwraps {"__version__": "1.0", "__data__": ...} (it writes none).
        if (document.is_object() && document.get_object().contains("__version__")) {
            const auto& wrapper = document.get_object();
            only(wrapper, "document", {"__version__", "__data__"});
            std::string version;
            if (text(required(wrapper, "__version__", "document", ""),
                     "document/__version__",
                     version) &&
                version != "1.0") {
                issue("document/__version__",
                      "unsupported version " + in_quotes(version) + "; upstream knows \"1.0\"");
            }
            top = required(wrapper, "__data__", "document", "");
            if (top == nullptr) {
                return brain_config{};
            }
        }
        const auto* envelope = object(top, "document");
        if (envelope == nullptr) {
            return brain_config{};
        }
        only(*envelope, "document", {"__type__", "__cfg__"});
        std::string type;
        if (!text(required(*envelope,
                           "__type__",
                           "document",
                           "; it names the config: \"brain_config\" or a neuron config"),
                  "document/__type__",
                  type)) {
            return brain_config{};
        }
        const std::string path = type == "brain_config" ? "brain" : "neuron";
        const auto* cfg =
            object(required(*envelope, "__cfg__", "document", "; it holds the config's fields"),
                   "document/__cfg__");
        if (cfg == nullptr) {
            return brain_config{};
        }
        if (type == "brain_config") {
            return read_brain(*cfg, path);
        }
        if (!type.ends_with("_config")) {
            issue("document/__type__",
                  "must be \"brain_config\" or a neuron config's name (\"neuron_config\", "
                  "\"<neuron>_config\"), got " +
                      in_quotes(type));
        }
        return read_neuron(*cfg, path, type);
    }

private:
    std::vector<config_issue>& issues_;
    config_mode mode_;
};

} // namespace

controller_config read_controller(const json::value& document, config_mode mode) {
    std::vector<config_issue> issues;
    reader read(issues, mode);
    controller_config config = read.read(document);
    if (!issues.empty()) {
        throw config_error(std::move(issues));
    }
    return config;
}

neuron_config read_neuron_fields(const json::object& fields,
                                 const std::string& path,
                                 const std::string& type,
                                 config_mode mode) {
    std::vector<config_issue> issues;
    reader read(issues, mode);
    neuron_config config = read.read_neuron(fields, path, type);
    if (!issues.empty()) {
        throw config_error(std::move(issues));
    }
    return config;
}

} // namespace spark::runtime::upstream_v1
