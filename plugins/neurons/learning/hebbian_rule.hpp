// SPDX-License-Identifier: Apache-2.0
// `hebbian_rule`: upstream's HebbianRule (docs/models.md section 6.1) used on its own
// (learning/rule_component.hpp). Inside lif_neuron the neuron owns the kernel and applies the
// same update only where spikes make it change.
#pragma once
#include <cstddef>

#include <spark/sdk/plugin.hpp>

#include "learning/hebbian_parameters.hpp"
#include "learning/rule_component.hpp"
#include "learning/stateless_update.hpp"

namespace spark::neurons {

/// dW[o, i] = eta (y[o] s_pre[i] + s_post[o] x[i]), W >= 0.
template <typename T>
class hebbian_update : public stateless_update<hebbian_constants<T>> {
    using base = stateless_update<hebbian_constants<T>>;
    using base::c_;

public:
    using value_type = T;
    static constexpr const char* class_ref = "hebbian_rule";
    static constexpr const char* version = "1.0.0";
    static constexpr const char* description =
        "symmetric potentiation-only Hebbian rule: dW = eta (y_post s_pre + s_post x_pre), "
        "W >= 0";

    static void declare_fields(sdk::schema& s) { declare_hebbian_fields(s); }

    explicit hebbian_update(const sdk::config_view& cfg) : base(cfg) {}

    T weight(std::size_t /*k*/, std::size_t /*o*/, T w, T x, T y, bool pre_spiked, bool post_spiked)
        const {
        return c_.weight(w, pre_spiked ? y : T(0), post_spiked ? x : T(0));
    }
};

template <typename T>
using hebbian_rule = rule_component<hebbian_update<T>>;

} // namespace spark::neurons
