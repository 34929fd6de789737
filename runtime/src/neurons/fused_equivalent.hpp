// SPDX-License-Identifier: Apache-2.0
// Whether a neuron of parts read from an upstream 1.0 file is one of Spark's fused neurons in
// disguise: the parts delays (optional), synapses, soma and one learning rule (optional), wired
// exactly as a fused neuron's parts are (docs/models.md section 7.3), of types the fused kernel
// knows. Then it runs fused, with the same bits (tests/plugins/test_neuron_files.cpp), at the
// fused kernel's speed.
#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <spark/registry/composition.hpp>
#include <spark/registry/module_type_info.hpp>
#include <spark/registry/plugin_registry.hpp>

namespace spark::runtime::detail {

struct fused_match {
    const registry::module_type_info* type = nullptr; // e.g. spark.alif_neuron
    std::string rule; // the name of the learning rule's part, empty without one
    bool has_delays = false;
};

/// The fused neuron type that runs `parts` wired as `wiring` (outputs and effects included),
/// with a neuron's ports `ports` (the definition's: every input must be a port of the fused
/// type, every required input of the fused type among them, the outputs the same), preferring
/// "spark.<preferred>"; nullopt when none does.
[[nodiscard]] std::optional<fused_match> find_fused_equivalent(
    const registry::plugin_registry& registry,
    std::string_view preferred,
    const std::vector<std::pair<std::string, const registry::module_type_info*>>& parts,
    const registry::composition& wiring,
    const std::vector<spark_port_desc_t>& ports);

} // namespace spark::runtime::detail
