// SPDX-License-Identifier: Apache-2.0
// Runs a composition (docs/adr/0013-neurons-as-compositions.md): parts in dependency order
// inside one step, each reading the same step's outputs of the parts before it, the
// composition's inputs and live properties; effects after every part; the mapped outputs last.
// Its own properties are those its type declares, served by its parts (composite_properties.hpp).
#include "composite_module.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <map>
#include <memory>
#include <optional>
#include <string_view>
#include <utility>
#include <vector>

#include <spark/abi/properties.h>
#include <spark/abi/status.h>
#include <spark/registry/errors.hpp>
#include <spark/sdk/random.hpp>

#include "composite_properties.hpp"

namespace spark::registry::detail {
namespace {

/// A failure with the status the C function returns (unavailable, read-only, before build ...).
class status_failure : public spark::error {
public:
    status_failure(spark_status status, const std::string& message)
        : spark::error(message), status_(status) {}
    [[nodiscard]] spark_status status() const noexcept { return status_; }

private:
    spark_status status_;
};

std::uint64_t element_count(const spark_shape_t& shape) {
    std::uint64_t n = 1;
    for (std::uint32_t a = 0; a < shape.rank; ++a) {
        n *= shape.dims[a];
    }
    return n;
}

std::uint64_t byte_count(const spark_port_spec_t& spec) {
    return element_count(spec.shape) * spark_dtype_size(spec.dtype);
}

/// Host memory for one buffer, aligned to 64 bytes as the ABI promises (spark_buffer).
class aligned_buffer {
public:
    aligned_buffer() = default;
    explicit aligned_buffer(const spark_port_spec_t& spec) : spec_(spec) {
        const auto bytes = static_cast<std::size_t>((byte_count(spec) + 63) / 64 * 64);
        data_.reset(static_cast<std::byte*>(std::aligned_alloc(64, bytes == 0 ? 64 : bytes)));
        if (!data_) {
            throw std::bad_alloc();
        }
        std::memset(data_.get(), 0, bytes == 0 ? 64 : bytes);
    }
    [[nodiscard]] spark_buffer_t abi() const {
        return {data_.get(), element_count(spec_.shape), spec_};
    }
    [[nodiscard]] std::byte* data() const noexcept { return data_.get(); }

private:
    struct release {
        void operator()(std::byte* p) const noexcept { std::free(p); }
    };
    spark_port_spec_t spec_{};
    std::unique_ptr<std::byte, release> data_;
};

struct port_ref {
    const spark_port_desc_t* desc = nullptr;
    std::size_t index = 0; // among the ports of its direction
};

std::optional<port_ref>
find_port(const spark_module_type_t& type, std::string_view name, std::int32_t direction) {
    std::size_t index = 0;
    for (std::uint32_t p = 0; p < type.port_count; ++p) {
        if (type.ports[p].direction != direction) {
            continue;
        }
        if (name == type.ports[p].name) {
            return port_ref{&type.ports[p], index};
        }
        ++index;
    }
    return std::nullopt;
}

std::optional<std::uint32_t> find_property(const module_type_info& type, std::string_view name) {
    const auto declared = declared_properties(type);
    for (std::uint32_t i = 0; i < declared.size(); ++i) {
        if (name == declared[i].name) {
            return i;
        }
    }
    return std::nullopt;
}

std::size_t count_ports(const spark_module_type_t& type, std::int32_t direction) {
    std::size_t n = 0;
    for (std::uint32_t p = 0; p < type.port_count; ++p) {
        n += type.ports[p].direction == direction ? 1U : 0U;
    }
    return n;
}

/// One source of a part's input port, resolved.
struct source {
    enum class kind { call, self_mask, output, property } what = kind::call;
    std::size_t part = 0;  // output, property: the origin part's index
    std::size_t index = 0; // call: the composition's input port; output: the port; property
    std::string label;     // "delays.out_spikes", for messages
};

/// One input port of a part: its sources and, where it needs one, a buffer of its own.
struct input_slot {
    std::string port;
    std::vector<source> sources;
    spark_port_spec_t spec{};
    aligned_buffer own;                  // gathered sources, or a single property read
    std::vector<aligned_buffer> scratch; // per property source of a gathered port
};

struct part_state {
    std::string name;
    module_instance instance;
    std::vector<input_slot> inputs; // one per input port of the part's type, in port order
    std::vector<spark_port_spec_t> out_specs;
    std::vector<aligned_buffer> outputs;
    std::vector<spark_buffer_t> in_abi;
    std::vector<spark_buffer_t> out_abi;
    bool takes_mask = false; // an input is wired from __self__.inhibition_mask
};

struct resolved_effect {
    std::size_t part = 0;
    std::uint32_t property = 0;
    std::size_t origin = 0;
    std::size_t output = 0;
    std::string label; // "synapses.kernel <- plasticity.kernel"
};

struct resolved_output {
    std::size_t part = 0;
    std::size_t output = 0;
};

class composite {
public:
    composite(const module_type_info& as_type,
              const composition& c,
              const spark_config_t& config,
              std::string name,
              const spark_host_t* host,
              const part_factory& create_part)
        : as_type_(as_type), type_(*as_type.abi), host_(host), name_(std::move(name)) {
        read_self(config);
        check_and_resolve(as_type, c, create_part);
        abi_.type = as_type.abi;
        abi_.module_data = this;
        abi_.contract = self_contract_possible() ? &contract_fn : nullptr;
        abi_.build = &build_fn;
        abi_.reset = &reset_fn;
        abi_.step = &step_fn;
        abi_.state = &state_fn;
        abi_.state_loaded = &state_loaded_fn;
        abi_.destroy = &destroy_fn;
        abi_.get_extension = &get_extension_fn;
    }

