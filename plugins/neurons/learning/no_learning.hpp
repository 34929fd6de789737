// SPDX-License-Identifier: Apache-2.0
// The learning-rule policy of a neuron whose learning_rule is none (upstream's
// `learning_rule=None`): static weights. Not plastic, so the neuron delivers along non-zero
// synapses only (neuron/population.hpp).
#pragma once
#include <cstddef>
#include <cstdint>

#include <spark/sdk/buffers.hpp>
#include <spark/sdk/module.hpp>

#include "neuron/synapse_step.hpp"

namespace spark::neurons {

template <typename T>
class no_learning {
public:
    [[nodiscard]] bool plastic() const noexcept { return false; }
    /// learn() never reads the kernel: the neuron may keep it sparse.
    [[nodiscard]] static constexpr bool kernel_free() noexcept { return true; }
    /// Nothing of it depends on the presynaptic spikes (no traces): they may come late
    /// (neuron/population.hpp, lateness()).
    [[nodiscard]] static constexpr bool reads_no_spikes() noexcept { return true; }
    void build(const population_shape& /*p*/) {}
    void reset() {}
    void
    presynaptic(std::size_t /*previous*/, std::size_t /*now*/, const std::uint8_t* /*spikes*/) {}
    void postsynaptic(sdk::span<const std::uint8_t> /*spiked*/) {}
    void learn(const synapse_step<T>& /*net*/) {}
    void state(sdk::state_list& /*s*/, const population_shape& /*p*/) {}
    void state_loaded() {}
};

} // namespace spark::neurons
