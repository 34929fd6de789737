// SPDX-License-Identifier: Apache-2.0
// A composition: module instances of any plugin and vendor ("parts"), wired by ports and run as
// one module inside a brain step, as upstream 1.0's neuron controller runs its components
// (docs/adr/0013-neurons-as-compositions.md). Parts run one after the other in dependency order
// and read the same step's outputs of the parts before them (no latency inside a composition),
// the composition's own inputs, and live property values; after every part ran, effects write
// properties from part outputs.
#pragma once
#include <string>
#include <vector>

#include <spark/abi/schema.h>
#include <spark/registry/module_type_info.hpp>

namespace spark::registry {

/// Where an input port of a part takes its values from (one of possibly several sources, which
/// are then flattened and concatenated in wire order, as upstream's multi-source ports).
struct composition_wire {
    std::string part;         // the consuming part
    std::string port;         // its input port
    std::string origin;       // a part's name, composition_inputs ("__call__") or composition_self
    std::string source;       // the origin's output port or property; the composition's input port
    bool is_property = false; // `source` is a property of `origin`, read when the part runs
};

/// After every part of the step ran: property `property` of part `part` <- output `source` of
/// part `origin` (upstream 1.0's effects, e.g. synapses.kernel <- plasticity.kernel).
struct composition_effect {
    std::string part;
    std::string property;
    std::string origin;
    std::string source;
};

/// Output port `port` of the composition <- output `source` of part `part`.
struct composition_output {
    std::string port;
    std::string part;
    std::string source;
};

/// One part: its name in the composition, its type and its validated config (borrowed during
/// create only: the part copies what it keeps).
struct composition_part {
    std::string name;
    const module_type_info* type = nullptr;
    const spark_config_t* config = nullptr;
};

/// The origin names a wire may use besides the parts (upstream 1.0's spellings).
inline constexpr const char* composition_inputs = "__call__";
inline constexpr const char* composition_self = "__self__";

/// A whole composition. Its own ports are those of the type it is created as (e.g.
/// spark.lif_neuron's in_spikes, modulation -> out_spikes): every input port of that type may be
/// a `__call__` source, every output port must have an entry in `outputs`. `__self__` offers the
/// property `inhibition_mask` (1 for the floor(|units| x inhibitory_rate) neurons a permutation
/// drawn from the composition's seed puts first, as a fused neuron draws it), computed from the
/// composition's int[] field `units` and float field `inhibitory_rate`.
struct composition {
    std::vector<composition_part> parts; // in list order (upstream's modules_specs order)
    std::vector<composition_wire> wires;
    std::vector<composition_effect> effects; // applied in this order
    std::vector<composition_output> outputs;
};

} // namespace spark::registry
