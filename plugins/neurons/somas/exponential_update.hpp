// SPDX-License-Identifier: Apache-2.0
// One time step of upstream's exponential somas for a population (docs/models.md sections
// 4.5-4.8), forward Euler with the exponential evaluated at the pre-update potential:
//   v <- v + kappa (-v + Delta_T exp((v - v_rh) / Delta_T) [- R w] + [ready] R I)
// then a strict threshold test and the reset. The refractory ones gate only the input (leak and
// exponential term continue) and need readiness (counter r > c) to spike; AdEx then updates its
// adaptation current with the post-reset potential, the simplified one its threshold. Operations
// are rounded in upstream's order, so float32 runs match upstream's float32 up to exp itself
// (common/vector_exp.hpp: within 1 ulp). A population is updated in chunks: the chunk's
// exponentials first (vectorised), then the rest of the step over plain, non-overlapping arrays
// (vectorised too; `potential` is written only when it is not `v`).
#pragma once
#include <algorithm>
#include <cstddef>
#include <cstdint>

#include <spark/sdk/buffers.hpp>
#include <spark/sdk/vector_clones.hpp>

#include "common/lane_select.hpp"
#include "common/vector_exp.hpp"
#include "somas/exponential_parameters.hpp"
#include "somas/potential_output.hpp"
#include "somas/refractory_counter.hpp"
#include "somas/threshold_adaptation.hpp"

