// SPDX-License-Identifier: Apache-2.0
// HebbianRule (docs/models.md section 6.1) as a neuron's learning-rule policy
// (neuron/population.hpp), on the neuron's delayed per-synapse spikes. Event-driven: a weight
// changes only in the rows of the postsynaptic neurons that fired (s_post = 1 for all their
// synapses) and on the synapses that delivered a spike this step (y[o] * 1); every other
// synapse gets dW = 0, so it is not visited. In the grouped layout (neuron/synapse_step.hpp)
// the same updates, in the same arithmetic, are applied late (learning/hebbian_pending.hpp): when
// a spike next arrives on a synapse, every F steps, and before the kernel is read. No
// postsynaptic row is ever walked, and an arrival's run is visited once, on delivery.
#pragma once
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <vector>

#include <spark/sdk/buffers.hpp>
#include <spark/sdk/module.hpp>
#include <spark/sdk/params.hpp>
#include <spark/sdk/schema.hpp>
#include <spark/sdk/vector_clones.hpp>

#include "common/lane_select.hpp"
#include "learning/delayed_trace.hpp"
#include "learning/hebbian_parameters.hpp"
#include "learning/hebbian_pending.hpp"
#include "neuron/synapse_step.hpp"

namespace spark::neurons {

/// One whole group (i, d) of the grouped layout at one step, every target, when every synapse
/// was settled up to the step before: x is X_i at the group's delay, `arrived` whether i's
/// spike reaches the group now. A target that spiked gets weight(w, arrived ? y : 0, x), a
/// silent one weight(w, y, 0) when the spike arrived and nothing otherwise: the dense rule's
/// step, in its arithmetic.
template <typename T>
SPARK_VECTOR_CLONES void hebbian_whole_group(const hebbian_constants<T>& c,
                                             T* __restrict w,
                                             const std::uint32_t* __restrict targets,
                                             std::size_t n,
                                             const T* __restrict y,
                                             const std::int32_t* __restrict silent,
                                             T x,
                                             bool arrived) noexcept {
    if (arrived) {
        for (std::size_t k = 0; k < n; ++k) {
            const std::uint32_t o = targets[k];
            w[k] = c.weight(w[k], y[o], lane_select(silent[o] != 0, T(0), x));
        }
        return;
    }
    for (std::size_t k = 0; k < n; ++k) {
        w[k] = lane_select(silent[targets[k]] != 0, w[k], c.weight(w[k], T(0), x));
    }
}

template <typename T>
class hebbian_learning {
public:
    static constexpr const char* class_ref = "hebbian_rule";
    static void declare_fields(sdk::schema& s) { declare_hebbian_fields(s); }

    explicit hebbian_learning(const sdk::config_view& cfg) : c_(hebbian_constants<T>::from(cfg)) {}

    /// With eta = 0 no weight ever changes after the first clip (max(0, W + 0) = max(0, W)).
    [[nodiscard]] bool plastic() const noexcept { return c_.eta != T(0); }
    /// With eta = 0, learn() never reads the kernel: the neuron may keep it sparse.
    [[nodiscard]] bool kernel_free() const noexcept { return !plastic(); }
    /// learn() also works on the grouped layout (neuron/synapse_step.hpp) ...
    [[nodiscard]] static constexpr bool learns_grouped() noexcept { return true; }
    /// ... without the post-major index of its rows ...
    [[nodiscard]] static constexpr bool reads_rows() noexcept { return false; }
    /// ... and there, a spike's weights must be settled before delivery reads them.
    [[nodiscard]] static constexpr bool settles_arrivals() noexcept { return true; }

    void build(const population_shape& p) {
        pre_trace_.build(p.rows, p.n_pre);
        post_trace_.assign(p.n_post, T(0));
        grouped_ = p.grouped;
        if (grouped_) {
            pending_.build(p.n_pre, p.n_post, p.rows);
            silent_.assign(p.n_post, 1);
        }
    }
    void reset() {
        pre_trace_.reset();
        std::fill(post_trace_.begin(), post_trace_.end(), T(0));
        pending_.reset();
    }

    /// This step's presynaptic spikes went into ring slot `now`.
    void presynaptic(std::size_t previous, std::size_t now, const std::uint8_t* spikes) noexcept {
        pre_trace_.push(c_.pre_decay, c_.pre_scale, previous, now, spikes);
        if (grouped_) {
            pending_.presynaptic(now, spikes, pre_trace_.row(now));
        }
    }
    /// The soma's spikes of this step.
    void postsynaptic(sdk::span<const std::uint8_t> spiked) noexcept {
        spike_traces(
            c_.post_decay, c_.post_scale, post_trace_.data(), spiked.data(), post_trace_.size());
    }

