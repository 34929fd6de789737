// SPDX-License-Identifier: Apache-2.0
// The event lists of a neuron's delayed synapses: for each presynaptic neuron i and each delay d,
// the postsynaptic neurons o with D[o][i] == d, as one contiguous range. A spike of i at step t
// reaches exactly the group (i, d) at step t + d, so delivering a step costs one range per
// (recent presynaptic spike, delay), never a scan of the whole kernel.
//
// A full group (every postsynaptic neuron: dense kernels without per-synapse delays, the common
// case) stores no list: it is the shared range 0 .. n_post - 1, and full() lets delivery walk the
// weight column contiguously (4 bytes per event, vectorised) instead of through indices. A neuron
// that keeps its kernel in list order (population.hpp, the grouped layout) asks for a list for
// every group instead, full ones included, so that the lists hold every synapse once.
#pragma once
#include <cstddef>
#include <cstdint>
#include <numeric>
#include <vector>

#include "common/large_vector.hpp"
#include "neuron/synapse_delays.hpp"

namespace spark::neurons {

class delay_groups {
public:
    /// With `weights` (pre-major, W[o][i] at i * n_post + o), only the synapses of non-zero
    /// weight join a group: a synapse that can never carry current (a zero weight that no
    /// learning changes) costs nothing per spike. Without (nullptr), every synapse joins. Every
    /// delay lies in [0, rows). With `list_every_group`, no group counts as full.
    template <typename T>
    void build(const synapse_delays& delays,
               std::size_t n_pre,
               std::size_t n_post,
               std::size_t rows,
               const T* weights,
               bool list_every_group = false) {
        rows_ = rows;
        full_size_ = list_every_group ? no_full_group : n_post;
        const auto exists = [weights, n_post](std::size_t i, std::size_t o) {
            return weights == nullptr || weights[i * n_post + o] != T(0);
        };
        const bool per_synapse = delays.stored() == synapse_delays::kind::per_synapse;
        const std::size_t groups = n_pre * rows;
        count_.assign(groups, 0);
        for (std::size_t i = 0; i < n_pre; ++i) {
            if (per_synapse) {
                for (std::size_t o = 0; o < n_post; ++o) {
                    if (exists(i, o)) {
                        ++count_[i * rows + delays.of(i * n_post + o, i)];
                    }
                }
            } else {
                // One delay for the whole column: count its non-zero weights (vectorised).
                count_[i * rows + delays.of(0, i)] =
                    static_cast<std::uint32_t>(non_zero(weights, i * n_post, n_post));
            }
        }
        // Lists only for the groups that are not full; a full one reads all_.
        offset_.assign(groups + 1, 0);
        for (std::size_t g = 0; g < groups; ++g) {
            offset_[g + 1] = offset_[g] + (count_[g] == full_size_ ? 0 : count_[g]);
        }
        targets_.assign(offset_.back(), 0);
        targets_.shrink_to_fit();
        if (offset_.back() > 0) {
            std::vector<std::size_t> next(offset_.begin(), offset_.end() - 1);
            for (std::size_t i = 0; i < n_pre; ++i) {
                if (!per_synapse && count_[i * rows + delays.of(0, i)] == full_size_) {
                    continue; // a full column: no list
                }
                for (std::size_t o = 0; o < n_post; ++o) {
                    const std::size_t g = i * rows + delays.of(i * n_post + o, i);
                    if (count_[g] != full_size_ && exists(i, o)) {
                        targets_[next[g]++] = static_cast<std::uint32_t>(o);
                    }
                }
            }
        }
        all_.resize(n_post);
        std::iota(all_.begin(), all_.end(), std::uint32_t{0});
    }

