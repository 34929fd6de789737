// SPDX-License-Identifier: Apache-2.0
// `lif_neuron`: upstream's LIFNeuron (upstream-models.md sections 7.1, 7.2): one step runs
// n2n_delays -> linear_synapses (the kernel before learning) -> leaky_soma -> hebbian_rule, then
// relabels the soma's spikes with the population's inhibition bits. The components are read from
// their own nested configs (so they follow exactly the standalone types' fields), but the step is
// fused and event-driven: it costs per presynaptic spike and per postsynaptic spike, plus O(units)
// for the soma, never O(pre x post) when activity is sparse.
//
// Data layout (I = presynaptic neurons, O = units, R = B + 1 ring rows, B = longest delay):
//   weights_   T[I*O]      pre-major: W[o][i] at i*O + o; one presynaptic spike touches one
//                          contiguous column
//   delays_    int32[I*O]  pre-major like weights_: D[o][i] in steps, 0..B
//   groups_                per (i, d): the o with D[o][i] == d, contiguous (delay_groups.hpp)
//   ring_      uint8[R*I]  the presynaptic spikes of the last R steps (row = ring slot)
//   fired_     uint32[R*I] per ring row, the indices of the neurons that spiked (fired_count_)
//   pre_trace_ T[R*I]      per ring row, the presynaptic trace X_i of that step. The per-synapse
//                          trace of upstream's async Hebbian rule is x[o][i](t) = X_i(t - D[o][i])
//                          (same arithmetic, shifted by the delay), so no O(I*O) trace exists
//   v_, post_trace_, spiked_  T/T/uint8 [O]: soma potential, postsynaptic trace, this step's spikes
// Learning changes only the rows of postsynaptic neurons that spiked (all their synapses) and the
// synapses that delivered a spike this step (y[o] * 1); every other weight gets dW = 0.
#pragma once
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include <spark/sdk/plugin.hpp>
#include <spark/sdk/random.hpp>

#include "common/component_shapes.hpp"
#include "delays/delay_kernel.hpp"
#include "delays/n2n_delays.hpp"
#include "delays/spike_ring.hpp"
#include "learning/hebbian_parameters.hpp"
#include "learning/hebbian_rule.hpp"
#include "lif/delay_groups.hpp"
#include "lif/inhibitory_mask.hpp"
#include "somas/leaky_parameters.hpp"
#include "somas/leaky_soma.hpp"
#include "somas/leaky_update.hpp"
#include "synapses/linear_synapses.hpp"
#include "synapses/synapse_kernel.hpp"

namespace spark::neurons {

namespace detail {

/// The view of a component's nested config, after checking what the neuron decides for it:
/// the dtype (the neuron computes in one type) and the units (the neuron's own, or []).
template <typename M>
sdk::config_view
component_view(const sdk::config_view& neuron, const char* field, const spark_shape_t& units) {
    const spark_config_t& nested = neuron.nested(field);
    const std::string ref = nested.class_ref != nullptr ? nested.class_ref : "";
    if (ref != std::string("spark.") + M::class_ref) {
        throw sdk::status_error(SPARK_ERR_INVALID_ARGUMENT,
                                std::string("lif_neuron.") + field + " must be spark." +
                                    M::class_ref + " (the " + field +
                                    " lif_neuron is built from), got " + ref);
    }
    auto view = sdk::nested_view<M>(nested);
    if (view.dtype() != neuron.dtype()) {
        throw sdk::status_error(SPARK_ERR_INVALID_ARGUMENT,
                                std::string("lif_neuron.") + field + ".dtype is " +
                                    sdk::dtype_name(view.dtype()) + " but the neuron's is " +
                                    sdk::dtype_name(neuron.dtype()) +
                                    "; set dtype on the neuron only");
    }
    if (view.has("units")) {
        const auto own = view.ints("units");
        bool same = own.size() == units.rank;
        for (std::size_t a = 0; same && a < own.size(); ++a) {
            same = own[a] == static_cast<std::int64_t>(units.dims[a]);
        }
        if (!own.empty() && !same) {
            throw sdk::status_error(SPARK_ERR_INVALID_ARGUMENT,
                                    std::string("lif_neuron.") + field + ".units is " +
                                        sdk::shape_string(sdk::make_shape(own)) +
                                        " but the neuron's units are " + sdk::shape_string(units) +
                                        "; leave it [] (the neuron passes its own)");
        }
    }
    return view;
}

} // namespace detail

template <typename T>
class lif_neuron {
public:
    static constexpr const char* class_ref = "lif_neuron";
    static constexpr std::int32_t kind = SPARK_KIND_NEURON;
    static constexpr const char* version = "1.0.0";
    static constexpr const char* description =
        "leaky integrate-and-fire population: per-synapse delays, linear synapses, a leaky soma "
        "and Hebbian learning, with a fixed share of inhibitory neurons";

