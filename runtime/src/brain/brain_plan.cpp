// SPDX-License-Identifier: Apache-2.0
#include "brain/brain_plan.hpp"

#include <algorithm>
#include <functional>
#include <limits>
#include <map>
#include <memory>
#include <string_view>
#include <utility>

#include <boost/json.hpp>

#include <spark/abi/types.h>
#include <spark/registry/errors.hpp>

#include "config/exact_json.hpp"
#include "config/file_module_config.hpp"
#include "config/message_text.hpp"
#include "config/upstream_v1_read.hpp"
#include "config/upstream_v1_write.hpp"
#include "neurons/neuron_definition.hpp"
#include "neurons/upstream_1_0_defaults.hpp"
#include "text.hpp"
#include "tools/host_buffer.hpp"

namespace spark::runtime::detail {
namespace {

/// Elements of a port spec (saturating).
std::uint64_t sdk_element_count(const spark_port_spec_t& spec) {
    std::uint64_t n = 1;
    for (std::uint32_t d = 0; d < spec.shape.rank && d < SPARK_MAX_RANK; ++d) {
        std::uint64_t next = 0;
        n = __builtin_mul_overflow(n, std::uint64_t{spec.shape.dims[d]}, &next)
                ? std::numeric_limits<std::uint64_t>::max()
                : next;
    }
    return n;
}

struct payload_name {
    std::string_view name;
    std::int32_t kind;
};

// Upstream's registered payload classes (docs/file-format.md §4).
constexpr payload_name payload_names[] = {{"spike_array", SPARK_PAYLOAD_SPIKES},
                                          {"float_array", SPARK_PAYLOAD_FLOAT},
                                          {"current_array", SPARK_PAYLOAD_FLOAT},
                                          {"potential_array", SPARK_PAYLOAD_FLOAT},
                                          {"integer_array", SPARK_PAYLOAD_INT},
                                          {"integer_mask", SPARK_PAYLOAD_INT},
                                          {"boolean_mask", SPARK_PAYLOAD_BOOL_MASK}};

std::string kind_text(std::int32_t kind) {
    return std::string(registry::payload_kind_name(kind));
}

std::vector<std::string> port_names(const std::vector<const spark_port_desc_t*>& ports) {
    std::vector<std::string> names;
    for (const auto* port : ports) {
        names.emplace_back(port->name);
    }
    return names;
}

std::optional<std::uint32_t> find_port(const std::vector<const spark_port_desc_t*>& ports,
                                       std::string_view name) {
    for (std::size_t i = 0; i < ports.size(); ++i) {
        if (name == ports[i]->name) {
            return static_cast<std::uint32_t>(i);
        }
    }
    return std::nullopt;
}

std::string unknown_name_message(std::string_view what,
                                 std::string_view name,
                                 std::string_view owner,
                                 const std::vector<std::string>& known) {
    std::string message =
        std::string(owner) + " has no " + std::string(what) + " '" + std::string(name) + "'";
    const auto close = closest_names(name, known);
    if (!close.empty()) {
        message += "; did you mean " + quoted_alternatives(close) + "?";
    } else if (known.empty()) {
        message += "; it has none";
    } else {
        message += "; it has " + quoted_alternatives(known);
    }
    return message;
}

std::string shape_of(const std::vector<std::uint64_t>& dims) {
    std::vector<std::string> items;
    for (const auto d : dims) {
        items.push_back(std::to_string(d));
    }
    return "(" + join(items, ", ") + ")";
}

/// a * b, or UINT64_MAX when it does not fit (a hostile shape must not wrap around to small).
std::uint64_t saturated_product(std::uint64_t a, std::uint64_t b) {
    std::uint64_t n = 0;
    return __builtin_mul_overflow(a, b, &n) ? std::numeric_limits<std::uint64_t>::max() : n;
}

std::uint64_t saturated_sum(std::uint64_t a, std::uint64_t b) {
    std::uint64_t n = 0;
    return __builtin_add_overflow(a, b, &n) ? std::numeric_limits<std::uint64_t>::max() : n;
}

std::uint64_t product(const std::vector<std::uint64_t>& dims) {
    std::uint64_t n = 1;
    for (const auto d : dims) {
        n = saturated_product(n, d);
    }
    return n;
}

/// The spec of a brain input, or nullopt after reporting why there is none.
std::optional<spark_port_spec_t>
input_spec(const port_specs& spec, const std::string& path, std::vector<config_issue>& issues) {
    const std::int32_t kind = payload_kind_of(spec.payload_type);
    bool ok = true;
    if (kind == 0) {
        std::vector<std::string> known;
        for (const auto& p : payload_names) {
            known.emplace_back(p.name);
        }
        issues.push_back({path + "/payload_type",
                          "unknown payload type \"" + spec.payload_type + "\"; expected " +
                              quoted_alternatives(known)});
        ok = false;
    }
    std::int32_t float_dtype = SPARK_DTYPE_F32;
    if (kind == SPARK_PAYLOAD_FLOAT) {
        if (spec.dtype == "float64") {
            float_dtype = SPARK_DTYPE_F64;
        } else if (spec.dtype != "float32") {
            issues.push_back({path + "/dtype",
                              "a " + spec.payload_type +
                                  " input must have dtype float32 or float64 (float16 reads as "
                                  "float32), got " +
                                  spec.dtype});
            ok = false;
        }
    }
    if (spec.shape.size() > SPARK_MAX_RANK) {
        issues.push_back({path + "/shape",
                          "has rank " + std::to_string(spec.shape.size()) + ", more than " +
                              std::to_string(SPARK_MAX_RANK)});
        ok = false;
    }
    if (!ok) {
        return std::nullopt;
    }
    spark_port_spec_t out{};
    out.payload_kind = kind;
    out.dtype = spark_payload_dtype(kind, float_dtype);
    out.shape.rank = static_cast<std::uint32_t>(spec.shape.size());
    for (std::size_t d = 0; d < spec.shape.size(); ++d) {
        out.shape.dims[d] = spec.shape[d];
    }
    return out;
}

/// Shapes known without building: FROM_FIELD outputs from their config, LIKE_PORT outputs from
/// the (flattened, concatenated) input they copy. nullopt = decided only by build().
class static_shapes {
public:
    explicit static_shapes(const brain_plan& plan) : plan_(plan) {
        outputs_.resize(plan.modules.size());
        for (std::size_t m = 0; m < plan.modules.size(); ++m) {
            outputs_[m].resize(plan.modules[m].outputs.size());
        }
        // Each round settles at least one more link of a chain; cycles settle through FROM_FIELD.
        for (std::size_t round = 0; round <= plan.modules.size(); ++round) {
            bool changed = false;
            for (std::size_t m = 0; m < plan.modules.size(); ++m) {
                changed = settle(m) || changed;
            }
            if (!changed) {
                break;
            }
        }
    }

