// SPDX-License-Identifier: Apache-2.0
// Test plugin "runtime_faulty" (vendor "rtf"): types that load fine but fail a stage of
// `spark plugins check` each, in a known way.
#include <stdint.h>

#include "accumulate.h"

static const spark_field_desc_t needs_limit_fields[] = {
    {"limit", SPARK_FIELD_INT, NULL, "", "no default: a config must set it", NULL, 0, 0, 0},
};

#define CREATE(behaviour_name, behaviour)                                                          \
    static spark_status SPARK_ABI create_##behaviour_name(const spark_module_type_t* type,         \
                                                          const spark_host_t* host,                \
                                                          const spark_config_t* config,            \
                                                          const char* name,                        \
                                                          spark_module_t** out) {                  \
        (void)name;                                                                                \
        return accumulate_create(type, host, config, behaviour, out);                              \
    }
CREATE(normal, ACCUMULATE_NORMAL)
CREATE(nan, ACCUMULATE_NAN_AT_STEP_5)
CREATE(forgetful, ACCUMULATE_FORGETFUL)
CREATE(bad_shape, ACCUMULATE_BAD_SHAPE)

// Not deterministic: every call fills different values.
static spark_status SPARK_ABI noisy_initialize(const spark_module_type_t* type,
                                               const spark_host_t* host,
                                               const spark_config_t* config,
                                               const spark_buffer_t* out) {
    static uint64_t calls = 0;
    (void)type;
    (void)host;
    (void)config;
    ++calls;
    for (uint64_t i = 0; i < out->count; ++i) {
        accumulate_write(out, i, (double)(calls + i));
    }
    return SPARK_OK;
}

#define MODULE_TYPE(ref, fields, field_count, create, description)                                 \
    {                                                                                              \
        SPARK_ABI_VERSION_INIT, ref, "rtf", "1.0.0", SPARK_KIND_COMPONENT, description, fields,    \
            field_count, accumulate_ports, 2, create, NULL, NULL                                   \
    }

static const spark_module_type_t needs_limit_type =
    MODULE_TYPE("needs_limit", needs_limit_fields, 1, create_normal, "a required field");
static const spark_module_type_t nan_out_type =
    MODULE_TYPE("nan_out", NULL, 0, create_nan, "writes NaN at step 5");
static const spark_module_type_t forgetful_type =
    MODULE_TYPE("forgetful", NULL, 0, create_forgetful, "keeps state it does not expose");
static const spark_module_type_t bad_shape_type =
    MODULE_TYPE("bad_shape", NULL, 0, create_bad_shape, "ignores its shape rule");
static const spark_module_type_t noisy_type = {
    SPARK_ABI_VERSION_INIT,
    "noisy",
    "rtf",
    "1.0.0",
    SPARK_KIND_INITIALIZER,
    "different values every call",
    NULL,
    0,
    NULL,
    0,
    NULL,
    noisy_initialize,
    NULL, /* type_extension: ABI 1.1 */
};

static const spark_module_type_t* const all_types[] = {
    &needs_limit_type, &nan_out_type, &forgetful_type, &bad_shape_type, &noisy_type};

static const spark_module_type_t* const* SPARK_ABI faulty_types(uint32_t* count) {
    *count = 5;
    return all_types;
}

SPARK_EXPORT extern const spark_plugin_entry_t spark_plugin_entry;
const spark_plugin_entry_t spark_plugin_entry = {SPARK_ABI_VERSION_INIT,
                                                 "test.runtime_faulty",
                                                 "rtf",
                                                 "0.1.0",
                                                 "types that fail checks on purpose",
                                                 accumulate_init,
                                                 faulty_types,
                                                 accumulate_deinit};