    static void declare(sdk::schema& s) {
        s.field_int_array("units", {})
            .required()
            .positive()
            .length(1, SPARK_MAX_RANK)
            .description("shape of the population");
        s.field_float("inhibitory_rate", 0.2)
            .range(0.0, 1.0)
            .description("share of inhibitory neurons: floor(|units| * rate) of them");
        s.field_config("soma", "leaky_soma")
            .nested_kind(SPARK_KIND_COMPONENT)
            .description("the soma (spark.leaky_soma)");
        s.field_config("synapses", "linear_synapses")
            .nested_kind(SPARK_KIND_COMPONENT)
            .description("the synapses (spark.linear_synapses); their kernel is learned");
        s.field_config("delays", "n2n_delays")
            .nested_kind(SPARK_KIND_COMPONENT)
            .description("the per-synapse delays (spark.n2n_delays)");
        s.field_config("learning_rule", "hebbian_rule")
            .nested_kind(SPARK_KIND_COMPONENT)
            .description("the learning rule (spark.hebbian_rule)");
        s.input("in_spikes", SPARK_PAYLOAD_SPIKES, "spike_array")
            .any()
            .description("presynaptic spikes; bit1 marks an inhibitory presynaptic neuron");
        s.output("out_spikes", SPARK_PAYLOAD_SPIKES, "spike_array")
            .from_field("units")
            .description("spikes (bit0) with the neuron's inhibition bit (bit1), also at reset");
    }

    lif_neuron(const sdk::config_view& cfg, const sdk::instance_info& info)
        : host_(info.host), units_(cfg.shape("units")), n_post_(count_of(units_)),
          mask_(inhibitory_mask(cfg.seed(), n_post_, cfg.get<double>("inhibitory_rate"))),
          soma_(leaky_constants<T>::from(
              detail::component_view<leaky_soma<float>>(cfg, "soma", units_))),
          kernel_init_(detail::component_view<linear_synapses<float>>(cfg, "synapses", units_),
                       "kernel"),
          delay_(detail::component_view<n2n_delays>(cfg, "delays", units_)),
          rule_(hebbian_constants<T>::from(
              detail::component_view<hebbian_rule<float>>(cfg, "learning_rule", units_))) {}

    void contract(sdk::contract_context& c) {
        c.output(0) = sdk::make_spec(SPARK_PAYLOAD_SPIKES, SPARK_DTYPE_U8, units_);
    }

    void build(sdk::build_context& b) {
        in_shape_ = b.input(0).shape;
        n_pre_ = count_of(in_shape_);
        rows_ = static_cast<std::size_t>(delay_.slots) + 1U;
        kernel_shape_ = concat_shapes(units_, in_shape_);
        load_kernel();
        const auto d = delay_.make(host_, n_post_, n_pre_);
        delays_.assign(d.size(), 0);
        for (std::size_t o = 0; o < n_post_; ++o) {
            for (std::size_t i = 0; i < n_pre_; ++i) {
                delays_[i * n_post_ + o] = d[o * n_pre_ + i];
            }
        }
        index_synapses();
        ring_.resize(rows_, n_pre_);
        fired_.assign(rows_ * n_pre_, 0);
        fired_count_.assign(rows_, 0);
        pre_trace_.assign(rows_ * n_pre_, T(0));
        current_.assign(n_post_, T(0));
        v_.assign(n_post_, T(0));
        post_trace_.assign(n_post_, T(0));
        spiked_.assign(n_post_, 0);
        post_fired_.assign(n_post_, 0);
        slot_of_delay_.assign(rows_, 0);
    }

    // The initial state, kernel included (upstream keeps a learned kernel across reset; ours
    // restores it, like every other state: docs/upstream-differences.md). Step -1's output is
    // silence carrying the inhibition bits.
    void reset(const sdk::output_buffers& out) {
        if (kernel_learned_) {
            load_kernel();
            index_synapses();
        }
        needs_clip_ = true;
        ring_.clear();
        std::fill(fired_count_.begin(), fired_count_.end(), std::uint32_t{0});
        std::fill(pre_trace_.begin(), pre_trace_.end(), T(0));
        std::fill(v_.begin(), v_.end(), T(0));
        std::fill(post_trace_.begin(), post_trace_.end(), T(0));
        const auto spikes = out.get<std::uint8_t>(0);
        for (std::size_t o = 0; o < n_post_; ++o) {
            spikes[o] = static_cast<std::uint8_t>(mask_[o] << 1U);
        }
    }

