// SPDX-License-Identifier: Apache-2.0
// IzhikevichSoma's config (docs/models.md section 4.9) and the per-step constants derived
// from it in the compute type T, rounded as upstream rounds them.
#pragma once

#include <spark/sdk/params.hpp>
#include <spark/sdk/schema.hpp>

namespace spark::neurons {

/// Upstream's fields with upstream's defaults and units (a, b and d carry none upstream; their
/// implied units are in the descriptions).
inline void declare_izhikevich_fields(sdk::schema& s) {
    s.field_float("potential_rest", -65.0)
        .units("mV")
        .description("resting potential: the state starts there and `potential` is relative to "
                     "it; the quadratic uses the absolute potential");
    s.field_float("potential_reset", -65.0)
        .units("mV")
        .description("potential right after a spike (Izhikevich's c)");
    s.field_float("resistance", 0.1)
        .units("GΩ")
        .description("membrane resistance: scales both the recovery variable and the input "
                     "current into mV/ms");
    // Upstream does not check this; a cut-off at or below the reset fires on every step after
    // the first spike.
    s.field_float("threshold", 30.0)
        .units("mV")
        .greater_than_field("potential_reset")
        .description("spike cut-off: a spike needs the potential strictly above it");
    s.field_float("recovery_timescale", 0.02)
        .description("time scale of the recovery variable, per ms (Izhikevich's a)");
    s.field_float("recovery_sensitivity", 0.2)
        .description("sensitivity of the recovery variable to the absolute potential, pA per mV "
                     "(Izhikevich's b)");
    s.field_float("recovery_update", 2.0)
        .description("recovery variable added by each spike, pA (Izhikevich's d)");
}

/// Per-step constants, in T. The state v is rebased to rest (v = V - potential_rest); the
/// equations use the absolute potential V = v + potential_rest.
template <typename T>
struct izhikevich_constants {
    T rest;        // potential_rest [mV], to recover the absolute potential
    T v_reset;     // potential_reset - potential_rest [mV]
    T threshold;   // threshold - potential_rest [mV]
    T resistance;  // R [GΩ]
    T timescale;   // a [1/ms]
    T sensitivity; // b
    T jump;        // d, added to u by each spike
    T dt;          // [ms]

    static izhikevich_constants from(const sdk::config_view& cfg) {
        const double rest = cfg.get<double>("potential_rest");
        return {static_cast<T>(rest),
                static_cast<T>(cfg.get<double>("potential_reset") - rest),
                static_cast<T>(cfg.get<double>("threshold") - rest),
                static_cast<T>(cfg.get<double>("resistance")),
                static_cast<T>(cfg.get<double>("recovery_timescale")),
                static_cast<T>(cfg.get<double>("recovery_sensitivity")),
                static_cast<T>(cfg.get<double>("recovery_update")),
                static_cast<T>(cfg.dt())};
    }
};

} // namespace spark::neurons
