// SPDX-License-Identifier: Apache-2.0
// RefractoryLeakySoma's and AdaptiveLeakySoma's configs (upstream-models.md sections 4.2, 4.4) and
// the per-step constants derived from them in the compute type T, rounded as upstream rounds them.
#pragma once
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>

#include <spark/sdk/guard.hpp>
#include <spark/sdk/params.hpp>
#include <spark/sdk/schema.hpp>

#include "common/component_shapes.hpp"
#include "somas/leaky_parameters.hpp"

namespace spark::neurons {

/// LeakySoma's fields plus upstream's `cooldown`.
inline void declare_refractory_fields(sdk::schema& s) {
    declare_leaky_fields(s);
    // Upstream checks nothing and casts round(cooldown / dt) to uint16, so a negative cooldown
    // wraps to a huge one; ours must be >= 0.
    s.field_float("cooldown", 2.0)
        .units("ms")
        .non_negative()
        .description("refractory period: after a spike the input current is ignored for "
                     "round(cooldown / dt) + 1 steps");
}

/// RefractoryLeakySoma's fields plus upstream's adaptive threshold.
inline void declare_adaptive_fields(sdk::schema& s) {
    declare_refractory_fields(s);
    s.field_float("threshold_tau", 20.0)
        .units("ms")
        .positive()
        .description("time constant with which the threshold relaxes back to `threshold`");
    s.field_float("threshold_delta", 100.0).units("mV").description("threshold increase per spike");
}

/// c = round(cooldown / dt) in steps (half to even, as upstream's round). Upstream keeps it in
/// uint16; ours in int32, so anything up to 2^31 - 2 steps fits.
[[nodiscard]] inline std::int32_t cooldown_steps(double cooldown, double dt) {
    const double steps = std::nearbyint(cooldown / dt);
    constexpr std::int32_t most = std::numeric_limits<std::int32_t>::max() - 1;
    if (!(steps >= 0.0 && steps <= static_cast<double>(most))) {
        throw sdk::status_error(SPARK_ERR_INVALID_ARGUMENT,
                                "cooldown / dt must give 0 to " + std::to_string(most) +
                                    " steps, got " + sdk::detail::json_number_or_inf(cooldown) +
                                    " ms / " + sdk::detail::json_number_or_inf(dt) +
                                    " ms; change cooldown");
    }
    return static_cast<std::int32_t>(steps);
}

template <typename T>
struct refractory_constants {
    leaky_constants<T> leaky;
    std::int32_t cooldown; // c [steps]: a neuron is ready when its counter r > c

    static refractory_constants from(const sdk::config_view& cfg) {
        return {leaky_constants<T>::from(cfg),
                cooldown_steps(cfg.get<double>("cooldown"), cfg.dt())};
    }
};

template <typename T>
struct adaptive_constants {
    refractory_constants<T> refractory;
    T threshold_decay; // exp(-dt / threshold_tau)
    T threshold_delta; // [mV] added to the threshold by each spike

    static adaptive_constants from(const sdk::config_view& cfg) {
        return {refractory_constants<T>::from(cfg),
                decay_factor<T>(cfg.dt(), cfg.get<double>("threshold_tau")),
                static_cast<T>(cfg.get<double>("threshold_delta"))};
    }
};

} // namespace spark::neurons
