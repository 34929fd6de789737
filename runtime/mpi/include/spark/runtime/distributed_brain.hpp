// SPDX-License-Identifier: Apache-2.0
// One brain over the ranks of an MPI communicator (docs/scaling.md): each rank builds and steps
// the modules plan_partition() gives it, and the ranks exchange the outputs that cross between
// them after every step. Every rank computes, bit for bit, what one process computes for the
// modules it holds. Built with SPARK_MPI (Spark::runtime_mpi); the host owns MPI_Init/Finalize
// and hands in its communicator.
#pragma once
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mpi.h>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <spark/runtime/brain.hpp>
#include <spark/runtime/partition.hpp>

namespace spark::runtime {

/// A value the root rank reads after every step, whichever rank steps its module: a module's
/// output port or property, or a brain output (`module` empty, `name` the output).
struct observed_value {
    std::string module;
    std::string name;
    bool property = false;
};

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

    /// Collective: one step of this rank's modules, then the exchange. The modules whose outputs
    /// leave the rank step first, and their messages travel while the others step. A module
    /// failing on any rank makes every rank throw step_error naming that rank, module, type and
    /// step; reset() (collective) makes the brain usable again.
    void step();
    /// How often crossing outputs travel: once every window() steps, the longest every rank can
    /// take (1 + the shortest delay, in steps, of a connection between ranks, when every module
    /// reading one takes late inputs; else 1: docs/scaling.md section 3.2). Failures, stop
    /// requests and observe()'s values still travel after every step.
    [[nodiscard]] std::uint32_t window() const noexcept;
    /// Collective: every rank's reset, then the exchange of the reset outputs.
    void reset();

    /// This rank's brain: its modules, the brain inputs (write them before step() as usual) and
    /// the brain outputs whose module runs here.
    [[nodiscard]] brain& local() noexcept;
    [[nodiscard]] const brain& local() const noexcept;
    [[nodiscard]] const partition_plan& partition() const noexcept;

    /// The whole brain, whichever rank holds each part, as one process's brain lists it: every
    /// module (config order) and every brain output.
    [[nodiscard]] const std::vector<module_info>& modules() const noexcept;
    /// Every brain input (every rank's local() has them all, and proxies for what other ranks
    /// send, which this list leaves out).
    [[nodiscard]] const std::vector<std::pair<std::string, spark_port_spec_t>>&
    input_specs() const noexcept;
    [[nodiscard]] const std::vector<std::pair<std::string, spark_port_spec_t>>&
    output_specs() const noexcept;
    /// The spec of `module`'s `property`, on whichever rank the module runs. Throws spark::error
    /// naming the module and the reason when it cannot serve the property (brain::read_property's
    /// message).
    [[nodiscard]] spark_port_spec_t property_spec(std::string_view module,
                                                  std::string_view property) const;

    /// Collective, with the same list and root on every rank: from now on every exchange also
    /// brings `what` to `root` (spikes as changes, like the crossing outputs). Throws
    /// spark::error naming a value the brain does not have.
    void observe(std::vector<observed_value> what, int root = 0);
    /// On the root: value `i` of observe()'s list as the last step (or reset) left it, row-major
    /// in its spec's dtype: what brain::cached(), read_property() or output() return in one
    /// process.
    [[nodiscard]] std::span<const std::byte> observed(std::size_t i) const;

    /// Asks every rank to stop, for reason `why` (0-200, the caller's code: a signal's number):
    /// the next exchange carries it, after which stop_requested() gives, on every rank, the
    /// lowest asking rank's reason, so that all of them stop after the same step (a signal that
    /// reached one rank only, or several at different steps). reset() forgets it.
    void request_stop(int why = 0) noexcept;
    [[nodiscard]] std::optional<int> stop_requested() const noexcept;
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

/// Collective: every rank's `mine`, in rank order, on every rank.
[[nodiscard]] std::vector<std::string> gather_texts(MPI_Comm comm, const std::string& mine);

} // namespace spark::runtime
