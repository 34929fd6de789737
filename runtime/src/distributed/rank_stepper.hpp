// SPDX-License-Identifier: Apache-2.0
// One rank of a partitioned brain (internal): its layout's brain, and the messages it exchanges
// with the other ranks after every step (and after reset), whatever carries them (MPI, or the
// in-process loop of the tests). Exchanging the outputs of step t before step t+1 is exactly the
// cache's semantics: every module reads the others' step-t outputs at step t+1.
#pragma once
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include <spark/runtime/brain.hpp>
#include <spark/runtime/partition.hpp>

#include "distributed/rank_layout.hpp"

namespace spark::runtime::detail {

class rank_stepper {
public:
    rank_stepper(const registry::plugin_registry& registry,
                 const brain_config& config,
                 const partition_plan& plan,
                 int rank,
                 brain_options options = {});

    [[nodiscard]] brain& local() noexcept { return brain_; }
    [[nodiscard]] const brain& local() const noexcept { return brain_; }
    [[nodiscard]] const rank_layout& layout() const noexcept { return layout_; }

    /// After a step or reset: encodes this rank's crossing outputs. Spikes go as the bytes that
    /// changed since the last exchange (index and value: a spike, its end, an inhibition bit),
    /// other payloads whole.
    void encode();
    /// What encode() prepared for `destination`: every crossing port this rank owns and
    /// `destination` reads, in layout order. Empty when it reads none.
    [[nodiscard]] std::vector<std::byte> message_for(int destination) const;
    /// Writes what `source` sent into the proxies it feeds here.
    void receive(int source, std::span<const std::byte> message);
    /// The local brain's reset, and both ends of every delta start again from zeros.
    void reset();

    /// Bytes encode() produced for all destinations at the last exchange (for reports).
    [[nodiscard]] std::uint64_t last_bytes_sent() const noexcept { return last_bytes_sent_; }

private:
    rank_layout layout_;
    brain brain_;
    std::vector<std::vector<std::uint8_t>> last_sent_; // per crossing port owned here: spikes
    std::vector<std::vector<std::byte>> encoded_;      // per crossing port owned here
    std::uint64_t last_bytes_sent_ = 0;
};

} // namespace spark::runtime::detail
