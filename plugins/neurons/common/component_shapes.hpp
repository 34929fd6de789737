// SPDX-License-Identifier: Apache-2.0
// What the components of a neuron share: their `units` field (upstream's shared `_s_units`: empty
// means "given by the enclosing neuron"), shape concatenation (a kernel is units ⊕ presynaptic
// shape) and the per-step decay factor of upstream's tracers, rounded as upstream rounds it.
#pragma once
#include <cmath>
#include <cstdint>
#include <string>

#include <spark/sdk/buffers.hpp>
#include <spark/sdk/guard.hpp>
#include <spark/sdk/params.hpp>
#include <spark/sdk/schema.hpp>

namespace spark::neurons {

/// Declares the `units` field every component of a neuron has.
inline void declare_component_units(sdk::schema& s) {
    s.field_int_array("units", {})
        .positive()
        .description("postsynaptic shape; [] inside a neuron, which passes its own units");
}

/// The component's units: `given` (the enclosing neuron's) when it has a rank, else the config's
/// own field, which a component used on its own must set.
[[nodiscard]] inline spark_shape_t component_units(const sdk::config_view& cfg,
                                                   const char* type_name,
                                                   const spark_shape_t* given = nullptr) {
    if (given != nullptr) {
        return *given;
    }
    const auto units = cfg.ints("units");
    if (units.empty()) {
        throw sdk::status_error(SPARK_ERR_INVALID_ARGUMENT,
                                std::string(type_name) +
                                    ".units is [] (\"given by the enclosing neuron\"); set it, "
                                    "e.g. [8], when " +
                                    type_name + " is used on its own");
    }
    return sdk::make_shape(units);
}

/// a ⊕ b, e.g. units (2) ⊕ presynaptic shape (3) = (2, 3).
[[nodiscard]] inline spark_shape_t concat_shapes(const spark_shape_t& a, const spark_shape_t& b) {
    if (a.rank + b.rank > SPARK_MAX_RANK) {
        throw sdk::status_error(SPARK_ERR_INVALID_ARGUMENT,
                                "shape " + sdk::shape_string(a) + " ⊕ " + sdk::shape_string(b) +
                                    " has rank " + std::to_string(a.rank + b.rank) +
                                    ", more than " + std::to_string(SPARK_MAX_RANK) +
                                    "; flatten the presynaptic input");
    }
    spark_shape_t s = a;
    for (std::uint32_t i = 0; i < b.rank; ++i) {
        s.dims[a.rank + i] = b.dims[i];
    }
    s.rank = a.rank + b.rank;
    return s;
}

/// A learning rule's `async_spikes`: whether its pre_spikes input is per synapse (upstream reads
/// this from the payload; our port specs carry no such flag, so the config says it).
inline void declare_async_pre_spikes_field(sdk::schema& s) {
    s.field_bool("async_spikes", false)
        .description("pre_spikes are per synapse, shaped like the kernel (as n2n_delays emits "
                     "them); false: one spike per presynaptic neuron");
}

/// Elements of a shape as a size_t.
[[nodiscard]] inline std::size_t count_of(const spark_shape_t& s) noexcept {
    return static_cast<std::size_t>(sdk::element_count(s));
}

/// exp(-dt / tau) in T: upstream takes exp of a Python float in float32 and casts, so the exponent
/// is rounded to T, exp is taken in double (correctly rounded) and the result rounded to T.
template <typename T>
[[nodiscard]] T decay_factor(double dt, double tau) {
    const T exponent = static_cast<T>(-dt / tau);
    return static_cast<T>(std::exp(static_cast<double>(exponent)));
}

/// One step of upstream's spike tracer with base 0: q <- decay q + (spike ? scale : 0), the
/// traces of every learning rule (scale = 1 / tau).
template <typename T>
[[nodiscard]] constexpr T spike_trace(T decay, T scale, T q, bool spike) noexcept {
    return decay * q + (spike ? scale : T(0));
}

} // namespace spark::neurons
