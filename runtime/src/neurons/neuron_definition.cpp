// SPDX-License-Identifier: Apache-2.0
// An upstream 1.0 neuron config as a module type (neuron_definition.hpp). Upstream's neuron
// controller (docs/models.md section 7.3) runs its parts in dependency order inside a step; the
// registry's composition does exactly that, so a definition only translates: part types and
// configs, wires, effects and outputs, and the ports the wiring implies.
#include "neurons/neuron_definition.hpp"

#include <algorithm>
#include <cstddef>
#include <deque>
#include <map>
#include <optional>
#include <string_view>

#include <boost/json.hpp>

#include <spark/abi/capabilities.h>
#include <spark/abi/properties.h>
#include <spark/abi/status.h>
#include <spark/runtime/errors.hpp>
#include <spark/runtime/module_config.hpp>

#include "brain/neuron_parts.hpp"
#include "config/file_module_config.hpp"
#include "config/python_json.hpp"
#include "config/seeds.hpp"
#include "neurons/fused_equivalent.hpp"
#include "neurons/type_lookup.hpp"
#include "neurons/upstream_1_0_defaults.hpp"

namespace spark::runtime::detail {
namespace {

namespace json = boost::json;

/// Upstream 1.0's input port names that ours spell differently: a plasticity rule reads the
/// synapses' kernel through its input `kernel`, ours through `current_kernel` (its output is
/// the updated `kernel`, and a module cannot have an input and an output of one name).
constexpr std::pair<std::string_view, std::string_view> renamed_inputs[] = {
    {"kernel", "current_kernel"},
};

/// The input port of `type` that upstream 1.0's `name` means.
std::string our_input_name(const spark_module_type_t& type, const std::string& name) {
    if (find_port(type, name, SPARK_PORT_INPUT) != nullptr) {
        return name;
    }
    for (const auto& [theirs, ours] : renamed_inputs) {
        if (name == theirs && find_port(type, ours, SPARK_PORT_INPUT) != nullptr) {
            return std::string(ours);
        }
    }
    return name;
}

std::string port_path(const std::string& spec, const std::string& port, std::size_t source) {
    return spec + "/inputs/" + port + "[" + std::to_string(source) + "]";
}

std::string json_number(double value) {
    return python_float_repr(value); // as upstream writes it: 0.2, not 2E-1
}

/// The descriptor the registry and every tool read, laid out so that the C callbacks find
/// their definition from the descriptor's address (it is the block's first member).
struct descriptor_block {
    spark_module_type_t abi{};
    const neuron_definition* owner = nullptr;
};

/// Instances are made by the registry through compose(); a plugin-style create is an error.
spark_status SPARK_ABI refuse_create(const spark_module_type_t* /*type*/,
                                     const spark_host_t* /*host*/,
                                     const spark_config_t* /*config*/,
                                     const char* /*name*/,
                                     spark_module_t** /*out*/) noexcept {
    return SPARK_ERR_INVALID_ARGUMENT;
}

const void* SPARK_ABI type_extension(const spark_module_type_t* type, const char* id) noexcept {
    const auto* block = reinterpret_cast<const descriptor_block*>(type);
    return block->owner->extension(id == nullptr ? "" : id);
}

} // namespace

struct neuron_definition::impl {
    struct part_def {
        std::string name;
        const registry::module_type_info* type = nullptr;
        std::string config_json; // as module_config reads it (converted from the file's form)
        bool async = false;      // its spikes arrive per synapse from a delays part
    };

    const registry::plugin_registry& registry;
    neuron_naming naming;
    upstream_v1::neuron_config config;
    config_mode mode;
    std::vector<std::string> vendor_preference;

    std::vector<part_def> parts;
    registry::composition wiring;     // without parts: those are made per instance
    std::optional<fused_match> fused; // the fused neuron that runs it, when one does
    std::deque<std::string> strings;
    spark_validator_t units_validators[2]{};
    spark_validator_t rate_validators[1]{};
    std::vector<spark_field_desc_t> fields;
    std::vector<spark_port_desc_t> ports;
    std::vector<spark_property_desc_t> properties;
    spark_type_properties_t property_table{};
    spark_type_capabilities_t capabilities{};
    descriptor_block block;

