// SPDX-License-Identifier: Apache-2.0
// The event lists of a neuron's delayed synapses: for each presynaptic neuron i and each delay d,
// the postsynaptic neurons o with D[o][i] == d, as one contiguous range. A spike of i at step t
// reaches exactly the group (i, d) at step t + d, so delivering a step costs one range per
// (recent presynaptic spike, delay), never a scan of the whole kernel.
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

namespace spark::neurons {

class delay_groups {
public:
    /// `delays` is pre-major (D[o][i] at i * n_post + o), every value in [0, rows). Only the
    /// synapses with exists(i, o) join a group: a synapse that can never carry current (a zero
    /// weight that no learning changes) costs nothing per spike.
    template <typename Exists>
    void build(const std::vector<std::int32_t>& delays,
               std::size_t n_pre,
               std::size_t n_post,
               std::size_t rows,
               Exists exists) {
        rows_ = rows;
        offsets_.assign(n_pre * rows + 1, 0);
        // Counting sort of each presynaptic neuron's synapses by delay (stable in o).
        for (std::size_t i = 0; i < n_pre; ++i) {
            for (std::size_t o = 0; o < n_post; ++o) {
                if (exists(i, o)) {
                    ++offsets_[i * rows + static_cast<std::size_t>(delays[i * n_post + o]) + 1];
                }
            }
        }
        for (std::size_t g = 1; g < offsets_.size(); ++g) {
            offsets_[g] += offsets_[g - 1];
        }
        targets_.assign(offsets_.back(), 0);
        std::vector<std::size_t> next(offsets_.begin(), offsets_.end() - 1);
        for (std::size_t i = 0; i < n_pre; ++i) {
            for (std::size_t o = 0; o < n_post; ++o) {
                if (exists(i, o)) {
                    const auto g = i * rows + static_cast<std::size_t>(delays[i * n_post + o]);
                    targets_[next[g]++] = static_cast<std::uint32_t>(o);
                }
            }
        }
    }

    /// The postsynaptic neurons of presynaptic neuron i at delay d: [first, last).
    [[nodiscard]] const std::uint32_t* first(std::size_t i, std::size_t d) const noexcept {
        return targets_.data() + offsets_[i * rows_ + d];
    }
    [[nodiscard]] const std::uint32_t* last(std::size_t i, std::size_t d) const noexcept {
        return targets_.data() + offsets_[i * rows_ + d + 1];
    }

private:
    std::size_t rows_ = 1;
    std::vector<std::uint32_t> targets_;
    std::vector<std::size_t> offsets_; // group (i, d) is targets_[offsets_[i*rows+d] .. +1)
};

} // namespace spark::neurons
