// SPDX-License-Identifier: Apache-2.0
// exp over an array with SLEEF (Debian libsleef-dev): the exponential somas spend most of a step
// in exp, and libm's scalar expf keeps their loops from vectorising. We call SLEEF's
// deterministic "cinz" functions (no FMA) by name rather than its dispatcher, which would pick an
// FMA variant on newer CPUs: the SSE2 ones (4 floats, 2 doubles) on every x86-64 CPU, the AVX
// ones (8 floats, 4 doubles) where the CPU has AVX, and the AVX-512 "nofma" ones (16 floats, 8
// doubles) where it has AVX-512F (1.7 times the AVX ones' rate on an AMD EPYC, measured). All give
// the same bits (tests/plugins/test_vector_exp.cpp checks it), within 1 ulp of the exact exp, so a
// result does not depend on the machine. Every element, the tail included, goes through one of
// them, so it does not depend on its position or on the population's size either.
#pragma once
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <type_traits>

#if defined(__x86_64__)
#    include <immintrin.h>
#    include <sleef.h>
#    if !defined(__AVX__)
// sleef.h declares its AVX functions only when the whole file is compiled for AVX; this file
// calls them from one function compiled for AVX (exp_avx), on CPUs that have it.
extern "C" __m256 Sleef_cinz_expf8_u10avx(__m256);
extern "C" __m256d Sleef_cinz_expd4_u10avx(__m256d);
#    endif
#    if !defined(__AVX512F__)
extern "C" __m512 Sleef_cinz_expf16_u10avx512fnofma(__m512);
extern "C" __m512d Sleef_cinz_expd8_u10avx512fnofma(__m512d);
#    endif
#endif

namespace spark::neurons {

/// The vector units exp_in_place() may use, widest last.
enum class vector_isa { sse2, avx, avx512 };

namespace detail {

#if defined(__x86_64__)

/// x[i] <- exp(x[i]) for i < n, n a multiple of 16 / sizeof(T): SSE2, every x86-64 CPU.
template <typename T>
void exp_sse2(T* x, std::size_t n) noexcept {
    for (std::size_t i = 0; i < n; i += 16 / sizeof(T)) {
        if constexpr (std::is_same_v<T, float>) {
            _mm_storeu_ps(x + i, Sleef_cinz_expf4_u10sse2(_mm_loadu_ps(x + i)));
        } else {
            _mm_storeu_pd(x + i, Sleef_cinz_expd2_u10sse2(_mm_loadu_pd(x + i)));
        }
    }
}

/// The same for n a multiple of 32 / sizeof(T), with AVX (callers check widest_isa()).
template <typename T>
__attribute__((target("avx"))) void exp_avx(T* x, std::size_t n) noexcept {
    // SLEEF through a pointer: clang 14 refuses a direct call from an AVX function to one
    // declared without the target attribute (an "ABI change"); the pointer's call has this ABI.
    if constexpr (std::is_same_v<T, float>) {
        __m256 (*const exp8)(__m256) = Sleef_cinz_expf8_u10avx;
        for (std::size_t i = 0; i < n; i += 8) {
            _mm256_storeu_ps(x + i, exp8(_mm256_loadu_ps(x + i)));
        }
    } else {
        __m256d (*const exp4)(__m256d) = Sleef_cinz_expd4_u10avx;
        for (std::size_t i = 0; i < n; i += 4) {
            _mm256_storeu_pd(x + i, exp4(_mm256_loadu_pd(x + i)));
        }
    }
}

/// The same for n a multiple of 64 / sizeof(T), with AVX-512F (callers check widest_isa()).
template <typename T>
__attribute__((target("avx512f"))) void exp_avx512(T* x, std::size_t n) noexcept {
    if constexpr (std::is_same_v<T, float>) { // SLEEF through a pointer, as in exp_avx
        __m512 (*const exp16)(__m512) = Sleef_cinz_expf16_u10avx512fnofma;
        for (std::size_t i = 0; i < n; i += 16) {
            _mm512_storeu_ps(x + i, exp16(_mm512_loadu_ps(x + i)));
        }
    } else {
        __m512d (*const exp8)(__m512d) = Sleef_cinz_expd8_u10avx512fnofma;
        for (std::size_t i = 0; i < n; i += 8) {
            _mm512_storeu_pd(x + i, exp8(_mm512_loadu_pd(x + i)));
        }
    }
}

/// The widest vector_isa this CPU runs.
inline vector_isa widest_isa() noexcept {
    static const vector_isa isa = __builtin_cpu_supports("avx512f") != 0 ? vector_isa::avx512
                                  : __builtin_cpu_supports("avx") != 0   ? vector_isa::avx
                                                                         : vector_isa::sse2;
    return isa;
}

#endif

} // namespace detail

/// x[i] <- exp(x[i]) for i < n, with the widest vectors the CPU has up to `at_most` (tests ask
/// for narrower ones; same bits).
template <typename T>
void exp_in_place(T* x, std::size_t n, vector_isa at_most = vector_isa::avx512) noexcept {
    static_assert(std::is_same_v<T, float> || std::is_same_v<T, double>, "float or double");
#if !defined(__x86_64__)
    static_cast<void>(at_most);
    for (std::size_t i = 0; i < n; ++i) {
        x[i] = std::exp(x[i]);
    }
#else
    const vector_isa isa = std::min(at_most, detail::widest_isa());
    std::size_t done = 0;
    if (isa == vector_isa::avx512) {
        done = n / (64 / sizeof(T)) * (64 / sizeof(T));
        detail::exp_avx512(x, done);
    }
    if (isa >= vector_isa::avx) {
        const std::size_t blocks = done + (n - done) / (32 / sizeof(T)) * (32 / sizeof(T));
        detail::exp_avx(x + done, blocks - done);
        done = blocks;
    }
    constexpr std::size_t lanes = 16 / sizeof(T);
    const std::size_t whole = done + (n - done) / lanes * lanes;
    detail::exp_sse2(x + done, whole - done);
    if (whole < n) {
        T tail[lanes] = {};
        std::copy(x + whole, x + n, tail);
        detail::exp_sse2(tail, lanes);
        std::copy(tail, tail + (n - whole), x + whole);
    }
#endif
}

} // namespace spark::neurons
