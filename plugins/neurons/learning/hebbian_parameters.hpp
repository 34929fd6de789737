// SPDX-License-Identifier: Apache-2.0
// HebbianRule's config (docs/models.md section 6.1) and its per-step constants in the compute
// type T: both traces are upstream Tracers with base 0 and scale 1/tau (a spike adds 1/tau).
#pragma once
#include <spark/sdk/params.hpp>
#include <spark/sdk/schema.hpp>

#include "common/component_shapes.hpp"

namespace spark::neurons {

inline void declare_hebbian_fields(sdk::schema& s) {
    // Upstream also accepts initializers here, but its Positive validator rejects them: numbers.
    s.field_float("pre_tau", 20.0)
        .units("ms")
        .positive()
        .description("time constant of the presynaptic trace");
    s.field_float("post_tau", 20.0)
        .units("ms")
        .positive()
        .description("time constant of the postsynaptic trace");
    s.field_float("eta", 0.1).description("learning rate (upstream's HEAD uses 0.01)");
    declare_async_pre_spikes_field(s);
}

template <typename T>
struct hebbian_constants {
    T pre_decay;  // exp(-dt / pre_tau)
    T pre_scale;  // 1 / pre_tau
    T post_decay; // exp(-dt / post_tau)
    T post_scale; // 1 / post_tau
    T eta;
    T dt; // [ms]: W <- max(0, W + dt * eta * (...))

    static hebbian_constants from(const sdk::config_view& cfg) {
        const double pre_tau = cfg.get<double>("pre_tau");
        const double post_tau = cfg.get<double>("post_tau");
        return {decay_factor<T>(cfg.dt(), pre_tau),
                static_cast<T>(1.0 / pre_tau),
                decay_factor<T>(cfg.dt(), post_tau),
                static_cast<T>(1.0 / post_tau),
                static_cast<T>(cfg.get<double>("eta")),
                static_cast<T>(cfg.dt())};
    }

    /// The updated weight: max(0, W + dt * eta * (y s_pre + s_post x)), with upstream's grouping.
    [[nodiscard]] T weight(T w, T y_times_pre, T post_times_x) const noexcept {
        const T next = w + dt * (eta * (y_times_pre + post_times_x));
        return next > T(0) ? next : T(0);
    }
};

} // namespace spark::neurons
