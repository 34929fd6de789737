// SPDX-License-Identifier: Apache-2.0
#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstring>
#include <optional>
#include <random>
#include <string_view>
#include <utility>
#include <vector>

#include <spark/abi/module.h>
#include <spark/abi/schema.h>
#include <spark/registry/errors.hpp>
#include <spark/runtime/errors.hpp>
#include <spark/runtime/module_config.hpp>
#include <spark/runtime/plugin_check.hpp>

#include "log.hpp"
#include "text.hpp"
#include "tools/check_request.hpp"
#include "tools/check_runs.hpp"
#include "tools/check_support.hpp"
#include "tools/host_buffer.hpp"
#include "tools/sparse_fill_check.hpp"

namespace spark::runtime {

std::size_t type_check::failures() const noexcept {
    std::size_t count = 0;
    for (const auto& stage : stages) {
        count += stage.outcome == check_outcome::failed ? 1 : 0;
    }
    return count;
}

std::size_t plugin_check_report::failures() const noexcept {
    std::size_t count = (load_error.empty() ? 0U : 1U) + (request_error.empty() ? 0U : 1U);
    for (const auto& type : types) {
        count += type.failures();
    }
    return count;
}

std::string_view outcome_name(check_outcome outcome) noexcept {
    switch (outcome) {
    case check_outcome::passed:
        return "OK";
    case check_outcome::failed:
        return "FAIL";
    case check_outcome::skipped:
        return "SKIP";
    }
    return "?";
}

namespace {

using detail::allocate;
using detail::fill_random;
using detail::host_buffer;
using detail::problems;
using detail::step_io;

constexpr const char* instance_name = "check";

/// Appends the stages of one type in order; once a stage that later ones need has failed, the
/// rest up to a given stage are recorded as skipped with the reason.
class stage_recorder {
public:
    stage_recorder(type_check& result, std::vector<std::string_view> names, std::string dtype)
        : result_(result), names_(std::move(names)), dtype_(std::move(dtype)) {}

    void pass(std::string note = {}) { record(check_outcome::passed, std::move(note)); }
    void fail(std::string message) { record(check_outcome::failed, std::move(message)); }
    void skip(std::string message) { record(check_outcome::skipped, std::move(message)); }
    void record(const detail::stage_result& result) { record(result.outcome, result.message); }
    void finish(const problems& found) {
        if (found.empty()) {
            pass();
        } else {
            fail(found.text());
        }
    }
    /// Skips every stage before `stage` (all remaining ones when it is not listed).
    void skip_until(std::string_view stage, const std::string& reason) {
        while (next_ < names_.size() && names_[next_] != stage) {
            skip(reason);
        }
    }

private:
    void record(check_outcome outcome, std::string message) {
        result_.stages.push_back(
            {std::string(names_.at(next_)), outcome, std::move(message), dtype_});
        ++next_;
    }

