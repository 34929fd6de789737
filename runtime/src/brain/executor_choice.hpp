// SPDX-License-Identifier: Apache-2.0
// executor_kind::automatic: which way of running a step is faster is measured on the brain itself,
// not guessed. Steps run in short timed blocks, in order, on the flow graph, on the flow graph
// again and in order again (A B B A), each after a short untimed warm-up, round after round until
// each way has run for long enough; then the faster way per step runs. Steps in order run on the
// calling thread (large modules still split their work over the arena's workers).
// - The A B B A order cancels a cost that drifts steadily while measuring (a network that starts
//   silent, learning that sets in), which a plain A then B would credit to the way measured
//   first.
// - Short blocks (about a millisecond) and the median of the rounds' verdicts resist a cost that
//   comes and goes: a network firing in volleys every few tens of milliseconds made one long
//   block per way land on a volley and the other between two, and chose the slower way
//   (bench/README.md, scale_64k).
// The choice is measured again after 1,000 steps (or ten times the steps the last measurement
// took, if more), then after twice as many each time (at most every 1,048,576 steps): measuring
// runs the slower way for a few steps, at most a tenth of the run. Both ways give the same
// results bit for bit (ADR 0004), so switching between them never changes a run.
#pragma once
#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>

namespace spark::runtime::detail {

class executor_choice {
public:
    enum class way { in_order, graph };

    /// How to run the next step.
    [[nodiscard]] way next() const noexcept { return decided_ ? chosen_ : order[block_]; }
    [[nodiscard]] bool decided() const noexcept { return decided_; }
    /// Whether a way was chosen yet (re-measuring keeps the last choice).
    [[nodiscard]] bool chose() const noexcept { return chose_; }
    /// The way chosen last (meaningful once chose()).
    [[nodiscard]] way chosen() const noexcept { return chosen_; }

    /// The step that next() asked for took `seconds`.
    void ran(double seconds) noexcept {
        if (decided_) {
            if (++steps_ >= recheck_after_) {
                recheck_after_ = std::min(2 * recheck_after_, max_recheck_after);
                steps_ = 0;
                decided_ = false;
                block_ = 0;
                warming_ = true;
            }
            return;
        }
        ++steps_;
        ++measuring_steps_;
        if (warming_) {
            if (steps_ >= warm_steps) {
                warming_ = false;
                steps_ = 0;
                block_seconds_ = 0.0;
            }
            return;
        }
        block_seconds_ += seconds;
        if ((steps_ >= min_block_steps && block_seconds_ >= min_block_seconds) ||
            steps_ >= max_block_steps) {
            const auto w = static_cast<std::size_t>(order[block_]);
            round_seconds_[w] += block_seconds_;
            round_steps_[w] += steps_;
            steps_ = 0;
            warming_ = true;
            if (++block_ == order.size()) {
                end_round();
            }
        }
    }

private:
    static constexpr std::array<way, 4> order{way::in_order, way::graph, way::graph, way::in_order};

    // A round's verdict is the graph's time per step over the time in order. Its A B B A
    // blocks see the same drift; a volley of activity may still fall on one way's blocks, which
    // the median over the rounds leaves out.
    void end_round() noexcept {
        block_ = 0;
        const auto per_step = [&](std::size_t w) {
            return round_seconds_[w] / static_cast<double>(round_steps_[w]);
        };
        ratios_[rounds_++] = per_step(1) / per_step(0);
        for (std::size_t w = 0; w < 2; ++w) {
            way_seconds_[w] += round_seconds_[w];
            way_steps_[w] += round_steps_[w];
        }
        round_seconds_ = {};
        round_steps_ = {};
        // Enough rounds that a volley spoils fewer than half of them, and each way long enough
        // to be well above the timer's resolution; a cap on both ways' steps together keeps
        // tiny steps from measuring long (a cap per way would wait on the slower way's shorter
        // blocks while the faster way's run at their longest).
        const bool enough =
            rounds_ >= min_rounds && std::min(way_seconds_[0], way_seconds_[1]) >= min_way_seconds;
        if (enough || way_steps_[0] + way_steps_[1] >= max_timed_steps ||
            rounds_ == ratios_.size()) {
            decide();
        }
    }

    void decide() noexcept {
        const auto middle = ratios_.begin() + static_cast<std::ptrdiff_t>(rounds_ / 2);
        std::nth_element(
            ratios_.begin(), middle, ratios_.begin() + static_cast<std::ptrdiff_t>(rounds_));
        // The graph must win clearly: its hand-offs cost more when the timing is a tie.
        chosen_ = *middle < 0.95 ? way::graph : way::in_order;
        chose_ = true;
        decided_ = true;
        // Measuring runs the slower way for a while: keep it under a tenth of the steps.
        recheck_after_ = std::max(recheck_after_, 10 * measuring_steps_);
        measuring_steps_ = 0;
        rounds_ = 0;
        way_seconds_ = {};
        way_steps_ = {};
    }

    static constexpr std::uint64_t warm_steps = 2;
    static constexpr std::uint64_t min_block_steps = 4;
    static constexpr std::uint64_t max_block_steps = 256;
    static constexpr double min_block_seconds = 1e-3;
    static constexpr std::size_t min_rounds = 8;
    static constexpr double min_way_seconds = 0.02;
    static constexpr std::uint64_t max_timed_steps = 2048;
    static constexpr std::uint64_t first_recheck_after = 1000;
    static constexpr std::uint64_t max_recheck_after = std::uint64_t{1} << 20U;

    bool decided_ = false;
    std::size_t block_ = 0; // the measuring block: an index into `order`
    bool warming_ = true;   // the block's untimed first steps
    std::uint64_t steps_ = 0;
    double block_seconds_ = 0.0;
    std::array<double, 2> round_seconds_{};      // this round's timed seconds (index: way)
    std::array<std::uint64_t, 2> round_steps_{}; // this round's timed steps
    std::array<double, 256> ratios_{};           // each round's graph / in order
    std::size_t rounds_ = 0;                     // rounds of this measurement
    std::array<double, 2> way_seconds_{};        // this measurement's timed seconds
    std::array<std::uint64_t, 2> way_steps_{};   // this measurement's timed steps
    way chosen_ = way::in_order;
    bool chose_ = false;
    std::uint64_t recheck_after_ = first_recheck_after; // decided steps before measuring again
    std::uint64_t measuring_steps_ = 0; // steps of the current measurement, all blocks
};

} // namespace spark::runtime::detail
