// SPDX-License-Identifier: Apache-2.0
// run.json, the record of a `spark run`: what ran, from what, where and why it stopped. Under
// mpirun the leader writes it for every rank: the non-finite outputs and the exchange's cost
// come from each rank (the *_text functions make what a rank sends, the others merge it).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include <boost/json/value.hpp>

#include <spark/runtime/brain.hpp>

#include "commands.hpp"
#include "inputs.hpp"
#include "recordings.hpp"
#include "run_world.hpp"

namespace spark::cli {

/// One rank's part of a run over several: its modules and what the exchange cost it.
struct rank_fact {
    int rank = 0;
    std::vector<std::string> modules;
    /// Of `modules`, the populations it steps a slice of: their neurons here.
    std::vector<std::pair<std::string, runtime::neuron_range>> slices;
    std::uint64_t bytes_sent = 0; // over the whole run
    std::uint32_t window = 1;     // crossing outputs travel once every `window` steps
    double seconds_waiting = 0;
};

/// What run.json says besides the request.
struct run_facts {
    std::uint64_t first_step = 0;
    std::uint64_t completed_steps = 0;
    double seconds = 0;
    double build_seconds = 0;
    std::vector<runtime::numerics_report> numerics; // every rank's
    std::vector<rank_fact> ranks;                   // with more than one rank
};

[[nodiscard]] boost::json::value run_json(const run_request& request,
                                          run_target& brain,
                                          const std::vector<input_source>& inputs,
                                          const std::vector<recording>& records,
                                          const stop_cause& cause,
                                          const run_facts& facts);

[[nodiscard]] std::string numerics_text(const std::vector<runtime::numerics_report>& reports);
[[nodiscard]] std::vector<runtime::numerics_report>
merge_numerics(const std::vector<std::string>& texts);

/// What rank `rank` steps of the brain (`local`, its part) and what its exchange cost.
[[nodiscard]] std::string rank_text(int rank,
                                    const runtime::brain& local,
                                    std::uint64_t bytes_sent,
                                    double seconds_waiting,
                                    std::uint32_t window);
[[nodiscard]] std::vector<rank_fact> rank_facts(const std::vector<std::string>& texts);
/// "exchange: ..." for the summary: bytes per step over all ranks, each rank's waiting.
[[nodiscard]] std::string exchange_text(const std::vector<rank_fact>& ranks, std::uint64_t steps);

} // namespace spark::cli
