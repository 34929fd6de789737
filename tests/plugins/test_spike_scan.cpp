// SPDX-License-Identifier: Apache-2.0
// plugins/neurons/common/spike_scan.hpp: the block-at-a-time spike passes give exactly what the
// byte-by-byte loops they replace give, for every length around the 16-byte and 8-byte blocks
// (tails) and for sparse, dense, empty and full spike patterns, with the inhibition bit and other
// high bits set in the input.
#include <cstddef>
#include <cstdint>
#include <random>
#include <vector>

#include <boost/test/unit_test.hpp>

#include "common/spike_scan.hpp"

namespace {

/// Input bytes: bit0 a spike with probability p, bit1 (inhibition) and bit7 set at random.
std::vector<std::uint8_t> random_input(std::size_t n, double p, std::mt19937& rng) {
    std::bernoulli_distribution spike(p);
    std::bernoulli_distribution other(0.5);
    std::vector<std::uint8_t> in(n);
    for (auto& b : in) {
        b = static_cast<std::uint8_t>((spike(rng) ? 1U : 0U) | (other(rng) ? 2U : 0U) |
                                      (other(rng) ? 128U : 0U));
    }
    return in;
}

} // namespace

BOOST_AUTO_TEST_SUITE(spike_scan)

BOOST_AUTO_TEST_CASE(passes_match_the_byte_loops) {
    std::mt19937 rng(7);
    for (std::size_t n = 0; n <= 70; ++n) {
        for (const double p : {0.0, 0.03, 0.5, 1.0}) {
            const auto in = random_input(n, p, rng);
            // copy_spikes: row = a spike with its inhibition bit (1 or 3; 0 without a spike, bit1
            // alone dropped), list = indices of the spikes.
            std::vector<std::uint8_t> row(n, 9);
            std::vector<std::uint32_t> list(n + 1, 0);
            const auto count = spark::neurons::copy_spikes(in.data(), row.data(), n, list.data());
            std::vector<std::uint32_t> expected;
            std::vector<std::uint8_t> spiked(n);
            for (std::size_t i = 0; i < n; ++i) {
                spiked[i] = static_cast<std::uint8_t>(in[i] & 1U);
                BOOST_TEST_REQUIRE(row[i] == (spiked[i] != 0 ? (in[i] & 3U) : 0U),
                                   "n " << n << " i " << i);
                if ((in[i] & 1U) != 0) {
                    expected.push_back(static_cast<std::uint32_t>(i));
                }
            }
            BOOST_TEST_REQUIRE(count == expected.size());
            for (std::size_t k = 0; k < count; ++k) {
                BOOST_TEST_REQUIRE(list[k] == expected[k]);
            }
            // list_spikes on the row (bytes 0, 1 and 3) gives the same list.
            std::vector<std::uint32_t> again(n + 1, 0);
            BOOST_TEST_REQUIRE(spark::neurons::list_spikes(row.data(), n, again.data()) == count);
            for (std::size_t k = 0; k < count; ++k) {
                BOOST_TEST_REQUIRE(again[k] == expected[k]);
            }
            // label_spikes: out = spike | mask << 1, list of the spikes.
            std::vector<std::uint8_t> mask(n);
            for (std::size_t i = 0; i < n; ++i) {
                mask[i] = static_cast<std::uint8_t>((in[i] >> 1U) & 1U);
            }
            std::vector<std::uint8_t> out(n, 9);
            std::vector<std::uint32_t> fired(n + 1, 0);
            BOOST_TEST_REQUIRE(spark::neurons::label_spikes(
                                   spiked.data(), mask.data(), n, out.data(), fired.data()) ==
                               count);
            for (std::size_t i = 0; i < n; ++i) {
                BOOST_TEST_REQUIRE(out[i] == (spiked[i] | (mask[i] << 1U)));
            }
            for (std::size_t k = 0; k < count; ++k) {
                BOOST_TEST_REQUIRE(fired[k] == expected[k]);
            }
        }
    }
}

BOOST_AUTO_TEST_SUITE_END()
