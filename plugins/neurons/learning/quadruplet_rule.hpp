// SPDX-License-Identifier: Apache-2.0
// `quadruplet_rule` and `quadruplet_rule_tensor`: upstream's QuadrupletRule and
// QuadrupletRuleTensor (docs/models.md sections 6.4, 6.5) used on their own
// (learning/rule_component.hpp). Four terms, each gated by a spike, scaled by a modulation m:
//   dW[o, i] = eta m (q_a s_pre[i] + q_b y s_pre[i] + q_g s_post[o] + q_d x s_post[o]).
// QuadrupletRule does not build upstream; this is its intended rule (section 6.4) with one set of
// parameters, W >= 0. The tensor rule picks tau_pre, tau_post, q_a..q_d and max_clip per synapse
// by its type (EE, EI, IE, II = post type, pre type, from the spikes' inhibition bits), keeps
// both traces per synapse and clips W to [0, max_clip]. Both scale by m as given (upstream's
// QuadrupletRule adds 0.1 to it): see docs/upstream-differences.md.
#pragma once
#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include <spark/sdk/plugin.hpp>

#include "common/component_shapes.hpp"
#include "learning/rule_component.hpp"
#include "learning/stateless_update.hpp"

namespace spark::neurons {

namespace detail {

/// ((q_a s_pre + q_b y s_pre) + q_g s_post) + q_d x s_post, with each term's spike as a gate.
template <typename T>
[[nodiscard]] T quadruplet_terms(T qa, T qb, T qg, T qd, T x, T y, bool pre, bool post) noexcept {
    const T ta = pre ? qa : T(0);
    const T tb = pre ? qb * y : T(0);
    const T tc = post ? qg : T(0);
    const T td = post ? qd * x : T(0);
    return ((ta + tb) + tc) + td;
}

} // namespace detail

inline void declare_quadruplet_fields(sdk::schema& s) {
    // Upstream's taus take plain numbers only (no initializers) and its q_* are labelled ms;
    // they are dimensionless amplitudes.
    s.field_float("pre_tau", 10.0)
        .units("ms")
        .positive()
        .description("time constant of the presynaptic trace x");
    s.field_float("post_tau", 10.0)
        .units("ms")
        .positive()
        .description("time constant of the postsynaptic trace y");
    s.field_float("q_alpha", 1.0).description("amplitude of the presynaptic term q_a s_pre");
    s.field_float("q_beta", 1.0).description("amplitude of the post-before-pre term q_b y s_pre");
    s.field_float("q_gamma", 1.0).description("amplitude of the postsynaptic term q_g s_post");
    s.field_float("q_delta", 1.0).description("amplitude of the pre-before-post term q_d x s_post");
    s.field_float("gamma", 0.1).description("learning rate");
    declare_async_pre_spikes_field(s);
}

/// QuadrupletRule's per-step constants in the compute type T (traces: base 0, scale 1/tau).
template <typename T>
struct quadruplet_constants {
    T pre_decay;  // exp(-dt / pre_tau)
    T pre_scale;  // 1 / pre_tau
    T post_decay; // exp(-dt / post_tau)
    T post_scale; // 1 / post_tau
    T qa, qb, qg, qd;
    T eta; // the `gamma` field
    T dt;  // [ms]

    static quadruplet_constants from(const sdk::config_view& cfg) {
        const double pre_tau = cfg.get<double>("pre_tau");
        const double post_tau = cfg.get<double>("post_tau");
        return {decay_factor<T>(cfg.dt(), pre_tau),
                static_cast<T>(1.0 / pre_tau),
                decay_factor<T>(cfg.dt(), post_tau),
                static_cast<T>(1.0 / post_tau),
                static_cast<T>(cfg.get<double>("q_alpha")),
                static_cast<T>(cfg.get<double>("q_beta")),
                static_cast<T>(cfg.get<double>("q_gamma")),
                static_cast<T>(cfg.get<double>("q_delta")),
                static_cast<T>(cfg.get<double>("gamma")),
                static_cast<T>(cfg.dt())};
    }

    /// max(0, W + dt * ((eta m) * terms)).
    [[nodiscard]] T weight(T w, T x, T y, bool pre, bool post, T m) const noexcept {
        const T total = detail::quadruplet_terms(qa, qb, qg, qd, x, y, pre, post);
        const T next = w + dt * ((eta * m) * total);
        return next > T(0) ? next : T(0);
    }
};

/// QuadrupletRule as intended (section 6.4), with m from the `modulation` port.
template <typename T>
class quadruplet_update : public stateless_update<quadruplet_constants<T>> {
    using base = stateless_update<quadruplet_constants<T>>;
    using base::c_;

public:
    using value_type = T;
    static constexpr const char* class_ref = "quadruplet_rule";
    static constexpr const char* version = "1.0.0";
    static constexpr const char* description =
        "modulated four-term rule: dW = gamma m (q_alpha s_pre + q_beta y_post s_pre + q_gamma "
        "s_post + q_delta x_pre s_post), W >= 0";
    static constexpr const char* third_factor = "modulation";

