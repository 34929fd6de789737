// SPDX-License-Identifier: Apache-2.0
// Synapse models as current filters. Upstream's synapses (docs/models.md section 5) all take
// the linear current L[o] = sum_i W[o, i] * sigma_i * s_i (section 5.1) through per-synapse
// tracers and sum them over i. With scalar tau, scale and base every tracer is a linear filter
// of its synapse's input, so their sum over i is the same filter of L[o], with the rest value
// n_pre * base: for TracedSynapses, Q[o] = sum_i q[o, i] obeys
//     Q <- n_pre * base + alpha (Q - n_pre * base) + scale * L[o],   Q = n_pre * base at reset.
// A synapse model is therefore a filter of the linear current, one state per postsynaptic neuron
// (not per synapse), and costs O(units) per step whatever the number of synapses.
//
// A current filter F (linear_filter below is the smallest one; traced_filters.hpp has the rest):
//   using value_type = T;                              // float or double
//   static constexpr const char* class_ref;            // the registered synapse type, e.g.
//   static constexpr const char* version;              //   "traced_synapses", its version
//   static constexpr const char* description;          //   and description
//   static void declare_fields(sdk::schema&);          // the type's fields after linear_synapses'
//                                                      // (units, kernel, async_spikes)
//   explicit F(const sdk::config_view& cfg);           // constants (cfg.dt() included)
//   void build(std::size_t n_post, std::size_t n_pre); // per-postsynaptic state, at rest
//   void reset();                                      // back to rest
//   void filter(sdk::span<T> current);                 // in: this step's linear current per
//                                                      // postsynaptic neuron; out: the synapses'
//                                                      // current. Called once per step.
//   void state(sdk::state_list&, const spark_shape_t& units); // arrays shaped `units`
//   void state_loaded();                               // after a checkpoint was written
// Upstream's order within a step holds: a spike's weight enters the traces in its own step
// (an instantaneous jump), so filter() sees this step's current before decaying anything else.
// synapses/synapse_component.hpp turns a filter into a component type; a neuron calls filter()
// on the current it delivered, before its soma.
#pragma once
#include <cstddef>
#include <vector>

#include <spark/sdk/buffers.hpp>
#include <spark/sdk/module.hpp>
#include <spark/sdk/params.hpp>
#include <spark/sdk/schema.hpp>

#include "common/component_shapes.hpp"

namespace spark::neurons {

/// Upstream's Tracer (section 1.5) summed over a postsynaptic neuron's n_pre synapses: one value
/// per postsynaptic neuron, Q <- rest + alpha (Q - rest) + scale * x with rest = n_pre * base.
template <typename T>
class summed_trace {
public:
    /// Constants from tau [ms], scale and base (one synapse's rest value) at step dt [ms].
    summed_trace(double dt, double tau, double scale, double base)
        : decay_(decay_factor<T>(dt, tau)), scale_(static_cast<T>(scale)), base_(base) {}

    void build(std::size_t n_post, std::size_t n_pre) {
        rest_ = static_cast<T>(static_cast<double>(n_pre) * base_);
        q_.assign(n_post, rest_);
    }
    void reset() { q_.assign(q_.size(), rest_); }

    /// One step with input x for postsynaptic neuron o; returns the new value.
    T update(std::size_t o, T x) noexcept {
        T& q = q_[o];
        q = rest_ + decay_ * (q - rest_) + scale_ * x;
        return q;
    }

    std::vector<T>& values() noexcept { return q_; }

private:
    T decay_; // alpha = exp(-dt / tau)
    T scale_;
    double base_;
    T rest_ = T(0); // n_pre * base
    std::vector<T> q_;
};

/// tau_r' = tau_r tau_d / (tau_r + tau_d): upstream's RDTracer gives its rise tracer this
/// constant (section 1.5), so that q_d - q_r is a difference of exponentials.
[[nodiscard]] inline double coupled_rise_tau(double tau_rise, double tau_decay) noexcept {
    return tau_rise * tau_decay / (tau_rise + tau_decay);
}

/// LinearSynapses (section 5.1): the current passes unchanged; no state.
template <typename T>
class linear_filter {
public:
    using value_type = T;
    static constexpr const char* class_ref = "linear_synapses";
    static constexpr const char* version = "1.0.0";
    static constexpr const char* description =
        "static synapses: each presynaptic spike injects its weight (negated for an inhibitory "
        "neuron) into the postsynaptic current of the same step";
    static void declare_fields(sdk::schema& /*s*/) {}

    explicit linear_filter(const sdk::config_view& /*cfg*/) {}

    void build(std::size_t /*n_post*/, std::size_t /*n_pre*/) {}
    void reset() {}
    void filter(sdk::span<T> /*current*/) noexcept {}
    void state(sdk::state_list& /*s*/, const spark_shape_t& /*units*/) {}
    void state_loaded() {}
};

} // namespace spark::neurons
