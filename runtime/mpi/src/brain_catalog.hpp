// SPDX-License-Identifier: Apache-2.0
// What a distributed_brain tells every rank about the whole brain (internal): every module's
// module_info, the brain outputs and the properties the modules can serve, each from the rank
// that built it (a population in slices: as the whole population's, from its slices). Travels
// between ranks as JSON text; types by their canonical id, which every rank's registry resolves to
// the same build (the constructor checked the SHA-256s).
#pragma once
#include <string>
#include <utility>
#include <vector>

#include <spark/registry/plugin_registry.hpp>
#include <spark/runtime/brain.hpp>
#include <spark/runtime/brain_config.hpp>

namespace spark::runtime::detail {

/// A property a module's type declares: its spec, or why the module cannot serve it.
struct property_entry {
    std::string module;
    std::string property;
    spark_port_spec_t spec{}; // of the whole module, also when it runs in slices
    std::string problem;      // empty when it can be read
    /// Of a population in slices: each slice holds its neurons' rows (else each holds it all).
    bool rows = false;
};

struct brain_catalog {
    std::vector<std::pair<std::string, spark_port_spec_t>> inputs;  // config order
    std::vector<module_info> modules;                               // config order
    std::vector<std::pair<std::string, spark_port_spec_t>> outputs; // config order
    std::vector<property_entry> properties;                         // module order
};

/// What `local` (one rank's part) holds, as text for the other ranks. Its proxies are left out.
[[nodiscard]] std::string describe_part(const brain& local);

/// Every rank's describe_part(), merged into config order. A population in slices is described
/// as one process would describe it whole.
[[nodiscard]] brain_catalog merge_parts(const std::vector<std::string>& parts,
                                        const registry::plugin_registry& registry,
                                        const brain_config& config);

} // namespace spark::runtime::detail
