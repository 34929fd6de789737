// SPDX-License-Identifier: Apache-2.0
// brain_config from and to upstream's `.scfg` JSON (commit af523a5 schema). Strict: every object
// may hold only the keys the schema names, and every problem is collected with its path before one
// config_error is thrown, so a user fixes a file in one pass.
#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include <spark/registry/plugin_registry.hpp>
#include <spark/runtime/brain_config.hpp>
#include <spark/runtime/errors.hpp>

#include "config/brain_config_v1.hpp"
#include "config/exact_json.hpp"
#include "config/file_module_config.hpp"
#include "config/json_paths.hpp"
#include "config/json_text.hpp"
#include "config/message_text.hpp"
#include "config/scfg_file.hpp"
#include "config/scfg_schema.hpp"
#include "config/seeds.hpp"
#include "config/unknown_keys.hpp"
#include "config/upstream_v1_read.hpp"
#include "config/upstream_v1_write.hpp"
#include "log.hpp"
#include "text.hpp"

namespace spark::runtime {
namespace {

namespace json = boost::json;
using detail::at;
using detail::compact;
using detail::indexed;
using detail::kind_text;

constexpr std::string_view root = "brain";

// ---- parsing ---------------------------------------------------------------------------------

/// Upstream's numpy dtype names; float16 runs in float32 (docs/architecture.md §7).
constexpr std::string_view dtype_names[] = {"bool",
                                            "int8",
                                            "int16",
                                            "int32",
                                            "int64",
                                            "uint8",
                                            "uint16",
                                            "uint32",
                                            "uint64",
                                            "float16",
                                            "float32",
                                            "float64"};

class reader {
public:
    reader(std::vector<config_issue>& issues, config_mode mode) : issues_(issues), mode_(mode) {}

    void issue(std::string path, std::string message) {
        issues_.push_back({std::move(path), std::move(message)});
    }

    std::vector<std::string> float16_paths; // where a float16 dtype was read as float32

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

    /// Reports every key of `object` that is not in `allowed`.
    void only(const json::object& object,
              const std::string& path,
              const std::vector<std::string>& allowed) {
        for (const auto& entry : object) {
            const std::string key(entry.key());
            if (std::find(allowed.begin(), allowed.end(), key) != allowed.end()) {
                continue;
            }
            std::string message = "unknown key '" + detail::excerpt(key) + "'";
            const auto close = detail::closest_names(key, allowed);
            if (!close.empty()) {
                message += "; did you mean " + detail::quoted_alternatives(close) + "?";
            } else {
                message += "; expected " + detail::quoted_alternatives(allowed);
            }
            if (detail::dropped_in_compat(mode_, at(path, key), message)) {
                continue;
            }
            issue(at(path, key), message);
        }
    }

