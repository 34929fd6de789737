// SPDX-License-Identifier: Apache-2.0
// bad_property_name: a copying type (stub_module.h) whose one declared property is named
// PROPERTY_NAME, a compile definition. A property name is an identifier or identifiers joined by
// single dots ("soma.potential"); the registry must refuse a file whose name is neither
// ("soma..potential", ".kernel").
#include <spark/abi/spark_abi.h>

#include "stub_module.h"

static const spark_property_desc_t declared[] = {
    {PROPERTY_NAME,
     SPARK_PAYLOAD_FLOAT,
     "float_array",
     SPARK_SHAPE_LIKE_PORT,
     "in",
     false,
     "a property whose name the registry must judge"},
};
static const spark_type_properties_t properties = {SPARK_ABI_VERSION_INIT, declared, 1};

static const void* SPARK_ABI named_extension(const spark_module_type_t* type, const char* id) {
    (void)type;
    return strcmp(id, SPARK_EXT_TYPE_PROPERTIES) == 0 ? &properties : NULL;
}

static const spark_module_type_t named_type = {
    SPARK_ABI_VERSION_INIT,
    "named",
    "test",
    "1.0.0",
    SPARK_KIND_COMPONENT,
    "copies its input to its output and declares one property",
    NULL,
    0,
    stub_ports,
    2,
    stub_create,
    NULL,
    named_extension,
};
static const spark_module_type_t* const all_types[] = {&named_type};

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
    "a plugin whose type declares a property named PROPERTY_NAME",
    plugin_init,
    plugin_types,
    plugin_deinit,
};
