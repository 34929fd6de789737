// SPDX-License-Identifier: Apache-2.0
// RefractoryLeakySoma's, StrictRefractoryLeakySoma's and AdaptiveLeakySoma's configs
// (docs/models.md sections 4.2-4.4) and the per-step constants derived from them in the
// compute type T, rounded as upstream rounds them; `cooldown` and its steps for every refractory
// soma.
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
#include "somas/threshold_adaptation.hpp"

namespace spark::neurons {

/// Upstream's `cooldown`, with the description of what it does in the soma at hand.
inline void declare_cooldown_field(sdk::schema& s, const char* description) {
    // Upstream checks nothing and casts round(cooldown / dt) to uint16, so a negative cooldown
    // wraps to a huge one; ours must be >= 0.
    s.field_float("cooldown", 2.0).units("ms").non_negative().description(description);
}

/// What `cooldown` does where the input current is gated (refractory leaky and exponential).
inline constexpr const char* gated_cooldown_description =
    "refractory period: after a spike the input current is ignored for round(cooldown / dt) + 1 "
    "steps";

/// LeakySoma's fields plus upstream's `cooldown`.
inline void declare_refractory_fields(sdk::schema& s) {
    declare_leaky_fields(s);
    declare_cooldown_field(s, gated_cooldown_description);
}

/// StrictRefractoryLeakySoma's fields: RefractoryLeakySoma's, with its own cooldown.
inline void declare_strict_refractory_fields(sdk::schema& s) {
    declare_leaky_fields(s);
    declare_cooldown_field(s,
                           "refractory period: after a spike the potential is held at "
                           "potential_reset for round(cooldown / dt) steps");
}

/// RefractoryLeakySoma's fields plus upstream's adaptive threshold.
inline void declare_adaptive_fields(sdk::schema& s) {
    declare_refractory_fields(s);
    declare_threshold_adaptation_fields(s);
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
    threshold_adaptation<T> adaptation;

    static adaptive_constants from(const sdk::config_view& cfg) {
        return {refractory_constants<T>::from(cfg), threshold_adaptation<T>::from(cfg)};
    }
};

} // namespace spark::neurons
