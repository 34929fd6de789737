// SPDX-License-Identifier: Apache-2.0
// bad_abi_major (BAD_ABI_MAJOR) and newer_minor (BAD_ABI_MINOR): plugins built against an ABI the
// host must refuse. Their init reports an error the tests look for: it must never appear, because
// the version is checked before any plugin function runs. Their static initialiser leaves a mark in
// the environment: it must never run either, because the version is read from the file before
// dlopen.
#define _POSIX_C_SOURCE 200112L
#include <stdlib.h>

#include <spark/abi/spark_abi.h>

#include "stub_module.h"

#if defined(BAD_ABI_MAJOR)
#    define PLUGIN_ID "test.bad_abi_major"
#    define PLUGIN_ABI                                                                             \
        { SPARK_ABI_VERSION_MAJOR + 1, SPARK_ABI_VERSION_MINOR, SPARK_ABI_VERSION_PATCH }
#elif defined(BAD_ABI_MINOR)
#    define PLUGIN_ID "test.newer_minor"
#    define PLUGIN_ABI                                                                             \
        { SPARK_ABI_VERSION_MAJOR, SPARK_ABI_VERSION_MINOR + 1, SPARK_ABI_VERSION_PATCH }
#else
#    error "define BAD_ABI_MAJOR or BAD_ABI_MINOR"
#endif

__attribute__((constructor)) static void on_dlopen(void) {
    setenv("SPARK_TEST_STATIC_INIT_RAN", PLUGIN_ID, 1);
}

static const spark_module_type_t copy_type = STUB_TYPE("copy", "test");
static const spark_module_type_t* const all_types[] = {&copy_type};

static spark_status SPARK_ABI plugin_init(const spark_host_t* host) {
    host->report(
        host, SPARK_SEVERITY_ERROR, "init of " PLUGIN_ID " ran although its ABI is refused");
    return SPARK_ERR_PLUGIN;
}

static const spark_module_type_t* const* SPARK_ABI plugin_types(uint32_t* count) {
    *count = 1;
    return all_types;
}

static void SPARK_ABI plugin_deinit(void) {}

SPARK_EXPORT extern const spark_plugin_entry_t spark_plugin_entry;
const spark_plugin_entry_t spark_plugin_entry = {
    PLUGIN_ABI,
    PLUGIN_ID,
    "test",
    "1.0.0",
    "built against an ABI the host must refuse",
    plugin_init,
    plugin_types,
    plugin_deinit,
};
