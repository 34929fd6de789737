// SPDX-License-Identifier: Apache-2.0
// `spark plugins check`: loads one plugin file and drives each of its module types through the
// whole lifecycle, once per dtype the type offers, with default or chosen configs and synthetic or
// recorded inputs, recording every failure (type, dtype, stage, message) instead of stopping at
// the first, so a plugin author sees everything in one run. It compares a type against a
// reference trace (--reference), or records one of what the type does now (--write-reference), to
// check it against after a refactoring.
#pragma once
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <spark/abi/types.h>
#include <spark/registry/plugin_registry.hpp>

namespace spark::runtime {

/// The outcome of one stage for one type.
enum class check_outcome {
    passed,
    failed,
    skipped, // could not run because an earlier stage failed, or does not apply (no contract)
};

/// One stage of one type, e.g. {"build", failed, "out: shape (4) differs from ...", "float64"}.
struct check_stage {
    std::string name;
    check_outcome outcome = check_outcome::passed;
    std::string message; // why it failed or was skipped; several problems one per line
    /// The dtype the stage ran in ("float32", "float64"), or "both" for a stage that compares
    /// the two.
    std::string dtype;
};

/// One port's values over a trace's steps.
struct trace_field {
    std::string name;       // the port's name
    std::int32_t dtype = 0; // SPARK_DTYPE_*
    spark_shape_t shape{};  // one step's shape
    /// steps x element_count(shape) values of `dtype`, step after step, each step C order.
    std::vector<std::byte> data;
};

/// The inputs to feed and the outputs to expect per step, e.g. from a NumPy structured array
/// with one field per port (docs/writing-a-plugin.md, "spark plugins check FILE").
struct reference_trace {
    std::filesystem::path file; // named in every message about the trace
    std::uint64_t steps = 0;
    std::vector<trace_field> fields;
};

/// Every stage of one module type, in the order they ran.
struct type_check {
    std::string type_id; // canonical id
    std::vector<check_stage> stages;
    /// With check_options::record_steps: the trace the "record" stage recorded (no file name),
    /// in the format a reference reads; nullopt when the type did not get that far.
    std::optional<reference_trace> recorded;
    [[nodiscard]] std::size_t failures() const noexcept;
};

struct plugin_check_report {
    std::filesystem::path file;
    /// Empty when the file loaded; else the load error (and `types` is empty).
    std::string load_error;
    /// Empty when the options fit the file (check_options: type, settings, shapes, reference);
    /// else what does not fit, naming the option, the type, the field or port and the fix (and
    /// `types` is empty): a usage error rather than a failure of the plugin.
    std::string request_error;
    std::vector<type_check> types;
    /// Failed stages over all types, plus one when the file did not load or the request did not
    /// fit it.
    [[nodiscard]] std::size_t failures() const noexcept;
    [[nodiscard]] bool passed() const noexcept { return failures() == 0; }
};

/// Floats a and b agree when |a - b| <= atol + rtol * |b| (numpy.isclose, b the expected value).
struct float_tolerance {
    double rtol = 0;
    double atol = 0;
};

/// What a reference trace allows by default in `dtype` (SPARK_DTYPE_F32: rtol 1e-4, atol 1e-6;
/// SPARK_DTYPE_F64: rtol 1e-9, atol 1e-12): a few hundred roundings of the dtype, so that a trace
/// computed in another order (NumPy) still matches.
[[nodiscard]] float_tolerance reference_tolerance(std::int32_t dtype) noexcept;
/// What float32 and float64 outputs may differ by on the same inputs (rtol 1e-4, atol 1e-5): ten
/// times what Spark's built-in types differ by over 520 steps (every one agrees within rtol
/// 1e-5, atol 1e-6 there; at rtol 1e-6 five differ, learning rules and traced synapses first).
[[nodiscard]] float_tolerance dtype_agreement_tolerance() noexcept;

struct check_options {
    std::uint64_t seed = 42;         // the configs' seed, and the seed of the random inputs
    std::uint32_t zero_steps = 20;   // steps with all-zero inputs
    std::uint32_t random_steps = 20; // steps with random inputs (spikes 0..3)
    /// Check only this type of the file (canonical id or class_ref); empty: every type.
    std::string type;
    /// FIELD=VALUE overrides of the config, in order (VALUE as JSON; a plain word is a string;
    /// FIELD may be a base field (seed, dtype, dt) or "a__b" for field b of nested config a).
    /// Need `type` when the file has several types.
    std::vector<std::pair<std::string, std::string>> settings;
    /// PORT=shape for inputs (an any-shape input, or an optional one, which is then wired). Need
    /// `type` when the file has several types.
    std::vector<std::pair<std::string, std::vector<std::uint64_t>>> shapes;
    /// Inputs to feed and outputs to expect, compared by the "reference" stage. Needs `type` when
    /// the file has several types; its float fields choose the dtype run.
    std::optional<reference_trace> reference;
    /// The reference's float tolerance; by default reference_tolerance(dtype).
    std::optional<float_tolerance> tolerance;
    /// Record a trace of this many steps (>= 1) in the "record" stage, into
    /// type_check::recorded (`spark plugins check --write-reference`). Needs `type` when the file
    /// has several types; not with `reference`. Runs the --set dtype alone, else float32.
    std::optional<std::uint32_t> record_steps;
};

/// Loads `file` into `registry` (a load failure is reported, not thrown), then discovers the
/// registry's search path so that nested config defaults naming other plugins' types resolve
/// (failures of other files do not count), then checks each type of the file (or options.type)
/// once per dtype its config offers (the `dtype` field's one-of list: float32, float64), or in
/// the dtype a --set or the reference chooses (with record_steps: the --set dtype, else float32).
/// Stages per type and dtype:
///   config -> create -> contract -> build -> output specs -> reset -> steps (zero inputs)
///   -> steps (random inputs) -> inhibition bit -> state round trip -> properties
///   -> [reference | record] -> reset again -> destroy
/// then, once per type, "float32 vs float64"; for initializer types, per dtype:
///   config -> initialize -> deterministic -> sparse fill.
/// Config: the type's defaults and options.settings, with a probe value for each required field
/// left unset (an int array [8], an int 8, a float 1, false); a type whose create fails and that
/// has int-array fields defaulting to [] (units given by an enclosing neuron) is created again
/// with [8] there.
/// Inputs: float ports in the config's dtype, spikes uint8, int int32, masks uint8; shape (8) for
/// any-shape ports unless options.shapes or the reference gives one, the field's value for
/// from-field ones, the named port's for like-port ones; optional inputs unwired unless given a
/// shape. When build fails, it is tried again on a fresh instance with each combination of (8)
/// and (8, 8) for the any-shape inputs not given a shape (a learning rule's kernel input).
/// Every stage that needed a probe says which in its message.
/// Outputs must match the port's shape rule and payload, the contract when there is one, be
/// finite (floats) and in 0..3 (spikes). Random inputs: spikes 0..3 (bit1, the inhibition bit,
/// set on silent elements too), masks 0/1, ints 0..7, floats in [-1, 1) (float32 values in both
/// dtypes). Inhibition bit: fresh instances fed the same random inputs, once with 0 and once with
/// 2 (bit1 alone: a silent inhibitory neuron) on the silent elements of a fixed half of each spike
/// input: bit0 of spike outputs and every other output must be the same (bit1 of spike outputs
/// may differ: pass-through types forward it). State round trip: save, step, restore, step again:
/// both steps' outputs must be bit-identical. float32 vs float64: the same inputs in both; floats
/// agree within dtype_agreement_tolerance(), spikes (bit0) and ints exactly, up to the first step
/// where a spike differs (a threshold crossing within float32 rounding diverges legitimately, and
/// everything after it may differ). Reference: a fresh instance fed the trace's inputs; its
/// outputs after each step against the trace's (floats within the tolerance, spikes, masks and
/// ints exactly); the first differing step and element are named. Record: a fresh instance built
/// as the other stages built theirs, reset, then fed record_steps steps of the random inputs above
/// (the generator seeded as for "steps (random inputs)"); each step's wired inputs and its outputs
/// become the rows of type_check::recorded, which the reference stage reads back unchanged: what
/// the type does now, a baseline for regression tests rather than a proof that it is right.
[[nodiscard]] plugin_check_report check_plugin(registry::plugin_registry& registry,
                                               const std::filesystem::path& file,
                                               const check_options& options = {});

/// "OK", "FAIL", "SKIP".
[[nodiscard]] std::string_view outcome_name(check_outcome outcome) noexcept;

/// The JSON text of a --set VALUE: VALUE itself, or VALUE quoted when it is a plain word (a
/// letter or '_' then letters, digits, '_', '-' or '.', and not true, false or null).
[[nodiscard]] std::string setting_json(const std::string& value);

} // namespace spark::runtime