    /// The member `key`, or nullptr after reporting it missing.
    const json::value*
    required(const json::object& object, std::string_view key, const std::string& path) {
        const auto* value = object.if_contains(key);
        if (value == nullptr) {
            issue(at(path, key), "is missing");
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

    /// A tagged object {"__type__": tag, "__data__": {...}}: its data object.
    const json::object*
    tagged(const json::value& value, std::string_view tag, const std::string& path) {
        const auto* object = this->object(&value, path);
        if (object == nullptr) {
            return nullptr;
        }
        only(*object, path, {"__type__", "__data__"});
        std::string type;
        if (!text(required(*object, "__type__", path), at(path, "__type__"), type)) {
            return nullptr;
        }
        if (type != tag) {
            issue(at(path, "__type__"),
                  "must be \"" + std::string(tag) + "\", got \"" + type + "\"");
            return nullptr;
        }
        return this->object(required(*object, "__data__", path), at(path, "__data__"));
    }

    /// {"<key>": "<name>"} (payload and module class references).
    bool reference(const json::value* value,
                   std::string_view key,
                   const std::string& path,
                   std::string& out) {
        const auto* object = this->object(value, path);
        if (object == nullptr) {
            return false;
        }
        only(*object, path, {std::string(key)});
        return text(required(*object, key, path), at(path, key), out);
    }

    bool read_port_map(const json::value& value, const std::string& path, port_map& out) {
        const auto* data = tagged(value, "port_map", path);
        if (data == nullptr) {
            return false;
        }
        only(*data, path, {"origin", "port"});
        const bool origin = text(required(*data, "origin", path), at(path, "origin"), out.origin);
        const bool port = text(required(*data, "port", path), at(path, "port"), out.port);
        return origin && port;
    }

    bool dtype(const json::value* value, const std::string& path, std::string& out) {
        const auto* object = this->object(value, path);
        if (object == nullptr) {
            return false;
        }
        only(*object, path, {"__type__", "name"});
        std::string type;
        if (!text(required(*object, "__type__", path), at(path, "__type__"), type)) {
            return false;
        }
        if (type != "dtype") {
            issue(at(path, "__type__"), "must be \"dtype\", got \"" + type + "\"");
            return false;
        }
        std::string name;
        if (!text(required(*object, "name", path), at(path, "name"), name)) {
            return false;
        }
        if (std::find(std::begin(dtype_names), std::end(dtype_names), name) ==
            std::end(dtype_names)) {
            std::vector<std::string> known(std::begin(dtype_names), std::end(dtype_names));
            issue(at(path, "name"),
                  "unknown dtype \"" + detail::excerpt(name) + "\"; expected one of " +
                      detail::join(known, ", "));
            return false;
        }
        if (name == "float16") {
            float16_paths.push_back(path);
            name = "float32";
        }
        out = name;
        return true;
    }

    bool shape(const json::value* value, const std::string& path, std::vector<std::uint32_t>& out) {
        if (value == nullptr) {
            return false;
        }
        const auto dim = [&](const json::value& v, const std::string& where) {
            std::int64_t n = -1;
            if (v.is_int64()) {
                n = v.get_int64();
            } else if (v.is_uint64() && v.get_uint64() <= 0xffffffffULL) {
                n = static_cast<std::int64_t>(v.get_uint64());
            }
            if (n < 0 || n > 0xffffffffLL) {
                issue(where,
                      "a dimension must be an integer in [0, 2^32), got " +
                          (v.is_number() ? compact(v) : kind_text(v)));
                return false;
            }
            out.push_back(static_cast<std::uint32_t>(n));
            return true;
        };
        out.clear();
        if (value->is_number()) {
            return dim(*value, path); // upstream's validate_shape: n means (n,)
        }
        if (!value->is_array()) {
            issue(path, "must be an array of dimensions, got " + kind_text(*value));
            return false;
        }
        bool ok = true;
        const auto& array = value->get_array();
        for (std::size_t i = 0; i < array.size(); ++i) {
            ok = dim(array[i], indexed(path, i)) && ok;
        }
        return ok;
    }

    bool read_port_specs(const json::value& value, const std::string& path, port_specs& out) {
        const auto* data = tagged(value, "port_specs", path);
        if (data == nullptr) {
            return false;
        }
        only(*data, path, {"payload_type", "shape", "dtype", "description"});
        bool ok = reference(required(*data, "payload_type", path),
                            "__payload_type__",
                            at(path, "payload_type"),
                            out.payload_type);
        ok = shape(required(*data, "shape", path), at(path, "shape"), out.shape) && ok;
        ok = dtype(required(*data, "dtype", path), at(path, "dtype"), out.dtype) && ok;
        if (const auto* description = data->if_contains("description");
            description != nullptr && !description->is_null()) {
            ok = text(description, at(path, "description"), out.description) && ok;
        }
        return ok;
    }

    /// A module config object as a file holds it -> detail::file_module_config.
    detail::file_module_config module_config(const json::value& config, const std::string& path) {
        detail::file_module_config out;
        json::value copy = config;
        if (const auto* metadata = config.get_object().if_contains("__graph_editor_metadata__")) {
            out.graph_editor_metadata_json = compact(*metadata);
            copy = detail::without_key(config.get_object(), "__graph_editor_metadata__");
        }
        normalise_config(copy, path);
        out.config_json = compact(copy);
        return out;
    }

    /// A module config in the form module_config reads, at every level (docs/file-format.md §2.2):
    /// - dtype tags become plain names ({"__type__": "dtype", "name": "float16"} -> "float32");
    /// - jax_array / numpy_array tags become a number (shape []) or a flat array (shape [n]);
    /// - tagged configs ({"__type__": "x_config", "__cfg__": {...}}, as upstream HEAD writes nested
    ///   and initializer configs) become {"__class_ref__": "x", ...};
    /// - any other "__type__" is a problem naming the tag.
    void normalise_config(json::value& value, const std::string& path) {
        if (value.is_array()) {
            std::size_t i = 0;
            for (auto& item : value.get_array()) {
                normalise_config(item, path + "[" + std::to_string(i++) + "]");
            }
            return;
        }
        if (!value.is_object()) {
            return;
        }
        auto& object = value.get_object();
        if (const auto* type = object.if_contains("__type__")) {
            const std::string tag = type->is_string() ? std::string(type->get_string()) : "";
            if (tag == "dtype") {
                std::string name;
                if (dtype(&value, path, name)) {
                    value = json::string(name);
                }
                return;
            }
            if (tag == "jax_array" || tag == "numpy_array") {
                value = array_value(object, path);
                return;
            }
            if (object.contains("__cfg__")) {
                value = tagged_config(object, path);
                if (!value.is_object()) {
                    return;
                }
            } else {
                issue(at(path, "__type__"),
                      "unknown tag " + compact(*type) +
                          " in a module config; expected \"dtype\", \"jax_array\", "
                          "\"numpy_array\" or a config tag with \"__cfg__\"");
                value = nullptr;
                return;
            }
        }
        for (auto& entry : value.get_object()) {
            normalise_config(entry.value(), at(path, entry.key()));
        }
    }

    /// {"__type__": "jax_array", "dtype": ..., "shape": [...], "data": ...} as a config value:
    /// a number for shape [], a flat array for shape [n]; config fields hold nothing deeper.
    json::value array_value(const json::object& object, const std::string& path) {
        only(object, path, {"__type__", "dtype", "shape", "data"});
        std::vector<std::uint32_t> dims;
        const auto* data = required(object, "data", path);
        if (!shape(required(object, "shape", path), at(path, "shape"), dims) || data == nullptr) {
            return nullptr;
        }
        if (dims.empty()) {
            if (!data->is_number() && !data->is_bool()) {
                issue(at(path, "data"), "a shape [] array holds one number, got " + compact(*data));
                return nullptr;
            }
            return *data;
        }
        if (dims.size() > 1) {
            issue(at(path, "shape"),
                  "a config field holds a number or a flat array, got an array of shape " +
                      compact(object.at("shape")));
            return nullptr;
        }
        if (!data->is_array() || data->get_array().size() != dims[0]) {
            issue(at(path, "data"),
                  "expected " + std::to_string(dims[0]) + " values (shape " +
                      compact(object.at("shape")) + "), got " + compact(*data));
            return nullptr;
        }
        return *data;
    }

    /// {"__type__": "x_config", "__cfg__": {...}} -> {"__class_ref__": "x", ...}.
    json::value tagged_config(const json::object& object, const std::string& path) {
        only(object, path, {"__type__", "__cfg__"});
        std::string name;
        const auto* fields = this->object(object.if_contains("__cfg__"), at(path, "__cfg__"));
        if (!text(object.if_contains("__type__"), at(path, "__type__"), name) ||
            fields == nullptr) {
            return nullptr;
        }
        constexpr std::string_view suffix = "_config";
        if (name.size() > suffix.size() && name.ends_with(suffix)) {
            name.resize(name.size() - suffix.size());
        }
        json::object out = *fields;
        out["__class_ref__"] = name;
        return out;
    }

    /// "__vendors__": an array of distinct vendor names (our key, docs/file-format.md §5.2).
    void
    read_vendors(const json::value& value, const std::string& path, std::vector<std::string>& out) {
        if (!value.is_array()) {
            issue(path,
                  "must be an array of vendor names, e.g. [\"acme\"], got " + kind_text(value));
            return;
        }
        const auto& array = value.get_array();
        for (std::size_t i = 0; i < array.size(); ++i) {
            const std::string item_path = indexed(path, i);
            std::string vendor;
            if (!text(&array[i], item_path, vendor)) {
                continue;
            }
            if (!registry::is_vendor_name(vendor)) {
                issue(item_path,
                      "must be a vendor name such as \"acme\" (letters, digits and '_', not "
                      "starting with a digit), got \"" +
                          vendor + "\"");
                continue;
            }
            if (std::find(out.begin(), out.end(), vendor) != out.end()) {
                issue(item_path, "lists the vendor \"" + vendor + "\" again; remove one of them");
                continue;
            }
            out.push_back(std::move(vendor));
        }
    }

    void read_module(const std::string& key,
                     const json::value& value,
                     const std::string& path,
                     std::vector<module_specs>& out) {
        const auto* data = tagged(value, "module_specs", path);
        if (data == nullptr) {
            return;
        }
        only(*data, path, {"name", "module_cls", "inputs", "config"});
        module_specs module;
        bool ok = text(required(*data, "name", path), at(path, "name"), module.name);
        if (ok && module.name != key) {
            issue(at(path, "name"),
                  "must equal its key in modules_map, \"" + key + "\", got \"" + module.name +
                      "\"");
            ok = false;
        }
        ok = reference(required(*data, "module_cls", path),
                       "__module_type__",
                       at(path, "module_cls"),
                       module.class_ref) &&
             ok;
        // Upstream refuses a module without inputs; a spontaneously active module needs none.
        if (const auto* inputs = object(data->if_contains("inputs"), at(path, "inputs"))) {
            for (const auto& entry : *inputs) {
                const std::string port(entry.key());
                const std::string port_path = at(at(path, "inputs"), port);
                if (!entry.value().is_array()) {
                    issue(port_path,
                          "must be an array of port_map, got " + kind_text(entry.value()));
                    ok = false;
                    continue;
                }
                std::vector<port_map> sources;
                const auto& array = entry.value().get_array();
                for (std::size_t i = 0; i < array.size(); ++i) {
                    port_map source;
                    if (read_port_map(array[i], indexed(port_path, i), source)) {
                        sources.push_back(std::move(source));
                    } else {
                        ok = false;
                    }
                }
                module.inputs.emplace_back(port, std::move(sources));
            }
        } else if (data->contains("inputs")) {
            ok = false;
        }
        module.config_json = "{}";
        if (const auto* config = data->if_contains("config")) {
            if (config->is_object()) {
                // Its values at "brain/<module>/<field>", where validation finds them too.
                auto converted = module_config(*config, path);
                module.config_json = std::move(converted.config_json);
                module.graph_editor_metadata_json = std::move(converted.graph_editor_metadata_json);
            } else {
                issue(at(path, "config"), "must be an object, got " + kind_text(*config));
                ok = false;
            }
        }
        if (ok) {
            out.push_back(std::move(module));
        }
    }

    brain_config read(const json::value& document) {
        brain_config config;
        const std::string path(root);
        const json::value* top = &document;
        // Upstream's encoder can wrap a document as {"__version__": "1.0", "__data__": ...}.
        if (document.is_object() && document.get_object().contains("__version__")) {
            const auto& wrapper = document.get_object();
            only(wrapper, path, {"__version__", "__data__"});
            std::string version;
            if (text(required(wrapper, "__version__", path), at(path, "__version__"), version) &&
                version != "1.0") {
                issue(at(path, "__version__"),
                      "unsupported version \"" + version + "\"; this reader knows \"1.0\"");
            }
            top = required(wrapper, "__data__", path);
            if (top == nullptr) {
                return config;
            }
        }
        const auto* envelope = object(top, path);
        if (envelope == nullptr) {
            return config;
        }
        only(*envelope, path, {"__type__", "__cfg__"});
        std::string type;
        if (text(required(*envelope, "__type__", path), at(path, "__type__"), type) &&
            type != "brain_config") {
            issue(at(path, "__type__"), "must be \"brain_config\", got \"" + type + "\"");
        }
        const auto* cfg = object(required(*envelope, "__cfg__", path), at(path, "__cfg__"));
        if (cfg == nullptr) {
            return config;
        }
        only(*cfg,
             path,
             {"input_map",
              "output_map",
              "modules_map",
              "__metadata__",
              "__graph_editor_metadata__",
              "__config_delimiter__",
              "__shared_config_delimiter__",
              "__vendors__"});
        if (const auto* metadata = cfg->if_contains("__metadata__")) {
            config.metadata_json = compact(*metadata);
        }
        if (const auto* metadata = cfg->if_contains("__graph_editor_metadata__")) {
            config.graph_editor_metadata_json = compact(*metadata);
        }
        if (const auto* v = cfg->if_contains("__config_delimiter__")) {
            text(v, at(path, "__config_delimiter__"), config.config_delimiter);
        }
        if (const auto* v = cfg->if_contains("__shared_config_delimiter__")) {
            text(v, at(path, "__shared_config_delimiter__"), config.shared_config_delimiter);
        }
        if (const auto* vendors = cfg->if_contains("__vendors__")) {
            read_vendors(*vendors, at(path, "__vendors__"), config.vendor_preference);
        }
        const std::string inputs_path = at(path, "input_map");
        if (const auto* inputs = object(cfg->if_contains("input_map"), inputs_path)) {
            for (const auto& entry : *inputs) {
                port_specs spec;
                if (read_port_specs(entry.value(), at(inputs_path, entry.key()), spec)) {
                    config.input_map.emplace_back(std::string(entry.key()), std::move(spec));
                }
            }
        }
        const std::string outputs_path = at(path, "output_map");
        if (const auto* outputs = object(cfg->if_contains("output_map"), outputs_path)) {
            for (const auto& entry : *outputs) {
                const std::string output_path = at(outputs_path, entry.key());
                const auto* output = object(&entry.value(), output_path);
                if (output == nullptr) {
                    continue;
                }
                only(*output, output_path, {"input", "spec"});
                brain_output value;
                const auto* input = required(*output, "input", output_path);
                const auto* spec = required(*output, "spec", output_path);
                const bool ok_input = input != nullptr &&
                                      read_port_map(*input, at(output_path, "input"), value.input);
                const bool ok_spec =
                    spec != nullptr && read_port_specs(*spec, at(output_path, "spec"), value.spec);
                if (ok_input && ok_spec) {
                    config.output_map.emplace_back(std::string(entry.key()), std::move(value));
                }
            }
        }
        const std::string modules_path = at(path, "modules_map");
        if (const auto* modules = object(cfg->if_contains("modules_map"), modules_path)) {
            for (const auto& entry : *modules) {
                const std::string key(entry.key());
                // At "brain/<module>/...": a module's every problem, read or validated, is named
                // by its name (docs/adr/0025-one-validation-pass.md).
                read_module(key, entry.value(), at(path, key), config.modules_map);
            }
        }
        return config;
    }

private:
    std::vector<config_issue>& issues_;
    config_mode mode_;
};

json::value parse_kept(const std::string& text) {
    return json::parse(text.empty() ? std::string("{}") : text);
}

json::value tagged_value(std::string_view tag, json::object data) {
    json::object object;
    object["__type__"] = tag;
    object["__data__"] = std::move(data);
    return object;
}

json::value port_map_value(const port_map& map) {
    json::object data;
    data["origin"] = map.origin;
    data["port"] = map.port;
    return tagged_value("port_map", std::move(data));
}

json::value port_specs_value(const port_specs& spec) {
    json::object data;
    json::object payload;
    payload["__payload_type__"] = spec.payload_type;
    data["payload_type"] = std::move(payload);
    json::array shape;
    for (const auto dim : spec.shape) {
        shape.push_back(static_cast<std::int64_t>(dim));
    }
    data["shape"] = std::move(shape);
    json::object dtype;
    dtype["__type__"] = "dtype";
    dtype["name"] = spec.dtype;
    data["dtype"] = std::move(dtype);
    if (spec.description.empty()) {
        data["description"] = nullptr;
    } else {
        data["description"] = spec.description;
    }
    return tagged_value("port_specs", std::move(data));
}

/// Whether `document` follows upstream 1.0's schema. A document of neither schema goes to the
/// af523a5 reader, whose messages name each missing or unknown key.
bool is_upstream_1_0(const json::value& document, const std::string& source) {
    try {
        return detail::recognise_schema(document, source) == detail::scfg_schema::upstream_1_0;
    } catch (const config_error&) {
        return false;
    }
}

void log_float16(const std::string& source, const std::vector<std::string>& paths) {
    for (const auto& path : paths) {
        detail::logger().warn("{}{}: float16 runs as float32 (Spark C++ computes in float32 or "
                              "float64)",
                              source.empty() ? "" : source + ": ",
                              path);
    }
}

} // namespace

detail::file_module_config detail::module_config_from_file(const json::value& config,
                                                           const std::string& path,
                                                           config_mode mode,
                                                           std::vector<config_issue>& issues) {
    if (!config.is_object()) {
        issues.push_back({path, "must be an object, got " + kind_text(config)});
        return {"{}", ""};
    }
    reader read(issues, mode);
    auto converted = read.module_config(config, path);
    log_float16("", read.float16_paths);
    return converted;
}

brain_config brain_config::from_json(std::string_view text,
                                     std::string source,
                                     config_mode mode,
                                     const file_limits& limits) {
    // Numbers exactly as Python reads them, so that a file written back keeps every digit.
    const json::value document = detail::parse_json_exact(text, source, limits, mode);
    if (is_upstream_1_0(document, source)) {
        auto controller = upstream_v1::read_controller(document, mode);
        if (std::holds_alternative<upstream_v1::neuron_config>(controller)) {
            throw config_error(std::vector<config_issue>{
                {source,
                 "is an upstream 1.0 neuron file, not a brain; register it as a neuron type "
                 "(spark --neuron NAME=" +
                     source + ") and use NAME in a brain"}});
        }
        auto config = detail::brain_from_v1(std::get<upstream_v1::brain_config>(controller));
        config.mode = mode;
        return config;
    }
    std::vector<config_issue> issues;
    reader read(issues, mode);
    brain_config config = read.read(document);
    if (!issues.empty()) {
        throw config_error(std::move(issues));
    }
    log_float16(source, read.float16_paths);
    config.mode = mode;
    return config;
}

brain_config brain_config::from_file(const std::filesystem::path& file,
                                     config_mode mode,
                                     const file_limits& limits) {
    auto config = from_json(detail::read_scfg_text(file, limits), file.string(), mode, limits);
    config.folder = std::filesystem::absolute(file).lexically_normal().parent_path();
    return config;
}

void brain_config::refresh_seeds(std::optional<std::uint64_t> base) {
    for (auto& module : modules_map) {
        json::value parsed = parse_kept(module.config_json);
        if (!parsed.is_object()) {
            continue; // validate() reports it
        }
        detail::reseed(parsed.get_object(), detail::new_seed(base, module.name));
        module.config_json = compact(parsed);
    }
}

void brain_config::to_file(const std::filesystem::path& file, file_compression compression) const {
    detail::write_scfg_text(file, to_json(), compression);
}

void brain_config::set_input_shape(std::string_view input, std::vector<std::uint32_t> shape) {
    for (auto& [name, spec] : input_map) {
        if (name == input) {
            spec.shape = std::move(shape);
            spec.shape_given = true;
            return;
        }
    }
    std::vector<std::string> names;
    for (const auto& entry : input_map) {
        names.push_back(entry.first);
    }
    throw spark::error("the brain has no input '" + std::string(input) + "'; its inputs are " +
                       (names.empty() ? std::string("none") : detail::quoted_alternatives(names)));
}

std::string brain_config::to_json() const {
    if (schema == brain_schema::upstream_1_0) {
        return upstream_v1::to_text(detail::brain_to_v1(*this));
    }
    json::object cfg;
    cfg["__config_delimiter__"] = config_delimiter;
    cfg["__shared_config_delimiter__"] = shared_config_delimiter;
    cfg["__metadata__"] = parse_kept(metadata_json);
    cfg["__graph_editor_metadata__"] = parse_kept(graph_editor_metadata_json);
    if (!vendor_preference.empty()) {
        // Ours, so written only when set: a file without it stays exactly upstream's schema.
        json::array vendors;
        for (const auto& vendor : vendor_preference) {
            vendors.push_back(json::string(vendor));
        }
        cfg["__vendors__"] = std::move(vendors);
    }
    json::object inputs;
    for (const auto& [name, spec] : input_map) {
        inputs[name] = port_specs_value(spec);
    }
    cfg["input_map"] = std::move(inputs);
    json::object outputs;
    for (const auto& [name, output] : output_map) {
        json::object entry;
        entry["input"] = port_map_value(output.input);
        entry["spec"] = port_specs_value(output.spec);
        outputs[name] = std::move(entry);
    }
    cfg["output_map"] = std::move(outputs);
    json::object modules;
    for (const auto& module : modules_map) {
        json::object data;
        data["name"] = module.name;
        json::object cls;
        cls["__module_type__"] = module.class_ref;
        data["module_cls"] = std::move(cls);
        json::object inputs_of;
        for (const auto& [port, sources] : module.inputs) {
            json::array list;
            for (const auto& source : sources) {
                list.push_back(port_map_value(source));
            }
            inputs_of[port] = std::move(list);
        }
        data["inputs"] = std::move(inputs_of);
        json::value config = parse_kept(module.config_json);
        if (!module.graph_editor_metadata_json.empty() && config.is_object()) {
            config.get_object()["__graph_editor_metadata__"] =
                json::parse(module.graph_editor_metadata_json);
        }
        data["config"] = std::move(config);
        modules[module.name] = tagged_value("module_specs", std::move(data));
    }
    cfg["modules_map"] = std::move(modules);
    json::object document;
    document["__type__"] = "brain_config";
    document["__cfg__"] = std::move(cfg);
    return detail::pretty(document, 4) + '\n';
}

} // namespace spark::runtime
