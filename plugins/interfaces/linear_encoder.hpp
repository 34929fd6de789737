// SPDX-License-Identifier: Apache-2.0
// The integrate-and-fire encoder shared by linear_spiker and topological_linear_spiker
// (upstream LinearSpiker, docs/models.md section 8.1): per element a potential V and a
// refractory timer r [ms]. A step with drive s: ready = [r >= cd]; V <- alpha V + ready c s;
// spike = [V > tau]; V <- 0 and r <- 0 on a spike, else r <- r + dt. With
// c = tau (1 - alpha) scale, scale = E / (E - 1) and E = exp((1000 / max_freq - cd) / tau), a
// drive of 1 brings V from 0 to exactly tau after 1000 / max_freq - cd ms of integration.
//
// Two choices, both in docs/upstream-differences.md:
// - E and dV follow upstream's TopologicalLinearSpiker (no dt in either) for both spikers.
//   Upstream's LinearSpiker writes E = exp(dt (1000 - cd f) / (f tau)) and V += dt * dV, which
//   is the same at dt = 1 ms but misses the designed period at any other dt; the form here hits
//   it at every dt.
// - The designed equality V = tau is a knife-edge: upstream's strict test sees whatever the
//   rounding gives (float32 fires one step earlier than float64 for tau 30, cd 2, max_freq 200,
//   for instance). We decide it as exact arithmetic does, in every precision: the spike test is
//   V > tau (1 + tol) and the ready test r >= cd - tol_r, with tol and tol_r a bound (with a
//   safety factor 4) on the rounding error of the designed trajectory in T. So at the designed
//   equality the spike comes one step later, as in upstream's S5b (period 11 steps at the
//   defaults) in float32 and float64 alike; elsewhere only a value within that bound above tau
//   (relative 3e-5 at the float32 defaults, 6e-14 in float64) waits one more step.
// The constants are rounded in T in upstream's order, so float32 trajectories match upstream's
// float32 ones to a few ulps (S5b; docs/models.md section 13.1).
#pragma once
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include <spark/sdk/plugin.hpp>

namespace spark::interfaces {

/// LinearSpiker's fields, shared with topological_linear_spiker.
inline void declare_linear_fields(sdk::schema& s) {
    s.field_float("tau", 100.0)
        .units("ms")
        .positive()
        .description("potential time constant; the threshold is the number tau");
    s.field_float("cd", 2.0).units("ms").positive().description(
        "cool-down after a spike, during which the input is ignored; must be "
        "< 1000 / max_freq");
    s.field_float("max_freq", 100.0)
        .units("Hz")
        .positive()
        .description("firing rate for a constant drive of 1 (one step more per period at "
                     "the designed equality, see the docs)");
}

template <typename T>
class linear_encoder {
public:
    explicit linear_encoder(const sdk::config_view& cfg)
        : tau_(cfg.get<double>("tau")), cd_(cfg.get<double>("cd")), dt_(cfg.dt()) {
        const double max_freq = cfg.get<double>("max_freq");
        const double integration = (1000.0 - cd_ * max_freq) / max_freq; // [ms] to reach tau
        if (!(integration > 0.0)) {
            throw sdk::status_error(
                SPARK_ERR_INVALID_ARGUMENT,
                "cd = " + number(cd_) +
                    " ms leaves no time to integrate at max_freq = " + number(max_freq) +
                    " Hz; cd must be < 1000 / max_freq = " + number(1000.0 / max_freq) + " ms");
        }
        // Each constant rounded to T in upstream's order (exp of a value rounded to T, taken in
        // double and rounded to T, as JAX evaluates exp of a Python float in float32).
        const T e = static_cast<T>(
            std::exp(static_cast<double>(static_cast<T>((1.0 / tau_) * integration))));
        const T scale = T(1) / (e - T(1)) + T(1);
        decay_ = static_cast<T>(std::exp(static_cast<double>(static_cast<T>(-dt_ / tau_))));
        const T gain = T(1) - decay_;
        drive_ = static_cast<T>(tau_) * gain * scale;

        // Rounding allowance of the designed trajectory (a drive of 1 for n steps): n roundings
        // of the sum, the rounded alpha raised to the n-th power (amplified by E / (E - 1))
        // and the rounded E (amplified by E / (E - 1)); 4 times that bound.
        constexpr double unit = std::numeric_limits<T>::epsilon() / 2.0;
        const double steps = std::ceil(integration / dt_);
        const double exact_e = std::exp(integration / tau_);
        const double amplification = exact_e / (exact_e - 1.0);
        const double tol = 4.0 * unit * (steps * amplification + steps + amplification + 4.0);
        threshold_ = static_cast<T>(tau_ * (1.0 + tol));
        const double tol_ready = 4.0 * unit * (cd_ / dt_ + 2.0);
        ready_at_ = static_cast<T>(cd_ - tol_ready * std::max(cd_, dt_));
    }

    /// Sizes the state for `elements` encoders and resets it.
    void resize(std::size_t elements) {
        potential_.assign(elements, T(0));
        refractory_.assign(elements, static_cast<T>(cd_));
    }

    /// V = 0 and r = cd (ready on the first step).
    void reset() {
        std::fill(potential_.begin(), potential_.end(), T(0));
        std::fill(refractory_.begin(), refractory_.end(), static_cast<T>(cd_));
    }

    /// One step of every encoder; drive and spikes have resize()'s element count.
    void step(sdk::span<const T> drive, sdk::span<std::uint8_t> spikes) noexcept {
        const T dt = static_cast<T>(dt_);
        for (std::size_t i = 0; i < potential_.size(); ++i) {
            const bool ready = refractory_[i] >= ready_at_;
            // Two separately rounded terms, as upstream: alpha * V + (c * s).
            const T decayed = decay_ * potential_[i];
            const T driven = ready ? drive_ * drive[i] : T(0);
            T v = decayed + driven;
            const bool fired = v > threshold_;
            if (fired) {
                v = T(0);
            }
            potential_[i] = v;
            refractory_[i] = fired ? T(0) : refractory_[i] + dt;
            spikes[i] = fired ? 1 : 0;
        }
    }

    /// "potential" (V) and "refractory" (r, ms since the last spike), both of `shape`.
    void state(sdk::state_list& s, const spark_shape_t& shape) {
        s.add("potential", potential_, shape);
        s.add("refractory", refractory_, shape);
    }

private:
    static std::string number(double x) { return sdk::detail::json_number_or_inf(x); }

    double tau_;         // [ms]
    double cd_;          // [ms]
    double dt_;          // [ms]
    T decay_ = T(0);     // alpha = exp(-dt / tau)
    T drive_ = T(0);     // c = tau (1 - alpha) scale: V gained per step for a drive of 1
    T threshold_ = T(0); // tau, raised by the rounding allowance
    T ready_at_ = T(0);  // cd, lowered by the rounding allowance
    std::vector<T> potential_;
    std::vector<T> refractory_;
};

} // namespace spark::interfaces
