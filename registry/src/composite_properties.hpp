// SPDX-License-Identifier: Apache-2.0
// Which value serves each property a composition's type declares (a neuron's `soma.potential`,
// `synapses.kernel`, `delays.kernel`, `inhibition_mask`; docs/adr/0013-neurons-as-compositions.md):
// matched by name, "<part>.<property>" from that part's property and `inhibition_mask` from the
// composition's own mask, so that a neuron run from its parts answers to the names its fused
// type answers to.
#pragma once
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include <spark/registry/composition.hpp>
#include <spark/registry/module_type_info.hpp>

namespace spark::registry::detail {

/// Where one declared property of the composition's type comes from.
struct served_property {
    enum class kind { part, self_mask, unavailable } what = kind::unavailable;
    std::size_t part = 0;    // part: its index in composition::parts
    std::uint32_t index = 0; // part: the property's index among the part type's
    bool writable = false;   // the declaration and the part's property are both writable
    std::string reason;      // unavailable: why, for read and write
};

/// `as_type`'s declared properties, in index order. A name whose part is in `c` must name a
/// property of that part with the declared payload, else `problem(where, what)` is told (the
/// composition is refused before any part exists). A name whose part is absent is unavailable
/// (a neuron without delays has no `delays.kernel`), as is any name of a part whose type
/// declares no properties at all (every ABI 1.0 type, which must keep running inside a neuron).
/// `inhibition_mask` is the composition's own mask when `has_units`.
[[nodiscard]] std::vector<served_property>
resolve_properties(const module_type_info& as_type,
                   const composition& c,
                   bool has_units,
                   const std::function<void(const std::string&, const std::string&)>& problem);

} // namespace spark::registry::detail
