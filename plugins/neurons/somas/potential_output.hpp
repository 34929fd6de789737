// SPDX-License-Identifier: Apache-2.0
// A soma's `potential` output may be its own state array `v` (inside a neuron) or a separate
// buffer (the standalone soma module). Its vectorised loops take their arrays as __restrict,
// which an output aliasing v would break, so they are compiled twice: without the copy when the
// output is v, with it otherwise. with_potential() picks the one to call.
#pragma once
#include <type_traits>

#include <spark/sdk/buffers.hpp>

namespace spark::neurons::detail {

/// kernel(std::false_type, nullptr) when `potential` is `v` itself, else
/// kernel(std::true_type, potential.data()).
template <typename T, typename Kernel>
void with_potential(sdk::span<T> v, sdk::span<T> potential, Kernel&& kernel) noexcept {
    if (potential.data() == v.data()) {
        kernel(std::false_type{}, static_cast<T*>(nullptr));
    } else {
        kernel(std::true_type{}, potential.data());
    }
}

} // namespace spark::neurons::detail
