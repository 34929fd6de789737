// SPDX-License-Identifier: Apache-2.0
// What abi_c11.c (every ABI header as strict C11) exposes to the C++ tests.
#pragma once
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// One measured number: "sizeof(spark_buffer_t)", "offsetof(spark_buffer_t, count)", "SPARK_OK".
typedef struct spark_layout_entry {
    const char* name;
    uint64_t value;
} spark_layout_entry;

/// sizeof, alignof and every field's offsetof of every ABI struct, as C11 lays them out.
const spark_layout_entry* spark_test_c11_layout(uint32_t* count);
/// Every ABI constant (versions, status codes, kinds, ...) as C11 sees it.
const spark_layout_entry* spark_test_c11_constants(uint32_t* count);
/// spark_abi_compatible() evaluated by C.
int spark_test_c11_compatible(uint32_t host_major,
                              uint32_t host_minor,
                              uint32_t plugin_major,
                              uint32_t plugin_minor);
/// __STDC_VERSION__ of the C compilation (201112L for -std=c11).
long spark_test_c11_standard(void);

#ifdef __cplusplus
}
#endif
