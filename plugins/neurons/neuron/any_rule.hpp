// SPDX-License-Identifier: Apache-2.0
// A neuron's learning rule chosen by its config (neuron/choice.hpp), behind the rule policy
// interface of neuron/population.hpp: Hebbian and Zenke run event-driven
// (learning/hebbian_learning.hpp, zenke_learning.hpp), every other rule through dense_learning,
// and none (null) is learning/no_learning.hpp.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include <spark/sdk/plugin.hpp>

#include "learning/dense_learning.hpp"
#include "learning/hebbian_learning.hpp"
#include "learning/no_learning.hpp"
#include "learning/oja_rule.hpp"
#include "learning/quadruplet_rule.hpp"
#include "learning/rule_traits.hpp"
#include "learning/three_factor_hebbian_rule.hpp"
#include "learning/zenke_learning.hpp"
#include "neuron/choice.hpp"

namespace spark::neurons {

template <typename T>
class any_rule {
    using choices = std::variant<no_learning<T>,
                                 hebbian_learning<T>,
                                 zenke_learning<T>,
                                 dense_learning<oja_update<T>>,
                                 dense_learning<three_factor_update<T>>,
                                 dense_learning<quadruplet_update<T>>,
                                 dense_learning<quadruplet_tensor_update<T>>>;

public:
    /// The learning rule types the fused population knows (none is `null`, not a type).
    static std::vector<std::string> accepted() {
        return accepted_from(static_cast<const choices*>(nullptr));
    }

    any_rule(const sdk::config_view& cfg,
             const char* neuron,
             const char* field,
             const spark_shape_t& units)
        : rule_(make(cfg, neuron, field, units, static_cast<choices*>(nullptr))) {}

    [[nodiscard]] bool plastic() const {
        return std::visit([](const auto& r) { return r.plastic(); }, rule_);
    }
    /// Whether learn() never reads or writes the kernel (a static rule without per-synapse
    /// state), so that the neuron may keep it sparse (synapses/sparse_kernel.hpp).
    [[nodiscard]] bool kernel_free() const {
        return std::visit(
            [](const auto& r) {
                if constexpr (requires { r.kernel_free(); }) {
                    return r.kernel_free();
                } else {
                    return false;
                }
            },
            rule_);
    }
    /// Whether nothing of the rule depends on the presynaptic spikes (none: no traces, no
    /// weight changes), so that they may come late.
    [[nodiscard]] bool reads_no_spikes() const {
        return std::visit(
            [](const auto& r) {
                if constexpr (requires { r.reads_no_spikes(); }) {
                    return r.reads_no_spikes();
                } else {
                    return false;
                }
            },
            rule_);
    }
    /// Whether the rule's learn() works on the grouped layout (neuron/synapse_step.hpp).
    [[nodiscard]] bool learns_grouped() const {
        return std::visit(
            [](const auto& r) {
                if constexpr (requires { r.learns_grouped(); }) {
                    return r.learns_grouped();
                } else {
                    return false;
                }
            },
            rule_);
    }
    /// Whether the rule reads postsynaptic rows in the grouped layout (the post-major index).
    [[nodiscard]] bool reads_rows() const {
        return std::visit(
            [](const auto& r) {
                if constexpr (requires { r.reads_rows(); }) {
                    return r.reads_rows();
                } else {
                    return true;
                }
            },
            rule_);
    }
    /// Whether delivery must call settle_arrivals() on each arriving run of the grouped layout.
    [[nodiscard]] bool settles_arrivals() const {
        return std::visit(
            [](const auto& r) {
                if constexpr (requires { r.settles_arrivals(); }) {
                    return r.settles_arrivals();
                } else {
                    return false;
                }
            },
            rule_);
    }
    void settle_arrivals(std::size_t i,
                         std::size_t d,
                         std::size_t slot,
                         T* w,
                         const std::uint32_t* targets,
                         std::size_t n) const {
        std::visit(
            [&](const auto& r) {
                if constexpr (requires { r.settle_arrivals(i, d, slot, w, targets, n); }) {
                    r.settle_arrivals(i, d, slot, w, targets, n);
                }
            },
            rule_);
    }
    /// Every weight up to date, before the kernel is read.
    void settle(const synapse_step<T>& net) {
        std::visit(
            [&](auto& r) {
                if constexpr (requires { r.settle(net); }) {
                    r.settle(net);
                }
            },
            rule_);
    }
    /// After a state was loaded: the presynaptic spikes on their way are `ring`'s.
    void resume(const spike_ring& ring) {
        std::visit(
            [&](auto& r) {
                if constexpr (requires { r.resume(ring); }) {
                    r.resume(ring);
                }
            },
            rule_);
    }
    /// The name of the rule's third-factor input ("reward", "modulation"), or nullptr.
    [[nodiscard]] const char* third_factor() const {
        return std::visit(
            [](const auto& r) -> const char* {
                using R = std::decay_t<decltype(r)>;
                if constexpr (requires { &R::modulate; }) {
                    return rule_traits<typename R::update_type>::third_factor;
                } else {
                    return nullptr;
                }
            },
            rule_);
    }
    void modulate(sdk::span<const T> factor) {
        std::visit(
            [&](auto& r) {
                if constexpr (requires { r.modulate(factor); }) {
                    r.modulate(factor);
                }
            },
            rule_);
    }

    void build(const population_shape& p) {
        std::visit([&](auto& r) { r.build(p); }, rule_);
    }
    void reset() {
        std::visit([](auto& r) { r.reset(); }, rule_);
    }
    void presynaptic(std::size_t previous, std::size_t now, const std::uint8_t* spikes) {
        std::visit([&](auto& r) { r.presynaptic(previous, now, spikes); }, rule_);
    }
    void postsynaptic(sdk::span<const std::uint8_t> spiked) {
        std::visit([&](auto& r) { r.postsynaptic(spiked); }, rule_);
    }
    void learn(const synapse_step<T>& net) {
        std::visit([&](auto& r) { r.learn(net); }, rule_);
    }
    void state(sdk::state_list& list, const population_shape& p) {
        std::visit([&](auto& r) { r.state(list, p); }, rule_);
    }
    void state_loaded() {
        std::visit([](auto& r) { r.state_loaded(); }, rule_);
    }

private:
    template <typename None, typename... R>
    static std::vector<std::string> accepted_from(const std::variant<None, R...>* /*tag*/) {
        return detail::accepted_refs(static_cast<const std::variant<R...>*>(nullptr));
    }

    template <typename None, typename... R>
    static std::variant<None, R...> make(const sdk::config_view& cfg,
                                         const char* neuron,
                                         const char* field,
                                         const spark_shape_t& units,
                                         std::variant<None, R...>* /*tag*/) {
        if (!cfg.has_config(field)) {
            return no_learning<T>(); // none: upstream's learning_rule=None, static weights
        }
        auto chosen = detail::choose<R...>(cfg, neuron, field, [&](auto tag) {
            using Rule = typename decltype(tag)::type;
            return Rule(detail::policy_view<Rule>(cfg, neuron, field, units));
        });
        return std::visit(
            [](auto&& r) -> std::variant<None, R...> { return std::forward<decltype(r)>(r); },
            std::move(chosen));
    }

    choices rule_;
};

} // namespace spark::neurons
