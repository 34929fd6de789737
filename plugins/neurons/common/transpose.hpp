// SPDX-License-Identifier: Apache-2.0
// A row-major (rows, cols) matrix into its transpose, in square tiles so that both the reads and
// the writes stay within a few cache lines (a plain double loop misses the cache on every write
// once a column no longer fits: a 16,000 x 16,000 kernel took seconds to build).
#pragma once
#include <algorithm>
#include <cstddef>
#include <utility>

namespace spark::neurons {

/// dst[c * rows + r] = To(src[r * cols + c]) for every c < cols and r in the tile rows r0 =
/// 32 (first + k stride). Parts with the same stride and different firsts write disjoint
/// elements, so they may run at once.
template <typename To, typename From>
void transpose_tile_rows_into(const From* src,
                              std::size_t rows,
                              std::size_t cols,
                              To* dst,
                              std::size_t first,
                              std::size_t stride) noexcept {
    constexpr std::size_t tile = 32;
    for (std::size_t r0 = first * tile; r0 < rows; r0 += stride * tile) {
        const std::size_t r1 = std::min(rows, r0 + tile);
        for (std::size_t c0 = 0; c0 < cols; c0 += tile) {
            const std::size_t c1 = std::min(cols, c0 + tile);
            for (std::size_t r = r0; r < r1; ++r) {
                for (std::size_t c = c0; c < c1; ++c) {
                    dst[c * rows + r] = static_cast<To>(src[r * cols + c]);
                }
            }
        }
    }
}

/// dst[c * rows + r] = To(src[r * cols + c]) for every r < rows, c < cols.
template <typename To, typename From>
void transpose_into(const From* src, std::size_t rows, std::size_t cols, To* dst) noexcept {
    transpose_tile_rows_into(src, rows, cols, dst, 0, 1);
}

/// Part of turning a row-major n x n matrix into its transpose in place: the tile rows r0 =
/// 32 (first + k stride), each swapped with its tile column. Different tile rows touch disjoint
/// elements, so parts with the same stride and different firsts may run at once.
template <typename T>
void transpose_square_tile_rows(T* m,
                                std::size_t n,
                                std::size_t first,
                                std::size_t stride) noexcept {
    constexpr std::size_t tile = 32;
    for (std::size_t r0 = first * tile; r0 < n; r0 += stride * tile) {
        const std::size_t r1 = std::min(n, r0 + tile);
        for (std::size_t c0 = r0; c0 < n; c0 += tile) {
            const std::size_t c1 = std::min(n, c0 + tile);
            for (std::size_t r = r0; r < r1; ++r) {
                // On the diagonal tile only the part above the diagonal swaps.
                for (std::size_t c = c0 == r0 ? r + 1 : c0; c < c1; ++c) {
                    std::swap(m[r * n + c], m[c * n + r]);
                }
            }
        }
    }
}

/// A row-major n x n matrix into its transpose in place, tile by tile (no second copy: a dense
/// 16,000-neuron layer's kernel is 1 GiB in float32).
template <typename T>
void transpose_square_in_place(T* m, std::size_t n) noexcept {
    transpose_square_tile_rows(m, n, 0, 1);
}

} // namespace spark::neurons
