// SPDX-License-Identifier: Apache-2.0
// The adaptive threshold of AdaptiveLeakySoma and SimplifiedAdaptiveExponentialSoma
// (docs/models.md sections 4.4 and 4.8): upstream's Tracer with base theta0 (the config's
// threshold), scale threshold_delta and decay exp(-dt / threshold_tau). A spike test uses the
// value left by the previous step; the step then relaxes it toward theta0 and adds the jump
// where the neuron fired.
#pragma once

#include <spark/sdk/params.hpp>
#include <spark/sdk/schema.hpp>

#include "common/component_shapes.hpp"
#include "common/lane_select.hpp"

namespace spark::neurons {

/// Upstream's `threshold_tau` and `threshold_delta`.
inline void declare_threshold_adaptation_fields(sdk::schema& s) {
    s.field_float("threshold_tau", 20.0)
        .units("ms")
        .positive()
        .description("time constant with which the threshold relaxes back to `threshold`");
    s.field_float("threshold_delta", 100.0).units("mV").description("threshold increase per spike");
}

template <typename T>
struct threshold_adaptation {
    T decay; // exp(-dt / threshold_tau)
    T delta; // [mV] added to the threshold by each spike

    static threshold_adaptation from(const sdk::config_view& cfg) {
        return {decay_factor<T>(cfg.dt(), cfg.get<double>("threshold_tau")),
                static_cast<T>(cfg.get<double>("threshold_delta"))};
    }
};

namespace detail {

/// theta0 + alpha (theta - theta0) + delta s, each operation rounded as upstream's Tracer.
template <typename T>
[[nodiscard]] inline T
next_threshold(const threshold_adaptation<T>& c, T base, T theta, bool fired) noexcept {
    const T relaxed = base + c.decay * (theta - base);
    return lane_select(fired, relaxed + c.delta, relaxed); // branch-free: loops vectorise
}

} // namespace detail

} // namespace spark::neurons
