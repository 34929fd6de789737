// SPDX-License-Identifier: Apache-2.0
// RefractoryExponentialSoma's and SimplifiedAdaptiveExponentialSoma's dynamics as soma policies
// (neuron/population.hpp describes the policy), run by the standalone
// `refractory_exponential_soma` and `simplified_adaptive_exponential_soma`: kinds of
// refractory_soma_state (v = 0, r = c at the start, so the first step's input is ignored; r is an
// int32 like the refractory leaky soma's, where upstream's reset stores it as a float).
#pragma once
#include <cstdint>
#include <utility>

#include <spark/sdk/schema.hpp>

#include "somas/exponential_parameters.hpp"
#include "somas/exponential_update.hpp"
#include "somas/refractory_soma_state.hpp"

namespace spark::neurons {

/// RefractoryExponentialSoma (docs/models.md section 4.6).
struct refractory_exponential_kind {
    static constexpr const char* class_ref = "refractory_exponential_soma";
    static constexpr const char* description =
        "exponential integrate-and-fire soma that ignores its input current during a refractory "
        "period after each spike";
    static void declare_fields(sdk::schema& s) { declare_refractory_exponential_fields(s); }
    template <typename T>
    using constants = refractory_exponential_constants<T>;
    template <typename T>
    static std::int32_t cooldown(const refractory_exponential_constants<T>& c) noexcept {
        return c.cooldown;
    }
    template <typename T, typename... Args>
    static void update(Args&&... args) noexcept {
        refractory_exponential_update<T>(std::forward<Args>(args)...);
    }
};

template <typename T>
using refractory_exponential_dynamics = refractory_soma_state<T, refractory_exponential_kind>;

/// SimplifiedAdaptiveExponentialSoma (docs/models.md section 4.8).
struct simplified_adaptive_exponential_kind {
    static constexpr const char* class_ref = "simplified_adaptive_exponential_soma";
    static constexpr const char* description =
        "refractory exponential integrate-and-fire soma whose threshold jumps by threshold_delta "
        "at each spike and relaxes back with threshold_tau (AdEx without the subthreshold "
        "adaptation current)";
    static void declare_fields(sdk::schema& s) {
        declare_simplified_adaptive_exponential_fields(s);
    }
    template <typename T>
    using constants = simplified_adaptive_exponential_constants<T>;
    template <typename T>
    static std::int32_t cooldown(const simplified_adaptive_exponential_constants<T>& c) noexcept {
        return c.refractory.cooldown;
    }
    template <typename T>
    static T threshold(const simplified_adaptive_exponential_constants<T>& c) noexcept {
        return c.refractory.exponential.threshold;
    }
    template <typename T, typename... Args>
    static void update(Args&&... args) noexcept {
        simplified_adaptive_exponential_update<T>(std::forward<Args>(args)...);
    }
};

template <typename T>
using simplified_adaptive_exponential_dynamics =
    refractory_soma_state<T, simplified_adaptive_exponential_kind>;

} // namespace spark::neurons
