// SPDX-License-Identifier: Apache-2.0
// The layout helpers neurons build their kernels with (plugins/neurons/common/): the tiled
// transpose and the in-place square one give the plain definition's result at sizes around the
// tile (32) and with ragged edges, and large_vector's storage is aligned as it promises.
#include <cstddef>
#include <cstdint>
#include <vector>

#include <boost/test/unit_test.hpp>

#include "common/large_vector.hpp"
#include "common/transpose.hpp"

namespace {

/// m[r][c] = r * 1000 + c: every element tells where it came from.
std::vector<std::int32_t> labelled(std::size_t rows, std::size_t cols) {
    std::vector<std::int32_t> m(rows * cols);
    for (std::size_t r = 0; r < rows; ++r) {
        for (std::size_t c = 0; c < cols; ++c) {
            m[r * cols + c] = static_cast<std::int32_t>(r * 1000 + c);
        }
    }
    return m;
}

} // namespace

BOOST_AUTO_TEST_SUITE(kernel_layout)

BOOST_AUTO_TEST_CASE(tiled_transpose_matches_the_definition) {
    for (const auto& [rows, cols] : {std::pair<std::size_t, std::size_t>{1, 1},
                                     {1, 70},
                                     {70, 1},
                                     {31, 33},
                                     {32, 32},
                                     {33, 65},
                                     {100, 7}}) {
        const auto m = labelled(rows, cols);
        std::vector<std::int32_t> t(m.size(), -1);
        spark::neurons::transpose_into(m.data(), rows, cols, t.data());
        for (std::size_t r = 0; r < rows; ++r) {
            for (std::size_t c = 0; c < cols; ++c) {
                BOOST_TEST_REQUIRE(t[c * rows + r] == m[r * cols + c],
                                   rows << "x" << cols << " at " << r << "," << c);
            }
        }
    }
}

BOOST_AUTO_TEST_CASE(square_transpose_in_place_matches_the_definition) {
    for (const std::size_t n : {1U, 2U, 31U, 32U, 33U, 64U, 97U}) {
        const auto m = labelled(n, n);
        auto t = m;
        spark::neurons::transpose_square_in_place(t.data(), n);
        for (std::size_t r = 0; r < n; ++r) {
            for (std::size_t c = 0; c < n; ++c) {
                BOOST_TEST_REQUIRE(t[c * n + r] == m[r * n + c], n << " at " << r << "," << c);
            }
        }
    }
}

BOOST_AUTO_TEST_CASE(large_vectors_are_aligned_for_cache_lines_and_huge_pages) {
    const spark::neurons::large_vector<float> small(10);
    BOOST_TEST(reinterpret_cast<std::uintptr_t>(small.data()) % 64 == 0U);
    const spark::neurons::large_vector<float> large((std::size_t{2} << 20U) / sizeof(float) + 1);
    BOOST_TEST(reinterpret_cast<std::uintptr_t>(large.data()) % (std::size_t{2} << 20U) == 0U);
    BOOST_TEST(large.back() == 0.0F); // value-initialised like any vector
}

BOOST_AUTO_TEST_SUITE_END()
