// SPDX-License-Identifier: Apache-2.0
// `spark plugins check`: loads one plugin file and drives each of its module types through the
// whole lifecycle with default configs and synthetic inputs, recording every failure (type, stage,
// message) instead of stopping at the first, so a plugin author sees everything in one run.
#pragma once
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include <spark/registry/plugin_registry.hpp>

namespace spark::runtime {

/// The outcome of one stage for one type.
enum class check_outcome {
    passed,
    failed,
    skipped, // could not run because an earlier stage failed, or does not apply (no contract)
};

/// One stage of one type, e.g. {"build", failed, "out: shape (4) differs from ..."}.
struct check_stage {
    std::string name;
    check_outcome outcome = check_outcome::passed;
    std::string message; // why it failed or was skipped; several problems one per line
};

/// Every stage of one module type, in the order they ran.
struct type_check {
    std::string type_id; // canonical id
    std::vector<check_stage> stages;
    [[nodiscard]] std::size_t failures() const noexcept;
};

struct plugin_check_report {
    std::filesystem::path file;
    /// Empty when the file loaded; else the load error (and `types` is empty).
    std::string load_error;
    std::vector<type_check> types;
    /// Failed stages over all types, plus one when the file did not load.
    [[nodiscard]] std::size_t failures() const noexcept;
    [[nodiscard]] bool passed() const noexcept { return failures() == 0; }
};

struct check_options {
    std::uint64_t seed = 42;         // the configs' seed, and the seed of the random inputs
    std::uint32_t zero_steps = 20;   // steps with all-zero inputs
    std::uint32_t random_steps = 20; // steps with random inputs (spikes 0/1)
};

/// Loads `file` into `registry` (a load failure is reported, not thrown), then discovers the
/// registry's search path so that nested config defaults naming other plugins' types resolve
/// (failures of other files do not count), then checks each type of the file. Stages per type:
///   config -> create -> contract -> build -> output specs -> reset -> steps (zero inputs)
///   -> steps (random inputs) -> state round trip -> reset again -> destroy
/// and for initializer types: config -> initialize -> deterministic.
/// Config: the type's defaults, with a probe value for each required field (an int array [8], an
/// int 8, a float 1, false); a type whose create fails and that has int-array fields defaulting
/// to [] (units given by an enclosing neuron) is created again with [8] there.
/// Inputs: float ports in the config's dtype, spikes uint8, int int32, masks uint8; shape (8) for
/// any-shape ports, the field's value for from-field ones, the named port's for like-port ones;
/// optional inputs unwired. When build fails, it is tried again on a fresh instance with each
/// combination of (8) and (8, 8) for the any-shape inputs (a learning rule's kernel input).
/// Every stage that needed a probe says which in its message.
/// Outputs must match the port's shape rule and payload, the contract when there is one, be
/// finite (floats) and in 0..3 (spikes). State round trip: save, step, restore, step again:
/// both steps' outputs must be bit-identical.
[[nodiscard]] plugin_check_report check_plugin(registry::plugin_registry& registry,
                                               const std::filesystem::path& file,
                                               const check_options& options = {});

/// "passed", "FAILED", "skipped".
[[nodiscard]] std::string_view outcome_name(check_outcome outcome) noexcept;

} // namespace spark::runtime
