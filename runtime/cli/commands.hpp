// SPDX-License-Identifier: Apache-2.0
// The `spark` subcommands. Each returns the process exit code: 0 success, 1 a failure of what was
// asked (a plugin failed its check, nothing could be loaded), 2 a usage error (unknown name).
#pragma once
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <spark/registry/plugin_registry.hpp>
#include <spark/runtime/brain_config.hpp>
#include <spark/runtime/errors.hpp>
#include <spark/runtime/file_options.hpp>
#include <spark/runtime/neuron_files.hpp>

#include "checkpointing.hpp"

namespace spark::cli {

/// Exit codes.
inline constexpr int exit_ok = 0;
inline constexpr int exit_failure = 1;
inline constexpr int exit_usage = 2;

/// Where plugins and neuron files come from, from the global options.
struct plugin_sources {
    std::vector<std::filesystem::path> paths; // --plugin-path, in order
    bool defaults = true; // SPARK_PLUGIN_PATH, the install folder and SPARK_NEURON_PATH
    /// --neuron NAME=FILE, in order: neuron files registered as types (ADR 0014).
    std::vector<std::pair<std::string, std::filesystem::path>> neurons;
    /// How large a neuron file may be: --max-file-size and --max-json-*, as for brain files.
    runtime::file_limits neuron_file_limits{};
};

/// The registry's search options for `sources`; SPARK_PLUGIN_PROBE_TIMEOUT (seconds) sets how
/// long loading the plugins in probe processes may take (ADR 0018).
[[nodiscard]] registry::search_options search_options_of(const plugin_sources& sources);

/// Warns about each --plugin-path that does not exist (a typo would otherwise load nothing and
/// say nothing).
void warn_about_missing_plugin_paths(const plugin_sources& sources);

/// Registers the neuron files of `sources` in `plugins`: every --neuron (each must register),
/// then SPARK_NEURON_PATH's files when the defaults are searched (one that fails is listed in
/// `failures` and the others stay). Throws runtime::config_error / spark::error for a --neuron.
void register_neurons(registry::plugin_registry& plugins,
                      const plugin_sources& sources,
                      std::vector<runtime::neuron_file_failure>& failures);

/// A registry with every plugin discovered and every neuron file registered; nullptr after
/// printing why a --neuron file could not be registered (every problem with its path).
[[nodiscard]] std::unique_ptr<registry::plugin_registry>
open_registry(const plugin_sources& sources);

/// Prints a config_error's problems to stderr, one per line with its path.
void print_issues(const runtime::config_error& e);

/// `spark plugins list`: every type (aligned table on stdout), then discovery failures on stderr.
int plugins_list(const plugin_sources& sources, bool manifests_only);
/// `spark plugins describe NAME`: a type's identity, provenance, config schema and ports.
int plugins_describe(const plugin_sources& sources, const std::string& name);
/// What `spark plugins check` was asked beyond the file, as given on the command line.
struct check_request {
    std::string type;                                     // --type NAME, or ""
    std::vector<std::string> settings;                    // --set FIELD=VALUE, in order
    std::vector<std::string> shapes;                      // --shape PORT=D1,D2,..., in order
    std::optional<std::filesystem::path> reference;       // --reference FILE.npy
    std::optional<std::string> tolerance;                 // --tolerance RTOL,ATOL
    std::optional<std::filesystem::path> write_reference; // --write-reference FILE.npy
    std::optional<std::string> steps;                     // --steps N, with --write-reference
};

/// `spark plugins check FILE`: every stage of every type of one plugin file (or of --type), in
/// every dtype it offers. A request that does not fit the file (an unknown field or port, a bad
/// reference, an output file that exists) is a usage error: its message on stderr, exit status 2.
/// With --write-reference, the trace is written only when every stage passed.
int plugins_check(const plugin_sources& sources,
                  const std::filesystem::path& file,
                  const check_request& request = {});

/// What `spark run` was asked to do.
struct run_request {
    std::filesystem::path brain_file;
    std::uint64_t steps = 0;
    std::vector<std::string> inputs;  // "NAME=VALUE" or "NAME=FILE", in order
    std::vector<std::string> records; // "module.port", "module" or a brain output name
    unsigned threads = 0;             // 0 = all cores
    std::string executor = "auto";
    std::filesystem::path out_dir = "spark-run-out";
    bool out_dir_given = false; // files are written when this is set or something is recorded
    std::optional<std::uint64_t> seed;    // when set, every module's seed derives from it
    int progress = -1;                    // 1 always, 0 never, -1 when stderr is a terminal
    std::vector<std::string> command;     // argv, for run.json
    bool compat = false;                  // load the brain file as upstream writes it
    runtime::file_limits file_limits{};   // --max-file-size, --max-json-*
    runtime::brain_limits brain_limits{}; // --max-neurons, --max-synapses, --max-memory
    bool strict_numerics = false;         // a NaN or infinite output stops the run
    double step_timeout = 0; // [s] a step running longer ends the run (--step-timeout); 0 = never
    checkpoint_request checkpoints; // --checkpoint, --checkpoint-every, --resume
    bool partition_report = false;  // print what each rank holds before running
};

class run_world;

/// `spark run BRAIN --steps N ...`: steps a brain, prints a summary, records chosen ports; in
/// this process alone, or as one of the ranks of `world` (mpirun, run_world.hpp).
int run_brain(const plugin_sources& sources, const run_request& request, run_world& world);
/// `spark validate BRAIN`: every problem with its path (exit 1), or OK. `inputs` ("NAME=VALUE"
/// or "NAME=FILE", as for run) give an upstream 1.0 brain's input shapes.
int validate_brain(const plugin_sources& sources,
                   const std::filesystem::path& brain_file,
                   bool compat,
                   const std::vector<std::string>& inputs,
                   const runtime::file_limits& file_limits = {},
                   const runtime::brain_limits& brain_limits = {});
/// `spark convert OLD NEW`: the af523a5 brain file OLD as an upstream 1.0 brain file NEW that
/// runs the same (brain_config::to_upstream_1_0), xz-compressed as upstream 1.0 writes it, or
/// plain JSON with `plain`; written atomically. Refuses NEW = OLD, an OLD that is 1.0 already and
/// a brain with problems (each printed with its path). `compat` reads OLD as upstream writes it.
int convert_brain(const plugin_sources& sources,
                  const std::filesystem::path& from,
                  const std::filesystem::path& to,
                  bool plain,
                  bool compat = false);
/// The steps a raster draws: [first, last), last = the end of the recording when not given.
struct step_window {
    std::uint64_t first = 0;
    std::optional<std::uint64_t> last;
};

/// `spark raster FILE.npy`: an SVG spike raster of a recorded spike port.
int raster(const std::filesystem::path& npy_file,
           const std::filesystem::path& svg_file,
           double dt,
           const step_window& window);

/// Rows of text printed as columns padded to the widest cell (the last column is not padded).
class table {
public:
    void add(std::vector<std::string> row) { rows_.push_back(std::move(row)); }
    [[nodiscard]] std::string render(const std::string& indent = {}) const;

private:
    std::vector<std::vector<std::string>> rows_;
};

} // namespace spark::cli
