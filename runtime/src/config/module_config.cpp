// SPDX-License-Identifier: Apache-2.0
#include <stdexcept>
#include <utility>

#include <boost/json.hpp>

#include <spark/runtime/module_config.hpp>

#include "config/config_builder.hpp"
#include "config/exact_json.hpp"
#include "config/json_text.hpp"
#include "config/message_text.hpp"
#include "config/module_config_impl.hpp"
#include "config/scfg_file.hpp"
#include "config/seeds.hpp"
#include "config/unknown_keys.hpp"

namespace spark::runtime {

void module_config::impl::link() {
    for (std::size_t i = 0; i < values.size(); ++i) {
        auto& value = values[i];
        auto& storage = slots[i];
        switch (value.type) {
        case SPARK_FIELD_STRING:
            value.s = storage.text.c_str();
            break;
        case SPARK_FIELD_INT_ARRAY:
            value.ints = storage.ints.data();
            value.count = static_cast<std::uint32_t>(storage.ints.size());
            break;
        case SPARK_FIELD_FLOAT_ARRAY:
            value.floats = storage.floats.data();
            value.count = static_cast<std::uint32_t>(storage.floats.size());
            break;
        case SPARK_FIELD_CONFIG:
        case SPARK_FIELD_INITIALIZER:
            value.config = storage.nested ? &storage.nested->abi() : nullptr;
            break;
        default:
            break;
        }
    }
    abi.class_ref = class_ref.c_str();
    abi.values = values.data();
    abi.count = static_cast<std::uint32_t>(values.size());
}

module_config::module_config(const registry::plugin_registry& registry,
                             const registry::module_type_info& type,
                             std::string_view overrides_json,
                             std::string path,
                             config_mode mode,
                             std::span<const std::string> vendor_preference,
                             const std::filesystem::path& relative_to)
    : module_config(detail::build_module_config(
          registry, type, overrides_json, std::move(path), mode, vendor_preference, relative_to)) {}

module_config::module_config(std::unique_ptr<impl> data) : impl_(std::move(data)) {}
module_config::module_config(module_config&&) noexcept = default;
module_config& module_config::operator=(module_config&&) noexcept = default;
module_config::~module_config() = default;

const spark_config_t& module_config::abi() const noexcept {
    return impl_->abi;
}
const registry::module_type_info& module_config::type() const noexcept {
    return *impl_->type;
}
const std::string& module_config::path() const noexcept {
    return impl_->path;
}
const std::vector<std::string>& module_config::vendor_preference() const noexcept {
    return impl_->vendor_preference;
}
const std::string& module_config::metadata_json() const noexcept {
    return impl_->metadata_json;
}
const std::string& module_config::graph_editor_metadata_json() const noexcept {
    return impl_->graph_editor_metadata_json;
}
std::uint64_t module_config::seed() const noexcept {
    return impl_->abi.seed;
}
std::int32_t module_config::dtype() const noexcept {
    return impl_->abi.dtype;
}
double module_config::dt() const noexcept {
    return impl_->abi.dt;
}

namespace {

std::size_t field_index(const registry::module_type_info& type, std::string_view field) {
    for (std::uint32_t i = 0; i < type.abi->field_count; ++i) {
        if (field == type.abi->fields[i].name) {
            return i;
        }
    }
    throw std::out_of_range("module type " + type.canonical_id + " has no config field '" +
                            std::string(field) + "'");
}

} // namespace

const spark_value_t& module_config::value(std::string_view field) const {
    return impl_->values[field_index(*impl_->type, field)];
}

const module_config* module_config::nested(std::string_view field) const {
    const auto& slot = impl_->slots[field_index(*impl_->type, field)];
    return slot.nested ? &*slot.nested : nullptr;
}

namespace {

namespace json = boost::json;

json::object to_object(const module_config& config) {
    json::object out;
    // Upstream's metadata fields come first in its to_dict(); we write them only when set.
    if (!config.metadata_json().empty()) {
        out["__metadata__"] = json::parse(config.metadata_json());
    }
    if (!config.graph_editor_metadata_json().empty()) {
        out["__graph_editor_metadata__"] = json::parse(config.graph_editor_metadata_json());
    }
    out["seed"] = config.seed();
    out["dtype"] = config.dtype() == SPARK_DTYPE_F64 ? "float64" : "float32";
    out["dt"] = config.dt();
    const auto& type = *config.type().abi;
    for (std::uint32_t i = 0; i < type.field_count; ++i) {
        const char* name = type.fields[i].name;
        const spark_value_t& v = config.value(name);
        switch (v.type) {
        case SPARK_FIELD_BOOL:
            out[name] = v.b;
            break;
        case SPARK_FIELD_INT:
            out[name] = v.i;
            break;
        case SPARK_FIELD_FLOAT:
            out[name] = v.f;
            break;
        case SPARK_FIELD_STRING:
            out[name] = v.s;
            break;
        case SPARK_FIELD_INT_ARRAY:
            out[name] = json::value_from(std::vector<std::int64_t>(v.ints, v.ints + v.count));
            break;
        case SPARK_FIELD_FLOAT_ARRAY:
            out[name] = json::value_from(std::vector<double>(v.floats, v.floats + v.count));
            break;
        default: // CONFIG, or INITIALIZER holding a config
            if (const module_config* nested = config.nested(name)) {
                json::object object;
                object["__class_ref__"] = nested->type().canonical_id;
                for (auto& entry : to_object(*nested)) {
                    object[entry.key()] = entry.value();
                }
                out[name] = std::move(object);
            } else {
                out[name] = nullptr; // a nullable CONFIG field holding none
            }
            break;
        }
    }
    return out;
}

void differences(const json::object& a,
                 const json::object& b,
                 const std::string& prefix,
                 std::vector<std::string>& out) {
    for (const auto& entry : a) {
        const std::string path = prefix + std::string(entry.key());
        const auto* other = b.if_contains(entry.key());
        if (other != nullptr && entry.value().is_object() && other->is_object() &&
            entry.value().get_object().at("__class_ref__") ==
                other->get_object().at("__class_ref__")) {
            differences(entry.value().get_object(), other->get_object(), path + "/", out);
        } else if (other == nullptr || entry.value() != *other) {
            out.push_back(path);
        }
    }
    for (const auto& entry : b) {
        if (!a.contains(entry.key())) {
            out.push_back(prefix + std::string(entry.key()));
        }
    }
}

} // namespace

std::string module_config::to_json() const {
    return detail::compact(to_object(*this));
}

namespace {

/// `object` without its "__class_ref__" and metadata keys, at every depth, in the same key order.
json::object without_metadata(const json::object& object) {
    json::object out;
    for (const auto& entry : object) {
        if (entry.key() == "__class_ref__" || entry.key() == "__metadata__" ||
            entry.key() == "__graph_editor_metadata__") {
            continue;
        }
        out[entry.key()] = entry.value().is_object()
                               ? json::value(without_metadata(entry.value().get_object()))
                               : entry.value();
    }
    return out;
}

} // namespace

std::string module_config::kwargs_json() const {
    return detail::compact(without_metadata(to_object(*this)));
}

bool operator==(const module_config& a, const module_config& b) {
    return a.type().canonical_id == b.type().canonical_id && to_object(a) == to_object(b);
}

std::vector<config_issue> module_config::check(const registry::plugin_registry& registry,
                                               const registry::module_type_info& type,
                                               std::string_view overrides_json,
                                               std::string path,
                                               config_mode mode,
                                               bool partial,
                                               std::span<const std::string> vendor_preference,
                                               const std::filesystem::path& relative_to) {
    std::vector<config_issue> issues;
    detail::build_options options;
    options.mode = mode;
    options.partial = partial;
    options.vendor_preference.assign(vendor_preference.begin(), vendor_preference.end());
    options.relative_to = relative_to;
    (void)detail::build_module_config(
        registry, type, {overrides_json}, std::move(path), options, issues);
    return issues;
}

module_config module_config::merged(std::string_view partial_json, config_mode mode) const {
    std::vector<config_issue> issues;
    const std::string current = to_json();
    detail::build_options options;
    options.mode = mode;
    options.vendor_preference = vendor_preference();
    options.relative_to = impl_->relative_to;
    auto data = detail::build_module_config(
        *impl_->registry, type(), {current, partial_json}, path(), options, issues);
    if (!issues.empty()) {
        throw config_error(std::move(issues));
    }
    return module_config(std::move(data));
}

void module_config::merge(std::string_view partial_json, config_mode mode) {
    *this = merged(partial_json, mode);
}

std::vector<std::string> module_config::field_errors(std::string_view field,
                                                     std::string_view value_json) const {
    (void)field_index(type(), field); // an unknown field throws
    const std::string field_path =
        path().empty() ? std::string(field) : path() + "/" + std::string(field);
    std::vector<config_issue> issues;
    json::value candidate;
    try {
        candidate = detail::parse_json_exact(value_json, field_path, file_limits{});
    } catch (const config_error& e) {
        return {e.issues().front().message};
    }
    json::object partial;
    partial[field] = std::move(candidate);
    const std::string current = to_json();
    const std::string change = detail::compact(partial);
    detail::build_options options;
    options.vendor_preference = vendor_preference();
    options.relative_to = impl_->relative_to;
    (void)detail::build_module_config(
        *impl_->registry, type(), {current, change}, path(), options, issues);
    std::vector<std::string> out;
    for (const auto& issue : issues) {
        if (issue.path == field_path) {
            out.push_back(issue.message);
        } else if (issue.path.starts_with(field_path + "/")) {
            out.push_back(issue.path.substr(field_path.size() + 1) + ": " + issue.message);
        }
    }
    return out;
}

module_config module_config::with_new_seeds(std::optional<std::uint64_t> seed) const {
    json::object object = to_object(*this);
    detail::reseed(object, detail::new_seed(seed, type().canonical_id));
    return module_config(*impl_->registry,
                         type(),
                         detail::compact(object),
                         path(),
                         config_mode::strict,
                         vendor_preference(),
                         impl_->relative_to);
}

namespace {

constexpr std::string_view config_suffix = "_config";

[[noreturn]] void
refuse(const std::filesystem::path& file, const std::string& where, const std::string& message) {
    throw config_error({{file.string() + where, message}});
}

} // namespace

void module_config::to_file(const std::filesystem::path& file, file_compression compression) const {
    json::object document;
    document["__type__"] = type().canonical_id + std::string(config_suffix);
    document["__cfg__"] = to_object(*this);
    detail::write_scfg_text(file, detail::pretty(document, 4) + '\n', compression);
}

module_config module_config::from_file(const registry::plugin_registry& registry,
                                       const std::filesystem::path& file,
                                       config_mode mode,
                                       const file_limits& limits) {
    const json::value document =
        detail::parse_json_exact(detail::read_scfg_text(file, limits), file.string(), limits, mode);
    if (!document.is_object()) {
        refuse(file, "", "a config file is {\"__type__\": \"<type>_config\", \"__cfg__\": {...}}");
    }
    const auto& envelope = document.get_object();
    for (const auto& entry : envelope) {
        if (entry.key() != "__type__" && entry.key() != "__cfg__") {
            const std::string message = "unknown key '" + detail::excerpt(entry.key()) +
                                        "'; expected '__type__' or '__cfg__'";
            if (!detail::dropped_in_compat(
                    mode, file.string() + "/" + std::string(entry.key()), message)) {
                refuse(file, "/" + std::string(entry.key()), message);
            }
        }
    }
    const auto* tag = envelope.if_contains("__type__");
    if (tag == nullptr || !tag->is_string() || !tag->get_string().ends_with(config_suffix)) {
        refuse(file,
               "/__type__",
               "must name the config's type as \"<class_ref>_config\", got " +
                   (tag == nullptr ? std::string("nothing") : detail::compact(*tag)));
    }
    const auto* fields = envelope.if_contains("__cfg__");
    if (fields == nullptr || !fields->is_object()) {
        refuse(file, "/__cfg__", "must be an object of config fields");
    }
    const std::string_view name = tag->get_string();
    const registry::module_type_info* type = nullptr;
    try {
        type = &registry.resolve(name.substr(0, name.size() - config_suffix.size()));
    } catch (const spark::error& e) {
        refuse(file, "/__type__", e.what());
    }
    return module_config(registry, *type, detail::compact(*fields), file.filename().string(), mode);
}

std::vector<std::string> module_config::diff(const module_config& other) const {
    std::vector<std::string> out;
    differences(to_object(*this), to_object(other), "", out);
    return out;
}

} // namespace spark::runtime
