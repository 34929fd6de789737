// SPDX-License-Identifier: Apache-2.0
// StrictRefractoryLeakySoma's dynamics as a soma policy (neuron/population.hpp describes the
// policy), run by the standalone `strict_refractory_leaky_soma`. The state starts (and reset()
// restarts it) as upstream's freshly built soma: v = 0 and the refractory counter r = c, which
// for this soma is already ready; every array has one element per neuron.
#pragma once
#include <cstdint>
#include <utility>

#include <spark/sdk/schema.hpp>

#include "somas/refractory_parameters.hpp"
#include "somas/refractory_soma_state.hpp"
#include "somas/refractory_update.hpp"

namespace spark::neurons {

/// StrictRefractoryLeakySoma (docs/models.md section 4.3): the potential is held at the reset while
/// refractory.
struct strict_refractory_leaky_kind {
    static constexpr const char* class_ref = "strict_refractory_leaky_soma";
    static constexpr const char* description =
        "leaky integrate-and-fire soma whose potential is held at potential_reset during a "
        "refractory period after each spike";
    static void declare_fields(sdk::schema& s) { declare_strict_refractory_fields(s); }
    template <typename T>
    using constants = refractory_constants<T>;
    template <typename T>
    static std::int32_t cooldown(const refractory_constants<T>& c) noexcept {
        return c.cooldown;
    }
    template <typename T, typename... Args>
    static void update(Args&&... args) noexcept {
        strict_refractory_leaky_update<T>(std::forward<Args>(args)...);
    }
};

template <typename T>
using strict_refractory_leaky_dynamics = refractory_soma_state<T, strict_refractory_leaky_kind>;

} // namespace spark::neurons
