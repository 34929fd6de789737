// SPDX-License-Identifier: Apache-2.0
// A brain's description in upstream Spark's `.scfg` schemas (commit af523a5, and upstream 1.0's
// controllers: docs/file-format.md section 2.6): brain inputs, brain outputs and the modules with
// their wiring and configs. Plain data; validate() checks it against the plugins a registry knows.
#pragma once
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <spark/registry/plugin_registry.hpp>
#include <spark/runtime/config_mode.hpp>
#include <spark/runtime/errors.hpp>
#include <spark/runtime/file_options.hpp>
#include <spark/runtime/module_config.hpp>

namespace spark::runtime {

/// Upstream's PortMap: where a port's data comes from. origin "__call__" is a brain input.
struct port_map {
    std::string origin;
    std::string port;
    bool is_property = false; // upstream 1.0: `port` is a property of `origin`, read live
    friend bool operator==(const port_map&, const port_map&) = default;
};

/// The schema a brain was read in, and is written back in (docs/file-format.md section 2.6.1).
enum class brain_schema {
    af523a5,      // input_map / output_map / modules_map
    upstream_1_0, // modules_specs, seed, dt; inputs and outputs derived from the wiring
};

/// The origin name of brain inputs in port maps.
inline constexpr std::string_view brain_input_origin = "__call__";

/// Upstream's PortSpecs of a brain input or output.
struct port_specs {
    std::string payload_type;         // upstream payload name: "float_array", "spike_array", ...
    std::vector<std::uint32_t> shape; // empty = scalar
    std::string dtype;                // "float32", "float64", "uint8", ... (float16 -> float32)
    std::string description;
    /// False for an input of an upstream 1.0 brain until its shape is given (set_input_shape):
    /// 1.0 files store no input shapes, upstream takes them from the first call.
    bool shape_given = true;
    friend bool operator==(const port_specs&, const port_specs&) = default;
};

/// One entry of output_map: which module port feeds a brain output, and its spec.
struct brain_output {
    port_map input;
    port_specs spec;
    friend bool operator==(const brain_output&, const brain_output&) = default;
};

/// Upstream's ModuleSpecs: one module of the brain.
/// The neurons [begin, end) (row-major positions in the population's shape) one instance holds
/// when a population runs in slices over several ranks (spark/abi/slices.h, docs/scaling.md).
struct neuron_range {
    std::uint64_t begin = 0;
    std::uint64_t end = 0;
    friend bool operator==(const neuron_range&, const neuron_range&) = default;
};

struct module_specs {
    std::string name;      // == its key in modules_map
    std::string class_ref; // bare or canonical ("vendor.class_ref")
    /// Input port -> its sources, in order (several sources are flattened and concatenated).
    std::vector<std::pair<std::string, std::vector<port_map>>> inputs;
    /// The module's config as a JSON object (field -> value). af523a5: as module_config reads
    /// it. Upstream 1.0: verbatim as the file holds it (tagged dtypes and initializers; for a
    /// NEURONS module a neuron config with its own modules_specs), converted when validated.
    std::string config_json;
    /// The config's "__graph_editor_metadata__" (upstream's GUI layout), kept verbatim apart from
    /// the config so that module_config never sees it; empty when the file has none (af523a5).
    std::string graph_editor_metadata_json;
    /// Upstream 1.0: where upstream looks the type up, "MODULES" or "NEURONS"; empty in af523a5.
    std::string subregistry;
    /// Upstream 1.0: brain output name -> this module's output port, in file order.
    std::vector<std::pair<std::string, std::string>> outputs;
    /// Upstream 1.0: property -> the sources written into it after a step. Kept for writing
    /// back; validate() refuses them at brain level (docs/upstream-differences.md).
    std::vector<std::pair<std::string, std::vector<port_map>>> effects;
    /// Set by partitioning, never read from or written to a file: this module is the slice of
    /// its population's neurons `slice` (its outputs have end - begin elements).
    std::optional<neuron_range> slice;
    friend bool operator==(const module_specs&, const module_specs&) = default;
};

/// What a brain may allocate, checked before anything is built or allocated: an estimate from
/// the planned port shapes (docs/file-format.md section 11.2), so that a typo of `units:
/// [2147483648]` is one clear error, not an exhausted machine. The defaults fit a machine of
/// 24 GiB; the `spark` flag in parentheses raises each.
struct brain_limits {
    std::uint64_t max_neurons = 100'000'000;                     // all modules (--max-neurons)
    std::uint64_t max_synapses = 2'000'000'000;                  // all kernels (--max-synapses)
    std::uint64_t max_memory_bytes = 16ULL * 1024 * 1024 * 1024; // estimated (--max-memory)
};

class brain_config {
public:
    std::vector<std::pair<std::string, port_specs>> input_map;    // in file order
    std::vector<std::pair<std::string, brain_output>> output_map; // in file order
    std::vector<module_specs> modules_map;                        // in file order
    std::string metadata_json = "{}";                             // __metadata__, kept verbatim
    std::string graph_editor_metadata_json = "{}"; // __graph_editor_metadata__, kept verbatim
    std::string config_delimiter = "__";           // __config_delimiter__, kept verbatim
    std::string shared_config_delimiter = "_s_";   // __shared_config_delimiter__, kept verbatim
    /// "__vendors__" (ours, docs/file-format.md §5.2): vendors to prefer for every bare type name
    /// of this brain, modules and nested `__class_ref__`s alike, in order: the first listed
    /// vendor that offers a name wins; a name none of them offers resolves as without it (Spark's
    /// own type first, ADR 0012). A qualified `vendor.class_ref` ignores it. Written back only
    /// when not empty; validate() refuses a vendor no loaded plugin provides.
    std::vector<std::string> vendor_preference;
    /// The schema the brain was read in and is written back in. An upstream 1.0 brain's
    /// input_map is derived from its "__call__" sources (payload from the ports they feed, shapes
    /// to be given) and its output_map from its modules' outputs; a port fed by one source keeps
    /// that source's shape instead of being flattened (upstream 1.0's rule).
    brain_schema schema = brain_schema::af523a5;
    std::int64_t seed = 0; // upstream 1.0: the brain's seed (its modules carry their own)
    double dt = 1.0;       // upstream 1.0: the brain's dt [ms], which every module's dt follows

