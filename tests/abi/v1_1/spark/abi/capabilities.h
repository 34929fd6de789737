// SPDX-License-Identifier: Apache-2.0
// ABI 1.1: what a module type can do, asked without creating an instance: whether its instances
// publish a contract (so a composition or brain can check a cycle before creating anything), a
// config that builds and steps it, and which nested types each nested-config field accepts.
// Rationale: docs/adr/0013-neurons-as-compositions.md.
#pragma once
#include <stdbool.h>
#include <stdint.h>

#include "version.h"

#ifdef __cplusplus
extern "C" {
#endif

/// The type-level extension id (spark_module_type.type_extension): spark_type_capabilities_t.
#define SPARK_EXT_TYPE_CAPABILITIES "spark.type.capabilities/1"

/// The nested types one CONFIG or INITIALIZER field of the schema accepts.
typedef struct spark_nested_accepts {
    const char* field;             // the field's name in the schema
    const char* const* class_refs; // accepted types, as "vendor.class_ref"
    uint32_t count;                // 0: any type of the field's nested_kind
} spark_nested_accepts_t;

typedef struct spark_type_capabilities {
    spark_version_t abi_version; // the ABI the plugin was compiled against

    /// Every instance fills spark_module.contract (it can be part of a cycle).
    bool has_contract;

    /// A JSON object of field values (only those that differ from the defaults) with which the
    /// type creates, builds and steps when every input is given a spec of its port's payload and
    /// a shape of [8] (an int array field of `units` is [8] here too), e.g. `{"size": 8}`; `{}`
    /// when the defaults do. NULL when the type cannot say.
    const char* example_config;

    /// One entry per nested field that limits its types; a field without an entry takes any type
    /// of its nested_kind.
    const spark_nested_accepts_t* nested;
    uint32_t nested_count;
} spark_type_capabilities_t;

#ifdef __cplusplus
}
#endif
