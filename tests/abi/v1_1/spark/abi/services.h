// SPDX-License-Identifier: Apache-2.0
// Services a host offers through spark_host_t.get_service(id). Each is a frozen struct under a
// versioned id; a new capability is a new id.
#pragma once
#include <stdint.h>

#include "host.h"
#include "schema.h"
#include "sparse_initializer.h"
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

/// ABI 1.1: runs the SPARK_EXT_SPARSE_INITIALIZER extension of an initializer type of any plugin,
/// found by config->class_ref like SPARK_SERVICE_INITIALIZERS' initialize. Each call returns
/// SPARK_ERR_UNSUPPORTED without reporting anything when the type does not offer the extension
/// (its plugin predates ABI 1.1, or it chose not to): the caller then fills densely through
/// SPARK_SERVICE_INITIALIZERS. Any other error status comes after a message through `host`.
/// Arguments and threads as in spark_sparse_initializer_t, during the caller's create, build or
/// reset.
#define SPARK_SERVICE_SPARSE_INITIALIZERS "spark.host.sparse_initializers/1"

typedef struct spark_sparse_initializer_service {
    spark_version_t abi_version; // the host's ABI version

    spark_status(SPARK_ABI* density)(const spark_host_t* host,
                                     const spark_config_t* config,
                                     double* out);
    spark_status(SPARK_ABI* fill_rows)(const spark_host_t* host,
                                       const spark_config_t* config,
                                       const spark_port_spec_t* spec,
                                       uint64_t row_length,
                                       uint64_t row_begin,
                                       uint64_t row_end,
                                       const spark_row_sink_t* sink);
    spark_status(SPARK_ABI* values_at)(const spark_host_t* host,
                                       const spark_config_t* config,
                                       const spark_port_spec_t* spec,
                                       const uint64_t* indices,
                                       uint64_t count,
                                       void* out);
} spark_sparse_initializer_service_t;

/// Runs a module's work in chunks on the host's worker threads, so that one large population can
/// use more than one core in its steps and while it builds (a dense kernel's draw). A host without
/// it (NULL) or with one worker: the plugin runs its chunks itself, in order. Added after ABI 1.0.0
/// as a new id; ABI 1.0 plugins never ask for it.
#define SPARK_SERVICE_PARALLEL "spark.host.parallel/1"

typedef struct spark_parallel_service {
    spark_version_t abi_version; // the host's ABI version
    void* service_data;          // reserved for the host; the plugin never reads it

    /// How many chunks the host may run at once (>= 1; 1 with the sequential executor or one
    /// thread). A plugin that splits work into about this many chunks keeps every worker busy.
    /// [thread-safe]
    uint32_t(SPARK_ABI* workers)(const struct spark_parallel_service* self);

    /// Calls body(context, c) once for every chunk c in [0, chunks), possibly on several threads
    /// at once, and returns when every call has returned. Chunks must write disjoint memory, and
    /// a module's results must not depend on how its work is chunked (the host may run them
    /// serially). body must not throw, block or call back into the host. Returns SPARK_OK.
    /// Only inside the calling module's create, build, reset or step, on the thread that called
    /// them (an initializer called through SPARK_SERVICE_INITIALIZERS is inside its caller's).
    spark_status(SPARK_ABI* run)(const struct spark_parallel_service* self,
                                 uint32_t chunks,
                                 void(SPARK_ABI* body)(void* context, uint32_t chunk),
                                 void* context);
} spark_parallel_service_t;

#ifdef __cplusplus
}
#endif
