// SPDX-License-Identifier: Apache-2.0
// The spark_host_t the registry gives a plugin's init and each instance: routes report() to an
// spdlog logger and remembers the last error so that a failing status becomes one plugin_error.
#pragma once
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <spdlog/logger.h>

#include <spark/abi/host.h>
#include <spark/registry/host_service.hpp>

namespace spark::registry::detail {

/// The logger `name`, created on first use with the default logger's sinks and the global level
/// (so a host that redirects the default logger sees plugin messages too).
std::shared_ptr<spdlog::logger> logger_for(const std::string& name);

class initializer_catalogue;

/// Where a host's messages go: the logger's name and a prefix for each message (e.g. "'A_ex': "),
/// and which initializer types its SPARK_SERVICE_INITIALIZERS service can run (none when null).
struct attribution {
    std::string logger;
    std::string prefix;
    std::shared_ptr<const initializer_catalogue> initializers = nullptr;
    std::vector<host_service> services = {}; // further services by id (the runtime's)
};

/// One spark_host_t and what it attributes messages to. Not movable: host_data points at it.
class host_record {
public:
    explicit host_record(attribution to);
    host_record(const host_record&) = delete;
    host_record& operator=(const host_record&) = delete;
    ~host_record() = default;

    [[nodiscard]] const spark_host_t* abi() const noexcept { return &host_; }
    /// The record behind a spark_host_t this class made.
    [[nodiscard]] static host_record& of(const spark_host_t* host) noexcept {
        return *static_cast<host_record*>(host->host_data);
    }
    [[nodiscard]] const initializer_catalogue* initializers() const noexcept {
        return initializers_.get();
    }
    /// The services this host offers by id (the runtime's, e.g. SPARK_SERVICE_PARALLEL).
    [[nodiscard]] const std::vector<host_service>& services() const noexcept { return services_; }
    /// The last message reported with SPARK_SEVERITY_ERROR or worse (empty if none); clears it.
    [[nodiscard]] std::string take_last_error();
    /// Forget a stale error message before a new call. No allocation.
    void clear_last_error() noexcept;

private:
    static void SPARK_ABI report(const spark_host_t* self,
                                 int32_t severity,
                                 const char* message) noexcept;
    static int32_t SPARK_ABI wants(const spark_host_t* self, int32_t severity) noexcept;
    static const void* SPARK_ABI get_service(const spark_host_t* self, const char* id) noexcept;

    spark_host_t host_{};
    std::shared_ptr<spdlog::logger> logger_;
    std::string prefix_;
    std::shared_ptr<const initializer_catalogue> initializers_;
    std::vector<host_service> services_;
    std::mutex mutex_; // guards last_error_: report() may come from any step thread
    std::string last_error_;
};

} // namespace spark::registry::detail
