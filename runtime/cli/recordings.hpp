// SPDX-License-Identifier: Apache-2.0
// `spark run --record`: the recorded ports and properties, their .npy files, and how a run's
// files are finalised however it stops (completed, a signal, a step error or timeout, a write
// error): every file's header then says the rows it holds.
#pragma once
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <spark/runtime/brain.hpp>

#include "npy.hpp"
#include "run_world.hpp"

namespace spark::cli {

/// One recorded port or property: where its data comes from each step and the file it goes to.
struct recording {
    std::string label;  // "A_ex.out_spikes", "A_ex.soma.potential" or the brain output's name
    std::string module; // empty for a brain output
    std::string port;   // the module's port or property, or the brain output's name
    spark_port_spec_t spec{};
    std::unique_ptr<npy_writer> writer;
    std::string file = {}; // label as a safe file name inside --out (safe_file_name)
    bool property = false; // `port` is a property of `module`, read after every step
};

/// Resolves --record SPECs: "module.port", "module.property" (a property may hold dots, as
/// "A_ex.soma.potential"), "module" (all its outputs) or a brain output name, against the whole
/// brain wherever its modules run. Throws spark::error naming the spec and what the brain has.
[[nodiscard]] std::vector<recording> resolve_records(const run_target& brain,
                                                     const std::vector<std::string>& specs);

/// What the leader reads after every step for `records`, in their order (run_target::watch).
[[nodiscard]] std::vector<watched_value> watched_values(const std::vector<recording>& records);

/// The .npy element type of a port: spikes and bytes |u1, bool masks |b1, else its dtype.
[[nodiscard]] npy_type npy_type_of(const spark_port_spec_t& spec);

/// Creates `out_dir` and, for each recording, its file `out_dir / file` sized for `steps` rows.
/// Throws write_error naming the folder or the file; the files opened before stay open, so that
/// finish_recordings() can still finalise them (with 0 rows).
void open_recordings(std::vector<recording>& records,
                     const std::filesystem::path& out_dir,
                     std::uint64_t steps);

/// Appends one row to every recording: the step the brain has just completed, as `brain`
/// watches records[i] at index i (watched_values() first). Spikes are written as 0/1 (bit0; the
/// inhibition bit would make sums wrong), properties are read live. `spike_row` is scratch space
/// reused from step to step. Throws write_error (a file) or what reading a property throws.
void append_step(run_target& brain,
                 std::vector<recording>& records,
                 std::vector<std::uint8_t>& spike_row);

/// Finalises every open recording (npy_writer::finish) with at most `steps` rows, the steps the
/// run completed: each file's header says the rows it holds. Never throws: returns one error per
/// file that could not be finalised.
[[nodiscard]] std::vector<write_error> finish_recordings(std::vector<recording>& records,
                                                         std::uint64_t steps) noexcept;

/// Why a run stopped, as run.json's stop_reason says it.
struct stop_cause {
    std::string reason = "completed"; // "completed", "interrupted by SIGINT", "step error in
                                      // module 'M' (type T)", "write error on FILE: REASON", ...
    std::string message;              // the whole error message; empty when completed
    int signal = 0;                   // the signal that stopped the run, or 0

    [[nodiscard]] bool completed() const noexcept { return message.empty() && signal == 0; }
};

} // namespace spark::cli
