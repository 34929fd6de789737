// SPDX-License-Identifier: Apache-2.0
// ZenkeRule (docs/models.md section 6.3) as a neuron's learning-rule policy
// (neuron/population.hpp), on the neuron's delayed per-synapse spikes. The target trace z has
// the kernel's shape and moves every step on every synapse, so with learning on that part is
// dense (O(pre x post) per step, one fused pass); the weight update itself is event-driven like
// the Hebbian one: dW is non-zero only in the rows of postsynaptic neurons that fired (terms A
// and C) and on the synapses that delivered a spike (terms B and D).
// With eta = 0 the weights never change, and z = 0 is a fixed point where W = 0, so only the
// synapses with W != 0 or z != 0 (a sparse kernel's few) are stepped, with the same arithmetic.
#pragma once
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <vector>

#include <spark/sdk/buffers.hpp>
#include <spark/sdk/module.hpp>
#include <spark/sdk/parallel.hpp>
#include <spark/sdk/params.hpp>
#include <spark/sdk/schema.hpp>
#include <spark/sdk/vector_clones.hpp>

#include "common/lane_select.hpp"
#include "learning/delayed_trace.hpp"
#include "learning/zenke_parameters.hpp"
#include "neuron/synapse_step.hpp"

namespace spark::neurons {

/// Every synapse's target trace, z[k] <- target(z[k], w[k]) for k < n: elementwise, so with AVX2
/// clones (the same bits: -ffp-contract=off, no FMA).
template <typename T>
SPARK_VECTOR_CLONES_AVX512 void zenke_targets(const zenke_constants<T>& c,
                                              T* __restrict z,
                                              const T* __restrict w,
                                              std::size_t n) noexcept {
    for (std::size_t k = 0; k < n; ++k) {
        z[k] = c.target(z[k], w[k]);
    }
}

/// zenke_targets over n synapses, in parts on the host's workers when there are many (the dense
/// 4k brain steps 13 M targets per population and step). Elementwise, so any split gives the same
/// bits.
template <typename T>
void zenke_targets_in_parts(const sdk::parallel& parallel,
                            const zenke_constants<T>& c,
                            T* z,
                            const T* w,
                            std::size_t n) noexcept {
    constexpr std::size_t parallel_synapses = std::size_t{1} << 18U;
    constexpr std::size_t grain = 16; // one 64-byte line of float32
    const std::uint32_t parts = parallel.parts(n, parallel_synapses);
    parallel.for_each_chunk(parts, [&](std::uint32_t part) noexcept {
        const auto bound = [&](std::uint32_t p) {
            return p == parts ? n : n / parts * p / grain * grain;
        };
        const std::size_t b = bound(part);
        zenke_targets(c, z + b, w + b, bound(part + 1U) - b);
    });
}

/// The arrivals of one group at the neurons that stayed silent (s_pre = 1, s_post = 0: terms B
/// and D only, which read neither x nor z), through the same weight() as every other update, so
/// the same bits; vectorised with a bit-blend (common/lane_select.hpp) and AVX2 gathers.
template <typename T>
SPARK_VECTOR_CLONES void zenke_arrivals(const zenke_constants<T>& c,
                                        T* __restrict w,
                                        const std::uint32_t* __restrict targets,
                                        std::size_t n,
                                        const T* __restrict y,
                                        const std::int32_t* __restrict silent) noexcept {
    for (std::size_t k = 0; k < n; ++k) {
        const std::uint32_t o = targets[k];
        w[k] = lane_select(
            silent[o] != 0, c.weight(w[k], T(0), T(0), y[o], T(0), T(0), true, false), w[k]);
    }
}

template <typename T>
class zenke_learning {
public:
    static constexpr const char* class_ref = "zenke_rule";
    static void declare_fields(sdk::schema& s) { declare_zenke_fields(s); }

    explicit zenke_learning(const sdk::config_view& cfg) : c_(zenke_constants<T>::from(cfg)) {}

    /// With eta = 0 no weight changes after the first clip (the target trace still moves).
    [[nodiscard]] bool plastic() const noexcept { return c_.eta != T(0); }
    /// learn() also works on the grouped layout (neuron/synapse_step.hpp); the target trace is
    /// then kept in the kernel's list order.
    [[nodiscard]] static constexpr bool learns_grouped() noexcept { return true; }

