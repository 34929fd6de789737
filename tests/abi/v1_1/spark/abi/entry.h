// SPDX-License-Identifier: Apache-2.0
// The one symbol a plugin exports, and what the host does with it.
//
// Loading: the host dlopens the library (RTLD_NOW | RTLD_LOCAL), finds `spark_plugin_entry`,
// reads entry.abi_version and refuses the plugin unless spark_abi_compatible(host, plugin): no
// plugin code runs before that check. Then init, types, and at the end deinit, after every
// instance was destroyed and before the library is closed.
#pragma once
#include <stdint.h>

#include "host.h"
#include "module.h"
#include "status.h"
#include "version.h"

#ifdef __cplusplus
extern "C" {
#endif

/// The exported symbol's name, for hosts that look it up.
#define SPARK_PLUGIN_ENTRY_SYMBOL "spark_plugin_entry"

/// A plugin's entry: plain data (readable before any plugin code runs) plus three functions.
/// Released layout is frozen; growth goes through new extension ids, never new fields.
typedef struct spark_plugin_entry {
    spark_version_t abi_version; // must be first: SPARK_ABI_VERSION_INIT of the plugin's headers
    const char* id;              // unique plugin id, e.g. "spark.neurons", "acme.qif"
    const char* vendor;          // e.g. "spark", "acme" (vendor of the types it provides)
    const char* version;         // the plugin's own semantic version, e.g. "0.1.0"
    const char* description;     // one sentence

    /// Prepare the plugin. `host` stays valid until deinit returns. A plugin whose init fails is
    /// not used (deinit is still not called). [main-thread], once per load.
    spark_status(SPARK_ABI* init)(const spark_host_t* host);

    /// The types this plugin offers: `*count` entries, owned by the plugin, valid until deinit.
    /// Never fails. [main-thread], after a successful init.
    const spark_module_type_t* const*(SPARK_ABI* types)(uint32_t* count);

    /// Release everything init acquired. Called after the last instance was destroyed, before
    /// the library is unloaded. Never fails. [main-thread]
    void(SPARK_ABI* deinit)(void);
} spark_plugin_entry_t;

/// How a plugin declares its entry:
///     SPARK_EXPORT extern const spark_plugin_entry_t spark_plugin_entry;
///     const spark_plugin_entry_t spark_plugin_entry = { SPARK_ABI_VERSION_INIT, ... };

#ifdef __cplusplus
}
#endif
