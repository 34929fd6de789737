// SPDX-License-Identifier: Apache-2.0
// The stages of `spark plugins check` that drive fresh instances and compare their outputs
// (internal): the inhibition bit (bit1 alone is no spike), float32 against float64, and a
// reference trace. What each compares and why: check_plugin in plugin_check.hpp.
#pragma once
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

} // namespace spark::runtime::detail
