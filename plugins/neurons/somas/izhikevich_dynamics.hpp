// SPDX-License-Identifier: Apache-2.0
// IzhikevichSoma's dynamics as a soma policy (neuron/population.hpp describes the policy), run
// by the standalone `izhikevich_soma`. The state starts (and reset() restarts it) as upstream's
// freshly built soma: v = 0 (at potential_rest) and u = 0; one element per neuron.
#pragma once
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <vector>

#include <spark/sdk/buffers.hpp>
#include <spark/sdk/module.hpp>
#include <spark/sdk/params.hpp>
#include <spark/sdk/schema.hpp>

#include "somas/izhikevich_parameters.hpp"
#include "somas/izhikevich_update.hpp"

namespace spark::neurons {

template <typename T>
class izhikevich_dynamics {
public:
    using value_type = T;
    static constexpr const char* class_ref = "izhikevich_soma";
    static constexpr const char* version = "1.0.0";
    static constexpr const char* description =
        "Izhikevich soma (forward Euler): a quadratic membrane potential with a recovery "
        "variable that follows it and jumps at each spike";
    static void declare_fields(sdk::schema& s) { declare_izhikevich_fields(s); }

    explicit izhikevich_dynamics(const sdk::config_view& cfg)
        : constants_(izhikevich_constants<T>::from(cfg)) {}

    void build(std::size_t n) {
        v_.resize(n);
        u_.resize(n);
        reset();
    }
    /// Every neuron at potential_rest with u = 0.
    void reset() {
        std::fill(v_.begin(), v_.end(), T(0));
        std::fill(u_.begin(), u_.end(), T(0));
    }

    void update(sdk::span<const T> current,
                sdk::span<std::uint8_t> spikes,
                sdk::span<T> potential) noexcept {
        izhikevich_update<T>(
            constants_, sdk::span<T>(v_), sdk::span<T>(u_), current, spikes, potential);
    }
    void update(sdk::span<const T> current, sdk::span<std::uint8_t> spikes) noexcept {
        update(current, spikes, sdk::span<T>(v_));
    }

    void state(sdk::state_list& s, const spark_shape_t& units) {
        s.add("potential", v_, units);
        s.add("recovery", u_, units);
    }
    void state_loaded() {}

private:
    izhikevich_constants<T> constants_;
    std::vector<T> v_; // membrane potential relative to rest [mV]
    std::vector<T> u_; // recovery variable [pA]
};

} // namespace spark::neurons
