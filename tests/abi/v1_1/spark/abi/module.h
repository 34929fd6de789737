// SPDX-License-Identifier: Apache-2.0
// Module types (what a plugin offers, readable without creating anything) and module instances
// (their lifecycle across the ABI).
//
// Lifecycle of an instance:  create -> [contract] -> build -> reset -> step* -> (reset -> step*)*
//                            -> destroy.  State get/set is allowed any time after build.
// Threads: [main-thread] is the thread that owns the brain; [step-thread] is any worker thread of
// the host's executor. The host never calls one instance from two threads at once, but different
// instances of the same type may step concurrently. Plugins never spawn threads.
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "host.h"
#include "schema.h"
#include "status.h"
#include "types.h"
#include "version.h"

#ifdef __cplusplus
extern "C" {
#endif

/// What a module type is for.
enum {
    SPARK_KIND_NEURON = 1,            // a population: spikes in, spikes out
    SPARK_KIND_INPUT_INTERFACE = 2,   // signals in, spikes out
    SPARK_KIND_OUTPUT_INTERFACE = 3,  // spikes in, signals out
    SPARK_KIND_CONTROL_INTERFACE = 4, // payload plumbing (concat, sampler)
    SPARK_KIND_COMPONENT = 5,         // soma, synapses, delays, learning rule
    SPARK_KIND_INITIALIZER = 6, // fills arrays (kernels, delays); see spark_module_type.initialize
};

/// Port direction.
enum {
    SPARK_PORT_INPUT = 1,
    SPARK_PORT_OUTPUT = 2,
};

/// How a port's shape is decided (for documentation and for the host's checks before build).
enum {
    SPARK_SHAPE_ANY = 1, // any shape; an input is given the flattened concatenation of its sources
    SPARK_SHAPE_FROM_FIELD = 2, // the int-array config field named `shape_ref` (e.g. "units")
    SPARK_SHAPE_LIKE_PORT = 3,  // the same shape as the port named `shape_ref`
    SPARK_SHAPE_COMPUTED = 4,   // decided by build(); `shape_ref` says how, in words
};

/// One port of a module type. Strings owned by the plugin, alive until its deinit.
typedef struct spark_port_desc {
    const char* name;         // upstream's port name, e.g. "in_spikes", "out_spikes"
    int32_t direction;        // SPARK_PORT_*
    int32_t payload_kind;     // SPARK_PAYLOAD_*
    const char* payload_type; // upstream payload name, e.g. "spike_array", "current_array"
    int32_t shape_rule;       // SPARK_SHAPE_*
    const char* shape_ref;    // see SPARK_SHAPE_*; NULL for SPARK_SHAPE_ANY
    bool required;            // inputs: must be wired; outputs: always true
    const char* description;
} spark_port_desc_t;

/// One named array of an instance's state, exposed for checkpoints.
/// `data` points into the plugin's own memory and stays valid until the next call of build,
/// reset, step, state_loaded or destroy on that instance.
typedef struct spark_state_array {
    const char* name; // unique within the instance, e.g. "potential"
    int32_t dtype;    // SPARK_DTYPE_*
    spark_shape_t shape;
    void* data; // row-major; the host reads it to save and writes it to restore
} spark_state_array_t;

/// What one step sees. All pointers are borrowed for the duration of the step call only.
typedef struct spark_step_context {
    uint64_t step_index;          // 0 for the first step after reset
    double dt;                    // time step [ms]
    const spark_buffer_t* inputs; // one per input port, in port order (unwired optional: count 0)
    uint32_t input_count;
    const spark_buffer_t* outputs; // one per output port, in port order; write every element
    uint32_t output_count;
} spark_step_context_t;

struct spark_module_type;

/// One instance of a module type. Filled in by the type's create(); the host never writes it.
/// Every function: returns SPARK_OK, or reports a message through the instance's host and returns
/// an error status. No function may let an exception or a longjmp escape.
typedef struct spark_module {
    const struct spark_module_type* type; // the type that created this instance
    void* module_data;                    // the plugin's; the host never reads it

    /// Optional (NULL when the type cannot be part of a cycle): the output specs this instance
    /// promises before build, so that recurrent peers can be built against them. Fills one spec
    /// per output port, in port order (`count` is the number of output ports).
    /// [main-thread], after create, before or after build; the promise must hold after build.
    spark_status(SPARK_ABI* contract)(struct spark_module* self,
                                      spark_port_spec_t* outputs,
                                      uint32_t count);

    /// Fix shapes and allocate all state. `inputs` has one spec per input port in port order
    /// (an unwired optional input has rank 0 and payload_kind 0); fill `outputs`, one per output
    /// port. Called once. [main-thread], after create.
    spark_status(SPARK_ABI* build)(struct spark_module* self,
                                   const spark_port_spec_t* inputs,
                                   uint32_t input_count,
                                   spark_port_spec_t* outputs,
                                   uint32_t output_count);

    /// Restore the initial state and write the outputs of "step -1" (what peers read before this
    /// module's first step, e.g. silent spikes that carry inhibition bits) into `outputs`, one
    /// buffer per output port. [main-thread], after build. No allocation.
    spark_status(SPARK_ABI* reset)(struct spark_module* self,
                                   const spark_buffer_t* outputs,
                                   uint32_t output_count);

    /// Advance one time step: read ctx->inputs, write every element of ctx->outputs.
    /// No allocation, no blocking, no I/O. [step-thread], after reset; never concurrently for one
    /// instance.
    spark_status(SPARK_ABI* step)(struct spark_module* self, const spark_step_context_t* ctx);

    /// Describe the state arrays (for checkpoints). Writes min(capacity, n) entries to `arrays`
    /// and n to `*count`; call with capacity 0 to learn n. [main-thread], after build.
    spark_status(SPARK_ABI* state)(struct spark_module* self,
                                   spark_state_array_t* arrays,
                                   uint32_t capacity,
                                   uint32_t* count);

    /// The host has written new contents into the arrays described by state(): check them and
    /// update anything derived. On error the instance must still be usable after reset.
    /// [main-thread], after build.
    spark_status(SPARK_ABI* state_loaded)(struct spark_module* self);

    /// Free the instance; `self` is invalid afterwards. Never fails. [main-thread], any state.
    void(SPARK_ABI* destroy)(struct spark_module* self);

    /// The interface for an extension id (e.g. "spark.ext.example/1"), or NULL. The result is
    /// valid until destroy. [thread-safe]
    const void*(SPARK_ABI* get_extension)(struct spark_module* self, const char* id);
} spark_module_t;

/// A module type: everything the host can know without creating an instance, plus the factory.
/// Owned by the plugin; alive from the plugin's init until its deinit. Released layout is frozen.
typedef struct spark_module_type {
    spark_version_t abi_version; // the ABI this type was compiled against
    const char* class_ref;       // bare name as upstream, e.g. "lif_neuron"
    const char* vendor;          // e.g. "spark", "acme"; the canonical id is "vendor.class_ref"
    const char* version;         // the type's own version, e.g. "1.0.0"
    int32_t kind;                // SPARK_KIND_*
    const char* description;     // one or two sentences

    const spark_field_desc_t* fields; // the config schema (without seed, dtype, dt: always present)
    uint32_t field_count;
    const spark_port_desc_t* ports; // inputs and outputs; port order = buffer order in step
    uint32_t port_count;

    /// Create an instance from a host-validated config. `host` is this instance's host (alive until
    /// destroy returns); `name` is the instance name in the brain (borrowed). On success
    /// `*out` is a new instance owned by the caller, released only through its destroy.
    /// NULL for SPARK_KIND_INITIALIZER types. [main-thread]
    spark_status(SPARK_ABI* create)(const struct spark_module_type* type,
                                    const spark_host_t* host,
                                    const spark_config_t* config,
                                    const char* name,
                                    spark_module_t** out);

    /// SPARK_KIND_INITIALIZER only (NULL otherwise): fill `out` (its spec gives shape and dtype)
    /// from `config` (whose seed selects the random stream). Deterministic in config and shape.
    /// [main-thread]
    spark_status(SPARK_ABI* initialize)(const struct spark_module_type* type,
                                        const spark_host_t* host,
                                        const spark_config_t* config,
                                        const spark_buffer_t* out);

    /// ABI 1.1. What the type offers beyond this struct, asked without creating an instance:
    /// the interface for a type-level extension id (e.g. SPARK_EXT_SPARSE_INITIALIZER), or NULL.
    /// May itself be NULL. The result lives until the plugin's deinit. A 1.0 type's struct ends
    /// before this field: read it only through spark_type_extension(). [thread-safe]
    const void*(SPARK_ABI* type_extension)(const struct spark_module_type* type, const char* id);
} spark_module_type_t;

/// `type`'s extension `id`, or NULL: also for a type compiled against ABI 1.0, whose struct has no
/// type_extension field (it is not read). [thread-safe]
static inline const void* spark_type_extension(const spark_module_type_t* type, const char* id) {
    if (type == NULL || id == NULL || type->abi_version.major != SPARK_ABI_VERSION_MAJOR ||
        type->abi_version.minor < 1 || type->type_extension == NULL) {
        return NULL;
    }
    return type->type_extension(type, id);
}

#ifdef __cplusplus
}
#endif