    [[nodiscard]] std::optional<std::vector<std::uint64_t>> output(std::size_t m,
                                                                   std::uint32_t port) const {
        return outputs_[m][port];
    }

    /// The element count of a merged input port, when every source's shape is known.
    [[nodiscard]] std::optional<std::uint64_t> input_count(std::size_t m, std::size_t port) const {
        const auto& module = plan_.modules[m];
        std::uint64_t total = 0;
        for (const auto& source : module.sources[port]) {
            const auto count = source_count(source);
            if (!count) {
                return std::nullopt;
            }
            total += *count;
        }
        return total;
    }

    [[nodiscard]] std::optional<std::uint64_t> source_count(const planned_source& source) const {
        if (source.brain_input) {
            const auto& shape = plan_.inputs[source.index].shape;
            std::uint64_t n = 1;
            for (std::uint32_t d = 0; d < shape.rank; ++d) {
                n *= shape.dims[d];
            }
            return n;
        }
        const auto& shape = outputs_[source.index][source.port];
        if (!shape) {
            return std::nullopt;
        }
        return product(*shape);
    }

    /// An int-array field of a module's config as dims; nullopt when absent or empty.
    [[nodiscard]] std::optional<std::vector<std::uint64_t>> field_dims(std::size_t m,
                                                                       const char* field) const {
        const auto& module = plan_.modules[m];
        if (!module.config || field == nullptr) {
            return std::nullopt;
        }
        try {
            const spark_value_t& value = module.config->value(field);
            if (value.type != SPARK_FIELD_INT_ARRAY || value.count == 0) {
                return std::nullopt; // e.g. a component's `units` = [] (given by its neuron)
            }
            std::vector<std::uint64_t> dims;
            for (std::uint32_t i = 0; i < value.count; ++i) {
                if (value.ints[i] < 0) {
                    return std::nullopt;
                }
                dims.push_back(static_cast<std::uint64_t>(value.ints[i]));
            }
            return dims;
        } catch (const std::out_of_range&) {
            return std::nullopt; // a schema naming a missing field: the plugin's build reports it
        }
    }

private:
    // A slice's outputs are its neurons (spark/abi/slices.h: every output of a type that runs in
    // slices takes its shape from the sliced field).
    [[nodiscard]] std::vector<std::uint64_t> slice_dims(std::size_t m) const {
        const auto& slice = *plan_.modules[m].specs->slice;
        return {slice.end - slice.begin};
    }

    bool settle(std::size_t m) {
        const auto& module = plan_.modules[m];
        if (!module.usable()) {
            return false;
        }
        bool changed = false;
        for (std::size_t o = 0; o < module.outputs.size(); ++o) {
            if (outputs_[m][o]) {
                continue;
            }
            const auto& port = *module.outputs[o];
            std::optional<std::vector<std::uint64_t>> shape;
            if (port.shape_rule == SPARK_SHAPE_FROM_FIELD) {
                shape = module.specs->slice ? slice_dims(m) : field_dims(m, port.shape_ref);
            } else if (port.shape_rule == SPARK_SHAPE_LIKE_PORT && port.shape_ref != nullptr) {
                if (const auto in = find_port(module.inputs, port.shape_ref)) {
                    if (!module.sources[*in].empty()) {
                        if (const auto count = input_count(m, *in)) {
                            shape = std::vector<std::uint64_t>{*count};
                        }
                    }
                } else if (const auto out = find_port(module.outputs, port.shape_ref)) {
                    shape = outputs_[m][*out];
                }
            }
            if (shape) {
                outputs_[m][o] = std::move(shape);
                changed = true;
            }
        }
        return changed;
    }

    const brain_plan& plan_;
    std::vector<std::vector<std::optional<std::vector<std::uint64_t>>>> outputs_;
};

class analyser {
public:
    analyser(const registry::plugin_registry& registry,
             const brain_config& config,
             std::vector<config_issue>& issues)
        : registry_(registry), config_(config), issues_(issues) {}

    brain_plan run() {
        brain_plan plan;
        check_names();
        check_vendors();
        if (upstream_1_0()) {
            resolve_modules(plan); // a 1.0 input's payload is that of the ports it feeds
            read_inputs(plan);
            check_upstream_1_0_wiring();
        } else {
            read_inputs(plan);
            resolve_modules(plan);
        }
        wire(plan);
        read_outputs(plan);
        check_dt(plan);
        check_shapes(plan);
        return plan;
    }

private:
    void issue(std::string path, std::string message) {
        issues_.push_back({std::move(path), std::move(message)});
    }

