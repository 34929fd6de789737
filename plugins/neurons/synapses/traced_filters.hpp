// SPDX-License-Identifier: Apache-2.0
// The current filters (synapses/current_filter.hpp) of upstream's traced synapses
// (docs/models.md sections 5.2-5.4): TracedSynapses (one exponential trace), RDTracedSynapses
// (rise-decay, a difference of two) and RFSTracedSynapses (rise with fast and slow decay, two
// RD pairs mixed by alpha), each kept per postsynaptic neuron as the sum of upstream's
// per-synapse traces. Fields, defaults and validators are upstream's; tau, scale and base are
// numbers (one value for every synapse), which is what makes the per-neuron sum exact.
#pragma once
#include <cstddef>
#include <string>

#include <spark/sdk/buffers.hpp>
#include <spark/sdk/module.hpp>
#include <spark/sdk/params.hpp>
#include <spark/sdk/schema.hpp>

#include "synapses/current_filter.hpp"

namespace spark::neurons {

namespace detail {

/// One upstream tracer's fields: `tau<suffix>` (ms, > 0), `scale<suffix>` (> 0), `base<suffix>`.
inline void declare_trace_fields(sdk::schema& s,
                                 const std::string& suffix,
                                 double tau,
                                 const std::string& which) {
    const std::string trace = which.empty() ? "trace" : which + " trace";
    s.field_float("tau" + suffix, tau)
        .units("ms")
        .positive()
        .description("time constant of the " + trace);
    s.field_float("scale" + suffix, 1.0)
        .positive()
        .description("factor on the weighted spikes entering the " + trace);
    s.field_float("base" + suffix, 0.0)
        .units("pA")
        .description("rest value of the " + trace + " of each synapse (reset sets it)");
}

} // namespace detail

/// TracedSynapses (section 5.2): I[o] = Q[o], Q <- n b + alpha(tau) (Q - n b) + scale L[o].
template <typename T>
class traced_filter {
public:
    using value_type = T;
    static constexpr const char* class_ref = "traced_synapses";
    static constexpr const char* version = "1.0.0";
    static constexpr const char* description =
        "exponentially traced synapses: each presynaptic spike adds its weight (negated for an "
        "inhibitory neuron) to a trace that jumps in the spike's step and decays with tau toward "
        "base; the current is the sum of the traces";
    static void declare_fields(sdk::schema& s) { detail::declare_trace_fields(s, "", 5.0, ""); }

    explicit traced_filter(const sdk::config_view& cfg)
        : trace_(
              cfg.dt(), cfg.get<double>("tau"), cfg.get<double>("scale"), cfg.get<double>("base")) {
    }

    void build(std::size_t n_post, std::size_t n_pre) { trace_.build(n_post, n_pre); }
    void reset() { trace_.reset(); }
    void filter(sdk::span<T> current) noexcept {
        for (std::size_t o = 0; o < current.size(); ++o) {
            current[o] = trace_.update(o, current[o]);
        }
    }
    void state(sdk::state_list& s, const spark_shape_t& units) {
        s.add("trace", trace_.values(), units);
    }
    void state_loaded() {}

private:
    summed_trace<T> trace_;
};

/// RDTracedSynapses (section 5.3): I = Q_d - Q_r, the rise trace with tau_r' (coupled_rise_tau).
template <typename T>
class rd_traced_filter {
public:
    using value_type = T;
    static constexpr const char* class_ref = "rd_traced_synapses";
    static constexpr const char* version = "1.0.0";
    static constexpr const char* description =
        "rise-decay synapses: the current is a decay trace minus a rise trace of the weighted "
        "spikes (a difference of exponentials that peaks after the spike), summed over synapses";
    static void declare_fields(sdk::schema& s) {
        detail::declare_trace_fields(s, "_rise", 1.0, "rise");
        detail::declare_trace_fields(s, "_decay", 5.0, "decay");
    }

    explicit rd_traced_filter(const sdk::config_view& cfg)
        : rise_(cfg.dt(),
                coupled_rise_tau(cfg.get<double>("tau_rise"), cfg.get<double>("tau_decay")),
                cfg.get<double>("scale_rise"),
                cfg.get<double>("base_rise")),
          decay_(cfg.dt(),
                 cfg.get<double>("tau_decay"),
                 cfg.get<double>("scale_decay"),
                 cfg.get<double>("base_decay")) {}

