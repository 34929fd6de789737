// SPDX-License-Identifier: Apache-2.0
// The common part of a learning rule's `Update` (learning/rule_component.hpp) that keeps no state
// of its own beyond the shared traces: its constants, read once from the config, and the hooks
// such an Update leaves empty (build, reset, post_spike, state). hebbian_update, oja_update,
// three_factor_update and quadruplet_update derive from it and add only their weight().
#pragma once
#include <cstddef>

#include <spark/abi/types.h>
#include <spark/sdk/module.hpp>
#include <spark/sdk/params.hpp>

namespace spark::neurons {

template <typename Constants>
class stateless_update {
public:
    explicit stateless_update(const sdk::config_view& cfg) : c_(Constants::from(cfg)) {}

    [[nodiscard]] const Constants& constants() const noexcept { return c_; }
    void build(std::size_t /*post_count*/, const spark_shape_t& /*kernel_shape*/) {}
    void reset() {}
    void post_spike(std::size_t /*o*/, bool /*spiked*/) {}
    void state(sdk::state_list& /*s*/) {}

protected:
    Constants c_;
};

} // namespace spark::neurons