    /// The groups of a sparse kernel's synapses, listed in presynaptic order (`offset` per
    /// presynaptic neuron, `target` per synapse, ascending per neuron; delays.of(k, i) takes
    /// the place k in that order). Every group is listed (none is full: the neuron keeps no
    /// weight column). placed[k] is where synapse k lands in the concatenated lists.
    void build_listed(const synapse_delays& delays,
                      const std::vector<std::size_t>& offset,
                      const large_vector<std::uint32_t>& target,
                      std::size_t n_post,
                      std::size_t rows,
                      large_vector<std::uint32_t>& placed) {
        rows_ = rows;
        full_size_ = no_full_group;
        const std::size_t n_pre = offset.size() - 1;
        const std::size_t groups = n_pre * rows;
        count_.assign(groups, 0);
        for (std::size_t i = 0; i < n_pre; ++i) {
            for (std::size_t k = offset[i]; k < offset[i + 1]; ++k) {
                ++count_[i * rows + delays.of(k, i)];
            }
        }
        offset_.assign(groups + 1, 0);
        for (std::size_t g = 0; g < groups; ++g) {
            offset_[g + 1] = offset_[g] + count_[g];
        }
        targets_.resize(offset_.back());
        placed.resize(offset_.back());
        std::vector<std::size_t> next(offset_.begin(), offset_.end() - 1);
        for (std::size_t i = 0; i < n_pre; ++i) {
            for (std::size_t k = offset[i]; k < offset[i + 1]; ++k) {
                const std::size_t at = next[i * rows + delays.of(k, i)]++;
                targets_[at] = target[k];
                placed[k] = static_cast<std::uint32_t>(at);
            }
        }
        all_.resize(n_post);
        std::iota(all_.begin(), all_.end(), std::uint32_t{0});
    }

    /// No groups (a neuron that delivers otherwise: neuron/pending_current.hpp).
    void clear() {
        count_.clear();
        offset_.clear();
        targets_ = {};
        all_.clear();
    }

    /// Whether group (i, d) holds every postsynaptic neuron, 0 .. n_post - 1 in order.
    [[nodiscard]] bool full(std::size_t i, std::size_t d) const noexcept {
        return count_[i * rows_ + d] == full_size_;
    }
    /// The postsynaptic neurons of presynaptic neuron i at delay d: [first, last), ascending.
    [[nodiscard]] const std::uint32_t* first(std::size_t i, std::size_t d) const noexcept {
        const std::size_t g = i * rows_ + d;
        return count_[g] == full_size_ ? all_.data() : targets_.data() + offset_[g];
    }
    [[nodiscard]] const std::uint32_t* last(std::size_t i, std::size_t d) const noexcept {
        return first(i, d) + count_[i * rows_ + d];
    }
    /// Where `target`, a pointer into a group that is not full, lies in the concatenated lists
    /// (for arrays kept parallel to them, list_size() long).
    [[nodiscard]] std::size_t position(const std::uint32_t* target) const noexcept {
        return static_cast<std::size_t>(target - targets_.data());
    }
    [[nodiscard]] std::size_t list_size() const noexcept { return targets_.size(); }
    /// Calls f(i, o, position) for every target of every group that is not full.
    template <typename F>
    void for_each_listed(F&& f) const {
        const std::size_t groups = count_.size();
        for (std::size_t g = 0; g < groups; ++g) {
            if (count_[g] == full_size_) {
                continue;
            }
            for (std::size_t k = offset_[g]; k < offset_[g + 1]; ++k) {
                f(g / rows_, static_cast<std::size_t>(targets_[k]), k);
            }
        }
    }

private:
    /// How many of weights[first .. first + n) are not zero (all n without weights).
    template <typename T>
    static std::size_t non_zero(const T* weights, std::size_t first, std::size_t n) noexcept {
        if (weights == nullptr) {
            return n;
        }
        std::size_t count = 0;
        for (std::size_t k = first; k < first + n; ++k) {
            count += weights[k] != T(0) ? 1U : 0U;
        }
        return count;
    }

    static constexpr std::size_t no_full_group = ~std::size_t{0};

    std::size_t rows_ = 1;
    std::size_t full_size_ = 0;           // a group of this many targets is full (no list)
    std::vector<std::uint32_t> count_;    // per group (i, d) at i * rows + d
    std::vector<std::size_t> offset_;     // a list group's first target in targets_
    large_vector<std::uint32_t> targets_; // the lists of the groups that are not full
    std::vector<std::uint32_t> all_;      // 0 .. n_post - 1: every full group's list
};

} // namespace spark::neurons
