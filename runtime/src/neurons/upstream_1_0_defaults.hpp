// SPDX-License-Identifier: Apache-2.0
// What upstream 1.0 changed in defaults (docs/upstream-differences.md, "Upstream 1.0"): the
// default compositions of its neurons, and component defaults that differ from af523a5's, which
// our plugins keep. Applied only to what an upstream 1.0 file leaves out, so that every af523a5
// file keeps its meaning and every 1.0 file gets 1.0's.
#pragma once
#include <optional>

#include <boost/json/object.hpp>

#include <spark/registry/module_type_info.hpp>

#include "config/upstream_v1.hpp"

namespace spark::runtime::detail {

/// Fills in upstream 1.0's default for every field `config` (a module config of `type`, in the
/// form module_config reads) leaves out where 1.0's default differs from our plugin's:
/// spark.hebbian_rule's eta is 0.01 in 1.0 (0.1 in af523a5). Also drops the nulls by which
/// upstream says "none" where our defaults say it (initializer bounds, an integrator's
/// output_map).
void apply_upstream_1_0_defaults(const registry::module_type_info& type,
                                 boost::json::object& config);

/// Upstream 1.0's default neuron config of Spark's built-in neuron `type` (lif_neuron,
/// alif_neuron, ad_ex_neuron as 1.0 composes them; izhikevich_neuron, which 1.0 lacks, with its
/// own default parts wired the same way), with no units; nullopt for any other type.
[[nodiscard]] std::optional<upstream_v1::neuron_config>
upstream_1_0_default_neuron(const registry::module_type_info& type);

} // namespace spark::runtime::detail
