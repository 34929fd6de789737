// SPDX-License-Identifier: Apache-2.0
// Delivery at emission for static, sparse, delayed synapses. Delivering at arrival (neuron/
// delay_groups.hpp) visits one group per (recent spike, delay) every step: with delays of 1-8
// steps and a few synapses per group, the visits cost more than the additions. Here a spike is
// visited once, in the step it is emitted: each of its synapses adds its weight to the current
// of the step it will arrive in, kept in a ring of future currents (one row per delay 0..B).
// Reading a step's current is then one row.
//
// What this must keep from delivery at arrival:
// - the weights: a synapse adds its weight at emission, so it needs weights that do not change
//   before the spike arrives: static rules only, and after upstream's first clip (which changes
//   weights once) the future rows are rebuilt from the spike history;
// - the sign: it is the presynaptic neuron's inhibition bit at the spike's emission (the spike
//   ring keeps it, common/spike_scan.hpp), so a spike is added with its sign once, when emitted,
//   and a later change of the bit concerns later spikes only: nothing to rebuild;
// - determinism: a row sums its spikes oldest emission first, then by presynaptic index, then by
//   postsynaptic index. A rebuild adds them in that same order, so it gives the same bits as the
//   live ring, and so does any split of the postsynaptic range over workers.
//
// Layout: the ring is indexed by the step itself, not by the spike ring's slot: its rows and
// each row's length are powers of two (at least R and O), so a synapse's place is
// (emitted row + pos) & mask with pos = d * stride + o. Weights are stored as given; an
// inhibitory spike subtracts them.
#pragma once
#include <algorithm>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "common/large_vector.hpp"
#include "neuron/scatter_add.hpp"
#include "neuron/synapse_delays.hpp"

namespace spark::neurons {

template <typename T>
class pending_current {
public:
    /// The synapses of non-zero weight (pre-major W[o][i] at i * n_post + o), per presynaptic
    /// neuron in postsynaptic order, with their delays (< rows) and weights.
    void build(const synapse_delays& delays,
               const T* weights,
               std::size_t n_pre,
               std::size_t n_post,
               std::size_t rows) {
        n_post_ = n_post;
        rows_ = std::bit_ceil(rows);
        stride_ = std::bit_ceil(n_post);
        offset_.assign(n_pre + 1, 0);
        for (std::size_t i = 0; i < n_pre; ++i) {
            std::size_t count = 0;
            for (std::size_t o = 0; o < n_post; ++o) {
                count += weights[i * n_post + o] != T(0) ? 1U : 0U;
            }
            offset_[i + 1] = offset_[i] + count;
        }
        target_.resize(offset_.back());
        pos_.resize(offset_.back());
        weight_.resize(offset_.back());
        for (std::size_t i = 0; i < n_pre; ++i) {
            std::size_t k = offset_[i];
            for (std::size_t o = 0; o < n_post; ++o) {
                const std::size_t at = i * n_post + o;
                if (weights[at] != T(0)) {
                    target_[k] = static_cast<std::uint32_t>(o);
                    pos_[k] = static_cast<std::uint32_t>(delays.of(at, i) * stride_ + o);
                    weight_[k] = weights[at];
                    ++k;
                }
            }
        }
        start();
    }

    /// The same for a sparse kernel's synapses, listed in presynaptic order (`offset` per
    /// presynaptic neuron; `target`, `weight` per synapse; delays.of(k, i) takes the place k).
    void build_listed(const synapse_delays& delays,
                      const std::vector<std::size_t>& offset,
                      const large_vector<std::uint32_t>& target,
                      const large_vector<T>& weight,
                      std::size_t n_post,
                      std::size_t rows) {
        n_post_ = n_post;
        rows_ = std::bit_ceil(rows);
        stride_ = std::bit_ceil(n_post);
        offset_ = offset;
        target_ = target;
        weight_ = weight;
        pos_.resize(target.size());
        const std::size_t n_pre = offset.size() - 1;
        for (std::size_t i = 0; i < n_pre; ++i) {
            for (std::size_t k = offset[i]; k < offset[i + 1]; ++k) {
                pos_[k] = static_cast<std::uint32_t>(delays.of(k, i) * stride_ + target[k]);
            }
        }
        start();
    }

    /// Whether a ring of this many rows and postsynaptic neurons fits the 32-bit positions.
    [[nodiscard]] static bool fits(std::size_t rows, std::size_t n_post) noexcept {
        return std::bit_ceil(rows) * std::bit_ceil(n_post) <= UINT32_MAX;
    }

