// SPDX-License-Identifier: Apache-2.0
// `spark run`'s summary: spikes per module and the brain outputs' final and mean values, kept
// step by step and printed at the end. Under mpirun each rank counts its own modules' spikes and
// the leader merges the counts (merge_spike_counts), so the table is the one a single process
// prints.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include <spark/runtime/brain.hpp>

namespace spark::cli {

/// Counts the spikes (bit0) a module emits on its spike port.
struct spike_counter {
    std::string module;
    std::string port;
    std::string type_id;
    std::uint64_t units = 0;
    std::string units_text; // "512", or the shape "4x128" for a port of rank > 1
    std::uint64_t spikes = 0;
};

/// One counter per module of `brain` with a spike port (brain::get_spikes_from_cache).
[[nodiscard]] std::vector<spike_counter> spike_counters(const runtime::brain& brain);
/// Adds the spikes of the step `brain` has just completed.
void count_spikes(const runtime::brain& brain, std::vector<spike_counter>& counters);

/// Counters as text for the leader, and every rank's merged back into `modules` order.
[[nodiscard]] std::string spike_counts_text(const std::vector<spike_counter>& counters);
[[nodiscard]] std::vector<spike_counter>
merge_spike_counts(const std::vector<std::string>& texts,
                   const std::vector<runtime::module_info>& modules);

/// A brain output's running sum and last value, per element.
struct output_stats {
    std::string name;
    spark_port_spec_t spec{};
    std::vector<double> sum;
    std::vector<double> last;

    /// Adds the output's value after a step (row-major in its spec's dtype).
    void add(const void* data);
};

/// Prints the summary tables (spikes, outputs) after `steps` steps of `dt_ms`.
void print_summary(const std::vector<spike_counter>& counters,
                   const std::vector<output_stats>& outputs,
                   std::uint64_t steps,
                   double dt_ms);

/// `value` with `decimals` digits after the point.
[[nodiscard]] std::string fixed(double value, int decimals);

} // namespace spark::cli