    void step(const sdk::step_context& ctx) {
        const auto in = ctx.input<std::uint8_t>(0);
        const auto out = ctx.output<std::uint8_t>(0);
        const std::size_t now = push_presynaptic(in.data());
        deliver(in.data(), now);
        leaky_update<T>(soma_,
                        sdk::span<T>(v_),
                        sdk::span<const T>(current_),
                        sdk::span<std::uint8_t>(spiked_),
                        sdk::span<T>(v_));
        std::size_t post_count = 0;
        for (std::size_t o = 0; o < n_post_; ++o) {
            const bool s = spiked_[o] != 0;
            post_trace_[o] = rule_.trace(rule_.post_decay, rule_.post_scale, post_trace_[o], s);
            if (s) {
                post_fired_[post_count++] = static_cast<std::uint32_t>(o);
            }
            out[o] = static_cast<std::uint8_t>(spiked_[o] | (mask_[o] << 1U));
        }
        learn(now, post_count);
    }

    void state(sdk::state_list& s) {
        // The kernel is exposed post-major (upstream's orientation) through a staging copy.
        staged_kernel_.resize(weights_.size());
        for (std::size_t o = 0; o < n_post_; ++o) {
            for (std::size_t i = 0; i < n_pre_; ++i) {
                staged_kernel_[o * n_pre_ + i] = weights_[i * n_post_ + o];
            }
        }
        const auto ring_shape =
            sdk::make_shape({static_cast<std::int64_t>(rows_), static_cast<std::int64_t>(n_pre_)});
        s.add("kernel", staged_kernel_, kernel_shape_);
        s.add("potential", v_, units_);
        s.add("post_trace", post_trace_, units_);
        s.add("pre_trace_history", pre_trace_, ring_shape);
        s.add("spike_history", ring_.bytes(), ring_shape);
        s.add("cursor", ring_.cursor(), sdk::make_shape({1}));
    }

    void state_loaded() {
        ring_.check_loaded("lif_neuron");
        if (staged_kernel_.size() == weights_.size()) {
            for (std::size_t o = 0; o < n_post_; ++o) {
                for (std::size_t i = 0; i < n_pre_; ++i) {
                    weights_[i * n_post_ + o] = staged_kernel_[o * n_pre_ + i];
                }
            }
        }
        index_synapses();
        for (std::size_t r = 0; r < rows_; ++r) {
            collect_fired(r);
        }
        kernel_learned_ = true;
        needs_clip_ = true; // what upstream's max(0, W + dt dW) does to every weight anyway
    }

private:
    // With eta = 0 no weight ever changes after the first clip (max(0, W + 0) = max(0, W)), so a
    // zero weight can never carry current: such synapses stay out of the delivery groups and a
    // spike costs per existing synapse (per the kernel's density), not per postsynaptic neuron.
    // With learning, a zero weight can grow (upstream's rule is dense), so every synapse joins.
    [[nodiscard]] bool plastic() const noexcept { return rule_.eta != T(0); }

    void index_synapses() {
        if (plastic()) {
            groups_.build(
                delays_, n_pre_, n_post_, rows_, [](std::size_t, std::size_t) { return true; });
        } else {
            groups_.build(delays_, n_pre_, n_post_, rows_, [this](std::size_t i, std::size_t o) {
                return weights_[i * n_post_ + o] != T(0);
            });
        }
    }

    void load_kernel() {
        weights_ =
            to_pre_major(make_kernel<T>(kernel_init_, host_, units_, in_shape_), n_post_, n_pre_);
        kernel_learned_ = false;
    }

    // Delays: this step's presynaptic spikes and trace go into the next ring row.
    std::size_t push_presynaptic(const std::uint8_t* in) {
        const std::size_t previous = static_cast<std::size_t>(ring_.cursor()[0]);
        const std::size_t now = ring_.advance();
        std::uint8_t* row = ring_.row(now);
        const T* x_before = &pre_trace_[previous * n_pre_];
        T* x_now = &pre_trace_[now * n_pre_];
        for (std::size_t i = 0; i < n_pre_; ++i) {
            const bool s = (in[i] & 1U) != 0;
            row[i] = s ? 1 : 0;
            x_now[i] = rule_.trace(rule_.pre_decay, rule_.pre_scale, x_before[i], s);
        }
        collect_fired(now);
        return now;
    }

