// SPDX-License-Identifier: Apache-2.0
// `leaky_soma`: upstream's LeakySoma, a leaky integrate-and-fire soma with exact exponential
// decay (upstream-models.md section 4.1), computed in the config dtype.
#pragma once
#include <cstdint>
#include <vector>

#include <spark/sdk/plugin.hpp>

#include "leaky_parameters.hpp"
#include "leaky_update.hpp"
#include "soma_ports.hpp"

namespace spark::neurons {

template <typename T>
class leaky_soma {
public:
    static constexpr const char* class_ref = "leaky_soma";
    static constexpr std::int32_t kind = SPARK_KIND_COMPONENT;
    static constexpr const char* version = "1.0.0";
    static constexpr const char* description =
        "leaky integrate-and-fire soma with exact exponential decay toward rest";

    static void declare(sdk::schema& s) {
        declare_leaky_fields(s);
        declare_soma_ports(s);
    }

    explicit leaky_soma(const sdk::config_view& cfg) : constants_(leaky_constants<T>::from(cfg)) {}

    // Outputs are shaped like the current (the SDK pre-fills them); the state follows.
    void build(sdk::build_context& b) {
        shape_ = b.input(soma_current).shape;
        v_.assign(sdk::element_count(shape_), T(0));
    }

    // The state restarts at rest; the step -1 outputs stay as the SDK zero-filled them
    // (no spikes, potential 0 = rest).
    void reset(const sdk::output_buffers& /*out*/) { v_.assign(v_.size(), T(0)); }

    void step(const sdk::step_context& ctx) {
        leaky_update<T>(constants_,
                        sdk::span<T>(v_),
                        ctx.input<T>(soma_current),
                        ctx.output<std::uint8_t>(soma_spikes),
                        ctx.output<T>(soma_potential));
    }

    void state(sdk::state_list& s) { s.add("potential", v_, shape_); }

private:
    leaky_constants<T> constants_;
    spark_shape_t shape_{};
    std::vector<T> v_; // membrane potential relative to rest [mV]
};

} // namespace spark::neurons
