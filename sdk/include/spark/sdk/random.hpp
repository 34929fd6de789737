// SPDX-License-Identifier: Apache-2.0
// A module's own random stream: seeded from its config seed, identical on every platform and
// compiler (std::mt19937_64 is fully specified by the standard; the standard distributions are
// not, so the few we need are written here), independent of threads and step order.
#pragma once
#include <cstddef>
#include <cstdint>
#include <random>
#include <utility>
#include <vector>

namespace spark::sdk {

/// The top 53 of 64 random bits as a double in [0, 1). Converted through int64 (exact: the value
/// is below 2^53), which is one instruction where an unsigned 64-bit conversion is a branch.
[[nodiscard]] inline double to_unit(std::uint64_t bits) noexcept {
    return static_cast<double>(static_cast<std::int64_t>(bits >> 11)) * 0x1.0p-53;
}

class random_stream {
public:
    /// `stream` separates independent uses of one seed (e.g. 0 for build-time draws, 1 for steps).
    explicit random_stream(std::uint64_t seed, std::uint64_t stream = 0)
        : engine_(mix(seed ^ mix(stream + 0x9e3779b97f4a7c15ULL))) {}

    /// Uniform in [0, 1), 53 random bits.
    double uniform() { return to_unit(engine_()); }

    /// Uniform integer in [0, n), unbiased (rejection sampling). n > 0.
    std::uint64_t below(std::uint64_t n) {
        const std::uint64_t limit = ~std::uint64_t{0} - (~std::uint64_t{0} % n);
        std::uint64_t x = engine_();
        while (x >= limit) {
            x = engine_();
        }
        return x % n;
    }

    /// A uniformly random permutation of 0..n-1 (Fisher-Yates).
    std::vector<std::size_t> permutation(std::size_t n) {
        std::vector<std::size_t> p(n);
        for (std::size_t i = 0; i < n; ++i) {
            p[i] = i;
        }
        for (std::size_t i = n; i > 1; --i) {
            std::swap(p[i - 1], p[static_cast<std::size_t>(below(i))]);
        }
        return p;
    }

    /// Raw 64 random bits.
    std::uint64_t bits() { return engine_(); }

private:
    // SplitMix64 finaliser: nearby seeds (0, 1, 2...) give unrelated engine states.
    static std::uint64_t mix(std::uint64_t z) {
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
        return z ^ (z >> 31);
    }
    std::mt19937_64 engine_;
};

/// Random bits addressed by a counter instead of drawn in sequence: draw k of a key depends only
/// on (key, k), so any element can be drawn first, in any order, on any thread, and a restored
/// state needs no generator state. Each draw is SplitMix64's output for state key + (k + 1) gamma
/// (Steele, Lea and Flood, 2014: the sequence passes BigCrush), about 1 ns where a sequential
/// mt19937_64 also pays for its twists and re-seeding.
class counter_stream {
public:
    /// `stream` separates independent uses of one seed, as random_stream's does.
    explicit counter_stream(std::uint64_t seed, std::uint64_t stream = 0) noexcept
        : key_(mix(seed ^ mix(stream + gamma))) {}

    /// 64 random bits for counter k.
    [[nodiscard]] std::uint64_t bits(std::uint64_t k) const noexcept {
        return mix(key_ + (k + 1) * gamma);
    }
    /// Uniform in [0, 1) for counter k, 53 random bits.
    [[nodiscard]] double uniform(std::uint64_t k) const noexcept { return to_unit(bits(k)); }

private:
    static constexpr std::uint64_t gamma = 0x9e3779b97f4a7c15ULL;
    static constexpr std::uint64_t mix(std::uint64_t z) noexcept {
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
        return z ^ (z >> 31);
    }
    std::uint64_t key_;
};

} // namespace spark::sdk
