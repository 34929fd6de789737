// SPDX-License-Identifier: Apache-2.0
#include "brain/checkpoint_manifest.hpp"

#include <algorithm>
#include <limits>

#include <boost/json.hpp>

#include <spark/registry/module_type_info.hpp>
#include <spark/runtime/checkpoint.hpp>

#include "brain/checkpoint_format.hpp"

namespace spark::runtime::detail {
namespace {

namespace json = boost::json;

constexpr std::int32_t dtypes[] = {
    SPARK_DTYPE_U8, SPARK_DTYPE_I32, SPARK_DTYPE_F32, SPARK_DTYPE_F64};

json::object array_json(const checkpoint_array& a) {
    json::array shape;
    for (const auto d : a.shape) {
        shape.emplace_back(d);
    }
    return {{"name", a.name},
            {"dtype", registry::dtype_name(a.dtype)},
            {"shape", std::move(shape)},
            {"offset", a.offset},
            {"bytes", a.bytes}};
}

json::object provenance_json(const checkpoint_provenance& p) {
    return {{"type", p.type},
            {"plugin_id", p.plugin_id},
            {"plugin_version", p.plugin_version},
            {"type_version", p.type_version},
            {"sha256", p.sha256},
            {"file", p.file}};
}

json::array arrays_json(const std::vector<checkpoint_array>& arrays) {
    json::array out;
    for (const auto& a : arrays) {
        out.push_back(array_json(a));
    }
    return out;
}

/// Reads one manifest value, naming its place ("modules[2].state[0].shape") when it is not there
/// or not of its kind.
class reader {
public:
    explicit reader(const std::filesystem::path& file) : file_(file) {}

    [[noreturn]] void fail(const std::string& where, const std::string& what) const {
        throw checkpoint_error(file_,
                               checkpoint_problem::malformed,
                               "the manifest's " + where + " " + what +
                                   "; the file is not a checkpoint this build wrote, or it was "
                                   "edited");
    }

