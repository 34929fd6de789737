// SPDX-License-Identifier: Apache-2.0
// Services a host offers through spark_host_t.get_service(id). Each is a frozen struct under a
// versioned id; a new capability is a new id.
#pragma once
#include <stdint.h>

#include "host.h"
#include "schema.h"
#include "status.h"
#include "types.h"
#include "version.h"

#ifdef __cplusplus
extern "C" {
#endif

/// Runs initializer types (kind SPARK_KIND_INITIALIZER) of any plugin, e.g. a synapse kernel's
/// "sparse_uniform_initializer": a module never needs to know which plugin provides one.
#define SPARK_SERVICE_INITIALIZERS "spark.host.initializers/1"

typedef struct spark_initializer_service {
    spark_version_t abi_version; // the host's ABI version

    /// Fill every element of `out` (its spec gives shape and dtype) by running the initializer
    /// type whose canonical id is config->class_ref with `config` (typically a nested config
    /// the caller received in an INITIALIZER field, possibly copied with changed values).
    /// Returns SPARK_OK, or an error status after reporting a message through `host`.
    /// `host` is the calling instance's host. All pointers are borrowed for the call.
    /// [main-thread], during the caller's create, build or reset.
    spark_status(SPARK_ABI* initialize)(const spark_host_t* host,
                                        const spark_config_t* config,
                                        const spark_buffer_t* out);
} spark_initializer_service_t;

#ifdef __cplusplus
}
#endif
