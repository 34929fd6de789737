// SPDX-License-Identifier: Apache-2.0
// What a learning rule's `Update` (learning/rule_component.hpp) may declare beyond the required
// interface, with the defaults an Update that declares nothing gets (hebbian_update and
// zenke_update declare none of these, so their schemas and behaviour stay as they were):
//
//   static constexpr const char* third_factor = "reward";  // an extra float input port (default
//       // nullptr: none); weight() then takes the third factor m as a last argument
//   static constexpr bool uses_pre_trace = false;   // no shared presynaptic trace x (default true)
//   static constexpr bool uses_post_trace = false;  // no shared postsynaptic trace y (default
//       // true)
//   void spikes(span<const uint8_t> pre, span<const uint8_t> post);  // the raw spike bytes
//       // (bit1: inhibitory) of this step, after the shared traces and before any weight() call
//   void synapse(k, post_inhibitory, pre_inhibitory, pre_spiked, post_spiked);  // per-synapse
//       // traces of synapse k (post-major): what dense_learning calls inside a neuron, with
//       // the synapse's delayed presynaptic spike, before that synapse's weight() call
//   bool plastic() const;  // false: weights never change after the first clip (default true)
#pragma once
#include <cstddef>
#include <cstdint>
#include <type_traits>
#include <utility>

#include <spark/sdk/buffers.hpp>

namespace spark::neurons::detail {

template <typename U, typename = void>
struct third_factor_of {
    static constexpr const char* name = nullptr;
};
template <typename U>
struct third_factor_of<U, std::void_t<decltype(U::third_factor)>> {
    static constexpr const char* name = U::third_factor;
};

template <typename U, typename = void>
struct uses_pre_trace_of : std::true_type {};
template <typename U>
struct uses_pre_trace_of<U, std::void_t<decltype(U::uses_pre_trace)>>
    : std::bool_constant<U::uses_pre_trace> {};

template <typename U, typename = void>
struct uses_post_trace_of : std::true_type {};
template <typename U>
struct uses_post_trace_of<U, std::void_t<decltype(U::uses_post_trace)>>
    : std::bool_constant<U::uses_post_trace> {};

template <typename U, typename = void>
struct has_spikes_hook : std::false_type {};
template <typename U>
struct has_spikes_hook<
    U,
    std::void_t<decltype(std::declval<U&>().spikes(std::declval<sdk::span<const std::uint8_t>>(),
                                                   std::declval<sdk::span<const std::uint8_t>>()))>>
    : std::true_type {};

template <typename U, typename = void>
struct has_synapse_hook : std::false_type {};
template <typename U>
struct has_synapse_hook<
    U,
    std::void_t<decltype(std::declval<U&>().synapse(std::size_t{}, false, false, false, false))>>
    : std::true_type {};

template <typename U, typename = void>
struct has_plastic : std::false_type {};
template <typename U>
struct has_plastic<U, std::void_t<decltype(std::declval<const U&>().plastic())>> : std::true_type {
};

} // namespace spark::neurons::detail

namespace spark::neurons {

/// What rule_component and dense_learning read from an Update (defaults above).
template <typename U>
struct rule_traits {
    static constexpr const char* third_factor = detail::third_factor_of<U>::name;
    static constexpr bool has_third_factor = third_factor != nullptr;
    static constexpr bool uses_pre_trace = detail::uses_pre_trace_of<U>::value;
    static constexpr bool uses_post_trace = detail::uses_post_trace_of<U>::value;
    static constexpr bool has_spikes_hook = detail::has_spikes_hook<U>::value;
    static constexpr bool has_synapse_hook = detail::has_synapse_hook<U>::value;

    /// Whether the rule may change a weight after the first clip.
    [[nodiscard]] static bool plastic(const U& u) noexcept {
        if constexpr (detail::has_plastic<U>::value) {
            return u.plastic();
        } else {
            return true;
        }
    }
};

} // namespace spark::neurons
