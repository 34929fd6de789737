// SPDX-License-Identifier: Apache-2.0
// How a neuron reads the nested config of one of its components: checked to name the component
// type the neuron is built from, in the neuron's dtype and with the neuron's units (or []).
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>

#include <spark/sdk/module.hpp>
#include <spark/sdk/params.hpp>
#include <spark/sdk/schema.hpp>

namespace spark::neurons {

namespace detail {

/// The schema of a policy's component type, for sdk::nested_view: a policy P declares exactly the
/// fields of the registered component P::class_ref (its ports do not matter for reading).
template <typename P>
struct fields_of {
    static constexpr const char* class_ref = P::class_ref;
    static void declare(sdk::schema& s) { P::declare_fields(s); }
};

/// The view of a component's nested config, after checking what the neuron decides for it:
/// the type (spark.<M::class_ref>), the dtype (the neuron computes in one type) and the units
/// (the neuron's own, or []). `neuron` names the neuron type in messages.
template <typename M>
sdk::config_view component_view(const sdk::config_view& cfg,
                                const char* neuron,
                                const char* field,
                                const spark_shape_t& units) {
    const spark_config_t& nested = cfg.nested(field);
    const std::string ref = nested.class_ref != nullptr ? nested.class_ref : "";
    const std::string prefix = std::string(neuron) + "." + field;
    if (ref != std::string("spark.") + M::class_ref) {
        throw sdk::status_error(SPARK_ERR_INVALID_ARGUMENT,
                                prefix + " must be spark." + M::class_ref + " (the " + field + " " +
                                    neuron + " is built from), got " + ref);
    }
    auto view = sdk::nested_view<M>(nested);
    if (view.dtype() != cfg.dtype()) {
        throw sdk::status_error(SPARK_ERR_INVALID_ARGUMENT,
                                prefix + ".dtype is " + sdk::dtype_name(view.dtype()) +
                                    " but the neuron's is " + sdk::dtype_name(cfg.dtype()) +
                                    "; set dtype on the neuron only");
    }
    if (view.has("units")) {
        const auto own = view.ints("units");
        bool same = own.size() == units.rank;
        for (std::size_t a = 0; same && a < own.size(); ++a) {
            same = own[a] == static_cast<std::int64_t>(units.dims[a]);
        }
        if (!own.empty() && !same) {
            throw sdk::status_error(SPARK_ERR_INVALID_ARGUMENT,
                                    prefix + ".units is " +
                                        sdk::shape_string(sdk::make_shape(own)) +
                                        " but the neuron's units are " + sdk::shape_string(units) +
                                        "; leave it [] (the neuron passes its own)");
        }
    }
    return view;
}

/// The view of the nested config that policy P (a soma or a learning rule) reads.
template <typename P>
sdk::config_view policy_view(const sdk::config_view& cfg,
                             const char* neuron,
                             const char* field,
                             const spark_shape_t& units) {
    return component_view<fields_of<P>>(cfg, neuron, field, units);
}

} // namespace detail

} // namespace spark::neurons
