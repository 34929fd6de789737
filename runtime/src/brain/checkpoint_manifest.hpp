// SPDX-License-Identifier: Apache-2.0
// A checkpoint's manifest (docs/file-format.md section 12.2): the JSON that says what brain the
// file holds, where every type came from, and where each array lies in the file.
#pragma once
#include <cstdint>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include <spark/abi/types.h>

namespace spark::runtime::detail {

/// One array in the file: `bytes` bytes at `offset` (from the file's start).
struct checkpoint_array {
    std::string name;
    std::int32_t dtype = 0; // SPARK_DTYPE_*
    std::vector<std::uint32_t> shape;
    std::uint64_t offset = 0;
    std::uint64_t bytes = 0;
};

/// Where a type came from: the plugin (or neuron file) that provided it.
struct checkpoint_provenance {
    std::string type; // canonical id
    std::string plugin_id;
    std::string plugin_version;
    std::string type_version;
    std::string sha256; // of the plugin library, or of the neuron file for a defined type
    std::string file;   // where it was loaded from when written (information only)
};

struct checkpoint_module {
    std::string name;
    checkpoint_provenance type;
    std::vector<std::pair<std::string, checkpoint_provenance>> parts; // a neuron of parts
    std::vector<checkpoint_array> state;                              // state() order
    std::vector<checkpoint_array> cache;                              // output port order
};

struct checkpoint_manifest {
    std::string spark_version;
    std::string brain_config; // brain_config::to_json()
    bool compat = false;      // the config was read in compat mode
    /// Every brain input's shape (an upstream 1.0 file stores none: they were given).
    std::vector<std::pair<std::string, std::vector<std::uint32_t>>> input_shapes;
    std::uint64_t step_index = 0;
    double dt = 0;
    std::vector<checkpoint_module> modules; // brain::modules() order
    std::vector<checkpoint_array> inputs;   // the brain input buffers, input_specs() order
};

/// The manifest as JSON text.
[[nodiscard]] std::string to_json(const checkpoint_manifest& manifest);

/// Reads manifest JSON. Throws checkpoint_error (malformed) naming `file` and the key.
[[nodiscard]] checkpoint_manifest parse_manifest(std::string_view text,
                                                 const std::filesystem::path& file);

/// Checks that every array lies in [data_begin, data_end), aligned, without overlapping another,
/// and that its length is its dtype's size times its shape's element count; all before anything
/// is allocated for it. Throws checkpoint_error (malformed) naming the file, module and array.
void check_layout(const checkpoint_manifest& manifest,
                  std::uint64_t data_begin,
                  std::uint64_t data_end,
                  const std::filesystem::path& file);

} // namespace spark::runtime::detail
