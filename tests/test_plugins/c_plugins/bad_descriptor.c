// SPDX-License-Identifier: Apache-2.0
// bad_descriptor: a type whose field `weight` has the unknown field type 99. The registry must
// refuse the whole file, and deinit it (its init ran) before unloading it.
#include <spark/abi/spark_abi.h>

#include "stub_module.h"

static const spark_host_t* plugin_host = NULL;

static const spark_field_desc_t broken_fields[] = {
    {"weight", 99, "1.0", "", "a field of a type that does not exist", NULL, 0, 0, 0},
};

static const spark_module_type_t broken_type = {
    SPARK_ABI_VERSION_INIT,
    "broken",
    "test",
    "1.0.0",
    SPARK_KIND_COMPONENT,
    "a type with a malformed field",
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
    plugin_host = host;
    return SPARK_OK;
}

static const spark_module_type_t* const* SPARK_ABI plugin_types(uint32_t* count) {
    *count = 1;
    return all_types;
}

static void SPARK_ABI plugin_deinit(void) {
    plugin_host->report(plugin_host, SPARK_SEVERITY_INFO, "deinit of test.bad_descriptor");
    plugin_host = NULL;
}

SPARK_EXPORT extern const spark_plugin_entry_t spark_plugin_entry;
const spark_plugin_entry_t spark_plugin_entry = {
    SPARK_ABI_VERSION_INIT,
    "test.bad_descriptor",
    "test",
    "1.0.0",
    "a plugin with a malformed type",
    plugin_init,
    plugin_types,
    plugin_deinit,
};