    impl(const registry::plugin_registry& r,
         neuron_naming n,
         upstream_v1::neuron_config c,
         config_mode m,
         std::vector<std::string> v)
        : registry(r), naming(std::move(n)), config(std::move(c)), mode(m),
          vendor_preference(std::move(v)) {}

    const char* keep(std::string text) { return strings.emplace_back(std::move(text)).c_str(); }

    [[nodiscard]] std::string spec_path(std::size_t index) const {
        return naming.path + "/modules_specs[" + std::to_string(index) + "]";
    }

    [[nodiscard]] std::optional<std::size_t> part_index(std::string_view name) const {
        for (std::size_t p = 0; p < parts.size(); ++p) {
            if (parts[p].name == name) {
                return p;
            }
        }
        return std::nullopt;
    }

    void resolve_parts(std::vector<config_issue>& issues) {
        for (std::size_t s = 0; s < config.modules_specs.size(); ++s) {
            const auto& spec = config.modules_specs[s];
            const auto path = spec_path(s);
            part_def p;
            p.name = spec.name;
            if (spec.module_cls.registry == upstream_v1::subregistry::neurons) {
                issues.push_back(
                    {path + "/module_cls",
                     spec.module_cls.type == naming.class_ref
                         ? "the neuron '" + naming.class_ref +
                               "' names itself as one of its parts; a neuron cannot contain "
                               "itself"
                         : "'" + spec.module_cls.type +
                               "' is a neuron; a neuron made of neurons is not supported yet "
                               "(docs/upstream-differences.md): use its parts here instead"});
            } else {
                try {
                    p.type = &registry.resolve(spec.module_cls.type, vendor_preference);
                } catch (const spark::error& e) {
                    issues.push_back({path + "/module_cls", e.what()});
                }
            }
            auto converted =
                module_config_from_file(json::value(spec.config), path + "/config", mode, issues);
            p.config_json = std::move(converted.config_json);
            parts.push_back(std::move(p));
        }
    }

    /// Wires, effects and outputs from the file, with upstream 1.0's port names mapped to ours.
    void read_wiring(std::vector<config_issue>& issues) {
        for (std::size_t s = 0; s < config.modules_specs.size(); ++s) {
            const auto& spec = config.modules_specs[s];
            const auto* type = parts[s].type;
            for (const auto& [port, sources] : spec.inputs) {
                const auto ours = type == nullptr ? port : our_input_name(*type->abi, port);
                for (const auto& source : sources) {
                    wiring.wires.push_back(
                        {spec.name, ours, source.origin, source.port, source.is_property});
                }
            }
            for (const auto& [property, sources] : spec.effects) {
                if (sources.size() != 1) {
                    issues.push_back({spec_path(s) + "/effects/" + property,
                                      "lists " + std::to_string(sources.size()) +
                                          " sources; an effect writes one value: keep exactly "
                                          "one"});
                    continue;
                }
                const auto& source = sources.front();
                if (source.is_property || source.origin == registry::composition_inputs ||
                    source.origin == registry::composition_self) {
                    issues.push_back({port_path(spec_path(s), "effects/" + property, 0),
                                      "an effect writes the output of a part of this neuron; '" +
                                          source.origin + "." + source.port + "' is not one"});
                    continue;
                }
                wiring.effects.push_back({spec.name, property, source.origin, source.port});
            }
            for (const auto& [name, port] : spec.outputs) {
                wiring.outputs.push_back({name, spec.name, port});
            }
        }
        add_delay_wires();
        mark_async_parts();
    }

    /// The part and output a part's input port reads, when it reads exactly one part output.
    [[nodiscard]] std::optional<std::pair<std::size_t, std::string>>
    single_part_source(const std::string& consumer, std::string_view port) const {
        std::optional<std::pair<std::size_t, std::string>> found;
        int count = 0;
        for (const auto& w : wiring.wires) {
            if (w.part == consumer && w.port == port) {
                ++count;
                if (const auto origin = part_index(w.origin); origin && !w.is_property) {
                    found.emplace(*origin, w.source);
                }
            }
        }
        return count == 1 ? found : std::nullopt;
    }

