// SPDX-License-Identifier: Apache-2.0
// ABI 1.1: initializers that fill sparsely. A kernel of N x N synapses at a fixed in-degree has
// N * k non-zero weights; filling it densely costs N^2 (256 GB of floats at N = 256k). An
// initializer type that offers this type-level extension (spark_type_extension) gives the
// non-zero elements row by row at a cost per non-zero, and single elements by index, with exactly
// the values its initialize() writes. Rationale:
// docs/adr/0011-type-extensions-and-sparse-initializers.md.
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

struct spark_module_type;

/// The type-level extension id (spark_module_type.type_extension).
#define SPARK_EXT_SPARSE_INITIALIZER "spark.ext.sparse_initializer/1"

/// Receives the non-zero elements of one row (spark_sparse_initializer.fill_rows).
typedef struct spark_row_sink {
    void* context; // the caller's; passed back to row()

    /// Row `row` holds `count` non-zero elements: at `columns` (positions within the row,
    /// ascending) with `values` (`count` elements of the spec's dtype). Both arrays are borrowed
    /// for the call. Return SPARK_OK to go on; any other status stops the fill, which returns it.
    spark_status(SPARK_ABI* row)(
        void* context, uint64_t row, const uint64_t* columns, const void* values, uint64_t count);
} spark_row_sink_t;

typedef struct spark_sparse_initializer {
    spark_version_t abi_version; // the ABI the plugin was compiled against

    /// The expected share of non-zero elements (in [0, 1]) for `config`, without drawing: a
    /// caller decides from it whether to keep the array sparse. [thread-safe]
    spark_status(SPARK_ABI* density)(const struct spark_module_type* type,
                                     const spark_host_t* host,
                                     const spark_config_t* config,
                                     double* out);

    /// The non-zero elements of rows [row_begin, row_end) of the array that initialize() fills
    /// for `config` and `spec` (shape and dtype), where a row is `row_length` consecutive
    /// elements in row-major order; row_length is a multiple of the last dimension and divides
    /// the element count. Exactly initialize()'s non-zero elements, the same values bit for bit,
    /// at a cost per non-zero element rather than per element. Calls sink->row once per row, in
    /// ascending order, also for an empty row. SPARK_ERR_UNSUPPORTED (reported) when this config
    /// cannot be filled so; the caller then fills densely. [thread-safe: calls for disjoint rows
    /// may run at once]
    spark_status(SPARK_ABI* fill_rows)(const struct spark_module_type* type,
                                       const spark_host_t* host,
                                       const spark_config_t* config,
                                       const spark_port_spec_t* spec,
                                       uint64_t row_length,
                                       uint64_t row_begin,
                                       uint64_t row_end,
                                       const spark_row_sink_t* sink);

    /// The elements at `indices` (row-major positions in `spec`'s shape, any order) of the array
    /// that initialize() fills for `config` and `spec`, bit for bit, into `out` (`count`
    /// elements of the spec's dtype). [thread-safe]
    spark_status(SPARK_ABI* values_at)(const struct spark_module_type* type,
                                       const spark_host_t* host,
                                       const spark_config_t* config,
                                       const spark_port_spec_t* spec,
                                       const uint64_t* indices,
                                       uint64_t count,
                                       void* out);
} spark_sparse_initializer_t;

#ifdef __cplusplus
}
#endif
