// SPDX-License-Identifier: Apache-2.0
// The past presynaptic spikes a delay component keeps: B + 1 rows of one byte per presynaptic
// neuron (row r holds the spikes of the step whose slot is r), so that every delay 0..B reads a
// row that still holds its step. `cursor` is the slot of the most recent step. A byte is 0 (no
// spike), 1 (a spike) or 3 (a spike of a neuron inhibitory at that step): a spike in flight
// keeps the sign of its emission (common/spike_scan.hpp, spike_with_sign).
#pragma once
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include <spark/sdk/guard.hpp>

namespace spark::neurons {

/// What a delay component outputs for a synapse whose ring byte (of its delay's row) is
/// `stored`: that spike with the sign of its emission, or, when none arrives, the inhibition bit
/// of the input `in` (upstream broadcasts the input's mask; without a spike it carries no sign).
[[nodiscard]] inline std::uint8_t signed_arrival(std::uint8_t stored, std::uint8_t in) noexcept {
    return stored != 0 ? stored : static_cast<std::uint8_t>(in & 2U);
}

class spike_ring {
public:
    void resize(std::size_t rows, std::size_t width) {
        rows_ = rows;
        width_ = width;
        bytes_.assign(rows * width, 0);
        clear();
    }
    /// No step happened yet: every row is silent, the first step writes slot 0.
    void clear() {
        std::fill(bytes_.begin(), bytes_.end(), std::uint8_t{0});
        cursor_[0] = static_cast<std::int32_t>(rows_ - 1);
    }
    /// Moves to the next step's row and returns its slot.
    std::size_t advance() noexcept {
        const auto next = (static_cast<std::size_t>(cursor_[0]) + 1) % rows_;
        cursor_[0] = static_cast<std::int32_t>(next);
        return next;
    }
    /// The slot of the step `delay` steps before the current one (delay <= rows - 1).
    [[nodiscard]] std::size_t slot_before(std::size_t delay) const noexcept {
        return (static_cast<std::size_t>(cursor_[0]) + rows_ - delay) % rows_;
    }
    [[nodiscard]] std::uint8_t* row(std::size_t slot) noexcept { return &bytes_[slot * width_]; }
    [[nodiscard]] const std::uint8_t* row(std::size_t slot) const noexcept {
        return &bytes_[slot * width_];
    }
    [[nodiscard]] std::size_t rows() const noexcept { return rows_; }
    [[nodiscard]] std::size_t width() const noexcept { return width_; }
    std::vector<std::uint8_t>& bytes() noexcept { return bytes_; }
    std::int32_t* cursor() noexcept { return cursor_; }

    /// After a checkpoint was loaded into bytes() and cursor(): spikes are 0, 1 or 3 and the
    /// cursor names a row.
    void check_loaded(const char* owner) const {
        if (cursor_[0] < 0 || static_cast<std::size_t>(cursor_[0]) >= rows_) {
            throw sdk::status_error(SPARK_ERR_INVALID_ARGUMENT,
                                    std::string(owner) + " state 'cursor' must be in [0, " +
                                        std::to_string(rows_) + "), got " +
                                        std::to_string(cursor_[0]));
        }
        for (const auto b : bytes_) {
            if (b != 0 && b != 1 && b != 3) {
                throw sdk::status_error(SPARK_ERR_INVALID_ARGUMENT,
                                        std::string(owner) +
                                            " state 'spike_history' must hold 0, 1 or 3 (a "
                                            "spike, with bit1 when inhibitory), got " +
                                            std::to_string(b));
            }
        }
    }

private:
    std::size_t rows_ = 1;
    std::size_t width_ = 0;
    std::vector<std::uint8_t> bytes_;
    std::int32_t cursor_[1] = {0};
};

} // namespace spark::neurons
