// SPDX-License-Identifier: Apache-2.0
// `hebbian_rule`: upstream's HebbianRule (upstream-models.md section 6.1) used on its own: the
// kernel flows in through `current_kernel` and out, updated, through `kernel`. Inside lif_neuron
// the neuron owns the kernel and applies the same update only where spikes make it change.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include <spark/sdk/plugin.hpp>

#include "common/component_shapes.hpp"
#include "learning/hebbian_parameters.hpp"

namespace spark::neurons {

template <typename T>
class hebbian_rule {
public:
    static constexpr const char* class_ref = "hebbian_rule";
    static constexpr std::int32_t kind = SPARK_KIND_COMPONENT;
    static constexpr const char* version = "1.0.0";
    static constexpr const char* description =
        "symmetric potentiation-only Hebbian rule: dW = eta (y_post s_pre + s_post x_pre), "
        "W >= 0";

    static void declare(sdk::schema& s) {
        declare_hebbian_fields(s);
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

    explicit hebbian_rule(const sdk::config_view& cfg)
        : c_(hebbian_constants<T>::from(cfg)), async_(cfg.get<bool>("async_spikes")) {}

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
        x_.assign(async_ ? n_post_ * n_pre_ : n_pre_, T(0));
        y_.assign(n_post_, T(0));
    }

    void reset(const sdk::output_buffers& /*out*/) {
        x_.assign(x_.size(), T(0));
        y_.assign(y_.size(), T(0));
    }

    void step(const sdk::step_context& ctx) {
        const auto pre = ctx.input<std::uint8_t>(0);
        const auto post = ctx.input<std::uint8_t>(1);
        const auto w_in = ctx.input<T>(2);
        const auto w_out = ctx.output<T>(0);
        // Unsigned spikes (bit0): inhibitory presynaptic spikes potentiate like excitatory ones.
        for (std::size_t k = 0; k < x_.size(); ++k) {
            x_[k] = c_.trace(c_.pre_decay, c_.pre_scale, x_[k], (pre[k] & 1U) != 0);
        }
        for (std::size_t o = 0; o < n_post_; ++o) {
            y_[o] = c_.trace(c_.post_decay, c_.post_scale, y_[o], (post[o] & 1U) != 0);
        }
        for (std::size_t o = 0; o < n_post_; ++o) {
            const bool post_spike = (post[o] & 1U) != 0;
            for (std::size_t i = 0; i < n_pre_; ++i) {
                const std::size_t k = o * n_pre_ + i;
                const std::size_t p = async_ ? k : i;
                const T a = (pre[p] & 1U) != 0 ? y_[o] : T(0);
                const T b = post_spike ? x_[p] : T(0);
                w_out[k] = c_.weight(w_in[k], a, b);
            }
        }
    }

    void state(sdk::state_list& s) {
        s.add("pre_trace", x_, sdk::make_shape({static_cast<std::int64_t>(x_.size())}));
        s.add("post_trace", y_, sdk::make_shape({static_cast<std::int64_t>(y_.size())}));
    }

private:
    hebbian_constants<T> c_;
    bool async_;
    std::size_t n_pre_ = 0;
    std::size_t n_post_ = 0;
    std::vector<T> x_; // presynaptic trace: per presynaptic neuron, or per synapse when async
    std::vector<T> y_; // postsynaptic trace
};

} // namespace spark::neurons