    /// Checks `c` only: problems() lists what a real creation would refuse.
    composite(const module_type_info& as_type,
              const composition& c,
              const spark_config_t& config,
              std::string name)
        : type_(*as_type.abi), host_(nullptr), name_(std::move(name)) {
        read_self(config);
        check_and_resolve(as_type, c, nullptr);
    }

    [[nodiscard]] spark_module_t* abi() noexcept { return &abi_; }
    [[nodiscard]] const std::vector<std::string>& problems() const noexcept { return problems_; }

private:
    // --- create: the composition's own values, then every check, then the parts ----------------

    void read_self(const spark_config_t& config) {
        seed_ = config.seed;
        dtype_ = config.dtype;
        for (std::uint32_t f = 0; f < type_.field_count && f < config.count; ++f) {
            const std::string_view field = type_.fields[f].name;
            const auto& value = config.values[f];
            if (field == "units" && value.type == SPARK_FIELD_INT_ARRAY) {
                units_.rank = std::min<std::uint32_t>(value.count, SPARK_MAX_RANK);
                for (std::uint32_t a = 0; a < units_.rank; ++a) {
                    units_.dims[a] = static_cast<std::uint32_t>(value.ints[a]);
                }
                has_units_ = true;
            } else if (field == "inhibitory_rate" && value.type == SPARK_FIELD_FLOAT) {
                rate_ = value.f;
            }
        }
    }