    type_check& result_;
    std::vector<std::string_view> names_;
    std::string dtype_;
    std::size_t next_ = 0;
};

spark_shape_t vector_shape(std::uint32_t length) {
    spark_shape_t shape{};
    shape.rank = 1;
    shape.dims[0] = length;
    return shape;
}

/// The shape held by the int-array field `name`, or an error message.
std::optional<spark_shape_t>
field_shape(const module_config& config, std::string_view name, std::string& error) {
    const spark_value_t* value = nullptr;
    try {
        value = &config.value(name);
    } catch (const std::out_of_range& e) {
        error = e.what();
        return std::nullopt;
    }
    if (value->type != SPARK_FIELD_INT_ARRAY || value->count > SPARK_MAX_RANK) {
        error =
            "field '" + std::string(name) +
            "' does not hold a shape (an int array of rank <= " + std::to_string(SPARK_MAX_RANK) +
            ")";
        return std::nullopt;
    }
    spark_shape_t shape{};
    shape.rank = value->count;
    for (std::uint32_t i = 0; i < value->count; ++i) {
        if (value->ints[i] < 0 || value->ints[i] > UINT32_MAX) {
            error = "field '" + std::string(name) + "' holds the invalid dimension " +
                    std::to_string(value->ints[i]);
            return std::nullopt;
        }
        shape.dims[i] = static_cast<std::uint32_t>(value->ints[i]);
    }
    return shape;
}

/// The payload an any-payload input carries when the reference feeds it values of `dtype`.
std::int32_t payload_of(std::int32_t dtype) {
    switch (dtype) {
    case SPARK_DTYPE_U8:
        return SPARK_PAYLOAD_SPIKES;
    case SPARK_DTYPE_I32:
        return SPARK_PAYLOAD_INT;
    default:
        return SPARK_PAYLOAD_FLOAT;
    }
}

/// Default input specs, with the shapes --shape and the reference give: see check_plugin.
/// Throws std::runtime_error naming the port.
std::vector<spark_port_spec_t> default_inputs(const std::vector<const spark_port_desc_t*>& ports,
                                              const module_config& config,
                                              const check_options& options) {
    std::vector<spark_port_spec_t> specs(ports.size());
    for (std::size_t i = 0; i < ports.size(); ++i) {
        const auto& port = *ports[i];
        const auto given = detail::given_shape(options, port.name);
        if (!port.required && !given) {
            continue; // optional inputs stay unwired (payload kind 0, no elements), as in a brain
        }
        specs[i].payload_kind = port.payload_kind;
        if (const auto* field = detail::reference_field(options, port.name);
            field != nullptr && port.payload_kind == SPARK_PAYLOAD_ANY) {
            specs[i].payload_kind = payload_of(field->dtype);
        }
        specs[i].dtype = spark_payload_dtype(specs[i].payload_kind, config.dtype());
        specs[i].shape = vector_shape(8);
        if (given && port.shape_rule == SPARK_SHAPE_ANY) {
            specs[i].shape = *given;
        }
        if (port.shape_rule == SPARK_SHAPE_FROM_FIELD) {
            std::string error;
            const auto shape = field_shape(config, port.shape_ref ? port.shape_ref : "", error);
            if (!shape) {
                throw std::runtime_error("input " + std::string(port.name) + ": " + error);
            }
            specs[i].shape = *shape;
        }
    }
    // Like-port inputs copy a sibling input's shape (now that those are known).
    for (std::size_t i = 0; i < ports.size(); ++i) {
        if (ports[i]->shape_rule != SPARK_SHAPE_LIKE_PORT || ports[i]->shape_ref == nullptr) {
            continue;
        }
        for (std::size_t k = 0; k < ports.size(); ++k) {
            if (std::string_view(ports[k]->name) == ports[i]->shape_ref) {
                specs[i].shape = specs[k].shape;
            }
        }
    }
    return specs;
}

/// Checks the specs build() returned against each port's rule and the contract (if any).
void check_output_specs(const std::vector<const spark_port_desc_t*>& inputs,
                        const std::vector<spark_port_spec_t>& input_specs,
                        const std::vector<const spark_port_desc_t*>& outputs,
                        const std::vector<spark_port_spec_t>& output_specs,
                        const std::optional<std::vector<spark_port_spec_t>>& contract,
                        const module_config& config,
                        problems& found) {
    for (std::size_t i = 0; i < outputs.size(); ++i) {
        const auto& port = *outputs[i];
        const auto& spec = output_specs[i];
        const std::string name = port.name;
        if (spec.payload_kind != port.payload_kind) {
            found.add(name + ": payload kind " +
                      std::string(registry::payload_kind_name(spec.payload_kind)) +
                      " differs from the port's " +
                      std::string(registry::payload_kind_name(port.payload_kind)));
        }
        const std::int32_t dtype = spark_payload_dtype(port.payload_kind, config.dtype());
        if (spec.dtype != dtype) {
            found.add(name + ": dtype " + std::string(registry::dtype_name(spec.dtype)) +
                      ", expected " + std::string(registry::dtype_name(dtype)));
        }
        if (spec.shape.rank > SPARK_MAX_RANK) {
            found.add(name + ": rank " + std::to_string(spec.shape.rank) + " exceeds " +
                      std::to_string(SPARK_MAX_RANK));
            continue;
        }
        const std::string ref = port.shape_ref != nullptr ? port.shape_ref : "";
        if (port.shape_rule == SPARK_SHAPE_FROM_FIELD) {
            std::string error;
            if (const auto shape = field_shape(config, ref, error)) {
                if (!sdk::same_shape(*shape, spec.shape)) {
                    found.add(name + ": shape " + detail::shape_text(spec.shape) +
                              " differs from field " + ref + " " + detail::shape_text(*shape));
                }
            } else {
                found.add(name + ": " + error);
            }
        } else if (port.shape_rule == SPARK_SHAPE_LIKE_PORT) {
            const spark_port_spec_t* other = nullptr;
            for (std::size_t k = 0; k < inputs.size(); ++k) {
                other = ref == inputs[k]->name ? &input_specs[k] : other;
            }
            for (std::size_t k = 0; k < outputs.size(); ++k) {
                other = ref == outputs[k]->name ? &output_specs[k] : other;
            }
            if (other == nullptr) {
                found.add(name + ": its shape follows the unknown port '" + ref + "'");
            } else if (!sdk::same_shape(other->shape, spec.shape)) {
                found.add(name + ": shape " + detail::shape_text(spec.shape) +
                          " differs from port " + ref + " " + detail::shape_text(other->shape));
            }
        }
        if (contract) {
            const auto& promised = (*contract)[i];
            if (promised.payload_kind != spec.payload_kind || promised.dtype != spec.dtype ||
                !sdk::same_shape(promised.shape, spec.shape)) {
                found.add(name + ": built as " + detail::spec_text(spec) +
                          " but the contract promised " + detail::spec_text(promised));
            }
        }
    }
}

/// Finite floats, spikes in 0..3, masks 0/1. Adds one problem per port at most.
void check_values(const std::vector<const spark_port_desc_t*>& ports,
                  const std::vector<host_buffer>& buffers,
                  const std::string& when,
                  problems& found) {
    for (std::size_t i = 0; i < ports.size(); ++i) {
        const auto& buffer = buffers[i];
        const std::string name = ports[i]->name;
        for (std::uint64_t k = 0; k < buffer.count(); ++k) {
            const std::string element = when + ": " + name + "[" + std::to_string(k) + "]";
            std::optional<std::string> bad;
            switch (buffer.spec().dtype) {
            case SPARK_DTYPE_F32: {
                float x = 0;
                std::memcpy(&x, buffer.data() + k * sizeof x, sizeof x);
                if (!std::isfinite(x)) {
                    bad =
                        element + " is " + detail::format_number(x) + ", expected a finite number";
                }
                break;
            }
            case SPARK_DTYPE_F64: {
                double x = 0;
                std::memcpy(&x, buffer.data() + k * sizeof x, sizeof x);
                if (!std::isfinite(x)) {
                    bad =
                        element + " is " + detail::format_number(x) + ", expected a finite number";
                }
                break;
            }
            case SPARK_DTYPE_U8: {
                const auto x = static_cast<unsigned>(buffer.data()[k]);
                const unsigned limit = buffer.spec().payload_kind == SPARK_PAYLOAD_SPIKES ? 3 : 1;
                if (x > limit) {
                    bad = element + " is " + std::to_string(x) + ", expected 0.." +
                          std::to_string(limit);
                }
                break;
            }
            default:
                break;
            }
            if (bad) {
                found.add(*bad);
                break;
            }
        }
    }
}

/// An int-array field whose default is [] (a shape an enclosing neuron gives).
bool is_empty_shape_field(const spark_field_desc_t& field) {
    return field.type == SPARK_FIELD_INT_ARRAY && field.default_json != nullptr &&
           std::string_view(field.default_json) == "[]";
}

/// "set <list>; probed <list>" for a config stage's message: the --set options and the probes,
/// "" when there were none.
std::string config_note(const std::string& probed, const check_options& options) {
    std::vector<std::string> parts;
    if (!options.settings.empty()) {
        std::vector<std::string> set;
        for (const auto& [field, value] : options.settings) {
            set.push_back(field + " = " + setting_json(value));
        }
        parts.push_back("set " + detail::join(set, ", "));
    }
    if (!probed.empty()) {
        parts.push_back("probed " + probed);
    }
    return detail::join(parts, "; ");
}

/// The config a type is checked with: its defaults, and a probe value for each required field
/// (a shape or count of 8, a float 1, false), since a type with required fields has no default
/// config. With `fill_empty_shapes`, int-array fields whose default is [] get [8] too (components
/// whose units come from an enclosing neuron). `probed` lists the probes ("units = [8]"), empty
/// when there were none.
module_config probe_config(const registry::plugin_registry& registry,
                           const registry::module_type_info& type,
                           const check_options& options,
                           std::int32_t dtype,
                           bool fill_empty_shapes,
                           std::string& probed) {
    std::vector<std::string> members;
    if (!detail::is_set(options, "seed")) {
        members.push_back("\"seed\": " + std::to_string(options.seed));
    }
    if (!detail::is_set(options, "dtype")) {
        members.push_back("\"dtype\": \"" + std::string(registry::dtype_name(dtype)) + "\"");
    }
    if (const auto set = detail::settings_members(options); !set.empty()) {
        members.push_back(set);
    }
    std::string json = "{" + detail::join(members, ", ");
    probed.clear();
    for (std::uint32_t k = 0; k < type.abi->field_count; ++k) {
        const auto& field = type.abi->fields[k];
        const bool required = field.default_json == nullptr;
        if ((!required && !(fill_empty_shapes && is_empty_shape_field(field))) ||
            detail::is_set(options, field.name)) {
            continue;
        }
        std::string value;
        switch (field.type) {
        case SPARK_FIELD_INT_ARRAY:
            value = "[8]";
            break;
        case SPARK_FIELD_INT:
            value = "8";
            break;
        case SPARK_FIELD_FLOAT:
        case SPARK_FIELD_INITIALIZER:
            value = "1.0";
            break;
        case SPARK_FIELD_FLOAT_ARRAY:
            value = "[1.0]";
            break;
        case SPARK_FIELD_BOOL:
            value = "false";
            break;
        default:
            continue; // strings and configs have no neutral value: the config stage says so
        }
        json += ", \"" + std::string(field.name) + "\": " + value;
        probed += (probed.empty() ? "" : ", ") + std::string(field.name) + " = " + value;
    }
    return module_config(registry, type, json + "}", type.canonical_id);
}

/// Whether a type has int-array fields that default to [] (see probe_config).
bool has_empty_shape_fields(const registry::module_type_info& type) {
    for (std::uint32_t k = 0; k < type.abi->field_count; ++k) {
        if (is_empty_shape_field(type.abi->fields[k])) {
            return true;
        }
    }
    return false;
}

/// The input shapes tried at build, in order: every any-shape input (8) first (the documented
/// default), then each combination of (8) and (8, 8) (a kernel-shaped input next to vectors, as
/// learning rules take) for those not given a shape, at most 16 combinations.
std::vector<std::vector<spark_port_spec_t>>
input_candidates(const std::vector<const spark_port_desc_t*>& ports,
                 const std::vector<spark_port_spec_t>& base,
                 const check_options& options) {
    std::vector<std::size_t> free;
    for (std::size_t i = 0; i < ports.size(); ++i) {
        if (ports[i]->shape_rule == SPARK_SHAPE_ANY && base[i].payload_kind != 0 &&
            !detail::given_shape(options, ports[i]->name) && free.size() < 4) {
            free.push_back(i);
        }
    }
    std::vector<std::vector<spark_port_spec_t>> candidates;
    for (std::size_t mask = 0; mask < (std::size_t{1} << free.size()); ++mask) {
        auto specs = base;
        for (std::size_t b = 0; b < free.size(); ++b) {
            if ((mask >> b) & 1U) {
                auto& shape = specs[free[b]].shape;
                shape.rank = 2;
                shape.dims[0] = 8;
                shape.dims[1] = 8;
            }
        }
        candidates.push_back(std::move(specs));
    }
    return candidates;
}

std::string shapes_text(const std::vector<const spark_port_desc_t*>& ports,
                        const std::vector<spark_port_spec_t>& specs) {
    std::string text;
    for (std::size_t i = 0; i < ports.size(); ++i) {
        text += (i > 0 ? ", " : "") + std::string(ports[i]->name);
        if (specs[i].payload_kind == 0) {
            text += " unwired";
            continue;
        }
        text += " (";
        for (std::uint32_t d = 0; d < specs[i].shape.rank; ++d) {
            text += (d > 0 ? ", " : "") + std::to_string(specs[i].shape.dims[d]);
        }
        text += ")";
    }
    return text;
}

void check_initializer(registry::plugin_registry& registry,
                       const registry::module_type_info& type,
                       const check_options& options,
                       std::int32_t dtype,
                       type_check& result) {
    stage_recorder stages(result,
                          {"config", "initialize", "deterministic", "sparse fill"},
                          std::string(registry::dtype_name(dtype)));
    std::optional<module_config> config;
    try {
        std::string probed;
        config.emplace(probe_config(registry, type, options, dtype, false, probed));
        stages.pass(config_note(probed, options));
    } catch (const config_error& e) {
        stages.fail(e.what());
        stages.skip_until({}, "the default config is invalid");
        return;
    }
    spark_port_spec_t spec{};
    spec.payload_kind = SPARK_PAYLOAD_FLOAT;
    spec.dtype = config->dtype();
    spec.shape.rank = 2;
    spec.shape.dims[0] = 4;
    spec.shape.dims[1] = 4;
    const std::vector<spark_port_spec_t> specs = {spec};
    std::vector<host_buffer> first = allocate(specs);
    std::vector<host_buffer> second = allocate(specs);
    try {
        registry.initialize(type, config->abi(), first[0].view());
        const spark_port_desc_t port{
            "out", SPARK_PORT_OUTPUT, SPARK_PAYLOAD_FLOAT, "", 0, nullptr, true, ""};
        problems found;
        check_values({&port}, first, "initialize (4, 4)", found);
        stages.finish(found);
    } catch (const spark::error& e) {
        stages.fail(e.what());
        stages.skip_until({}, "initialize failed");
        return;
    }
    try {
        registry.initialize(type, config->abi(), second[0].view());
        if (std::memcmp(first[0].data(), second[0].data(), first[0].bytes()) != 0) {
            stages.fail("two runs with seed " + std::to_string(config->seed()) +
                        " filled different values");
        } else {
            stages.pass();
        }
    } catch (const spark::error& e) {
        stages.fail("second run: " + std::string(e.what()));
    }
    // Rank 3, rows of two lines: what a neuron's kernel (post, pre...) asks of the row fill.
    spec.shape.rank = 3;
    spec.shape.dims[0] = 6;
    spec.shape.dims[1] = 5;
    spec.shape.dims[2] = 7;
    const host_buffer dense(spec);
    try {
        registry.initialize(type, config->abi(), dense.view());
        const auto verdict = detail::check_sparse_fill(type, config->abi(), dense);
        if (!verdict) {
            stages.skip("not offered: neurons fill this initializer's kernels densely");
        } else if (verdict->empty()) {
            stages.pass("fill_rows and values_at give initialize()'s values (6 x 5 x 7)");
        } else {
            stages.fail(*verdict);
        }
    } catch (const spark::error& e) {
        stages.fail("initialize (6, 5, 7): " + std::string(e.what()));
    }
}

/// The "properties" stage (ABI 1.1, spark/abi/properties.h): every declared property has a spec
/// of its declared payload after build and reads; a writable one takes back the value it read
/// and reads it again unchanged. One the instance cannot serve (a spec of payload kind 0, e.g. a
/// neuron's `delays.kernel` without delays) must refuse its read with SPARK_ERR_UNSUPPORTED.
void check_unavailable(registry::module_instance& instance,
                       std::uint32_t index,
                       const std::string& name,
                       problems& found) {
    try {
        instance.read_property(index, spark_buffer_t{});
        found.add(name + ": its spec has no payload (unavailable here), but a read succeeded");
    } catch (const registry::plugin_error& e) {
        if (e.status() != SPARK_ERR_UNSUPPORTED) {
            found.add(name +
                      ": its spec has no payload (unavailable here), so a read must fail "
                      "with SPARK_ERR_UNSUPPORTED, got " +
                      registry::status_name(e.status()) + ": " + e.what());
        }
    }
}

void check_properties(registry::module_instance& instance, stage_recorder& stages) {
    const auto declared = registry::declared_properties(instance.type());
    if (declared.empty()) {
        stages.skip("the type declares no properties");
        return;
    }
    problems found;
    std::string names;
    for (std::uint32_t p = 0; p < declared.size(); ++p) {
        const std::string name = declared[p].name;
        names += (names.empty() ? "" : ", ") + name;
        try {
            const auto spec = instance.property_spec(p);
            if (spec.payload_kind == 0) {
                names += " (unavailable here)";
                check_unavailable(instance, p, name, found);
                continue;
            }
            names += declared[p].writable ? " (rw)" : "";
            if (spec.payload_kind != declared[p].payload_kind ||
                spec.dtype != spark_payload_dtype(spec.payload_kind, spec.dtype) ||
                spark_dtype_size(spec.dtype) == 0) {
                found.add(name + ": its spec (" +
                          std::string(registry::payload_kind_name(spec.payload_kind)) + ", " +
                          std::string(registry::dtype_name(spec.dtype)) +
                          ") does not carry its declared payload " +
                          std::string(registry::payload_kind_name(declared[p].payload_kind)));
                continue;
            }
            const detail::host_buffer value(spec);
            instance.read_property(p, value.view());
            if (!declared[p].writable) {
                continue;
            }
            const std::vector<std::byte> before(value.data(), value.data() + value.bytes());
            instance.write_property(p, value.view());
            const detail::host_buffer again(spec);
            instance.read_property(p, again.view());
            if (!std::equal(before.begin(), before.end(), again.data())) {
                found.add(name + ": writing back the value it read changed it");
            }
        } catch (const std::exception& e) {
            found.add(name + ": " + e.what());
        }
    }
    if (found.empty()) {
        stages.pass(names);
    } else {
        stages.fail(found.text());
    }
}

/// The stages of one type in one dtype; returns how it was built when it was, for the stages
/// that compare dtypes.
std::optional<detail::module_setup> check_module(registry::plugin_registry& registry,
                                                 const registry::module_type_info& type,
                                                 const check_options& options,
                                                 std::int32_t dtype,
                                                 type_check& result) {
    std::vector<std::string_view> names = {"config",
                                           "create",
                                           "contract",
                                           "build",
                                           "output specs",
                                           "reset",
                                           "steps (zero inputs)",
                                           "steps (random inputs)",
                                           "inhibition bit",
                                           "state round trip",
                                           "properties"};
    if (options.reference) {
        names.emplace_back("reference");
    }
    if (options.record_steps) {
        names.emplace_back("record");
    }
    names.emplace_back("reset again");
    names.emplace_back("destroy");
    stage_recorder stages(result, names, std::string(registry::dtype_name(dtype)));
    std::optional<module_config> config;
    try {
        std::string probed;
        config.emplace(probe_config(registry, type, options, dtype, false, probed));
        stages.pass(config_note(probed, options));
    } catch (const config_error& e) {
        stages.fail(e.what());
        stages.skip_until({}, "the default config is invalid");
        return std::nullopt;
    }
    std::optional<registry::module_instance> instance;
    try {
        instance.emplace(registry.create(type, config->abi(), instance_name));
        stages.pass();
    } catch (const spark::error& e) {
        // A component whose shape fields default to [] (given by an enclosing neuron) is created
        // again with [8] there; the stage says so. Otherwise the first failure stands.
        std::optional<module_config> with_shapes;
        std::string probed;
        try {
            if (has_empty_shape_fields(type)) {
                with_shapes.emplace(probe_config(registry, type, options, dtype, true, probed));
                instance.emplace(registry.create(type, with_shapes->abi(), instance_name));
            }
        } catch (const spark::error&) {
            instance.reset();
        }
        if (!instance) {
            stages.fail(e.what());
            stages.skip_until({}, "create failed");
            return std::nullopt;
        }
        config = std::move(with_shapes);
        stages.pass("with " + probed + " (the defaults failed: " + e.what() + ")");
    }
    // From here on the instance exists, so the destroy stage always runs.
    const auto destroy = [&] {
        instance.reset();
        stages.pass();
    };
    const auto inputs = detail::ports_of(*type.abi, SPARK_PORT_INPUT);
    const auto outputs = detail::ports_of(*type.abi, SPARK_PORT_OUTPUT);

    std::optional<std::vector<spark_port_spec_t>> contract;
    if (instance->has_contract()) {
        try {
            contract.emplace(outputs.size());
            instance->contract(*contract);
            stages.pass();
        } catch (const spark::error& e) {
            contract.reset();
            stages.fail(e.what());
        }
    } else {
        stages.skip("the type has no contract");
    }

    std::vector<spark_port_spec_t> input_specs;
    std::vector<spark_port_spec_t> output_specs(outputs.size());
    try {
        input_specs = default_inputs(inputs, *config, options);
    } catch (const std::exception& e) {
        stages.fail(e.what());
        stages.skip_until("destroy", "build failed");
        destroy();
        return std::nullopt;
    }
    // Build with (8) inputs; when that fails, with the other candidate shapes, each on a fresh
    // instance (a failed build leaves an instance unusable).
    std::string build_error;
    std::size_t chosen = 0;
    const auto candidates = input_candidates(inputs, input_specs, options);
    for (std::size_t c = 0; c < candidates.size(); ++c) {
        try {
            if (c > 0) {
                instance.emplace(registry.create(type, config->abi(), instance_name));
            }
            instance->build(candidates[c], output_specs);
            input_specs = candidates[c];
            chosen = c;
            build_error.clear();
            break;
        } catch (const spark::error& e) {
            if (c == 0) {
                build_error = e.what();
            }
        }
    }
    if (!build_error.empty()) {
        stages.fail(build_error +
                    (options.shapes.empty() && !options.reference
                         ? std::string()
                         : " (with inputs " + shapes_text(inputs, input_specs) + ")"));
        stages.skip_until("destroy", "build failed");
        destroy();
        return std::nullopt;
    }
    stages.pass(chosen == 0 ? std::string()
                            : "with inputs " + shapes_text(inputs, input_specs) +
                                  " (the (8) inputs failed)");

    problems spec_problems;
    check_output_specs(
        inputs, input_specs, outputs, output_specs, contract, *config, spec_problems);
    stages.finish(spec_problems);
    for (const auto& spec : output_specs) {
        if (spark_dtype_size(spec.dtype) == 0) {
            stages.skip_until("destroy", "an output has an unknown dtype");
            destroy();
            return std::nullopt;
        }
    }

    step_io io(input_specs, output_specs);
    const auto reset = [&]() -> bool {
        try {
            instance->reset(io.output_views);
            problems found;
            check_values(outputs, io.outputs, "after reset", found);
            stages.finish(found);
            return found.empty();
        } catch (const spark::error& e) {
            stages.fail(e.what());
            return false;
        }
    };
    std::optional<detail::module_setup> setup;
    if (!reset()) {
        stages.skip_until("reset again", "reset failed");
    } else {
        std::mt19937_64 random(options.seed);
        std::uint64_t index = 0;
        const auto run_steps = [&](std::uint32_t count, bool random_inputs) {
            problems found;
            for (std::uint32_t k = 0; k < count; ++k, ++index) {
                if (random_inputs) {
                    fill_random(io.inputs, random);
                }
                const std::string when = "step " + std::to_string(index);
                try {
                    instance->step(io.context(index, config->dt()));
                    check_values(outputs, io.outputs, when, found);
                } catch (const spark::error& e) {
                    found.add(when + ": " + e.what());
                }
            }
            stages.finish(found);
        };
        run_steps(options.zero_steps, false);
        run_steps(options.random_steps, true);

        setup.emplace(detail::module_setup{std::move(*config), input_specs, output_specs});
        config.reset();
        stages.record(detail::check_inhibition_bit(registry, type, *setup, options));

        // Save, step, restore, step again: both steps must produce the same bits.
        problems found;
        try {
            fill_random(io.inputs, random);
            std::vector<std::vector<std::byte>> saved;
            const auto arrays = instance->state();
            for (const auto& array : arrays) {
                const std::size_t bytes =
                    static_cast<std::size_t>(sdk::element_count(array.shape)) *
                    spark_dtype_size(array.dtype);
                if (spark_dtype_size(array.dtype) == 0 || (bytes > 0 && array.data == nullptr)) {
                    throw std::runtime_error(std::string("state array ") + array.name +
                                             " has an unknown dtype or no data");
                }
                const auto* data = static_cast<const std::byte*>(array.data);
                saved.emplace_back(data, data + bytes);
            }
            instance->step(io.context(index, setup->config.dt()));
            const auto first = io.snapshot();
            const auto again = instance->state();
            if (again.size() != arrays.size()) {
                throw std::runtime_error("state() described " + std::to_string(arrays.size()) +
                                         " arrays, then " + std::to_string(again.size()));
            }
            for (std::size_t a = 0; a < again.size(); ++a) {
                if (std::string_view(again[a].name) != arrays[a].name ||
                    !sdk::same_shape(again[a].shape, arrays[a].shape) ||
                    again[a].dtype != arrays[a].dtype) {
                    throw std::runtime_error(std::string("state array ") + arrays[a].name +
                                             " changed its name, dtype or shape after a step");
                }
                if (!saved[a].empty()) {
                    std::memcpy(again[a].data, saved[a].data(), saved[a].size());
                }
            }
            instance->state_loaded();
            instance->step(io.context(index, setup->config.dt()));
            const auto second = io.snapshot();
            for (std::size_t p = 0; p < outputs.size(); ++p) {
                if (first[p] != second[p]) {
                    found.add(std::string(outputs[p]->name) + " differs after restoring the " +
                              std::to_string(arrays.size()) +
                              " saved state array(s) and repeating step " + std::to_string(index));
                }
            }
        } catch (const std::exception& e) {
            found.add(e.what());
        }
        stages.finish(found);
        check_properties(*instance, stages);
        if (options.reference) {
            stages.record(detail::check_reference(registry, type, *setup, options));
        }
        if (options.record_steps) {
            const std::string chosen_by = detail::is_set(options, "dtype") ? "--set dtype chose it"
                                          : setup->config.dtype() == SPARK_DTYPE_F32
                                              ? "the default; --set dtype=float64 "
                                                "records float64"
                                              : "the type offers no float32";
            stages.record(
                detail::record_trace(registry, type, *setup, options, chosen_by, result.recorded));
        }
        reset();
    }
    destroy();
    return setup;
}

/// The "float32 vs float64" stage of a type, once its runs in each dtype are done.
void compare_runs(registry::plugin_registry& registry,
                  const registry::module_type_info& type,
                  const check_options& options,
                  const std::vector<std::int32_t>& dtypes,
                  const std::vector<std::optional<detail::module_setup>>& setups,
                  type_check& result) {
    stage_recorder stages(result, {"float32 vs float64"}, "both");
    const detail::module_setup* single = nullptr;
    const detail::module_setup* twice = nullptr;
    for (std::size_t d = 0; d < dtypes.size(); ++d) {
        if (setups[d]) {
            (dtypes[d] == SPARK_DTYPE_F32 ? single : twice) = &*setups[d];
        }
    }
    const bool both_offered =
        std::find(dtypes.begin(), dtypes.end(), SPARK_DTYPE_F32) != dtypes.end() &&
        std::find(dtypes.begin(), dtypes.end(), SPARK_DTYPE_F64) != dtypes.end();
    if (!both_offered) {
        stages.skip("only " + std::string(registry::dtype_name(dtypes.front())) + " was checked " +
                    (options.record_steps && !detail::is_set(options, "dtype")
                         ? "(a recorded trace is of one dtype)"
                         : "(--set dtype or the reference's float fields chose it)"));
    } else if (single == nullptr || twice == nullptr) {
        stages.skip("needs both dtypes to build and reset");
    } else {
        stages.record(detail::compare_dtypes(registry, type, *single, *twice, options));
    }
}

/// When --set options make a config the defaults (with probes) accept invalid, throws a
/// request_problem naming the options and what the schema says.
void check_settings_accepted(const registry::plugin_registry& registry,
                             const registry::module_type_info& type,
                             const check_options& options,
                             std::int32_t dtype) {
    if (options.settings.empty()) {
        return;
    }
    std::string probed;
    try {
        (void)probe_config(registry, type, options, dtype, false, probed);
        return;
    } catch (const config_error& e) {
        check_options plain = options;
        plain.settings.clear();
        try {
            (void)probe_config(registry, type, plain, dtype, false, probed);
        } catch (const config_error&) {
            return; // the defaults fail too: the config stage reports it
        }
        std::vector<std::string> given;
        for (const auto& [field, value] : options.settings) {
            given.push_back("--set " + field + "=" + value);
        }
        throw detail::request_problem(
            detail::join(given, " ") + ": the config of " + type.canonical_id +
            " refuses it: " + e.what() + "; give values the schema accepts (spark plugins " +
            "describe " + type.canonical_id + " lists each field's type and validators)");
    }
}

} // namespace

float_tolerance reference_tolerance(std::int32_t dtype) noexcept {
    return dtype == SPARK_DTYPE_F64 ? float_tolerance{1e-9, 1e-12} : float_tolerance{1e-4, 1e-6};
}

float_tolerance dtype_agreement_tolerance() noexcept {
    return {1e-4, 1e-5};
}

std::string setting_json(const std::string& value) {
    const bool word =
        !value.empty() &&
        (std::isalpha(static_cast<unsigned char>(value.front())) != 0 || value.front() == '_') &&
        std::all_of(value.begin(),
                    value.end(),
                    [](char c) {
                        return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_' ||
                               c == '-' || c == '.';
                    }) &&
        value != "true" && value != "false" && value != "null";
    return word ? "\"" + value + "\"" : value;
}

plugin_check_report check_plugin(registry::plugin_registry& registry,
                                 const std::filesystem::path& file,
                                 const check_options& options) {
    plugin_check_report report;
    report.file = file;
    const registry::plugin_info* plugin = nullptr;
    try {
        plugin = &registry.load(file);
    } catch (const spark::error& e) {
        report.load_error = e.what();
        return report;
    }
    registry.discover();
    std::vector<const registry::module_type_info*> file_types;
    for (const auto* type : registry.types()) {
        if (type->plugin != nullptr && type->plugin->file == plugin->file) {
            file_types.push_back(type);
        }
    }
    // Everything asked is checked against the file before any type runs: a misfit is one clear
    // error, not a report full of failures that are not the plugin's.
    std::vector<const registry::module_type_info*> selected;
    std::vector<std::vector<std::int32_t>> dtypes;
    try {
        selected = detail::selected_types(file_types, options);
        for (const auto* type : selected) {
            detail::check_request(*type, options);
            dtypes.push_back(detail::run_dtypes(*type, options));
            check_settings_accepted(registry, *type, options, dtypes.back().front());
        }
    } catch (const detail::request_problem& e) {
        report.request_error = e.what();
        return report;
    }
    for (std::size_t t = 0; t < selected.size(); ++t) {
        const auto& type = *selected[t];
        detail::logger().debug("checking {} from {}", type.canonical_id, plugin->file.string());
        type_check& result = report.types.emplace_back();
        result.type_id = type.canonical_id;
        if (type.abi->kind == SPARK_KIND_INITIALIZER) {
            for (const auto dtype : dtypes[t]) {
                check_initializer(registry, type, options, dtype, result);
            }
            continue;
        }
        std::vector<std::optional<detail::module_setup>> setups;
        for (const auto dtype : dtypes[t]) {
            setups.push_back(check_module(registry, type, options, dtype, result));
        }
        compare_runs(registry, type, options, dtypes[t], setups, result);
    }
    return report;
}

} // namespace spark::runtime
