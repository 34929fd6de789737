// SPDX-License-Identifier: Apache-2.0
// LeakySoma's dynamics as a soma policy (neuron/population.hpp describes the policy): constants
// from its config, the potential of each neuron, and the step of leaky_update.hpp. The standalone
// `leaky_soma` and `lif_neuron` both run it.
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

#include <spark/sdk/buffers.hpp>
#include <spark/sdk/module.hpp>
#include <spark/sdk/params.hpp>
#include <spark/sdk/schema.hpp>

#include "somas/leaky_parameters.hpp"
#include "somas/leaky_update.hpp"

namespace spark::neurons {

template <typename T>
class leaky_dynamics {
public:
    using value_type = T;
    static constexpr const char* class_ref = "leaky_soma";
    static constexpr const char* version = "1.0.0";
    static constexpr const char* description =
        "leaky integrate-and-fire soma with exact exponential decay toward rest";
    static void declare_fields(sdk::schema& s) { declare_leaky_fields(s); }

    explicit leaky_dynamics(const sdk::config_view& cfg)
        : constants_(leaky_constants<T>::from(cfg)) {}

    void build(std::size_t n) { v_.assign(n, T(0)); }
    /// Every neuron at rest.
    void reset() { v_.assign(v_.size(), T(0)); }

    void update(sdk::span<const T> current,
                sdk::span<std::uint8_t> spikes,
                sdk::span<T> potential) noexcept {
        leaky_update<T>(constants_, sdk::span<T>(v_), current, spikes, potential);
    }
    void update(sdk::span<const T> current, sdk::span<std::uint8_t> spikes) noexcept {
        update(current, spikes, sdk::span<T>(v_));
    }

    void state(sdk::state_list& s, const spark_shape_t& units) { s.add("potential", v_, units); }
    void state_loaded() {}

private:
    leaky_constants<T> constants_;
    std::vector<T> v_; // membrane potential relative to rest [mV]
};

} // namespace spark::neurons