    void check_and_resolve(const module_type_info& as_type,
                           const composition& c,
                           const part_factory& create_part) {
        std::vector<std::string> problems;
        const auto problem = [&](const std::string& where, const std::string& what) {
            problems.push_back("composition '" + name_ + "': " + where + ": " + what);
        };
        std::map<std::string, std::size_t, std::less<>> index;
        for (std::size_t p = 0; p < c.parts.size(); ++p) {
            const auto& part = c.parts[p];
            if (part.name == composition_inputs || part.name == composition_self ||
                part.name.empty() || !index.emplace(part.name, p).second) {
                problem("part '" + part.name + "'",
                        part.name.empty() ? "has no name"
                                          : "the name is taken; give every part its own name, "
                                            "other than __call__ and __self__");
            }
            if (part.type == nullptr || part.config == nullptr) {
                problem("part '" + part.name + "'", "has no type or config");
            }
        }
        if (!problems.empty()) {
            return reject(std::move(problems), create_part);
        }
        const auto part_type = [&](std::size_t p) -> const spark_module_type_t& {
            return *c.parts[p].type->abi;
        };
        // Every wire: a known input of a known part, fed by an existing output or property.
        std::vector<std::vector<source>> wired(c.parts.size());
        std::vector<std::vector<std::string>> wired_ports(c.parts.size());
        for (const auto& w : c.wires) {
            const std::string where = "wire " + w.part + "." + w.port + " <- " + w.origin + "." +
                                      w.source + (w.is_property ? " (property)" : "");
            const auto consumer = index.find(w.part);
            if (consumer == index.end()) {
                problem(where, "'" + w.part + "' is not a part of the composition");
                continue;
            }
            const auto input = find_port(part_type(consumer->second), w.port, SPARK_PORT_INPUT);
            if (!input) {
                problem(where,
                        "'" + w.port + "' is not an input port of " +
                            c.parts[consumer->second].type->canonical_id);
                continue;
            }
            source s;
            s.label = w.origin + "." + w.source;
            std::int32_t payload = 0;
            if (w.origin == composition_inputs) {
                const auto call = find_port(type_, w.source, SPARK_PORT_INPUT);
                if (!call || w.is_property) {
                    problem(where,
                            "'" + w.source + "' is not an input port of " + as_type.canonical_id);
                    continue;
                }
                s.what = source::kind::call;
                s.index = call->index;
                payload = call->desc->payload_kind;
            } else if (w.origin == composition_self) {
                if (w.source != "inhibition_mask" || !w.is_property || !has_units_) {
                    problem(where,
                            "__self__ offers only the property inhibition_mask, of a type with "
                            "an int[] field 'units'");
                    continue;
                }
                s.what = source::kind::self_mask;
                payload = SPARK_PAYLOAD_BOOL_MASK;
            } else {
                const auto origin = index.find(w.origin);
                if (origin == index.end()) {
                    problem(where, "'" + w.origin + "' is not a part of the composition");
                    continue;
                }
                s.part = origin->second;
                const auto& origin_info = *c.parts[s.part].type;
                if (w.is_property) {
                    const auto property = find_property(origin_info, w.source);
                    if (!property) {
                        problem(where,
                                "'" + w.source + "' is not a property of " +
                                    origin_info.canonical_id);
                        continue;
                    }
                    s.what = source::kind::property;
                    s.index = *property;
                    payload = declared_properties(origin_info)[*property].payload_kind;
                } else {
                    const auto output = find_port(*origin_info.abi, w.source, SPARK_PORT_OUTPUT);
                    if (!output) {
                        problem(where,
                                "'" + w.source + "' is not an output port of " +
                                    origin_info.canonical_id);
                        continue;
                    }
                    s.what = source::kind::output;
                    s.index = output->index;
                    payload = output->desc->payload_kind;
                }
            }
            const auto wants = input->desc->payload_kind;
            if (wants != SPARK_PAYLOAD_ANY && payload != SPARK_PAYLOAD_ANY && payload != wants) {
                problem(where,
                        "the source carries " + std::string(payload_kind_name(payload)) +
                            " but the input takes " + std::string(payload_kind_name(wants)));
                continue;
            }
            wired[consumer->second].push_back(s);
            wired_ports[consumer->second].push_back(w.port);
        }
        // Every required input of every part is fed.
        for (std::size_t p = 0; p < c.parts.size(); ++p) {
            const auto& t = part_type(p);
            for (std::uint32_t k = 0; k < t.port_count; ++k) {
                const auto& port = t.ports[k];
                if (port.direction != SPARK_PORT_INPUT || !port.required) {
                    continue;
                }
                const auto& names = wired_ports[p];
                if (std::find(names.begin(), names.end(), port.name) == names.end()) {
                    problem("part '" + c.parts[p].name + "' (" + c.parts[p].type->canonical_id +
                                ")",
                            "its required input '" + std::string(port.name) +
                                "' has no wire; wire it from __call__, __self__ or another part");
                }
            }
        }
        for (const auto& e : c.effects) {
            const std::string where =
                "effect " + e.part + "." + e.property + " <- " + e.origin + "." + e.source;
            const auto owner = index.find(e.part);
            const auto origin = index.find(e.origin);
            if (owner == index.end() || origin == index.end()) {
                problem(where, "both sides must be parts of the composition");
                continue;
            }
            const auto& owner_info = *c.parts[owner->second].type;
            const auto property = find_property(owner_info, e.property);
            if (!property) {
                problem(where,
                        "'" + e.property + "' is not a property of " + owner_info.canonical_id);
                continue;
            }
            if (!declared_properties(owner_info)[*property].writable) {
                problem(where,
                        "property '" + e.property + "' of " + owner_info.canonical_id +
                            " is read-only; an effect can only write a writable property");
                continue;
            }
            const auto output = find_port(part_type(origin->second), e.source, SPARK_PORT_OUTPUT);
            if (!output) {
                problem(where,
                        "'" + e.source + "' is not an output port of " +
                            c.parts[origin->second].type->canonical_id);
                continue;
            }
            effects_.push_back({owner->second, *property, origin->second, output->index, where});
        }
        for (std::uint32_t k = 0; k < type_.port_count; ++k) {
            const auto& port = type_.ports[k];
            if (port.direction != SPARK_PORT_OUTPUT) {
                continue;
            }
            const auto mapped = std::find_if(
                c.outputs.begin(), c.outputs.end(), [&](auto& o) { return o.port == port.name; });
            if (mapped == c.outputs.end()) {
                problem("output '" + std::string(port.name) + "'",
                        "no part feeds it; map it to a part's output");
                continue;
            }
            const auto part = index.find(mapped->part);
            const auto output =
                part == index.end()
                    ? std::nullopt
                    : find_port(part_type(part->second), mapped->source, SPARK_PORT_OUTPUT);
            if (!output) {
                problem("output '" + std::string(port.name) + "'",
                        "'" + mapped->part + "." + mapped->source + "' is not a part's output");
                continue;
            }
            outputs_.push_back({part->second, output->index});
        }
        served_ = resolve_properties(as_type, c, has_units_, problem);
        order_ = execution_order(c, wired, problems);
        if (!problems.empty() || !create_part) {
            return reject(std::move(problems), create_part);
        }
        // Only now create the parts: a composition that cannot work creates nothing.
        for (std::size_t p = 0; p < c.parts.size(); ++p) {
            auto instance = create_part(c.parts[p], name_ + "." + c.parts[p].name);
            part_state state{c.parts[p].name, std::move(instance), {}, {}, {}, {}, {}, false};
            const auto& t = part_type(p);
            for (std::uint32_t k = 0; k < t.port_count; ++k) {
                if (t.ports[k].direction != SPARK_PORT_INPUT) {
                    continue;
                }
                input_slot slot;
                slot.port = t.ports[k].name;
                for (std::size_t w = 0; w < wired[p].size(); ++w) {
                    if (wired_ports[p][w] == slot.port) {
                        slot.sources.push_back(wired[p][w]);
                        state.takes_mask =
                            state.takes_mask || wired[p][w].what == source::kind::self_mask;
                    }
                }
                state.inputs.push_back(std::move(slot));
            }
            parts_.push_back(std::move(state));
        }
    }