    /// Grouped layout: the run w of group (i, d), spike in ring slot `slot`, brought up to date
    /// before delivery reads it (learning/hebbian_pending.hpp).
    void settle_arrivals(std::size_t i,
                         std::size_t d,
                         std::size_t slot,
                         T* w,
                         const std::uint32_t* targets,
                         std::size_t n) const noexcept {
        pending_.settle_arrivals(c_, i, d, slot, w, targets, n);
    }
    /// Grouped layout: every synapse brought up to date (before the kernel is read).
    void settle(const synapse_step<T>& net) noexcept {
        if (!grouped_) {
            return;
        }
        const std::size_t n_pre = net.n_pre;
        // Settled up to the step before: only this step's arrivals and spikes wait, and the
        // dense rule's step does the same at the cost of two gathers per synapse (the case of a
        // synchronous burst lasting more than one step).
        const bool one_step = pending_.settled_before_this_step();
        if (one_step) {
            for (std::size_t o = 0; o < silent_.size(); ++o) {
                silent_[o] = net.post_spiked[o] == 0 ? 1 : 0;
            }
        }
        const std::uint32_t parts = net.parallel->parts(n_pre * net.n_post, net.parallel_synapses);
        net.parallel->for_each_chunk(parts, [&](std::uint32_t part) noexcept {
            const std::size_t i0 = n_pre * part / parts;
            const std::size_t i1 = n_pre * (part + 1U) / parts;
            if (one_step) {
                step_groups(net, i0, i1);
            } else {
                pending_.settle_groups(
                    c_, *net.groups, net.grouped->weights, net.slot_of_delay, i0, i1);
            }
        });
        pending_.mark_settled();
    }
    /// Grouped layout, after a state was loaded: the spikes on their way are the ring's.
    void resume(const spike_ring& ring) {
        if (grouped_) {
            pending_.resume(ring, pre_trace_.values().data());
        }
    }

    /// dW = eta (y[o] s_pre[o][i] + s_post[o] x[o][i]); W <- max(0, W + dt dW).
    void learn(const synapse_step<T>& net) noexcept {
        if (!plastic()) {
            return; // every later update is W <- max(0, W): nothing changes
        }
        if (grouped_) {
            learn_grouped(net);
            return;
        }
        T* w = net.weights;
        // Rows of the postsynaptic neurons that spiked: s_post = 1 for all their synapses.
        for (std::size_t k = 0; k < net.post_count; ++k) {
            const std::size_t o = net.post_fired[k];
            const T y = post_trace_[o];
            for (std::size_t i = 0; i < net.n_pre; ++i) {
                const std::size_t at = i * net.n_post + o;
                if (i + prefetch_distance < net.n_pre) {
                    // The row is strided by n_post: no hardware prefetcher follows it.
                    const std::size_t ahead = at + prefetch_distance * net.n_post;
                    __builtin_prefetch(&w[ahead], 1);
                    if (const auto* d = net.delays->address(ahead)) {
                        __builtin_prefetch(d, 0);
                    }
                }
                const std::size_t slot = net.slot(at, i);
                const bool arrived = net.ring->row(slot)[i] != 0;
                w[at] = c_.weight(w[at], arrived ? y : T(0), pre_trace_.at(slot, i));
            }
        }
        // Synapses that delivered a spike to a silent postsynaptic neuron: dW = eta * y[o].
        net.for_each_arrival([&](std::size_t i, std::size_t o, std::size_t /*slot*/) {
            if (net.post_spiked[o] == 0) {
                T& wo = w[i * net.n_post + o];
                wo = c_.weight(wo, post_trace_[o], T(0));
            }
        });
    }

    void state(sdk::state_list& s, const population_shape& p) {
        s.add("post_trace", post_trace_, p.units);
        s.add("pre_trace_history", pre_trace_.values(), p.history);
    }
    void state_loaded() {}

private:
    /// learn() on the grouped layout: every term of this step waits, the arrivals' and the rows
    /// of the neurons that fired (learning/hebbian_pending.hpp).
    /// After a synchronous burst (one neuron in burst_share or more fired), every synapse is
    /// settled at once: one streaming pass, rather than each waiting synapse one by one later.
    void learn_grouped(const synapse_step<T>& net) noexcept {
        pending_.postsynaptic(post_trace_.data(), net.post_fired, net.post_count);
        if (pending_.due() || net.post_count * burst_share >= net.n_post) {
            settle(net);
        }
    }

    /// The dense rule's step on every group of presynaptic neurons [i0, i1), streamed.
    void step_groups(const synapse_step<T>& net, std::size_t i0, std::size_t i1) const noexcept {
        T* w = net.grouped->weights;
        for (std::size_t i = i0; i < i1; ++i) {
            for (std::size_t d = 0; d < net.rows; ++d) {
                const std::uint32_t* first = net.groups->first(i, d);
                hebbian_whole_group(c_,
                                    w + net.groups->position(first),
                                    first,
                                    static_cast<std::size_t>(net.groups->last(i, d) - first),
                                    post_trace_.data(),
                                    silent_.data(),
                                    pending_.x_before(i, d),
                                    net.ring->row(net.slot_of_delay[d])[i] != 0);
            }
        }
    }

    static constexpr std::size_t prefetch_distance = 32;
    static constexpr std::size_t burst_share = 16;
    hebbian_constants<T> c_;
    delayed_trace<T> pre_trace_;       // X_i per ring slot (the delayed per-synapse trace)
    std::vector<T> post_trace_;        // y[o]
    bool grouped_ = false;             // the neuron keeps the grouped layout: rows wait ...
    hebbian_pending<T> pending_;       // ... with what that needs
    std::vector<std::int32_t> silent_; // step_groups(): 1 where the soma did not fire this step
};

} // namespace spark::neurons
