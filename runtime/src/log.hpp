// SPDX-License-Identifier: Apache-2.0
// The runtime's logger, "spark.runtime" (internal). Like the registry's, it writes to the sinks of
// spdlog's default logger with the global level and pattern, so a host (or the CLI) decides where
// messages go by setting the default logger before using Spark.
#pragma once
#include <spdlog/spdlog.h>

namespace spark::runtime::detail {

/// Created on first use unless the host registered a logger of that name first.
[[nodiscard]] spdlog::logger& logger();

} // namespace spark::runtime::detail
