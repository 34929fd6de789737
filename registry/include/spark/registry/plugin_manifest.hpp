// SPDX-License-Identifier: Apache-2.0
// A plugin's manifest: the JSON sidecar `spark-<name>.manifest.json` that spark_add_plugin()
// writes next to the library at build time (cmake/spark_manifest.c). It says what the library
// offers without running its code: `spark plugins list --manifests` reads it, and the registry
// refuses a library whose manifest disagrees with what the library reports when loaded.
#pragma once
#include <filesystem>
#include <string>
#include <vector>

namespace spark::registry {

/// One type as a manifest describes it.
struct manifest_type {
    std::string class_ref;
    std::string vendor;
    std::string version;
    std::string kind;        // "neuron", "input_interface", ... (kind_name)
    std::string abi_version; // "1.0.0"
    std::string description;
    std::vector<std::string> fields; // field names in schema order
    std::vector<std::string> inputs; // port names in port order
    std::vector<std::string> outputs;

    [[nodiscard]] std::string canonical_id() const { return vendor + "." + class_ref; }
    bool operator==(const manifest_type&) const = default;
};

/// A plugin as its manifest describes it.
struct plugin_manifest {
    std::filesystem::path file; // the manifest file it was read from (empty when built from a
                                // loaded library)
    std::string library;        // the library's file name, e.g. "spark-acme.so"
    std::string id;
    std::string vendor;
    std::string version;
    std::string abi_version;
    std::string description;
    std::vector<manifest_type> types;
};

/// The manifest file of a plugin library: spark-acme.so -> spark-acme.manifest.json.
[[nodiscard]] std::filesystem::path manifest_path_of(const std::filesystem::path& library);

/// Reads and checks a manifest file. Throws manifest_error naming the file, the problem and the
/// fix.
[[nodiscard]] plugin_manifest read_manifest(const std::filesystem::path& file);

/// What disagrees between a manifest and what its library reports, one line each ("type
/// acme.qif_neuron: version 1.0.0 in the manifest, 1.1.0 in the library"); empty when they agree.
[[nodiscard]] std::vector<std::string> manifest_differences(const plugin_manifest& manifest,
                                                            const plugin_manifest& library);

} // namespace spark::registry
