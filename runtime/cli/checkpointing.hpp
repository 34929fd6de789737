// SPDX-License-Identifier: Apache-2.0
// `spark run`'s checkpoints: --checkpoint FILE [--checkpoint-every N] writes the brain to FILE
// every N steps and when the run ends; --resume FILE continues the run a checkpoint holds
// (docs/file-format.md section 12, ADR 0015).
#pragma once
#include <cstdint>
#include <filesystem>
#include <optional>

#include <spark/registry/errors.hpp>
#include <spark/registry/plugin_registry.hpp>
#include <spark/runtime/brain.hpp>
#include <spark/runtime/brain_config.hpp>

namespace spark::cli {

struct checkpoint_request {
    std::optional<std::filesystem::path> file;   // --checkpoint
    std::uint64_t every = 0;                     // --checkpoint-every; 0: at the end only
    std::optional<std::filesystem::path> resume; // --resume
    bool accept_other_builds = false;            // --accept-other-builds
};

/// The brain `request.resume` holds, checked to be the brain `config` (the brain file, as this
/// command line gives it: seed, input shapes) describes; nullopt after printing why not.
[[nodiscard]] std::optional<runtime::brain> resume_brain(const registry::plugin_registry& registry,
                                                         const checkpoint_request& request,
                                                         const runtime::brain_config& config,
                                                         const runtime::brain_options& options);

/// A checkpoint that could not be written: the step, the file and the OS's reason. The run
/// stops there, its recordings finalised (runtime/cli/recordings.hpp).
class checkpoint_write_error : public spark::error {
public:
    using spark::error::error;
};

/// When to write: after every `every` steps (the brain's step index a multiple of it) and at
/// the end. A failed write throws checkpoint_write_error; the previous checkpoint stays.
class checkpoint_schedule {
public:
    explicit checkpoint_schedule(const checkpoint_request& request) : request_(request) {}
    /// After each step.
    void after_step(const runtime::brain& brain);
    /// When the run ends between steps (completed, or stopped by a signal): the last step,
    /// unless just written.
    void at_end(const runtime::brain& brain);

private:
    void write(const runtime::brain& brain);
    const checkpoint_request& request_;
    std::optional<std::uint64_t> written_at_;
};

} // namespace spark::cli
