// SPDX-License-Identifier: Apache-2.0
// init_fails: init reports why it cannot work and fails; the registry must refuse the file and
// keep the plugin's message.
#include <spark/abi/spark_abi.h>

#include "stub_module.h"

static const spark_module_type_t copy_type = STUB_TYPE("copy", "test");
static const spark_module_type_t* const all_types[] = {&copy_type};

static spark_status SPARK_ABI plugin_init(const spark_host_t* host) {
    host->report(host, SPARK_SEVERITY_ERROR, "license file /nonexistent/acme.lic not found");
    return SPARK_ERR_PLUGIN;
}

static const spark_module_type_t* const* SPARK_ABI plugin_types(uint32_t* count) {
    *count = 1;
    return all_types;
}

static void SPARK_ABI plugin_deinit(void) {}

SPARK_EXPORT extern const spark_plugin_entry_t spark_plugin_entry;
const spark_plugin_entry_t spark_plugin_entry = {
    SPARK_ABI_VERSION_INIT,
    "test.init_fails",
    "test",
    "1.0.0",
    "a plugin whose init fails",
    plugin_init,
    plugin_types,
    plugin_deinit,
};
