// SPDX-License-Identifier: Apache-2.0
// ABI 1.2: populations that run in slices. A population too large for one process runs as
// several instances, each holding a range of its neurons and the synapses onto them (the
// postsynaptic side), on different ranks (docs/scaling.md). A type offers this type-level
// extension when a slice of it computes exactly what the whole population computes for those
// neurons, bit for bit, whatever the slicing. Rationale: docs/adr/0023-population-slices.md.
#pragma once
#include <stdbool.h>
#include <stdint.h>

#include "host.h"
#include "schema.h"
#include "status.h"
#include "version.h"

#ifdef __cplusplus
extern "C" {
#endif

struct spark_module;
struct spark_module_type;

/// The type-level extension id (spark_module_type.type_extension): spark_type_slices_t.
#define SPARK_EXT_TYPE_SLICES "spark.type.slices/1"

typedef struct spark_type_slices {
    spark_version_t abi_version; // the ABI the plugin was compiled against

    /// The int-array field whose elements are the population's neurons (e.g. "units"). Every
    /// output port of the type has its shape from this field (SPARK_SHAPE_FROM_FIELD).
    const char* field;

    /// Creates the slice of neurons [begin, end) (row-major positions in `field`'s shape,
    /// 0 <= begin < end <= its element count) of the population `config` describes. The slice:
    /// - reads every input port as the whole population would (the same specs at build, the
    ///   same values at every step), and picks out its own neurons where an input is per neuron;
    /// - has every output port, and every property declared FROM_FIELD `field`, of shape
    ///   [end - begin], holding elements [begin, end) of the whole population's;
    /// - draws its random numbers so that every value it computes (outputs, properties, weights,
    ///   delays, masks) is bit for bit the whole population's for those neurons, whatever
    ///   slices the population is cut into.
    /// Its state arrays (checkpoints) are its own. Otherwise as spark_module_type.create.
    /// [main-thread]
    spark_status(SPARK_ABI* create_slice)(const struct spark_module_type* type,
                                          const spark_host_t* host,
                                          const spark_config_t* config,
                                          const char* name,
                                          uint64_t begin,
                                          uint64_t end,
                                          struct spark_module** out);

    /// For slice `self` after build: `*rows` = true when property `index` holds the whole
    /// population's rows [begin, end) (its shape is [end - begin] followed by the dims that
    /// follow `field`'s in the whole property's shape, e.g. a kernel [post, pre] as
    /// [end - begin, pre]); false when it equals the whole population's property (e.g. a delay
    /// per presynaptic neuron). Errors as spark_properties. [main-thread]
    spark_status(SPARK_ABI* property_rows)(struct spark_module* self, uint32_t index, bool* rows);
} spark_type_slices_t;

#ifdef __cplusplus
}
#endif