    /// How this brain's files and module configs treat unknown keys (set by from_json/from_file;
    /// validate() and the Brain build module configs in this mode). Not written to files.
    config_mode mode = config_mode::strict;

    /// The folder a module's relative path field (a file it reads, SPARK_FIELD_PATH) starts
    /// from: the brain file's folder (from_file sets it, absolute); empty means the working
    /// directory. Not written to files: a path keeps meaning relative to the file that holds it.
    std::filesystem::path folder;

    /// Parses `.scfg` JSON text ({"__type__": "brain_config", "__cfg__": {...}}). Throws
    /// config_error with every structural problem (malformed JSON with line and column, missing
    /// or mistyped keys, unknown keys, a "__vendors__" that is not a list of distinct vendor
    /// names), each with its path; `source` names the file in messages:
    /// it is the path of a syntax error, structural problems have paths "brain/...". Missing maps
    /// are empty (as upstream); dtype "float16" reads as "float32" (we compute in float32).
    [[nodiscard]] static brain_config from_json(std::string_view text,
                                                std::string source = "brain",
                                                config_mode mode = config_mode::strict,
                                                const file_limits& limits = {});
    /// Reads a plain or xz-compressed `.scfg` file, of either schema (told by its keys:
    /// docs/file-format.md section 2.6.1). Throws config_error naming the file for a
    /// missing file, one beyond `limits`, truncated or corrupt xz, and everything from_json finds.
    /// In compat mode (for upstream's files) every unknown key, here and in module configs, is
    /// dropped with one logged warning naming its path instead of being a problem; each float16
    /// read as float32 is logged with its path in either mode.
    [[nodiscard]] static brain_config from_file(const std::filesystem::path& file,
                                                config_mode mode = config_mode::strict,
                                                const file_limits& limits = {});
    /// Gives brain input `input` its shape (an upstream 1.0 brain's inputs have none in the
    /// file). Throws spark::error naming the known inputs when there is no such input.
    void set_input_shape(std::string_view input, std::vector<std::uint32_t> shape);

