// SPDX-License-Identifier: Apache-2.0
// ZenkeRule's config (docs/models.md section 6.3) and its per-step arithmetic in the compute
// type T, shared by the standalone `zenke_rule` and the rule policy of the neurons. All four
// traces are upstream Tracers with base 0 and scale 1/tau; the target trace z has the kernel's
// shape. Operation order follows upstream's (docs/models.md section 13.1), so float32 rounds as
// upstream does.
#pragma once
#include <spark/sdk/params.hpp>
#include <spark/sdk/schema.hpp>

#include "common/component_shapes.hpp"

namespace spark::neurons {

inline void declare_zenke_fields(sdk::schema& s) {
    // Upstream also accepts initializers for the taus, but its Positive validator rejects them.
    s.field_float("pre_tau", 20.0)
        .units("ms")
        .positive()
        .description("time constant of the presynaptic trace x");
    s.field_float("post_tau", 20.0)
        .units("ms")
        .positive()
        .description("time constant of the fast postsynaptic trace y");
    s.field_float("post_slow_tau", 20.0)
        .units("ms")
        .positive()
        .description("time constant of the slow postsynaptic trace y_s (triplet term)");
    s.field_float("target_tau", 20000.0)
        .units("ms")
        .positive()
        .description("time constant of the per-synapse target trace z (heterosynaptic term)");
    s.field_float("a", 1.0).description("amplitude of triplet LTP: a y_s s_post x");
    s.field_float("b", -1.0).description("amplitude of doublet LTD: b y s_pre");
    s.field_float("c", -1.0).description(
        "amplitude of the heterosynaptic term: c (W - z) y^3 s_post");
    s.field_float("d", 1.0).description("amplitude of the transmitter-induced term: d s_pre");
    s.field_float("p", 20.0).description(
        "strength of the cubic term p z (1/4 - z) (1/2 - z) that the target trace z subtracts "
        "from W");
    s.field_float("eta", 0.1).description("learning rate");
    declare_async_pre_spikes_field(s);
}

template <typename T>
struct zenke_constants {
    T pre_decay;     // exp(-dt / pre_tau)
    T pre_scale;     // 1 / pre_tau
    T post_decay;    // exp(-dt / post_tau)
    T post_scale;    // 1 / post_tau
    T slow_decay;    // exp(-dt / post_slow_tau)
    T slow_scale;    // 1 / post_slow_tau
    T target_decay;  // exp(-dt / target_tau)
    T target_scale;  // 1 / target_tau
    T a, b, c, d, p; // amplitudes and the target's cubic strength
    T eta;
    T dt_eta; // dt * eta: W <- max(0, W + dt * eta * (A + B + C + D))

    static zenke_constants from(const sdk::config_view& cfg) {
        const double dt = cfg.dt();
        const double pre = cfg.get<double>("pre_tau");
        const double post = cfg.get<double>("post_tau");
        const double slow = cfg.get<double>("post_slow_tau");
        const double target = cfg.get<double>("target_tau");
        const T eta = static_cast<T>(cfg.get<double>("eta"));
        return {decay_factor<T>(dt, pre),
                static_cast<T>(1.0 / pre),
                decay_factor<T>(dt, post),
                static_cast<T>(1.0 / post),
                decay_factor<T>(dt, slow),
                static_cast<T>(1.0 / slow),
                decay_factor<T>(dt, target),
                static_cast<T>(1.0 / target),
                static_cast<T>(cfg.get<double>("a")),
                static_cast<T>(cfg.get<double>("b")),
                static_cast<T>(cfg.get<double>("c")),
                static_cast<T>(cfg.get<double>("d")),
                static_cast<T>(cfg.get<double>("p")),
                eta,
                static_cast<T>(dt) * eta};
    }

    /// The target trace after this step, from z and W before it:
    /// z <- alpha z + (W - p z (1/4 - z) (1/2 - z)) / tau_z.
    [[nodiscard]] T target(T z, T w) const noexcept {
        const T delta = w - p * z * (T(0.25) - z) * (T(0.5) - z);
        return target_decay * z + target_scale * delta;
    }

    /// The updated weight max(0, W + dt eta (A + B + C + D)) with A = a y_s s_post x (y_s already
    /// holds this step's post spike, as upstream), B = b y s_pre, C = c (W - z) y^3 s_post
    /// (z after this step's update), D = d s_pre. `y3` is y * y * y.
    [[nodiscard]] T weight(T w, T z, T x, T y, T slow, T y3, bool pre, bool post) const noexcept {
        const T ltp = post ? a * slow * x : T(0);
        const T ltd = pre ? b * y : T(0);
        const T hetero = post ? c * (w - z) * y3 : T(0);
        const T transmitter = pre ? d : T(0);
        const T next = w + dt_eta * (ltp + ltd + hetero + transmitter);
        return next > T(0) ? next : T(0);
    }
};

} // namespace spark::neurons
