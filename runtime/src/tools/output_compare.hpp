// SPDX-License-Identifier: Apache-2.0
// Element-wise comparison of port values for `spark plugins check` (internal): floats within a
// tolerance, spikes, masks and ints exactly, and the first element that differs named by its
// multi-index with both values.
#pragma once
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include <spark/abi/types.h>
#include <spark/runtime/plugin_check.hpp>

namespace spark::runtime::detail {

/// "[2, 1]": the multi-index of flat element `index` of `shape` (C order); "[]" for a scalar.
[[nodiscard]] std::string index_text(const spark_shape_t& shape, std::uint64_t index);

/// Element `index` of `data` (of `dtype`, a SPARK_DTYPE_*) as a double.
[[nodiscard]] double element_value(const std::byte* data, std::int32_t dtype, std::uint64_t index);

/// How to compare one port's values.
struct comparison {
    float_tolerance floats;       // used when either side is a float dtype
    bool spike_bit0_only = false; // spikes: compare bit0 alone (bit1 may legitimately differ)
};

/// The first element of `count` where `got` (of `got_dtype`) and `expected` (of
/// `expected_dtype`) differ, as "[i, j]: got G, expected E" (multi-index over `shape`), or
/// nullopt when all agree. Floats (either side) agree within `how.floats` (NaN only with NaN);
/// other values exactly, or in bit0 alone with `how.spike_bit0_only`.
[[nodiscard]] std::optional<std::string> first_difference(const std::byte* got,
                                                          std::int32_t got_dtype,
                                                          const std::byte* expected,
                                                          std::int32_t expected_dtype,
                                                          const spark_shape_t& shape,
                                                          const comparison& how);

/// "rtol 0.0001, atol 1e-06".
[[nodiscard]] std::string tolerance_text(const float_tolerance& tolerance);

} // namespace spark::runtime::detail
