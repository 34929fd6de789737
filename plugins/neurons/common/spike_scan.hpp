// SPDX-License-Identifier: Apache-2.0
// The per-step passes over a population's spike bytes, 16 (SSE2) or eight bytes at a time. Spikes
// are sparse (a few per cent of neurons per step), so a scan that tests one byte per iteration
// spends most of a sparse network's step on zeros; these test a block at once and visit only the
// set bytes. Every function gives exactly what its byte-by-byte loop would.
#pragma once
#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>

#if defined(__SSE2__)
#    include <emmintrin.h>
#endif

namespace spark::neurons {

namespace detail {

/// Appends base + (index of each set byte of `word`) to list; `word` holds only 0x00 or 0x01
/// bytes, byte k being element base + k (little-endian load).
inline std::uint32_t
append_set_bytes(std::uint64_t word, std::size_t base, std::uint32_t* list, std::uint32_t n) {
    while (word != 0) {
        list[n++] =
            static_cast<std::uint32_t>(base + static_cast<std::size_t>(std::countr_zero(word) / 8));
        word &= word - 1;
    }
    return n;
}

/// Appends base + (index of each set bit of `bits`) to list.
inline std::uint32_t
append_set_bits(std::uint32_t bits, std::size_t base, std::uint32_t* list, std::uint32_t n) {
    while (bits != 0) {
        list[n++] =
            static_cast<std::uint32_t>(base + static_cast<std::size_t>(std::countr_zero(bits)));
        bits &= bits - 1;
    }
    return n;
}

inline std::uint64_t load_word(const std::uint8_t* p) noexcept {
    std::uint64_t word = 0;
    std::memcpy(&word, p, sizeof word);
    return word;
}

} // namespace detail

/// A spike byte as a spike ring keeps it: bit0 and bit1 when bit0 is set (1 or 3), else 0.
[[nodiscard]] inline std::uint8_t spike_with_sign(std::uint8_t in) noexcept {
    const auto bits = static_cast<unsigned>(in & 3U);
    return static_cast<std::uint8_t>(bits & (0U - (bits & 1U)));
}

/// The indices of the non-zero bytes of row[0 .. n) into list, ascending: each byte 0 or a spike
/// byte with bit0 set (1, or 3 in a spike ring: an inhibitory neuron's spike). Returns how many.
inline std::uint32_t list_spikes(const std::uint8_t* __restrict row,
                                 std::size_t n,
                                 std::uint32_t* __restrict list) noexcept {
    std::uint32_t count = 0;
    std::size_t i = 0;
#if defined(__SSE2__)
    // 16 bytes per test (every x86-64 has SSE2): a byte compare and its sign bits give a 16-bit
    // mask of the non-zero bytes, so a sparse row costs one branch per 16 neurons.
    const __m128i zero = _mm_setzero_si128();
    for (; i + 16 <= n; i += 16) {
        const __m128i bytes = _mm_loadu_si128(reinterpret_cast<const __m128i*>(row + i));
        const auto zeros =
            static_cast<std::uint32_t>(_mm_movemask_epi8(_mm_cmpeq_epi8(bytes, zero)));
        count = detail::append_set_bits(zeros ^ 0xFFFFU, i, list, count);
    }
#endif
    if constexpr (std::endian::native == std::endian::little) {
        // bit0 alone: a byte 3 is one spike, not two set bits.
        constexpr std::uint64_t bit0s = 0x0101010101010101ULL;
        for (; i + 8 <= n; i += 8) {
            count = detail::append_set_bytes(detail::load_word(row + i) & bit0s, i, list, count);
        }
    }
    for (; i < n; ++i) {
        if (row[i] != 0) {
            list[count++] = static_cast<std::uint32_t>(i);
        }
    }
    return count;
}

/// row[i] = in[i]'s spike with its inhibition bit (1 or 3; 0 without a spike: bit1 alone is
/// dropped), and the indices of the spikes into list in ascending order. Returns how many. A spike
/// keeps the sign of its emission step while it waits in the ring.
inline std::uint32_t copy_spikes(const std::uint8_t* __restrict in,
                                 std::uint8_t* __restrict row,
                                 std::size_t n,
                                 std::uint32_t* __restrict list) noexcept {
    for (std::size_t i = 0; i < n; ++i) {
        row[i] = spike_with_sign(in[i]); // vectorised
    }
    return list_spikes(row, n, list);
}

/// out[o] = spiked[o] | mask[o] << 1 (a spike byte with the inhibition bit) for o < n, and the
/// indices of the spikes into list, ascending. spiked and mask hold 0 or 1. Returns how many.
inline std::uint32_t label_spikes(const std::uint8_t* __restrict spiked,
                                  const std::uint8_t* __restrict mask,
                                  std::size_t n,
                                  std::uint8_t* __restrict out,
                                  std::uint32_t* __restrict list) noexcept {
    for (std::size_t o = 0; o < n; ++o) {
        out[o] = static_cast<std::uint8_t>(spiked[o] | (mask[o] << 1U));
    }
    return list_spikes(spiked, n, list);
}

} // namespace spark::neurons