    /// Upstream 1.0's order: rounds of the parts whose sources all ran (list order inside a
    /// round, so that it never depends on a hash); a part that waits on itself or on a cycle
    /// cannot be ordered (no contracts between parts yet).
    std::vector<std::size_t> execution_order(const composition& c,
                                             const std::vector<std::vector<source>>& wired,
                                             std::vector<std::string>& problems) const {
        std::vector<std::size_t> order;
        std::vector<bool> done(c.parts.size(), false);
        while (order.size() < c.parts.size()) {
            std::vector<std::size_t> round;
            for (std::size_t p = 0; p < c.parts.size(); ++p) {
                if (done[p]) {
                    continue;
                }
                const bool ready = std::all_of(wired[p].begin(), wired[p].end(), [&](auto& s) {
                    const bool from_part =
                        s.what == source::kind::output || s.what == source::kind::property;
                    return !from_part || done[s.part];
                });
                if (ready) {
                    round.push_back(p);
                }
            }
            if (round.empty()) {
                std::string waiting;
                for (std::size_t p = 0; p < c.parts.size(); ++p) {
                    waiting +=
                        done[p] ? "" : (waiting.empty() ? "'" : ", '") + c.parts[p].name + "'";
                }
                problems.push_back("composition '" + name_ + "': the parts " + waiting +
                                   " wait on each other (a cycle); break the cycle, or feed "
                                   "one of them from the composition's inputs");
                return order;
            }
            for (const auto p : round) {
                done[p] = true;
                order.push_back(p);
            }
        }
        return order;
    }

    // Checking only (no part factory): keep the problems for problems(); else refuse.
    void reject(std::vector<std::string> problems, const part_factory& create_part) {
        if (create_part) {
            fail(problems);
        }
        problems_ = std::move(problems);
    }

    [[noreturn]] static void fail(const std::vector<std::string>& problems) {
        std::string text = std::to_string(problems.size()) +
                           (problems.size() == 1 ? " problem" : " problems") +
                           " in the composition:";
        for (const auto& p : problems) {
            text += "\n  " + p;
        }
        throw spark::error(text);
    }

    // --- the inhibition mask of __self__, as a fused neuron draws it
    // ------------------------------

    void make_mask() {
        const auto n = static_cast<std::size_t>(element_count(units_));
        mask_spec_ = {SPARK_PAYLOAD_BOOL_MASK, SPARK_DTYPE_U8, units_};
        mask_ = aligned_buffer(mask_spec_);
        const auto inhibitory =
            static_cast<std::size_t>(std::floor(static_cast<double>(n) * rate_));
        sdk::random_stream stream(seed_);
        const auto order = stream.permutation(n);
        auto* bits = reinterpret_cast<std::uint8_t*>(mask_.data());
        for (std::size_t k = 0; k < inhibitory && k < n; ++k) {
            bits[order[k]] = 1;
        }
    }

    [[nodiscard]] bool self_contract_possible() const {
        for (std::uint32_t k = 0; k < type_.port_count; ++k) {
            const auto& port = type_.ports[k];
            if (port.direction == SPARK_PORT_OUTPUT &&
                (port.shape_rule != SPARK_SHAPE_FROM_FIELD ||
                 std::string_view(port.shape_ref) != "units" || !has_units_)) {
                return false;
            }
        }
        return true;
    }

    // --- lifecycle ---------------------------------------------------------------------------