    /// The `.scfg` JSON text (4-space indent, upstream's key order; an upstream 1.0 brain in
    /// upstream 1.0's exact text: Python's json.dumps(indent=4), no trailing newline).
    [[nodiscard]] std::string to_json() const;
    /// Writes to_json() to `file` (its folder is created), atomically: on failure (a
    /// config_error naming the file) the file is unchanged. (Upstream 1.0's own to_file
    /// compresses by default: pass file_compression::xz to write as it does.)
    void to_file(const std::filesystem::path& file,
                 file_compression compression = file_compression::none) const;

    /// Every problem at once, in one pass, each with its path (docs/file-format.md section 11.1,
    /// docs/adr/0025-one-validation-pass.md: "brain/<module>" for a module, e.g.
    /// "brain/A_ex/inputs/in_spikes[1]", "brain/A_ex/soma/tau"): a preferred vendor no loaded
    /// plugin provides, unknown or ambiguous class_ref (with suggestions or the candidates),
    /// unknown origin module or port, a port the module does not have, payload kind mismatch, shape
    /// mismatch (both ends named), missing required input, duplicate names, invalid module
    /// configs, a module whose create fails, cycles through modules without a contract, a brain
    /// beyond `limits`. In the file's order: vendors, inputs, each module in brain order (its
    /// name, type, fields, inputs, creation), outputs. Empty when the brain can be built. No kind
    /// of problem hides another: every module whose type and config are valid is created (never
    /// built), once, and destroyed at once, whatever is wrong elsewhere, except one that passes a
    /// limit by itself (its create may size its state by the config). Allocates no module state.
    [[nodiscard]] std::vector<config_issue> validate(const registry::plugin_registry& registry,
                                                     const brain_limits& limits = {}) const;

    /// The config of module `module` as validate() and the brain resolve it: its type's defaults
    /// with the file's values over them (an upstream 1.0 module's converted from 1.0's form, with
    /// 1.0's defaults). Throws spark::error naming the modules when there is none of that name,
    /// config_error with every problem of that module's type or config (each with its path).
    [[nodiscard]] module_config module_config_of(const registry::plugin_registry& registry,
                                                 std::string_view module) const;
    /// Replaces the config of module `module` of an af523a5 brain by `config_json` (a JSON object
    /// of fields, as "config" holds them in the file), after checking it against the module's
    /// type: on any problem it throws config_error listing every one (paths
    /// "brain/<module>/...") and the brain is unchanged. Throws spark::error for an unknown module,
    /// or for an upstream 1.0 brain, whose module configs are edited in their own form.
    void set_module_config(const registry::plugin_registry& registry,
                           std::string_view module,
                           std::string config_json);

    /// Upstream's refresh_seeds(): every module gets a new seed, and so does every "seed" its
    /// config sets at any depth (nested configs without one derive theirs from the module's, as
    /// always). With `seed`, the new seeds derive from it and each module's name and place, so the
    /// same `seed` gives the same brain; without, they come from std::random_device.
    void refresh_seeds(std::optional<std::uint64_t> seed = std::nullopt);

    /// This af523a5 brain as an upstream 1.0 brain (schema upstream_1_0) that runs the same
    /// (`spark convert`, docs/file-format.md section 2.6.7): every module config written whole,
    /// as this brain resolves it (every field, every seed), so that 1.0's other defaults cannot
    /// change it; a neuron of parts as a 1.0 neuron config of its parts, wired as it runs here;
    /// brain outputs as the `outputs` of their modules; every type not Spark's named
    /// `vendor.class_ref` (1.0 has no "__vendors__"). The result is what its to_json() reads
    /// back as: its inputs have no shapes (shape_given false: 1.0 files store none), so give each
    /// set_input_shape, or --input in the CLI, its element count (af523a5 flattens every input).
    /// Throws config_error with every problem validate() finds, or for what a 1.0 brain cannot
    /// say the same (each with its path), or when this brain is upstream 1.0 already.
    [[nodiscard]] brain_config to_upstream_1_0(const registry::plugin_registry& registry) const;

    /// The same brain: every member but `folder` (where a file was read from is not part of
    /// what it says; a file and its copy elsewhere are equal).
    friend bool operator==(const brain_config& a, const brain_config& b);
};

} // namespace spark::runtime
