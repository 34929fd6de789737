// SPDX-License-Identifier: Apache-2.0
// One time step of upstream's exponential somas for a population (docs/models.md sections
// 4.5-4.8), forward Euler with the exponential evaluated at the pre-update potential:
//   v <- v + kappa (-v + Delta_T exp((v - v_rh) / Delta_T) [- R w] + [ready] R I)
// then a strict threshold test and the reset. The refractory ones gate only the input (leak and
// exponential term continue) and need readiness (counter r > c) to spike; AdEx then updates its
// adaptation current with the post-reset potential, the simplified one its threshold. Operations
// are rounded in upstream's order, so float32 runs match upstream's float32.
#pragma once
#include <cmath>
#include <cstddef>
#include <cstdint>

#include <spark/sdk/buffers.hpp>

#include "somas/exponential_parameters.hpp"
#include "somas/refractory_counter.hpp"
#include "somas/threshold_adaptation.hpp"

namespace spark::neurons {

namespace detail {

/// -v + Delta_T exp((v - v_rh) / Delta_T): the leak and the spike-initiation term.
template <typename T>
[[nodiscard]] inline T exponential_drift(const exponential_constants<T>& c, T v) noexcept {
    const T e = std::exp((v - c.rheobase) / c.slope);
    return -v + c.slope * e;
}

/// v + kappa drift, the forward-Euler step.
template <typename T>
[[nodiscard]] inline T euler_step(const exponential_constants<T>& c, T v, T drift) noexcept {
    return v + c.scale * drift;
}

/// The refractory somas' step: the input current reaches the neuron only when it is ready.
template <typename T>
[[nodiscard]] inline T gated_exponential_potential(const exponential_constants<T>& c,
                                                   T v,
                                                   T current,
                                                   bool ready) noexcept {
    const T drift = exponential_drift(c, v);
    return euler_step(c, v, ready ? drift + c.resistance * current : drift);
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
    for (std::size_t i = 0; i < v.size(); ++i) {
        const T drift = detail::exponential_drift(c, v[i]) + c.resistance * current[i];
        T next = detail::euler_step(c, v[i], drift);
        const bool fired = next > c.threshold;
        if (fired) {
            next = c.v_reset;
        }
        v[i] = next;
        spikes[i] = fired ? 1 : 0;
        potential[i] = next;
    }
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
    const exponential_constants<T>& e = c.exponential;
    for (std::size_t i = 0; i < v.size(); ++i) {
        const bool ready = counter[i] > c.cooldown;
        T next = detail::gated_exponential_potential(e, v[i], current[i], ready);
        const bool fired = ready && next > e.threshold;
        if (fired) {
            next = e.v_reset;
        }
        v[i] = next;
        counter[i] = detail::next_counter(counter[i], c.cooldown, fired);
        spikes[i] = fired ? 1 : 0;
        potential[i] = next;
    }
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
    const exponential_constants<T>& e = c.exponential;
    const adaptation_current<T>& a = c.adaptation;
    for (std::size_t i = 0; i < v.size(); ++i) {
        const T drift =
            (detail::exponential_drift(e, v[i]) - e.resistance * w[i]) + e.resistance * current[i];
        T next = detail::euler_step(e, v[i], drift);
        const bool fired = next > e.threshold;
        if (fired) {
            next = e.v_reset;
        }
        const T change = a.scale * (-w[i] + a.subthreshold * next);
        w[i] = w[i] + (fired ? change + a.delta : change);
        v[i] = next;
        spikes[i] = fired ? 1 : 0;
        potential[i] = next;
    }
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
    const exponential_constants<T>& e = c.refractory.exponential;
    const std::int32_t cooldown = c.refractory.cooldown;
    for (std::size_t i = 0; i < v.size(); ++i) {
        const bool ready = counter[i] > cooldown;
        T next = detail::gated_exponential_potential(e, v[i], current[i], ready);
        const bool fired = ready && next > threshold[i];
        if (fired) {
            next = e.v_reset;
        }
        v[i] = next;
        counter[i] = detail::next_counter(counter[i], cooldown, fired);
        threshold[i] = detail::next_threshold(c.adaptation, e.threshold, threshold[i], fired);
        spikes[i] = fired ? 1 : 0;
        potential[i] = next;
    }
}

} // namespace spark::neurons