    void check_names() {
        if (config_.modules_map.empty()) {
            issue("brain/modules_map", "the brain has no modules; add at least one");
        }
        std::map<std::string, std::size_t> seen;
        for (const auto& module : config_.modules_map) {
            const std::string path = module_path(module.name);
            if (module.name.empty()) {
                issue(path, "a module needs a non-empty name");
            } else if (module.name == brain_input_origin) {
                issue(path,
                      "the name \"" + std::string(brain_input_origin) +
                          "\" is reserved for brain inputs; rename the module");
            }
            if (++seen[module.name] == 2) {
                issue(path, "the module name '" + module.name + "' is used more than once");
            }
        }
        const auto unique = [&](const auto& map, std::string_view what) {
            std::map<std::string, std::size_t> names;
            for (const auto& entry : map) {
                if (++names[entry.first] == 2) {
                    issue("brain/" + std::string(what) + "/" + entry.first,
                          "the name '" + entry.first + "' is used more than once");
                }
            }
        };
        unique(config_.input_map, "input_map");
        unique(config_.output_map, "output_map");
    }

    /// The vendors of every loaded type, sorted, each once.
    std::vector<std::string> loaded_vendors() const {
        std::vector<std::string> vendors;
        for (const auto* type : registry_.types()) {
            vendors.emplace_back(type->vendor());
        }
        std::sort(vendors.begin(), vendors.end());
        vendors.erase(std::unique(vendors.begin(), vendors.end()), vendors.end());
        return vendors;
    }

    /// A preferred vendor that nothing loaded provides pins nothing: most likely a typo or a
    /// plugin missing from the search path, and the brain would silently resolve otherwise.
    void check_vendors() {
        const auto& preferred = config_.vendor_preference;
        if (preferred.empty()) {
            return;
        }
        const auto loaded = loaded_vendors();
        for (std::size_t i = 0; i < preferred.size(); ++i) {
            const auto& vendor = preferred[i];
            if (std::find(loaded.begin(), loaded.end(), vendor) != loaded.end()) {
                continue;
            }
            std::string message = "no loaded plugin provides the vendor '" + vendor + "' (";
            const auto close = closest_names(vendor, loaded);
            if (!close.empty()) {
                message += "did you mean " + quoted_alternatives(close) + "? ";
            }
            message +=
                loaded.empty() ? "no plugin is loaded" : "loaded vendors: " + join(loaded, ", ");
            issue("brain/__vendors__[" + std::to_string(i) + "]",
                  message + "); add the folder of its plugin to the search path "
                            "(--plugin-path or SPARK_PLUGIN_PATH), or remove it from "
                            "\"__vendors__\"");
        }
    }

    [[nodiscard]] bool upstream_1_0() const { return config_.schema == brain_schema::upstream_1_0; }

    /// Where a brain input's problems are: its entry in input_map; an upstream 1.0 brain has
    /// none (its inputs are the `__call__` sources, shaped by the caller), so
    /// "brain/inputs/<name>".
    [[nodiscard]] std::string input_path(const std::string& name) const {
        return (upstream_1_0() ? "brain/inputs/" : "brain/input_map/") + name;
    }

    /// An upstream 1.0 input: the payload of the first port it feeds, the shape the caller gave.
    std::optional<port_specs> derived_input(const brain_plan& plan, const std::string& name) {
        const std::string path = input_path(name);
        if (!config_.input_map.empty() && !find_input_spec(name)->shape_given) {
            issue(path,
                  "brain input '" + name +
                      "' has no shape: upstream 1.0 files store none; give it: in the CLI as "
                      "values (--input " +
                      name +
                      "=0.1,-0.2,0.05,0 has shape (4,)) or a .npy or "
                      "CSV file, in the API with brain_config::set_input_shape");
            return std::nullopt;
        }
        for (std::size_t m = 0; m < plan.modules.size(); ++m) {
            const auto& module = plan.modules[m];
            if (module.type == nullptr) {
                continue;
            }
            for (const auto& [port_name, maps] : module.specs->inputs) {
                for (const auto& map : maps) {
                    if (map.origin != brain_input_origin || map.port != name) {
                        continue;
                    }
                    const auto port = find_port(module.inputs, port_name);
                    if (!port) {
                        return std::nullopt; // wire() names the port
                    }
                    port_specs spec = *find_input_spec(name);
                    spec.payload_type = module.inputs[*port]->payload_type;
                    spec.dtype = "float32";
                    return spec;
                }
            }
        }
        return std::nullopt; // its consumers' types are reported already
    }

    const port_specs* find_input_spec(const std::string& name) const {
        for (const auto& entry : config_.input_map) {
            if (entry.first == name) {
                return &entry.second;
            }
        }
        return nullptr;
    }

    /// What an upstream 1.0 brain may say that we do not run (docs/upstream-differences.md).
    void check_upstream_1_0_wiring() {
        for (const auto& specs : config_.modules_map) {
            const std::string base = module_path(specs.name);
            for (const auto& [port, maps] : specs.inputs) {
                for (std::size_t i = 0; i < maps.size(); ++i) {
                    if (maps[i].is_property || maps[i].origin == "__self__") {
                        issue(base + "/inputs/" + port + "[" + std::to_string(i) + "]",
                              "reads '" + maps[i].origin + "." + maps[i].port +
                                  "' as a property; a brain's modules read each other's output "
                                  "ports only (properties are read inside a neuron, or with "
                                  "--record)");
                    }
                }
            }
            for (const auto& [property, maps] : specs.effects) {
                issue(base + "/effects/" + property,
                      "a brain cannot write a module's property after its step (upstream 1.0's "
                      "brain-level effects fail when it runs them); move the effect into a "
                      "neuron, where effects run");
            }
        }
    }

