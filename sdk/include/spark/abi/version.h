// SPDX-License-Identifier: Apache-2.0
// The ABI version, the calling-convention and export macros every other ABI header uses.
#pragma once
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// ABI version of these headers. A plugin records the version it was compiled against in its
/// entry; the host loads it when the majors are equal and the plugin's minor is not newer than
/// the host's (spark_abi_compatible). Patch never affects compatibility.
/// Rationale: docs/adr/0001-c-abi-shape.md (why 1.0 from the first release). 1.1.0 added, so that
/// 1.0 plugins load unchanged: spark_module_type.type_extension (appended) and behind it the
/// type-level extensions of sparse_initializer.h, properties.h and capabilities.h; the instance
/// extension SPARK_EXT_PROPERTIES; the host services spark.host.sparse_initializers/1 and
/// spark.host.parallel/1 (docs/adr/0011-type-extensions-and-sparse-initializers.md,
/// docs/adr/0013-neurons-as-compositions.md). Every released version is kept byte for byte under
/// tests/abi/ (tests/abi/README.md), with a plugin built against it that every later host of the
/// same major must load. 1.2.0 added the validator kinds SPARK_VALIDATOR_NEGATIVE and
/// SPARK_VALIDATOR_RULE and the field flag SPARK_FIELD_PATH (schema.h;
/// docs/adr/0026-validators-for-rules-and-signs.md), the type
/// extension spark.type.slices/1 (slices.h) and the instance extension spark.ext.late_inputs/1
/// (late_inputs.h).
#define SPARK_ABI_VERSION_MAJOR 1
#define SPARK_ABI_VERSION_MINOR 2
#define SPARK_ABI_VERSION_PATCH 0

/// Calling convention of every function pointer that crosses the ABI (empty on the platforms we
/// support today; kept so that a future platform can pin one without touching every signature).
#define SPARK_ABI

/// Marks the one symbol a plugin exports. spark_add_plugin() builds with hidden visibility, so
/// this is the only symbol a plugin library exposes.
#if defined(_WIN32)
#    define SPARK_EXPORT __declspec(dllexport)
#else
#    define SPARK_EXPORT __attribute__((visibility("default")))
#endif

/// A semantic version. Fixed-width fields so that its layout never depends on the compiler.
typedef struct spark_version {
    uint32_t major; // incompatible changes
    uint32_t minor; // additions only (new extension ids, new enum values, new status codes)
    uint32_t patch; // documentation and fixes, no change of layout or meaning
} spark_version_t;

/// The version of the headers being compiled, as a value.
#define SPARK_ABI_VERSION_INIT                                                                     \
    { SPARK_ABI_VERSION_MAJOR, SPARK_ABI_VERSION_MINOR, SPARK_ABI_VERSION_PATCH }

/// Whether a host built with `host` can load a plugin built with `plugin`.
/// Pure function of its arguments, [thread-safe]. The host calls it before anything else of the
/// plugin runs.
static inline int spark_abi_compatible(spark_version_t host, spark_version_t plugin) {
    return host.major == plugin.major && plugin.minor <= host.minor;
}

#ifdef __cplusplus
}
#endif
