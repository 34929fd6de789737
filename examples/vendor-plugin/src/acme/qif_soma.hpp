// SPDX-License-Identifier: Apache-2.0
// `acme.qif_soma`: the quadratic integrate-and-fire dynamics of acme.qif_neuron as a soma
// component, the part a Spark neuron composition runs after Spark's own delays and synapses
// (docs/adr/0013-neurons-as-compositions.md in Spark). It offers what a soma part must: a
// `current` input [pA], an optional `inhibition_mask` stamped into the spikes (bit1), `spikes`
// out, and the membrane potential as the read-only property `potential`. Per step, per neuron
// (forward Euler):
//
//   V ← V + dt / τ · (a · (V - V_rest) · (V - V_crit) + R · I),   a = 1 / (V_crit - V_rest)
//   spike when V >= V_peak, then V ← V_reset
//
// Worked numbers (the defaults, dt 1 ms, I = 200 pA from rest): V = -63.0 mV after one step,
// -61.17333 after two, spikes at the 20th and 42nd steps of constant input.
#pragma once
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include <spark/sdk/plugin.hpp>

namespace acme {

template <typename T>
class qif_soma {
public:
    static constexpr const char* class_ref = "qif_soma";
    static constexpr std::int32_t kind = SPARK_KIND_COMPONENT;
    static constexpr const char* version = "1.0.0";
    static constexpr const char* description =
        "quadratic integrate-and-fire soma (forward Euler), for Spark neuron compositions: tau "
        "dV/dt = (V - V_rest)(V - V_crit) / (V_crit - V_rest) + R I, a spike at V >= "
        "potential_peak resets V to potential_reset";

    static constexpr std::size_t current_in = 0; // inputs
    static constexpr std::size_t mask_in = 1;
    static constexpr std::size_t spikes_out = 0; // output

    static void declare(spark::sdk::schema& s) {
        s.field_float("potential_tau", 10.0).units("ms").positive().description("tau");
        s.field_float("potential_rest", -65.0)
            .units("mV")
            .description("resting potential V_rest; the state starts there");
        s.field_float("potential_critical", -50.0)
            .units("mV")
            .greater_than_field("potential_rest")
            .description("critical potential V_crit, above which V runs away to a spike");
        s.field_float("potential_peak", 30.0)
            .units("mV")
            .greater_than_field("potential_critical")
            .greater_than_field("potential_reset")
            .description("spike cut-off");
        s.field_float("potential_reset", -70.0).units("mV").description("V right after a spike");
        s.field_float("resistance", 0.1).units("GΩ").positive().description("R");
        s.input("current", SPARK_PAYLOAD_FLOAT, "current_array")
            .any()
            .description("input current [pA]");
        s.input("inhibition_mask", SPARK_PAYLOAD_BOOL_MASK, "boolean_mask")
            .any()
            .optional()
            .description("1 for an inhibitory neuron: its spikes carry bit1");
        s.output("spikes", SPARK_PAYLOAD_SPIKES, "spike_array")
            .like_port("current")
            .description("1 where the neuron fired, plus 2 where inhibition_mask is 1");
        s.property("potential", SPARK_PAYLOAD_FLOAT, "potential_array")
            .like_port("current")
            .description("membrane potential V after this step's reset [mV, absolute]");
    }

    explicit qif_soma(const spark::sdk::config_view& cfg)
        : step_scale_(static_cast<T>(cfg.dt() / cfg.get<double>("potential_tau"))),
          curvature_(static_cast<T>(
              1.0 / (cfg.get<double>("potential_critical") - cfg.get<double>("potential_rest")))),
          rest_(static_cast<T>(cfg.get<double>("potential_rest"))),
          critical_(static_cast<T>(cfg.get<double>("potential_critical"))),
          peak_(static_cast<T>(cfg.get<double>("potential_peak"))),
          reset_(static_cast<T>(cfg.get<double>("potential_reset"))),
          resistance_(static_cast<T>(cfg.get<double>("resistance"))) {}

    void build(spark::sdk::build_context& b) {
        const auto n =
            static_cast<std::size_t>(spark::sdk::element_count(b.input(current_in).shape));
        masked_ = b.wired(mask_in);
        if (masked_ && spark::sdk::element_count(b.input(mask_in).shape) != n) {
            throw spark::sdk::status_error(SPARK_ERR_INVALID_ARGUMENT,
                                           "inhibition_mask needs one element per neuron (" +
                                               std::to_string(n) + ")");
        }
        potential_.assign(n, rest_);
    }

    void reset(const spark::sdk::output_buffers& /*out*/) {
        std::fill(potential_.begin(), potential_.end(), rest_);
    }

    void step(const spark::sdk::step_context& ctx) {
        const auto current = ctx.input<T>(current_in);
        const auto out = ctx.output<std::uint8_t>(spikes_out);
        for (std::size_t o = 0; o < potential_.size(); ++o) {
            T v = potential_[o];
            v = v + step_scale_ *
                        (curvature_ * (v - rest_) * (v - critical_) + resistance_ * current[o]);
            const bool spiked = v >= peak_;
            potential_[o] = spiked ? reset_ : v;
            out[o] = spiked ? 1U : 0U;
        }
        if (masked_) {
            const auto mask = ctx.input<std::uint8_t>(mask_in);
            for (std::size_t o = 0; o < out.size(); ++o) {
                out[o] = static_cast<std::uint8_t>(out[o] | (mask[o] != 0 ? 2U : 0U));
            }
        }
    }

    void read_property(std::size_t /*index: potential*/, void* out) const {
        std::memcpy(out, potential_.data(), potential_.size() * sizeof(T));
    }

    void state(spark::sdk::state_list& s) {
        s.add("potential",
              potential_,
              spark::sdk::make_shape({static_cast<std::int64_t>(potential_.size())}));
    }

    void state_loaded() {
        for (std::size_t o = 0; o < potential_.size(); ++o) {
            if (!std::isfinite(static_cast<double>(potential_[o]))) {
                throw spark::sdk::status_error(SPARK_ERR_INVALID_ARGUMENT,
                                               "restored potential[" + std::to_string(o) +
                                                   "] is not finite");
            }
        }
    }

private:
    T step_scale_; // dt / tau
    T curvature_;  // a = 1 / (V_crit - V_rest) [1/mV]
    T rest_;
    T critical_;
    T peak_;
    T reset_;
    T resistance_;
    bool masked_ = false;
    std::vector<T> potential_; // V [mV]
};

} // namespace acme