    void read_inputs(brain_plan& plan) {
        input_ok_.assign(config_.input_map.size(), false);
        plan.inputs.resize(config_.input_map.size());
        for (std::size_t i = 0; i < config_.input_map.size(); ++i) {
            const auto& [name, declared] = config_.input_map[i];
            std::optional<port_specs> derived;
            if (upstream_1_0()) {
                derived = derived_input(plan, name);
                // No module reads it: only on a rank of a split brain, whose layout writes out
                // the spec the whole brain derives (runtime/src/distributed/rank_layout.cpp).
                if (!derived && declared.payload_type.empty()) {
                    continue;
                }
            }
            const auto& spec = derived ? *derived : declared;
            if (auto s = input_spec(spec, input_path(name), issues_)) {
                plan.inputs[i] = *s;
                input_ok_[i] = true;
            }
        }
    }

    void resolve_modules(brain_plan& plan) {
        plan.modules.resize(config_.modules_map.size());
        for (std::size_t m = 0; m < config_.modules_map.size(); ++m) {
            const auto& specs = config_.modules_map[m];
            auto& module = plan.modules[m];
            module.specs = &specs;
            try {
                module.type = &registry_.resolve(specs.class_ref, config_.vendor_preference);
            } catch (const spark::error& e) {
                issue(module_path(specs.name) + "/module_cls",
                      std::string(e.what()) + unregistered_neuron_hint(specs));
                continue;
            }
            if (specs.subregistry == "NEURONS") {
                define_neuron(module);
                continue;
            }
            const auto& abi = *module.type->abi;
            if (abi.kind == SPARK_KIND_INITIALIZER) {
                issue(module_path(specs.name) + "/module_cls",
                      module.type->canonical_id +
                          " is an initializer, not a module; use it in a module's initializer "
                          "field");
                module.type = nullptr;
                continue;
            }
            for (std::uint32_t p = 0; p < abi.port_count; ++p) {
                (abi.ports[p].direction == SPARK_PORT_INPUT ? module.inputs : module.outputs)
                    .push_back(&abi.ports[p]);
            }
            try {
                module.config.emplace(registry_,
                                      *module.type,
                                      upstream_1_0() ? module_config_json(*module.type, specs)
                                                     : specs.config_json,
                                      module_path(specs.name),
                                      config_.mode,
                                      config_.vendor_preference,
                                      config_.folder);
            } catch (const config_error& e) {
                issues_.insert(issues_.end(), e.issues().begin(), e.issues().end());
            }
        }
    }

    static std::string unregistered_neuron_hint(const module_specs& specs) {
        if (specs.subregistry != "NEURONS") {
            return "";
        }
        return "; if '" + specs.class_ref +
               "' is a neuron saved to a file, register it: spark "
               "--neuron " +
               specs.class_ref +
               "=FILE ..., a folder of neuron files in "
               "SPARK_NEURON_PATH, or register_neuron_file() in the API";
    }

    /// An upstream 1.0 module's config, as the file holds it, in the form module_config reads,
    /// with the brain's dt (upstream 1.0 makes every module follow it) and 1.0's defaults.
    std::string module_config_json(const registry::module_type_info& type,
                                   const module_specs& specs) {
        // Its fields are at "brain/<name>/<field>", as an af523a5 module's: the config key is
        // named only for the config as a whole.
        const std::string path = module_path(specs.name);
        boost::json::value file;
        try {
            file = parse_json_exact(specs.config_json, path + "/config", already_checked_text());
        } catch (const config_error& e) {
            issues_.insert(issues_.end(), e.issues().begin(), e.issues().end());
            return "{}";
        }
        if (!file.is_object()) {
            issue(path + "/config", "must be an object");
            return "{}";
        }
        auto converted = module_config_from_file(file, path, config_.mode, issues_);
        auto object = boost::json::parse(converted.config_json).as_object();
        apply_upstream_1_0_defaults(type, object);
        object["dt"] = config_.dt;
        return boost::json::serialize(object);
    }

    /// An upstream 1.0 neuron (a NEURONS module): its config is a neuron config of parts, over
    /// the defaults of the neuron type it names (a neuron file's config, or 1.0's default
    /// composition of a built-in neuron). It runs as its own defined type.
    void define_neuron(planned_module& module) {
        const auto& specs = *module.specs;
        const std::string path = module_path(specs.name);
        const auto* definition = neuron_definition_of(*module.type);
        std::optional<upstream_v1::neuron_config> defaults;
        if (definition != nullptr) {
            defaults = definition->config();
        } else {
            defaults = upstream_1_0_default_neuron(*module.type);
        }
        if (!defaults) {
            issue(path + "/module_cls",
                  module.type->canonical_id +
                      " is not a neuron of parts; upstream 1.0 files list neurons in NEURONS "
                      "and other modules in MODULES");
            module.type = nullptr;
            return;
        }
        try {
            auto fields = upstream_v1::neuron_fields_json(*defaults);
            const auto given =
                parse_json_exact(specs.config_json, path + "/config", already_checked_text());
            if (!given.is_object()) {
                issue(path + "/config", "must be an object");
                module.type = nullptr;
                return;
            }
            for (const auto& entry : given.get_object()) {
                fields[entry.key()] = entry.value();
            }
            // The neuron config's paths are a neuron file's, below the module's "config": its
            // parts' default seeds derive from them, so they stay as runs have always had them.
            auto neuron =
                upstream_v1::read_neuron_fields(fields,
                                                path + "/config",
                                                std::string(module.type->class_ref()) + "_config",
                                                config_.mode);
            neuron.dt = config_.dt;
            auto defined = std::make_shared<neuron_definition>(
                registry_,
                neuron_naming{std::string(module.type->class_ref()),
                              std::string(module.type->vendor()),
                              path + "/config"},
                neuron,
                config_.mode,
                config_.vendor_preference);
            const auto& descriptor = defined->descriptor();
            module.defined =
                std::make_shared<const registry::module_type_info>(registry::module_type_info{
                    module.type->canonical_id, &descriptor, module.type->plugin, defined});
            module.type = module.defined.get();
            boost::json::object own;
            own["seed"] = neuron.seed;
            own["dt"] = config_.dt;
            own["units"] = boost::json::value_from(neuron.units);
            own["inhibitory_rate"] = neuron.inhibitory_rate;
            for (std::uint32_t p = 0; p < descriptor.port_count; ++p) {
                (descriptor.ports[p].direction == SPARK_PORT_INPUT ? module.inputs : module.outputs)
                    .push_back(&descriptor.ports[p]);
            }
            module.config.emplace(registry_,
                                  *module.type,
                                  boost::json::serialize(own),
                                  path,
                                  config_.mode,
                                  config_.vendor_preference,
                                  config_.folder);
        } catch (const config_error& e) {
            issues_.insert(issues_.end(), e.issues().begin(), e.issues().end());
        }
    }

