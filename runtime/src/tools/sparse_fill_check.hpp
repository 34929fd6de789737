// SPDX-License-Identifier: Apache-2.0
// `spark plugins check` for an initializer that fills sparsely (SPARK_EXT_SPARSE_INITIALIZER,
// docs/adr/0011-type-extensions-and-sparse-initializers.md): a neuron builds its kernel from the
// row fill when the initializer offers one, and from initialize() otherwise, so the two must give
// the same bits, or a brain's results would depend on which path a neuron took.
#pragma once
#include <optional>
#include <string>

#include <spark/abi/schema.h>
#include <spark/registry/plugin_registry.hpp>

#include "tools/host_buffer.hpp"

namespace spark::runtime::detail {

/// nullopt when `type` offers no sparse fill. Otherwise an empty string when its fill_rows gives
/// exactly the non-zero elements of `dense` (what initialize() filled with `config`, a float
/// buffer of rank >= 2), and values_at its elements, bit for bit; else the first difference.
[[nodiscard]] std::optional<std::string> check_sparse_fill(const registry::module_type_info& type,
                                                           const spark_config_t& config,
                                                           const host_buffer& dense);

} // namespace spark::runtime::detail