    [[nodiscard]] bool from_per_synapse_delays(const std::string& consumer,
                                               std::string_view port) const {
        const auto source = single_part_source(consumer, port);
        if (!source || source->second != "out_spikes") {
            return false;
        }
        const auto* delays = parts[source->first].type;
        return delays != nullptr && delivers_per_synapse(*delays);
    }

    /// Synapses fed per synapse by a delays part sum each current oldest emission first when
    /// they also read the delays (our optional `delays` input; upstream 1.0 has none): the same
    /// order as the fused neurons, so that both give the same bits.
    void add_delay_wires() {
        for (const auto& p : parts) {
            if (p.type == nullptr) {
                continue;
            }
            const auto* delays_port = find_port(*p.type->abi, "delays", SPARK_PORT_INPUT);
            const bool wired = std::any_of(wiring.wires.begin(), wiring.wires.end(), [&](auto& w) {
                return w.part == p.name && w.port == "delays";
            });
            if (delays_port == nullptr || delays_port->required || wired ||
                !from_per_synapse_delays(p.name, "spikes")) {
                continue;
            }
            const auto source = single_part_source(p.name, "spikes");
            wiring.wires.push_back(
                {p.name, "delays", parts[source->first].name, "kernel", /*is_property=*/true});
        }
    }

    /// Upstream marks per-synapse spikes in the payload; our parts are told by their config.
    void mark_async_parts() {
        for (auto& p : parts) {
            if (p.type == nullptr || !has_field(*p.type->abi, "async_spikes", SPARK_FIELD_BOOL)) {
                continue;
            }
            p.async = from_per_synapse_delays(p.name, "spikes") ||
                      from_per_synapse_delays(p.name, "pre_spikes");
        }
    }

    /// The payload of a wire's consuming port, or nullptr when it is unknown.
    [[nodiscard]] const spark_port_desc_t*
    consumer_port(const registry::composition_wire& w) const {
        const auto index = part_index(w.part);
        if (!index || parts[*index].type == nullptr) {
            return nullptr;
        }
        return find_port(*parts[*index].type->abi, w.port, SPARK_PORT_INPUT);
    }

    void derive_ports(std::vector<config_issue>& issues) {
        // Inputs: every "__call__" source, in order of first appearance (upstream 1.0).
        std::map<std::string, const spark_port_desc_t*, std::less<>> inputs;
        for (const auto& w : wiring.wires) {
            if (w.origin != registry::composition_inputs) {
                continue;
            }
            const auto* consumer = consumer_port(w);
            if (consumer == nullptr) {
                continue; // the composition check names it
            }
            const auto [known, added] = inputs.emplace(w.source, consumer);
            if (!added && known->second->payload_kind != consumer->payload_kind) {
                issues.push_back({naming.path + "/modules_specs",
                                  "the neuron input '" + w.source + "' feeds " + w.part + "." +
                                      w.port +
                                      " and another port of a different payload; give "
                                      "them inputs of their own"});
                continue;
            }
            if (added) {
                ports.push_back({keep(w.source),
                                 SPARK_PORT_INPUT,
                                 consumer->payload_kind,
                                 consumer->payload_type,
                                 SPARK_SHAPE_ANY,
                                 nullptr,
                                 true,
                                 keep("input of " + w.part + "." + w.port)});
            }
        }
        std::map<std::string, std::string, std::less<>> output_owner;
        for (const auto& o : wiring.outputs) {
            if (const auto [other, added] = output_owner.emplace(o.port, o.part); !added) {
                issues.push_back({naming.path + "/modules_specs",
                                  "the parts '" + other->second + "' and '" + o.part +
                                      "' both define the output '" + o.port +
                                      "'; give every output its own name"});
                continue;
            }
            const auto index = part_index(o.part);
            const auto* type = index ? parts[*index].type : nullptr;
            const auto* port =
                type == nullptr ? nullptr : find_port(*type->abi, o.source, SPARK_PORT_OUTPUT);
            if (port == nullptr) {
                if (type != nullptr) {
                    issues.push_back(
                        {naming.path + "/modules_specs",
                         "output '" + o.port + "': '" + o.source + "' is not an output port of " +
                             o.part + " (" + type->canonical_id +
                             "); a neuron's output is one of its parts' output ports"});
                }
                continue;
            }
            // A neuron's outputs have its units' shape: that is its contract in a brain cycle.
            ports.push_back({keep(o.port),
                             SPARK_PORT_OUTPUT,
                             port->payload_kind,
                             port->payload_type,
                             SPARK_SHAPE_FROM_FIELD,
                             "units",
                             true,
                             keep("output " + o.part + "." + o.source)});
        }
    }

