// SPDX-License-Identifier: Apache-2.0
// ABI 1.1: properties, named values of an instance besides its ports (upstream 1.0's
// `spark.property`): a soma's `potential`, a synapse model's writable `kernel`. A composition
// reads them as inputs of its other parts and writes them through effects after a step.
// Declared per type (readable without an instance), accessed per instance, always by copy.
// Rationale: docs/adr/0013-neurons-as-compositions.md.
#pragma once
#include <stdbool.h>
#include <stdint.h>

#include "status.h"
#include "types.h"
#include "version.h"

#ifdef __cplusplus
extern "C" {
#endif

struct spark_module;

/// The type-level extension id (spark_module_type.type_extension): spark_type_properties_t.
#define SPARK_EXT_TYPE_PROPERTIES "spark.type.properties/1"
/// The instance extension id (spark_module.get_extension): spark_properties_t.
#define SPARK_EXT_PROPERTIES "spark.ext.properties/1"

/// One property of a module type. Strings owned by the plugin, alive until its deinit.
typedef struct spark_property_desc {
    const char* name;         // upstream's property name, e.g. "potential", "kernel"
    int32_t payload_kind;     // SPARK_PAYLOAD_* (never SPARK_PAYLOAD_ANY)
    const char* payload_type; // upstream payload name, e.g. "potential_array", "float_array"
    int32_t shape_rule;       // SPARK_SHAPE_*, as for ports; LIKE_PORT names a port
    const char* shape_ref;    // see SPARK_SHAPE_*; NULL for SPARK_SHAPE_ANY
    bool writable;            // whether write() accepts it (an effect may target it)
    const char* description;
} spark_property_desc_t;

/// What a type declares (SPARK_EXT_TYPE_PROPERTIES). Names are unique among the type's
/// properties; one may equal an output port's name when both carry the same value (a soma's
/// `potential`: an output in upstream's first version, a property in 1.0), since a wiring says
/// which of the two it reads.
typedef struct spark_type_properties {
    spark_version_t abi_version; // the ABI the plugin was compiled against
    const spark_property_desc_t* properties;
    uint32_t count;
} spark_type_properties_t;

/// Access to an instance's properties (SPARK_EXT_PROPERTIES). `index` is the position in the
/// type's spark_type_properties_t list. Every function reports a message through the instance's
/// host and returns an error status on failure (SPARK_ERR_INVALID_ARGUMENT for an index out of
/// range or a buffer of another spec, SPARK_ERR_STATE before build, SPARK_ERR_UNSUPPORTED for a
/// write to a read-only property). [main-thread] or the instance's step thread, after build,
/// never during the instance's own step. An instance may be unable to serve a property its type
/// declares (a neuron without delays and its `delays.kernel`): spec() then succeeds with
/// payload_kind 0, and read() and write() fail with SPARK_ERR_UNSUPPORTED, saying why.
typedef struct spark_properties {
    spark_version_t abi_version; // the ABI the plugin was compiled against

    /// The property's concrete spec (payload kind, dtype, shape), fixed by build.
    spark_status(SPARK_ABI* spec)(struct spark_module* self,
                                  uint32_t index,
                                  spark_port_spec_t* out);

    /// Copies the current value into `out` (host-owned; its spec must equal spec()'s; every
    /// element is written). The value is what the last step left, or the state after reset.
    spark_status(SPARK_ABI* read)(struct spark_module* self,
                                  uint32_t index,
                                  const spark_buffer_t* out);

    /// Replaces the value with a copy of `value` (its spec must equal spec()'s), as upstream's
    /// property setter: the next step uses it. A value the type cannot take (e.g. a negative
    /// delay) is refused with SPARK_ERR_INVALID_ARGUMENT and leaves the old value in place.
    spark_status(SPARK_ABI* write)(struct spark_module* self,
                                   uint32_t index,
                                   const spark_buffer_t* value);
} spark_properties_t;

#ifdef __cplusplus
}
#endif