    const json::value& at(const json::object& o, const std::string& where, const char* key) const {
        const auto* value = o.if_contains(key);
        if (value == nullptr) {
            fail(where + "." + key, "is missing");
        }
        return *value;
    }
    const json::object& object(const json::value& v, const std::string& where) const {
        if (!v.is_object()) {
            fail(where, "is not an object");
        }
        return v.as_object();
    }
    const json::array& array(const json::value& v, const std::string& where) const {
        if (!v.is_array()) {
            fail(where, "is not a list");
        }
        return v.as_array();
    }
    std::string text(const json::object& o, const std::string& where, const char* key) const {
        const auto& v = at(o, where, key);
        if (!v.is_string()) {
            fail(where + "." + key, "is not a string");
        }
        return std::string(v.as_string());
    }
    std::uint64_t count(const json::object& o, const std::string& where, const char* key) const {
        const auto& v = at(o, where, key);
        if (v.is_uint64()) {
            return v.as_uint64();
        }
        if (v.is_int64() && v.as_int64() >= 0) {
            return static_cast<std::uint64_t>(v.as_int64());
        }
        fail(where + "." + key, "is not a count (a whole number >= 0)");
    }
    std::vector<std::uint32_t> shape(const json::value& v, const std::string& where) const {
        const auto& list = array(v, where);
        if (list.size() > SPARK_MAX_RANK) {
            fail(where,
                 "has " + std::to_string(list.size()) + " dimensions, more than " +
                     std::to_string(SPARK_MAX_RANK));
        }
        std::vector<std::uint32_t> dims;
        for (std::size_t i = 0; i < list.size(); ++i) {
            const auto& d = list[i];
            const auto place = where + "[" + std::to_string(i) + "]";
            if (!(d.is_uint64() || (d.is_int64() && d.as_int64() >= 0))) {
                fail(place, "is not a dimension");
            }
            const auto value =
                d.is_uint64() ? d.as_uint64() : static_cast<std::uint64_t>(d.as_int64());
            if (value > std::numeric_limits<std::uint32_t>::max()) {
                fail(place, "is larger than a dimension can be (2^32 - 1)");
            }
            dims.push_back(static_cast<std::uint32_t>(value));
        }
        return dims;
    }
    checkpoint_array array_entry(const json::value& v, const std::string& where) const {
        const auto& o = object(v, where);
        checkpoint_array a;
        a.name = text(o, where, "name");
        const auto dtype = text(o, where, "dtype");
        for (const auto d : dtypes) {
            if (registry::dtype_name(d) == dtype) {
                a.dtype = d;
            }
        }
        if (a.dtype == 0) {
            fail(where + ".dtype", "is '" + dtype + "', not uint8, int32, float32 or float64");
        }
        a.shape = shape(at(o, where, "shape"), where + ".shape");
        a.offset = count(o, where, "offset");
        a.bytes = count(o, where, "bytes");
        return a;
    }
    std::vector<checkpoint_array>
    arrays(const json::object& o, const std::string& where, const char* key) const {
        std::vector<checkpoint_array> out;
        const auto& list = array(at(o, where, key), where + "." + key);
        for (std::size_t i = 0; i < list.size(); ++i) {
            out.push_back(array_entry(list[i], where + "." + key + "[" + std::to_string(i) + "]"));
        }
        return out;
    }
    checkpoint_provenance provenance(const json::value& v, const std::string& where) const {
        const auto& o = object(v, where);
        return {text(o, where, "type"),
                text(o, where, "plugin_id"),
                text(o, where, "plugin_version"),
                text(o, where, "type_version"),
                text(o, where, "sha256"),
                text(o, where, "file")};
    }

private:
    const std::filesystem::path& file_;
};

} // namespace

std::string to_json(const checkpoint_manifest& manifest) {
    json::object root;
    root["format"] = "spark checkpoint";
    root["spark_version"] = manifest.spark_version;
    root["step_index"] = manifest.step_index;
    root["dt_ms"] = manifest.dt;
    root["config_mode"] = manifest.compat ? "compat" : "strict";
    root["brain_config"] = manifest.brain_config;
    json::object shapes;
    for (const auto& [name, shape] : manifest.input_shapes) {
        json::array dims;
        for (const auto d : shape) {
            dims.emplace_back(d);
        }
        shapes[name] = std::move(dims);
    }
    root["input_shapes"] = std::move(shapes);
    json::array modules;
    for (const auto& m : manifest.modules) {
        json::object entry{{"name", m.name}, {"provenance", provenance_json(m.type)}};
        json::array parts;
        for (const auto& [field, p] : m.parts) {
            auto part = provenance_json(p);
            part["part"] = field;
            parts.push_back(std::move(part));
        }
        entry["parts"] = std::move(parts);
        entry["state"] = arrays_json(m.state);
        entry["cache"] = arrays_json(m.cache);
        modules.push_back(std::move(entry));
    }
    root["modules"] = std::move(modules);
    root["inputs"] = arrays_json(manifest.inputs);
    return json::serialize(root);
}

checkpoint_manifest parse_manifest(std::string_view text, const std::filesystem::path& file) {
    const reader r(file);
    json::error_code error;
    const auto parsed = json::parse(text, error);
    if (error) {
        r.fail("text", "is not JSON (" + error.message() + ")");
    }
    const auto& root = r.object(parsed, "root");
    if (r.text(root, "root", "format") != "spark checkpoint") {
        r.fail("root.format", "is not \"spark checkpoint\"");
    }
    checkpoint_manifest m;
    m.spark_version = r.text(root, "root", "spark_version");
    m.step_index = r.count(root, "root", "step_index");
    const auto& dt = r.at(root, "root", "dt_ms");
    if (!dt.is_number()) {
        r.fail("root.dt_ms", "is not a number");
    }
    m.dt = dt.to_number<double>();
    const auto mode = r.text(root, "root", "config_mode");
    if (mode != "strict" && mode != "compat") {
        r.fail("root.config_mode", "is '" + mode + "', not strict or compat");
    }
    m.compat = mode == "compat";
    m.brain_config = r.text(root, "root", "brain_config");
    for (const auto& [name, shape] : r.object(r.at(root, "root", "input_shapes"), "input_shapes")) {
        m.input_shapes.emplace_back(std::string(name),
                                    r.shape(shape, "input_shapes." + std::string(name)));
    }
    const auto& modules = r.array(r.at(root, "root", "modules"), "modules");
    for (std::size_t i = 0; i < modules.size(); ++i) {
        const auto where = "modules[" + std::to_string(i) + "]";
        const auto& o = r.object(modules[i], where);
        checkpoint_module module;
        module.name = r.text(o, where, "name");
        module.type = r.provenance(r.at(o, where, "provenance"), where + ".provenance");
        const auto& parts = r.array(r.at(o, where, "parts"), where + ".parts");
        for (std::size_t p = 0; p < parts.size(); ++p) {
            const auto place = where + ".parts[" + std::to_string(p) + "]";
            module.parts.emplace_back(r.text(r.object(parts[p], place), place, "part"),
                                      r.provenance(parts[p], place));
        }
        module.state = r.arrays(o, where, "state");
        module.cache = r.arrays(o, where, "cache");
        m.modules.push_back(std::move(module));
    }
    m.inputs = r.arrays(root, "root", "inputs");
    return m;
}

void check_layout(const checkpoint_manifest& manifest,
                  std::uint64_t data_begin,
                  std::uint64_t data_end,
                  const std::filesystem::path& file) {
    struct placed {
        std::uint64_t offset;
        std::uint64_t bytes;
        std::string what;
    };
    std::vector<placed> all;
    const auto add = [&](const checkpoint_array& a, const std::string& what) {
        const auto fail = [&](const std::string& why) {
            throw checkpoint_error(file,
                                   checkpoint_problem::malformed,
                                   what + " " + why +
                                       "; the file was edited or damaged, write it again");
        };
        // Element count times element size, refusing what would overflow 64 bits (it would
        // exceed any file anyway).
        std::uint64_t expected = spark_dtype_size(a.dtype);
        for (const auto d : a.shape) {
            if (d != 0 && expected > std::numeric_limits<std::uint64_t>::max() / d) {
                fail("has a shape too large for any file");
            }
            expected *= d;
        }
        if (a.bytes != expected) {
            fail("says " + std::to_string(a.bytes) + " bytes but its dtype and shape make " +
                 std::to_string(expected));
        }
        if (a.offset < data_begin || a.offset > data_end || a.bytes > data_end - a.offset) {
            fail("lies at bytes [" + std::to_string(a.offset) + ", +" + std::to_string(a.bytes) +
                 "), outside the file's arrays [" + std::to_string(data_begin) + ", " +
                 std::to_string(data_end) + ")");
        }
        if (a.offset % checkpoint_format::alignment != 0) {
            fail("starts at byte " + std::to_string(a.offset) + ", not a multiple of " +
                 std::to_string(checkpoint_format::alignment));
        }
        all.push_back({a.offset, a.bytes, what});
    };
    for (const auto& m : manifest.modules) {
        for (const auto& a : m.state) {
            add(a, "module '" + m.name + "' state array '" + a.name + "'");
        }
        for (const auto& a : m.cache) {
            add(a, "module '" + m.name + "' cached output '" + a.name + "'");
        }
    }
    for (const auto& a : manifest.inputs) {
        add(a, "brain input '" + a.name + "'");
    }
    std::sort(all.begin(), all.end(), [](const placed& a, const placed& b) {
        return a.offset < b.offset;
    });
    for (std::size_t i = 1; i < all.size(); ++i) {
        if (all[i - 1].offset + all[i - 1].bytes > all[i].offset) {
            throw checkpoint_error(file,
                                   checkpoint_problem::malformed,
                                   all[i - 1].what + " and " + all[i].what +
                                       " overlap in the file; the file was edited or damaged, "
                                       "write it again");
        }
    }
}

} // namespace spark::runtime::detail
