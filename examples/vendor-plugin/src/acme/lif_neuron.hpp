// SPDX-License-Identifier: Apache-2.0
// `acme.lif_neuron`: a population of conductance-based leaky integrate-and-fire neurons. Its bare
// class_ref is the same as the built-in `spark.lif_neuron` (a current-based neuron with delays and
// learning) on purpose: with both plugins loaded a brain names one of them as `acme.lif_neuron`
// or `spark.lif_neuron`. Per step, for neuron o:
//
//   g_e ← g_e · exp(-dt / τ_e) + Σ_exc W[o][i]     over the inputs that spiked (bit0) this step,
//   g_i ← g_i · exp(-dt / τ_i) + Σ_inh W[o][i]     split by the input's bit1 [nS]
//   refractory (r > 0):  r ← r - 1, V ← V_reset, no spike
//   otherwise, C dV/dt = g_L (E_L - V) + g_e (E_e - V) + g_i (E_i - V) over one step with the
//   conductances held (exponential Euler, exact for constant conductances, stable for any):
//     g = g_L + g_e + g_i,  V_∞ = (g_L E_L + g_e E_e + g_i E_i) / g,
//     V ← V_∞ + (V - V_∞) · exp(-dt · g / C)
//   spike when V >= threshold, then V ← V_reset and r ← round(refractory_period / dt)
//
// Units: C in pF, conductances in nS, potentials in mV, times in ms (nS · mV = pA, pA / pF =
// mV / ms).
#pragma once
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include <spark/sdk/plugin.hpp>

#include "acme/synaptic_input.hpp"

namespace acme {

/// round(period / dt) (half to even) as a step count that fits an int32.
[[nodiscard]] inline std::int32_t refractory_steps(double period, double dt) {
    const double steps = std::nearbyint(period / dt);
    constexpr std::int32_t most = std::numeric_limits<std::int32_t>::max();
    if (!(steps >= 0.0 && steps <= static_cast<double>(most))) {
        throw spark::sdk::status_error(
            SPARK_ERR_INVALID_ARGUMENT,
            "refractory_period / dt must give 0 to " + std::to_string(most) + " steps, got " +
                spark::sdk::detail::json_number_or_inf(period) + " ms / " +
                spark::sdk::detail::json_number_or_inf(dt) + " ms; shorten refractory_period");
    }
    return static_cast<std::int32_t>(steps);
}

template <typename T>
class lif_neuron {
public:
    static constexpr const char* class_ref = "lif_neuron";
    static constexpr std::int32_t kind = SPARK_KIND_NEURON;
    static constexpr const char* version = "1.0.0";
    static constexpr const char* description =
        "conductance-based leaky integrate-and-fire population: excitatory and inhibitory "
        "conductances decaying exponentially, C dV/dt = g_L (E_L - V) + g_e (E_e - V) + g_i "
        "(E_i - V) integrated by exponential Euler, threshold, reset and refractory period; "
        "a fixed share of inhibitory neurons";

    static constexpr std::size_t spikes_in = 0;  // input port
    static constexpr std::size_t spikes_out = 0; // output port

    static void declare(spark::sdk::schema& s) {
        declare_population_fields(s,
                                  "nS",
                                  "\"scale\": 2.0",
                                  "conductance increments W[post, pre]: a spike of an excitatory "
                                  "input adds W to g_e, one of an inhibitory input (bit1) adds W "
                                  "to g_i; a number sets every weight")
            .non_negative();
        s.field_float("capacitance", 200.0)
            .units("pF")
            .positive()
            .description("membrane capacitance C");
        s.field_float("leak_conductance", 10.0)
            .units("nS")
            .positive()
            .description("leak conductance g_L (membrane time constant C / g_L)");
        s.field_float("potential_rest", -60.0)
            .units("mV")
            .description("leak reversal potential E_L; the state starts there");
        s.field_float("reversal_excitatory", 0.0)
            .units("mV")
            .description("reversal potential E_e of the excitatory conductance");
        s.field_float("reversal_inhibitory", -80.0)
            .units("mV")
            .description("reversal potential E_i of the inhibitory conductance");
        s.field_float("tau_excitatory", 5.0)
            .units("ms")
            .positive()
            .description("decay time constant of the excitatory conductance");
        s.field_float("tau_inhibitory", 10.0)
            .units("ms")
            .positive()
            .description("decay time constant of the inhibitory conductance");
        s.field_float("threshold", -50.0)
            .units("mV")
            .greater_than_field("potential_reset")
            .description("firing threshold: a neuron spikes in the step its potential reaches it");
        s.field_float("potential_reset", -60.0)
            .units("mV")
            .description("potential right after a spike, held during the refractory period");
        s.field_float("refractory_period", 2.0)
            .units("ms")
            .non_negative()
            .description("after a spike the potential is held at potential_reset for "
                         "round(refractory_period / dt) steps");
        s.input("in_spikes", SPARK_PAYLOAD_SPIKES, "spike_array")
            .any()
            .description("presynaptic spikes (bit0); bit1 marks an inhibitory presynaptic neuron, "
                         "whose weight goes to the inhibitory conductance");
        s.output("out_spikes", SPARK_PAYLOAD_SPIKES, "spike_array")
            .from_field("units")
            .description("spikes (bit0) with each neuron's inhibition bit (bit1), also at reset");
    }

