// SPDX-License-Identifier: Apache-2.0
// RefractoryLeakySoma's and AdaptiveLeakySoma's dynamics as soma policies (neuron/population.hpp
// describes the policy), run by the standalone `refractory_leaky_soma` / `adaptive_leaky_soma`
// and by `alif_neuron`: kinds of refractory_soma_state (state, reset and checkpoints shared).
#pragma once
#include <utility>

#include <spark/sdk/schema.hpp>

#include "somas/refractory_parameters.hpp"
#include "somas/refractory_soma_state.hpp"
#include "somas/refractory_update.hpp"

namespace spark::neurons {

/// RefractoryLeakySoma (docs/models.md section 4.2): the input is ignored while refractory.
struct refractory_leaky_kind {
    static constexpr const char* class_ref = "refractory_leaky_soma";
    static constexpr const char* description =
        "leaky integrate-and-fire soma that ignores its input current during a refractory period "
        "after each spike";
    static void declare_fields(sdk::schema& s) { declare_refractory_fields(s); }
    template <typename T>
    using constants = refractory_constants<T>;
    template <typename T>
    static std::int32_t cooldown(const refractory_constants<T>& c) noexcept {
        return c.cooldown;
    }
    template <typename T, typename... Args>
    static void update(Args&&... args) noexcept {
        refractory_leaky_update<T>(std::forward<Args>(args)...);
    }
};

template <typename T>
using refractory_leaky_dynamics = refractory_soma_state<T, refractory_leaky_kind>;

/// AdaptiveLeakySoma (docs/models.md section 4.4): refractory leaky, with a threshold that jumps at
/// each spike.
struct adaptive_leaky_kind {
    static constexpr const char* class_ref = "adaptive_leaky_soma";
    static constexpr const char* description =
        "refractory leaky integrate-and-fire soma whose threshold jumps by threshold_delta at "
        "each spike and relaxes back with threshold_tau";
    static void declare_fields(sdk::schema& s) { declare_adaptive_fields(s); }
    template <typename T>
    using constants = adaptive_constants<T>;
    template <typename T>
    static std::int32_t cooldown(const adaptive_constants<T>& c) noexcept {
        return c.refractory.cooldown;
    }
    template <typename T>
    static T threshold(const adaptive_constants<T>& c) noexcept {
        return c.refractory.leaky.threshold;
    }
    template <typename T, typename... Args>
    static void update(Args&&... args) noexcept {
        adaptive_leaky_update<T>(std::forward<Args>(args)...);
    }
};

template <typename T>
using adaptive_leaky_dynamics = refractory_soma_state<T, adaptive_leaky_kind>;

} // namespace spark::neurons
