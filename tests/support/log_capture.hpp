// SPDX-License-Identifier: Apache-2.0
// A recording spdlog sink and a Boost.Test global fixture that routes every spdlog logger into it,
// so that tests can assert on what the libraries and the plugins logged.
//
// Usage: in the area's main.cpp, `using spark::test::log_capture_fixture;` and
// `BOOST_TEST_GLOBAL_FIXTURE(log_capture_fixture);` (the macro needs an unqualified name),
// then `spark::test::captured_log().contains("spark.registry", "loaded plugin")` in a test.
#pragma once
#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include <spdlog/sinks/base_sink.h>
#include <spdlog/spdlog.h>

namespace spark::test {

/// One recorded message.
struct log_record {
    std::string logger; // e.g. "spark.registry", "spark.plugin.ctest.decay"
    spdlog::level::level_enum level;
    std::string message; // the formatted payload, without pattern decorations
};

/// Records every message it receives. Thread-safe: plugins may log from step threads.
class log_capture_sink final : public spdlog::sinks::base_sink<spdlog::details::null_mutex> {
public:
    static constexpr std::size_t npos = static_cast<std::size_t>(-1);

    /// A copy of everything recorded so far, in arrival order.
    [[nodiscard]] std::vector<log_record> records() const {
        const std::lock_guard lock(records_mutex_);
        return records_;
    }

    void clear() {
        const std::lock_guard lock(records_mutex_);
        records_.clear();
    }

    /// Index of the first record at or after `from` whose logger is `logger` (any logger when
    /// empty) and whose message contains `text`; npos when there is none.
    [[nodiscard]] std::size_t
    find(std::string_view logger, std::string_view text, std::size_t from = 0) const {
        const std::lock_guard lock(records_mutex_);
        for (std::size_t i = from; i < records_.size(); ++i) {
            if ((logger.empty() || records_[i].logger == logger) &&
                records_[i].message.find(text) != std::string::npos) {
                return i;
            }
        }
        return npos;
    }

    [[nodiscard]] bool contains(std::string_view logger, std::string_view text) const {
        return find(logger, text) != npos;
    }
    [[nodiscard]] bool contains(std::string_view text) const { return find({}, text) != npos; }

protected:
    void sink_it_(const spdlog::details::log_msg& msg) override {
        log_record record{std::string(msg.logger_name.begin(), msg.logger_name.end()),
                          msg.level,
                          std::string(msg.payload.begin(), msg.payload.end())};
        const std::lock_guard lock(records_mutex_);
        records_.push_back(std::move(record));
    }
    void flush_() override {}

private:
    // base_sink's own mutex is not reachable from const readers, so the records have their own.
    mutable std::mutex records_mutex_;
    std::vector<log_record> records_;
};

/// The process-wide capture sink.
inline std::shared_ptr<log_capture_sink> captured_log_sink() {
    static const auto sink = std::make_shared<log_capture_sink>();
    return sink;
}

inline log_capture_sink& captured_log() {
    return *captured_log_sink();
}

/// Global fixture: makes the capture sink the default logger's only sink at level trace, before
/// any test runs. Loggers created later (spark.registry, spark.plugin.*) copy the default
/// logger's sinks, so they are captured too.
struct log_capture_fixture {
    log_capture_fixture() {
        auto logger = std::make_shared<spdlog::logger>("spark", captured_log_sink());
        logger->set_level(spdlog::level::trace);
        spdlog::set_default_logger(logger);
        spdlog::set_level(spdlog::level::trace);
    }
    ~log_capture_fixture() { spdlog::shutdown(); }
    log_capture_fixture(const log_capture_fixture&) = delete;
    log_capture_fixture& operator=(const log_capture_fixture&) = delete;
};

} // namespace spark::test
