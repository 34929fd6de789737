// SPDX-License-Identifier: Apache-2.0
// Delivery of full groups (neuron/delay_groups.hpp): each spike adds its presynaptic neuron's
// whole weight column to the current. Columns are read from memory once per spike, so delivery
// is bound by how many bytes per second the core can stream; several columns added in one pass
// keep several streams in flight and read and write the current once for all of them.
// Per neuron, the additions are the one-column-at-a-time ones in the same order
// (((I + s1 w1) + s2 w2) + ...), with s = -1 for an inhibitory spike (I + (-w) is I - w
// exactly), so results do not depend on how spikes are batched.
#pragma once
#include <cstddef>

#include <spark/sdk/vector_clones.hpp>

namespace spark::neurons {

/// Columns batched per pass: enough streams to cover the memory latency, few enough that the
/// loop keeps every pointer in a register.
inline constexpr std::size_t column_batch = 4;

namespace detail {

/// current[o] += sign[k] * column[k][o] for k = 0 .. Count - 1 in order, o in [o0, o1).
template <std::size_t Count, typename T>
void add_column_block(T* __restrict current,
                      const T* const* column,
                      const T* sign,
                      std::size_t o0,
                      std::size_t o1) noexcept {
    const T* __restrict c[Count];
    T s[Count];
    for (std::size_t k = 0; k < Count; ++k) {
        c[k] = column[k];
        s[k] = sign[k];
    }
    for (std::size_t o = o0; o < o1; ++o) {
        T x = current[o];
        for (std::size_t k = 0; k < Count; ++k) {
            x += s[k] * c[k][o];
        }
        current[o] = x;
    }
}

} // namespace detail

/// current[o] += sign[k] * column[k][o] for k = 0 .. count - 1 in order, o in [o0, o1);
/// count <= column_batch.
template <typename T>
SPARK_VECTOR_CLONES void add_columns(T* __restrict current,
                                     const T* const* column,
                                     const T* sign,
                                     std::size_t count,
                                     std::size_t o0,
                                     std::size_t o1) noexcept {
    static_assert(column_batch == 4, "one case per batch size");
    switch (count) {
    case 4:
        detail::add_column_block<4>(current, column, sign, o0, o1);
        return;
    case 3:
        detail::add_column_block<3>(current, column, sign, o0, o1);
        return;
    case 2:
        detail::add_column_block<2>(current, column, sign, o0, o1);
        return;
    case 1:
        detail::add_column_block<1>(current, column, sign, o0, o1);
        return;
    default:
        return;
    }
}

/// Full columns waiting to be added: delivery pushes them in spike order and flushes before any
/// listed group (whose additions must come after them) and at the end.
template <typename T>
class column_batcher {
public:
    column_batcher(T* current, std::size_t o0, std::size_t o1) noexcept
        : current_(current), o0_(o0), o1_(o1) {}

    void push(const T* column, bool inhibitory) noexcept {
        column_[count_] = column;
        sign_[count_] = inhibitory ? T(-1) : T(1);
        if (++count_ == column_batch) {
            flush();
        }
    }
    void flush() noexcept {
        add_columns(current_, column_, sign_, count_, o0_, o1_);
        count_ = 0;
    }

private:
    T* current_;
    std::size_t o0_;
    std::size_t o1_;
    const T* column_[column_batch] = {};
    T sign_[column_batch] = {};
    std::size_t count_ = 0;
};

} // namespace spark::neurons
