// SPDX-License-Identifier: Apache-2.0
// executor_kind::automatic: which way of running a step is faster is measured on the brain itself,
// not guessed. Steps run in four timed blocks, in order, on the flow graph, on the flow graph
// again and in order again (A B B A), each after a short untimed warm-up; then the faster way
// runs. Steps in order run on the calling thread (large modules still split their work over the
// arena's workers). The A B B A order cancels a cost that drifts steadily while measuring (a
// network that starts silent, learning that sets in), which a plain A then B would credit to
// the way measured first. The choice is measured again after 1,000 steps (or ten times the steps
// the last measurement took, if more), then after twice as many each time (at most every
// 1,048,576 steps): measuring runs the slower way for a few steps, at most a tenth of the run.
// Both ways give the same results bit for bit (ADR 0004), so switching between them never
// changes a run.
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
                timed_seconds_ = 0.0;
            }
            return;
        }
        timed_seconds_ += seconds;
        if ((steps_ >= min_timed_steps && timed_seconds_ >= min_timed_seconds) ||
            steps_ >= max_timed_steps) {
            per_step_[block_] = timed_seconds_ / static_cast<double>(steps_);
            steps_ = 0;
            warming_ = true;
            if (++block_ == order.size()) {
                decide();
            }
        }
    }

private:
    static constexpr std::array<way, 4> order{way::in_order, way::graph, way::graph, way::in_order};

    void decide() noexcept {
        const double in_order = per_step_[0] + per_step_[3];
        const double graph = per_step_[1] + per_step_[2];
        // The graph must win clearly: its hand-offs cost more when the timing is a tie.
        chosen_ = graph < 0.95 * in_order ? way::graph : way::in_order;
        chose_ = true;
        decided_ = true;
        // Measuring runs the slower way for a while: keep it under a tenth of the steps.
        recheck_after_ = std::max(recheck_after_, 10 * measuring_steps_);
        measuring_steps_ = 0;
    }

    static constexpr std::uint64_t warm_steps = 4;
    static constexpr std::uint64_t min_timed_steps = 8;
    static constexpr std::uint64_t max_timed_steps = 1024;
    static constexpr double min_timed_seconds = 0.01;
    static constexpr std::uint64_t first_recheck_after = 1000;
    static constexpr std::uint64_t max_recheck_after = std::uint64_t{1} << 20U;

    bool decided_ = false;
    std::size_t block_ = 0; // the measuring block: an index into `order`
    bool warming_ = true;   // the block's untimed first steps
    std::uint64_t steps_ = 0;
    double timed_seconds_ = 0.0;
    std::array<double, 4> per_step_{}; // seconds per step of each block
    way chosen_ = way::in_order;
    bool chose_ = false;
    std::uint64_t recheck_after_ = first_recheck_after; // decided steps before measuring again
    std::uint64_t measuring_steps_ = 0; // steps of the current measurement, all blocks
};

} // namespace spark::runtime::detail
