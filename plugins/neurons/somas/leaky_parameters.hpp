// SPDX-License-Identifier: Apache-2.0
// LeakySoma's config (docs/models.md section 4.1) and the per-step constants derived from
// it in the compute type T, rounded exactly as upstream does so that float32 runs match it.
#pragma once
#include <cmath>

#include <spark/sdk/params.hpp>
#include <spark/sdk/schema.hpp>

namespace spark::neurons {

/// Declares upstream's fields with upstream's defaults and units.
inline void declare_leaky_fields(sdk::schema& s) {
    s.field_float("potential_rest", -60.0).units("mV").description("resting membrane potential");
    s.field_float("potential_reset", -50.0)
        .units("mV")
        .description("potential right after a spike");
    s.field_float("potential_tau", 20.0)
        .units("ms")
        .positive()
        .description("membrane time constant");
    s.field_float("resistance", 0.1)
        .units("GΩ")
        .description("membrane resistance (GΩ times pA gives mV)");
    // Upstream does not check this; a threshold at or below the reset makes the neuron fire on
    // every step after its first spike, which is never what a config means.
    s.field_float("threshold", -40.0)
        .units("mV")
        .greater_than_field("potential_reset")
        .description("firing threshold; a spike needs the potential strictly above it");
}

/// Per-step constants of the exact exponential integration, in the compute type T. Potentials
/// are rebased to rest (v = V - potential_rest), so the state starts at 0.
template <typename T>
struct leaky_constants {
    T decay;     // alpha = exp(-dt / tau)
    T drive;     // (1 - alpha) * R [mV per pA]: potential gained per step per pA of current
    T v_reset;   // potential_reset - potential_rest [mV]
    T threshold; // threshold - potential_rest [mV]

    static leaky_constants from(const sdk::config_view& cfg) {
        const double rest = cfg.get<double>("potential_rest");
        // Upstream evaluates exp of a Python float in float32 and casts: round the exponent to
        // T, take exp in double (correctly rounded), round to T.
        const T exponent = static_cast<T>(-cfg.dt() / cfg.get<double>("potential_tau"));
        const T decay = static_cast<T>(std::exp(static_cast<double>(exponent)));
        const T gain = T(1) - decay;
        return {decay,
                gain * static_cast<T>(cfg.get<double>("resistance")),
                static_cast<T>(cfg.get<double>("potential_reset") - rest),
                static_cast<T>(cfg.get<double>("threshold") - rest)};
    }
};

} // namespace spark::neurons
