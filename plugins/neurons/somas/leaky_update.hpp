// SPDX-License-Identifier: Apache-2.0
// One LeakySoma time step for a population (upstream-models.md section 4.1): exact integration
// for a current that is constant over the step, a strict threshold test, then the reset.
#pragma once
#include <cstddef>
#include <cstdint>

#include <spark/sdk/buffers.hpp>

#include "leaky_parameters.hpp"

namespace spark::neurons {

/// v <- alpha v + (1 - alpha) R I; spike where v > threshold; there v <- v_reset.
/// Writes the spike (bit0) and the post-reset potential of every neuron.
template <typename T>
void leaky_update(const leaky_constants<T>& c,
                  sdk::span<T> v,
                  sdk::span<const T> current,
                  sdk::span<std::uint8_t> spikes,
                  sdk::span<T> potential) noexcept {
    for (std::size_t i = 0; i < v.size(); ++i) {
        // Two separately rounded products, as upstream: alpha * v + drive * I.
        const T decayed = c.decay * v[i];
        const T driven = c.drive * current[i];
        T next = decayed + driven;
        const bool fired = next > c.threshold;
        if (fired) {
            next = c.v_reset;
        }
        v[i] = next;
        spikes[i] = fired ? 1 : 0;
        potential[i] = next;
    }
}

} // namespace spark::neurons
