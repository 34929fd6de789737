// SPDX-License-Identifier: Apache-2.0
// `three_factor_hebbian_rule`: upstream's ThreeFactorHebbianRule (docs/models.md section 6.6)
// used on its own (learning/rule_component.hpp): the Hebbian coincidence of section 6.1 gated by
// a reward, dW = gamma r (y s_pre + s_post x), W >= 0. Differences from upstream (see
// docs/upstream-differences.md): the update is proportional to the reward as given (upstream uses
// r + 0.1, so it learns with zero reward), and sync pre spikes work (upstream's kernel-shaped pre
// trace breaks its outer product unless the pre spikes are per synapse).
#pragma once
#include <cstddef>

#include <spark/sdk/plugin.hpp>

#include "common/component_shapes.hpp"
#include "learning/rule_component.hpp"
#include "learning/stateless_update.hpp"

namespace spark::neurons {

inline void declare_three_factor_fields(sdk::schema& s) {
    // Upstream also accepts initializers for the taus, but its Positive validator rejects them.
    s.field_float("pre_tau", 10.0)
        .units("ms")
        .positive()
        .description("time constant of the presynaptic trace x");
    s.field_float("post_tau", 10.0)
        .units("ms")
        .positive()
        .description("time constant of the postsynaptic trace y");
    s.field_float("gamma", 0.1).description("learning rate");
    declare_async_pre_spikes_field(s);
}

/// ThreeFactorHebbianRule's per-step constants in the compute type T (traces: base 0, scale
/// 1/tau).
template <typename T>
struct three_factor_constants {
    T pre_decay;  // exp(-dt / pre_tau)
    T pre_scale;  // 1 / pre_tau
    T post_decay; // exp(-dt / post_tau)
    T post_scale; // 1 / post_tau
    T gamma;
    T dt; // [ms]

    static three_factor_constants from(const sdk::config_view& cfg) {
        const double pre_tau = cfg.get<double>("pre_tau");
        const double post_tau = cfg.get<double>("post_tau");
        return {decay_factor<T>(cfg.dt(), pre_tau),
                static_cast<T>(1.0 / pre_tau),
                decay_factor<T>(cfg.dt(), post_tau),
                static_cast<T>(1.0 / post_tau),
                static_cast<T>(cfg.get<double>("gamma")),
                static_cast<T>(cfg.dt())};
    }

    /// max(0, W + dt * ((gamma r) (y s_pre + s_post x))).
    [[nodiscard]] T weight(T w, T y_times_pre, T post_times_x, T reward) const noexcept {
        const T next = w + dt * ((gamma * reward) * (y_times_pre + post_times_x));
        return next > T(0) ? next : T(0);
    }
};

/// dW[o, i] = gamma r (y[o] s_pre[i] + s_post[o] x[i]), W >= 0; r from the `reward` port (one
/// value, or one per postsynaptic neuron).
template <typename T>
class three_factor_update : public stateless_update<three_factor_constants<T>> {
    using base = stateless_update<three_factor_constants<T>>;
    using base::c_;

public:
    using value_type = T;
    static constexpr const char* class_ref = "three_factor_hebbian_rule";
    static constexpr const char* version = "1.0.0";
    static constexpr const char* description =
        "reward-modulated Hebbian rule: dW = gamma r (y_post s_pre + s_post x_pre), W >= 0; no "
        "reward, no learning";
    static constexpr const char* third_factor = "reward";

    static void declare_fields(sdk::schema& s) { declare_three_factor_fields(s); }

    explicit three_factor_update(const sdk::config_view& cfg) : base(cfg) {}

    [[nodiscard]] bool plastic() const noexcept { return c_.gamma != T(0); }

    T weight(std::size_t /*k*/,
             std::size_t /*o*/,
             T w,
             T x,
             T y,
             bool pre_spiked,
             bool post_spiked,
             T reward) const {
        return c_.weight(w, pre_spiked ? y : T(0), post_spiked ? x : T(0), reward);
    }
};

template <typename T>
using three_factor_hebbian_rule = rule_component<three_factor_update<T>>;

} // namespace spark::neurons
