// SPDX-License-Identifier: Apache-2.0
// A synapse model as a component type: upstream's Synapses ports (spikes -> currents shaped
// `units`) around the linear current L[o] = sum_i W[o, i] * sigma_i * s_i (docs/models.md
// section 5.1, sigma_i = -1 for an inhibitory presynaptic neuron) taken through the model's
// current filter (synapses/current_filter.hpp). linear_synapses is this with the identity filter;
// the traced synapses add their traces. Sync spikes are delivered per spike (event-driven). The
// kernel is also a writable property (upstream 1.0's `synapses.kernel`), W[o, i] shaped
// units ⊕ the presynaptic shape, whatever order this component keeps it in. With per-synapse
// spikes from delays, the optional input `delays` (the delays' kernel, wired from their property)
// makes each current sum its arriving spikes oldest emission first, then by presynaptic index:
// the order a fused neuron's delivery uses, so that a neuron run from its parts gives its bits.
#pragma once
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include <spark/sdk/plugin.hpp>

#include "common/component_shapes.hpp"
#include "synapses/synapse_kernel.hpp"

namespace spark::neurons {

template <typename Filter>
class synapse_component {
    using T = typename Filter::value_type;

public:
    static constexpr const char* class_ref = Filter::class_ref;
    static constexpr std::int32_t kind = SPARK_KIND_COMPONENT;
    static constexpr const char* version = Filter::version;
    static constexpr const char* description = Filter::description;

    static void declare(sdk::schema& s) {
        declare_synapse_fields(s);
        Filter::declare_fields(s);
        s.input("spikes", SPARK_PAYLOAD_SPIKES, "spike_array")
            .any()
            .description("presynaptic spikes (per synapse when async_spikes)");
        s.output("currents", SPARK_PAYLOAD_FLOAT, "current_array")
            .from_field("units")
            .description("postsynaptic currents [pA]");
        s.input("delays", SPARK_PAYLOAD_INT, "integer_array")
            .any()
            .optional()
            .description("with async spikes: each synapse's delay D[post, pre] in steps, so "
                         "that a current sums its spikes oldest emission first");
        s.property("kernel", SPARK_PAYLOAD_FLOAT, "float_array")
            .computed("units ⊕ presynaptic shape")
            .writable()
            .description("the weights W[post, pre] [pA] the next step delivers with");
    }

    synapse_component(const sdk::config_view& cfg, const sdk::instance_info& info)
        : host_(info.host), units_(component_units(cfg, Filter::class_ref)), kernel_(cfg, "kernel"),
          async_(cfg.get<bool>("async_spikes")), filter_(cfg) {}

    void build(sdk::build_context& b) {
        const spark_shape_t in = b.input(0).shape;
        n_post_ = count_of(units_);
        spark_shape_t pre = in;
        if (async_) {
            pre = presynaptic_part(in);
        }
        n_pre_ = count_of(pre);
        kernel_shape_ = concat_shapes(units_, pre);
        ordered_ = b.wired(1);
        if (ordered_ && (!async_ || count_of(b.input(1).shape) != count_of(kernel_shape_))) {
            throw sdk::status_error(
                SPARK_ERR_INVALID_ARGUMENT,
                "input port 'delays' has shape " + sdk::shape_string(b.input(1).shape) +
                    "; it takes one delay per synapse " + sdk::shape_string(kernel_shape_) +
                    ", with async_spikes true");
        }
        auto w = make_kernel<T>(kernel_, host_, units_, pre);
        // Sync spikes are event-driven (one contiguous column per spike); async spikes are dense
        // per synapse anyway, so they walk W row by row.
        w_ = async_ ? std::move(w)
                    : to_pre_major(std::move(w), n_post_, n_pre_, sdk::parallel(host_));
        filter_.build(n_post_, n_pre_);
    }

    // The filter's state restarts at rest (the kernel persists, as upstream's). The step -1
    // output stays as the SDK zero-filled it.
    void reset(const sdk::output_buffers& /*out*/) { filter_.reset(); }

    void step(const sdk::step_context& ctx) {
        const auto in = ctx.input<std::uint8_t>(0);
        const auto out = ctx.output<T>(0);
        if (ordered_) {
            current_in_emission_order(in, ctx.input<std::int32_t>(1), out);
        } else {
            linear_current(in, out);
        }
        filter_.filter(out);
    }

    void state(sdk::state_list& s) { filter_.state(s, units_); }
    void state_loaded() { filter_.state_loaded(); }