    void contract(spark_port_spec_t* outputs, std::uint32_t count) const {
        std::uint32_t k = 0;
        for (std::uint32_t p = 0; p < type_.port_count && k < count; ++p) {
            const auto& port = type_.ports[p];
            if (port.direction == SPARK_PORT_OUTPUT) {
                outputs[k++] = {
                    port.payload_kind, spark_payload_dtype(port.payload_kind, dtype_), units_};
            }
        }
    }

    void build(const spark_port_spec_t* inputs,
               std::uint32_t input_count,
               spark_port_spec_t* outputs,
               std::uint32_t output_count) {
        call_specs_.assign(inputs, inputs + input_count);
        if (has_units_) {
            make_mask();
        }
        for (const auto p : order_) {
            auto& part = parts_[p];
            std::vector<spark_port_spec_t> in_specs;
            for (auto& slot : part.inputs) {
                slot.spec = input_spec(part, slot);
                in_specs.push_back(slot.spec);
            }
            part.out_specs.assign(count_ports(*part.instance.type().abi, SPARK_PORT_OUTPUT), {});
            part.instance.build(in_specs, part.out_specs);
            for (const auto& s : part.out_specs) {
                part.outputs.emplace_back(s);
                part.out_abi.push_back(part.outputs.back().abi());
            }
            part.in_abi.assign(part.inputs.size(), spark_buffer_t{});
            for (std::size_t i = 0; i < part.inputs.size(); ++i) {
                prepare_slot(part.inputs[i]);
            }
        }
        for (const auto& e : effects_) {
            const auto property = parts_[e.part].instance.property_spec(e.property);
            const auto& value = parts_[e.origin].out_specs[e.output];
            if (property.payload_kind != value.payload_kind || property.dtype != value.dtype ||
                element_count(property.shape) != element_count(value.shape)) {
                throw spark::error("composition '" + name_ + "': " + e.label +
                                   ": the output does not fit the property (" +
                                   std::to_string(element_count(value.shape)) + " elements of " +
                                   std::string(dtype_name(value.dtype)) + " against " +
                                   std::to_string(element_count(property.shape)) + " of " +
                                   std::string(dtype_name(property.dtype)) + ")");
            }
        }
        for (std::uint32_t k = 0; k < output_count && k < outputs_.size(); ++k) {
            outputs[k] = parts_[outputs_[k].part].out_specs[outputs_[k].output];
        }
        built_ = true;
    }

    /// The spec a part's input port gets: its single source's, or the flattened concatenation of
    /// its sources (one payload and dtype), or none when nothing wired reaches it.
    spark_port_spec_t input_spec(const part_state& part, const input_slot& slot) {
        std::vector<spark_port_spec_t> specs;
        for (const auto& s : slot.sources) {
            const auto spec = source_spec(s);
            if (spec.payload_kind != 0) {
                specs.push_back(spec);
            }
        }
        if (specs.empty()) {
            return {};
        }
        if (specs.size() == 1) {
            return specs.front();
        }
        std::uint64_t total = 0;
        for (const auto& s : specs) {
            if (s.payload_kind != specs.front().payload_kind || s.dtype != specs.front().dtype) {
                throw spark::error("composition '" + name_ + "': part '" + part.name + "' input '" +
                                   slot.port +
                                   "': its sources carry different payloads or dtypes; "
                                   "concatenate only sources of one kind");
            }
            total += element_count(s.shape);
        }
        spark_port_spec_t out = specs.front();
        out.shape = {};
        out.shape.rank = 1;
        out.shape.dims[0] = static_cast<std::uint32_t>(total);
        return out;
    }

    spark_port_spec_t source_spec(const source& s) {
        switch (s.what) {
        case source::kind::call:
            return s.index < call_specs_.size() ? call_specs_[s.index] : spark_port_spec_t{};
        case source::kind::self_mask:
            return mask_spec_;
        case source::kind::output:
            return parts_[s.part].out_specs.at(s.index);
        case source::kind::property:
        default:
            return parts_[s.part].instance.property_spec(static_cast<std::uint32_t>(s.index));
        }
    }

    // A buffer of its own for a port that gathers several sources or reads a property.
    void prepare_slot(input_slot& slot) {
        if (slot.spec.payload_kind == 0) {
            return;
        }
        const bool single = slot.sources.size() == 1;
        if (single && slot.sources[0].what != source::kind::property) {
            return; // points at its source's buffer at every step
        }
        slot.own = aligned_buffer(slot.spec);
        for (const auto& s : slot.sources) {
            if (!single && s.what == source::kind::property) {
                slot.scratch.emplace_back(source_spec(s));
            }
        }
    }