    void build(const population_shape& p) {
        n_pre_ = p.n_pre;
        n_post_ = p.n_post;
        pre_trace_.build(p.rows, p.n_pre);
        post_trace_.assign(p.n_post, T(0));
        slow_trace_.assign(p.n_post, T(0));
        cubed_.assign(p.n_post, T(0));
        silent_.assign(p.n_post, 1);
        target_.assign(p.n_pre * p.n_post, T(0));
        moving_known_ = false;
    }
    void reset() {
        pre_trace_.reset();
        std::fill(post_trace_.begin(), post_trace_.end(), T(0));
        std::fill(slow_trace_.begin(), slow_trace_.end(), T(0));
        std::fill(target_.begin(), target_.end(), T(0));
        moving_known_ = false; // the kernel may have been reloaded
    }

    void presynaptic(std::size_t previous, std::size_t now, const std::uint8_t* spikes) noexcept {
        pre_trace_.push(c_.pre_decay, c_.pre_scale, previous, now, spikes);
    }
    void postsynaptic(sdk::span<const std::uint8_t> spiked) noexcept {
        for (std::size_t o = 0; o < n_post_; ++o) {
            const bool s = spiked[o] != 0;
            post_trace_[o] = spike_trace(c_.post_decay, c_.post_scale, post_trace_[o], s);
            slow_trace_[o] = spike_trace(c_.slow_decay, c_.slow_scale, slow_trace_[o], s);
            const T y = post_trace_[o];
            cubed_[o] = y * y * y;
            silent_[o] = s ? 0 : 1;
        }
    }

    void learn(const synapse_step<T>& net) {
        if (plastic() && net.grouped != nullptr) {
            learn_grouped(net, *net.grouped);
            return;
        }
        T* w = net.weights;
        // Every synapse's target trace, from W before this step's update (pre-major like W).
        if (!plastic()) {
            step_static_targets(*net.parallel, w);
            return;
        }
        zenke_targets_in_parts(*net.parallel, c_, target_.data(), w, target_.size());
        // Rows of the postsynaptic neurons that spiked: every term may be non-zero.
        net.for_each_fired_row([&](std::size_t o) noexcept {
            for (std::size_t i = 0; i < n_pre_; ++i) {
                const std::size_t at = i * n_post_ + o;
                const std::size_t slot = net.slot(at, i);
                w[at] = updated(
                    w[at], at, pre_trace_.at(slot, i), o, net.ring->row(slot)[i] != 0, true);
            }
        });
        // Synapses that delivered a spike to a silent postsynaptic neuron: B + D only.
        net.for_each_arrival([&](std::size_t i, std::size_t o, std::size_t slot) {
            if (net.post_spiked[o] == 0) {
                const std::size_t at = i * n_post_ + o;
                w[at] = updated(w[at], at, pre_trace_.at(slot, i), o, true, false);
            }
        });
    }

    // The target trace is exposed post-major (the kernel's orientation) through a staging copy.
    void state(sdk::state_list& s, const population_shape& p) {
        sync_static_targets();
        positions_ = p.grouped_positions;
        staged_target_.resize(target_.size());
        for (std::size_t o = 0; o < n_post_; ++o) {
            for (std::size_t i = 0; i < n_pre_; ++i) {
                staged_target_[o * n_pre_ + i] = target_[at(o, i)];
            }
        }
        s.add("pre_trace_history", pre_trace_.values(), p.history);
        s.add("post_trace", post_trace_, p.units);
        s.add("post_slow_trace", slow_trace_, p.units);
        s.add("target", staged_target_, p.kernel);
    }
    void state_loaded() {
        moving_known_ = false;
        if (staged_target_.size() == target_.size()) {
            for (std::size_t o = 0; o < n_post_; ++o) {
                for (std::size_t i = 0; i < n_pre_; ++i) {
                    target_[at(o, i)] = staged_target_[o * n_pre_ + i];
                }
            }
        }
    }

private:
    /// Synapse `at`'s updated weight (its target trace at `at`), postsynaptic neuron o, presynaptic
    /// trace x, whether its presynaptic spike arrived and whether o fired.
    [[nodiscard]] T
    updated(T w, std::size_t at, T x, std::size_t o, bool pre, bool post) const noexcept {
        return c_.weight(w, target_[at], x, post_trace_[o], slow_trace_[o], cubed_[o], pre, post);
    }

