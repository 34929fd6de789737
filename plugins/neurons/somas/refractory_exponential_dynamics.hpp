// SPDX-License-Identifier: Apache-2.0
// RefractoryExponentialSoma's and SimplifiedAdaptiveExponentialSoma's dynamics as soma policies
// (neuron/population.hpp describes the policy), run by the standalone
// `refractory_exponential_soma` and `simplified_adaptive_exponential_soma`. The state starts (and
// reset() restarts it) as upstream's freshly built soma: v = 0, the refractory counter r = c (so
// the first step's input is ignored; an int32 like the refractory leaky soma's, where upstream's
// reset stores it as a float), the threshold at its base; one element per neuron.
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
#include "somas/refractory_counter.hpp"

namespace spark::neurons {

template <typename T>
class refractory_exponential_dynamics {
public:
    using value_type = T;
    static constexpr const char* class_ref = "refractory_exponential_soma";
    static constexpr const char* version = "1.0.0";
    static constexpr const char* description =
        "exponential integrate-and-fire soma that ignores its input current during a refractory "
        "period after each spike";
    static void declare_fields(sdk::schema& s) { declare_refractory_exponential_fields(s); }

    explicit refractory_exponential_dynamics(const sdk::config_view& cfg)
        : constants_(refractory_exponential_constants<T>::from(cfg)) {}

    void build(std::size_t n) {
        v_.resize(n);
        counter_.resize(n);
        reset();
    }
    void reset() {
        std::fill(v_.begin(), v_.end(), T(0));
        std::fill(counter_.begin(), counter_.end(), constants_.cooldown);
    }

    void update(sdk::span<const T> current,
                sdk::span<std::uint8_t> spikes,
                sdk::span<T> potential) noexcept {
        refractory_exponential_update<T>(constants_,
                                         sdk::span<T>(v_),
                                         sdk::span<std::int32_t>(counter_),
                                         current,
                                         spikes,
                                         potential);
    }
    void update(sdk::span<const T> current, sdk::span<std::uint8_t> spikes) noexcept {
        update(current, spikes, sdk::span<T>(v_));
    }

    void state(sdk::state_list& s, const spark_shape_t& units) {
        s.add("potential", v_, units);
        s.add("refractory", counter_, units);
    }
    void state_loaded() { detail::check_loaded_counter(counter_, constants_.cooldown, class_ref); }

private:
    refractory_exponential_constants<T> constants_;
    std::vector<T> v_;                  // membrane potential relative to rest [mV]
    std::vector<std::int32_t> counter_; // steps since the last spike, saturating at c + 1
};

template <typename T>
class simplified_adaptive_exponential_dynamics {
public:
    using value_type = T;
    static constexpr const char* class_ref = "simplified_adaptive_exponential_soma";
    static constexpr const char* version = "1.0.0";
    static constexpr const char* description =
        "refractory exponential integrate-and-fire soma whose threshold jumps by threshold_delta "
        "at each spike and relaxes back with threshold_tau (AdEx without the subthreshold "
        "adaptation current)";
    static void declare_fields(sdk::schema& s) {
        declare_simplified_adaptive_exponential_fields(s);
    }

    explicit simplified_adaptive_exponential_dynamics(const sdk::config_view& cfg)
        : constants_(simplified_adaptive_exponential_constants<T>::from(cfg)) {}

    void build(std::size_t n) {
        v_.resize(n);
        counter_.resize(n);
        threshold_.resize(n);
        reset();
    }
    void reset() {
        std::fill(v_.begin(), v_.end(), T(0));
        std::fill(counter_.begin(), counter_.end(), constants_.refractory.cooldown);
        std::fill(
            threshold_.begin(), threshold_.end(), constants_.refractory.exponential.threshold);
    }

    void update(sdk::span<const T> current,
                sdk::span<std::uint8_t> spikes,
                sdk::span<T> potential) noexcept {
        simplified_adaptive_exponential_update<T>(constants_,
                                                  sdk::span<T>(v_),
                                                  sdk::span<std::int32_t>(counter_),
                                                  sdk::span<T>(threshold_),
                                                  current,
                                                  spikes,
                                                  potential);
    }
    void update(sdk::span<const T> current, sdk::span<std::uint8_t> spikes) noexcept {
        update(current, spikes, sdk::span<T>(v_));
    }

    void state(sdk::state_list& s, const spark_shape_t& units) {
        s.add("potential", v_, units);
        s.add("refractory", counter_, units);
        s.add("threshold", threshold_, units);
    }
    void state_loaded() {
        detail::check_loaded_counter(counter_, constants_.refractory.cooldown, class_ref);
    }

private:
    simplified_adaptive_exponential_constants<T> constants_;
    std::vector<T> v_;                  // membrane potential relative to rest [mV]
    std::vector<std::int32_t> counter_; // steps since the last spike, saturating at c + 1
    std::vector<T> threshold_;          // current threshold relative to rest [mV]
};

} // namespace spark::neurons