    void declare_properties() {
        properties.push_back({"inhibition_mask",
                              SPARK_PAYLOAD_BOOL_MASK,
                              "boolean_mask",
                              SPARK_SHAPE_FROM_FIELD,
                              "units",
                              false,
                              "1 for each inhibitory neuron of the population"});
        for (const auto& p : parts) {
            if (p.type == nullptr) {
                continue;
            }
            for (const auto& d : registry::declared_properties(*p.type)) {
                properties.push_back({keep(p.name + "." + d.name),
                                      d.payload_kind,
                                      d.payload_type,
                                      SPARK_SHAPE_ANY,
                                      nullptr,
                                      d.writable,
                                      keep("property " + std::string(d.name) + " of part " +
                                           p.name + " (" + p.type->canonical_id + ")")});
            }
        }
        property_table = {SPARK_ABI_VERSION_INIT,
                          properties.data(),
                          static_cast<std::uint32_t>(properties.size())};
        capabilities = {SPARK_ABI_VERSION_INIT, true, "{\"units\": [8]}", nullptr, 0};
    }

    void declare_fields() {
        units_validators[0] = {SPARK_VALIDATOR_POSITIVE, 0, 0, nullptr, nullptr, 0};
        units_validators[1] = {SPARK_VALIDATOR_LENGTH, 1, 8, nullptr, nullptr, 0};
        rate_validators[0] = {SPARK_VALIDATOR_RANGE, 0, 1, nullptr, nullptr, 0};
        std::string units = "[";
        for (std::size_t a = 0; a < config.units.size(); ++a) {
            units += (a == 0 ? "" : ", ") + std::to_string(config.units[a]);
        }
        units += "]";
        fields.push_back({"units",
                          SPARK_FIELD_INT_ARRAY,
                          config.units.empty() ? nullptr : keep(units),
                          nullptr,
                          "shape of the population (the neuron file's units are its default)",
                          units_validators,
                          2,
                          0,
                          0});
        fields.push_back({"inhibitory_rate",
                          SPARK_FIELD_FLOAT,
                          keep(json_number(config.inhibitory_rate)),
                          nullptr,
                          "share of inhibitory neurons: floor(|units| * rate) of them",
                          rate_validators,
                          1,
                          0,
                          0});
    }

    void describe(const neuron_definition* owner) {
        auto& abi = block.abi;
        abi.abi_version = SPARK_ABI_VERSION_INIT;
        abi.class_ref = keep(naming.class_ref);
        abi.vendor = keep(naming.vendor);
        abi.version = "1.0.0";
        abi.kind = SPARK_KIND_NEURON;
        abi.description = keep("neuron of " + std::to_string(parts.size()) +
                               " parts, defined by an upstream 1.0 neuron config");
        abi.fields = fields.data();
        abi.field_count = static_cast<std::uint32_t>(fields.size());
        abi.ports = ports.data();
        abi.port_count = static_cast<std::uint32_t>(ports.size());
        abi.create = &refuse_create;
        abi.initialize = nullptr;
        abi.type_extension = &type_extension;
        block.owner = owner;
    }