    static void declare_fields(sdk::schema& s) { declare_quadruplet_fields(s); }

    explicit quadruplet_update(const sdk::config_view& cfg) : base(cfg) {}

    [[nodiscard]] bool plastic() const noexcept { return c_.eta != T(0); }

    T weight(std::size_t /*k*/,
             std::size_t /*o*/,
             T w,
             T x,
             T y,
             bool pre_spiked,
             bool post_spiked,
             T m) const {
        return c_.weight(w, x, y, pre_spiked, post_spiked, m);
    }
};

template <typename T>
using quadruplet_rule = rule_component<quadruplet_update<T>>;

inline void declare_quadruplet_tensor_fields(sdk::schema& s) {
    const char* order = " (EE, EI, IE, II: postsynaptic type, presynaptic type)";
    s.field_float_array("pre_tau", {10.0, 10.0, 10.0, 10.0})
        .units("ms")
        .positive()
        .length(4, 4)
        .description(std::string("time constant of the presynaptic trace x per synapse type") +
                     order);
    s.field_float_array("post_tau", {10.0, 10.0, 10.0, 10.0})
        .units("ms")
        .positive()
        .length(4, 4)
        .description(std::string("time constant of the postsynaptic trace y per synapse type") +
                     order);
    s.field_float_array("q_alpha", {1.0, 1.0, 1.0, 1.0})
        .length(4, 4)
        .description(std::string("amplitude of q_a s_pre per synapse type") + order);
    s.field_float_array("q_beta", {1.0, 1.0, 1.0, 1.0})
        .length(4, 4)
        .description(std::string("amplitude of q_b y s_pre per synapse type") + order);
    s.field_float_array("q_gamma", {1.0, 1.0, 1.0, 1.0})
        .length(4, 4)
        .description(std::string("amplitude of q_g s_post per synapse type") + order);
    s.field_float_array("q_delta", {1.0, 1.0, 1.0, 1.0})
        .length(4, 4)
        .description(std::string("amplitude of q_d x s_post per synapse type") + order);
    s.field_float_array("max_clip", {20.0, 20.0, 20.0, 20.0})
        .non_negative()
        .length(4, 4)
        .description(std::string("upper bound of the weight per synapse type") + order);
    s.field_float("eta", 0.1).description("learning rate");
    declare_async_pre_spikes_field(s);
}

/// QuadrupletRuleTensor (section 6.5): per synapse type t = 2 inh_post + inh_pre (read from bit1
/// of this step's spikes), kernel-shaped traces x and y with that type's taus, that type's
/// amplitudes, and W clipped to [0, max_clip[t]].
template <typename T>
class quadruplet_tensor_update {
public:
    using value_type = T;
    static constexpr const char* class_ref = "quadruplet_rule_tensor";
    static constexpr const char* version = "1.0.0";
    static constexpr const char* description =
        "modulated four-term rule with parameters per synapse type (EE, EI, IE, II from the "
        "spikes' inhibition bits): dW = eta m (q_alpha s_pre + q_beta y s_pre + q_gamma s_post + "
        "q_delta x s_post), 0 <= W <= max_clip";
    static constexpr const char* third_factor = "modulation";
    static constexpr bool uses_pre_trace = false;  // kernel-shaped, per type: kept here
    static constexpr bool uses_post_trace = false; // likewise

    static void declare_fields(sdk::schema& s) { declare_quadruplet_tensor_fields(s); }

    explicit quadruplet_tensor_update(const sdk::config_view& cfg)
        : async_(cfg.get<bool>("async_spikes")), eta_(static_cast<T>(cfg.get<double>("eta"))),
          dt_(static_cast<T>(cfg.dt())) {
        const auto pre_tau = four(cfg, "pre_tau");
        const auto post_tau = four(cfg, "post_tau");
        const auto qa = four(cfg, "q_alpha");
        const auto qb = four(cfg, "q_beta");
        const auto qg = four(cfg, "q_gamma");
        const auto qd = four(cfg, "q_delta");
        const auto clip = four(cfg, "max_clip");
        for (std::size_t t = 0; t < 4; ++t) {
            types_[t] = {decay_factor<T>(cfg.dt(), pre_tau[t]),
                         static_cast<T>(1.0 / pre_tau[t]),
                         decay_factor<T>(cfg.dt(), post_tau[t]),
                         static_cast<T>(1.0 / post_tau[t]),
                         static_cast<T>(qa[t]),
                         static_cast<T>(qb[t]),
                         static_cast<T>(qg[t]),
                         static_cast<T>(qd[t]),
                         static_cast<T>(clip[t])};
        }
    }

