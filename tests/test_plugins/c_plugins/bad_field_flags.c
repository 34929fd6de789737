// SPDX-License-Identifier: Apache-2.0
// bad_nullable_float (NULLABLE_ON_FLOAT): a type whose float field `gain` is marked
// SPARK_FIELD_NULLABLE, which only a CONFIG field may be. bad_field_flags (UNKNOWN_FLAG): a type
// whose CONFIG field `delays` sets flag bits the ABI does not define. bad_path_float
// (PATH_ON_FLOAT): a type whose float field `gain` is marked SPARK_FIELD_PATH, which only a
// STRING field may be. The registry must refuse each file.
#include <spark/abi/spark_abi.h>

#include "stub_module.h"

#if defined(NULLABLE_ON_FLOAT)
#    define PLUGIN_ID "test.bad_nullable_float"
static const spark_field_desc_t broken_fields[] = {
    {"gain",
     SPARK_FIELD_FLOAT,
     "1.0",
     "",
     "a number, never none",
     NULL,
     0,
     0,
     SPARK_FIELD_NULLABLE},
};
#elif defined(UNKNOWN_FLAG)
#    define PLUGIN_ID "test.bad_field_flags"
static const spark_field_desc_t broken_fields[] = {
    {"delays",
     SPARK_FIELD_CONFIG,
     "null",
     "",
     "flags from a newer ABI",
     NULL,
     0,
     0,
     SPARK_FIELD_NULLABLE | 12u},
};
#elif defined(PATH_ON_FLOAT)
#    define PLUGIN_ID "test.bad_path_float"
static const spark_field_desc_t broken_fields[] = {
    {"gain", SPARK_FIELD_FLOAT, "1.0", "", "a number, not a path", NULL, 0, 0, SPARK_FIELD_PATH},
};
#else
#    error "define NULLABLE_ON_FLOAT, UNKNOWN_FLAG or PATH_ON_FLOAT"
#endif

static const spark_module_type_t broken_type = {
    SPARK_ABI_VERSION_INIT,
    "broken_flags",
    "test",
    "1.0.0",
    SPARK_KIND_COMPONENT,
    "a type with a field whose flags are wrong",
    broken_fields,
    1,
    stub_ports,
    2,
    stub_create,
    NULL,
    NULL, /* type_extension: ABI 1.1 */
};
static const spark_module_type_t* const all_types[] = {&broken_type};

static spark_status SPARK_ABI plugin_init(const spark_host_t* host) {
    (void)host;
    return SPARK_OK;
}

static const spark_module_type_t* const* SPARK_ABI plugin_types(uint32_t* count) {
    *count = 1;
    return all_types;
}

static void SPARK_ABI plugin_deinit(void) {}

SPARK_EXPORT extern const spark_plugin_entry_t spark_plugin_entry;
const spark_plugin_entry_t spark_plugin_entry = {
    SPARK_ABI_VERSION_INIT,
    PLUGIN_ID,
    "test",
    "1.0.0",
    "a plugin with a malformed field flag",
    plugin_init,
    plugin_types,
    plugin_deinit,
};
