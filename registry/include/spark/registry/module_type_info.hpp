// SPDX-License-Identifier: Apache-2.0
// What the registry knows about a loaded plugin and each module type it provides, including where
// it came from (provenance), all readable without creating an instance.
#pragma once
#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <spark/abi/capabilities.h>
#include <spark/abi/module.h>
#include <spark/abi/properties.h>
#include <spark/abi/slices.h>

namespace spark::registry {

class defined_type;

/// A loaded plugin file.
struct plugin_info {
    std::filesystem::path file;    // canonical path of the library
    std::string sha256;            // lower-case hex SHA-256 of the file's bytes at load time
    std::string id;                // entry.id, e.g. "spark.neurons"
    std::string vendor;            // entry.vendor
    std::string version;           // entry.version
    std::string description;       // entry.description
    spark_version_t abi_version{}; // the ABI the plugin was compiled against
};

/// One module type of a loaded plugin. The descriptor points into the plugin, which stays loaded
/// as long as this registry or any instance of its types is alive.
struct module_type_info {
    std::string canonical_id;                  // "vendor.class_ref", e.g. "spark.lif_neuron"
    const spark_module_type_t* abi{};          // the plugin's descriptor (schema, ports, factory)
    std::shared_ptr<const plugin_info> plugin; // provenance: file, SHA-256, versions
    /// A type the host defines (spark/registry/defined_type.hpp), which owns `abi`; null for a
    /// plugin's type. For a defined type, `plugin` describes the file it was defined from.
    std::shared_ptr<const defined_type> defined;

    [[nodiscard]] std::string_view class_ref() const { return abi->class_ref; }
    [[nodiscard]] std::string_view vendor() const { return abi->vendor; }
};

/// The properties `type` declares (ABI 1.1, spark/abi/properties.h), in index order; empty for
/// a type without any (every ABI 1.0 type).
[[nodiscard]] std::span<const spark_property_desc_t>
declared_properties(const module_type_info& type);

/// What `type` says it can do (ABI 1.1, spark/abi/capabilities.h), or nullptr when it does not
/// say (ABI 1.0 types, initializers, C types that leave it out).
[[nodiscard]] const spark_type_capabilities_t* capabilities(const module_type_info& type);

/// How `type` runs in slices of its population (ABI 1.1, spark/abi/slices.h), or nullptr when
/// it cannot (also for a type a neuron file defines).
[[nodiscard]] const spark_type_slices_t* slices(const module_type_info& type);

/// Human-readable names of ABI enum values, for messages and `spark plugins describe`.
[[nodiscard]] std::string_view kind_name(std::int32_t kind);         // "neuron", "component", ...
[[nodiscard]] std::string_view payload_kind_name(std::int32_t kind); // "spikes", "float", ...
[[nodiscard]] std::string_view field_type_name(std::int32_t type);   // "float", "int[]", ...
[[nodiscard]] std::string_view dtype_name(std::int32_t dtype);       // "float32", "uint8", ...
[[nodiscard]] std::string version_string(spark_version_t version);   // "1.0.0"

} // namespace spark::registry