    [[nodiscard]] spark_port_spec_t property_spec(std::size_t /*index: kernel*/) const {
        return sdk::make_spec(SPARK_PAYLOAD_FLOAT, sdk::dtype_of<T>, kernel_shape_);
    }
    // W[o][i] out and in; sync spikes keep it pre-major (W[i][o]), async ones post-major.
    void read_property(std::size_t /*index*/, void* out) const {
        auto* w = static_cast<T*>(out);
        for (std::size_t o = 0; o < n_post_; ++o) {
            for (std::size_t i = 0; i < n_pre_; ++i) {
                w[o * n_pre_ + i] = async_ ? w_[o * n_pre_ + i] : w_[i * n_post_ + o];
            }
        }
    }
    void write_property(std::size_t /*index*/, const void* in) {
        const auto* w = static_cast<const T*>(in);
        for (std::size_t o = 0; o < n_post_; ++o) {
            for (std::size_t i = 0; i < n_pre_; ++i) {
                (async_ ? w_[o * n_pre_ + i] : w_[i * n_post_ + o]) = w[o * n_pre_ + i];
            }
        }
    }

private:
    // Async spikes, each current summed by descending delay, then ascending presynaptic index.
    void current_in_emission_order(sdk::span<const std::uint8_t> in,
                                   sdk::span<const std::int32_t> delays,
                                   sdk::span<T> out) {
        for (std::size_t o = 0; o < n_post_; ++o) {
            const std::uint8_t* s = &in[o * n_pre_];
            const std::int32_t* d = &delays[o * n_pre_];
            arriving_.clear();
            for (std::size_t i = 0; i < n_pre_; ++i) {
                if ((s[i] & 1U) != 0) {
                    arriving_.push_back(static_cast<std::uint32_t>(i));
                }
            }
            std::stable_sort(
                arriving_.begin(), arriving_.end(), [&](auto a, auto b) { return d[a] > d[b]; });
            const T* w = &w_[o * n_pre_];
            T sum = T(0);
            for (const auto i : arriving_) {
                sum += (s[i] & 2U) != 0 ? -w[i] : w[i];
            }
            out[o] = sum;
        }
    }

    void linear_current(sdk::span<const std::uint8_t> in, sdk::span<T> out) const noexcept {
        if (async_) {
            for (std::size_t o = 0; o < n_post_; ++o) {
                const T* w = &w_[o * n_pre_];
                const std::uint8_t* s = &in[o * n_pre_];
                T sum = T(0);
                for (std::size_t i = 0; i < n_pre_; ++i) {
                    if ((s[i] & 1U) != 0) {
                        sum += (s[i] & 2U) != 0 ? -w[i] : w[i];
                    }
                }
                out[o] = sum;
            }
            return;
        }
        std::fill(out.begin(), out.end(), T(0));
        for (std::size_t i = 0; i < n_pre_; ++i) {
            if ((in[i] & 1U) == 0) {
                continue;
            }
            const T* w = &w_[i * n_post_];
            if ((in[i] & 2U) != 0) {
                for (std::size_t o = 0; o < n_post_; ++o) {
                    out[o] -= w[o];
                }
            } else {
                for (std::size_t o = 0; o < n_post_; ++o) {
                    out[o] += w[o];
                }
            }
        }
    }

    // Async spikes are shaped units ⊕ pre: the part after units (a flattened input of
    // |units| * n elements counts as n presynaptic neurons).
    [[nodiscard]] spark_shape_t presynaptic_part(const spark_shape_t& in) const {
        bool leading = in.rank > units_.rank;
        for (std::uint32_t a = 0; leading && a < units_.rank; ++a) {
            leading = in.dims[a] == units_.dims[a];
        }
        if (leading) {
            spark_shape_t pre{};
            pre.rank = in.rank - units_.rank;
            for (std::uint32_t a = 0; a < pre.rank; ++a) {
                pre.dims[a] = in.dims[units_.rank + a];
            }
            return pre;
        }
        const auto total = sdk::element_count(in);
        const auto post = sdk::element_count(units_);
        if (post == 0 || total % post != 0) {
            throw sdk::status_error(SPARK_ERR_INVALID_ARGUMENT,
                                    "input port 'spikes' has shape " + sdk::shape_string(in) +
                                        ", which is not units " + sdk::shape_string(units_) +
                                        " ⊕ a presynaptic shape (async_spikes is true)");
        }
        return sdk::make_shape({static_cast<std::int64_t>(total / post)});
    }

    const spark_host_t* host_;
    spark_shape_t units_;
    sdk::initializer_value kernel_;
    bool async_;
    Filter filter_;
    std::size_t n_pre_ = 0;
    std::size_t n_post_ = 0;
    spark_shape_t kernel_shape_{};        // units ⊕ presynaptic shape
    bool ordered_ = false;                // `delays` is wired: sum in emission order
    std::vector<std::uint32_t> arriving_; // one neuron's arriving synapses, while summing
    large_vector_for_overwrite<T> w_;     // sync: pre-major W[i][o]; async: post-major W[o][i]
};

} // namespace spark::neurons
