// SPDX-License-Identifier: Apache-2.0
// plugins/neurons/neuron/scatter_add.hpp: one spike's additions land at (base + pos) & mask,
// wrapping around the end of the ring, each weight added once with its sign, the rest untouched.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <random>
#include <vector>

#include <boost/test/unit_test.hpp>

#include "neuron/scatter_add.hpp"

BOOST_AUTO_TEST_SUITE(scatter_add_tests)

BOOST_AUTO_TEST_CASE(each_weight_lands_once_at_its_wrapped_place) {
    std::mt19937 rng(11);
    constexpr std::size_t stride = 128; // a row: at least n_post, a power of two
    constexpr std::size_t rows = 8;
    constexpr std::size_t total = rows * stride;
    constexpr std::size_t n = 40;
    // n distinct (row, neuron) places, as one spike's synapses are.
    std::vector<std::uint32_t> all(total);
    for (std::size_t p = 0; p < total; ++p) {
        all[p] = static_cast<std::uint32_t>(p);
    }
    std::shuffle(all.begin(), all.end(), rng);
    const std::vector<std::uint32_t> pos(all.begin(), all.begin() + n);
    std::vector<float> weight(n);
    for (std::size_t k = 0; k < n; ++k) {
        weight[k] = (k % 2 == 0 ? 1.0F : -1.0F) * static_cast<float>(k + 1); // signed, exact
    }
    for (const std::size_t base : {std::size_t{0}, 5 * stride}) { // 5 rows on: some wrap
        std::vector<float> future(total, 0.5F);
        spark::neurons::scatter_add(
            future.data(), pos.data(), weight.data(), 0, n, base, total - 1);
        std::vector<float> expected(total, 0.5F);
        std::size_t wrapped = 0;
        for (std::size_t k = 0; k < n; ++k) {
            const std::size_t p = base + pos[k];
            wrapped += p >= total ? 1U : 0U;
            expected[p % total] += weight[k]; // computed apart: modulo, not the mask
        }
        BOOST_TEST(future == expected, boost::test_tools::per_element());
        if (base != 0) {
            BOOST_TEST(wrapped > 0U); // not vacuous: the wrap was exercised
        }
    }
}

BOOST_AUTO_TEST_SUITE_END()
