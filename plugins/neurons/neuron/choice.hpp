// SPDX-License-Identifier: Apache-2.0
// Choosing a neuron's component by the class_ref its nested config names, among the policies the
// neuron knows (one std::variant alternative each). The choice is made once, at create; a step
// dispatches once per call (std::visit around whole loops), never per neuron or synapse.
#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

#include <spark/sdk/module.hpp>
#include <spark/sdk/params.hpp>

#include "neuron/component_view.hpp"

namespace spark::neurons::detail {

/// "spark.a, spark.b or spark.c": the types a field accepts, for messages.
template <typename... P>
std::string choice_names() {
    std::string out;
    std::size_t k = 0;
    constexpr std::size_t n = sizeof...(P);
    ((out += (k == 0 ? "" : (k + 1 == n ? " or " : ", ")) + std::string("spark.") + P::class_ref,
      ++k),
     ...);
    return out;
}

/// "spark.<class_ref>" of every alternative of std::variant<P...>: the types choose() takes, as a
/// field's accepted types (field_builder::accepts, ABI 1.1 capabilities).
template <typename... P>
std::vector<std::string> accepted_refs(const std::variant<P...>* /*tag*/) {
    return {std::string("spark.") + P::class_ref...};
}

/// The alternative of std::variant<P...> whose class_ref the nested config `field` names, built
/// by `make(std::type_identity<Q>{})`; a clear error naming the accepted types otherwise.
template <typename... P, typename Make>
std::variant<P...>
choose(const sdk::config_view& cfg, const char* neuron, const char* field, Make&& make) {
    const spark_config_t& nested = cfg.nested(field);
    const std::string ref = nested.class_ref != nullptr ? nested.class_ref : "";
    std::optional<std::variant<P...>> chosen;
    (
        [&] {
            if (!chosen && ref == std::string("spark.") + P::class_ref) {
                chosen.emplace(make(std::type_identity<P>{}));
            }
        }(),
        ...);
    if (!chosen) {
        throw sdk::status_error(SPARK_ERR_INVALID_ARGUMENT,
                                std::string(neuron) + "." + field + " is " + ref + "; a " + neuron +
                                    " takes " + choice_names<P...>() + " here");
    }
    return std::move(*chosen);
}

} // namespace spark::neurons::detail