    /// The part configs of one instance: the file's, with the neuron's dt and units, each
    /// part's spike timing, and a seed derived from the neuron's where the file gives none.
    [[nodiscard]] std::vector<module_config>
    part_configs(const std::vector<std::int64_t>& units, std::uint64_t seed, double dt) const {
        std::vector<module_config> configs;
        configs.reserve(parts.size());
        std::vector<config_issue> issues;
        for (std::size_t p = 0; p < parts.size(); ++p) {
            const auto& def = parts[p];
            if (def.type == nullptr) {
                continue;
            }
            auto object = json::parse(def.config_json).as_object();
            apply_upstream_1_0_defaults(*def.type, object);
            object["dt"] = dt;
            if (!object.contains("seed")) {
                object["seed"] = new_seed(seed, def.name);
            }
            const auto& type = *def.type->abi;
            if (has_field(type, "units", SPARK_FIELD_INT_ARRAY)) {
                json::array dims;
                for (const auto d : units) {
                    dims.push_back(d);
                }
                object["units"] = std::move(dims);
            }
            if (has_field(type, "async_spikes", SPARK_FIELD_BOOL)) {
                object["async_spikes"] = def.async;
            }
            try {
                configs.emplace_back(registry,
                                     *def.type,
                                     json::serialize(object),
                                     spec_path(p) + "/config",
                                     mode,
                                     vendor_preference);
            } catch (const config_error& e) {
                issues.insert(issues.end(), e.issues().begin(), e.issues().end());
            }
        }
        if (!issues.empty()) {
            throw config_error(std::move(issues));
        }
        return configs;
    }

    /// Runs fused: the instance's ports and properties are the fused type's, in its order, so
    /// that the brain and every tool see one type whichever way it runs. The composition path
    /// (compose_parts) serves the same names: the parts are called delays, synapses and soma.
    void adopt_fused_ports() {
        const auto& type = *fused->type->abi;
        ports.assign(type.ports, type.ports + type.port_count);
        const auto declared = registry::declared_properties(*fused->type);
        properties.assign(declared.begin(), declared.end());
        property_table = {SPARK_ABI_VERSION_INIT,
                          properties.data(),
                          static_cast<std::uint32_t>(properties.size())};
        block.abi.ports = ports.data();
        block.abi.port_count = static_cast<std::uint32_t>(ports.size());
    }

    /// The fused type's config for an instance: the neuron's values and every part's config
    /// (explicit seeds included), as the fused neuron's part fields.
    [[nodiscard]] std::string fused_config_json(const spark_config_t& instance,
                                                const std::vector<std::int64_t>& units,
                                                const std::vector<module_config>& configs) const {
        json::object object;
        object["seed"] = instance.seed;
        object["dtype"] = configs.front().dtype() == SPARK_DTYPE_F64 ? "float64" : "float32";
        object["dt"] = instance.dt;
        object["units"] = json::value_from(units);
        object["inhibitory_rate"] = instance.values[1].f;
        object["delays"] = nullptr;
        object["learning_rule"] = nullptr;
        for (std::size_t p = 0; p < parts.size(); ++p) {
            auto nested = json::parse(configs[p].to_json()).as_object();
            nested["__class_ref__"] = parts[p].type->canonical_id;
            const auto& name = parts[p].name;
            object[name == fused->rule ? std::string("learning_rule") : name] = std::move(nested);
        }
        return json::serialize(object);
    }