    void reset(const spark_buffer_t* outputs, std::uint32_t count) {
        for (const auto p : order_) {
            auto& part = parts_[p];
            part.instance.reset(part.out_abi);
        }
        write_outputs(outputs, count, /*stamp_mask=*/true);
    }

    void step(const spark_step_context_t& ctx) {
        for (const auto p : order_) {
            auto& part = parts_[p];
            for (std::size_t i = 0; i < part.inputs.size(); ++i) {
                part.in_abi[i] = gather(part.inputs[i], ctx);
            }
            const spark_step_context_t inner{ctx.step_index,
                                             ctx.dt,
                                             part.in_abi.data(),
                                             static_cast<std::uint32_t>(part.in_abi.size()),
                                             part.out_abi.data(),
                                             static_cast<std::uint32_t>(part.out_abi.size())};
            current_ = p;
            part.instance.step(inner);
        }
        for (const auto& e : effects_) {
            current_ = e.part;
            parts_[e.part].instance.write_property(e.property, parts_[e.origin].out_abi[e.output]);
        }
        current_ = npos;
        write_outputs(ctx.outputs, ctx.output_count, /*stamp_mask=*/false);
    }

    spark_buffer_t gather(input_slot& slot, const spark_step_context_t& ctx) {
        if (slot.spec.payload_kind == 0) {
            return {nullptr, 0, {}};
        }
        if (slot.sources.size() == 1) {
            const auto& s = slot.sources[0];
            switch (s.what) {
            case source::kind::call:
                return ctx.inputs[s.index];
            case source::kind::self_mask:
                return mask_.abi();
            case source::kind::output:
                return parts_[s.part].out_abi[s.index];
            case source::kind::property:
                parts_[s.part].instance.read_property(static_cast<std::uint32_t>(s.index),
                                                      slot.own.abi());
                return slot.own.abi();
            }
        }
        std::byte* at = slot.own.data();
        std::size_t scratch = 0;
        for (const auto& s : slot.sources) {
            spark_buffer_t from{};
            switch (s.what) {
            case source::kind::call:
                from = ctx.inputs[s.index];
                break;
            case source::kind::self_mask:
                from = mask_.abi();
                break;
            case source::kind::output:
                from = parts_[s.part].out_abi[s.index];
                break;
            case source::kind::property:
                from = slot.scratch[scratch++].abi();
                parts_[s.part].instance.read_property(static_cast<std::uint32_t>(s.index), from);
                break;
            }
            const auto bytes =
                static_cast<std::size_t>(from.count * spark_dtype_size(from.spec.dtype));
            if (bytes > 0) {
                std::memcpy(at, from.data, bytes);
            }
            at += bytes;
        }
        return slot.own.abi();
    }

    // The mapped part outputs into the composition's; at reset, a spike output of a part that
    // takes the inhibition mask carries the mask's bits, as that part's every step does.
    void write_outputs(const spark_buffer_t* outputs, std::uint32_t count, bool stamp_mask) const {
        for (std::uint32_t k = 0; k < count && k < outputs_.size(); ++k) {
            const auto& part = parts_[outputs_[k].part];
            const auto& from = part.out_abi[outputs_[k].output];
            const auto bytes =
                static_cast<std::size_t>(from.count * spark_dtype_size(from.spec.dtype));
            if (bytes > 0) {
                std::memcpy(outputs[k].data, from.data, bytes);
            }
            if (stamp_mask && part.takes_mask && from.spec.payload_kind == SPARK_PAYLOAD_SPIKES &&
                from.count == element_count(mask_spec_.shape)) {
                auto* spikes = static_cast<std::uint8_t*>(outputs[k].data);
                const auto* bits = reinterpret_cast<const std::uint8_t*>(mask_.data());
                for (std::uint64_t i = 0; i < from.count; ++i) {
                    spikes[i] = static_cast<std::uint8_t>(spikes[i] | (bits[i] != 0 ? 2U : 0U));
                }
            }
        }
    }

    // Every part's state arrays, named "<part>.<array>" (a checkpoint holds each part's state).
    void state(spark_state_array_t* arrays, std::uint32_t capacity, std::uint32_t* count) {
        std::vector<spark_state_array_t> all;
        std::vector<std::string> names;
        for (auto& part : parts_) {
            for (const auto& a : part.instance.state()) {
                all.push_back(a);
                names.push_back(part.name + "." + a.name);
            }
        }
        state_names_ = std::move(names);
        for (std::size_t k = 0; k < all.size(); ++k) {
            all[k].name = state_names_[k].c_str();
        }
        *count = static_cast<std::uint32_t>(all.size());
        for (std::size_t k = 0; k < all.size() && k < capacity; ++k) {
            arrays[k] = all[k];
        }
    }

