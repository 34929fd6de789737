// SPDX-License-Identifier: Apache-2.0
// A soma policy (neuron/population.hpp) as a standalone component type: upstream's Soma ports
// (current -> spikes, potential, all shaped like the current) around the policy's dynamics, so
// the component and the neurons built from the policy run the same code.
#pragma once
#include <cstdint>

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
        dynamics_.build(count_of(shape_));
    }

    // The state restarts as built; the step -1 outputs stay as the SDK zero-filled them
    // (no spikes, potential 0 = rest).
    void reset(const sdk::output_buffers& /*out*/) { dynamics_.reset(); }

    void step(const sdk::step_context& ctx) {
        dynamics_.update(ctx.input<T>(soma_current),
                         ctx.output<std::uint8_t>(soma_spikes),
                         ctx.output<T>(soma_potential));
    }

    void state(sdk::state_list& s) { dynamics_.state(s, shape_); }
    void state_loaded() { dynamics_.state_loaded(); }

private:
    Dynamics dynamics_;
    spark_shape_t shape_{};
};

} // namespace spark::neurons
