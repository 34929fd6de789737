// SPDX-License-Identifier: Apache-2.0
// A neuron's delays D[o][i] in steps, stored as compactly as their kind allows: nothing without
// delays, one value per presynaptic neuron for n_delays, and a pre-major uint16 per synapse only
// for n2n_delays (2 bytes, where a synapse's weight costs 4). delay_slots() caps B at 65535, so
// uint16 holds every delay.
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

#include "common/large_vector.hpp"
#include "common/transpose.hpp"

namespace spark::neurons {

class synapse_delays {
public:
    enum class kind { none, per_presynaptic, per_synapse };

    /// No delays: every synapse's D is 0.
    void assign_none() {
        kind_ = kind::none;
        values_.clear();
        values_.shrink_to_fit();
    }
    /// D[i] for every postsynaptic neuron of presynaptic neuron i.
    void assign_per_presynaptic(const std::vector<std::int32_t>& per_neuron) {
        kind_ = kind::per_presynaptic;
        values_.assign(per_neuron.begin(), per_neuron.end());
    }
    /// D[o][i] given post-major (o * n_pre + i), stored pre-major (i * n_post + o).
    void assign_per_synapse(const std::vector<std::int32_t>& post_major,
                            std::size_t n_post,
                            std::size_t n_pre) {
        kind_ = kind::per_synapse;
        values_.resize(post_major.size());
        transpose_into(post_major.data(), n_post, n_pre, values_.data());
    }

    /// D of each synapse of a sparse kernel, given in its presynaptic order
    /// (synapses/sparse_kernel.hpp): of() then takes the synapse's place in that order as `at`.
    void assign_per_listed_synapse(const std::vector<std::int32_t>& listed) {
        kind_ = kind::per_synapse;
        values_.assign(listed.begin(), listed.end());
    }

    [[nodiscard]] kind stored() const noexcept { return kind_; }

    /// D of synapse (o, i), found at pre-major index at = i * n_post + o (a sparse kernel: at its
    /// place in presynaptic order).
    [[nodiscard]] std::size_t of(std::size_t at, std::size_t i) const noexcept {
        switch (kind_) {
        case kind::per_synapse:
            return values_[at];
        case kind::per_presynaptic:
            return values_[i];
        case kind::none:
            break;
        }
        return 0;
    }

    /// Where D of synapse `at` lives in memory, for prefetching (nullptr without per-synapse
    /// delays).
    [[nodiscard]] const std::uint16_t* address(std::size_t at) const noexcept {
        return kind_ == kind::per_synapse ? values_.data() + at : nullptr;
    }

private:
    kind kind_ = kind::none;
    large_vector<std::uint16_t> values_;
};

} // namespace spark::neurons
