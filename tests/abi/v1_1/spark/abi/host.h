// SPDX-License-Identifier: Apache-2.0
// What the host offers a plugin: message reporting (routed to the host's log) and a way to ask for
// further services by id.
#pragma once
#include <stdint.h>

#include "version.h"

#ifdef __cplusplus
extern "C" {
#endif

/// Severity of a reported message. Fixed-width int32_t values, not an enum type.
enum {
    SPARK_SEVERITY_TRACE = 0,
    SPARK_SEVERITY_DEBUG = 1,
    SPARK_SEVERITY_INFO = 2,
    SPARK_SEVERITY_WARNING = 3,
    SPARK_SEVERITY_ERROR = 4,
};

/// Services the host gives a plugin. The host hands one spark_host_t to the plugin's init and a
/// distinct one to each instance it creates (so that messages are attributed to that instance).
/// Ownership: the host's; valid until the matching deinit / destroy returns.
typedef struct spark_host {
    spark_version_t abi_version; // the host's ABI version
    void* host_data;             // reserved for the host; the plugin never reads it

    /// Report a message. The host copies `message` (UTF-8, NUL-terminated) before returning.
    /// A failing call reports with SPARK_SEVERITY_ERROR and then returns a non-OK status: the host
    /// turns the last error message and the status into one error naming type and instance.
    /// Never fails, never throws, never blocks on I/O. [thread-safe], any lifecycle state.
    void(SPARK_ABI* report)(const struct spark_host* self, int32_t severity, const char* message);

    /// Whether a message of this severity would be recorded (so a plugin can skip formatting it).
    /// [thread-safe]
    int32_t(SPARK_ABI* wants)(const struct spark_host* self, int32_t severity);

    /// A further host service for `id` (e.g. "spark.host.initializers/1"), or NULL when this host
    /// has none. The result lives as long as `self`. [thread-safe]
    const void*(SPARK_ABI* get_service)(const struct spark_host* self, const char* id);
} spark_host_t;

#ifdef __cplusplus
}
#endif
