// SPDX-License-Identifier: Apache-2.0
#include "stop_signals.hpp"

#include <array>
#include <atomic>
#include <csignal>
#include <signal.h>

namespace spark::cli {
namespace {

constexpr std::array<int, 3> stop_signal_numbers{SIGINT, SIGTERM, SIGHUP};

// Lock-free, so that storing it from a signal handler is async-signal-safe.
std::atomic<int> first_signal{0};
static_assert(std::atomic<int>::is_always_lock_free);

std::array<struct sigaction, stop_signal_numbers.size()> previous{};

extern "C" void remember_signal(int signal) {
    int none = 0;
    (void)first_signal.compare_exchange_strong(none, signal);
}

} // namespace

stop_signals::stop_signals() {
    first_signal.store(0);
    struct sigaction action {};
    action.sa_handler = remember_signal;
    sigemptyset(&action.sa_mask);
    // Interrupted reads and writes resume: the run stops between steps, never inside a write.
    action.sa_flags = SA_RESTART;
    for (std::size_t i = 0; i < stop_signal_numbers.size(); ++i) {
        ::sigaction(stop_signal_numbers[i], &action, &previous[i]);
    }
}

stop_signals::~stop_signals() {
    for (std::size_t i = 0; i < stop_signal_numbers.size(); ++i) {
        ::sigaction(stop_signal_numbers[i], &previous[i], nullptr);
    }
}

int stop_signals::received() noexcept {
    return first_signal.load();
}

const char* signal_name(int signal) noexcept {
    switch (signal) {
    case SIGINT:
        return "SIGINT";
    case SIGTERM:
        return "SIGTERM";
    case SIGHUP:
        return "SIGHUP";
    default:
        return "a signal";
    }
}

} // namespace spark::cli
