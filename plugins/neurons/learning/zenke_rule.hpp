// SPDX-License-Identifier: Apache-2.0
// `zenke_rule`: upstream's ZenkeRule (upstream-models.md section 6.3; triplet LTP, doublet LTD,
// heterosynaptic and transmitter-induced terms after Zenke et al. 2015) used on its own: the
// kernel flows in through `current_kernel` and out, updated, through `kernel`. Dense by nature:
// the target trace z has the kernel's shape and moves every step.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include <spark/sdk/plugin.hpp>

#include "common/component_shapes.hpp"
#include "learning/zenke_parameters.hpp"

namespace spark::neurons {

template <typename T>
class zenke_rule {
public:
    static constexpr const char* class_ref = "zenke_rule";
    static constexpr std::int32_t kind = SPARK_KIND_COMPONENT;
    static constexpr const char* version = "1.0.0";
    static constexpr const char* description =
        "Zenke's plasticity: triplet LTP, doublet LTD, a heterosynaptic term toward a per-synapse "
        "target trace and transmitter-induced potentiation, W >= 0";

    static void declare(sdk::schema& s) {
        declare_zenke_fields(s);
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

    explicit zenke_rule(const sdk::config_view& cfg)
        : c_(zenke_constants<T>::from(cfg)), async_(cfg.get<bool>("async_spikes")) {}

    void build(sdk::build_context& b) {
        kernel_shape_ = b.input(2).shape;
        n_post_ = count_of(b.input(1).shape);
        const std::size_t pre_count = count_of(b.input(0).shape);
        const std::size_t kernel_count = count_of(kernel_shape_);
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
        slow_.assign(n_post_, T(0));
        z_.assign(kernel_count, T(0));
    }

    void reset(const sdk::output_buffers& /*out*/) {
        x_.assign(x_.size(), T(0));
        y_.assign(y_.size(), T(0));
        slow_.assign(slow_.size(), T(0));
        z_.assign(z_.size(), T(0));
    }

    void step(const sdk::step_context& ctx) {
        const auto pre = ctx.input<std::uint8_t>(0);
        const auto post = ctx.input<std::uint8_t>(1);
        const auto w_in = ctx.input<T>(2);
        const auto w_out = ctx.output<T>(0);
        // Unsigned spikes (bit0): inhibitory presynaptic spikes count like excitatory ones.
        for (std::size_t k = 0; k < x_.size(); ++k) {
            x_[k] = c_.trace(c_.pre_decay, c_.pre_scale, x_[k], (pre[k] & 1U) != 0);
        }
        for (std::size_t o = 0; o < n_post_; ++o) {
            const bool s = (post[o] & 1U) != 0;
            y_[o] = c_.trace(c_.post_decay, c_.post_scale, y_[o], s);
            slow_[o] = c_.trace(c_.slow_decay, c_.slow_scale, slow_[o], s);
        }
        for (std::size_t o = 0; o < n_post_; ++o) {
            const bool post_spike = (post[o] & 1U) != 0;
            const T y = y_[o];
            const T y3 = y * y * y;
            for (std::size_t i = 0; i < n_pre_; ++i) {
                const std::size_t k = o * n_pre_ + i;
                const std::size_t p = async_ ? k : i;
                z_[k] = c_.target(z_[k], w_in[k]);
                w_out[k] = c_.weight(
                    w_in[k], z_[k], x_[p], y, slow_[o], y3, (pre[p] & 1U) != 0, post_spike);
            }
        }
    }

    void state(sdk::state_list& s) {
        s.add("pre_trace", x_, sdk::make_shape({static_cast<std::int64_t>(x_.size())}));
        s.add("post_trace", y_, sdk::make_shape({static_cast<std::int64_t>(y_.size())}));
        s.add("post_slow_trace", slow_, sdk::make_shape({static_cast<std::int64_t>(slow_.size())}));
        s.add("target", z_, kernel_shape_);
    }

private:
    zenke_constants<T> c_;
    bool async_;
    spark_shape_t kernel_shape_{};
    std::size_t n_pre_ = 0;
    std::size_t n_post_ = 0;
    std::vector<T> x_;    // presynaptic trace: per presynaptic neuron, or per synapse when async
    std::vector<T> y_;    // fast postsynaptic trace
    std::vector<T> slow_; // slow postsynaptic trace
    std::vector<T> z_;    // target trace, shaped like the kernel (row-major W[post, pre])
};

} // namespace spark::neurons
