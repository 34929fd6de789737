// SPDX-License-Identifier: Apache-2.0
// HebbianRule's terms applied late, but with the dense rule's arithmetic and order, so the
// weights are the same bits (docs/adr/0010-event-driven-dense-learning.md, part 2).
//
// Each step the dense rule sets W[o][i] <- max(0, W + dt eta (y[o] s_pre + s_post[o] x)) for every
// synapse. At a step where neither the delayed presynaptic spike arrives nor o fires, that is
// max(0, W + 0) = W (weights are >= 0 after the first clip): nothing. So a synapse only needs the
// steps with an event, applied one by one in time order, each with the traces of its own step.
// Both kinds of term wait here: a postsynaptic spike's row (one cache miss per synapse if applied
// at once) and a spike's arrival term (which needs y[o] after the soma, so applied at once it
// would cost a second pass over the run after delivery's). A synapse's waiting terms are applied
// ("settled")
// - when a spike arrives on it, just before delivery reads its weight: its previous arrival's
//   term and o's spikes since, in one pass over the run that delivery then reads from L1;
// - for every synapse, once every F steps (so that the histories below stay short), and before
//   the kernel is read (state, checkpoints).
// Settling never changes the arithmetic, so when it happens does not change a bit: a run that
// reads its state every step and one that never does hold the same kernel.
//
// What a waiting term needs, kept for the last H steps (H = F + R, a power of two):
// - x_:    X_i after each step's spikes, per presynaptic neuron (X_i(s - d) for a post spike at s
//          on a synapse of delay d);
// - y_:    y after each step's postsynaptic spikes, per step (the arrival term at step s reads
//          y[o] of step s);
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
#include <type_traits>
#include <vector>

#include <spark/sdk/vector_clones.hpp>

#include "common/lane_select.hpp"
#include "common/spike_scan.hpp"
#include "delays/spike_ring.hpp"
#include "learning/hebbian_parameters.hpp"
#include "neuron/delay_groups.hpp"

