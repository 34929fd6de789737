// SPDX-License-Identifier: Apache-2.0
// The configs of upstream's exponential somas (docs/models.md sections 4.5-4.8: Exponential,
// RefractoryExponential, AdaptiveExponential, SimplifiedAdaptiveExponential) and the per-step
// constants derived from them in the compute type T, rounded as upstream rounds them.
#pragma once
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>

#include <spark/sdk/guard.hpp>
#include <spark/sdk/params.hpp>
#include <spark/sdk/schema.hpp>

#include "somas/refractory_parameters.hpp"
#include "somas/threshold_adaptation.hpp"

namespace spark::neurons {

/// ExponentialSoma's fields with upstream's defaults and units.
inline void declare_exponential_fields(sdk::schema& s) {
    s.field_float("potential_rest", -70.0).units("mV").description("resting membrane potential");
    s.field_float("potential_reset", -51.0)
        .units("mV")
        .description("potential right after a spike");
    s.field_float("potential_tau", 5.0)
        .units("ms")
        .positive()
        .description("membrane time constant");
    s.field_float("resistance", 0.5)
        .units("GΩ")
        .description("membrane resistance (GΩ times pA gives mV)");
    // Upstream does not check this; a cut-off at or below the reset fires on every step after
    // the first spike.
    s.field_float("threshold", -30.0)
        .units("mV")
        .greater_than_field("potential_reset")
        .description("numerical spike cut-off: a spike needs the potential strictly above it");
    s.field_float("rheobase_threshold", -50.0)
        .units("mV")
        .description("rheobase threshold: where the exponential term starts to take over");
    // Upstream checks nothing; the term divides by the slope.
    s.field_float("spike_slope", 2.0)
        .units("mV")
        .positive()
        .description("sharpness of spike initiation (slope factor of the exponential term)");
}

/// ExponentialSoma's fields plus upstream's `cooldown`.
inline void declare_refractory_exponential_fields(sdk::schema& s) {
    declare_exponential_fields(s);
    declare_cooldown_field(s, gated_cooldown_description);
}

/// ExponentialSoma's fields plus upstream's adaptation current.
inline void declare_adaptive_exponential_fields(sdk::schema& s) {
    declare_exponential_fields(s);
    s.field_float("adaptation_tau", 100.0)
        .units("ms")
        .positive()
        .description("time constant of the adaptation current");
    s.field_float("adaptation_delta", 7.0)
        .units("pA")
        .description("adaptation current added by each spike");
    s.field_float("adaptation_subthreshold", 0.5)
        .units("nS")
        .description("subthreshold adaptation: adaptation current per mV of potential above rest");
}

/// RefractoryExponentialSoma's fields plus upstream's adaptive threshold.
inline void declare_simplified_adaptive_exponential_fields(sdk::schema& s) {
    declare_refractory_exponential_fields(s);
    declare_threshold_adaptation_fields(s);
}

/// Per-step constants of the forward-Euler exponential integrate-and-fire step, in T.
/// Potentials are rebased to rest (v = V - potential_rest), so the state starts at 0.
template <typename T>
struct exponential_constants {
    T scale;      // kappa = dt / tau
    T resistance; // R [GΩ]
    T slope;      // Delta_T [mV]
    T rheobase;   // rheobase_threshold - potential_rest [mV]
    T v_reset;    // potential_reset - potential_rest [mV]
    T threshold;  // threshold - potential_rest [mV]

    static exponential_constants from(const sdk::config_view& cfg) {
        const double rest = cfg.get<double>("potential_rest");
        const double threshold = cfg.get<double>("threshold");
        const double rheobase = cfg.get<double>("rheobase_threshold");
        const double slope = cfg.get<double>("spike_slope");
        // Between steps v <= threshold (anything above was reset), so the exponential term
        // peaks at slope exp((threshold - rheobase) / slope): that must be a finite T, with room.
        const double peak = std::exp((threshold - rheobase) / slope);
        const double room = static_cast<double>(std::numeric_limits<T>::max()) / 16.0;
        if (!(peak < room && slope * peak < room)) {
            throw sdk::status_error(
                SPARK_ERR_INVALID_ARGUMENT,
                "threshold is " + sdk::detail::json_number_or_inf(threshold - rheobase) +
                    " mV above rheobase_threshold, too far for spike_slope " +
                    sdk::detail::json_number_or_inf(slope) + " mV in " +
                    (sizeof(T) == 8 ? "float64" : "float32") +
                    ": spike_slope exp((threshold - rheobase_threshold) / spike_slope) overflows; "
                    "lower threshold or raise spike_slope");
        }
        return {static_cast<T>(cfg.dt() / cfg.get<double>("potential_tau")),
                static_cast<T>(cfg.get<double>("resistance")),
                static_cast<T>(slope),
                static_cast<T>(rheobase - rest),
                static_cast<T>(cfg.get<double>("potential_reset") - rest),
                static_cast<T>(threshold - rest)};
    }
};

template <typename T>
struct refractory_exponential_constants {
    exponential_constants<T> exponential;
    std::int32_t cooldown; // c [steps]: a neuron is ready when its counter r > c

    static refractory_exponential_constants from(const sdk::config_view& cfg) {
        return {exponential_constants<T>::from(cfg),
                cooldown_steps(cfg.get<double>("cooldown"), cfg.dt())};
    }
};

/// The adaptation current w of AdaptiveExponentialSoma [pA].
template <typename T>
struct adaptation_current {
    T scale;        // kappa_w = dt / adaptation_tau
    T delta;        // b [pA] added by each spike
    T subthreshold; // a [nS]

    static adaptation_current from(const sdk::config_view& cfg) {
        return {static_cast<T>(cfg.dt() / cfg.get<double>("adaptation_tau")),
                static_cast<T>(cfg.get<double>("adaptation_delta")),
                static_cast<T>(cfg.get<double>("adaptation_subthreshold"))};
    }
};

template <typename T>
struct adaptive_exponential_constants {
    exponential_constants<T> exponential;
    adaptation_current<T> adaptation;

    static adaptive_exponential_constants from(const sdk::config_view& cfg) {
        return {exponential_constants<T>::from(cfg), adaptation_current<T>::from(cfg)};
    }
};

template <typename T>
struct simplified_adaptive_exponential_constants {
    refractory_exponential_constants<T> refractory;
    threshold_adaptation<T> adaptation;

    static simplified_adaptive_exponential_constants from(const sdk::config_view& cfg) {
        return {refractory_exponential_constants<T>::from(cfg), threshold_adaptation<T>::from(cfg)};
    }
};

} // namespace spark::neurons
