// SPDX-License-Identifier: Apache-2.0
// `zenke_rule`: upstream's ZenkeRule (docs/models.md section 6.3; triplet LTP, doublet LTD,
// heterosynaptic and transmitter-induced terms after Zenke et al. 2015) used on its own
// (learning/rule_component.hpp). Dense by nature: the target trace z has the kernel's shape and
// moves every step.
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

#include <spark/sdk/plugin.hpp>

#include "learning/rule_component.hpp"
#include "learning/zenke_parameters.hpp"

namespace spark::neurons {

/// Zenke's update of one synapse, with its slow postsynaptic trace and per-synapse target z.
template <typename T>
class zenke_update {
public:
    using value_type = T;
    static constexpr const char* class_ref = "zenke_rule";
    static constexpr const char* version = "1.0.0";
    static constexpr const char* description =
        "Zenke's plasticity: triplet LTP, doublet LTD, a heterosynaptic term toward a per-synapse "
        "target trace and transmitter-induced potentiation, W >= 0";

    static void declare_fields(sdk::schema& s) { declare_zenke_fields(s); }

    explicit zenke_update(const sdk::config_view& cfg) : c_(zenke_constants<T>::from(cfg)) {}

    [[nodiscard]] const zenke_constants<T>& constants() const noexcept { return c_; }

    void build(std::size_t post_count, const spark_shape_t& kernel_shape) {
        kernel_shape_ = kernel_shape;
        slow_.assign(post_count, T(0));
        z_.assign(count_of(kernel_shape), T(0));
    }

    void reset() {
        slow_.assign(slow_.size(), T(0));
        z_.assign(z_.size(), T(0));
    }

    void post_spike(std::size_t o, bool spiked) {
        slow_[o] = spike_trace(c_.slow_decay, c_.slow_scale, slow_[o], spiked);
    }

    T weight(std::size_t k, std::size_t o, T w, T x, T y, bool pre_spiked, bool post_spiked) {
        z_[k] = c_.target(z_[k], w);
        return c_.weight(w, z_[k], x, y, slow_[o], y * y * y, pre_spiked, post_spiked);
    }

    void state(sdk::state_list& s) {
        s.add("post_slow_trace", slow_, sdk::make_shape({static_cast<std::int64_t>(slow_.size())}));
        s.add("target", z_, kernel_shape_);
    }

private:
    zenke_constants<T> c_;
    spark_shape_t kernel_shape_{};
    std::vector<T> slow_; // slow postsynaptic trace
    std::vector<T> z_;    // target trace, shaped like the kernel (row-major W[post, pre])
};

template <typename T>
using zenke_rule = rule_component<zenke_update<T>>;

} // namespace spark::neurons
