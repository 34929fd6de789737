// SPDX-License-Identifier: Apache-2.0
// A learning rule used on its own (upstream's LearningRule components, docs/models.md section
// 6): the kernel flows in through `current_kernel` and out, updated, through `kernel`. This holds
// what every rule shares: the ports, the shape checks, and the presynaptic trace x (per
// presynaptic neuron, or per synapse when async_spikes) and postsynaptic trace y updated with
// this step's spikes before use. `Update` supplies its fields and constants and changes one
// synapse; inside a neuron the same constants run fused (neuron/population.hpp).
//
// `Update` provides: value_type, class_ref, version, description, declare_fields(schema),
// a constructor from the config view, constants() with trace(decay, scale, value, spike) and
// pre_/post_decay and _scale (those the shared traces use), build(post_count, kernel_shape),
// reset(), post_spike(o, spiked) (after y[o] is updated), weight(k, o, w, x, y, pre_spiked,
// post_spiked) and state(state_list); k indexes the kernel row-major (k = o * n_pre + i). Optional
// declarations (learning/rule_traits.hpp): a third-factor input port (`third_factor`, e.g.
// "reward": a float array of one value for every synapse or one per postsynaptic neuron, after the
// three other inputs; weight() then takes its value m last), rules without the shared pre or post
// trace, a hook seeing the raw spike bytes (bit1 = inhibitory), and plastic().
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include <spark/sdk/plugin.hpp>

#include "common/component_shapes.hpp"
#include "learning/rule_traits.hpp"

namespace spark::neurons {

template <typename Update>
class rule_component {
    using T = typename Update::value_type;
    using traits = rule_traits<Update>;

public:
    static constexpr const char* class_ref = Update::class_ref;
    static constexpr std::int32_t kind = SPARK_KIND_COMPONENT;
    static constexpr const char* version = Update::version;
    static constexpr const char* description = Update::description;

    static void declare(sdk::schema& s) {
        Update::declare_fields(s);
        s.input("pre_spikes", SPARK_PAYLOAD_SPIKES, "spike_array")
            .any()
            .description("presynaptic spikes (per synapse when async_spikes)");
        s.input("post_spikes", SPARK_PAYLOAD_SPIKES, "spike_array")
            .any()
            .description("postsynaptic spikes");
        s.input("current_kernel", SPARK_PAYLOAD_FLOAT, "float_array")
            .any()
            .description("the kernel W[post, pre] before this step's update");
        if constexpr (traits::has_third_factor) {
            s.input(traits::third_factor, SPARK_PAYLOAD_FLOAT, "float_array")
                .any()
                .description("the third factor m that scales every update: 1 value for all "
                             "synapses, or one per postsynaptic neuron (as many as post_spikes)");
        }
        s.output("kernel", SPARK_PAYLOAD_FLOAT, "float_array")
            .like_port("current_kernel")
            .description("the updated kernel");
    }

    explicit rule_component(const sdk::config_view& cfg)
        : update_(cfg), async_(cfg.get<bool>("async_spikes")) {}

    void build(sdk::build_context& b) {
        n_post_ = count_of(b.input(1).shape);
        const std::size_t pre_count = count_of(b.input(0).shape);
        const std::size_t kernel_count = count_of(b.input(2).shape);
        n_pre_ = async_ ? (n_post_ == 0 ? 0 : pre_count / n_post_) : pre_count;
        if (kernel_count != n_post_ * n_pre_ || (async_ && pre_count != kernel_count)) {
            throw sdk::status_error(
                SPARK_ERR_INVALID_ARGUMENT,
                "input port 'current_kernel' has " + std::to_string(kernel_count) +
                    " elements, but post_spikes (" + std::to_string(n_post_) +
                    ") and pre_spikes (" + std::to_string(pre_count) + ", async_spikes " +
                    (async_ ? "true" : "false") + ") need " +
                    std::to_string(async_ ? pre_count : n_post_ * pre_count));
        }
        if constexpr (traits::has_third_factor) {
            const auto& m = b.input(3);
            const std::size_t count = count_of(m.shape);
            if (count != 1 && count != n_post_) {
                throw sdk::status_error(
                    SPARK_ERR_INVALID_ARGUMENT,
                    std::string("input port '") + traits::third_factor + "' has shape " +
                        sdk::shape_string(m.shape) + " (" + std::to_string(count) +
                        " elements); it must hold 1 value (for every synapse) or " +
                        std::to_string(n_post_) +
                        " (one per postsynaptic neuron, like post_spikes " +
                        sdk::shape_string(b.input(1).shape) + ")");
            }
            per_post_factor_ = count != 1;
        }
        x_.assign(traits::uses_pre_trace ? (async_ ? kernel_count : n_pre_) : 0, T(0));
        y_.assign(traits::uses_post_trace ? n_post_ : 0, T(0));
        update_.build(n_post_, b.input(2).shape);
    }

