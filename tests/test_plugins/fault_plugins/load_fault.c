// SPDX-License-Identifier: Apache-2.0
// Test plugins load_<where>_<what>: a valid plugin (id test.<where>_<what>) with one type,
// <where>_<what>.load_fault (the vendor names the fault), that misbehaves while it loads.
// FAULT_IN_CONSTRUCTOR misbehaves in a static constructor (run by dlopen), FAULT_IN_INIT in the
// plugin entry's init; FAULT_ABORT calls abort(), FAULT_SEGV writes through a null pointer,
// FAULT_EXIT0 calls exit(0), FAULT_HANG sleeps forever. The registry must survive each and name the
// library and what happened.
#define _POSIX_C_SOURCE 200809L // nanosleep
#include <signal.h>
#include <stdlib.h>
#include <time.h>

#include <spark/abi/spark_abi.h>

#include "stub_module.h"

static void misbehave(void) {
#if defined(FAULT_ABORT)
    abort();
#elif defined(FAULT_SEGV)
    // The signal a stray pointer raises, sent directly: a real null store would be stopped by
    // UBSan (exit status 1) in the sanitized builds before it faults.
    raise(SIGSEGV);
#elif defined(FAULT_EXIT0)
    exit(0);
#elif defined(FAULT_HANG)
    for (;;) {
        struct timespec hour = {3600, 0};
        nanosleep(&hour, NULL);
    }
#else
#    error "define one of FAULT_ABORT, FAULT_SEGV, FAULT_EXIT0, FAULT_HANG"
#endif
}

#if defined(FAULT_IN_CONSTRUCTOR)
__attribute__((constructor)) static void load_fault_constructor(void) {
    misbehave();
}
#endif

static const spark_module_type_t load_fault_type = STUB_TYPE("load_fault", FAULT_VENDOR);
static const spark_module_type_t* const all_types[] = {&load_fault_type};

static spark_status SPARK_ABI plugin_init(const spark_host_t* host) {
    (void)host;
#if defined(FAULT_IN_INIT)
    misbehave();
#endif
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
    "test." FAULT_VENDOR,
    FAULT_VENDOR,
    "1.0.0",
    "a plugin that misbehaves while it loads",
    plugin_init,
    plugin_types,
    plugin_deinit,
};
