// SPDX-License-Identifier: Apache-2.0
#include "tools/check_request.hpp"

#include <algorithm>

#include <spark/registry/module_type_info.hpp>
#include <spark/runtime/field_metadata.hpp>

#include "text.hpp"
#include "tools/host_buffer.hpp"

namespace spark::runtime::detail {

namespace {

std::string quoted_list(const std::vector<std::string>& names) {
    std::vector<std::string> quoted;
    for (const auto& name : names) {
        quoted.push_back("'" + name + "'");
    }
    return quoted.empty() ? std::string("none") : join(quoted, ", ");
}

std::vector<std::string> port_names(const spark_module_type_t& type, std::int32_t direction) {
    std::vector<std::string> names;
    for (std::uint32_t i = 0; i < type.port_count; ++i) {
        if (type.ports[i].direction == direction) {
            names.emplace_back(type.ports[i].name);
        }
    }
    return names;
}

const spark_port_desc_t* find_port(const spark_module_type_t& type, std::string_view name) {
    for (std::uint32_t i = 0; i < type.port_count; ++i) {
        if (name == type.ports[i].name) {
            return &type.ports[i];
        }
    }
    return nullptr;
}

/// The dtypes the `dtype` field's one-of validator lists (`one of "float32", "float64"`).
std::vector<std::int32_t> offered_dtypes(const registry::module_type_info& type) {
    std::vector<std::int32_t> dtypes;
    for (const auto& field : schema_metadata(type)) {
        if (field.name != "dtype") {
            continue;
        }
        for (const auto& validator : field.validators) {
            if (validator.find("\"float32\"") != std::string::npos) {
                dtypes.push_back(SPARK_DTYPE_F32);
            }
            if (validator.find("\"float64\"") != std::string::npos) {
                dtypes.push_back(SPARK_DTYPE_F64);
            }
        }
    }
    return dtypes.empty() ? std::vector<std::int32_t>{SPARK_DTYPE_F32} : dtypes;
}

std::string type_names(const std::vector<const registry::module_type_info*>& types) {
    std::vector<std::string> names;
    for (const auto* type : types) {
        names.push_back(type->canonical_id);
    }
    return join(names, ", ");
}

bool is_float(std::int32_t dtype) {
    return dtype == SPARK_DTYPE_F32 || dtype == SPARK_DTYPE_F64;
}

void check_settings(const registry::module_type_info& type, const check_options& options) {
    std::vector<std::string> names;
    for (const auto& field : schema_metadata(type)) {
        names.push_back(field.name);
    }
    for (const auto& [field, value] : options.settings) {
        const std::string head = field.substr(0, field.find("__"));
        if (std::find(names.begin(), names.end(), head) == names.end()) {
            throw request_problem("--set " + field + "=" + value + ": " + type.canonical_id +
                                  " has no field '" + head + "'; its fields are " +
                                  join(names, ", ") + " (spark plugins describe " +
                                  type.canonical_id + " says what each holds)");
        }
    }
}

void check_shapes(const registry::module_type_info& type, const check_options& options) {
    const auto& abi = *type.abi;
    const std::string inputs = quoted_list(port_names(abi, SPARK_PORT_INPUT));
    for (const auto& [name, dims] : options.shapes) {
        const std::string option = "--shape " + name + ": ";
        const auto* port = find_port(abi, name);
        if (port == nullptr) {
            throw request_problem(option + type.canonical_id + " has no port '" + name +
                                  "'; its inputs are " + inputs);
        }
        if (port->direction != SPARK_PORT_INPUT) {
            throw request_problem(
                option + "'" + name + "' is an output of " + type.canonical_id +
                ", whose shape build() decides; give the shape of an input: " + inputs);
        }
        if (dims.empty() || dims.size() > SPARK_MAX_RANK ||
            std::any_of(dims.begin(), dims.end(), [](std::uint64_t d) {
                return d == 0 || d > UINT32_MAX;
            })) {
            throw request_problem(option + "a shape has 1 to " + std::to_string(SPARK_MAX_RANK) +
                                  " dimensions, each from 1 to " + std::to_string(UINT32_MAX) +
                                  ", e.g. --shape " + name + "=8,8");
        }
        const std::string ref = port->shape_ref != nullptr ? port->shape_ref : "";
        if (port->shape_rule == SPARK_SHAPE_FROM_FIELD) {
            throw request_problem(option + "input '" + name + "' of " + type.canonical_id +
                                  " takes its shape from field '" + ref + "': use --set " + ref +
                                  "=[...] instead");
        }
        if (port->shape_rule == SPARK_SHAPE_LIKE_PORT) {
            throw request_problem(option + "input '" + name + "' of " + type.canonical_id +
                                  " takes the shape of port '" + ref + "': give --shape " + ref +
                                  "=... instead");
        }
    }
}

/// The payloads a trace field of `dtype` can carry for `port`.
bool dtype_fits(const spark_port_desc_t& port, std::int32_t dtype) {
    switch (port.payload_kind) {
    case SPARK_PAYLOAD_SPIKES:
    case SPARK_PAYLOAD_BOOL_MASK:
        return dtype == SPARK_DTYPE_U8;
    case SPARK_PAYLOAD_INT:
        return dtype == SPARK_DTYPE_I32;
    case SPARK_PAYLOAD_FLOAT:
        return is_float(dtype);
    default: // any payload: the trace says which
        return dtype == SPARK_DTYPE_U8 || dtype == SPARK_DTYPE_I32 || is_float(dtype);
    }
}

std::string payload_fix(const spark_port_desc_t& port) {
    switch (port.payload_kind) {
    case SPARK_PAYLOAD_SPIKES:
    case SPARK_PAYLOAD_BOOL_MASK:
        return "store it as uint8 ('u1')";
    case SPARK_PAYLOAD_INT:
        return "store it as int32 ('<i4')";
    case SPARK_PAYLOAD_FLOAT:
        return "store it as float32 ('<f4') or float64 ('<f8')";
    default:
        return "store it as uint8 (spikes), int32 or float32/float64";
    }
}

/// Names, presence and element types of the reference's fields against `type`'s ports.
void check_reference_fields(const registry::module_type_info& type, const reference_trace& trace) {
    const auto& abi = *type.abi;
    const std::string file = trace.file.string();
    if (trace.steps == 0) {
        throw request_problem("--reference " + file +
                              ": it holds no steps; write one row per step");
    }
    for (const auto& field : trace.fields) {
        const auto* port = find_port(abi, field.name);
        if (port == nullptr) {
            throw request_problem("--reference " + file + ": field '" + field.name +
                                  "' is not a port of " + type.canonical_id +
                                  "; name each field after a port: inputs " +
                                  quoted_list(port_names(abi, SPARK_PORT_INPUT)) + ", outputs " +
                                  quoted_list(port_names(abi, SPARK_PORT_OUTPUT)));
        }
        if (!dtype_fits(*port, field.dtype)) {
            throw request_problem("--reference " + file + ": field '" + field.name + "' is " +
                                  std::string(registry::dtype_name(field.dtype)) + ", but " +
                                  (port->direction == SPARK_PORT_INPUT ? "input" : "output") +
                                  " '" + field.name + "' of " + type.canonical_id + " carries " +
                                  std::string(registry::payload_kind_name(port->payload_kind)) +
                                  ": " + payload_fix(*port));
        }
    }
    for (std::uint32_t i = 0; i < abi.port_count; ++i) {
        const auto& port = abi.ports[i];
        const bool needed = port.direction == SPARK_PORT_OUTPUT || port.required;
        if (!needed || reference_field_named(trace, port.name) != nullptr) {
            continue;
        }
        const bool input = port.direction == SPARK_PORT_INPUT;
        throw request_problem("--reference " + file + ": it has no field for " +
                              (input ? "input '" : "output '") + std::string(port.name) + "' of " +
                              type.canonical_id + "; add one: its " +
                              (input ? "values to feed" : "expected values") +
                              " per step, named '" + std::string(port.name) + "'");
    }
}

} // namespace

const trace_field* reference_field_named(const reference_trace& trace, std::string_view name) {
    for (const auto& field : trace.fields) {
        if (field.name == name) {
            return &field;
        }
    }
    return nullptr;
}

std::vector<const registry::module_type_info*>
selected_types(const std::vector<const registry::module_type_info*>& file_types,
               const check_options& options) {
    if (!options.type.empty()) {
        for (const auto* type : file_types) {
            if (type->canonical_id == options.type || type->class_ref() == options.type) {
                return {type};
            }
        }
        throw request_problem("--type " + options.type + ": the file has no such type; its " +
                              "types are " + type_names(file_types));
    }
    if (options.record_steps && file_types.size() > 1) {
        throw request_problem("--write-reference records one type, and the file has " +
                              std::to_string(file_types.size()) + ": add --type NAME with one of " +
                              type_names(file_types));
    }
    const bool chosen =
        !options.settings.empty() || !options.shapes.empty() || options.reference.has_value();
    if (chosen && file_types.size() > 1) {
        throw request_problem("--set, --shape and --reference apply to one type, and the file "
                              "has " +
                              std::to_string(file_types.size()) + ": add --type NAME with one of " +
                              type_names(file_types));
    }
    return file_types;
}

void check_request(const registry::module_type_info& type, const check_options& options) {
    check_settings(type, options);
    const bool initializer = type.abi->kind == SPARK_KIND_INITIALIZER;
    if (options.record_steps) {
        if (options.reference) {
            throw request_problem("--reference and --write-reference: give one or the other "
                                  "(--reference compares against a trace, --write-reference "
                                  "records one)");
        }
        if (*options.record_steps == 0) {
            throw request_problem("--steps 0: record at least 1 step");
        }
        if (initializer) {
            throw request_problem(type.canonical_id +
                                  " is an initializer, which has no ports to record: "
                                  "--write-reference applies to module types");
        }
    }
    if (initializer && (!options.shapes.empty() || options.reference)) {
        throw request_problem(type.canonical_id +
                              " is an initializer, which has no ports: --shape and --reference "
                              "apply to module types; use --set alone");
    }
    check_shapes(type, options);
    if (options.reference) {
        check_reference_fields(type, *options.reference);
        for (const auto& [name, dims] : options.shapes) {
            const auto* field = reference_field_named(*options.reference, name);
            if (field == nullptr) {
                continue;
            }
            const bool same = field->shape.rank == dims.size() &&
                              std::equal(dims.begin(), dims.end(), field->shape.dims);
            if (!same) {
                throw request_problem("--shape " + name + " differs from the shape " +
                                      shape_text(field->shape) + " of field '" + name +
                                      "' in --reference " + options.reference->file.string() +
                                      ": leave --shape out (the reference gives it) or make them "
                                      "agree");
            }
        }
    }
}

std::vector<std::int32_t> run_dtypes(const registry::module_type_info& type,
                                     const check_options& options) {
    std::optional<std::int32_t> chosen;
    std::string chosen_by;
    for (const auto& [field, value] : options.settings) {
        if (field == "dtype") {
            chosen = setting_json(value) == "\"float64\"" ? SPARK_DTYPE_F64 : SPARK_DTYPE_F32;
            chosen_by = "--set dtype=" + value;
            if (setting_json(value) != "\"float64\"" && setting_json(value) != "\"float32\"") {
                throw request_problem("--set dtype=" + value + ": " + type.canonical_id +
                                      " offers dtype float32 or float64");
            }
        }
    }
    if (options.reference) {
        for (const auto& field : options.reference->fields) {
            if (!is_float(field.dtype)) {
                continue;
            }
            if (chosen && *chosen != field.dtype) {
                throw request_problem(
                    "--reference " + options.reference->file.string() + ": field '" + field.name +
                    "' is " + std::string(registry::dtype_name(field.dtype)) +
                    ", which conflicts with " +
                    (chosen_by.empty() ? "the reference's other float fields" : chosen_by) +
                    ": store every float field in the dtype to run (or drop --set dtype)");
            }
            chosen = field.dtype;
        }
    }
    const auto offered = offered_dtypes(type);
    if (!chosen && options.record_steps) {
        // A trace is of one dtype: float32, the default of every config, unless --set chose.
        const bool has_f32 =
            std::find(offered.begin(), offered.end(), SPARK_DTYPE_F32) != offered.end();
        return {has_f32 ? SPARK_DTYPE_F32 : offered.front()};
    }
    if (!chosen) {
        return offered;
    }
    if (std::find(offered.begin(), offered.end(), *chosen) == offered.end()) {
        throw request_problem(type.canonical_id + " does not offer dtype " +
                              std::string(registry::dtype_name(*chosen)));
    }
    return {*chosen};
}

std::string settings_members(const check_options& options) {
    std::string members;
    for (const auto& [field, value] : options.settings) {
        members += (members.empty() ? "" : ", ") + ("\"" + field + "\": " + setting_json(value));
    }
    return members;
}

bool is_set(const check_options& options, std::string_view field) {
    return std::any_of(options.settings.begin(), options.settings.end(), [&](const auto& setting) {
        return std::string_view(setting.first).substr(0, setting.first.find("__")) == field;
    });
}

std::optional<spark_shape_t> given_shape(const check_options& options, std::string_view port) {
    for (const auto& [name, dims] : options.shapes) {
        if (name == port) {
            spark_shape_t shape{};
            shape.rank = static_cast<std::uint32_t>(dims.size());
            for (std::size_t d = 0; d < dims.size(); ++d) {
                shape.dims[d] = static_cast<std::uint32_t>(dims[d]);
            }
            return shape;
        }
    }
    if (options.reference) {
        if (const auto* field = reference_field_named(*options.reference, port)) {
            return field->shape;
        }
    }
    return std::nullopt;
}

const trace_field* reference_field(const check_options& options, std::string_view port) {
    return options.reference ? reference_field_named(*options.reference, port) : nullptr;
}

} // namespace spark::runtime::detail
