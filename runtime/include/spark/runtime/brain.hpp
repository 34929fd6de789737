// SPDX-License-Identifier: Apache-2.0
// A Brain: modules from any plugin, wired by a brain_config, stepped with upstream Spark's
// cache-synchronous semantics (every module reads the outputs of step t-1, brain inputs are seen at
// step t) on a oneTBB flow graph or sequentially, with bit-identical results either way.
#pragma once
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <spark/abi/types.h>
#include <spark/registry/errors.hpp>
#include <spark/registry/module_type_info.hpp>
#include <spark/registry/plugin_registry.hpp>
#include <spark/runtime/brain_config.hpp>

namespace spark::runtime {

struct checkpoint_options; // spark/runtime/checkpoint.hpp
namespace detail {
struct checkpoint_access; // what the checkpoint code reads and restores (runtime/src/brain)
} // namespace detail

/// The wiring cannot be built: a cycle through a module without an output contract, or shapes
/// that do not fit. The message names the modules involved.
class graph_error : public spark::error {
public:
    using spark::error::error;
};

/// A step failed in a module (an error status or a caught exception). The brain needs reset().
class step_error : public spark::error {
public:
    step_error(std::string module,
               std::string type_id,
               std::uint64_t step_index,
               const std::string& message);
    [[nodiscard]] const std::string& module() const noexcept { return module_; }
    [[nodiscard]] const std::string& type_id() const noexcept { return type_id_; }
    [[nodiscard]] std::uint64_t step_index() const noexcept { return step_index_; }
    /// The module's own message, whole: what() is a C string, cut at a NUL in a module's name.
    [[nodiscard]] const std::string& message() const noexcept { return message_; }

private:
    std::string module_;
    std::string type_id_;
    std::uint64_t step_index_;
    std::string message_;
};

enum class executor_kind {
    flow_graph, // oneTBB flow graph, built once and reused every step: a node per module, or per
                // group of consecutive modules when there are more than 4 per thread
    sequential, // one module after the other on the calling thread, one thread in all
    automatic,  // measures three ways on the first steps and keeps the fastest (one thread;
                // modules in order on the calling thread with large modules split over the
                // threads; the graph);
                // measures again after 1,000 steps (or 10x the last measurement's steps), then
                // at doubling intervals
};

/// What the brain does when a module's float output holds NaN or an infinity after a step.
enum class numerics_check {
    off,    // nothing is scanned
    report, // once per module port: a warning logged and a numerics_report kept (the default)
    error,  // the step fails with a step_error naming module, type, port and step
};

struct brain_options {
    executor_kind executor = executor_kind::flow_graph;
    unsigned threads = 0;  // flow graph and automatic: a task_arena of this many threads; 0 = all
    brain_limits limits{}; // checked from the planned shapes before anything is created
    numerics_check numerics = numerics_check::report;
};

/// The first non-finite value one module output port held (numerics_check::report).
struct numerics_report {
    std::string module;
    std::string type_id;
    std::string port;
    std::uint64_t step = 0;    // the step that produced it (step_index() before that step ended)
    std::uint64_t element = 0; // its first non-finite element, row-major
    double value = 0;          // NaN, inf or -inf
};

/// Read-only view of one port's data.
struct port_view {
    const void* data = nullptr;
    std::uint64_t count = 0;
    spark_port_spec_t spec{};

    template <typename T>
    [[nodiscard]] std::span<const T> as() const {
        return {static_cast<const T*>(data), static_cast<std::size_t>(count)};
    }
};

/// What the brain built for one module.
struct module_info {
    std::string name;
    const registry::module_type_info* type = nullptr;
    std::uint64_t seed = 0; // the seed its config resolved to (given, or derived from its path)
    std::vector<std::pair<std::string, spark_port_spec_t>> inputs; // merged input specs, port order
    std::vector<std::pair<std::string, spark_port_spec_t>> outputs; // port order
    /// A neuron run from its parts (docs/models.md section 7.3): each part's field and type, in
    /// step order; empty when the module's own type runs it.
    std::vector<std::pair<std::string, const registry::module_type_info*>> parts;
};

class brain {
public:
    /// Validates (throws config_error listing every problem, the list validate() gives: a create
    /// error is one of them), creates every module through the registry, builds them in
    /// initialization order (shapes flow from the brain inputs; modules in a cycle see each other's
    /// contracts), allocates the double-buffered cache and resets.
    brain(const registry::plugin_registry& registry,
          const brain_config& config,
          brain_options options = {});
    brain(brain&&) noexcept;
    brain& operator=(brain&&) noexcept;
    brain(const brain&) = delete;
    brain& operator=(const brain&) = delete;
    ~brain();

