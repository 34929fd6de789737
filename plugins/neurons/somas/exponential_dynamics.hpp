// SPDX-License-Identifier: Apache-2.0
// ExponentialSoma's and AdaptiveExponentialSoma's (AdEx) dynamics as soma policies
// (neuron/population.hpp describes the policy), run by the standalone `exponential_soma` and
// `adaptive_exponential_soma`. The state starts (and reset() restarts it) as upstream's freshly
// built soma: v = 0 (rest) and no adaptation current; every array has one element per neuron.
#pragma once
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <vector>

#include <spark/sdk/buffers.hpp>
#include <spark/sdk/module.hpp>
#include <spark/sdk/params.hpp>
#include <spark/sdk/schema.hpp>

#include "somas/exponential_parameters.hpp"
#include "somas/exponential_update.hpp"

namespace spark::neurons {

template <typename T>
class exponential_dynamics {
public:
    using value_type = T;
    static constexpr const char* class_ref = "exponential_soma";
    static constexpr const char* version = "1.0.0";
    static constexpr const char* description =
        "exponential integrate-and-fire soma (forward Euler): a leak toward rest plus an "
        "exponential spike-initiation term above the rheobase threshold";
    static void declare_fields(sdk::schema& s) { declare_exponential_fields(s); }

    explicit exponential_dynamics(const sdk::config_view& cfg)
        : constants_(exponential_constants<T>::from(cfg)) {}

    void build(std::size_t n) { v_.assign(n, T(0)); }
    /// Every neuron at rest.
    void reset() { std::fill(v_.begin(), v_.end(), T(0)); }

    void update(sdk::span<const T> current,
                sdk::span<std::uint8_t> spikes,
                sdk::span<T> potential) noexcept {
        exponential_update<T>(constants_, sdk::span<T>(v_), current, spikes, potential);
    }
    void update(sdk::span<const T> current, sdk::span<std::uint8_t> spikes) noexcept {
        update(current, spikes, sdk::span<T>(v_));
    }

    void state(sdk::state_list& s, const spark_shape_t& units) { s.add("potential", v_, units); }
    void state_loaded() {}

private:
    exponential_constants<T> constants_;
    std::vector<T> v_; // membrane potential relative to rest [mV]
};

template <typename T>
class adaptive_exponential_dynamics {
public:
    using value_type = T;
    static constexpr const char* class_ref = "adaptive_exponential_soma";
    static constexpr const char* version = "1.0.0";
    static constexpr const char* description =
        "adaptive exponential integrate-and-fire soma (AdEx, forward Euler): an exponential "
        "soma with an adaptation current that follows the potential and jumps at each spike";
    static void declare_fields(sdk::schema& s) { declare_adaptive_exponential_fields(s); }

    explicit adaptive_exponential_dynamics(const sdk::config_view& cfg)
        : constants_(adaptive_exponential_constants<T>::from(cfg)) {}

    void build(std::size_t n) {
        v_.resize(n);
        w_.resize(n);
        reset();
    }
    /// Every neuron at rest without adaptation current.
    void reset() {
        std::fill(v_.begin(), v_.end(), T(0));
        std::fill(w_.begin(), w_.end(), T(0));
    }

    void update(sdk::span<const T> current,
                sdk::span<std::uint8_t> spikes,
                sdk::span<T> potential) noexcept {
        adaptive_exponential_update<T>(
            constants_, sdk::span<T>(v_), sdk::span<T>(w_), current, spikes, potential);
    }
    void update(sdk::span<const T> current, sdk::span<std::uint8_t> spikes) noexcept {
        update(current, spikes, sdk::span<T>(v_));
    }

    void state(sdk::state_list& s, const spark_shape_t& units) {
        s.add("potential", v_, units);
        s.add("adaptation", w_, units);
    }
    void state_loaded() {}

private:
    adaptive_exponential_constants<T> constants_;
    std::vector<T> v_; // membrane potential relative to rest [mV]
    std::vector<T> w_; // adaptation current [pA]
};

} // namespace spark::neurons
