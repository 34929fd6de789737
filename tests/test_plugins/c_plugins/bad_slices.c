// SPDX-License-Identifier: Apache-2.0
// bad_slices: a copying type (stub_module.h) that claims to run in slices of a field `units` it
// does not have (spark/abi/slices.h). The registry must refuse the file at load, before a brain
// could cut the type into slices.
#include <spark/abi/spark_abi.h>

#include "stub_module.h"

static spark_status SPARK_ABI no_slice(const spark_module_type_t* type,
                                       const spark_host_t* host,
                                       const spark_config_t* config,
                                       const char* name,
                                       uint64_t begin,
                                       uint64_t end,
                                       spark_module_t** out) {
    (void)type;
    (void)host;
    (void)config;
    (void)name;
    (void)begin;
    (void)end;
    *out = NULL;
    return SPARK_ERR_UNSUPPORTED;
}

static spark_status SPARK_ABI no_rows(spark_module_t* self, uint32_t index, bool* rows) {
    (void)self;
    (void)index;
    *rows = false;
    return SPARK_ERR_UNSUPPORTED;
}

static const spark_type_slices_t slices = {SPARK_ABI_VERSION_INIT, "units", no_slice, no_rows};

static const void* SPARK_ABI sliced_extension(const spark_module_type_t* type, const char* id) {
    (void)type;
    return strcmp(id, SPARK_EXT_TYPE_SLICES) == 0 ? &slices : NULL;
}

static const spark_module_type_t sliced_type = {
    SPARK_ABI_VERSION_INIT,
    "sliced",
    "test",
    "1.0.0",
    SPARK_KIND_NEURON,
    "copies its input to its output and claims to run in slices of a field it lacks",
    NULL,
    0,
    stub_ports,
    2,
    stub_create,
    NULL,
    sliced_extension,
};
static const spark_module_type_t* const all_types[] = {&sliced_type};

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
    "test.bad_slices",
    "test",
    "1.0.0",
    "a plugin whose type runs in slices of a field it does not have",
    plugin_init,
    plugin_types,
    plugin_deinit,
};
