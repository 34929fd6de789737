// SPDX-License-Identifier: Apache-2.0
// exp over an array, four floats (two doubles) at a time, with SLEEF (Debian libsleef-dev): the
// exponential somas spend most of a step in exp, and libm's scalar expf keeps their loops from
// vectorising. We call SLEEF's "cinz" SSE2 functions by name rather than its dispatcher: they
// give the same bits on every x86-64 machine (no FMA, no per-CPU variant), within 1 ulp of the
// exact exp. Every element, the tail included, goes through the same function, so a neuron's
// result does not depend on its position or on the population's size.
#pragma once
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <type_traits>

#if defined(__SSE2__)
#    include <emmintrin.h>
#    include <sleef.h>
#endif

namespace spark::neurons {

/// x[i] <- exp(x[i]) for i < n.
template <typename T>
void exp_in_place(T* x, std::size_t n) noexcept {
    static_assert(std::is_same_v<T, float> || std::is_same_v<T, double>, "float or double");
#if !defined(__SSE2__)
    for (std::size_t i = 0; i < n; ++i) {
        x[i] = std::exp(x[i]);
    }
#else
    constexpr std::size_t lanes = 16 / sizeof(T);
    const auto block = [](T* p) {
        if constexpr (std::is_same_v<T, float>) {
            _mm_storeu_ps(p, Sleef_cinz_expf4_u10sse2(_mm_loadu_ps(p)));
        } else {
            _mm_storeu_pd(p, Sleef_cinz_expd2_u10sse2(_mm_loadu_pd(p)));
        }
    };
    std::size_t i = 0;
    for (; i + lanes <= n; i += lanes) {
        block(x + i);
    }
    if (i < n) {
        T tail[lanes] = {};
        std::copy(x + i, x + n, tail);
        block(tail);
        std::copy(tail, tail + (n - i), x + i);
    }
#endif
}

} // namespace spark::neurons
