// SPDX-License-Identifier: Apache-2.0
// RefractoryLeakySoma's and AdaptiveLeakySoma's dynamics as soma policies (neuron/population.hpp
// describes the policy), run by the standalone `refractory_leaky_soma` / `adaptive_leaky_soma`
// and by `alif_neuron`. The state starts (and reset() restarts it) as upstream's freshly built
// soma: v = 0, the refractory counter r = c (so the first step's input is ignored), the
// threshold at its base; every array has one element per neuron.
#pragma once
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

#include <spark/sdk/buffers.hpp>
#include <spark/sdk/module.hpp>
#include <spark/sdk/params.hpp>
#include <spark/sdk/schema.hpp>

#include "somas/refractory_counter.hpp"
#include "somas/refractory_parameters.hpp"
#include "somas/refractory_update.hpp"

namespace spark::neurons {

/// A refractory leaky soma (RefractoryLeakySoma or its strict variant): `Kind` names the type,
/// declares its fields and runs one step's update on (constants, v, counter, current, spikes,
/// potential); the state, reset and checkpoint handling are the same for both.
template <typename T, typename Kind>
class basic_refractory_leaky_dynamics {
public:
    using value_type = T;
    static constexpr const char* class_ref = Kind::class_ref;
    static constexpr const char* version = "1.0.0";
    static constexpr const char* description = Kind::description;
    static void declare_fields(sdk::schema& s) { Kind::declare_fields(s); }

    explicit basic_refractory_leaky_dynamics(const sdk::config_view& cfg)
        : constants_(refractory_constants<T>::from(cfg)) {}

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
        Kind::template update<T>(constants_,
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
    refractory_constants<T> constants_;
    std::vector<T> v_;                  // membrane potential relative to rest [mV]
    std::vector<std::int32_t> counter_; // steps since the last spike, saturating at c + 1
};

/// RefractoryLeakySoma (section 4.2): the input is ignored while refractory.
struct refractory_leaky_kind {
    static constexpr const char* class_ref = "refractory_leaky_soma";
    static constexpr const char* description =
        "leaky integrate-and-fire soma that ignores its input current during a refractory period "
        "after each spike";
    static void declare_fields(sdk::schema& s) { declare_refractory_fields(s); }
    template <typename T, typename... Args>
    static void update(Args&&... args) noexcept {
        refractory_leaky_update<T>(std::forward<Args>(args)...);
    }
};

template <typename T>
using refractory_leaky_dynamics = basic_refractory_leaky_dynamics<T, refractory_leaky_kind>;

template <typename T>
class adaptive_leaky_dynamics {
public:
    using value_type = T;
    static constexpr const char* class_ref = "adaptive_leaky_soma";
    static constexpr const char* version = "1.0.0";
    static constexpr const char* description =
        "refractory leaky integrate-and-fire soma whose threshold jumps by threshold_delta at "
        "each spike and relaxes back with threshold_tau";
    static void declare_fields(sdk::schema& s) { declare_adaptive_fields(s); }

    explicit adaptive_leaky_dynamics(const sdk::config_view& cfg)
        : constants_(adaptive_constants<T>::from(cfg)) {}

    void build(std::size_t n) {
        v_.resize(n);
        counter_.resize(n);
        threshold_.resize(n);
        reset();
    }
    void reset() {
        std::fill(v_.begin(), v_.end(), T(0));
        std::fill(counter_.begin(), counter_.end(), constants_.refractory.cooldown);
        std::fill(threshold_.begin(), threshold_.end(), constants_.refractory.leaky.threshold);
    }

    void update(sdk::span<const T> current,
                sdk::span<std::uint8_t> spikes,
                sdk::span<T> potential) noexcept {
        adaptive_leaky_update<T>(constants_,
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
    adaptive_constants<T> constants_;
    std::vector<T> v_;                  // membrane potential relative to rest [mV]
    std::vector<std::int32_t> counter_; // steps since the last spike, saturating at c + 1
    std::vector<T> threshold_;          // current threshold relative to rest [mV]
};

} // namespace spark::neurons