namespace spark::neurons {

/// One synapse whose target o fired in the window, which starts `since` steps after settled_
/// (hebbian_pending below): with `Arrival`, the arrival term at `since` first, with y[o] (and X_i
/// of that step where o fired then, as the dense rule does), then o's spikes in the window,
/// oldest first. recent_new and recent_old hold each target's latest spikes as steps after
/// settled_ in 16-bit lanes (the latest two, the latest low; the two before; 0: none); y is y
/// after the arrival step; x is X_i by step, read at (base + stamp) & mask (base: settled_ - d).
/// Sets `overflow` where all four stamps are in the window (there may be more spikes than four):
/// the caller then settles that synapse from the spike ring.
template <bool Arrival, typename T>
[[nodiscard]] inline T settle_synapse(const hebbian_constants<T>& c,
                                      T v,
                                      std::uint32_t o,
                                      std::uint32_t since,
                                      const std::uint32_t* __restrict recent_new,
                                      const std::uint32_t* __restrict recent_old,
                                      const T* __restrict y,
                                      const T* __restrict x,
                                      std::uint32_t base,
                                      std::uint32_t mask,
                                      bool& overflow) noexcept {
    const std::uint32_t r01 = recent_new[o];
    const std::uint32_t r23 = recent_old[o];
    const std::uint32_t s0 = r01 & 0xFFFFU;
    const std::uint32_t s1 = r01 >> 16U;
    const std::uint32_t s2 = r23 & 0xFFFFU;
    const std::uint32_t s3 = r23 >> 16U;
    overflow = s3 >= since;
    // Spikes after the arrival step (with one) or from `since` on (without).
    const std::uint32_t after = Arrival ? since + 1U : since;
    if constexpr (Arrival) {
        const bool at_start = (s0 == since) | (s1 == since) | (s2 == since); // no branch
        v = c.weight(v, y[o], lane_select(at_start, x[(base + since) & mask], T(0)));
    }
    v = lane_select(s2 >= after, c.weight(v, T(0), x[(base + s2) & mask]), v);
    v = lane_select(s1 >= after, c.weight(v, T(0), x[(base + s1) & mask]), v);
    return lane_select(s0 >= after, c.weight(v, T(0), x[(base + s0) & mask]), v);
}

/// fired[k] = 1 where target o = targets[k] fired in the window (fired_since[o] >= since: o's
/// latest spike as steps after settled_), else 0; returns how many did. With `Arrival`, every
/// other weight gets the waiting arrival term alone, w[k] <- weight(w[k], y[o], 0): the common
/// case of a settle, vectorised (gathers and a bit-blend).
template <bool Arrival, typename T>
SPARK_VECTOR_CLONES std::uint32_t settle_unfired(const hebbian_constants<T>& c,
                                                 T* __restrict w,
                                                 const std::uint32_t* __restrict targets,
                                                 std::size_t n,
                                                 const std::int32_t* __restrict fired_since,
                                                 std::int32_t since,
                                                 const T* __restrict y,
                                                 std::uint8_t* __restrict fired) noexcept {
    std::uint32_t count = 0;
    for (std::size_t k = 0; k < n; ++k) {
        const std::uint32_t o = targets[k];
        const bool f = fired_since[o] >= since;
        fired[k] = f ? 1 : 0;
        count += f ? 1U : 0U;
        if constexpr (Arrival) {
            w[k] = lane_select(f, w[k], c.weight(w[k], y[o], T(0)));
        }
    }
    return count;
}

/// The synapses at positions waiting[j], j < count, of a run (weights w, targets) through
/// settle_synapse(), into settled[j] and overflow[j]: few of them, listed.
template <bool Arrival, typename T>
SPARK_VECTOR_CLONES void settle_listed(const hebbian_constants<T>& c,
                                       const T* __restrict w,
                                       const std::uint32_t* __restrict targets,
                                       const std::uint32_t* __restrict waiting,
                                       std::size_t count,
                                       std::uint32_t since,
                                       const std::uint32_t* __restrict recent_new,
                                       const std::uint32_t* __restrict recent_old,
                                       const T* __restrict y,
                                       const T* __restrict x,
                                       std::uint32_t base,
                                       std::uint32_t mask,
                                       T* __restrict settled,
                                       std::uint8_t* __restrict overflow) noexcept {
    for (std::size_t j = 0; j < count; ++j) {
        const std::uint32_t k = waiting[j];
        bool over = false;
        settled[j] = settle_synapse<Arrival>(
            c, w[k], targets[k], since, recent_new, recent_old, y, x, base, mask, over);
        overflow[j] = over ? 1 : 0;
    }
}

/// The same for every k < n with fired[k] set, in place: many of them, masked. An overflowing
/// synapse is left as it is, with overflow[k] = 1; returns how many did.
template <bool Arrival, typename T>
SPARK_VECTOR_CLONES std::uint32_t settle_masked(const hebbian_constants<T>& c,
                                                T* __restrict w,
                                                const std::uint32_t* __restrict targets,
                                                std::size_t n,
                                                const std::uint8_t* __restrict fired,
                                                std::uint32_t since,
                                                const std::uint32_t* __restrict recent_new,
                                                const std::uint32_t* __restrict recent_old,
                                                const T* __restrict y,
                                                const T* __restrict x,
                                                std::uint32_t base,
                                                std::uint32_t mask,
                                                std::uint8_t* __restrict overflow) noexcept {
    std::uint32_t overflows = 0;
    for (std::size_t k = 0; k < n; ++k) {
        bool over = false;
        const T v = settle_synapse<Arrival>(
            c, w[k], targets[k], since, recent_new, recent_old, y, x, base, mask, over);
        const bool take = fired[k] != 0 && !over;
        overflow[k] = fired[k] != 0 && over ? 1 : 0;
        overflows += fired[k] != 0 && over ? 1U : 0U;
        w[k] = lane_select(take, v, w[k]);
    }
    return overflows;
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
        y_.assign(history_ * n_post, T(0));
        post_steps_.assign(n_post * history_, never);
        post_count_.assign(n_post, 0);
        fired_since_.assign(n_post, 0);
        recent_new_.assign(n_post, 0);
        recent_old_.assign(n_post, 0);
        last_pre_.assign(n_pre, never);
        previous_pre_.assign(rows * n_pre, never);
        reset();
    }