    std::optional<std::size_t> module_index(std::string_view name) const {
        for (std::size_t m = 0; m < config_.modules_map.size(); ++m) {
            if (config_.modules_map[m].name == name) {
                return m;
            }
        }
        return std::nullopt;
    }

    std::vector<std::string> module_names() const {
        std::vector<std::string> names;
        for (const auto& module : config_.modules_map) {
            names.push_back(module.name);
        }
        return names;
    }

    std::vector<std::string> input_names() const {
        std::vector<std::string> names;
        for (const auto& entry : config_.input_map) {
            names.push_back(entry.first);
        }
        return names;
    }

    /// Resolves one port_map; reports what is wrong with it at `path` + "/origin" or "/port", or
    /// at `path` itself when `keyed` is false (the file gives the pair as one value). `kind`: the
    /// payload kind it carries.
    std::optional<planned_source> resolve_source(const brain_plan& plan,
                                                 const port_map& map,
                                                 const std::string& path,
                                                 std::int32_t& kind,
                                                 bool keyed = true) {
        const std::string origin_path = keyed ? path + "/origin" : path;
        const std::string port_path = keyed ? path + "/port" : path;
        if (map.origin == brain_input_origin) {
            const auto names = input_names();
            for (std::size_t i = 0; i < config_.input_map.size(); ++i) {
                if (config_.input_map[i].first == map.port) {
                    if (!input_ok_[i]) {
                        return std::nullopt; // reported at the input
                    }
                    kind = plan.inputs[i].payload_kind;
                    return planned_source{true, i, 0};
                }
            }
            issue(port_path, unknown_name_message("input", map.port, "the brain", names));
            return std::nullopt;
        }
        const auto index = module_index(map.origin);
        if (!index) {
            std::string message = "unknown origin '" + map.origin + "'";
            auto known = module_names();
            known.emplace_back(brain_input_origin);
            const auto close = closest_names(map.origin, known);
            message += close.empty() ? "; origins are " + quoted_alternatives(known)
                                     : "; did you mean " + quoted_alternatives(close) + "?";
            issue(origin_path, message);
            return std::nullopt;
        }
        const auto& origin = plan.modules[*index];
        if (origin.type == nullptr) {
            return std::nullopt; // its type is reported already
        }
        const auto port = find_port(origin.outputs, map.port);
        if (!port) {
            issue(port_path,
                  unknown_name_message("output port",
                                       map.port,
                                       "module '" + map.origin + "' (" + origin.type->canonical_id +
                                           ")",
                                       port_names(origin.outputs)));
            return std::nullopt;
        }
        kind = origin.outputs[*port]->payload_kind;
        return planned_source{false, *index, *port};
    }

    void wire(brain_plan& plan) {
        for (std::size_t m = 0; m < plan.modules.size(); ++m) {
            auto& module = plan.modules[m];
            const auto& specs = *module.specs;
            const std::string base = module_path(specs.name) + "/inputs";
            module.sources.resize(module.inputs.size());
            std::vector<bool> wired(module.inputs.size(), false);
            for (const auto& input : specs.inputs) {
                // Not a structured binding: the lambda below captures the name, which clang 14
                // (the asan preset's compiler) does not allow for bindings.
                const auto& port_name = input.first;
                const auto& maps = input.second;
                const std::string port_path = base + "/" + port_name;
                // The port the sources wire into, or none (unknown type, unknown or repeated port).
                const std::optional<std::uint32_t> port = [&]() -> std::optional<std::uint32_t> {
                    if (module.type == nullptr) {
                        return std::nullopt;
                    }
                    const auto found = find_port(module.inputs, port_name);
                    if (!found) {
                        issue(port_path,
                              unknown_name_message("input port",
                                                   port_name,
                                                   module.type->canonical_id,
                                                   port_names(module.inputs)));
                        return std::nullopt;
                    }
                    if (wired[*found]) {
                        issue(port_path, "input port '" + port_name + "' is listed twice");
                        return std::nullopt;
                    }
                    wired[*found] = true;
                    return found;
                }();
                for (std::size_t i = 0; i < maps.size(); ++i) {
                    const std::string path = port_path + "[" + std::to_string(i) + "]";
                    std::int32_t kind = 0;
                    const auto source = resolve_source(plan, maps[i], path, kind);
                    if (!source || !port) {
                        continue;
                    }
                    const auto& desc = *module.inputs[*port];
                    // Any-payload ports are checked when the module builds, against real specs.
                    if (kind != desc.payload_kind && kind != SPARK_PAYLOAD_ANY &&
                        desc.payload_kind != SPARK_PAYLOAD_ANY) {
                        issue(path,
                              "payload kind mismatch: " + maps[i].origin + "." + maps[i].port +
                                  " carries " + kind_text(kind) + " but " + specs.name + "." +
                                  port_name + " takes " + kind_text(desc.payload_kind));
                        continue;
                    }
                    module.sources[*port].push_back(*source);
                }
                if (port && maps.empty() && module.inputs[*port]->required) {
                    wired[*port] = false; // an empty list wires nothing
                }
            }
            if (module.type == nullptr) {
                continue;
            }
            for (std::size_t p = 0; p < module.inputs.size(); ++p) {
                if (!wired[p] && module.inputs[p]->required) {
                    issue(base + "/" + module.inputs[p]->name,
                          "required input port '" + std::string(module.inputs[p]->name) + "' of " +
                              module.type->canonical_id + " is not connected; list its sources");
                }
            }
        }
    }

