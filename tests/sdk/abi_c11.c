// SPDX-License-Identifier: Apache-2.0
// Every ABI header compiled as strict C11 (-std=c11 -pedantic-errors), and the layout of every
// ABI struct as C sees it (sizeof, alignof, offsetof of each field) plus the value of every ABI
// constant, for test_abi_layout.cpp to compare with the C++ view and the frozen x86-64 numbers.
#include "abi_c11.h"

#include <stddef.h>
#include <stdint.h>

#include <spark/abi/entry.h>
#include <spark/abi/host.h>
#include <spark/abi/module.h>
#include <spark/abi/schema.h>
#include <spark/abi/spark_abi.h>
#include <spark/abi/status.h>
#include <spark/abi/types.h>
#include <spark/abi/version.h>

// clang-format off
#define SIZE(T) {"sizeof(" #T ")", sizeof(T)}, {"alignof(" #T ")", _Alignof(T)}
#define FIELD(T, f) {"offsetof(" #T ", " #f ")", offsetof(T, f)}
#define CONSTANT(c) {#c, (uint64_t)(c)}
// clang-format on

static const spark_layout_entry layout[] = {
    SIZE(spark_version_t),
    FIELD(spark_version_t, major),
    FIELD(spark_version_t, minor),
    FIELD(spark_version_t, patch),

    SIZE(spark_host_t),
    FIELD(spark_host_t, abi_version),
    FIELD(spark_host_t, host_data),
    FIELD(spark_host_t, report),
    FIELD(spark_host_t, wants),
    FIELD(spark_host_t, get_service),

    SIZE(spark_shape_t),
    FIELD(spark_shape_t, rank),
    FIELD(spark_shape_t, dims),

    SIZE(spark_port_spec_t),
    FIELD(spark_port_spec_t, payload_kind),
    FIELD(spark_port_spec_t, dtype),
    FIELD(spark_port_spec_t, shape),

    SIZE(spark_buffer_t),
    FIELD(spark_buffer_t, data),
    FIELD(spark_buffer_t, count),
    FIELD(spark_buffer_t, spec),

    SIZE(spark_validator_t),
    FIELD(spark_validator_t, kind),
    FIELD(spark_validator_t, min),
    FIELD(spark_validator_t, max),
    FIELD(spark_validator_t, field),
    FIELD(spark_validator_t, options),
    FIELD(spark_validator_t, option_count),

    SIZE(spark_field_desc_t),
    FIELD(spark_field_desc_t, name),
    FIELD(spark_field_desc_t, type),
    FIELD(spark_field_desc_t, default_json),
    FIELD(spark_field_desc_t, units),
    FIELD(spark_field_desc_t, description),
    FIELD(spark_field_desc_t, validators),
    FIELD(spark_field_desc_t, validator_count),
    FIELD(spark_field_desc_t, nested_kind),
    FIELD(spark_field_desc_t, flags),

    SIZE(spark_value_t),
    FIELD(spark_value_t, type),
    FIELD(spark_value_t, count),
    FIELD(spark_value_t, b),
    FIELD(spark_value_t, i),
    FIELD(spark_value_t, f),
    FIELD(spark_value_t, s),
    FIELD(spark_value_t, ints),
    FIELD(spark_value_t, floats),
    FIELD(spark_value_t, config),

    SIZE(spark_config_t),
    FIELD(spark_config_t, class_ref),
    FIELD(spark_config_t, values),
    FIELD(spark_config_t, count),
    FIELD(spark_config_t, seed),
    FIELD(spark_config_t, dtype),
    FIELD(spark_config_t, dt),

    SIZE(spark_port_desc_t),
    FIELD(spark_port_desc_t, name),
    FIELD(spark_port_desc_t, direction),
    FIELD(spark_port_desc_t, payload_kind),
    FIELD(spark_port_desc_t, payload_type),
    FIELD(spark_port_desc_t, shape_rule),
    FIELD(spark_port_desc_t, shape_ref),
    FIELD(spark_port_desc_t, required),
    FIELD(spark_port_desc_t, description),

    SIZE(spark_state_array_t),
    FIELD(spark_state_array_t, name),
    FIELD(spark_state_array_t, dtype),
    FIELD(spark_state_array_t, shape),
    FIELD(spark_state_array_t, data),

    SIZE(spark_step_context_t),
    FIELD(spark_step_context_t, step_index),
    FIELD(spark_step_context_t, dt),
    FIELD(spark_step_context_t, inputs),
    FIELD(spark_step_context_t, input_count),
    FIELD(spark_step_context_t, outputs),
    FIELD(spark_step_context_t, output_count),

    SIZE(spark_module_t),
    FIELD(spark_module_t, type),
    FIELD(spark_module_t, module_data),
    FIELD(spark_module_t, contract),
    FIELD(spark_module_t, build),
    FIELD(spark_module_t, reset),
    FIELD(spark_module_t, step),
    FIELD(spark_module_t, state),
    FIELD(spark_module_t, state_loaded),
    FIELD(spark_module_t, destroy),
    FIELD(spark_module_t, get_extension),

    SIZE(spark_module_type_t),
    FIELD(spark_module_type_t, abi_version),
    FIELD(spark_module_type_t, class_ref),
    FIELD(spark_module_type_t, vendor),
    FIELD(spark_module_type_t, version),
    FIELD(spark_module_type_t, kind),
    FIELD(spark_module_type_t, description),
    FIELD(spark_module_type_t, fields),
    FIELD(spark_module_type_t, field_count),
    FIELD(spark_module_type_t, ports),
    FIELD(spark_module_type_t, port_count),
    FIELD(spark_module_type_t, create),
    FIELD(spark_module_type_t, initialize),
    FIELD(spark_module_type_t, type_extension),
    SIZE(spark_row_sink_t),
    FIELD(spark_row_sink_t, context),
    FIELD(spark_row_sink_t, row),
    SIZE(spark_sparse_initializer_t),
    FIELD(spark_sparse_initializer_t, abi_version),
    FIELD(spark_sparse_initializer_t, density),
    FIELD(spark_sparse_initializer_t, fill_rows),
    FIELD(spark_sparse_initializer_t, values_at),

    SIZE(spark_plugin_entry_t),
    FIELD(spark_plugin_entry_t, abi_version),
    FIELD(spark_plugin_entry_t, id),
    FIELD(spark_plugin_entry_t, vendor),
    FIELD(spark_plugin_entry_t, version),
    FIELD(spark_plugin_entry_t, description),
    FIELD(spark_plugin_entry_t, init),
    FIELD(spark_plugin_entry_t, types),
    FIELD(spark_plugin_entry_t, deinit),

    SIZE(spark_status),
};

