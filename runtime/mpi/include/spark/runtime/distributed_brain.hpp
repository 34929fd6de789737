// SPDX-License-Identifier: Apache-2.0
// One brain over the ranks of an MPI communicator (docs/scaling.md): each rank builds and steps
// the modules plan_partition() gives it, and the ranks exchange the outputs that cross between
// them after every step. Every rank computes, bit for bit, what one process computes for the
// modules it holds. Built with SPARK_MPI (Spark::runtime_mpi); the host owns MPI_Init/Finalize
// and hands in its communicator.
#pragma once
#include <cstdint>
#include <memory>
#include <mpi.h>

#include <spark/runtime/brain.hpp>
#include <spark/runtime/partition.hpp>

namespace spark::runtime {

class distributed_brain {
public:
    /// Collective over `comm`: every rank passes the same config and a registry that loaded the
    /// same plugin builds. Checks that every rank knows the brain's types with the same id,
    /// version and SHA-256 (a spark::error naming the rank and the type otherwise), places the
    /// modules (plan_partition over the communicator's size), builds this rank's part and
    /// exchanges the reset outputs. A rank failing to build its part makes every rank throw
    /// that error (with the rank's number); no rank is left waiting.
    distributed_brain(const registry::plugin_registry& registry,
                      const brain_config& config,
                      MPI_Comm comm,
                      brain_options options = {});
    distributed_brain(distributed_brain&&) noexcept;
    distributed_brain& operator=(distributed_brain&&) noexcept;
    ~distributed_brain();

    /// Collective: one step of this rank's modules, then the exchange. A module failing on any
    /// rank makes every rank throw step_error naming that rank, module, type and step; reset()
    /// (collective) makes the brain usable again.
    void step();
    /// Collective: every rank's reset, then the exchange of the reset outputs.
    void reset();

    /// This rank's brain: its modules, the brain inputs (write them before step() as usual) and
    /// the brain outputs whose module runs here.
    [[nodiscard]] brain& local() noexcept;
    [[nodiscard]] const brain& local() const noexcept;
    [[nodiscard]] const partition_plan& partition() const noexcept;
    [[nodiscard]] int rank() const noexcept;
    [[nodiscard]] int ranks() const noexcept;
    /// Bytes this rank sent at the last exchange, and the wall time it spent waiting for the
    /// other ranks' messages [s] (summed since construction).
    [[nodiscard]] std::uint64_t last_bytes_sent() const noexcept;
    [[nodiscard]] double seconds_waiting() const noexcept;

private:
    struct impl;
    std::unique_ptr<impl> impl_;
};

} // namespace spark::runtime
