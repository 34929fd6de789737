// SPDX-License-Identifier: Apache-2.0
// HebbianRule's postsynaptic term applied late, but with the dense rule's arithmetic and order,
// so the weights are the same bits (docs/adr/0010-event-driven-dense-learning.md, part 2).
//
// Each step the dense rule sets W[o][i] <- max(0, W + dt eta (y[o] s_pre + s_post[o] x)) for every
// synapse. At a step where neither the delayed presynaptic spike arrives nor o fires, that is
// max(0, W + 0) = W (weights are >= 0 after the first clip): nothing. So a synapse only needs the
// steps with an event, applied one by one in time order, each with the traces of its own step.
// The arrivals are applied in their own step, as the spike's run of weights is at hand then
// (learning/hebbian_learning.hpp); a postsynaptic spike's row, one cache miss per synapse, waits
// here. A synapse's waiting terms are applied ("settled")
// - when a spike arrives on it, just before delivery reads its weight;
// - for every synapse, once every F steps (so that the histories below stay short), and before
//   the kernel is read (state, checkpoints).
// Settling never changes the arithmetic, so when it happens does not change a bit: a run that
// reads its state every step and one that never does hold the same kernel.
//
// What a waiting term needs, kept for the last H steps (H = F + R, a power of two):
// - x_:    X_i after each step's spikes, per presynaptic neuron (X_i(s - d) for a post spike at s
//          on a synapse of delay d);
// - post_steps_: the steps at which each postsynaptic neuron fired;
// - previous_pre_: per ring slot, the step of the presynaptic spike before the one in that slot,
//          so that an arriving spike knows when its predecessor arrived on the same synapse
//          (which settled it up to that step).
#pragma once
#include <algorithm>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <vector>

#include <spark/sdk/vector_clones.hpp>

#include "common/spike_scan.hpp"
#include "delays/spike_ring.hpp"
#include "learning/hebbian_parameters.hpp"
#include "neuron/delay_groups.hpp"

namespace spark::neurons {

/// fired[k] = 1 where fired_since[targets[k]] >= since, else 0, for k < n (AVX2 gathers).
SPARK_VECTOR_CLONES inline void mark_fired_since(const std::uint32_t* __restrict targets,
                                                 std::size_t n,
                                                 const std::int32_t* __restrict fired_since,
                                                 std::int32_t since,
                                                 std::uint8_t* __restrict fired) noexcept {
    for (std::size_t k = 0; k < n; ++k) {
        fired[k] = fired_since[targets[k]] >= since ? 1 : 0;
    }
}

template <typename T>
class hebbian_pending {
public:
    using step_t = std::int64_t;
    static constexpr step_t never = std::numeric_limits<step_t>::min() / 4;

    void build(std::size_t n_pre, std::size_t n_post, std::size_t rows) {
        n_pre_ = n_pre;
        n_post_ = n_post;
        rows_ = rows;
        history_ = std::bit_ceil(std::max<std::size_t>(min_history, 4 * rows));
        if (history_ - rows > UINT16_MAX) {
            throw std::length_error("hebbian_rule: delays of more than 16,000 steps are not "
                                    "supported with per-synapse delays; shorten max_delay");
        }
        mask_ = history_ - 1;
        x_.assign(n_pre * history_, T(0));
        post_steps_.assign(n_post * history_, never);
        post_count_.assign(n_post, 0);
        fired_since_.assign(n_post, 0);
        recent_post_.assign(n_post, 0);
        last_pre_.assign(n_pre, never);
        previous_pre_.assign(rows * n_pre, never);
        reset();
    }

    /// Nothing happened yet, nothing is pending.
    void reset() {
        now_ = -1;
        settled_ = -1;
        std::fill(post_count_.begin(), post_count_.end(), std::uint64_t{0});
        std::fill(fired_since_.begin(), fired_since_.end(), 0);
        std::fill(recent_post_.begin(), recent_post_.end(), std::uint64_t{0});
        std::fill(last_pre_.begin(), last_pre_.end(), never);
        std::fill(previous_pre_.begin(), previous_pre_.end(), never);
    }

    /// A new step: its presynaptic spikes went into ring slot `slot`, and `trace` holds X after
    /// them (one value per presynaptic neuron).
    void presynaptic(std::size_t slot, const std::uint8_t* spikes, const T* trace) noexcept {
        ++now_;
        const auto column = static_cast<std::size_t>(now_) & mask_;
        for (std::size_t i = 0; i < n_pre_; ++i) {
            x_[i * history_ + column] = trace[i];
        }
        step_t* previous = &previous_pre_[slot * n_pre_];
        for (std::size_t i = 0; i < n_pre_; ++i) {
            if (spikes[i] != 0) {
                previous[i] = last_pre_[i];
                last_pre_[i] = now_;
            }
        }
    }

