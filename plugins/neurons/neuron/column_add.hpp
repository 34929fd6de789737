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

/// current[o] += sign[k] * column[k][o] for k = 0 .. count - 1 in order, o in [o0, o1);
/// count <= column_batch.
template <typename T>
SPARK_VECTOR_CLONES void add_columns(T* __restrict current,
                                     const T* const* column,
                                     const T* sign,
                                     std::size_t count,
                                     std::size_t o0,
                                     std::size_t o1) noexcept {
    switch (count) {
    case 4: {
        const T* __restrict a = column[0];
        const T* __restrict b = column[1];
        const T* __restrict c = column[2];
        const T* __restrict d = column[3];
        const T sa = sign[0], sb = sign[1], sc = sign[2], sd = sign[3];
        for (std::size_t o = o0; o < o1; ++o) {
            T x = current[o];
            x += sa * a[o];
            x += sb * b[o];
            x += sc * c[o];
            x += sd * d[o];
            current[o] = x;
        }
        return;
    }
    case 3: {
        const T* __restrict a = column[0];
        const T* __restrict b = column[1];
        const T* __restrict c = column[2];
        const T sa = sign[0], sb = sign[1], sc = sign[2];
        for (std::size_t o = o0; o < o1; ++o) {
            T x = current[o];
            x += sa * a[o];
            x += sb * b[o];
            x += sc * c[o];
            current[o] = x;
        }
        return;
    }
    case 2: {
        const T* __restrict a = column[0];
        const T* __restrict b = column[1];
        const T sa = sign[0], sb = sign[1];
        for (std::size_t o = o0; o < o1; ++o) {
            T x = current[o];
            x += sa * a[o];
            x += sb * b[o];
            current[o] = x;
        }
        return;
    }
    case 1: {
        const T* __restrict a = column[0];
        const T sa = sign[0];
        for (std::size_t o = o0; o < o1; ++o) {
            current[o] += sa * a[o];
        }
        return;
    }
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
