// SPDX-License-Identifier: Apache-2.0
// The presynaptic trace of a rule fed per-synapse delayed spikes, without a per-synapse array.
// Upstream's trace of synapse (o, i) is x[o][i](t) = alpha x[o][i](t-1) + s_i(t - D[o][i]) / tau,
// which is the same arithmetic as the trace X_i of the undelayed spikes, shifted by the delay:
// x[o][i](t) = X_i(t - D[o][i]) exactly (both start at 0). So X is kept for each of the neuron's
// ring rows, and a synapse reads the row its delay reads.
#pragma once
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <vector>

#include <spark/sdk/vector_clones.hpp>

#include "common/component_shapes.hpp"
#include "common/lane_select.hpp"

namespace spark::neurons {

/// q[k] <- decay q[k] + (spikes[k] != 0 ? scale : 0) for k < n (spike_trace over an array),
/// vectorised: the select is a bit-blend (common/lane_select.hpp), so AVX2 takes 8 at a time.
template <typename T>
SPARK_VECTOR_CLONES void spike_traces(T decay,
                                      T scale,
                                      const T* __restrict before,
                                      T* __restrict after,
                                      const std::uint8_t* __restrict spikes,
                                      std::size_t n) noexcept {
    for (std::size_t k = 0; k < n; ++k) {
        after[k] = decay * before[k] + lane_select(spikes[k] != 0, scale, T(0));
    }
}

/// The same in place.
template <typename T>
SPARK_VECTOR_CLONES void spike_traces(T decay,
                                      T scale,
                                      T* __restrict q,
                                      const std::uint8_t* __restrict spikes,
                                      std::size_t n) noexcept {
    for (std::size_t k = 0; k < n; ++k) {
        q[k] = decay * q[k] + lane_select(spikes[k] != 0, scale, T(0));
    }
}

template <typename T>
class delayed_trace {
public:
    void build(std::size_t rows, std::size_t width) {
        width_ = width;
        values_.assign(rows * width, T(0));
    }
    void reset() { std::fill(values_.begin(), values_.end(), T(0)); }

    /// Ring slot `now` gets X after this step's spikes (`spikes`: one byte per presynaptic
    /// neuron, non-zero = spike) from X in slot `previous`: X <- decay X + s * scale.
    void push(T decay,
              T scale,
              std::size_t previous,
              std::size_t now,
              const std::uint8_t* spikes) noexcept {
        if (previous == now) {
            spike_traces(decay, scale, &values_[now * width_], spikes, width_);
            return;
        }
        spike_traces(
            decay, scale, &values_[previous * width_], &values_[now * width_], spikes, width_);
    }

    /// X_i of the step stored in ring slot `slot`.
    [[nodiscard]] T at(std::size_t slot, std::size_t i) const noexcept {
        return values_[slot * width_ + i];
    }
    /// X of ring slot `slot`, one value per presynaptic neuron.
    [[nodiscard]] const T* row(std::size_t slot) const noexcept { return &values_[slot * width_]; }
    [[nodiscard]] std::vector<T>& values() noexcept { return values_; }

private:
    std::size_t width_ = 0;
    std::vector<T> values_; // (rows, width): X per ring slot and presynaptic neuron
};

} // namespace spark::neurons