    void reset(const sdk::output_buffers& /*out*/) {
        x_.assign(x_.size(), T(0));
        y_.assign(y_.size(), T(0));
        update_.reset();
    }

    void step(const sdk::step_context& ctx) {
        const auto pre = ctx.input<std::uint8_t>(0);
        const auto post = ctx.input<std::uint8_t>(1);
        const auto w_in = ctx.input<T>(2);
        const auto w_out = ctx.output<T>(0);
        // Unsigned spikes (bit0): inhibitory presynaptic spikes count like excitatory ones.
        if constexpr (traits::uses_pre_trace) {
            const auto& c = update_.constants();
            for (std::size_t k = 0; k < x_.size(); ++k) {
                x_[k] = spike_trace(c.pre_decay, c.pre_scale, x_[k], (pre[k] & 1U) != 0);
            }
        }
        for (std::size_t o = 0; o < n_post_; ++o) {
            const bool spiked = (post[o] & 1U) != 0;
            if constexpr (traits::uses_post_trace) {
                const auto& c = update_.constants();
                y_[o] = spike_trace(c.post_decay, c.post_scale, y_[o], spiked);
            }
            update_.post_spike(o, spiked);
        }
        if constexpr (traits::has_spikes_hook) {
            update_.spikes(pre, post);
        }
        [[maybe_unused]] const T* factor = nullptr;
        if constexpr (traits::has_third_factor) {
            factor = ctx.input<T>(3).data();
        }
        for (std::size_t o = 0; o < n_post_; ++o) {
            const bool post_spiked = (post[o] & 1U) != 0;
            const T y = traits::uses_post_trace ? y_[o] : T(0);
            for (std::size_t i = 0; i < n_pre_; ++i) {
                const std::size_t k = o * n_pre_ + i;
                const std::size_t p = async_ ? k : i;
                const T x = traits::uses_pre_trace ? x_[p] : T(0);
                const bool pre_spiked = (pre[p] & 1U) != 0;
                if constexpr (traits::has_third_factor) {
                    const T m = factor[per_post_factor_ ? o : 0];
                    w_out[k] = update_.weight(k, o, w_in[k], x, y, pre_spiked, post_spiked, m);
                } else {
                    w_out[k] = update_.weight(k, o, w_in[k], x, y, pre_spiked, post_spiked);
                }
            }
        }
    }

    void state(sdk::state_list& s) {
        if constexpr (traits::uses_pre_trace) {
            s.add("pre_trace", x_, sdk::make_shape({static_cast<std::int64_t>(x_.size())}));
        }
        if constexpr (traits::uses_post_trace) {
            s.add("post_trace", y_, sdk::make_shape({static_cast<std::int64_t>(y_.size())}));
        }
        update_.state(s);
    }

private:
    Update update_;
    bool async_;
    std::size_t n_pre_ = 0;
    std::size_t n_post_ = 0;
    bool per_post_factor_ = false; // the third factor holds one value per postsynaptic neuron
    std::vector<T> x_; // presynaptic trace: per presynaptic neuron, or per synapse when async
    std::vector<T> y_; // postsynaptic trace
};

} // namespace spark::neurons