static const spark_layout_entry constants[] = {
    CONSTANT(SPARK_ABI_VERSION_MAJOR),
    CONSTANT(SPARK_ABI_VERSION_MINOR),
    CONSTANT(SPARK_ABI_VERSION_PATCH),
    CONSTANT(SPARK_MAX_RANK),
    CONSTANT(SPARK_OK),
    CONSTANT(SPARK_ERR_INVALID_ARGUMENT),
    CONSTANT(SPARK_ERR_UNSUPPORTED),
    CONSTANT(SPARK_ERR_OUT_OF_MEMORY),
    CONSTANT(SPARK_ERR_ABI_MISMATCH),
    CONSTANT(SPARK_ERR_PLUGIN),
    CONSTANT(SPARK_ERR_STATE),
    CONSTANT(SPARK_SEVERITY_TRACE),
    CONSTANT(SPARK_SEVERITY_DEBUG),
    CONSTANT(SPARK_SEVERITY_INFO),
    CONSTANT(SPARK_SEVERITY_WARNING),
    CONSTANT(SPARK_SEVERITY_ERROR),
    CONSTANT(SPARK_PAYLOAD_SPIKES),
    CONSTANT(SPARK_PAYLOAD_FLOAT),
    CONSTANT(SPARK_PAYLOAD_INT),
    CONSTANT(SPARK_PAYLOAD_BOOL_MASK),
    CONSTANT(SPARK_DTYPE_U8),
    CONSTANT(SPARK_DTYPE_I32),
    CONSTANT(SPARK_DTYPE_F32),
    CONSTANT(SPARK_DTYPE_F64),
    CONSTANT(SPARK_FIELD_BOOL),
    CONSTANT(SPARK_FIELD_INT),
    CONSTANT(SPARK_FIELD_FLOAT),
    CONSTANT(SPARK_FIELD_STRING),
    CONSTANT(SPARK_FIELD_INT_ARRAY),
    CONSTANT(SPARK_FIELD_FLOAT_ARRAY),
    CONSTANT(SPARK_FIELD_CONFIG),
    CONSTANT(SPARK_FIELD_INITIALIZER),
    CONSTANT(SPARK_FIELD_NULLABLE),
    CONSTANT(SPARK_FIELD_PATH),
    CONSTANT(SPARK_VALIDATOR_POSITIVE),
    CONSTANT(SPARK_VALIDATOR_NON_NEGATIVE),
    CONSTANT(SPARK_VALIDATOR_RANGE),
    CONSTANT(SPARK_VALIDATOR_ONE_OF),
    CONSTANT(SPARK_VALIDATOR_GREATER_THAN_FIELD),
    CONSTANT(SPARK_VALIDATOR_LENGTH),
    CONSTANT(SPARK_VALIDATOR_NEGATIVE),
    CONSTANT(SPARK_VALIDATOR_RULE),
    CONSTANT(SPARK_KIND_NEURON),
    CONSTANT(SPARK_KIND_INPUT_INTERFACE),
    CONSTANT(SPARK_KIND_OUTPUT_INTERFACE),
    CONSTANT(SPARK_KIND_CONTROL_INTERFACE),
    CONSTANT(SPARK_KIND_COMPONENT),
    CONSTANT(SPARK_KIND_INITIALIZER),
    CONSTANT(SPARK_PORT_INPUT),
    CONSTANT(SPARK_PORT_OUTPUT),
    CONSTANT(SPARK_SHAPE_ANY),
    CONSTANT(SPARK_SHAPE_FROM_FIELD),
    CONSTANT(SPARK_SHAPE_LIKE_PORT),
    CONSTANT(SPARK_SHAPE_COMPUTED),
};

const spark_layout_entry* spark_test_c11_layout(uint32_t* count) {
    *count = (uint32_t)(sizeof layout / sizeof layout[0]);
    return layout;
}

const spark_layout_entry* spark_test_c11_constants(uint32_t* count) {
    *count = (uint32_t)(sizeof constants / sizeof constants[0]);
    return constants;
}

int spark_test_c11_compatible(uint32_t host_major,
                              uint32_t host_minor,
                              uint32_t plugin_major,
                              uint32_t plugin_minor) {
    const spark_version_t host = {host_major, host_minor, 0};
    const spark_version_t plugin = {plugin_major, plugin_minor, 7};
    return spark_abi_compatible(host, plugin);
}

long spark_test_c11_standard(void) {
    return __STDC_VERSION__;
}
