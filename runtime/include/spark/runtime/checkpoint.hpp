// SPDX-License-Identifier: Apache-2.0
// Checkpoints of a Brain (docs/file-format.md section 12, ADR 0015): one file with the brain's
// config, every module's state, the cache and the step counter, and where every type came from.
// brain::checkpoint() writes one, brain::from_checkpoint() makes the brain it holds.
#pragma once
#include <filesystem>
#include <string>

#include <spark/registry/errors.hpp>
#include <spark/runtime/brain.hpp>

namespace spark::runtime {

/// Why a checkpoint could not be written or read.
enum class checkpoint_problem {
    io,               // the OS refused (a missing file, a full disk); the message has its reason
    exists,           // writing: the file exists and overwrite was not asked for
    stopped,          // writing: a failed step stopped the brain; its state is half a step
    not_a_checkpoint, // no checkpoint's magic at its start
    newer_version,    // written by a newer format version than this build reads
    truncated,        // shorter than its header, manifest or trailer say (an interrupted copy)
    checksum,         // the SHA-256 in its trailer does not match its bytes
    malformed,        // the manifest is not what this format writes, or an entry reaches
                      // outside its place (beyond the file, overlapping, too large)
    missing_type,     // a module's type is not in the registry
    other_build,      // a type's plugin differs (SHA-256 or version) and that was not accepted
    mismatch,         // the brain it describes is not the brain its config builds: a module,
                      // an array, a port or an input of another name, dtype or shape
    rejected,         // a module's state_loaded() refused the loaded state
};

/// A checkpoint could not be written or read. what() is "<file>: <message>"; the message names
/// the module and the array when there is one, and says what to do.
class checkpoint_error : public spark::error {
public:
    checkpoint_error(std::filesystem::path file,
                     checkpoint_problem problem,
                     const std::string& message);
    [[nodiscard]] const std::filesystem::path& file() const noexcept { return file_; }
    [[nodiscard]] checkpoint_problem problem() const noexcept { return problem_; }

private:
    std::filesystem::path file_;
    checkpoint_problem problem_;
};

/// How brain::from_checkpoint() makes the brain.
struct checkpoint_options {
    /// The executor of the resumed brain: any executor resumes any checkpoint, bit for bit.
    brain_options brain{};
    /// Load state saved by another build of a plugin (its file's SHA-256 or its version differs):
    /// a warning names each difference. Without it such a checkpoint is refused. A type that
    /// is missing altogether is always refused.
    bool accept_other_builds = false;
};

} // namespace spark::runtime
