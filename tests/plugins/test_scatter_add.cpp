// SPDX-License-Identifier: Apache-2.0
// plugins/neurons/neuron/scatter_add.hpp: the vector path (AVX-512 gather and scatter, where the
// CPU has it) gives the plain loop's bits: every length around the 16-lane block, additions that
// wrap around the end of the ring, both signs, and values whose sum rounds.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <random>
#include <vector>

#include <boost/test/unit_test.hpp>

#include "neuron/scatter_add.hpp"

BOOST_AUTO_TEST_SUITE(scatter_add_tests)

BOOST_AUTO_TEST_CASE(the_vector_path_gives_the_plain_loops_bits) {
    std::mt19937 rng(11);
    constexpr std::size_t n_post = 97;
    constexpr std::size_t rows = 5;
    constexpr std::size_t total = rows * n_post;
    std::uniform_real_distribution<float> value(-3.0F, 3.0F);
    for (std::size_t n = 0; n <= 50; ++n) {
        // n distinct (row, neuron) places, as one spike's synapses are.
        std::vector<std::uint32_t> all(total);
        for (std::size_t p = 0; p < total; ++p) {
            all[p] = static_cast<std::uint32_t>(p);
        }
        std::shuffle(all.begin(), all.end(), rng);
        const std::vector<std::uint32_t> pos(all.begin(),
                                             all.begin() + static_cast<std::ptrdiff_t>(n));
        std::vector<float> weight(n);
        for (auto& w : weight) {
            w = value(rng);
        }
        std::vector<float> start(total);
        for (auto& x : start) {
            x = value(rng) * 1e3F; // sums that round
        }
        for (const std::size_t base : {std::size_t{0}, 3 * n_post}) { // 3 * n_post wraps
            for (const float sign : {1.0F, -1.0F}) {
                auto plain = start;
                auto dispatched = start;
                spark::neurons::detail::scatter_add_plain(
                    plain.data(), pos.data(), weight.data(), 0, n, base, total, sign);
                spark::neurons::scatter_add(
                    dispatched.data(), pos.data(), weight.data(), 0, n, base, total, sign);
                BOOST_TEST_REQUIRE(std::memcmp(plain.data(), dispatched.data(), total * 4) == 0,
                                   "n " << n << " base " << base << " sign " << sign);
                // and something was added where expected
                if (n > 0) {
                    std::size_t p = base + pos[0];
                    p = p >= total ? p - total : p;
                    BOOST_TEST_REQUIRE(plain[p] == start[p] + sign * weight[0]);
                }
            }
        }
    }
}

BOOST_AUTO_TEST_SUITE_END()