    void read_outputs(brain_plan& plan) {
        plan.outputs.resize(config_.output_map.size());
        for (std::size_t o = 0; o < config_.output_map.size(); ++o) {
            const auto& [name, output] = config_.output_map[o];
            // An upstream 1.0 output is an entry of its module's `outputs` (name -> port).
            const std::string path = upstream_1_0()
                                         ? module_path(output.input.origin) + "/outputs/" + name
                                         : "brain/output_map/" + name;
            const std::int32_t declared = payload_kind_of(output.spec.payload_type);
            // An upstream 1.0 output has no spec in the file: the module's port decides.
            if (declared == 0 && !upstream_1_0()) {
                issue(path + "/spec/payload_type",
                      "unknown payload type \"" + output.spec.payload_type + "\"");
            }
            if (output.input.origin == brain_input_origin) {
                issue(path + "/input/origin",
                      "a brain output must come from a module, got \"" +
                          std::string(brain_input_origin) + "\"; read the input directly");
                continue;
            }
            std::int32_t kind = 0;
            const auto source = upstream_1_0()
                                    ? resolve_source(plan, output.input, path, kind, false)
                                    : resolve_source(plan, output.input, path + "/input", kind);
            if (!source) {
                continue;
            }
            if (declared != 0 && kind != declared && kind != SPARK_PAYLOAD_ANY) {
                issue(path,
                      "payload kind mismatch: " + output.input.origin + "." + output.input.port +
                          " carries " + kind_text(kind) + " but brain output '" + name +
                          "' is declared " + output.spec.payload_type + " (" + kind_text(declared) +
                          ")");
                continue;
            }
            plan.outputs[o] = planned_output{source->index, source->port};
        }
    }

    void check_dt(brain_plan& plan) {
        const planned_module* first = nullptr;
        for (const auto& module : plan.modules) {
            if (!module.config) {
                continue;
            }
            if (first == nullptr) {
                first = &module;
                plan.dt = module.config->dt();
            } else if (module.config->dt() != plan.dt) {
                issue(module_path(module.specs->name) + "/dt",
                      "dt must be the same in every module of a brain: '" + first->specs->name +
                          "' has " + format_number(plan.dt) + " ms, '" + module.specs->name +
                          "' has " + format_number(module.config->dt()) + " ms");
            }
        }
    }

    void check_shapes(const brain_plan& plan) {
        const static_shapes shapes(plan);
        for (std::size_t m = 0; m < plan.modules.size(); ++m) {
            const auto& module = plan.modules[m];
            if (!module.usable()) {
                continue;
            }
            for (std::size_t p = 0; p < module.inputs.size(); ++p) {
                const auto& port = *module.inputs[p];
                if (module.sources[p].empty()) {
                    continue;
                }
                std::optional<std::vector<std::uint64_t>> expected;
                std::string why;
                if (port.shape_rule == SPARK_SHAPE_FROM_FIELD) {
                    expected = shapes.field_dims(m, port.shape_ref);
                    why = "from its field '" + std::string(port.shape_ref) + "'";
                } else if (port.shape_rule == SPARK_SHAPE_LIKE_PORT && port.shape_ref != nullptr) {
                    if (const auto other = find_port(module.inputs, port.shape_ref);
                        other && !module.sources[*other].empty()) {
                        if (const auto n = shapes.input_count(m, *other)) {
                            expected = std::vector<std::uint64_t>{*n};
                            why = "like its input port '" + std::string(port.shape_ref) + "'";
                        }
                    }
                }
                const auto count = shapes.input_count(m, p);
                if (!expected || !count || product(*expected) == *count) {
                    continue;
                }
                std::vector<std::string> parts;
                for (const auto& source : module.sources[p]) {
                    parts.push_back(
                        source_name(plan, config_, source) + " " +
                        format_number(static_cast<double>(*shapes.source_count(source))));
                }
                issue(module_path(module.specs->name) + "/inputs/" + port.name,
                      "shape mismatch: " + join(parts, " + ") + " give " +
                          elements(static_cast<double>(*count)) + ", but " + module.specs->name +
                          "." + port.name + " takes " + shape_of(*expected) + " " + why);
            }
        }
        for (std::size_t o = 0; o < config_.output_map.size(); ++o) {
            const auto& [name, output] = config_.output_map[o];
            if (!plan.outputs[o] || output.spec.shape.empty()) {
                continue; // an empty declared shape is not checked (upstream writes none)
            }
            const auto shape = shapes.output(plan.outputs[o]->module, plan.outputs[o]->port);
            const std::vector<std::uint64_t> declared(output.spec.shape.begin(),
                                                      output.spec.shape.end());
            if (shape && *shape != declared) {
                issue("brain/output_map/" + name + "/spec/shape",
                      "shape mismatch: brain output '" + name + "' is declared " +
                          shape_of(declared) + " but " + output.input.origin + "." +
                          output.input.port + " has shape " + shape_of(*shape));
            }
        }
    }