    /// X_i of the step `delay` steps ago.
    [[nodiscard]] T x_before(std::size_t i, std::size_t delay) const noexcept {
        return x_[i * history_ +
                  (static_cast<std::size_t>(now_ - static_cast<step_t>(delay)) & mask_)];
    }

    /// After the soma, once this step's arrivals are applied: the `count` neurons that fired
    /// (their rows wait).
    void postsynaptic(const std::uint32_t* fired, std::size_t count) noexcept {
        for (std::size_t k = 0; k < count; ++k) {
            const std::size_t o = fired[k];
            post_steps_[o * history_ + (post_count_[o]++ & mask_)] = now_;
            const auto since = static_cast<std::uint16_t>(now_ - settled_);
            fired_since_[o] = static_cast<std::int32_t>(since);
            recent_post_[o] = (recent_post_[o] << 16U) | since;
        }
    }

    /// Whether every synapse must be settled now, before the histories run out (after
    /// postsynaptic()).
    [[nodiscard]] bool due() const noexcept {
        return now_ - settled_ >= static_cast<step_t>(history_ - rows_);
    }

    /// The run of the group (i, d) whose spike (stored in ring slot `slot`) arrives now: its
    /// weights w[k] of targets[k], k < n, settled up to the previous step, before delivery reads
    /// them. Writes only these weights.
    void settle_arrivals(const hebbian_constants<T>& c,
                         std::size_t i,
                         std::size_t d,
                         std::size_t slot,
                         T* w,
                         const std::uint32_t* targets,
                         std::size_t n) const noexcept {
        const step_t before = previous_pre_[slot * n_pre_ + i];
        if (before == never) {
            return; // X_i was 0 until this spike: nothing waits
        }
        settle_run(c, i, d, before + static_cast<step_t>(d), w, targets, n);
    }

    /// Every group of presynaptic neurons [i0, i1) settled up to this step included, after its
    /// arrivals (`w`: the grouped kernel; `slot_of_delay`: this step's ring slot of each delay).
    /// Call mark_settled() once every range is done.
    void settle_groups(const hebbian_constants<T>& c,
                       const delay_groups& groups,
                       T* w,
                       const std::size_t* slot_of_delay,
                       std::size_t i0,
                       std::size_t i1) const noexcept {
        for (std::size_t i = i0; i < i1; ++i) {
            for (std::size_t d = 0; d < rows_; ++d) {
                // The latest spike of i that reached delay d by now (it settled the group up to
                // its arrival); none: X_i was 0 so far.
                step_t q = last_pre_[i];
                while (q != never && q > now_ - static_cast<step_t>(d)) {
                    q = previous_pre_[slot_of_delay[static_cast<std::size_t>(now_ - q)] * n_pre_ +
                                      i];
                }
                if (q == never) {
                    continue;
                }
                const std::uint32_t* first = groups.first(i, d);
                settle_run(c,
                           i,
                           d,
                           q + static_cast<step_t>(d),
                           w + groups.position(first),
                           first,
                           static_cast<std::size_t>(groups.last(i, d) - first));
            }
        }
    }
    void mark_settled() noexcept {
        settled_ = now_;
        std::fill(fired_since_.begin(), fired_since_.end(), 0);
        std::fill(recent_post_.begin(), recent_post_.end(), std::uint64_t{0});
    }

