// SPDX-License-Identifier: Apache-2.0
// `n_delays`: upstream's NDelays (docs/models.md section 5.5), one conduction delay per
// presynaptic neuron. Its output is the input delayed, with the input's shape and one spike per
// presynaptic neuron (not per synapse: upstream flags it "async", quirk 12.5, and so cannot feed
// LinearSynapses; ours feeds linear_synapses with async_spikes false). The ring keeps B + 1 rows
// like n2n_delays', so every D in [0, B] delays by D steps.
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

class n_delays {
public:
    static constexpr const char* class_ref = "n_delays";
    static constexpr std::int32_t kind = SPARK_KIND_COMPONENT;
    static constexpr const char* version = "1.1.0";
    static constexpr const char* description =
        "one conduction delay per presynaptic neuron: out[j] is neuron j's spike of D[j] steps "
        "ago, shaped like the input (one spike per neuron, not per synapse), with the neuron's "
        "inhibition bit; feeds linear_synapses with async_spikes false";

    static void declare(sdk::schema& s) {
        declare_max_delay_and_delays(s, "presynaptic neuron");
        s.input("in_spikes", SPARK_PAYLOAD_SPIKES, "spike_array")
            .any()
            .description("presynaptic spikes");
        s.output("out_spikes", SPARK_PAYLOAD_SPIKES, "spike_array")
            .computed("shape of in_spikes")
            .description("delayed spike of every presynaptic neuron, with its inhibition bit");
        s.property("kernel", SPARK_PAYLOAD_INT, "integer_array")
            .computed("shape of in_spikes")
            .writable()
            .description("the delays D[pre] in steps, each in [0, max_delay / dt]");
    }

    n_delays(const sdk::config_view& cfg, const sdk::instance_info& info)
        : host_(info.host), config_(cfg) {}

    void build(sdk::build_context& b) {
        const spark_shape_t in = b.input(0).shape;
        n_ = count_of(in);
        kernel_shape_ = in;
        b.output(0) = sdk::make_spec(SPARK_PAYLOAD_SPIKES, SPARK_DTYPE_U8, in);
        delays_ = config_.make_per_neuron(host_, n_);
        ring_.resize(config_.slots + 1U, n_);
    }

    // The step -1 output: nothing delivered; the inhibition bits are not known before the first
    // input, so the zero-filled output stays.
    void reset(const sdk::output_buffers& /*out*/) { ring_.clear(); }

    // A delivered spike carries its inhibition bit of the step it was emitted in (the ring keeps
    // it: a spike in flight keeps its sign); a silent element the input's bit, as upstream.
    void step(const sdk::step_context& ctx) {
        const auto in = ctx.input<std::uint8_t>(0);
        const auto out = ctx.output<std::uint8_t>(0);
        std::uint8_t* now = ring_.row(ring_.advance());
        for (std::size_t j = 0; j < n_; ++j) {
            now[j] = spike_with_sign(in[j]);
        }
        for (std::size_t j = 0; j < n_; ++j) {
            const auto slot = ring_.slot_before(static_cast<std::size_t>(delays_[j]));
            out[j] = signed_arrival(ring_.row(slot)[j], in[j]);
        }
    }

    void state(sdk::state_list& s) {
        s.add("spike_history",
              ring_.bytes(),
              sdk::make_shape(
                  {static_cast<std::int64_t>(ring_.rows()), static_cast<std::int64_t>(n_)}));
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
                         "presynaptic neuron " + std::to_string(k) + " of the kernel written");
        }
        delays_ = std::move(d);
    }

    void state_loaded() { ring_.check_loaded("n_delays"); }

private:
    const spark_host_t* host_;
    delay_config config_;
    std::size_t n_ = 0;
    spark_shape_t kernel_shape_{};     // shape of in_spikes
    std::vector<std::int32_t> delays_; // D[j] in steps, 0..B
    spike_ring ring_;
};

} // namespace spark::neurons
