// SPDX-License-Identifier: Apache-2.0
// dup_a / dup_b (PLUGIN_ID set by CMake): two files with different plugin ids that both claim
// the canonical type id "dup.twin".
#include <spark/abi/spark_abi.h>

#include "stub_module.h"

#ifndef PLUGIN_ID
#    error "define PLUGIN_ID"
#endif

static const spark_module_type_t twin_type = STUB_TYPE("twin", "dup");
static const spark_module_type_t* const all_types[] = {&twin_type};

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
    "dup",
    "1.0.0",
    "one of two plugins claiming dup.twin",
    plugin_init,
    plugin_types,
    plugin_deinit,
};