namespace spark::neurons {

namespace detail {

/// Neurons per chunk: the chunk's exponentials live on the stack between the two passes.
inline constexpr std::size_t exponential_chunk = 256;

/// e[k] = exp((v[k] - v_rh) / Delta_T) for k < count: the spike-initiation exponential of
/// pre-update potentials.
template <typename T>
void spike_exponentials(const exponential_constants<T>& c,
                        const T* __restrict v,
                        std::size_t count,
                        T* __restrict e) noexcept {
    const T rheobase = c.rheobase;
    const T slope = c.slope;
    for (std::size_t k = 0; k < count; ++k) {
        e[k] = (v[k] - rheobase) / slope;
    }
    exp_in_place(e, count);
}

/// -v + Delta_T e: the leak and the spike-initiation term, e the exponential.
template <typename T>
[[nodiscard]] inline T exponential_drift(const exponential_constants<T>& c, T v, T e) noexcept {
    return -v + c.slope * e;
}

/// The refractory somas' drift: the input current reaches only a ready neuron (both drifts are
/// formed and one is kept, so that the loops vectorise).
template <typename T>
[[nodiscard]] inline T gated_exponential_drift(
    const exponential_constants<T>& c, T v, T e, T current, bool ready) noexcept {
    const T drift = exponential_drift(c, v, e);
    return lane_select(ready, drift + c.resistance * current, drift);
}

template <typename T, bool Copy>
SPARK_VECTOR_CLONES void exponential_kernel(const exponential_constants<T>& c,
                                            std::size_t n,
                                            T* __restrict v,
                                            const T* __restrict current,
                                            std::uint8_t* __restrict spikes,
                                            T* __restrict potential) noexcept {
    const exponential_constants<T> x = c; // a copy: its loads hoist out of the loop
    alignas(64) T e[exponential_chunk];
    for (std::size_t first = 0; first < n; first += exponential_chunk) {
        const std::size_t count = std::min(exponential_chunk, n - first);
        spike_exponentials(x, v + first, count, e);
        for (std::size_t k = 0; k < count; ++k) {
            const std::size_t i = first + k;
            const T drift = exponential_drift(x, v[i], e[k]) + x.resistance * current[i];
            const T integrated = v[i] + x.scale * drift;
            const bool fired = integrated > x.threshold;
            const T next = fired ? x.v_reset : integrated;
            v[i] = next;
            spikes[i] = static_cast<std::uint8_t>(fired);
            if constexpr (Copy) {
                potential[i] = next;
            }
        }
    }
}

template <typename T, bool Copy>
SPARK_VECTOR_CLONES void refractory_exponential_kernel(const refractory_exponential_constants<T>& c,
                                                       std::size_t n,
                                                       T* __restrict v,
                                                       std::int32_t* __restrict counter,
                                                       const T* __restrict current,
                                                       std::uint8_t* __restrict spikes,
                                                       T* __restrict potential) noexcept {
    const exponential_constants<T> x = c.exponential;
    const std::int32_t cooldown = c.cooldown;
    alignas(64) T e[exponential_chunk];
    for (std::size_t first = 0; first < n; first += exponential_chunk) {
        const std::size_t count = std::min(exponential_chunk, n - first);
        spike_exponentials(x, v + first, count, e);
        for (std::size_t k = 0; k < count; ++k) {
            const std::size_t i = first + k;
            const std::int32_t r = counter[i];
            const bool ready = r > cooldown;
            const T gated = gated_exponential_drift(x, v[i], e[k], current[i], ready);
            const T integrated = v[i] + x.scale * gated;
            const bool fired = ready & (integrated > x.threshold); // & not &&: no branch
            const T next = fired ? x.v_reset : integrated;
            v[i] = next;
            counter[i] = next_counter(r, cooldown, fired);
            spikes[i] = static_cast<std::uint8_t>(fired);
            if constexpr (Copy) {
                potential[i] = next;
            }
        }
    }
}

template <typename T, bool Copy>
SPARK_VECTOR_CLONES_AVX512 void
adaptive_exponential_kernel(const adaptive_exponential_constants<T>& c,
                            std::size_t n,
                            T* __restrict v,
                            T* __restrict w,
                            const T* __restrict current,
                            std::uint8_t* __restrict spikes,
                            T* __restrict potential) noexcept {
    const exponential_constants<T> x = c.exponential;
    const adaptation_current<T> a = c.adaptation;
    alignas(64) T e[exponential_chunk];
    for (std::size_t first = 0; first < n; first += exponential_chunk) {
        const std::size_t count = std::min(exponential_chunk, n - first);
        spike_exponentials(x, v + first, count, e);
        for (std::size_t k = 0; k < count; ++k) {
            const std::size_t i = first + k;
            const T drift = (exponential_drift(x, v[i], e[k]) - x.resistance * w[i]) +
                            x.resistance * current[i];
            const T integrated = v[i] + x.scale * drift;
            const bool fired = integrated > x.threshold;
            const T next = fired ? x.v_reset : integrated;
            const T change = a.scale * (-w[i] + a.subthreshold * next);
            w[i] = w[i] + lane_select(fired, change + a.delta, change);
            v[i] = next;
            spikes[i] = static_cast<std::uint8_t>(fired);
            if constexpr (Copy) {
                potential[i] = next;
            }
        }
    }
}

template <typename T, bool Copy>
SPARK_VECTOR_CLONES void
simplified_adaptive_exponential_kernel(const simplified_adaptive_exponential_constants<T>& c,
                                       std::size_t n,
                                       T* __restrict v,
                                       std::int32_t* __restrict counter,
                                       T* __restrict threshold,
                                       const T* __restrict current,
                                       std::uint8_t* __restrict spikes,
                                       T* __restrict potential) noexcept {
    const exponential_constants<T> x = c.refractory.exponential;
    const std::int32_t cooldown = c.refractory.cooldown;
    const threshold_adaptation<T> adaptation = c.adaptation;
    alignas(64) T e[exponential_chunk];
    for (std::size_t first = 0; first < n; first += exponential_chunk) {
        const std::size_t count = std::min(exponential_chunk, n - first);
        spike_exponentials(x, v + first, count, e);
        for (std::size_t k = 0; k < count; ++k) {
            const std::size_t i = first + k;
            const std::int32_t r = counter[i];
            const bool ready = r > cooldown;
            const T gated = gated_exponential_drift(x, v[i], e[k], current[i], ready);
            const T integrated = v[i] + x.scale * gated;
            const bool fired = ready & (integrated > threshold[i]);
            const T next = fired ? x.v_reset : integrated;
            v[i] = next;
            counter[i] = next_counter(r, cooldown, fired);
            threshold[i] = next_threshold(adaptation, x.threshold, threshold[i], fired);
            spikes[i] = static_cast<std::uint8_t>(fired);
            if constexpr (Copy) {
                potential[i] = next;
            }
        }
    }
}

} // namespace detail

/// ExponentialSoma. Writes the spike (bit0) and the post-reset potential of every neuron;
/// `potential` may be `v`.
template <typename T>
void exponential_update(const exponential_constants<T>& c,
                        sdk::span<T> v,
                        sdk::span<const T> current,
                        sdk::span<std::uint8_t> spikes,
                        sdk::span<T> potential) noexcept {
    detail::with_potential(v, potential, [&](auto copy, T* p) {
        detail::exponential_kernel<T, decltype(copy)::value>(
            c, v.size(), v.data(), current.data(), spikes.data(), p);
    });
}

/// RefractoryExponentialSoma: the input reaches only ready neurons (r > c), a spike needs
/// readiness and restarts the counter.
template <typename T>
void refractory_exponential_update(const refractory_exponential_constants<T>& c,
                                   sdk::span<T> v,
                                   sdk::span<std::int32_t> counter,
                                   sdk::span<const T> current,
                                   sdk::span<std::uint8_t> spikes,
                                   sdk::span<T> potential) noexcept {
    detail::with_potential(v, potential, [&](auto copy, T* p) {
        detail::refractory_exponential_kernel<T, decltype(copy)::value>(
            c, v.size(), v.data(), counter.data(), current.data(), spikes.data(), p);
    });
}

/// AdaptiveExponentialSoma (AdEx): the adaptation current w [pA] enters as -R w; after the spike
/// test and reset, w <- w + (kappa_w (-w + a v) + b s) with the post-reset potential v.
template <typename T>
void adaptive_exponential_update(const adaptive_exponential_constants<T>& c,
                                 sdk::span<T> v,
                                 sdk::span<T> w,
                                 sdk::span<const T> current,
                                 sdk::span<std::uint8_t> spikes,
                                 sdk::span<T> potential) noexcept {
    detail::with_potential(v, potential, [&](auto copy, T* p) {
        detail::adaptive_exponential_kernel<T, decltype(copy)::value>(
            c, v.size(), v.data(), w.data(), current.data(), spikes.data(), p);
    });
}

/// SimplifiedAdaptiveExponentialSoma: RefractoryExponentialSoma tested against each neuron's own
/// threshold (relative to rest), which then becomes theta0 + alpha_theta (theta - theta0) + delta
/// s.
template <typename T>
void simplified_adaptive_exponential_update(const simplified_adaptive_exponential_constants<T>& c,
                                            sdk::span<T> v,
                                            sdk::span<std::int32_t> counter,
                                            sdk::span<T> threshold,
                                            sdk::span<const T> current,
                                            sdk::span<std::uint8_t> spikes,
                                            sdk::span<T> potential) noexcept {
    detail::with_potential(v, potential, [&](auto copy, T* p) {
        detail::simplified_adaptive_exponential_kernel<T, decltype(copy)::value>(c,
                                                                                 v.size(),
                                                                                 v.data(),
                                                                                 counter.data(),
                                                                                 threshold.data(),
                                                                                 current.data(),
                                                                                 spikes.data(),
                                                                                 p);
    });
}

} // namespace spark::neurons
