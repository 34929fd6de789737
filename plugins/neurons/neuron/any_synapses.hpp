// SPDX-License-Identifier: Apache-2.0
// A neuron's synapses chosen by their config (neuron/choice.hpp): the kernel initializer every
// synapse type has, and the current filter of the chosen type (synapses/current_filter.hpp)
// applied to the current the neuron delivers, before its soma.
#pragma once
#include <cstddef>
#include <string>
#include <variant>
#include <vector>

#include <spark/sdk/plugin.hpp>

#include "neuron/choice.hpp"
#include "synapses/current_filter.hpp"
#include "synapses/synapse_kernel.hpp"
#include "synapses/traced_filters.hpp"

namespace spark::neurons {

namespace detail {

/// The schema of synapse type F (linear_synapses' fields, then F's), for reading its config.
template <typename F>
struct synapse_fields_of {
    static constexpr const char* class_ref = F::class_ref;
    static void declare(sdk::schema& s) {
        declare_synapse_fields(s);
        F::declare_fields(s);
    }
};

} // namespace detail

template <typename T>
class any_synapses {
    using filters =
        std::variant<linear_filter<T>, traced_filter<T>, rd_traced_filter<T>, rfs_traced_filter<T>>;

public:
    /// The synapse types the fused population knows.
    static std::vector<std::string> accepted() {
        return detail::accepted_refs(static_cast<const filters*>(nullptr));
    }

    any_synapses(const sdk::config_view& cfg,
                 const char* neuron,
                 const char* field,
                 const spark_shape_t& units)
        : filter_(make(cfg, neuron, field, units, kernel_, static_cast<filters*>(nullptr))) {}

    /// The kernel's initializer (a number or an initializer config).
    [[nodiscard]] const sdk::initializer_value& kernel() const noexcept { return kernel_; }

    void build(std::size_t n_post, std::size_t n_pre) {
        std::visit([&](auto& f) { f.build(n_post, n_pre); }, filter_);
    }
    void reset() {
        std::visit([](auto& f) { f.reset(); }, filter_);
    }
    void filter(sdk::span<T> current) {
        std::visit([&](auto& f) { f.filter(current); }, filter_);
    }
    void state(sdk::state_list& list, const spark_shape_t& units) {
        std::visit([&](auto& f) { f.state(list, units); }, filter_);
    }
    void state_loaded() {
        std::visit([](auto& f) { f.state_loaded(); }, filter_);
    }

private:
    template <typename... F>
    static std::variant<F...> make(const sdk::config_view& cfg,
                                   const char* neuron,
                                   const char* field,
                                   const spark_shape_t& units,
                                   sdk::initializer_value& kernel,
                                   std::variant<F...>* /*tag*/) {
        return detail::choose<F...>(cfg, neuron, field, [&](auto tag) {
            using Filter = typename decltype(tag)::type;
            const auto view = detail::component_view<detail::synapse_fields_of<Filter>>(
                cfg, neuron, field, units);
            kernel = sdk::initializer_value(view, "kernel");
            return Filter(view);
        });
    }

    sdk::initializer_value kernel_; // declared first: make() sets it while building filter_
    filters filter_;
};

} // namespace spark::neurons
