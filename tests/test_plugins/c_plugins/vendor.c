// SPDX-License-Identifier: Apache-2.0
// vendor_x (VENDOR_X) and vendor_y (VENDOR_Y): two vendors offering the same bare class_ref
// `shared_name`, which is fine until someone asks for the bare name; vendor_x also has `only_x`.
// vendor_w (VENDOR_W): a third party offering `n2n_delays`, a name Spark offers too and the
// default of its neurons' `delays` field (ADR 0012: a brain's pins reach only the names it writes).
#include <spark/abi/spark_abi.h>

#include "stub_module.h"

#if defined(VENDOR_X)
#    define VENDOR "vx"
#elif defined(VENDOR_Y)
#    define VENDOR "vy"
#elif defined(VENDOR_W)
#    define VENDOR "vw"
#else
#    error "define VENDOR_X, VENDOR_Y or VENDOR_W"
#endif

#if defined(VENDOR_W)
static const spark_module_type_t delays_type = STUB_TYPE("n2n_delays", VENDOR);
static const spark_module_type_t* const all_types[] = {&delays_type};
#else
static const spark_module_type_t shared_type = STUB_TYPE("shared_name", VENDOR);
#    if defined(VENDOR_X)
static const spark_module_type_t only_x_type = STUB_TYPE("only_x", VENDOR);
static const spark_module_type_t* const all_types[] = {&shared_type, &only_x_type};
#    else
static const spark_module_type_t* const all_types[] = {&shared_type};
#    endif
#endif

static spark_status SPARK_ABI plugin_init(const spark_host_t* host) {
    (void)host;
    return SPARK_OK;
}

static const spark_module_type_t* const* SPARK_ABI plugin_types(uint32_t* count) {
    *count = (uint32_t)(sizeof all_types / sizeof all_types[0]);
    return all_types;
}

static void SPARK_ABI plugin_deinit(void) {}

SPARK_EXPORT extern const spark_plugin_entry_t spark_plugin_entry;
const spark_plugin_entry_t spark_plugin_entry = {
    SPARK_ABI_VERSION_INIT,
    VENDOR ".plugin",
    VENDOR,
    "1.0.0",
    "a test vendor (tests/test_plugins/c_plugins/vendor.c)",
    plugin_init,
    plugin_types,
    plugin_deinit,
};
