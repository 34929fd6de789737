// SPDX-License-Identifier: Apache-2.0
// `acme.qif_neuron`: a population of quadratic integrate-and-fire neurons (Latham et al. 2000)
// with current-based synapses. Per step, for neuron o (forward Euler, dt from the config):
//
//   I[o] = Σ_exc W[o][i] - Σ_inh W[o][i]          over the inputs that spiked (bit0) this step,
//                                                 split by the input's bit1 [pA]
//   V    ← V + dt / τ · (a · (V - V_rest) · (V - V_crit) + R · I[o])
//   spike when V >= V_peak, then V ← V_reset
//
// with a = 1 / (V_crit - V_rest) [1/mV]: the quadratic then has slope -1 at V_rest, so that below
// V_crit the neuron relaxes to rest with time constant τ like a leaky one, V_crit is the unstable
// point above which it runs away to the spike, and the smallest constant input that makes it
// fire tonically is R · I = (V_crit - V_rest) / 4.
#pragma once
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include <spark/sdk/plugin.hpp>

#include "acme/synaptic_input.hpp"

namespace acme {

template <typename T>
class qif_neuron {
public:
    static constexpr const char* class_ref = "qif_neuron";
    static constexpr std::int32_t kind = SPARK_KIND_NEURON;
    static constexpr const char* version = "1.0.0";
    static constexpr const char* description =
        "quadratic integrate-and-fire population (forward Euler): tau dV/dt = (V - V_rest)(V - "
        "V_crit) / (V_crit - V_rest) + R I, a spike at V >= potential_peak resets V to "
        "potential_reset; current-based synapses, a fixed share of inhibitory neurons";

    static constexpr std::size_t spikes_in = 0;  // input port
    static constexpr std::size_t spikes_out = 0; // output port

    static void declare(spark::sdk::schema& s) {
        declare_population_fields(s,
                                  "pA",
                                  "\"scale\": 100.0",
                                  "synaptic weights W[post, pre]: each presynaptic spike injects "
                                  "W pA for one step (subtracted when the input carries bit1); "
                                  "a number sets every weight");
        s.field_float("potential_tau", 10.0)
            .units("ms")
            .positive()
            .description("membrane time constant tau");
        s.field_float("potential_rest", -65.0)
            .units("mV")
            .description("resting potential V_rest, the stable fixed point; the state starts "
                         "there");
        s.field_float("potential_critical", -50.0)
            .units("mV")
            .greater_than_field("potential_rest")
            .description("critical potential V_crit, the unstable fixed point: above it the "
                         "potential runs away to a spike");
        s.field_float("potential_peak", 30.0)
            .units("mV")
            .greater_than_field("potential_critical")
            .greater_than_field("potential_reset")
            .description("spike cut-off: a neuron spikes in the step its potential reaches it");
        s.field_float("potential_reset", -70.0)
            .units("mV")
            .description("potential right after a spike (above potential_critical the neuron "
                         "fires again without input)");
        s.field_float("resistance", 0.1)
            .units("GΩ")
            .positive()
            .description("membrane resistance R: R * I in mV for a current I in pA");
        s.input("in_spikes", SPARK_PAYLOAD_SPIKES, "spike_array")
            .any()
            .description("presynaptic spikes (bit0); bit1 marks an inhibitory presynaptic neuron, "
                         "whose weight is subtracted");
        s.output("out_spikes", SPARK_PAYLOAD_SPIKES, "spike_array")
            .from_field("units")
            .description("spikes (bit0) with each neuron's inhibition bit (bit1), also at reset");
    }

    qif_neuron(const spark::sdk::config_view& cfg, const spark::sdk::instance_info& info)
        : input_(cfg, info, weights::any_sign),
          step_scale_(static_cast<T>(cfg.dt() / cfg.get<double>("potential_tau"))),
          curvature_(static_cast<T>(
              1.0 / (cfg.get<double>("potential_critical") - cfg.get<double>("potential_rest")))),
          rest_(static_cast<T>(cfg.get<double>("potential_rest"))),
          critical_(static_cast<T>(cfg.get<double>("potential_critical"))),
          peak_(static_cast<T>(cfg.get<double>("potential_peak"))),
          reset_(static_cast<T>(cfg.get<double>("potential_reset"))),
          resistance_(static_cast<T>(cfg.get<double>("resistance"))) {}

    void contract(spark::sdk::contract_context& c) { c.output(spikes_out) = input_.output_spec(); }

    void build(spark::sdk::build_context& b) {
        input_.build(b.input(spikes_in));
        potential_.assign(input_.size(), rest_);
    }

    void reset(const spark::sdk::output_buffers& out) {
        input_.reset(out.get<std::uint8_t>(spikes_out));
        std::fill(potential_.begin(), potential_.end(), rest_);
    }

    void step(const spark::sdk::step_context& ctx) {
        const auto out = ctx.output<std::uint8_t>(spikes_out);
        input_.collect(ctx.input<std::uint8_t>(spikes_in));
        for (std::size_t o = 0; o < potential_.size(); ++o) {
            const T current = input_.excitatory_sum(o) - input_.inhibitory_sum(o);
            T v = potential_[o];
            v = v +
                step_scale_ * (curvature_ * (v - rest_) * (v - critical_) + resistance_ * current);
            const bool spiked = v >= peak_;
            potential_[o] = spiked ? reset_ : v;
            out[o] = input_.label(o, spiked);
        }
    }

    /// "kernel" (units ⊕ input shape) [pA] and "potential" (units) [mV, absolute].
    void state(spark::sdk::state_list& s) {
        input_.state(s);
        s.add("potential", potential_, input_.units());
    }

    void state_loaded() {
        input_.state_loaded();
        for (std::size_t o = 0; o < potential_.size(); ++o) {
            if (!std::isfinite(static_cast<double>(potential_[o]))) {
                throw spark::sdk::status_error(
                    SPARK_ERR_INVALID_ARGUMENT,
                    "restored potential[" + std::to_string(o) + "] is " +
                        spark::sdk::detail::json_number_or_inf(static_cast<double>(potential_[o])) +
                        "; a checkpoint must hold finite potentials");
            }
        }
    }

private:
    synaptic_input<T> input_;
    T step_scale_;             // dt / tau
    T curvature_;              // a = 1 / (V_crit - V_rest) [1/mV]
    T rest_;                   // V_rest [mV]
    T critical_;               // V_crit [mV]
    T peak_;                   // V_peak [mV]
    T reset_;                  // V_reset [mV]
    T resistance_;             // R [GΩ]
    std::vector<T> potential_; // V [mV]
};

} // namespace acme
