// SPDX-License-Identifier: Apache-2.0
// `oja_rule`: upstream's OjaRule (docs/models.md section 6.2) used on its own
// (learning/rule_component.hpp), and inside a neuron through learning/dense_learning.hpp. Hebbian
// growth y s_pre with Oja's decay W y^2, which acts on every synapse of a neuron whose post
// trace is non-zero: dense by nature. Only the postsynaptic trace y exists (no presynaptic one).
#pragma once
#include <cstddef>

#include <spark/sdk/plugin.hpp>

#include "common/component_shapes.hpp"
#include "learning/rule_component.hpp"
#include "learning/stateless_update.hpp"

namespace spark::neurons {

inline void declare_oja_fields(sdk::schema& s) {
    // Upstream also accepts an initializer here, but its Positive validator rejects them.
    s.field_float("post_tau", 20.0)
        .units("ms")
        .positive()
        .description("time constant of the postsynaptic trace");
    s.field_float("eta", 0.1).description("learning rate");
    declare_async_pre_spikes_field(s);
}

/// OjaRule's per-step constants in the compute type T (the trace is upstream's Tracer with base
/// 0 and scale 1/tau).
template <typename T>
struct oja_constants {
    T post_decay; // exp(-dt / post_tau)
    T post_scale; // 1 / post_tau
    T eta;
    T dt; // [ms]

    static oja_constants from(const sdk::config_view& cfg) {
        const double post_tau = cfg.get<double>("post_tau");
        return {decay_factor<T>(cfg.dt(), post_tau),
                static_cast<T>(1.0 / post_tau),
                static_cast<T>(cfg.get<double>("eta")),
                static_cast<T>(cfg.dt())};
    }

    /// max(0, W + dt * eta * (y s_pre - (W y) y)).
    [[nodiscard]] T weight(T w, T y_times_pre, T y) const noexcept {
        const T next = w + dt * (eta * (y_times_pre - w * y * y));
        return next > T(0) ? next : T(0);
    }
};

/// dW[o, i] = eta (y[o] s_pre[i] - W[o, i] y[o]^2), W >= 0.
template <typename T>
class oja_update : public stateless_update<oja_constants<T>> {
    using base = stateless_update<oja_constants<T>>;
    using base::c_;

public:
    using value_type = T;
    static constexpr const char* class_ref = "oja_rule";
    static constexpr const char* version = "1.0.0";
    static constexpr const char* description =
        "Oja's rule: Hebbian growth with a decay that normalises the weights, dW = eta (y_post "
        "s_pre - W y_post^2), W >= 0";
    static constexpr bool uses_pre_trace = false;

    static void declare_fields(sdk::schema& s) { declare_oja_fields(s); }

    explicit oja_update(const sdk::config_view& cfg) : base(cfg) {}

    /// With eta = 0 no weight changes after the first clip.
    [[nodiscard]] bool plastic() const noexcept { return c_.eta != T(0); }

    T weight(std::size_t /*k*/,
             std::size_t /*o*/,
             T w,
             T /*x*/,
             T y,
             bool pre_spiked,
             bool /*post_spiked*/) const {
        return c_.weight(w, pre_spiked ? y : T(0), y);
    }
};

template <typename T>
using oja_rule = rule_component<oja_update<T>>;

} // namespace spark::neurons
