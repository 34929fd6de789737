// SPDX-License-Identifier: Apache-2.0
// A soma policy (neuron/population.hpp) as a standalone component type: upstream's Soma ports
// (current, inhibition mask -> spikes, potential, all shaped like the current) and its
// `potential` property around the policy's dynamics, so the component and the neurons built from
// the policy run the same code.
#pragma once
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include <spark/sdk/plugin.hpp>

#include "common/component_shapes.hpp"
#include "somas/soma_ports.hpp"

namespace spark::neurons {

template <typename Dynamics>
class soma_component {
    using T = typename Dynamics::value_type;

public:
    static constexpr const char* class_ref = Dynamics::class_ref;
    static constexpr std::int32_t kind = SPARK_KIND_COMPONENT;
    static constexpr const char* version = Dynamics::version;
    static constexpr const char* description = Dynamics::description;

    static void declare(sdk::schema& s) {
        Dynamics::declare_fields(s);
        declare_soma_ports(s);
    }

    explicit soma_component(const sdk::config_view& cfg) : dynamics_(cfg) {}

    // Outputs are shaped like the current (the SDK pre-fills them); the state follows.
    void build(sdk::build_context& b) {
        shape_ = b.input(soma_current).shape;
        masked_ = b.wired(soma_inhibition_mask);
        if (masked_ && count_of(b.input(soma_inhibition_mask).shape) != count_of(shape_)) {
            throw sdk::status_error(SPARK_ERR_INVALID_ARGUMENT,
                                    "input port 'inhibition_mask' has shape " +
                                        sdk::shape_string(b.input(soma_inhibition_mask).shape) +
                                        " but 'current' has " + sdk::shape_string(shape_) +
                                        "; give one mask element per neuron");
        }
        dynamics_.build(count_of(shape_));
    }

    // The state restarts as built; the step -1 outputs stay as the SDK zero-filled them
    // (no spikes, potential 0 = rest).
    void reset(const sdk::output_buffers& /*out*/) { dynamics_.reset(); }

    void step(const sdk::step_context& ctx) {
        const auto spikes = ctx.output<std::uint8_t>(soma_spikes);
        dynamics_.update(ctx.input<T>(soma_current), spikes, ctx.output<T>(soma_potential));
        if (masked_) {
            const auto mask = ctx.input<std::uint8_t>(soma_inhibition_mask);
            for (std::size_t i = 0; i < spikes.size(); ++i) {
                spikes[i] = static_cast<std::uint8_t>(spikes[i] | (mask[i] != 0 ? 2U : 0U));
            }
        }
    }

    // `potential` (the only property) is the dynamics' state array of that name: every soma
    // keeps its rebased potential there, the value its potential output carries.
    void read_property(std::size_t /*index*/, void* out) {
        sdk::state_list s;
        dynamics_.state(s, shape_);
        for (const auto& a : s.arrays()) {
            if (std::string_view(a.name) == "potential") {
                std::memcpy(out, a.data, count_of(shape_) * sizeof(T));
                return;
            }
        }
        throw sdk::status_error(SPARK_ERR_PLUGIN, "the soma keeps no state array 'potential'");
    }

    void state(sdk::state_list& s) { dynamics_.state(s, shape_); }
    void state_loaded() { dynamics_.state_loaded(); }

private:
    Dynamics dynamics_;
    spark_shape_t shape_{};
    bool masked_ = false; // inhibition_mask is wired
};

} // namespace spark::neurons