    /// After a state was loaded (its kernel settled): the spikes on their way are those of the
    /// spike ring (`cursor`: the slot of the latest step), and X of those steps is `trace`'s
    /// (values per ring slot and presynaptic neuron). Whatever came before is in the kernel.
    void resume(const spike_ring& ring, const T* trace) {
        reset();
        now_ = static_cast<step_t>(history_); // any step >= rows will do: steps are relative
        settled_ = now_;
        const std::size_t cursor = ring.slot_before(0);
        // A neuron with X > 0 before the ring's oldest step spiked earlier: at a step whose
        // arrivals are all in the kernel already (the spike before the ring's first one).
        const std::size_t oldest = (cursor + 1) % rows_;
        const step_t long_ago = now_ - static_cast<step_t>(rows_);
        for (std::size_t i = 0; i < n_pre_; ++i) {
            last_pre_[i] = trace[oldest * n_pre_ + i] != T(0) ? long_ago : never;
        }
        for (std::size_t age = rows_; age-- > 0;) { // oldest first
            const std::size_t slot = (cursor + rows_ - age) % rows_;
            const step_t s = now_ - static_cast<step_t>(age);
            const std::uint8_t* spikes = ring.row(slot);
            for (std::size_t i = 0; i < n_pre_; ++i) {
                x_[i * history_ + (static_cast<std::size_t>(s) & mask_)] = trace[slot * n_pre_ + i];
                if (spikes[i] != 0) {
                    previous_pre_[slot * n_pre_ + i] = last_pre_[i];
                    last_pre_[i] = s;
                }
            }
        }
    }

private:
    /// The run of group (i, d), settled up to step `arrival` (its latest arrival): each weight
    /// gets the rows that waited since.
    void settle_run(const hebbian_constants<T>& c,
                    std::size_t i,
                    std::size_t d,
                    step_t arrival,
                    T* w,
                    const std::uint32_t* targets,
                    std::size_t n) const noexcept {
        const step_t start = std::max(arrival, settled_) + 1;
        const auto since = static_cast<std::int32_t>(start - settled_);
        const T* x = &x_[i * history_];
        // The targets that fired since `start` first, vectorised and without a branch per
        // target (whether one did is as good as random), then their rows.
        alignas(64) std::uint8_t fired[chunk];
        std::uint32_t waiting[chunk];
        for (std::size_t k0 = 0; k0 < n; k0 += chunk) {
            const std::size_t m = std::min(n - k0, chunk);
            mark_fired_since(targets + k0, m, fired_since_.data(), since, fired);
            const std::uint32_t count = list_spikes(fired, m, waiting);
            for (std::uint32_t j = 0; j < count; ++j) {
                const std::size_t k = k0 + waiting[j];
                w[k] = settle(c, w[k], targets[k], x, d, start);
            }
        }
    }

    /// Synapse (o, i) of delay d (x: X_i by step), settled before `start`: o's spikes since,
    /// in time order.
    T settle(const hebbian_constants<T>& c,
             T w,
             std::size_t o,
             const T* x,
             std::size_t d,
             step_t start) const noexcept {
        // o's latest spikes, packed: in the window usually, without reading the ring.
        const std::uint64_t recent = recent_post_[o];
        const auto since = static_cast<std::uint64_t>(start - settled_);
        std::size_t in_window = 0;
        while (in_window < recent_spikes && ((recent >> (16U * in_window)) & 0xFFFFU) >= since) {
            ++in_window;
        }
        if (in_window < recent_spikes) {
            for (std::size_t j = in_window; j-- > 0;) { // oldest first
                const auto q = settled_ + static_cast<step_t>((recent >> (16U * j)) & 0xFFFFU);
                w = c.weight(
                    w, T(0), x[static_cast<std::size_t>(q - static_cast<step_t>(d)) & mask_]);
            }
            return w;
        }
        const step_t* steps = &post_steps_[o * history_];
        const std::uint64_t count = post_count_[o];
        std::uint64_t k = count;
        while (k > 0 && steps[(k - 1) & mask_] >= start) {
            --k; // back to o's first spike in the window (fewer than H: the window is shorter)
        }
        for (; k < count; ++k) {
            const step_t q = steps[k & mask_];
            w = c.weight(w, T(0), x[static_cast<std::size_t>(q - static_cast<step_t>(d)) & mask_]);
        }
        return w;
    }

    static constexpr std::size_t chunk = 512;       // targets per pass of settle_run()
    static constexpr std::size_t recent_spikes = 4; // lanes of recent_post_
    // At least this many steps of history: a settle of every synapse every ~H steps costs about
    // one streaming pass over the kernel, so H = 256 keeps it under a few percent of the steps.
    static constexpr std::size_t min_history = 256;
    std::size_t n_pre_ = 0;
    std::size_t n_post_ = 0;
    std::size_t rows_ = 1;
    std::size_t history_ = min_history; // H
    std::size_t mask_ = min_history - 1;
    step_t now_ = -1;                       // this step (counted from the last reset or resume)
    step_t settled_ = -1;                   // every synapse holds every event up to this step
    std::vector<T> x_;                      // [n_pre][H]: X_i after step s at s & (H - 1)
    std::vector<step_t> post_steps_;        // [n_post][H]: o's latest spikes, a ring ...
    std::vector<std::uint64_t> post_count_; // ... and how many o ever had
    // o's latest spike as steps after settled_ (0: none since), and its latest 4 packed in
    // 16-bit lanes (the latest in the lowest).
    std::vector<std::int32_t> fired_since_;
    std::vector<std::uint64_t> recent_post_;
    std::vector<step_t> last_pre_;     // i's latest spike
    std::vector<step_t> previous_pre_; // [rows][n_pre]: the spike before the slot's
};

} // namespace spark::neurons
