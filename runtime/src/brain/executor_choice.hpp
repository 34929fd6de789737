// SPDX-License-Identifier: Apache-2.0
// executor_kind::automatic: which way of running a step is fastest is measured on the brain itself,
// not guessed. There are three ways:
// - one_thread: the modules in order on the calling thread, and their chunks of work too (what
//   the sequential executor does);
// - in_order: the modules in order on the calling thread, large modules' chunks on the arena's
//   workers;
// - graph: the flow graph on the arena.
// Steps run in short timed blocks, one way after the other and back (A B C C B A), each after a
// short untimed warm-up, round after round until each way has run for long enough; then the
// fastest way per step runs. A way with more threads must beat one_thread clearly: on a
// machine whose second core is busy or slow (a shared virtual machine), both threaded ways can
// take twice as long as one thread (bench/README.md, scale_4k), and then one thread runs.
// - The A B C C B A order cancels a cost that drifts steadily while measuring (a network that
//   starts silent, learning that sets in), which a plain A then B would credit to the way
//   measured first.
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
    enum class way { one_thread, in_order, graph };

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
    static constexpr std::size_t ways = 3;
    static constexpr std::array<way, 2 * ways> order{
        way::one_thread, way::in_order, way::graph, way::graph, way::in_order, way::one_thread};

    // A round's verdicts are each threaded way's time per step over one_thread's. Its A B C C B
    // A blocks see the same drift; a volley of activity may still fall on one way's blocks,
    // which the median over the rounds leaves out.
    void end_round() noexcept {
        block_ = 0;
        const auto per_step = [&](std::size_t w) {
            return round_seconds_[w] / static_cast<double>(round_steps_[w]);
        };
        for (std::size_t w = 1; w < ways; ++w) {
            ratios_[w][rounds_] = per_step(w) / per_step(0);
        }
        ++rounds_;
        for (std::size_t w = 0; w < ways; ++w) {
            way_seconds_[w] += round_seconds_[w];
            way_steps_[w] += round_steps_[w];
        }
        round_seconds_ = {};
        round_steps_ = {};
        // Enough rounds that a volley spoils fewer than half of them, and each way long enough
        // to be well above the timer's resolution; a cap on all ways' steps together keeps tiny
        // steps from measuring long (a cap per way would wait on a slower way's shorter blocks
        // while the fastest way's run at their longest).
        const bool enough =
            rounds_ >= min_rounds &&
            *std::min_element(way_seconds_.begin(), way_seconds_.end()) >= min_way_seconds;
        std::uint64_t timed = 0;
        for (const std::uint64_t steps : way_steps_) {
            timed += steps;
        }
        if (enough || timed >= max_timed_steps || rounds_ == max_rounds) {
            decide();
        }
    }

    void decide() noexcept {
        // A threaded way must win clearly: its hand-offs cost more when the timing is a tie.
        chosen_ = way::one_thread;
        double best = 0.95;
        for (std::size_t w = 1; w < ways; ++w) {
            auto& r = ratios_[w];
            const auto middle = r.begin() + static_cast<std::ptrdiff_t>(rounds_ / 2);
            std::nth_element(r.begin(), middle, r.begin() + static_cast<std::ptrdiff_t>(rounds_));
            if (*middle < best) {
                best = *middle;
                chosen_ = static_cast<way>(w);
            }
        }
        chose_ = true;
        decided_ = true;
        // Measuring runs the slower ways for a while: keep it under a tenth of the steps.
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
    static constexpr std::size_t max_rounds = 256;

    bool decided_ = false;
    std::size_t block_ = 0; // the measuring block: an index into `order`
    bool warming_ = true;   // the block's untimed first steps
    std::uint64_t steps_ = 0;
    double block_seconds_ = 0.0;
    std::array<double, ways> round_seconds_{};      // this round's timed seconds (index: way)
    std::array<std::uint64_t, ways> round_steps_{}; // this round's timed steps
    // Each round's time per step of way w over one_thread's, in ratios_[w] (w >= 1).
    std::array<std::array<double, max_rounds>, ways> ratios_{};
    std::size_t rounds_ = 0;                      // rounds of this measurement
    std::array<double, ways> way_seconds_{};      // this measurement's timed seconds
    std::array<std::uint64_t, ways> way_steps_{}; // this measurement's timed steps
    way chosen_ = way::one_thread;
    bool chose_ = false;
    std::uint64_t recheck_after_ = first_recheck_after; // decided steps before measuring again
    std::uint64_t measuring_steps_ = 0; // steps of the current measurement, all blocks
};

} // namespace spark::runtime::detail
