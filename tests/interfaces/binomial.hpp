// SPDX-License-Identifier: Apache-2.0
// Exact binomial confidence bounds, from the probability mass function (not from our code): the
// range a count of successes in n independent trials of probability p falls in with probability
// at least `confidence`, cutting (1 - confidence) / 2 from each tail.
#pragma once
#include <cmath>
#include <cstddef>
#include <utility>

namespace spark::test {

/// [lo, hi]: lo is the smallest k with P(X <= k) >= tail, hi the smallest k with
/// P(X <= k) >= 1 - tail, where tail = (1 - confidence) / 2 and X ~ Binomial(n, p).
[[nodiscard]] inline std::pair<std::size_t, std::size_t>
binomial_interval(std::size_t n, double p, double confidence) {
    if (p <= 0.0) {
        return {0, 0};
    }
    if (p >= 1.0) {
        return {n, n};
    }
    const double tail = (1.0 - confidence) / 2.0;
    const double nd = static_cast<double>(n);
    const double log_n_factorial = std::lgamma(nd + 1.0);
    double cdf = 0.0;
    std::size_t lo = n;
    bool have_lo = false;
    for (std::size_t k = 0; k <= n; ++k) {
        const double kd = static_cast<double>(k);
        const double log_pmf = log_n_factorial - std::lgamma(kd + 1.0) -
                               std::lgamma(nd - kd + 1.0) + kd * std::log(p) +
                               (nd - kd) * std::log1p(-p);
        cdf += std::exp(log_pmf);
        if (!have_lo && cdf >= tail) {
            lo = k;
            have_lo = true;
        }
        if (cdf >= 1.0 - tail) {
            return {lo, k};
        }
    }
    return {lo, n};
}

} // namespace spark::test