    [[nodiscard]] bool plastic() const noexcept { return eta_ != T(0); }

    void build(std::size_t post_count, const spark_shape_t& kernel_shape) {
        kernel_shape_ = kernel_shape;
        const std::size_t n = count_of(kernel_shape);
        n_post_ = post_count;
        n_pre_ = post_count == 0 ? 0 : n / post_count;
        type_.assign(n, 0);
        x_.assign(n, T(0));
        y_.assign(n, T(0));
    }
    void reset() {
        type_.assign(type_.size(), 0);
        x_.assign(x_.size(), T(0));
        y_.assign(y_.size(), T(0));
    }
    void post_spike(std::size_t /*o*/, bool /*spiked*/) {}

    /// Each synapse's type from this step's inhibition bits, and both traces with its taus.
    void spikes(sdk::span<const std::uint8_t> pre, sdk::span<const std::uint8_t> post) {
        for (std::size_t o = 0; o < n_post_; ++o) {
            const bool post_inhibitory = (post[o] & 2U) != 0;
            const bool post_spiked = (post[o] & 1U) != 0;
            for (std::size_t i = 0; i < n_pre_; ++i) {
                const std::size_t k = o * n_pre_ + i;
                const std::uint8_t p = pre[async_ ? k : i];
                synapse(k, post_inhibitory, (p & 2U) != 0, (p & 1U) != 0, post_spiked);
            }
        }
    }

    /// Synapse k (post-major) this step: its type (postsynaptic type, presynaptic type) and both
    /// traces with that type's taus. spikes() calls it for every synapse; inside a neuron
    /// dense_learning does, with the delayed presynaptic spike of each synapse.
    void synapse(std::size_t k,
                 bool post_inhibitory,
                 bool pre_inhibitory,
                 bool pre_spiked,
                 bool post_spiked) noexcept {
        const auto t =
            static_cast<std::uint8_t>((post_inhibitory ? 2U : 0U) | (pre_inhibitory ? 1U : 0U));
        const per_type& c = types_[t];
        type_[k] = t;
        x_[k] = spike_trace(c.pre_decay, c.pre_scale, x_[k], pre_spiked);
        y_[k] = spike_trace(c.post_decay, c.post_scale, y_[k], post_spiked);
    }

    T weight(std::size_t k,
             std::size_t /*o*/,
             T w,
             T /*x*/,
             T /*y*/,
             bool pre_spiked,
             bool post_spiked,
             T m) const {
        const per_type& c = types_[type_[k]];
        const T total =
            detail::quadruplet_terms(c.qa, c.qb, c.qg, c.qd, x_[k], y_[k], pre_spiked, post_spiked);
        const T next = w + dt_ * ((eta_ * m) * total);
        return next < T(0) ? T(0) : (next > c.clip ? c.clip : next);
    }

    void state(sdk::state_list& s) {
        s.add("pre_trace", x_, kernel_shape_);
        s.add("post_trace", y_, kernel_shape_);
    }

private:
    struct per_type {
        T pre_decay, pre_scale, post_decay, post_scale;
        T qa, qb, qg, qd;
        T clip;
    };

    static std::array<double, 4> four(const sdk::config_view& cfg, const char* name) {
        const auto v = cfg.floats(name);
        if (v.size() != 4) {
            throw sdk::status_error(SPARK_ERR_INVALID_ARGUMENT,
                                    std::string("quadruplet_rule_tensor.") + name +
                                        " needs 4 values (EE, EI, IE, II), got " +
                                        std::to_string(v.size()));
        }
        return {v[0], v[1], v[2], v[3]};
    }

    bool async_;
    T eta_;
    T dt_;
    std::array<per_type, 4> types_{};
    spark_shape_t kernel_shape_{};
    std::size_t n_pre_ = 0;
    std::size_t n_post_ = 0;
    std::vector<std::uint8_t> type_; // this step's synapse types, row-major like the kernel
    std::vector<T> x_;               // presynaptic trace per synapse
    std::vector<T> y_;               // postsynaptic trace per synapse
};

template <typename T>
using quadruplet_rule_tensor = rule_component<quadruplet_tensor_update<T>>;

} // namespace spark::neurons
