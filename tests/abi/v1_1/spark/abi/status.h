// SPDX-License-Identifier: Apache-2.0
// Status codes returned by every fallible ABI function. Append new codes; never reuse a number.
#pragma once
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Fixed width on purpose: an enum's size is up to the compiler.
typedef int32_t spark_status;

enum {
    SPARK_OK = 0, // success
    SPARK_ERR_INVALID_ARGUMENT =
        1,                       // bad parameter, config value, port or shape; the message names it
    SPARK_ERR_UNSUPPORTED = 2,   // a valid request this module does not implement
    SPARK_ERR_OUT_OF_MEMORY = 3, // allocation failed
    SPARK_ERR_ABI_MISMATCH = 4,  // the two sides disagree on a version or a layout
    SPARK_ERR_PLUGIN = 5,        // any other failure inside the plugin
    SPARK_ERR_STATE = 6,         // called in the wrong lifecycle state (e.g. step before build)
};

#ifdef __cplusplus
}
#endif
