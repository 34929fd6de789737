// SPDX-License-Identifier: Apache-2.0
// What every refractory soma policy shares (neuron/population.hpp describes the policy): the
// state (potential v relative to rest, refractory counter r, and for adaptive somas the threshold),
// upstream's freshly built start (v = 0, r = c, the threshold at its base), reset, checkpoints and
// the counter's check on load. A `Kind` gives the rest:
//   class_ref, description, declare_fields(schema)   the registered type and its fields
//   template <typename T> using constants = ...       the per-step constants (with ::from(cfg))
//   static cooldown(c)                                c: the counter's fresh value
//   static threshold(c)                               adaptive somas only: the base threshold
//   template <typename T> static update(c, v, r, [threshold,] current, spikes, potential)
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

namespace spark::neurons {

template <typename T, typename Kind>
class refractory_soma_state {
    using constants_type = typename Kind::template constants<T>;
    static constexpr bool adaptive = requires(const constants_type& c) { Kind::threshold(c); };

public:
    using value_type = T;
    static constexpr const char* class_ref = Kind::class_ref;
    static constexpr const char* version = "1.0.0";
    static constexpr const char* description = Kind::description;
    static void declare_fields(sdk::schema& s) { Kind::declare_fields(s); }

    explicit refractory_soma_state(const sdk::config_view& cfg)
        : constants_(constants_type::from(cfg)) {}

    void build(std::size_t n) {
        v_.resize(n);
        counter_.resize(n);
        if constexpr (adaptive) {
            threshold_.resize(n);
        }
        reset();
    }
    void reset() {
        std::fill(v_.begin(), v_.end(), T(0));
        std::fill(counter_.begin(), counter_.end(), Kind::cooldown(constants_));
        if constexpr (adaptive) {
            std::fill(threshold_.begin(), threshold_.end(), Kind::threshold(constants_));
        }
    }

    void update(sdk::span<const T> current,
                sdk::span<std::uint8_t> spikes,
                sdk::span<T> potential) noexcept {
        if constexpr (adaptive) {
            Kind::template update<T>(constants_,
                                     sdk::span<T>(v_),
                                     sdk::span<std::int32_t>(counter_),
                                     sdk::span<T>(threshold_),
                                     current,
                                     spikes,
                                     potential);
        } else {
            Kind::template update<T>(constants_,
                                     sdk::span<T>(v_),
                                     sdk::span<std::int32_t>(counter_),
                                     current,
                                     spikes,
                                     potential);
        }
    }
    void update(sdk::span<const T> current, sdk::span<std::uint8_t> spikes) noexcept {
        update(current, spikes, sdk::span<T>(v_));
    }

    void state(sdk::state_list& s, const spark_shape_t& units) {
        s.add("potential", v_, units);
        s.add("refractory", counter_, units);
        if constexpr (adaptive) {
            s.add("threshold", threshold_, units);
        }
    }
    void state_loaded() {
        detail::check_loaded_counter(counter_, Kind::cooldown(constants_), class_ref);
    }

private:
    constants_type constants_;
    std::vector<T> v_;                  // membrane potential relative to rest [mV]
    std::vector<std::int32_t> counter_; // steps since the last spike, saturating at c + 1
    std::vector<T> threshold_;          // adaptive somas: current threshold relative to rest [mV]
};

} // namespace spark::neurons
