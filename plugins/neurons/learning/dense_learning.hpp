// SPDX-License-Identifier: Apache-2.0
// Any standalone rule's `Update` (learning/rule_component.hpp: hebbian_update, zenke_update,
// oja_update, ...) as a neuron's learning-rule policy (neuron/population.hpp), dense: every
// synapse's weight() runs every step, O(pre x post). The traces are the standalone rule's, fed
// with the neuron's delayed per-synapse spikes: the presynaptic trace of synapse (o, i) is
// x[o][i](t) = X_i(t - D[o][i]) (learning/delayed_trace.hpp: one trace per ring row and
// presynaptic neuron), y is per postsynaptic neuron. With the same Update arithmetic this gives
// what the event-driven policies (hebbian_learning, zenke_learning) give, bit for bit
// (tests/plugins/test_dense_learning.cpp), for rules that have no event-driven form.
//
// Updates that keep their own per-synapse traces (quadruplet_tensor_update) get them through
// their synapse() hook instead of spikes(): per synapse, its delayed presynaptic spike, the
// presynaptic inhibition bit the delays would deliver with it (an arriving spike's of its
// emission, else this step's input's) and the postsynaptic neuron's own.
// Third-factor Updates need the neuron to pass the factor each step through modulate(), before
// learn(); until it does, the factor is 0 (no signal, no learning).
#pragma once
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <vector>

#include <spark/sdk/buffers.hpp>
#include <spark/sdk/module.hpp>
#include <spark/sdk/params.hpp>
#include <spark/sdk/schema.hpp>

#include "delays/spike_ring.hpp"
#include "learning/delayed_trace.hpp"
#include "learning/rule_traits.hpp"
#include "neuron/synapse_step.hpp"

namespace spark::neurons {

template <typename Update>
class dense_learning {
    using T = typename Update::value_type;
    using traits = rule_traits<Update>;
    static_assert(!traits::has_spikes_hook || traits::has_synapse_hook,
                  "an Update with its own per-synapse traces (a spikes() hook) needs a synapse() "
                  "hook to see a neuron's delayed spikes");

public:
    using update_type = Update;
    static constexpr const char* class_ref = Update::class_ref;
    static void declare_fields(sdk::schema& s) { Update::declare_fields(s); }

    explicit dense_learning(const sdk::config_view& cfg) : update_(cfg) {}

    [[nodiscard]] bool plastic() const noexcept { return traits::plastic(update_); }

    void build(const population_shape& p) {
        n_pre_ = p.n_pre;
        n_post_ = p.n_post;
        if constexpr (traits::uses_pre_trace) {
            pre_trace_.build(p.rows, p.n_pre);
        }
        post_trace_.assign(traits::uses_post_trace ? p.n_post : 0, T(0));
        factor_.reserve(p.n_post); // modulate() never allocates in a step
        factor_.assign(1, T(0));
        update_.build(p.n_post, p.kernel);
    }
    void reset() {
        pre_trace_.reset();
        std::fill(post_trace_.begin(), post_trace_.end(), T(0));
        factor_.assign(1, T(0));
        update_.reset();
    }

    /// This step's presynaptic spikes went into ring slot `now`.
    void presynaptic(std::size_t previous, std::size_t now, const std::uint8_t* spikes) noexcept {
        if constexpr (traits::uses_pre_trace) {
            const auto& c = update_.constants();
            pre_trace_.push(c.pre_decay, c.pre_scale, previous, now, spikes);
        }
    }
    /// The soma's spikes of this step.
    void postsynaptic(sdk::span<const std::uint8_t> spiked) {
        for (std::size_t o = 0; o < n_post_; ++o) {
            const bool s = spiked[o] != 0;
            if constexpr (traits::uses_post_trace) {
                const auto& c = update_.constants();
                post_trace_[o] = spike_trace(c.post_decay, c.post_scale, post_trace_[o], s);
            }
            update_.post_spike(o, s);
        }
    }

    /// Third-factor rules: this step's factor, one value or one per postsynaptic neuron (the
    /// caller checks the size at build). Copied: the view need not outlive the call.
    void modulate(sdk::span<const T> m) { factor_.assign(m.begin(), m.end()); }

    /// Every synapse, post-major like the standalone rule (k = o * n_pre + i), writing the
    /// pre-major weights.
    void learn(const synapse_step<T>& net) {
        T* w = net.weights;
        for (std::size_t o = 0; o < n_post_; ++o) {
            const bool post = net.post_spiked[o] != 0;
            const T y = traits::uses_post_trace ? post_trace_[o] : T(0);
            [[maybe_unused]] const T m = factor_.size() > 1 ? factor_[o] : factor_[0];
            for (std::size_t i = 0; i < n_pre_; ++i) {
                const std::size_t at = i * n_post_ + o;
                const std::size_t slot = net.slot(at, i);
                const std::uint8_t stored = net.ring->row(slot)[i];
                const bool pre = stored != 0;
                const T x = traits::uses_pre_trace ? pre_trace_.at(slot, i) : T(0);
                const std::size_t k = o * n_pre_ + i;
                if constexpr (traits::has_synapse_hook) {
                    // The bit a delay component would deliver (delays/spike_ring.hpp): an
                    // arriving spike's of its emission, else this step's input's.
                    const bool pre_inhibitory =
                        (signed_arrival(stored, net.in_spikes[i]) & 2U) != 0;
                    update_.synapse(k, net.post_inhibitory[o] != 0, pre_inhibitory, pre, post);
                }
                if constexpr (traits::has_third_factor) {
                    w[at] = update_.weight(k, o, w[at], x, y, pre, post, m);
                } else {
                    w[at] = update_.weight(k, o, w[at], x, y, pre, post);
                }
            }
        }
    }

    void state(sdk::state_list& s, const population_shape& p) {
        if constexpr (traits::uses_pre_trace) {
            s.add("pre_trace_history", pre_trace_.values(), p.history);
        }
        if constexpr (traits::uses_post_trace) {
            s.add("post_trace", post_trace_, p.units);
        }
        update_.state(s);
    }
    void state_loaded() {}

private:
    Update update_;
    std::size_t n_pre_ = 0;
    std::size_t n_post_ = 0;
    delayed_trace<T> pre_trace_; // X_i per ring slot (the delayed per-synapse trace x)
    std::vector<T> post_trace_;  // y[o]
    std::vector<T> factor_;      // the third factor of this step (third-factor rules)
};

} // namespace spark::neurons
