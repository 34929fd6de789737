// SPDX-License-Identifier: Apache-2.0
// `spark run --step-timeout SECONDS`: a thread that notices a step running longer than the
// timeout (a module that never returns from step()), so that the run can name the module and
// finalise its recordings although the stuck step can never be stopped.
#pragma once
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <thread>

namespace spark::cli {

class step_watchdog {
public:
    /// Called on the watchdog's thread, at most once, with the index of the step that has run
    /// longer than the timeout. It may end the process (the stuck step cannot be stopped); if
    /// it returns, the watchdog stops watching.
    using on_timeout = std::function<void(std::uint64_t step)>;

    /// Watches only when `timeout_seconds` > 0; otherwise every call is a cheap no-op.
    step_watchdog(double timeout_seconds, on_timeout fire);
    ~step_watchdog(); // stops and joins the thread
    step_watchdog(const step_watchdog&) = delete;
    step_watchdog& operator=(const step_watchdog&) = delete;

    /// Step `step` starts now (the stepping thread, before brain::step()).
    void started(std::uint64_t step) noexcept;
    /// The step that started has returned.
    void ended() noexcept;
    /// Whether step `step` is still running (the callback checks this under the lock that
    /// ended() is called under, so that a step that just returned is not reported).
    [[nodiscard]] bool running(std::uint64_t step) const noexcept;

private:
    void watch();

    double timeout_seconds_;
    on_timeout fire_;
    // The step in progress, read together: one uncontended lock per step costs ~20 ns.
    mutable std::mutex state_mutex_;
    bool running_ = false;
    std::uint64_t step_ = 0;
    std::int64_t started_ns_ = 0; // steady_clock, when the step started
    std::mutex mutex_;            // for wake_ and stop_
    std::condition_variable wake_;
    bool stop_ = false;
    std::thread thread_; // last: starts once everything above is ready
};

} // namespace spark::cli