    /// Strongly connected components of the wiring, dependencies first; each lists module names
    /// in config order. Throws config_error with validate()'s problems (without the limits) for a
    /// brain that cannot be built, graph_error for a cycle through a module without a contract.
    [[nodiscard]] static std::vector<std::vector<std::string>>
    resolve_initialization_order(const registry::plugin_registry& registry,
                                 const brain_config& config);
    [[nodiscard]] const std::vector<std::vector<std::string>>&
    initialization_order() const noexcept;

    /// The writable buffer of a brain input: what is in it when step() runs is seen at that step.
    /// Throws spark::error naming the input (and the known ones) when there is none of that name.
    [[nodiscard]] spark_buffer_t input(std::string_view name);
    template <typename T>
    [[nodiscard]] std::span<T> input_as(std::string_view name) {
        const auto b = input(name);
        return {static_cast<T*>(b.data), static_cast<std::size_t>(b.count)};
    }

    /// One time step (see the header comment). Throws step_error; afterwards call reset().
    void step();
    /// One time step in two parts, for a host that works between them (a rank sends what the
    /// first part computed while the second part runs: docs/scaling.md section 3.1). Within a
    /// step every module reads the last step's cache, so the order of modules changes nothing:
    /// the results are step()'s, bit for bit. step_first() steps `modules` (indices in modules()
    /// order); step_rest() steps the others and completes the step. Each part runs its modules
    /// one after another on the calling thread (a module still splits its own work over the
    /// workers). Both throw step_error as step() does (afterwards call reset()); step() in
    /// between throws spark::error, reset() abandons the step.
    void step_first(std::span<const std::size_t> modules);
    void step_rest();
    /// Between step_first() and step_rest(): what a module stepped in the first part wrote into
    /// its output port this step. Throws spark::error outside a step in parts or for a module
    /// the first part did not step.
    [[nodiscard]] port_view stepped(std::string_view module, std::string_view port) const;
    /// Every module and the cache back to their initial state; step_index() back to 0. Brain
    /// input buffers are zeroed.
    void reset();
    /// Steps completed since construction or the last reset.
    [[nodiscard]] std::uint64_t step_index() const noexcept;
    /// How steps run now: "sequential", "flow_graph", and for executor_kind::automatic
    /// "automatic (measuring)", then "automatic: one thread", "automatic: in order" or
    /// "automatic: flow_graph".
    [[nodiscard]] std::string executor_in_use() const;
    [[nodiscard]] double dt() const noexcept; // [ms], the brain's time step

    /// A brain output after the last step (the producing module's step-t output).
    [[nodiscard]] port_view output(std::string_view name) const;
    /// What the cache holds for a module's output port: its output of the last completed step
    /// (before the first step: its reset outputs).
    [[nodiscard]] port_view cached(std::string_view module, std::string_view port) const;
    /// Upstream's get_spikes_from_cache(): per module, its cached "spikes" port, else "out_spikes".
    [[nodiscard]] std::vector<std::pair<std::string, port_view>> get_spikes_from_cache() const;

