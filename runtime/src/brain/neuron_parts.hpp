// SPDX-License-Identifier: Apache-2.0
// Creating a brain's module, and a neuron from its parts when its fused kernel cannot run it
// (docs/adr/0013-neurons-as-compositions.md): a neuron type whose config names its parts in the
// fields delays, synapses, soma and learning_rule (upstream's first neuron configs) runs fused
// when every part is one its kernel knows (the type's ABI 1.1 capabilities list them), and
// otherwise as a composition of those parts, of any vendor, with upstream's wiring.
#pragma once
#include <string>
#include <utility>
#include <vector>

#include <spark/registry/host_service.hpp>
#include <spark/registry/module_instance.hpp>
#include <spark/registry/plugin_registry.hpp>
#include <spark/runtime/module_config.hpp>

namespace spark::runtime::detail {

enum class neuron_path {
    automatic, // fused when the kernel knows every part, else from the parts
    parts,     // from the parts whenever the type is a neuron of parts (tests compare the two)
};

/// A neuron of parts: a neuron type with the four part fields delays, synapses, soma and
/// learning_rule as nested configs (upstream's first neuron configs).
[[nodiscard]] bool is_neuron_of_parts(const registry::module_type_info& type);

/// Whether a delays type delivers per synapse (units ⊕ presynaptic shape), so that what reads
/// its out_spikes reads per-synapse ("async") spikes: Spark's n2n_delays, or a type whose
/// out_spikes is computed as units ⊕ something.
[[nodiscard]] bool delivers_per_synapse(const registry::module_type_info& delays);

/// Whether `cfg`'s type runs its parts' fields as one fused kernel that does not know one of
/// the parts `cfg` names (so the neuron must run from its parts).
[[nodiscard]] bool names_foreign_part(const module_config& cfg);

/// The parts (field, type) `cfg`'s neuron runs from, in step order, when create_module() runs it
/// from its parts on the automatic path; empty when its own type runs it.
[[nodiscard]] std::vector<std::pair<std::string, const registry::module_type_info*>>
parts_of(const module_config& cfg);

/// The instance of `cfg`: its type's own, or the neuron run from its parts (see above). Throws
/// as plugin_registry::create and create_composite do.
[[nodiscard]] registry::module_instance
create_module(const registry::plugin_registry& registry,
              const module_config& cfg,
              const std::string& name,
              std::vector<registry::host_service> services = {},
              neuron_path path = neuron_path::automatic);

} // namespace spark::runtime::detail
