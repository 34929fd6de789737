// SPDX-License-Identifier: Apache-2.0
#include "log.hpp"

#include <memory>

namespace spark::runtime::detail {

spdlog::logger& logger() {
    // A function-local static: created once, thread-safely, on first use.
    static const std::shared_ptr<spdlog::logger> instance = [] {
        constexpr const char* name = "spark.runtime";
        if (auto existing = spdlog::get(name)) {
            return existing;
        }
        const auto& sinks = spdlog::default_logger()->sinks();
        auto created = std::make_shared<spdlog::logger>(name, sinks.begin(), sinks.end());
        try {
            spdlog::initialize_logger(created); // global level and pattern, and registration
        } catch (const spdlog::spdlog_ex&) {
            if (auto existing = spdlog::get(name)) {
                return existing; // registered by someone else in between
            }
        }
        return created;
    }();
    return *instance;
}

} // namespace spark::runtime::detail