    const registry::plugin_registry& registry_;
    const brain_config& config_;
    std::vector<config_issue>& issues_;
    std::vector<bool> input_ok_;
};

/// Module -> the modules it reads (deduplicated, ascending config index).
std::vector<std::vector<std::size_t>> dependencies(const brain_plan& plan) {
    std::vector<std::vector<std::size_t>> edges(plan.modules.size());
    for (std::size_t m = 0; m < plan.modules.size(); ++m) {
        for (const auto& sources : plan.modules[m].sources) {
            for (const auto& source : sources) {
                if (!source.brain_input) {
                    edges[m].push_back(source.index);
                }
            }
        }
        std::sort(edges[m].begin(), edges[m].end());
        edges[m].erase(std::unique(edges[m].begin(), edges[m].end()), edges[m].end());
    }
    return edges;
}

} // namespace

std::int32_t payload_kind_of(std::string_view payload_type) {
    for (const auto& p : payload_names) {
        if (p.name == payload_type) {
            return p.kind;
        }
    }
    return 0;
}

std::string module_path(std::string_view name) {
    return "brain/" + std::string(name);
}

std::string
source_name(const brain_plan& plan, const brain_config& config, const planned_source& source) {
    if (source.brain_input) {
        return std::string(brain_input_origin) + "." + config.input_map[source.index].first;
    }
    const auto& module = plan.modules[source.index];
    return module.specs->name + "." + module.outputs[source.port]->name;
}

brain_plan analyse(const registry::plugin_registry& registry,
                   const brain_config& config,
                   std::vector<config_issue>& issues) {
    return analyser(registry, config, issues).run();
}

std::vector<std::vector<std::size_t>> components(const brain_plan& plan) {
    const auto edges = dependencies(plan);
    const std::size_t n = plan.modules.size();
    constexpr std::size_t unvisited = static_cast<std::size_t>(-1);
    std::vector<std::size_t> index(n, unvisited);
    std::vector<std::size_t> low(n, 0);
    std::vector<bool> on_stack(n, false);
    std::vector<std::size_t> stack;
    std::vector<std::size_t> component_of(n, 0);
    std::vector<std::vector<std::size_t>> found; // Tarjan emits dependencies first
    std::size_t counter = 0;
    // Recursion depth is at most the number of modules: fine for brains of any sensible size.
    const std::function<void(std::size_t)> visit = [&](std::size_t v) {
        index[v] = low[v] = counter++;
        stack.push_back(v);
        on_stack[v] = true;
        for (const auto w : edges[v]) {
            if (index[w] == unvisited) {
                visit(w);
                low[v] = std::min(low[v], low[w]);
            } else if (on_stack[w]) {
                low[v] = std::min(low[v], index[w]);
            }
        }
        if (low[v] == index[v]) {
            std::vector<std::size_t> component;
            std::size_t w = 0;
            do {
                w = stack.back();
                stack.pop_back();
                on_stack[w] = false;
                component_of[w] = found.size();
                component.push_back(w);
            } while (w != v);
            std::sort(component.begin(), component.end());
            found.push_back(std::move(component));
        }
    };
    for (std::size_t v = 0; v < n; ++v) {
        if (index[v] == unvisited) {
            visit(v);
        }
    }
    // Tarjan's order depends on where the search starts; re-sort the condensation so that the
    // ready component holding the earliest module (config order) always goes first.
    const std::size_t count = found.size();
    std::vector<std::vector<std::size_t>> needs(count);
    std::vector<std::size_t> waiting(count, 0);
    for (std::size_t v = 0; v < n; ++v) {
        for (const auto w : edges[v]) {
            if (component_of[v] != component_of[w]) {
                needs[component_of[w]].push_back(component_of[v]);
                ++waiting[component_of[v]];
            }
        }
    }
    std::vector<std::vector<std::size_t>> order;
    std::vector<bool> done(count, false);
    while (order.size() < count) {
        std::size_t best = count;
        for (std::size_t c = 0; c < count; ++c) {
            if (!done[c] && waiting[c] == 0 && (best == count || found[c][0] < found[best][0])) {
                best = c;
            }
        }
        done[best] = true;
        for (const auto dependent : needs[best]) {
            --waiting[dependent];
        }
        order.push_back(found[best]);
    }
    return order;
}

bool is_cycle(const brain_plan& plan, const std::vector<std::size_t>& component) {
    if (component.size() > 1) {
        return true;
    }
    const auto m = component.front();
    for (const auto& sources : plan.modules[m].sources) {
        for (const auto& source : sources) {
            if (!source.brain_input && source.index == m) {
                return true;
            }
        }
    }
    return false;
}

std::string describe_cycle(const brain_plan& plan,
                           const std::vector<std::size_t>& component,
                           std::size_t module) {
    // Breadth-first along data flow (origin -> reader) inside the component, back to `module`.
    const auto edges = dependencies(plan);
    const auto inside = [&](std::size_t v) {
        return std::find(component.begin(), component.end(), v) != component.end();
    };
    std::vector<std::vector<std::size_t>> readers(plan.modules.size());
    for (std::size_t v = 0; v < plan.modules.size(); ++v) {
        for (const auto w : edges[v]) {
            if (inside(v) && inside(w)) {
                readers[w].push_back(v);
            }
        }
    }
    constexpr std::size_t none = static_cast<std::size_t>(-1);
    std::vector<std::size_t> previous(plan.modules.size(), none);
    std::vector<std::size_t> queue{module};
    std::size_t last = none;
    for (std::size_t head = 0; head < queue.size() && last == none; ++head) {
        const auto v = queue[head];
        for (const auto w : readers[v]) {
            if (w == module) {
                last = v;
                break;
            }
            if (previous[w] == none) {
                previous[w] = v;
                queue.push_back(w);
            }
        }
    }
    std::vector<std::string> names{plan.modules[module].specs->name};
    std::vector<std::size_t> path;
    for (auto v = last; v != none && v != module; v = previous[v]) {
        path.push_back(v);
    }
    for (auto it = path.rbegin(); it != path.rend(); ++it) {
        names.push_back(plan.modules[*it].specs->name);
    }
    names.push_back(plan.modules[module].specs->name);
    return join(names, " -> ");
}

std::string contractless_cycle_message(const brain_plan& plan,
                                       const std::vector<std::size_t>& component,
                                       std::size_t module) {
    const auto& m = plan.modules[module];
    return "cycle " + describe_cycle(plan, component, module) + " (each feeds the next) runs " +
           "through '" + m.specs->name + "' (" + m.type->canonical_id +
           "), whose type publishes no output contract; only modules with a contract can be " +
           "part of a cycle";
}

std::vector<module_estimate> estimate_modules(const brain_plan& plan) {
    const static_shapes shapes(plan);
    std::vector<module_estimate> estimates(plan.modules.size());
    for (std::size_t m = 0; m < plan.modules.size(); ++m) {
        const auto& module = plan.modules[m];
        auto& estimate = estimates[m];
        if (!module.usable()) {
            continue;
        }
        std::uint64_t largest_output = 0;
        for (std::uint32_t o = 0; o < module.outputs.size(); ++o) {
            auto shape = shapes.output(m, o);
            estimate.output_shapes.push_back(shape);
            if (!shape) {
                continue; // decided by build: the Brain checks what build gives before allocating
            }
            const std::uint64_t elements = product(*shape);
            largest_output = std::max(largest_output, elements);
            // Float ports as float32 (a float64 module takes twice that); two buffers per port.
            const auto dtype =
                spark_payload_dtype(module.outputs[o]->payload_kind, SPARK_DTYPE_F32);
            estimate.bytes = saturated_sum(
                estimate.bytes,
                saturated_product(2 * std::uint64_t{spark_dtype_size(dtype)}, elements));
        }
        for (std::size_t p = 0; p < module.inputs.size(); ++p) {
            if (const auto count = shapes.input_count(m, p)) {
                estimate.input_elements = saturated_sum(estimate.input_elements, *count);
            }
        }
        estimate.output_elements = largest_output;
        estimate.neurons = module.type->abi->kind == SPARK_KIND_NEURON ? largest_output : 0;
        for (const auto& property : registry::declared_properties(*module.type)) {
            if (std::string_view(property.name).ends_with("kernel")) {
                // A dense kernel: every input element to every output element (a sparse one
                // is smaller; this is the bound the brain may need).
                estimate.synapses = saturated_product(estimate.input_elements, largest_output);
                break;
            }
        }
        estimate.bytes = saturated_sum(estimate.bytes, saturated_product(estimate.synapses, 4));
    }
    return estimates;
}

resource_estimate estimate_resources(const brain_plan& plan) {
    resource_estimate total;
    std::uint64_t most_neurons = 0;
    std::uint64_t most_synapses = 0;
    std::uint64_t most_bytes = 0;
    for (const auto& input : plan.inputs) {
        total.bytes = saturated_sum(
            total.bytes,
            saturated_product(sdk_element_count(input), spark_dtype_size(input.dtype)));
    }
    const auto modules = estimate_modules(plan);
    for (std::size_t m = 0; m < modules.size(); ++m) {
        const auto& [neurons, synapses, bytes, inputs, outputs, shapes] = modules[m];
        total.neurons = saturated_sum(total.neurons, neurons);
        total.synapses = saturated_sum(total.synapses, synapses);
        total.bytes = saturated_sum(total.bytes, bytes);
        if (neurons > most_neurons) {
            most_neurons = neurons;
            total.most_neurons = m;
        }
        if (synapses > most_synapses) {
            most_synapses = synapses;
            total.most_synapses = m;
        }
        if (bytes > most_bytes) {
            most_bytes = bytes;
            total.most_bytes = m;
        }
    }
    return total;
}

void check_limits(const brain_plan& plan,
                  const brain_limits& limits,
                  std::vector<config_issue>& issues) {
    const auto estimate = estimate_resources(plan);
    const auto refuse = [&](std::size_t m,
                            std::uint64_t count,
                            std::uint64_t limit,
                            const std::string& what,
                            const std::string& count_text,
                            const std::string& limit_text,
                            const std::string& flag,
                            const std::string& field) {
        if (count <= limit) {
            return;
        }
        const auto& name = plan.modules[m].specs->name;
        issues.push_back({module_path(name),
                          "the brain would need " + count_text + " " + what + " (module '" +
                              excerpt(name) + "' the most), more than the limit of " + limit_text +
                              "; check the module's shape (units), or raise it with --" + flag +
                              " (brain_limits::" + field + " in the API)"});
    };
    refuse(estimate.most_neurons,
           estimate.neurons,
           limits.max_neurons,
           "neurons",
           std::to_string(estimate.neurons),
           std::to_string(limits.max_neurons),
           "max-neurons",
           "max_neurons");
    refuse(estimate.most_synapses,
           estimate.synapses,
           limits.max_synapses,
           "synapses",
           std::to_string(estimate.synapses),
           std::to_string(limits.max_synapses),
           "max-synapses",
           "max_synapses");
    refuse(estimate.most_bytes,
           estimate.bytes,
           limits.max_memory_bytes,
           "of memory",
           size_text(estimate.bytes),
           size_text(limits.max_memory_bytes),
           "max-memory",
           "max_memory_bytes");
}

} // namespace spark::runtime::detail