    /// Nothing happened yet, nothing is pending.
    void reset() {
        now_ = -1;
        settled_ = -1;
        std::fill(post_count_.begin(), post_count_.end(), std::uint64_t{0});
        forget_recent();
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

    /// After the soma: y after this step's spikes (one value per postsynaptic neuron) and the
    /// `count` neurons that fired. Their rows wait, as do this step's arrival terms.
    void postsynaptic(const T* y, const std::uint32_t* fired, std::size_t count) noexcept {
        std::copy(y, y + n_post_, &y_[(static_cast<std::size_t>(now_) & mask_) * n_post_]);
        for (std::size_t k = 0; k < count; ++k) {
            const std::size_t o = fired[k];
            post_steps_[o * history_ + (post_count_[o]++ & mask_)] = now_;
            const auto since = static_cast<std::uint16_t>(now_ - settled_);
            fired_since_[o] = static_cast<std::int32_t>(since);
            recent_old_[o] = (recent_old_[o] << 16U) | (recent_new_[o] >> 16U);
            recent_new_[o] = (recent_new_[o] << 16U) | since;
        }
    }

    /// Whether every synapse must be settled now, before the histories run out (after
    /// postsynaptic()).
    /// Whether every synapse holds every event up to the step before this one.
    [[nodiscard]] bool settled_before_this_step() const noexcept { return settled_ == now_ - 1; }

    [[nodiscard]] bool due() const noexcept {
        return now_ - settled_ >= static_cast<step_t>(history_ - rows_);
    }

    /// The run of the group (i, d) whose spike (stored in ring slot `slot`) arrives now: its
    /// weights w[k] of targets[k], k < n, settled up to the previous step (the previous spike's
    /// arrival included), before delivery reads them. Writes only these weights.
    void settle_arrivals(const hebbian_constants<T>& c,
                         std::size_t i,
                         std::size_t d,
                         std::size_t slot,
                         T* w,
                         const std::uint32_t* targets,
                         std::size_t n) const noexcept {
        const step_t before = previous_pre_[slot * n_pre_ + i];
        if (before == never) {
            return; // no earlier arrival, and X_i was 0 until this spike: nothing waits
        }
        if (before + static_cast<step_t>(d) <= settled_ && settled_ >= now_ - 1) {
            return; // every synapse was settled at the step before: nothing waits
        }
        settle_run(c, i, d, before + static_cast<step_t>(d), w, targets, n);
    }

    /// Every group of presynaptic neurons [i0, i1) settled up to this step included (arrival
    /// terms and the soma's spikes) (`w`: the grouped kernel; `slot_of_delay`: this step's ring
    /// slot of each delay). Call mark_settled() once every range is done.
    void settle_groups(const hebbian_constants<T>& c,
                       const delay_groups& groups,
                       T* w,
                       const std::size_t* slot_of_delay,
                       std::size_t i0,
                       std::size_t i1) const noexcept {
        for (std::size_t i = i0; i < i1; ++i) {
            for (std::size_t d = 0; d < rows_; ++d) {
                // The latest spike of i that reached delay d by now (it settled the group up to
                // its arrival, whose own term still waits); none: X_i was 0 so far.
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
        forget_recent();
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
    /// No postsynaptic spike since settled_.
    void forget_recent() noexcept {
        std::fill(fired_since_.begin(), fired_since_.end(), 0);
        std::fill(recent_new_.begin(), recent_new_.end(), 0U);
        std::fill(recent_old_.begin(), recent_old_.end(), 0U);
    }

    /// The run of group (i, d) whose latest arrival was at step `arrival`, settled up to it (by
    /// that arrival's own settle, or by settled_): each weight gets that arrival's term, unless
    /// settled_ already holds it, then o's spikes since, in time order.
    void settle_run(const hebbian_constants<T>& c,
                    std::size_t i,
                    std::size_t d,
                    step_t arrival,
                    T* w,
                    const std::uint32_t* targets,
                    std::size_t n) const noexcept {
        const bool waits = arrival > settled_; // the arrival's own term
        const step_t start = waits ? arrival : settled_ + 1;
        const auto since = static_cast<std::int32_t>(start - settled_);
        const T* x = &x_[i * history_];
        const T* y = &y_[(static_cast<std::size_t>(arrival) & mask_) * n_post_];
        const auto window = static_cast<std::uint32_t>(since);
        const std::uint32_t* recent_new = recent_new_.data();
        const std::uint32_t* recent_old = recent_old_.data();
        const auto base = static_cast<std::uint32_t>(settled_ - static_cast<step_t>(d));
        const auto mask = static_cast<std::uint32_t>(mask_);
        // The targets that fired in the window first, vectorised and without a branch per target
        // (whether one did is as good as random), with the arrival term of all others; then the
        // terms of the ones that fired, listed when they are few, masked when they are many.
        alignas(64) std::uint8_t fired[chunk];
        std::uint32_t waiting[chunk];
        T settled[chunk];
        std::uint8_t overflow[chunk];
        const auto slow = [&](std::size_t k) { // more spikes in the window than four
            const std::uint32_t o = targets[k];
            return settle(c, w[k], o, x, d, start, waits ? y[o] : no_arrival);
        };
        // f(std::true_type{}) when the arrival term waits, else f(std::false_type{}): the
        // vectorised kernels take it as a template argument, so that their loops have no branch.
        const auto with_arrival = [&](const auto& f) {
            return waits ? f(std::true_type{}) : f(std::false_type{});
        };
        for (std::size_t k0 = 0; k0 < n; k0 += chunk) {
            const std::size_t m = std::min(n - k0, chunk);
            T* wk = w + k0;
            const std::uint32_t* tk = targets + k0;
            const std::uint32_t count = with_arrival([&](auto waiting_term) {
                return settle_unfired<decltype(waiting_term)::value>(
                    c, wk, tk, m, fired_since_.data(), since, y, fired);
            });
            if (count == 0) {
                continue;
            }
            if (count * masked_share >= m) {
                const std::uint32_t overflows = with_arrival([&](auto waiting_term) {
                    return settle_masked<decltype(waiting_term)::value>(c,
                                                                        wk,
                                                                        tk,
                                                                        m,
                                                                        fired,
                                                                        window,
                                                                        recent_new,
                                                                        recent_old,
                                                                        y,
                                                                        x,
                                                                        base,
                                                                        mask,
                                                                        overflow);
                });
                for (std::size_t k = 0; k < m && overflows != 0; ++k) {
                    if (overflow[k] != 0) {
                        w[k0 + k] = slow(k0 + k);
                    }
                }
                continue;
            }
            list_spikes(fired, m, waiting);
            with_arrival([&](auto waiting_term) {
                settle_listed<decltype(waiting_term)::value>(c,
                                                             wk,
                                                             tk,
                                                             waiting,
                                                             count,
                                                             window,
                                                             recent_new,
                                                             recent_old,
                                                             y,
                                                             x,
                                                             base,
                                                             mask,
                                                             settled,
                                                             overflow);
            });
            for (std::uint32_t j = 0; j < count; ++j) {
                const std::size_t k = k0 + waiting[j];
                w[k] = overflow[j] == 0 ? settled[j] : slow(k);
            }
        }
    }

    /// Synapse (o, i) of delay d (x: X_i by step), settled before `start`, where o fired since:
    /// the arrival term at `start` when y_arrival is not no_arrival (with o's spike there, if
    /// o fired at `start`), then o's spikes, in time order.
    T settle(const hebbian_constants<T>& c,
             T w,
             std::size_t o,
             const T* x,
             std::size_t d,
             step_t start,
             T y_arrival) const noexcept {
        bool arrival = y_arrival != no_arrival;
        const auto apply = [&](step_t q) {
            const T xq = x[static_cast<std::size_t>(q - static_cast<step_t>(d)) & mask_];
            if (arrival) {
                arrival = false;
                if (q == start) {
                    w = c.weight(w, y_arrival, xq); // both in one step, as the dense rule
                    return;
                }
                w = c.weight(w, y_arrival, T(0));
            }
            w = c.weight(w, T(0), xq);
        };
        // o's latest spikes, packed: in the window usually, without reading the ring.
        const std::uint64_t recent =
            (std::uint64_t{recent_old_[o]} << 32U) | std::uint64_t{recent_new_[o]};
        const auto since = static_cast<std::uint64_t>(start - settled_);
        std::size_t in_window = 0;
        while (in_window < recent_spikes && ((recent >> (16U * in_window)) & 0xFFFFU) >= since) {
            ++in_window;
        }
        if (in_window < recent_spikes) {
            for (std::size_t j = in_window; j-- > 0;) { // oldest first
                apply(settled_ + static_cast<step_t>((recent >> (16U * j)) & 0xFFFFU));
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
            apply(steps[k & mask_]);
        }
        return w;
    }

    // settle()'s y_arrival when no arrival term waits (a trace is never negative).
    static constexpr T no_arrival = T(-1);
    static constexpr std::size_t chunk = 512; // targets per pass of settle_run()
    // From one target in this many on, settle_run() settles the targets that fired masked (a
    // vector pass over all) rather than listed.
    static constexpr std::uint32_t masked_share = 4;
    static constexpr std::size_t recent_spikes = 4; // 16-bit lanes of recent_new_, recent_old_
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
    std::vector<T> y_;                      // [H][n_post]: y after step s in row s & (H - 1)
    std::vector<step_t> post_steps_;        // [n_post][H]: o's latest spikes, a ring ...
    std::vector<std::uint64_t> post_count_; // ... and how many o ever had
    // o's latest spike as steps after settled_ (0: none since), and its latest 4 packed in
    // 16-bit lanes (the latest in the lowest).
    std::vector<std::int32_t> fired_since_;
    std::vector<std::uint32_t> recent_new_; // the latest two (the latest in the low half)
    std::vector<std::uint32_t> recent_old_; // the two before
    std::vector<step_t> last_pre_;          // i's latest spike
    std::vector<step_t> previous_pre_;      // [rows][n_pre]: the spike before the slot's
};

} // namespace spark::neurons
