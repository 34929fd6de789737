// SPDX-License-Identifier: Apache-2.0
// One spike's additions into the ring of future currents (neuron/pending_current.hpp):
// future[(base + pos[k]) mod total] += sign * weight[k] for k in [k0, k1). A spike's synapses
// reach distinct (arrival row, postsynaptic neuron) pairs, so no two of its additions touch one
// element, and sixteen can go at once: an AVX-512 gather, add and scatter where the CPU has
// AVX-512F, the plain loop elsewhere. Each element gets the same one addition either way (sign *
// weight is exact for sign = +-1), so the results are the same bits.
#pragma once
#include <cstddef>
#include <cstdint>

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) &&                             \
    !defined(__SANITIZE_ADDRESS__)
#    include <immintrin.h>
#    define SPARK_SCATTER_AVX512 1
#endif

namespace spark::neurons {

namespace detail {

template <typename T>
void scatter_add_plain(T* __restrict future,
                       const std::uint32_t* __restrict pos,
                       const T* __restrict weight,
                       std::size_t k0,
                       std::size_t k1,
                       std::size_t base,
                       std::size_t total,
                       T sign) noexcept {
    for (std::size_t k = k0; k < k1; ++k) {
        std::size_t p = base + pos[k];
        p = p >= total ? p - total : p;
        future[p] += sign * weight[k];
    }
}

#if defined(SPARK_SCATTER_AVX512)

// Unoptimised builds expand GCC's gather and scatter intrinsics as macros that convert the mask
// to a signed short: a -Wsign-conversion warning in this file, not a bug.
#    pragma GCC diagnostic push
#    pragma GCC diagnostic ignored "-Wsign-conversion"

/// The float version, sixteen additions at once; total < 2^31 (int32 gather indices).
__attribute__((target("avx512f"))) inline void scatter_add_avx512(float* future,
                                                                  const std::uint32_t* pos,
                                                                  const float* weight,
                                                                  std::size_t k0,
                                                                  std::size_t k1,
                                                                  std::size_t base,
                                                                  std::size_t total,
                                                                  float sign) noexcept {
    const __m512i vbase = _mm512_set1_epi32(static_cast<int>(base));
    const __m512i vtotal = _mm512_set1_epi32(static_cast<int>(total));
    const __m512 vsign = _mm512_set1_ps(sign);
    std::size_t k = k0;
    for (; k + 16 <= k1; k += 16) {
        __m512i p = _mm512_add_epi32(vbase, _mm512_loadu_si512(pos + k));
        const __mmask16 wrap = _mm512_cmpge_epu32_mask(p, vtotal);
        p = _mm512_mask_sub_epi32(p, wrap, p, vtotal);
        const __m512 added = _mm512_mul_ps(vsign, _mm512_loadu_ps(weight + k));
        // The masked form: the plain one starts from an undefined vector (a GCC warning).
        const __m512 old = _mm512_mask_i32gather_ps(_mm512_setzero_ps(), 0xFFFF, p, future, 4);
        const __m512 sum = _mm512_add_ps(old, added);
        _mm512_i32scatter_ps(future, p, sum, 4);
    }
    scatter_add_plain(future, pos, weight, k, k1, base, total, sign);
}

#    pragma GCC diagnostic pop

inline bool has_avx512f() noexcept {
    static const bool yes = __builtin_cpu_supports("avx512f") != 0;
    return yes;
}

#endif

} // namespace detail

/// future[(base + pos[k]) mod total] += sign * weight[k] for k in [k0, k1); base and every
/// pos[k] < total, and no two k of one call reach the same element.
template <typename T>
void scatter_add(T* future,
                 const std::uint32_t* pos,
                 const T* weight,
                 std::size_t k0,
                 std::size_t k1,
                 std::size_t base,
                 std::size_t total,
                 T sign) noexcept {
#if defined(SPARK_SCATTER_AVX512)
    if constexpr (sizeof(T) == 4) {
        if (total < (std::size_t{1} << 31U) && detail::has_avx512f()) {
            detail::scatter_add_avx512(future, pos, weight, k0, k1, base, total, sign);
            return;
        }
    }
#endif
    detail::scatter_add_plain(future, pos, weight, k0, k1, base, total, sign);
}

} // namespace spark::neurons