    [[nodiscard]] registry::composition
    with_parts(const std::vector<module_config>& configs) const {
        registry::composition c = wiring;
        for (std::size_t p = 0; p < configs.size(); ++p) {
            c.parts.push_back({parts[p].name, &configs[p].type(), &configs[p].abi()});
        }
        return c;
    }
};

neuron_definition::neuron_definition(const registry::plugin_registry& registry,
                                     neuron_naming naming,
                                     upstream_v1::neuron_config config,
                                     config_mode mode,
                                     std::vector<std::string> vendor_preference)
    : impl_(std::make_unique<impl>(
          registry, std::move(naming), std::move(config), mode, std::move(vendor_preference))) {
    auto& d = *impl_;
    std::vector<config_issue> issues;
    d.resolve_parts(issues);
    d.read_wiring(issues);
    d.derive_ports(issues);
    d.declare_fields();
    d.declare_properties();
    d.describe(this);
    const bool all_resolved = std::all_of(
        d.parts.begin(), d.parts.end(), [](const auto& p) { return p.type != nullptr; });
    if (!all_resolved) {
        throw config_error(std::move(issues)); // resolve_parts named each one
    }
    // The wiring, checked as the registry will create it, with the file's own values (a neuron
    // file may leave its units to the brain: one neuron stands in for them).
    std::vector<std::int64_t> units(d.config.units.begin(), d.config.units.end());
    if (units.empty()) {
        units = {1};
    }
    std::vector<module_config> configs;
    try {
        configs = d.part_configs(units, static_cast<std::uint64_t>(d.config.seed), 1.0);
    } catch (const config_error& e) {
        issues.insert(issues.end(), e.issues().begin(), e.issues().end());
        throw config_error(std::move(issues));
    }
    const registry::module_type_info self{
        d.naming.vendor + "." + d.naming.class_ref, &d.block.abi, nullptr, nullptr};
    json::object own;
    own["units"] = json::value_from(units);
    own["inhibitory_rate"] = d.config.inhibitory_rate;
    own["seed"] = static_cast<std::uint64_t>(d.config.seed);
    const module_config own_config(registry, self, json::serialize(own), d.naming.path);
    const auto problems = registry.composition_problems(
        self, d.with_parts(configs), own_config.abi(), d.naming.class_ref);
    for (const auto& problem : problems) {
        issues.push_back({d.naming.path + "/modules_specs", problem});
    }
    if (!issues.empty()) {
        throw config_error(std::move(issues));
    }
    const bool one_dtype = std::all_of(configs.begin(), configs.end(), [&](const auto& c) {
        return c.dtype() == configs.front().dtype();
    });
    if (one_dtype) {
        d.fused = find_fused_equivalent(registry, d.naming.class_ref, parts(), d.wiring, d.ports);
    }
    if (d.fused) {
        d.adopt_fused_ports();
    }
}

neuron_definition::~neuron_definition() = default;

const spark_module_type_t& neuron_definition::descriptor() const noexcept {
    return impl_->block.abi;
}

registry::defined_composition neuron_definition::compose(const spark_config_t& config) const {
    if (!impl_->fused) {
        return compose_parts(config);
    }
    const auto& units_value = config.values[0];
    std::vector<std::int64_t> units(units_value.ints, units_value.ints + units_value.count);
    const auto parts_configs = impl_->part_configs(units, config.seed, config.dt);
    auto fused =
        std::make_shared<module_config>(impl_->registry,
                                        *impl_->fused->type,
                                        impl_->fused_config_json(config, units, parts_configs),
                                        impl_->naming.path,
                                        impl_->mode,
                                        impl_->vendor_preference);
    registry::defined_composition out;
    out.single_type = &fused->type();
    out.single_config = &fused->abi();
    out.keep = fused;
    return out;
}

registry::defined_composition neuron_definition::compose_parts(const spark_config_t& config) const {
    const auto& units_value = config.values[0];
    std::vector<std::int64_t> units(units_value.ints, units_value.ints + units_value.count);
    auto configs = std::make_shared<std::vector<module_config>>(
        impl_->part_configs(units, config.seed, config.dt));
    registry::defined_composition out;
    out.parts = impl_->with_parts(*configs);
    out.keep = configs;
    return out;
}

const registry::module_type_info* neuron_definition::runs_fused_as() const noexcept {
    return impl_->fused ? impl_->fused->type : nullptr;
}

const void* neuron_definition::extension(std::string_view id) const noexcept {
    if (id == SPARK_EXT_TYPE_PROPERTIES) {
        return &impl_->property_table;
    }
    if (id == SPARK_EXT_TYPE_CAPABILITIES) {
        return &impl_->capabilities;
    }
    return nullptr;
}

const upstream_v1::neuron_config& neuron_definition::config() const noexcept {
    return impl_->config;
}

std::vector<std::pair<std::string, const registry::module_type_info*>>
neuron_definition::parts() const {
    std::vector<std::pair<std::string, const registry::module_type_info*>> out;
    for (const auto& p : impl_->parts) {
        out.emplace_back(p.name, p.type);
    }
    return out;
}

const neuron_definition* neuron_definition_of(const registry::module_type_info& type) {
    if (!type.defined || type.abi == nullptr || type.abi->create != &refuse_create) {
        return nullptr;
    }
    return reinterpret_cast<const descriptor_block*>(type.abi)->owner;
}

} // namespace spark::runtime::detail
