// SPDX-License-Identifier: Apache-2.0
// Errors across the ABI (docs/architecture.md section 9.3): a plugin throws status_error (or
// anything else), and guarded() turns it into a message reported through the host plus a status, so
// that no exception ever crosses the boundary. Also the reporting helpers plugins use instead of
// logging.
#pragma once
#include <cstdint>
#include <exception>
#include <new>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>

#include <spark/abi/host.h>
#include <spark/abi/status.h>

namespace spark::sdk {

/// An error with the status the ABI function should return, e.g.
/// `throw status_error(SPARK_ERR_INVALID_ARGUMENT, "limit must be <= 10, got 12");`.
class status_error : public std::runtime_error {
public:
    /// A status of SPARK_OK would report success for a failure: it becomes SPARK_ERR_PLUGIN.
    status_error(spark_status status, const std::string& message)
        : std::runtime_error(message), status_(status == SPARK_OK ? SPARK_ERR_PLUGIN : status) {}
    [[nodiscard]] spark_status status() const noexcept { return status_; }

private:
    spark_status status_;
};

/// A failure whose message is already with the host (e.g. a host service reported it through the
/// calling instance's host): guarded() returns its status without reporting again, so the host's
/// last error stays the informative one.
class already_reported : public status_error {
public:
    explicit already_reported(spark_status status)
        : status_error(status, "the failure was reported through the host") {}
};

/// Sends `message` to the host (which copies it). A null host or callback drops the message:
/// reporting must never be the thing that fails.
inline void report(const spark_host_t* host, std::int32_t severity, const char* message) noexcept {
    if (host != nullptr && host->report != nullptr) {
        host->report(host, severity, message != nullptr ? message : "");
    }
}
inline void
report(const spark_host_t* host, std::int32_t severity, const std::string& message) noexcept {
    report(host, severity, message.c_str());
}

/// Whether the host records messages of `severity`, so that a plugin can skip formatting them.
/// A host without the callback is asked nothing and gets everything.
[[nodiscard]] inline bool wants(const spark_host_t* host, std::int32_t severity) noexcept {
    if (host == nullptr || host->report == nullptr) {
        return false;
    }
    return host->wants == nullptr || host->wants(host, severity) != 0;
}

inline void report_debug(const spark_host_t* host, const std::string& message) noexcept {
    report(host, SPARK_SEVERITY_DEBUG, message);
}
inline void report_info(const spark_host_t* host, const std::string& message) noexcept {
    report(host, SPARK_SEVERITY_INFO, message);
}
inline void report_warning(const spark_host_t* host, const std::string& message) noexcept {
    report(host, SPARK_SEVERITY_WARNING, message);
}
inline void report_error(const spark_host_t* host, const std::string& message) noexcept {
    report(host, SPARK_SEVERITY_ERROR, message);
}

/// The status an exception maps to: a status_error carries its own, an allocation failure is
/// SPARK_ERR_OUT_OF_MEMORY, anything else is SPARK_ERR_PLUGIN.
[[nodiscard]] inline spark_status status_of(const std::exception& e) noexcept {
    if (const auto* with_status = dynamic_cast<const status_error*>(&e)) {
        return with_status->status();
    }
    if (dynamic_cast<const std::bad_alloc*>(&e) != nullptr) {
        return SPARK_ERR_OUT_OF_MEMORY;
    }
    return SPARK_ERR_PLUGIN;
}

/// Runs `fn` (returning void or spark_status) and converts every exception into a reported
/// error message plus a non-OK status. Wrap the body of every function that crosses the ABI.
template <typename Fn>
[[nodiscard]] spark_status guarded(const spark_host_t* host, Fn&& fn) noexcept {
    try {
        if constexpr (std::is_void_v<std::invoke_result_t<Fn&&>>) {
            std::forward<Fn>(fn)();
            return SPARK_OK;
        } else {
            return static_cast<spark_status>(std::forward<Fn>(fn)());
        }
    } catch (const already_reported& e) {
        return e.status();
    } catch (const std::exception& e) {
        // what() of a std::bad_alloc says nothing useful to a user; name the failure instead.
        if (dynamic_cast<const std::bad_alloc*>(&e) != nullptr) {
            report(host, SPARK_SEVERITY_ERROR, "out of memory");
        } else {
            report(host, SPARK_SEVERITY_ERROR, e.what());
        }
        return status_of(e);
    } catch (...) {
        report(host, SPARK_SEVERITY_ERROR, "unknown exception");
        return SPARK_ERR_PLUGIN;
    }
}

} // namespace spark::sdk