    /// A module's property (ABI 1.1, spark/abi/properties.h): a named value besides its ports,
    /// e.g. a neuron's "soma.potential", "synapses.kernel", "delays.kernel" or "inhibition_mask"
    /// (docs/models.md section 7.3). Its spec, fixed by build; payload kind 0 when this module
    /// cannot serve it (a neuron without delays has no "delays.kernel"; read_property says why).
    [[nodiscard]] spark_port_spec_t property_spec(std::string_view module,
                                                  std::string_view property) const;
    /// A copy of the property's value as the last step left it (before the first step: after
    /// reset), row-major in its spec's dtype, as upstream reads properties live. Call it between
    /// steps, never during step(). An unknown module or property throws spark::error naming the
    /// module, its type and its properties; a property the module cannot serve throws
    /// registry::plugin_error with the module's reason.
    [[nodiscard]] std::vector<std::byte> read_property(std::string_view module,
                                                       std::string_view property) const;
    /// Late inputs (spark/abi/late_inputs.h, docs/scaling.md section 3.2): how many steps late
    /// elements [offset, offset + count) of a module's input port (its sources flattened and
    /// concatenated) may arrive; 0 when they must come on time.
    [[nodiscard]] std::uint32_t input_lateness(std::string_view module,
                                               std::string_view port,
                                               std::uint64_t offset,
                                               std::uint64_t count) const;
    /// Between steps: the values (in the port's dtype) those elements had at step `step`, which
    /// the module stepped with zeros in their place, within its input_lateness(). Throws
    /// registry::plugin_error when the module refuses them.
    void write_late_input(std::string_view module,
                          std::string_view port,
                          std::uint64_t step,
                          std::uint64_t offset,
                          std::uint64_t count,
                          const void* values);
    /// Of a module that is a slice of a population (module_specs::slice): whether the property
    /// holds rows of the whole population's (true) or equals it (false) (spark/abi/slices.h).
    /// Throws spark::error for a module that is not a slice.
    [[nodiscard]] bool property_rows(std::string_view module, std::string_view property) const;

    /// Every module output port that has held NaN or an infinity since construction or the last
    /// reset, in the order found (numerics_check::report; empty when off).
    [[nodiscard]] const std::vector<numerics_report>& numerics_reports() const noexcept;
    /// Writes a checkpoint of this brain to `path` (docs/file-format.md section 12): its config,
    /// every module's state, what the cache holds, the brain inputs, the step counter and each
    /// type's provenance, streamed from the modules' memory, atomically (a temporary
    /// "<path>.partial", fsync, rename: on any failure `path` is unchanged). Call it between
    /// steps. Throws checkpoint_error naming the file and the OS's reason; `exists` when `path`
    /// exists and not `overwrite`; `stopped` after a failed step (until reset()).
    void checkpoint(const std::filesystem::path& path, bool overwrite = false) const;
    /// The brain a checkpoint holds, ready to step on from where it was written: stepping it
    /// gives, bit for bit, what the saved brain would have given (any executor and thread
    /// count). `registry` must know every type it uses (neuron files registered as when it was
    /// written). Throws checkpoint_error (spark/runtime/checkpoint.hpp) naming the cause.
    [[nodiscard]] static brain from_checkpoint(const registry::plugin_registry& registry,
                                               const std::filesystem::path& path);
    [[nodiscard]] static brain from_checkpoint(const registry::plugin_registry& registry,
                                               const std::filesystem::path& path,
                                               const checkpoint_options& options);
    /// The config this brain was built from.
    [[nodiscard]] const brain_config& config() const noexcept;

    [[nodiscard]] const std::vector<module_info>& modules() const noexcept;
    /// The names of the modules whose step() is running right now, in config order: empty
    /// between steps. Safe to call from another thread while step() runs (a watchdog naming a
    /// module that hangs); the answer may be stale by the time it returns.
    [[nodiscard]] std::vector<std::string> modules_in_step() const;
    [[nodiscard]] const std::vector<std::pair<std::string, spark_port_spec_t>>&
    input_specs() const noexcept;
    [[nodiscard]] const std::vector<std::pair<std::string, spark_port_spec_t>>&
    output_specs() const noexcept;

private:
    friend struct detail::checkpoint_access;
    struct impl;
    std::unique_ptr<impl> impl_;
};

} // namespace spark::runtime
