// SPDX-License-Identifier: Apache-2.0
#include "step_watchdog.hpp"

#include <algorithm>
#include <chrono>

namespace spark::cli {
namespace {

std::int64_t now_ns() {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

} // namespace

step_watchdog::step_watchdog(double timeout_seconds, on_timeout fire)
    : timeout_seconds_(timeout_seconds), fire_(std::move(fire)) {
    if (timeout_seconds_ > 0) {
        thread_ = std::thread([this] { watch(); });
    }
}

step_watchdog::~step_watchdog() {
    if (thread_.joinable()) {
        {
            const std::lock_guard lock(mutex_);
            stop_ = true;
        }
        wake_.notify_all();
        thread_.join();
    }
}

void step_watchdog::started(std::uint64_t step) noexcept {
    if (timeout_seconds_ > 0) {
        const std::lock_guard lock(state_mutex_);
        step_ = step;
        started_ns_ = now_ns();
        running_ = true;
    }
}

void step_watchdog::ended() noexcept {
    if (timeout_seconds_ > 0) {
        const std::lock_guard lock(state_mutex_);
        running_ = false;
    }
}

bool step_watchdog::running(std::uint64_t step) const noexcept {
    const std::lock_guard lock(state_mutex_);
    return running_ && step_ == step;
}

void step_watchdog::watch() {
    const auto timeout_ns = static_cast<std::int64_t>(timeout_seconds_ * 1e9);
    // Look 20 times per timeout, at most every 50 ms: a hang is named within 5 % (or 50 ms)
    // of the timeout, and a long timeout costs almost nothing.
    const auto poll =
        std::chrono::nanoseconds(std::clamp<std::int64_t>(timeout_ns / 20, 1'000'000, 50'000'000));
    std::unique_lock lock(mutex_);
    while (!wake_.wait_for(lock, poll, [this] { return stop_; })) {
        std::uint64_t step = 0;
        bool overdue = false;
        {
            const std::lock_guard state(state_mutex_);
            step = step_;
            overdue = running_ && now_ns() - started_ns_ > timeout_ns;
        }
        if (overdue) {
            lock.unlock();
            fire_(step);
            return;
        }
    }
}

} // namespace spark::cli