    lif_neuron(const spark::sdk::config_view& cfg, const spark::sdk::instance_info& info)
        : input_(cfg, info, weights::non_negative),
          decay_e_(static_cast<T>(std::exp(-cfg.dt() / cfg.get<double>("tau_excitatory")))),
          decay_i_(static_cast<T>(std::exp(-cfg.dt() / cfg.get<double>("tau_inhibitory")))),
          dt_over_c_(static_cast<T>(cfg.dt() / cfg.get<double>("capacitance"))),
          g_leak_(static_cast<T>(cfg.get<double>("leak_conductance"))),
          e_leak_(static_cast<T>(cfg.get<double>("potential_rest"))),
          e_exc_(static_cast<T>(cfg.get<double>("reversal_excitatory"))),
          e_inh_(static_cast<T>(cfg.get<double>("reversal_inhibitory"))),
          threshold_(static_cast<T>(cfg.get<double>("threshold"))),
          reset_(static_cast<T>(cfg.get<double>("potential_reset"))),
          refractory_(refractory_steps(cfg.get<double>("refractory_period"), cfg.dt())),
          leak_drive_(g_leak_ * e_leak_) {}

    void contract(spark::sdk::contract_context& c) { c.output(spikes_out) = input_.output_spec(); }

    void build(spark::sdk::build_context& b) {
        input_.build(b.input(spikes_in));
        const std::size_t n = input_.size();
        potential_.assign(n, e_leak_);
        g_exc_.assign(n, T(0));
        g_inh_.assign(n, T(0));
        countdown_.assign(n, 0);
    }

    void reset(const spark::sdk::output_buffers& out) {
        input_.reset(out.get<std::uint8_t>(spikes_out));
        std::fill(potential_.begin(), potential_.end(), e_leak_);
        std::fill(g_exc_.begin(), g_exc_.end(), T(0));
        std::fill(g_inh_.begin(), g_inh_.end(), T(0));
        std::fill(countdown_.begin(), countdown_.end(), 0);
    }

    void step(const spark::sdk::step_context& ctx) {
        const auto out = ctx.output<std::uint8_t>(spikes_out);
        input_.collect(ctx.input<std::uint8_t>(spikes_in));
        for (std::size_t o = 0; o < potential_.size(); ++o) {
            const T ge = g_exc_[o] * decay_e_ + input_.excitatory_sum(o);
            const T gi = g_inh_[o] * decay_i_ + input_.inhibitory_sum(o);
            g_exc_[o] = ge;
            g_inh_[o] = gi;
            bool spiked = false;
            if (countdown_[o] > 0) {
                --countdown_[o];
                potential_[o] = reset_;
            } else {
                const T g = g_leak_ + ge + gi;
                const T v_inf = (leak_drive_ + ge * e_exc_ + gi * e_inh_) / g;
                const T v = v_inf + (potential_[o] - v_inf) * std::exp(-dt_over_c_ * g);
                spiked = v >= threshold_;
                potential_[o] = spiked ? reset_ : v;
                countdown_[o] = spiked ? refractory_ : 0;
            }
            out[o] = input_.label(o, spiked);
        }
    }

    /// "kernel" (units ⊕ input shape) [nS], "potential" [mV, absolute], "conductance_excitatory"
    /// and "conductance_inhibitory" [nS], "refractory" (steps left, int32), all shaped units.
    void state(spark::sdk::state_list& s) {
        const spark_shape_t& units = input_.units();
        input_.state(s);
        s.add("potential", potential_, units);
        s.add("conductance_excitatory", g_exc_, units);
        s.add("conductance_inhibitory", g_inh_, units);
        s.add("refractory", countdown_, units);
    }

    void state_loaded() {
        input_.state_loaded();
        for (std::size_t o = 0; o < potential_.size(); ++o) {
            check_loaded("potential", o, potential_[o], false);
            check_loaded("conductance_excitatory", o, g_exc_[o], true);
            check_loaded("conductance_inhibitory", o, g_inh_[o], true);
            if (countdown_[o] < 0 || countdown_[o] > refractory_) {
                throw spark::sdk::status_error(
                    SPARK_ERR_INVALID_ARGUMENT,
                    "restored refractory[" + std::to_string(o) + "] is " +
                        std::to_string(countdown_[o]) + "; it counts steps left in [0, " +
                        std::to_string(refractory_) + "] (round(refractory_period / dt))");
            }
        }
    }

private:
    static void check_loaded(const char* name, std::size_t o, T value, bool non_negative) {
        const auto x = static_cast<double>(value);
        if (!std::isfinite(x) || (non_negative && x < 0.0)) {
            throw spark::sdk::status_error(
                SPARK_ERR_INVALID_ARGUMENT,
                std::string("restored ") + name + "[" + std::to_string(o) + "] is " +
                    spark::sdk::detail::json_number_or_inf(x) + "; it must be finite" +
                    (non_negative ? " and >= 0" : ""));
        }
    }

    synaptic_input<T> input_;
    T decay_e_;               // exp(-dt / tau_e)
    T decay_i_;               // exp(-dt / tau_i)
    T dt_over_c_;             // dt / C [ms / pF]
    T g_leak_;                // g_L [nS]
    T e_leak_;                // E_L [mV]
    T e_exc_;                 // E_e [mV]
    T e_inh_;                 // E_i [mV]
    T threshold_;             // [mV]
    T reset_;                 // [mV]
    std::int32_t refractory_; // steps held after a spike
    T leak_drive_;            // g_L E_L [pA]

    std::vector<T> potential_;            // V [mV]
    std::vector<T> g_exc_;                // g_e [nS]
    std::vector<T> g_inh_;                // g_i [nS]
    std::vector<std::int32_t> countdown_; // refractory steps left
};

} // namespace acme
