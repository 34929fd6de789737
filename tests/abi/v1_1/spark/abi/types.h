// SPDX-License-Identifier: Apache-2.0
// Data that flows between modules: payload kinds, element types, shapes, port specs and the
// borrowed buffer views a step reads and writes.
#pragma once
#include <stdbool.h>
#include <stdint.h>

#include "version.h"

#ifdef __cplusplus
extern "C" {
#endif

/// What a port carries. Values are int32_t constants, never an enum-typed field.
enum {
    /// uint8 per element: bit0 = spike, bit1 = the emitting neuron is inhibitory (upstream's
    /// SpikeArray encoding; a silent inhibitory neuron is 0b10).
    SPARK_PAYLOAD_SPIKES = 1,
    SPARK_PAYLOAD_FLOAT = 2, // float32 or float64 (SPARK_DTYPE_*): currents, potentials, signals
    SPARK_PAYLOAD_INT = 3,   // int32 values
    SPARK_PAYLOAD_BOOL_MASK = 4, // uint8 per element, 0 or 1
    /// Port descriptors only, never a spec or buffer: an input that takes any payload (its spec
    /// says which, e.g. a concatenation of spikes or of floats), and an output shaped like such
    /// an input (SPARK_SHAPE_LIKE_PORT) that carries the same kind and dtype, or one build()
    /// decides (SPARK_SHAPE_COMPUTED).
    SPARK_PAYLOAD_ANY = 5,
};

/// Element type of a buffer.
enum {
    SPARK_DTYPE_U8 = 1,  // spikes and bool masks
    SPARK_DTYPE_I32 = 2, // int payloads
    SPARK_DTYPE_F32 = 3, // the default float type
    SPARK_DTYPE_F64 = 4, // float on request
};

/// The largest rank a port or state array can have.
#define SPARK_MAX_RANK 8

/// A concrete shape. Inline dims so that nobody owns a separate allocation.
/// rank 0 is a scalar (one element).
typedef struct spark_shape {
    uint32_t rank;
    uint32_t dims[SPARK_MAX_RANK]; // dims[rank..] are 0
} spark_shape_t;

/// A concrete port: what a connection carries once shapes are known (after build, or from a
/// contract before build). Plain data; copying it is always fine.
typedef struct spark_port_spec {
    int32_t payload_kind; // SPARK_PAYLOAD_*
    int32_t dtype;        // SPARK_DTYPE_*; spikes and masks are always SPARK_DTYPE_U8
    spark_shape_t shape;
} spark_port_spec_t;

/// A borrowed view of a host-owned buffer. For inputs the plugin only reads `data`; for outputs
/// it writes every element. `data` is aligned to at least 64 bytes and is valid only for the call
/// it is passed to. Elements are laid out row-major (C order), `count` = product of the dims.
typedef struct spark_buffer {
    void* data;
    uint64_t count;         // number of elements
    spark_port_spec_t spec; // what the elements are
} spark_buffer_t;

/// Bytes per element of a SPARK_DTYPE_* value; 0 for an unknown dtype. [thread-safe]
static inline uint32_t spark_dtype_size(int32_t dtype) {
    switch (dtype) {
    case SPARK_DTYPE_U8:
        return 1;
    case SPARK_DTYPE_I32:
    case SPARK_DTYPE_F32:
        return 4;
    case SPARK_DTYPE_F64:
        return 8;
    default:
        return 0;
    }
}

/// The element type that carries a payload kind: spikes and masks are uint8, ints int32, and
/// floats whatever the module computes in (`float_dtype`, SPARK_DTYPE_F32 or SPARK_DTYPE_F64).
/// [thread-safe]
static inline int32_t spark_payload_dtype(int32_t payload_kind, int32_t float_dtype) {
    switch (payload_kind) {
    case SPARK_PAYLOAD_SPIKES:
    case SPARK_PAYLOAD_BOOL_MASK:
        return SPARK_DTYPE_U8;
    case SPARK_PAYLOAD_INT:
        return SPARK_DTYPE_I32;
    default:
        return float_dtype;
    }
}

#ifdef __cplusplus
}
#endif
