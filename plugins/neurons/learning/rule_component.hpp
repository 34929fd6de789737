// SPDX-License-Identifier: Apache-2.0
// A learning rule used on its own (upstream's LearningRule components, upstream-models.md section
// 6): the kernel flows in through `current_kernel` and out, updated, through `kernel`. This holds
// what every rule shares: the ports, the shape checks, and the presynaptic trace x (per
// presynaptic neuron, or per synapse when async_spikes) and postsynaptic trace y updated with
// this step's spikes before use. `Update` supplies its fields and constants and changes one
// synapse; inside a neuron the same constants run fused (neuron/population.hpp).
//
// `Update` provides: value_type, class_ref, version, description, declare_fields(schema),
// a constructor from the config view, constants() with trace(decay, scale, value, spike) and
// pre_/post_decay and _scale, build(post_count, kernel_shape), reset(), post_spike(o, spiked)
// (after y[o] is updated), weight(k, o, w, x, y, pre_spiked, post_spiked) and
// state(state_list).
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include <spark/sdk/plugin.hpp>

#include "common/component_shapes.hpp"

namespace spark::neurons {

template <typename Update>
class rule_component {
    using T = typename Update::value_type;

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
        x_.assign(async_ ? kernel_count : n_pre_, T(0));
        y_.assign(n_post_, T(0));
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
        const auto& c = update_.constants();
        // Unsigned spikes (bit0): inhibitory presynaptic spikes count like excitatory ones.
        for (std::size_t k = 0; k < x_.size(); ++k) {
            x_[k] = c.trace(c.pre_decay, c.pre_scale, x_[k], (pre[k] & 1U) != 0);
        }
        for (std::size_t o = 0; o < n_post_; ++o) {
            const bool spiked = (post[o] & 1U) != 0;
            y_[o] = c.trace(c.post_decay, c.post_scale, y_[o], spiked);
            update_.post_spike(o, spiked);
        }
        for (std::size_t o = 0; o < n_post_; ++o) {
            const bool post_spiked = (post[o] & 1U) != 0;
            for (std::size_t i = 0; i < n_pre_; ++i) {
                const std::size_t k = o * n_pre_ + i;
                const std::size_t p = async_ ? k : i;
                w_out[k] =
                    update_.weight(k, o, w_in[k], x_[p], y_[o], (pre[p] & 1U) != 0, post_spiked);
            }
        }
    }

    void state(sdk::state_list& s) {
        s.add("pre_trace", x_, sdk::make_shape({static_cast<std::int64_t>(x_.size())}));
        s.add("post_trace", y_, sdk::make_shape({static_cast<std::int64_t>(y_.size())}));
        update_.state(s);
    }

private:
    Update update_;
    bool async_;
    std::size_t n_pre_ = 0;
    std::size_t n_post_ = 0;
    std::vector<T> x_; // presynaptic trace: per presynaptic neuron, or per synapse when async
    std::vector<T> y_; // postsynaptic trace
};

} // namespace spark::neurons
