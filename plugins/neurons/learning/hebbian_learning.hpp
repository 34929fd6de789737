// SPDX-License-Identifier: Apache-2.0
// HebbianRule (docs/models.md section 6.1) as a neuron's learning-rule policy
// (neuron/population.hpp), on the neuron's delayed per-synapse spikes. Event-driven: a weight
// changes only in the rows of the postsynaptic neurons that fired (s_post = 1 for all their
// synapses) and on the synapses that delivered a spike this step (y[o] * 1); every other
// synapse gets dW = 0, so it is not visited. In the grouped layout (neuron/synapse_step.hpp)
// the same updates, in the same arithmetic, walk the kernel as the neuron stores it: a group of
// arrivals is a contiguous run, a postsynaptic row goes through the post-major index.
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
#include "neuron/synapse_step.hpp"

namespace spark::neurons {

/// The arrivals of one group in the grouped layout: w[k] <- weight(w[k], y[o], 0) for each
/// target o = targets[k] that did not spike this step (silent[o] != 0; a spiking one had its
/// whole row updated). Gathers and a bit-blend (common/lane_select.hpp), so it vectorises.
template <typename T>
SPARK_VECTOR_CLONES void hebbian_arrivals(const hebbian_constants<T>& c,
                                          T* __restrict w,
                                          const std::uint32_t* __restrict targets,
                                          std::size_t n,
                                          const T* __restrict y,
                                          const std::int32_t* __restrict silent) noexcept {
    for (std::size_t k = 0; k < n; ++k) {
        const std::uint32_t o = targets[k];
        w[k] = lane_select(silent[o] != 0, c.weight(w[k], y[o], T(0)), w[k]);
    }
}

/// One whole group (i, d) in the grouped layout, every target: x is X_i at the group's delay,
/// `arrived` whether i's spike reaches the group now. A target that spiked gets
/// weight(w, arrived ? y : 0, x), a silent one weight(w, y, 0) when the spike arrived and nothing
/// otherwise: what the rows and the arrivals give, in the same arithmetic.
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
    /// learn() also works on the grouped layout (neuron/synapse_step.hpp).
    [[nodiscard]] static constexpr bool learns_grouped() noexcept { return true; }

    void build(const population_shape& p) {
        pre_trace_.build(p.rows, p.n_pre);
        post_trace_.assign(p.n_post, T(0));
        silent_.assign(p.n_post, 1);
    }
    void reset() {
        pre_trace_.reset();
        std::fill(post_trace_.begin(), post_trace_.end(), T(0));
    }

    /// This step's presynaptic spikes went into ring slot `now`.
    void presynaptic(std::size_t previous, std::size_t now, const std::uint8_t* spikes) noexcept {
        pre_trace_.push(c_.pre_decay, c_.pre_scale, previous, now, spikes);
    }
    /// The soma's spikes of this step.
    void postsynaptic(sdk::span<const std::uint8_t> spiked) noexcept {
        spike_traces(
            c_.post_decay, c_.post_scale, post_trace_.data(), spiked.data(), post_trace_.size());
        for (std::size_t o = 0; o < silent_.size(); ++o) {
            silent_[o] = spiked[o] == 0 ? 1 : 0;
        }
    }

    /// dW = eta (y[o] s_pre[o][i] + s_post[o] x[o][i]); W <- max(0, W + dt dW).
    void learn(const synapse_step<T>& net) noexcept {
        if (!plastic()) {
            return; // every later update is W <- max(0, W): nothing changes
        }
        if (net.grouped != nullptr) {
            learn_grouped(net, *net.grouped);
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
    /// learn() on the grouped layout: the same updates of the same synapses. A postsynaptic row
    /// costs a cache miss per synapse, so when many neurons fire at once (a synchronous burst)
    /// one streaming pass over the whole kernel is cheaper.
    void learn_grouped(const synapse_step<T>& net, const grouped_kernel<T>& g) noexcept {
        T* w = g.weights;
        const std::size_t n_pre = net.n_pre;
        if (net.post_count * rows_per_pass >= net.n_post) {
            // By presynaptic range in parts on the host's workers: a neuron's groups are its own.
            const std::uint32_t parts =
                net.parallel->parts(n_pre * net.n_post, net.parallel_synapses);
            net.parallel->for_each_chunk(parts, [&](std::uint32_t part) noexcept {
                whole_groups(net, w, n_pre * part / parts, n_pre * (part + 1U) / parts);
            });
            return;
        }
        net.for_each_fired_row([&](std::size_t o) noexcept {
            const T y = post_trace_[o];
            const std::uint32_t* at = g.post_positions + o * n_pre;
            const std::uint16_t* delay = g.post_delays + o * n_pre;
            for (std::size_t i = 0; i < n_pre; ++i) {
                if (i + prefetch_distance < n_pre) {
                    __builtin_prefetch(&w[at[i + prefetch_distance]], 1); // scattered
                }
                const std::size_t slot = net.slot_of_delay[delay[i]];
                const bool arrived = net.ring->row(slot)[i] != 0;
                T& wi = w[at[i]];
                wi = c_.weight(wi, arrived ? y : T(0), pre_trace_.at(slot, i));
            }
        });
        net.for_each_arriving_run(
            [&](T* run, const std::uint32_t* targets, std::size_t count) noexcept {
                hebbian_arrivals(c_, run, targets, count, post_trace_.data(), silent_.data());
            });
    }

    /// Every group of presynaptic neurons [i0, i1), streamed (a synchronous burst).
    void
    whole_groups(const synapse_step<T>& net, T* w, std::size_t i0, std::size_t i1) const noexcept {
        for (std::size_t i = i0; i < i1; ++i) {
            for (std::size_t d = 0; d < net.rows; ++d) {
                const std::size_t slot = net.slot_of_delay[d];
                const std::uint32_t* first = net.groups->first(i, d);
                hebbian_whole_group(c_,
                                    w + net.groups->position(first),
                                    first,
                                    static_cast<std::size_t>(net.groups->last(i, d) - first),
                                    post_trace_.data(),
                                    silent_.data(),
                                    pre_trace_.at(slot, i),
                                    net.ring->row(slot)[i] != 0);
            }
        }
    }

    static constexpr std::size_t prefetch_distance = 32;
    // From one firing neuron in this many on, learn_grouped() streams the whole kernel: a
    // scattered synapse costs ~15 times a streamed one (measured on the 4k brain of bench/).
    static constexpr std::size_t rows_per_pass = 16;
    hebbian_constants<T> c_;
    delayed_trace<T> pre_trace_;       // X_i per ring slot (the delayed per-synapse trace)
    std::vector<T> post_trace_;        // y[o]
    std::vector<std::int32_t> silent_; // 1 where the soma did not fire this step
};

} // namespace spark::neurons
