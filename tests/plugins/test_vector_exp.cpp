// SPDX-License-Identifier: Apache-2.0
// plugins/neurons/common/vector_exp.hpp: the AVX-512, AVX and SSE2 paths give the same bits (so a
// brain's results do not depend on the CPU), each element is within 1 ulp of exp computed in
// double and rounded, and an element's result does not depend on where it sits in the array (the
// tail goes through the same function as the blocks).
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <vector>

#include <boost/test/unit_test.hpp>

#include "common/vector_exp.hpp"

namespace {

/// Every 4099th float in [-103, 88]: subnormal, tiny, around 1 and near overflow results.
std::vector<float> float_sweep() {
    std::vector<float> xs;
    for (std::uint64_t b = 0; b <= 0xFFFFFFFFULL; b += 4099) {
        const auto bits = static_cast<std::uint32_t>(b);
        float x = 0;
        std::memcpy(&x, &bits, sizeof x);
        if (x > -103.0F && x < 88.0F) {
            xs.push_back(x);
        }
    }
    return xs;
}

std::int64_t ulps_apart(float a, float b) {
    std::int32_t ia = 0;
    std::int32_t ib = 0;
    std::memcpy(&ia, &a, sizeof a);
    std::memcpy(&ib, &b, sizeof b);
    return std::llabs(static_cast<std::int64_t>(ia) - static_cast<std::int64_t>(ib));
}

} // namespace

BOOST_AUTO_TEST_SUITE(vector_exp)

using spark::neurons::vector_isa;

/// exp_in_place() of `xs` with vectors no wider than `isa`.
template <typename T>
std::vector<T> exp_with(std::vector<T> xs, vector_isa isa) {
    spark::neurons::exp_in_place(xs.data(), xs.size(), isa);
    return xs;
}

BOOST_AUTO_TEST_CASE(every_path_gives_the_same_bits_within_one_ulp) {
    // The widest path this CPU has is the one the somas use; the narrower ones are what other
    // CPUs use. A CPU without AVX-512 (or AVX) runs the narrower path twice here: say so.
    BOOST_TEST_MESSAGE("widest exp path on this CPU: "
                       << static_cast<int>(spark::neurons::detail::widest_isa())
                       << " (0 SSE2, 1 AVX, 2 AVX-512)");
    const std::vector<float> xs = float_sweep();
    BOOST_TEST_REQUIRE(xs.size() > 400000U);
    const auto wide = exp_with(xs, vector_isa::avx512);
    const auto avx = exp_with(xs, vector_isa::avx);
    const auto sse2 = exp_with(xs, vector_isa::sse2);
    std::int64_t worst = 0;
    for (std::size_t i = 0; i < xs.size(); ++i) {
        BOOST_TEST_REQUIRE(std::memcmp(&avx[i], &sse2[i], sizeof(float)) == 0,
                           "exp(" << xs[i] << "): " << avx[i] << " (AVX) vs " << sse2[i]
                                  << " (SSE2)");
        BOOST_TEST_REQUIRE(std::memcmp(&wide[i], &sse2[i], sizeof(float)) == 0,
                           "exp(" << xs[i] << "): " << wide[i] << " (AVX-512) vs " << sse2[i]
                                  << " (SSE2)");
        const auto exact = static_cast<float>(std::exp(static_cast<double>(xs[i])));
        worst = std::max(worst, ulps_apart(wide[i], exact));
    }
    BOOST_TEST(worst <= 1);
}

// Doubles: SLEEF and libm are each within 1 ulp of exp, so they agree within 2.
BOOST_AUTO_TEST_CASE(doubles_agree_across_paths_and_with_libm) {
    std::vector<double> xs;
    for (double x = -700.0; x < 700.0; x += 0.37) {
        xs.push_back(x);
    }
    const auto wide = exp_with(xs, vector_isa::avx512);
    const auto avx = exp_with(xs, vector_isa::avx);
    const auto sse2 = exp_with(xs, vector_isa::sse2);
    for (std::size_t i = 0; i < xs.size(); ++i) {
        BOOST_TEST_REQUIRE(std::memcmp(&avx[i], &sse2[i], sizeof(double)) == 0);
        BOOST_TEST_REQUIRE(std::memcmp(&wide[i], &sse2[i], sizeof(double)) == 0);
        BOOST_TEST_REQUIRE(std::abs(wide[i] - std::exp(xs[i])) <= 4.5e-16 * std::exp(xs[i]));
    }
}

BOOST_AUTO_TEST_CASE(a_result_does_not_depend_on_its_position) {
    std::vector<float> xs(53);
    for (std::size_t i = 0; i < xs.size(); ++i) {
        xs[i] = -20.0F + 0.731F * static_cast<float>(i);
    }
    auto whole = xs;
    spark::neurons::exp_in_place(whole.data(), whole.size());
    // Every length from 1 to 53 (every split into AVX-512, AVX and SSE2 blocks and a tail), and
    // an offset start.
    for (std::size_t n = 1; n <= xs.size(); ++n) {
        for (const std::size_t first : {std::size_t{0}, xs.size() - n}) {
            std::vector<float> part(xs.begin() + static_cast<std::ptrdiff_t>(first),
                                    xs.begin() + static_cast<std::ptrdiff_t>(first + n));
            spark::neurons::exp_in_place(part.data(), part.size());
            for (std::size_t k = 0; k < n; ++k) {
                BOOST_TEST_REQUIRE(std::memcmp(&part[k], &whole[first + k], sizeof(float)) == 0,
                                   "n " << n << " first " << first << " k " << k);
            }
        }
    }
}

BOOST_AUTO_TEST_SUITE_END()