    /// The weights changed (upstream's first clip): takes them again; the caller rebuilds.
    void refresh_weights(const T* weights) noexcept {
        const std::size_t n_pre = offset_.size() - 1;
        for (std::size_t i = 0; i < n_pre; ++i) {
            for (std::size_t k = offset_[i]; k < offset_[i + 1]; ++k) {
                weight_[k] = weights[i * n_post_ + target_[k]];
            }
        }
    }

    /// The weights of a list built by build_listed() changed (upstream's first clip): takes
    /// them again; the caller rebuilds.
    void refresh_listed_weights(const large_vector<T>& weight) noexcept {
        std::copy(weight.begin(), weight.end(), weight_.begin());
    }

    /// No spike is on its way (reset).
    void clear() noexcept { std::fill(future_.begin(), future_.end(), T(0)); }

    /// A new step begins: its row is the next one.
    void next_step() noexcept { ++step_; }

    /// How many synapses presynaptic neuron i has.
    [[nodiscard]] std::size_t synapses_of(std::size_t i) const noexcept {
        return offset_[i + 1] - offset_[i];
    }

    /// Presynaptic neuron i's spike, emitted `age` steps ago (inhibitory: bit1 of its ring byte),
    /// adds to the rows of its synapses that arrive now or later, for postsynaptic neurons in
    /// [o0, o1).
    void scatter(
        std::size_t i, std::size_t age, bool inhibitory, std::size_t o0, std::size_t o1) noexcept {
        const std::uint32_t* first = target_.data() + offset_[i];
        const std::uint32_t* last = target_.data() + offset_[i + 1];
        if (o0 != 0 || o1 != n_post_) {
            const std::uint32_t* begin = first;
            first = std::lower_bound(begin, last, static_cast<std::uint32_t>(o0));
            last = std::lower_bound(first, last, static_cast<std::uint32_t>(o1));
        }
        const std::size_t k0 = static_cast<std::size_t>(first - target_.data());
        const std::size_t k1 = static_cast<std::size_t>(last - target_.data());
        const std::size_t mask = rows_ * stride_ - 1;
        // A synapse's row is the emission row + d: pos = d * stride + o, offset by the emission
        // row.
        const std::size_t base = ((step_ - age) & (rows_ - 1)) * stride_;
        const auto add = [&](std::size_t from, std::size_t to) noexcept {
            if (inhibitory) {
                scatter_subtract(future_.data(), pos_.data(), weight_.data(), from, to, base, mask);
            } else {
                scatter_add(future_.data(), pos_.data(), weight_.data(), from, to, base, mask);
            }
        };
        if (age == 0) {
            add(k0, k1);
            return;
        }
        // Rebuilding: only the synapses still on their way (d >= age).
        const std::size_t arrived = age * stride_;
        for (std::size_t k = k0; k < k1; ++k) {
            if (pos_[k] >= arrived) {
                add(k, k + 1);
            }
        }
    }

    /// Zeroes the future rows for [o0, o1) (a rebuild then scatters the spike history again).
    void zero(std::size_t o0, std::size_t o1) noexcept {
        for (std::size_t r = 0; r < rows_; ++r) {
            std::fill(future_.begin() + static_cast<std::ptrdiff_t>(r * stride_ + o0),
                      future_.begin() + static_cast<std::ptrdiff_t>(r * stride_ + o1),
                      T(0));
        }
    }

    /// current[o] = the current arriving now, for o in [o0, o1); its row is then free for a
    /// later step.
    void take(T* current, std::size_t o0, std::size_t o1) noexcept {
        T* row = future_.data() + (step_ & (rows_ - 1)) * stride_;
        std::copy(row + o0, row + o1, current + o0);
        std::fill(row + o0, row + o1, T(0));
    }

private:
    // An empty ring at step 0.
    void start() {
        future_.assign(rows_ * stride_, T(0));
        step_ = 0;
    }

    std::size_t n_post_ = 0;
    std::size_t rows_ = 1;               // a power of two, at least the spike ring's R
    std::size_t stride_ = 1;             // a row's length: a power of two, at least n_post
    std::size_t step_ = 0;               // counts steps; its row is step_ & (rows_ - 1)
    std::vector<std::size_t> offset_;    // per presynaptic neuron, its first synapse
    large_vector<std::uint32_t> target_; // per synapse: postsynaptic neuron (ascending per i)
    large_vector<std::uint32_t> pos_;    // ... d * stride + o: its place in the ring
    large_vector<T> weight_;             // ... its weight
    std::vector<T> future_;              // [rows][stride]: the current arriving in each row
};

} // namespace spark::neurons
