// SPDX-License-Identifier: Apache-2.0
// `n2n_delays`: upstream's N2NDelays (docs/models.md sections 5.5, 5.6), one conduction delay
// per synapse. Used on its own it emits the dense per-synapse spikes, shape units ⊕ in_spikes
// (upstream's "async" spikes), each carrying its presynaptic neuron's inhibition bit.
#pragma once
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <utility>
#include <vector>

#include <spark/sdk/plugin.hpp>

#include "common/component_shapes.hpp"
#include "common/spike_scan.hpp"
#include "delays/delay_kernel.hpp"
#include "delays/spike_ring.hpp"

namespace spark::neurons {

class n2n_delays {
public:
    static constexpr const char* class_ref = "n2n_delays";
    static constexpr std::int32_t kind = SPARK_KIND_COMPONENT;
    static constexpr const char* version = "1.1.0";
    static constexpr const char* description =
        "one conduction delay per synapse: out[post, pre] is the presynaptic spike of D[post, pre] "
        "steps ago";

    static void declare(sdk::schema& s) {
        declare_delay_fields(s);
        s.input("in_spikes", SPARK_PAYLOAD_SPIKES, "spike_array")
            .any()
            .description("presynaptic spikes");
        s.output("out_spikes", SPARK_PAYLOAD_SPIKES, "spike_array")
            .computed("units ⊕ shape of in_spikes")
            .description("delayed spike of every synapse [post, pre], with the presynaptic "
                         "inhibition bit");
        s.property("kernel", SPARK_PAYLOAD_INT, "integer_array")
            .computed("units ⊕ shape of in_spikes")
            .writable()
            .description("the delays D[post, pre] in steps, each in [0, max_delay / dt]");
    }

    n2n_delays(const sdk::config_view& cfg, const sdk::instance_info& info)
        : host_(info.host), units_(component_units(cfg, "n2n_delays")), config_(cfg) {}

    void build(sdk::build_context& b) {
        const spark_shape_t in = b.input(0).shape;
        n_pre_ = count_of(in);
        n_post_ = count_of(units_);
        kernel_shape_ = concat_shapes(units_, in);
        b.output(0) = sdk::make_spec(SPARK_PAYLOAD_SPIKES, SPARK_DTYPE_U8, kernel_shape_);
        delays_ = config_.make(host_, n_post_, n_pre_);
        ring_.resize(config_.slots + 1U, n_pre_);
    }

    // The step -1 output: nothing delivered; the inhibition bits are not known before the first
    // input, so the zero-filled output stays.
    void reset(const sdk::output_buffers& /*out*/) { ring_.clear(); }

    // As n_delays': a delivered spike carries its presynaptic neuron's inhibition bit of its
    // emission step, a silent synapse the input's bit.
    void step(const sdk::step_context& ctx) {
        const auto in = ctx.input<std::uint8_t>(0);
        const auto out = ctx.output<std::uint8_t>(0);
        std::uint8_t* now = ring_.row(ring_.advance());
        for (std::size_t i = 0; i < n_pre_; ++i) {
            now[i] = spike_with_sign(in[i]);
        }
        for (std::size_t o = 0; o < n_post_; ++o) {
            const std::int32_t* d = &delays_[o * n_pre_];
            std::uint8_t* row = &out[o * n_pre_];
            for (std::size_t i = 0; i < n_pre_; ++i) {
                const auto slot = ring_.slot_before(static_cast<std::size_t>(d[i]));
                row[i] = signed_arrival(ring_.row(slot)[i], in[i]);
            }
        }
    }

    void state(sdk::state_list& s) {
        s.add("spike_history",
              ring_.bytes(),
              sdk::make_shape(
                  {static_cast<std::int64_t>(ring_.rows()), static_cast<std::int64_t>(n_pre_)}));
        s.add("cursor", ring_.cursor(), sdk::make_shape({1}));
    }
    // The delay table as upstream 1.0's writable `delays.kernel` property; a write is checked as
    // the drawn table is and leaves the old table in place when refused.
    [[nodiscard]] spark_port_spec_t property_spec(std::size_t /*index: kernel*/) const {
        return sdk::make_spec(SPARK_PAYLOAD_INT, SPARK_DTYPE_I32, kernel_shape_);
    }
    void read_property(std::size_t /*index*/, void* out) const {
        std::memcpy(out, delays_.data(), delays_.size() * sizeof(std::int32_t));
    }
    void write_property(std::size_t /*index*/, const void* in) {
        std::vector<std::int32_t> d(delays_.size());
        std::memcpy(d.data(), in, d.size() * sizeof(std::int32_t));
        const std::size_t k = config_.first_out_of_range(d);
        if (k < d.size()) {
            config_.fail(d[k],
                         "synapse (post " + std::to_string(k / n_pre_) + ", pre " +
                             std::to_string(k % n_pre_) + ")" + " of the kernel written");
        }
        delays_ = std::move(d);
    }

    void state_loaded() { ring_.check_loaded("n2n_delays"); }

private:
    const spark_host_t* host_;
    spark_shape_t units_;
    delay_config config_;
    std::size_t n_pre_ = 0;
    std::size_t n_post_ = 0;
    spark_shape_t kernel_shape_{};     // units ⊕ shape of in_spikes
    std::vector<std::int32_t> delays_; // D[post][pre] in steps, row-major (n_post, n_pre)
    spike_ring ring_;
};

} // namespace spark::neurons
