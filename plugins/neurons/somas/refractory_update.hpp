// SPDX-License-Identifier: Apache-2.0
// One RefractoryLeakySoma / AdaptiveLeakySoma time step for a population (docs/models.md
// sections 4.2 and 4.4): the leak always runs, the input only reaches a ready neuron (counter
// r > c), a spike needs readiness, resets the potential and restarts the counter; the adaptive
// soma then relaxes its threshold toward the base and adds threshold_delta where it fired.
// StrictRefractoryLeakySoma (section 4.3) instead holds a refractory neuron at the reset
// potential and is ready again at r >= c. The counter is refractory_counter.hpp's.
#pragma once
#include <cstddef>
#include <cstdint>

#include <spark/sdk/buffers.hpp>
#include <spark/sdk/vector_clones.hpp>

#include "common/lane_select.hpp"
#include "somas/leaky_parameters.hpp"
#include "somas/potential_output.hpp"
#include "somas/refractory_counter.hpp"
#include "somas/refractory_parameters.hpp"
#include "somas/threshold_adaptation.hpp"

namespace spark::neurons {

namespace detail {

/// alpha v + ready (1 - alpha) R I, with upstream's two separately rounded products. Both values
/// are formed and one is kept (lane_select), so that population loops calling it vectorise.
template <typename T>
[[nodiscard]] inline T
gated_potential(const leaky_constants<T>& c, T v, T current, bool ready) noexcept {
    const T decayed = c.decay * v;
    return lane_select(ready, decayed + c.drive * current, decayed);
}

} // namespace detail

namespace detail {

/// refractory_leaky_update over raw arrays that do not overlap (so the loop vectorises), with
/// `potential` written only when it is a separate array (Copy).
template <typename T, bool Copy>
SPARK_VECTOR_CLONES void refractory_leaky_kernel(const refractory_constants<T>& c,
                                                 std::size_t n,
                                                 T* __restrict v,
                                                 std::int32_t* __restrict counter,
                                                 const T* __restrict current,
                                                 std::uint8_t* __restrict spikes,
                                                 T* __restrict potential) noexcept {
    const leaky_constants<T> leaky = c.leaky; // copies: their loads hoist out of the loop
    const std::int32_t cooldown = c.cooldown;
    for (std::size_t i = 0; i < n; ++i) {
        const std::int32_t r = counter[i];
        const bool ready = r > cooldown;
        const T integrated = gated_potential(leaky, v[i], current[i], ready);
        const bool fired = ready & (integrated > leaky.threshold); // & not &&: no branch
        const T next = fired ? leaky.v_reset : integrated;
        v[i] = next;
        counter[i] = next_counter(r, cooldown, fired);
        spikes[i] = static_cast<std::uint8_t>(fired);
        if constexpr (Copy) {
            potential[i] = next;
        }
    }
}

} // namespace detail

/// Writes the spike (bit0) and the post-reset potential of every neuron; `potential` may be `v`.
template <typename T>
void refractory_leaky_update(const refractory_constants<T>& c,
                             sdk::span<T> v,
                             sdk::span<std::int32_t> counter,
                             sdk::span<const T> current,
                             sdk::span<std::uint8_t> spikes,
                             sdk::span<T> potential) noexcept {
    detail::with_potential(v, potential, [&](auto copy, T* p) {
        detail::refractory_leaky_kernel<T, decltype(copy)::value>(
            c, v.size(), v.data(), counter.data(), current.data(), spikes.data(), p);
    });
}

/// StrictRefractoryLeakySoma: a neuron is ready at r >= c; a ready one integrates as the leaky
/// soma, a refractory one is held at v_reset (dead time c steps after a spike). Writes the spike
/// (bit0) and the post-reset potential of every neuron; `potential` may be `v`.
template <typename T>
void strict_refractory_leaky_update(const refractory_constants<T>& c,
                                    sdk::span<T> v,
                                    sdk::span<std::int32_t> counter,
                                    sdk::span<const T> current,
                                    sdk::span<std::uint8_t> spikes,
                                    sdk::span<T> potential) noexcept {
    for (std::size_t i = 0; i < v.size(); ++i) {
        const bool ready = counter[i] >= c.cooldown;
        T next = ready ? detail::gated_potential(c.leaky, v[i], current[i], true) : c.leaky.v_reset;
        const bool fired = ready && next > c.leaky.threshold;
        if (fired) {
            next = c.leaky.v_reset;
        }
        v[i] = next;
        counter[i] = detail::next_counter(counter[i], c.cooldown, fired);
        spikes[i] = fired ? 1 : 0;
        potential[i] = next;
    }
}

/// As refractory_leaky_update with each neuron's own threshold (relative to rest), which then
/// becomes theta0 + alpha_theta (theta - theta0) + delta s for the next step.
template <typename T>
void adaptive_leaky_update(const adaptive_constants<T>& c,
                           sdk::span<T> v,
                           sdk::span<std::int32_t> counter,
                           sdk::span<T> threshold,
                           sdk::span<const T> current,
                           sdk::span<std::uint8_t> spikes,
                           sdk::span<T> potential) noexcept {
    const refractory_constants<T>& r = c.refractory;
    const T base = r.leaky.threshold;
    for (std::size_t i = 0; i < v.size(); ++i) {
        const bool ready = counter[i] > r.cooldown;
        T next = detail::gated_potential(r.leaky, v[i], current[i], ready);
        const bool fired = ready && next > threshold[i];
        if (fired) {
            next = r.leaky.v_reset;
        }
        v[i] = next;
        counter[i] = detail::next_counter(counter[i], r.cooldown, fired);
        threshold[i] = detail::next_threshold(c.adaptation, base, threshold[i], fired);
        spikes[i] = fired ? 1 : 0;
        potential[i] = next;
    }
}

} // namespace spark::neurons