    void state_loaded() {
        for (auto& part : parts_) {
            part.instance.state_loaded();
        }
    }

    // --- properties: by the parts that serve them (composite_properties.hpp) ------------------

    const served_property& served(std::uint32_t index, const char* operation) const {
        if (!built_) {
            throw status_failure(SPARK_ERR_STATE,
                                 std::string(operation) + " called before build; call build first");
        }
        if (index >= served_.size()) {
            throw status_failure(SPARK_ERR_INVALID_ARGUMENT,
                                 "property index " + std::to_string(index) +
                                     " is out of range, the type has " +
                                     std::to_string(served_.size()) + " properties");
        }
        return served_[index];
    }

    [[nodiscard]] std::string property_name(std::uint32_t index) const {
        return declared_properties(as_type_)[index].name;
    }

    // The part's own spec; payload kind 0 when no part serves it (properties.h).
    spark_port_spec_t property_spec(std::uint32_t index) {
        const auto& s = served(index, "property spec");
        switch (s.what) {
        case served_property::kind::part:
            return parts_[s.part].instance.property_spec(s.index);
        case served_property::kind::self_mask:
            return mask_spec_;
        case served_property::kind::unavailable:
            break;
        }
        return {};
    }

    void read_property(std::uint32_t index, const spark_buffer_t* out) {
        const auto& s = available(index, "read property");
        if (out == nullptr) {
            throw status_failure(SPARK_ERR_INVALID_ARGUMENT,
                                 "read of property '" + property_name(index) + "' needs a buffer");
        }
        if (s.what == served_property::kind::part) {
            parts_[s.part].instance.read_property(s.index, *out);
            return;
        }
        const auto& spec = out->spec;
        if (spec.payload_kind != mask_spec_.payload_kind || spec.dtype != mask_spec_.dtype ||
            out->count != element_count(mask_spec_.shape) ||
            element_count(spec.shape) != out->count || (out->data == nullptr && out->count > 0)) {
            throw status_failure(SPARK_ERR_INVALID_ARGUMENT,
                                 "read of property 'inhibition_mask' got a buffer of " +
                                     std::to_string(out->count) + " elements of " +
                                     std::string(dtype_name(spec.dtype)) + "; the property is " +
                                     std::to_string(element_count(mask_spec_.shape)) +
                                     " elements of uint8 (a bool mask)");
        }
        if (out->count > 0) {
            std::memcpy(out->data, mask_.data(), static_cast<std::size_t>(out->count));
        }
    }

    void write_property(std::uint32_t index, const spark_buffer_t* value) {
        const auto& s = available(index, "write property");
        if (!s.writable) {
            throw status_failure(SPARK_ERR_UNSUPPORTED,
                                 "property '" + property_name(index) +
                                     "' is read-only; an effect cannot write it");
        }
        if (value == nullptr) {
            throw status_failure(SPARK_ERR_INVALID_ARGUMENT,
                                 "write of property '" + property_name(index) + "' needs a buffer");
        }
        parts_[s.part].instance.write_property(s.index, *value);
    }

    const served_property& available(std::uint32_t index, const char* operation) const {
        const auto& s = served(index, operation);
        if (s.what == served_property::kind::unavailable) {
            throw status_failure(SPARK_ERR_UNSUPPORTED,
                                 "property '" + property_name(index) +
                                     "' is unavailable in this instance: " + s.reason);
        }
        return s;
    }

    // --- the C functions ------------------------------------------------------------------------

    static composite* from(spark_module_t* self) noexcept {
        return self == nullptr ? nullptr : static_cast<composite*>(self->module_data);
    }

    /// Runs `f`; an exception becomes a message through the host (naming the part that failed)
    /// and a status, as a plugin's SDK does.
    template <typename F>
    static spark_status guarded(spark_module_t* self, F&& f) noexcept {
        auto* c = from(self);
        if (c == nullptr) {
            return SPARK_ERR_INVALID_ARGUMENT;
        }
        try {
            f(*c);
            return SPARK_OK;
        } catch (const plugin_error& e) {
            c->report(e.what());
            return e.status();
        } catch (const status_failure& e) {
            c->report(e.what());
            return e.status();
        } catch (const std::exception& e) {
            c->report(e.what());
            return SPARK_ERR_PLUGIN;
        } catch (...) {
            c->report("an unknown exception");
            return SPARK_ERR_PLUGIN;
        }
    }

    void report(const std::string& what) {
        const std::string where =
            current_ == npos ? std::string() : "part '" + parts_[current_].name + "': ";
        current_ = npos;
        if (host_ != nullptr && host_->report != nullptr) {
            host_->report(host_, SPARK_SEVERITY_ERROR, (where + what).c_str());
        }
    }

