// SPDX-License-Identifier: Apache-2.0
// The processes of one `spark run`: this process alone, or, under mpirun, every rank of one brain
// split over them (docs/scaling.md section 5). The run itself (run.cpp) is the same code either
// way: it steps a run_target and reads back what it records and summarises; only the leader
// (the process alone, or rank 0) prints and writes files.
#pragma once
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <spark/registry/plugin_registry.hpp>
#include <spark/runtime/brain.hpp>
#include <spark/runtime/brain_config.hpp>

namespace spark::cli {

/// A value the leader reads after every step: a module's output port or property, or a brain
/// output (`module` empty, `name` the output).
struct watched_value {
    std::string module;
    std::string name;
    bool property = false;
};

/// The brain a run steps: all of it here, or this rank's part of it.
class run_target {
public:
    run_target() = default;
    run_target(const run_target&) = delete;
    run_target& operator=(const run_target&) = delete;
    virtual ~run_target() = default;

    /// The modules stepped by this process, and every brain input (write them before step()).
    [[nodiscard]] virtual runtime::brain& local() = 0;
    /// The whole brain wherever each part runs, as one process lists it.
    [[nodiscard]] virtual const std::vector<runtime::module_info>& modules() const = 0;
    [[nodiscard]] virtual const std::vector<std::pair<std::string, spark_port_spec_t>>&
    input_specs() const = 0;
    [[nodiscard]] virtual const std::vector<std::pair<std::string, spark_port_spec_t>>&
    output_specs() const = 0;
    /// The spec of a property; throws spark::error with the reason when its module cannot serve
    /// it.
    [[nodiscard]] virtual spark_port_spec_t property_spec(const std::string& module,
                                                          const std::string& property) const = 0;

    /// One step (collective over the ranks).
    virtual void step() = 0;
    /// Collective, before the run: the values the leader reads after every step.
    virtual void watch(const std::vector<watched_value>& values) = 0;
    /// On the leader: value `i` of watch()'s list as the last step left it, row-major.
    [[nodiscard]] virtual const void* watched(std::size_t i) = 0;

    /// Asks every process to stop after the step in progress; `signal` (or 0) says why.
    virtual void request_stop(int signal) = 0;
    /// Once every process knows of a request: the signal that asked (0 for another reason), the
    /// same on every rank after the same step. One process knows at once; ranks after the
    /// next step's exchange.
    [[nodiscard]] virtual std::optional<int> stop_agreed() const = 0;

    /// What the exchange between ranks cost so far: bytes this rank sent, seconds it waited.
    [[nodiscard]] virtual std::pair<std::uint64_t, double> exchange_cost() const { return {}; }
    /// How often crossing outputs travel between ranks: once every so many steps.
    [[nodiscard]] virtual std::uint32_t exchange_window() const { return 1; }
};

class run_world {
public:
    run_world() = default;
    run_world(const run_world&) = delete;
    run_world& operator=(const run_world&) = delete;
    virtual ~run_world() = default;

    [[nodiscard]] virtual int rank() const { return 0; }
    [[nodiscard]] virtual int ranks() const { return 1; }
    [[nodiscard]] bool leader() const { return rank() == 0; }

    /// Collective: whether every process got this far (`ok`). When one did not, the leader
    /// prints what the first such rank printed (the others' error output is held until then),
    /// and every process gets false.
    [[nodiscard]] virtual bool all_ok(bool ok) { return ok; }
    /// Collective: the brain of `config`, or this rank's part of it. Throws what brain's
    /// constructor throws (config_error), the same on every rank.
    [[nodiscard]] virtual std::unique_ptr<run_target>
    build(const registry::plugin_registry& registry,
          const runtime::brain_config& config,
          const runtime::brain_options& options) = 0;
    /// A run_target around a brain built here (one process: resumed from a checkpoint).
    [[nodiscard]] static std::unique_ptr<run_target> whole(runtime::brain brain);
    /// An error on this rank alone that the others cannot learn of (not a step error, which every
    /// rank hears of): prints it and ends every process (MPI_Abort), so that none waits forever.
    /// One process: prints it; the caller returns a failure.
    virtual void abort(const std::string& message);
    /// Collective: every rank's `mine`, in rank order, on the leader; empty elsewhere.
    [[nodiscard]] virtual std::vector<std::string> gather(const std::string& mine) {
        return {mine};
    }
};

/// This process alone.
[[nodiscard]] std::unique_ptr<run_world> single_process();

/// How many processes the launcher (mpirun, mpiexec, srun) started with this one, from its
/// environment; 1 when none did.
[[nodiscard]] std::size_t launcher_ranks();
#ifdef SPARK_CLI_MPI
/// MPI_Init, and the world of MPI_COMM_WORLD; MPI_Finalize when it is destroyed.
[[nodiscard]] std::unique_ptr<run_world> mpi_world();
#endif

} // namespace spark::cli
