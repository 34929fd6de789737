// SPDX-License-Identifier: Apache-2.0
#include "host_services.hpp"

#include <cstring>
#include <utility>

#include <spdlog/spdlog.h>

#include <spark/abi/services.h>
#include <spark/abi/version.h>

#include "initializer_service.hpp"

namespace spark::registry::detail {
namespace {

spdlog::level::level_enum level_of(int32_t severity) noexcept {
    switch (severity) {
    case SPARK_SEVERITY_TRACE:
        return spdlog::level::trace;
    case SPARK_SEVERITY_DEBUG:
        return spdlog::level::debug;
    case SPARK_SEVERITY_INFO:
        return spdlog::level::info;
    case SPARK_SEVERITY_WARNING:
        return spdlog::level::warn;
    default:
        // An unknown severity is more likely a newer, graver one than a chatty one.
        return severity < SPARK_SEVERITY_TRACE ? spdlog::level::trace : spdlog::level::err;
    }
}

std::mutex& logger_creation_mutex() {
    static std::mutex mutex;
    return mutex;
}

} // namespace

std::shared_ptr<spdlog::logger> logger_for(const std::string& name) {
    const std::lock_guard lock(logger_creation_mutex());
    if (auto existing = spdlog::get(name)) {
        return existing;
    }
    const auto& sinks = spdlog::default_logger()->sinks();
    auto logger = std::make_shared<spdlog::logger>(name, sinks.begin(), sinks.end());
    try {
        spdlog::initialize_logger(logger); // global level and formatter, and registration
    } catch (const spdlog::spdlog_ex&) {
        // Someone else registered the name in between: use theirs.
        if (auto existing = spdlog::get(name)) {
            return existing;
        }
    }
    return logger;
}

host_record::host_record(attribution to)
    : logger_(logger_for(to.logger)), prefix_(std::move(to.prefix)),
      initializers_(std::move(to.initializers)), services_(std::move(to.services)) {
    host_.abi_version = SPARK_ABI_VERSION_INIT;
    host_.host_data = this;
    host_.report = &host_record::report;
    host_.wants = &host_record::wants;
    host_.get_service = &host_record::get_service;
}

std::string host_record::take_last_error() {
    const std::lock_guard lock(mutex_);
    return std::exchange(last_error_, std::string());
}

void host_record::clear_last_error() noexcept {
    const std::lock_guard lock(mutex_);
    last_error_.clear(); // keeps the capacity: no allocation on the step path
}

void host_record::report(const spark_host_t* self, int32_t severity, const char* message) noexcept {
    if (self == nullptr || self->host_data == nullptr) {
        return;
    }
    auto& record = host_record::of(self);
    const char* text = message != nullptr ? message : "(null message)";
    // Never let a logging or allocation failure escape into plugin code.
    try {
        if (severity >= SPARK_SEVERITY_ERROR) {
            // An error report precedes an error status, which the host turns into one exception
            // carrying this text: logging it as an error too would tell the user twice.
            const std::lock_guard lock(record.mutex_);
            record.last_error_.assign(text);
            record.logger_->debug("{}{}", record.prefix_, text);
            return;
        }
        record.logger_->log(level_of(severity), "{}{}", record.prefix_, text);
    } catch (...) {
    }
}

int32_t host_record::wants(const spark_host_t* self, int32_t severity) noexcept {
    if (self == nullptr || self->host_data == nullptr) {
        return 0;
    }
    return host_record::of(self).logger_->should_log(level_of(severity)) ? 1 : 0;
}

const void* host_record::get_service(const spark_host_t* self, const char* id) noexcept {
    if (self == nullptr || self->host_data == nullptr || id == nullptr) {
        return nullptr;
    }
    if (std::strcmp(id, SPARK_SERVICE_INITIALIZERS) == 0 && of(self).initializers_ != nullptr) {
        return initializer_catalogue::service();
    }
    if (std::strcmp(id, SPARK_SERVICE_SPARSE_INITIALIZERS) == 0 &&
        of(self).initializers_ != nullptr) {
        return initializer_catalogue::sparse_service();
    }
    for (const auto& service : of(self).services_) {
        if (std::strcmp(id, service.id) == 0) {
            return service.table;
        }
    }
    return nullptr; // unknown ids: plugins must cope with NULL
}

} // namespace spark::registry::detail