    void collect_fired(std::size_t slot) {
        const std::uint8_t* row = ring_.row(slot);
        std::uint32_t* list = &fired_[slot * n_pre_];
        std::uint32_t n = 0;
        for (std::size_t i = 0; i < n_pre_; ++i) {
            if (row[i] != 0) {
                list[n++] = static_cast<std::uint32_t>(i);
            }
        }
        fired_count_[slot] = n;
    }

    // Synapses: every spike that arrives now, with the kernel before this step's learning. The
    // sign is the presynaptic neuron's inhibition bit in this step's input (as upstream's delays
    // broadcast the current mask).
    void deliver(const std::uint8_t* in, std::size_t now) {
        std::fill(current_.begin(), current_.end(), T(0));
        for (std::size_t d = 0; d < rows_; ++d) {
            const std::size_t slot = (now + rows_ - d) % rows_;
            const std::uint32_t* list = &fired_[slot * n_pre_];
            for (std::uint32_t k = 0; k < fired_count_[slot]; ++k) {
                const std::size_t i = list[k];
                const T* w = &weights_[i * n_post_];
                const bool inhibitory = (in[i] & 2U) != 0;
                for (const std::uint32_t* o = groups_.first(i, d); o != groups_.last(i, d); ++o) {
                    current_[*o] += inhibitory ? -w[*o] : w[*o];
                }
            }
        }
    }

    // Hebbian rule on the delayed (per-synapse) presynaptic spikes and the soma's spikes.
    void learn(std::size_t now, std::size_t post_count) {
        if (needs_clip_) {
            for (T& w : weights_) {
                w = w > T(0) ? w : T(0);
            }
            needs_clip_ = false;
            kernel_learned_ = true;
        }
        if (!plastic()) {
            return; // every later update is W <- max(0, W): nothing changes
        }
        kernel_learned_ = true;
        // The ring row each delay reads this step.
        for (std::size_t d = 0; d < rows_; ++d) {
            slot_of_delay_[d] = (now + rows_ - d) % rows_;
        }
        // Rows of the postsynaptic neurons that spiked: s_post = 1 for all their synapses.
        for (std::size_t k = 0; k < post_count; ++k) {
            const std::size_t o = post_fired_[k];
            const T y = post_trace_[o];
            for (std::size_t i = 0; i < n_pre_; ++i) {
                const std::size_t at = i * n_post_ + o;
                const std::size_t slot = slot_of_delay_[static_cast<std::size_t>(delays_[at])];
                const bool arrived = ring_.row(slot)[i] != 0;
                weights_[at] =
                    rule_.weight(weights_[at], arrived ? y : T(0), pre_trace_[slot * n_pre_ + i]);
            }
        }
        // Synapses that delivered a spike to a silent postsynaptic neuron: dW = eta * y[o].
        for (std::size_t d = 0; d < rows_; ++d) {
            const std::size_t slot = slot_of_delay_[d];
            const std::uint32_t* list = &fired_[slot * n_pre_];
            for (std::uint32_t k = 0; k < fired_count_[slot]; ++k) {
                const std::size_t i = list[k];
                T* w = &weights_[i * n_post_];
                for (const std::uint32_t* o = groups_.first(i, d); o != groups_.last(i, d); ++o) {
                    if (spiked_[*o] == 0) {
                        w[*o] = rule_.weight(w[*o], post_trace_[*o], T(0));
                    }
                }
            }
        }
    }

    const spark_host_t* host_;
    spark_shape_t units_;
    std::size_t n_post_;
    std::vector<std::uint8_t> mask_; // 1 = inhibitory
    leaky_constants<T> soma_;
    sdk::initializer_value kernel_init_;
    delay_config delay_;
    hebbian_constants<T> rule_;

    spark_shape_t in_shape_{};
    spark_shape_t kernel_shape_{};
    std::size_t n_pre_ = 0;
    std::size_t rows_ = 1;
    std::vector<T> weights_;
    std::vector<std::int32_t> delays_;
    delay_groups groups_;
    std::vector<std::size_t> slot_of_delay_; // learn(): the ring row of each delay this step
    spike_ring ring_;
    std::vector<std::uint32_t> fired_;
    std::vector<std::uint32_t> fired_count_;
    std::vector<T> pre_trace_;
    std::vector<T> current_;
    std::vector<T> v_;
    std::vector<T> post_trace_;
    std::vector<std::uint8_t> spiked_;
    std::vector<std::uint32_t> post_fired_;
    std::vector<T> staged_kernel_;
    bool needs_clip_ = true;
    bool kernel_learned_ = false;
};

} // namespace spark::neurons