    void build(std::size_t n_post, std::size_t n_pre) {
        rise_.build(n_post, n_pre);
        decay_.build(n_post, n_pre);
    }
    void reset() {
        rise_.reset();
        decay_.reset();
    }
    void filter(sdk::span<T> current) noexcept {
        for (std::size_t o = 0; o < current.size(); ++o) {
            const T x = current[o];
            current[o] = decay_.update(o, x) - rise_.update(o, x);
        }
    }
    void state(sdk::state_list& s, const spark_shape_t& units) {
        s.add("rise_trace", rise_.values(), units);
        s.add("decay_trace", decay_.values(), units);
    }
    void state_loaded() {}

private:
    summed_trace<T> rise_;
    summed_trace<T> decay_;
};

/// RFSTracedSynapses (section 5.4): I = alpha (Q_fd - Q_fr) + (1 - alpha) (Q_sd - Q_sr), the
/// rise traces with tau_r coupled to tau_fd and to tau_sd; both share scale_rise and base_rise.
template <typename T>
class rfs_traced_filter {
public:
    using value_type = T;
    static constexpr const char* class_ref = "rfs_traced_synapses";
    static constexpr const char* version = "1.0.0";
    static constexpr const char* description =
        "rise, fast and slow decay synapses: alpha times a fast rise-decay trace plus (1 - "
        "alpha) times a slow one, of the weighted spikes, summed over synapses";
    static void declare_fields(sdk::schema& s) {
        s.field_float("alpha", 0.8)
            .range(0.0, 1.0)
            .description("share of the fast rise-decay trace in the current");
        detail::declare_trace_fields(s, "_rise", 1.0, "rise");
        detail::declare_trace_fields(s, "_fast_decay", 5.0, "fast decay");
        detail::declare_trace_fields(s, "_slow_decay", 50.0, "slow decay");
    }

    explicit rfs_traced_filter(const sdk::config_view& cfg)
        : fast_rise_(rise(cfg, "tau_fast_decay")), fast_decay_(cfg.dt(),
                                                               cfg.get<double>("tau_fast_decay"),
                                                               cfg.get<double>("scale_fast_decay"),
                                                               cfg.get<double>("base_fast_decay")),
          slow_rise_(rise(cfg, "tau_slow_decay")), slow_decay_(cfg.dt(),
                                                               cfg.get<double>("tau_slow_decay"),
                                                               cfg.get<double>("scale_slow_decay"),
                                                               cfg.get<double>("base_slow_decay")),
          fast_(static_cast<T>(cfg.get<double>("alpha"))), slow_(T(1) - fast_) {}

    void build(std::size_t n_post, std::size_t n_pre) {
        fast_rise_.build(n_post, n_pre);
        fast_decay_.build(n_post, n_pre);
        slow_rise_.build(n_post, n_pre);
        slow_decay_.build(n_post, n_pre);
    }
    void reset() {
        fast_rise_.reset();
        fast_decay_.reset();
        slow_rise_.reset();
        slow_decay_.reset();
    }
    void filter(sdk::span<T> current) noexcept {
        for (std::size_t o = 0; o < current.size(); ++o) {
            const T x = current[o];
            const T fast = fast_decay_.update(o, x) - fast_rise_.update(o, x);
            const T slow = slow_decay_.update(o, x) - slow_rise_.update(o, x);
            current[o] = fast_ * fast + slow_ * slow;
        }
    }
    void state(sdk::state_list& s, const spark_shape_t& units) {
        s.add("fast_rise_trace", fast_rise_.values(), units);
        s.add("fast_decay_trace", fast_decay_.values(), units);
        s.add("slow_rise_trace", slow_rise_.values(), units);
        s.add("slow_decay_trace", slow_decay_.values(), units);
    }
    void state_loaded() {}

private:
    static summed_trace<T> rise(const sdk::config_view& cfg, const char* tau_decay) {
        return summed_trace<T>(
            cfg.dt(),
            coupled_rise_tau(cfg.get<double>("tau_rise"), cfg.get<double>(tau_decay)),
            cfg.get<double>("scale_rise"),
            cfg.get<double>("base_rise"));
    }

    summed_trace<T> fast_rise_;
    summed_trace<T> fast_decay_;
    summed_trace<T> slow_rise_;
    summed_trace<T> slow_decay_;
    T fast_; // alpha
    T slow_; // 1 - alpha
};

} // namespace spark::neurons