    /// Where synapse (o, i)'s target lies in target_: pre-major, or the grouped layout's list
    /// position (as of the last state()).
    [[nodiscard]] std::size_t at(std::size_t o, std::size_t i) const noexcept {
        return positions_ != nullptr ? positions_[o * n_pre_ + i] : i * n_post_ + o;
    }

    /// learn() on the grouped layout: the same updates of the same synapses, the target trace in
    /// the kernel's list order.
    void learn_grouped(const synapse_step<T>& net, const grouped_kernel<T>& g) noexcept {
        T* w = g.weights;
        zenke_targets_in_parts(*net.parallel, c_, target_.data(), w, target_.size());
        net.for_each_fired_row([&](std::size_t o) noexcept {
            const std::uint32_t* at = g.post_positions + o * n_pre_;
            const std::uint16_t* delay = g.post_delays + o * n_pre_;
            for (std::size_t i = 0; i < n_pre_; ++i) {
                if (i + prefetch_distance < n_pre_) {
                    const std::uint32_t ahead = at[i + prefetch_distance]; // scattered
                    __builtin_prefetch(&w[ahead], 1);
                    __builtin_prefetch(&target_[ahead], 0);
                }
                const std::size_t slot = net.slot_of_delay[delay[i]];
                const std::size_t p = at[i];
                w[p] =
                    updated(w[p], p, pre_trace_.at(slot, i), o, net.ring->row(slot)[i] != 0, true);
            }
        });
        // Arrivals at silent neurons: B + D.
        net.for_each_arriving_run(
            [&](T* run, const std::uint32_t* targets, std::size_t count) noexcept {
                zenke_arrivals(c_, run, targets, count, post_trace_.data(), silent_.data());
            });
    }

    static constexpr std::size_t prefetch_distance = 32;

    // Static weights: the targets that move (W != 0 or z != 0, found once the weights are
    // clipped) are stepped exactly as the dense loop would, from compact copies of their z and
    // (constant) W, so a sparse kernel's few stream through the cache; the others stay at 0.
    // target_ is brought up to date when the state is read.
    void step_static_targets(const sdk::parallel& parallel, const T* w) {
        if (!moving_known_) {
            moving_.clear();
            moving_z_.clear();
            moving_w_.clear();
            for (std::size_t at = 0; at < target_.size(); ++at) {
                if (w[at] != T(0) || target_[at] != T(0)) {
                    moving_.push_back(at);
                    moving_z_.push_back(target_[at]);
                    moving_w_.push_back(w[at]);
                }
            }
            moving_known_ = true;
        }
        zenke_targets_in_parts(parallel, c_, moving_z_.data(), moving_w_.data(), moving_z_.size());
    }
    void sync_static_targets() {
        if (moving_known_) {
            for (std::size_t k = 0; k < moving_.size(); ++k) {
                target_[moving_[k]] = moving_z_[k];
            }
        }
    }

    zenke_constants<T> c_;
    std::size_t n_pre_ = 0;
    std::size_t n_post_ = 0;
    delayed_trace<T> pre_trace_;       // X_i per ring slot (the delayed per-synapse trace x)
    std::vector<T> post_trace_;        // y[o]
    std::vector<T> slow_trace_;        // y_s[o]
    std::vector<T> cubed_;             // y[o]^3 of this step
    std::vector<std::int32_t> silent_; // 1 where the soma did not fire this step
    large_vector<T> target_;           // z, in the kernel's order (pre-major or grouped)
    const std::uint32_t* positions_ = nullptr; // the grouped layout's, for state()
    std::vector<T> staged_target_;
    // Static weights: the targets that move, their z and W (target_ is stale while known).
    std::vector<std::size_t> moving_;
    std::vector<T> moving_z_;
    std::vector<T> moving_w_;
    bool moving_known_ = false;
};

} // namespace spark::neurons