    static spark_status SPARK_ABI contract_fn(spark_module_t* self,
                                              spark_port_spec_t* outputs,
                                              std::uint32_t count) noexcept {
        return guarded(self, [&](composite& c) { c.contract(outputs, count); });
    }
    static spark_status SPARK_ABI build_fn(spark_module_t* self,
                                           const spark_port_spec_t* inputs,
                                           std::uint32_t input_count,
                                           spark_port_spec_t* outputs,
                                           std::uint32_t output_count) noexcept {
        return guarded(self,
                       [&](composite& c) { c.build(inputs, input_count, outputs, output_count); });
    }
    static spark_status SPARK_ABI reset_fn(spark_module_t* self,
                                           const spark_buffer_t* outputs,
                                           std::uint32_t count) noexcept {
        return guarded(self, [&](composite& c) { c.reset(outputs, count); });
    }
    static spark_status SPARK_ABI step_fn(spark_module_t* self,
                                          const spark_step_context_t* ctx) noexcept {
        return guarded(self, [&](composite& c) { c.step(*ctx); });
    }
    static spark_status SPARK_ABI state_fn(spark_module_t* self,
                                           spark_state_array_t* arrays,
                                           std::uint32_t capacity,
                                           std::uint32_t* count) noexcept {
        return guarded(self, [&](composite& c) { c.state(arrays, capacity, count); });
    }
    static spark_status SPARK_ABI state_loaded_fn(spark_module_t* self) noexcept {
        return guarded(self, [&](composite& c) { c.state_loaded(); });
    }
    static void SPARK_ABI destroy_fn(spark_module_t* self) noexcept {
        delete from(self); // parts go with it, each through its own destroy
    }
    static const void* SPARK_ABI get_extension_fn(spark_module_t* self, const char* id) noexcept {
        static constexpr spark_properties_t table{spark_version_t SPARK_ABI_VERSION_INIT,
                                                  &property_spec_fn,
                                                  &read_property_fn,
                                                  &write_property_fn};
        const auto* c = from(self);
        const bool properties = c != nullptr && !c->served_.empty() && id != nullptr &&
                                std::strcmp(id, SPARK_EXT_PROPERTIES) == 0;
        return properties ? &table : nullptr;
    }
    static spark_status SPARK_ABI property_spec_fn(spark_module_t* self,
                                                   std::uint32_t index,
                                                   spark_port_spec_t* out) noexcept {
        if (out == nullptr) {
            return SPARK_ERR_INVALID_ARGUMENT;
        }
        return guarded(self, [&](composite& c) { *out = c.property_spec(index); });
    }
    static spark_status SPARK_ABI read_property_fn(spark_module_t* self,
                                                   std::uint32_t index,
                                                   const spark_buffer_t* out) noexcept {
        return guarded(self, [&](composite& c) { c.read_property(index, out); });
    }
    static spark_status SPARK_ABI write_property_fn(spark_module_t* self,
                                                    std::uint32_t index,
                                                    const spark_buffer_t* value) noexcept {
        return guarded(self, [&](composite& c) { c.write_property(index, value); });
    }

    static constexpr std::size_t npos = static_cast<std::size_t>(-1);

    module_type_info as_type_; // a copy: the instance may outlive the registry
    const spark_module_type_t& type_;
    const spark_host_t* host_;
    std::string name_;
    std::uint64_t seed_ = 0;
    std::int32_t dtype_ = SPARK_DTYPE_F32;
    spark_shape_t units_{};
    bool has_units_ = false;
    double rate_ = 0.0;
    std::vector<part_state> parts_;
    std::vector<std::size_t> order_;
    std::vector<resolved_effect> effects_;
    std::vector<resolved_output> outputs_;
    std::vector<served_property> served_; // one per property of the type, in index order
    bool built_ = false;
    std::vector<spark_port_spec_t> call_specs_;
    spark_port_spec_t mask_spec_{};
    aligned_buffer mask_;
    std::vector<std::string> state_names_;
    std::vector<std::string> problems_; // what a check-only composite found
    std::size_t current_ = npos;        // the part being stepped, for messages
    spark_module_t abi_{};
};

} // namespace

spark_module_t* make_composite(const module_type_info& as_type,
                               const composition& c,
                               const spark_config_t& config,
                               const std::string& name,
                               const spark_host_t* host,
                               const part_factory& create_part) {
    auto created = std::make_unique<composite>(as_type, c, config, name, host, create_part);
    return created.release()->abi(); // owned by the caller until destroy
}

std::vector<std::string> composite_problems(const module_type_info& as_type,
                                            const composition& c,
                                            const spark_config_t& config,
                                            const std::string& name) {
    return composite(as_type, c, config, name).problems();
}

} // namespace spark::registry::detail
