// SPDX-License-Identifier: Apache-2.0
// A neuron's soma chosen by its config (neuron/choice.hpp): any of the nine soma policies, behind
// the soma policy interface of neuron/population.hpp.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include <spark/sdk/plugin.hpp>

#include "neuron/choice.hpp"
#include "somas/exponential_dynamics.hpp"
#include "somas/izhikevich_dynamics.hpp"
#include "somas/leaky_dynamics.hpp"
#include "somas/refractory_dynamics.hpp"
#include "somas/refractory_exponential_dynamics.hpp"
#include "somas/strict_refractory_dynamics.hpp"

namespace spark::neurons {

template <typename T>
class any_soma {
    using choices = std::variant<leaky_dynamics<T>,
                                 refractory_leaky_dynamics<T>,
                                 strict_refractory_leaky_dynamics<T>,
                                 adaptive_leaky_dynamics<T>,
                                 exponential_dynamics<T>,
                                 refractory_exponential_dynamics<T>,
                                 adaptive_exponential_dynamics<T>,
                                 simplified_adaptive_exponential_dynamics<T>,
                                 izhikevich_dynamics<T>>;

public:
    /// The soma types the fused population knows.
    static std::vector<std::string> accepted() {
        return detail::accepted_refs(static_cast<const choices*>(nullptr));
    }

    any_soma(const sdk::config_view& cfg,
             const char* neuron,
             const char* field,
             const spark_shape_t& units)
        : soma_(make(cfg, neuron, field, units)) {}

    void build(std::size_t n) {
        std::visit([&](auto& s) { s.build(n); }, soma_);
    }
    void reset() {
        std::visit([](auto& s) { s.reset(); }, soma_);
    }
    void update(sdk::span<const T> current, sdk::span<std::uint8_t> spikes) {
        std::visit([&](auto& s) { s.update(current, spikes); }, soma_);
    }
    void state(sdk::state_list& list, const spark_shape_t& units) {
        std::visit([&](auto& s) { s.state(list, units); }, soma_);
    }
    void state_loaded() {
        std::visit([](auto& s) { s.state_loaded(); }, soma_);
    }

private:
    template <typename... P>
    static std::variant<P...> make_from(const sdk::config_view& cfg,
                                        const char* neuron,
                                        const char* field,
                                        const spark_shape_t& units,
                                        std::variant<P...>* /*tag*/) {
        return detail::choose<P...>(cfg, neuron, field, [&](auto tag) {
            using S = typename decltype(tag)::type;
            return S(detail::policy_view<S>(cfg, neuron, field, units));
        });
    }
    static choices make(const sdk::config_view& cfg,
                        const char* neuron,
                        const char* field,
                        const spark_shape_t& units) {
        return make_from(cfg, neuron, field, units, static_cast<choices*>(nullptr));
    }

    choices soma_;
};

} // namespace spark::neurons
