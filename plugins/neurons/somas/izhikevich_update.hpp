// SPDX-License-Identifier: Apache-2.0
// One IzhikevichSoma time step for a population (docs/models.md section 4.9), forward Euler
// and sequential, with the absolute potential V = v + potential_rest in both equations:
//   v <- v + dt (0.04 V^2 + 5 V + 140 - R u + R I)
//   u <- u + dt a (b V' - u)           (V' from the updated v)
// then where v > threshold: v <- v_reset, u <- u + d.
// Upstream puts v - potential_reset (absolute) there with the rebased v, so the drive at rest is
// 634 mV/ms and the soma fires on every step with zero input (docs/models.md section 12.1); ours
// uses the textbook quadratic in mV, so a soma at rest with zero input stays silent
// (docs/upstream-differences.md). Operations are rounded in upstream's order.
#pragma once
#include <cstddef>
#include <cstdint>

#include <spark/sdk/buffers.hpp>

#include "somas/izhikevich_parameters.hpp"

namespace spark::neurons {

/// Writes the spike (bit0) and the post-reset potential of every neuron; `potential` may be `v`.
template <typename T>
void izhikevich_update(const izhikevich_constants<T>& c,
                       sdk::span<T> v,
                       sdk::span<T> u,
                       sdk::span<const T> current,
                       sdk::span<std::uint8_t> spikes,
                       sdk::span<T> potential) noexcept {
    const T quadratic = T(0.04);
    for (std::size_t i = 0; i < v.size(); ++i) {
        const T x = v[i] + c.rest;
        const T drive = (((quadratic * (x * x) + T(5) * x) + T(140)) - c.resistance * u[i]) +
                        c.resistance * current[i];
        T next = v[i] + c.dt * drive;
        const T recovery = c.timescale * (c.sensitivity * (next + c.rest) - u[i]);
        T next_u = u[i] + c.dt * recovery;
        const bool fired = next > c.threshold;
        if (fired) {
            next = c.v_reset;
            next_u = next_u + c.jump;
        }
        v[i] = next;
        u[i] = next_u;
        spikes[i] = fired ? 1 : 0;
        potential[i] = next;
    }
}

} // namespace spark::neurons
