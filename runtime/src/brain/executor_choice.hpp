// SPDX-License-Identifier: Apache-2.0
// executor_kind::automatic: which way of running a step is faster is measured on the brain itself,
// not guessed. A few steps run in order on the calling thread (large modules still split their
// work over the arena's workers), a few on the flow graph, each after a short untimed warm-up;
// then the faster way runs. A brain's cost per step changes as it runs (a network that starts
// silent, learning that sets in), so the choice is measured again after 1,000 steps (or ten times
// the steps the last measurement took, if more), then after twice as many each time (at most
// every 1,048,576 steps): measuring runs the slower way for a few steps, at most a tenth of the
// run. Both ways give the same results bit for bit
// (ADR 0004), so switching between them never changes a run.
#pragma once
#include <algorithm>
#include <cstdint>

namespace spark::runtime::detail {

class executor_choice {
public:
    enum class way { in_order, graph };

    /// How to run the next step.
    [[nodiscard]] way next() const noexcept {
        return phase_ == phase::warm_in_order || phase_ == phase::time_in_order ? way::in_order
               : phase_ == phase::decided                                       ? chosen_
                                                                                : way::graph;
    }
    [[nodiscard]] bool decided() const noexcept { return phase_ == phase::decided; }
    /// Whether a way was chosen yet (re-measuring keeps the last choice).
    [[nodiscard]] bool chose() const noexcept { return chose_; }
    /// The way chosen last (meaningful once chose()).
    [[nodiscard]] way chosen() const noexcept { return chosen_; }

    /// The step that next() asked for took `seconds`.
    void ran(double seconds) noexcept {
        if (phase_ != phase::decided) {
            ++steps_;
            ++measuring_steps_;
        }
        switch (phase_) {
        case phase::warm_in_order:
        case phase::warm_graph:
            if (steps_ >= warm_steps) {
                advance();
            }
            break;
        case phase::time_in_order:
        case phase::time_graph:
            timed_seconds_ += seconds;
            if ((steps_ >= min_timed_steps && timed_seconds_ >= min_timed_seconds) ||
                steps_ >= max_timed_steps) {
                const double per_step = timed_seconds_ / static_cast<double>(steps_);
                (phase_ == phase::time_in_order ? in_order_ : graph_) = per_step;
                advance();
            }
            break;
        case phase::decided:
            if (++steps_ >= recheck_after_) {
                recheck_after_ = std::min(2 * recheck_after_, max_recheck_after);
                steps_ = 0;
                phase_ = phase::warm_in_order;
            }
            break;
        }
    }

private:
    enum class phase { warm_in_order, time_in_order, warm_graph, time_graph, decided };

    void advance() noexcept {
        steps_ = 0;
        timed_seconds_ = 0.0;
        phase_ = static_cast<phase>(static_cast<int>(phase_) + 1);
        if (phase_ == phase::decided) {
            // The graph must win clearly: its hand-offs cost more when the timing is a tie.
            chosen_ = graph_ < 0.95 * in_order_ ? way::graph : way::in_order;
            chose_ = true;
            // Measuring runs the slower way for a while: keep it under a tenth of the steps.
            recheck_after_ = std::max(recheck_after_, 10 * measuring_steps_);
            measuring_steps_ = 0;
        }
    }

    static constexpr std::uint64_t warm_steps = 8;
    static constexpr std::uint64_t min_timed_steps = 16;
    static constexpr std::uint64_t max_timed_steps = 2048;
    static constexpr double min_timed_seconds = 0.02;
    static constexpr std::uint64_t first_recheck_after = 1000;
    static constexpr std::uint64_t max_recheck_after = std::uint64_t{1} << 20U;

    phase phase_ = phase::warm_in_order;
    std::uint64_t steps_ = 0;
    double timed_seconds_ = 0.0;
    double in_order_ = 0.0; // seconds per step of each way
    double graph_ = 0.0;
    way chosen_ = way::in_order;
    bool chose_ = false;
    std::uint64_t recheck_after_ = first_recheck_after; // decided steps before measuring again
    std::uint64_t measuring_steps_ = 0; // steps of the current measurement, both ways
};

} // namespace spark::runtime::detail
