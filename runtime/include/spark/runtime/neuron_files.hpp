// SPDX-License-Identifier: Apache-2.0
// Neuron types defined by files: upstream 1.0's register_neuron_from_config_file. A neuron file
// is an upstream 1.0 `neuron_config` (plain or xz): parts of any plugin and vendor, wired by
// ports. Registered under a name, it is a module type like any plugin's ("file.<name>"), usable
// by bare name in brains of both schemas (docs/adr/0014-neuron-files.md).
#pragma once
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include <spark/registry/module_type_info.hpp>
#include <spark/registry/plugin_registry.hpp>
#include <spark/runtime/config_mode.hpp>
#include <spark/runtime/file_options.hpp>

namespace spark::runtime {

/// The vendor of every neuron type defined by a file.
inline constexpr std::string_view neuron_file_vendor = "file";

/// Registers the neuron config in `file` as the neuron type `name` (in upstream's spelling too:
/// "ALIFModNeuron" registers alif_mod_neuron), with the file and its SHA-256 as provenance. Its
/// parts resolve with `vendor_preference` first (bare names as in a brain, ADR 0012). Throws
/// config_error listing every problem of the file with its path (a brain file or an af523a5
/// file is refused, naming what it is), collision_error when a loaded type already offers
/// `name`, spark::error for a name that is no identifier.
const registry::module_type_info&
register_neuron_file(registry::plugin_registry& registry,
                     std::string_view name,
                     const std::filesystem::path& file,
                     config_mode mode = config_mode::strict,
                     const std::vector<std::string>& vendor_preference = {},
                     const file_limits& limits = {});

/// The entries of SPARK_NEURON_PATH (':'-separated folders and files), in order.
[[nodiscard]] std::vector<std::filesystem::path> neuron_path_from_environment();

/// A neuron file that could not be registered, kept so that the others still are.
struct neuron_file_failure {
    std::filesystem::path file;
    std::string message;
};

/// Registers every neuron file of `paths`, as plugins are found: a file, or the `*.scfg` files
/// of a folder (not its subfolders, in name order), each under its file name without the
/// suffix. A file that is no neuron config (a brain beside the neurons) is skipped; one that
/// fails otherwise is returned and logged, and the others stay registered.
std::vector<neuron_file_failure>
register_neuron_files(registry::plugin_registry& registry,
                      const std::vector<std::filesystem::path>& paths,
                      config_mode mode = config_mode::strict,
                      const file_limits& limits = {});

} // namespace spark::runtime
