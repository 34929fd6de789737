// SPDX-License-Identifier: Apache-2.0
// The stages of `spark plugins check` that drive fresh instances and compare their outputs
// (internal): the inhibition bit (bit1 alone is no spike), float32 against float64, a reference
// trace, and recording one. What each compares and why: check_plugin in plugin_check.hpp.
#pragma once
#include <optional>
#include <string>

#include <spark/registry/plugin_registry.hpp>
#include <spark/runtime/plugin_check.hpp>

#include "tools/check_support.hpp"

namespace spark::runtime::detail {

/// The "inhibition bit" stage for a type built as `setup`.
[[nodiscard]] stage_result check_inhibition_bit(registry::plugin_registry& registry,
                                                const registry::module_type_info& type,
                                                const module_setup& setup,
                                                const check_options& options);

/// The "float32 vs float64" stage: the same inputs into an instance built as `single` and one
/// built as `twice` (float32 and float64).
[[nodiscard]] stage_result compare_dtypes(registry::plugin_registry& registry,
                                          const registry::module_type_info& type,
                                          const module_setup& single,
                                          const module_setup& twice,
                                          const check_options& options);

/// The "reference" stage: options.reference's inputs into an instance built as `setup`, its
/// outputs against the reference's.
[[nodiscard]] stage_result check_reference(registry::plugin_registry& registry,
                                           const registry::module_type_info& type,
                                           const module_setup& setup,
                                           const check_options& options);

/// The "record" stage: options.record_steps steps of random inputs (seeded as the "steps (random
/// inputs)" stage seeds them) into an instance built as `setup`; each step's wired inputs and
/// outputs go into `recorded`, one field per port, named after it. `dtype_note` says who chose
/// the dtype, for the stage's message.
[[nodiscard]] stage_result record_trace(registry::plugin_registry& registry,
                                        const registry::module_type_info& type,
                                        const module_setup& setup,
                                        const check_options& options,
                                        const std::string& dtype_note,
                                        std::optional<reference_trace>& recorded);

} // namespace spark::runtime::detail
