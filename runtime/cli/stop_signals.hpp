// SPDX-License-Identifier: Apache-2.0
// SIGINT, SIGTERM and SIGHUP as a request to stop: while a stop_signals object lives, these
// signals only set a flag, which `spark run` reads between steps, so that it stops after the step
// in progress and finalises its recordings instead of dying with half-written files.
#pragma once

namespace spark::cli {

/// Installs the handlers on construction and puts the previous ones back on destruction. The
/// handler does one thing, async-signal-safe: it stores the first signal's number in an atomic
/// flag. Later signals, a second Ctrl-C while the files are finalised among them, change nothing.
class stop_signals {
public:
    stop_signals();
    ~stop_signals();
    stop_signals(const stop_signals&) = delete;
    stop_signals& operator=(const stop_signals&) = delete;

    /// 0 while no stop signal came, else the number of the first one.
    [[nodiscard]] static int received() noexcept;
};

/// "SIGINT", "SIGTERM" or "SIGHUP"; "a signal" for any other number.
[[nodiscard]] const char* signal_name(int signal) noexcept;

} // namespace spark::cli
