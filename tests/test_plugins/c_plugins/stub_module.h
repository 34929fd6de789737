// SPDX-License-Identifier: Apache-2.0
// A minimal module type in plain C, shared by the small test plugins (dup, vendor, bad_*): one
// float input `in`, one output `out` shaped like it; step copies in to out. Each plugin includes
// this header once and declares its types with STUB_TYPE.
#pragma once
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <spark/abi/spark_abi.h>

typedef struct stub_data {
    uint64_t count;
    size_t element_size;
} stub_data_t;

static inline size_t stub_element_size(int32_t dtype) {
    switch (dtype) {
    case SPARK_DTYPE_F64:
        return 8u;
    case SPARK_DTYPE_F32:
    case SPARK_DTYPE_I32:
        return 4u;
    default:
        return 1u;
    }
}

static inline uint64_t stub_shape_count(const spark_shape_t* shape) {
    uint64_t count = 1;
    for (uint32_t d = 0; d < shape->rank; ++d) {
        count *= shape->dims[d];
    }
    return count;
}

static inline spark_status SPARK_ABI stub_build(spark_module_t* self,
                                                const spark_port_spec_t* inputs,
                                                uint32_t input_count,
                                                spark_port_spec_t* outputs,
                                                uint32_t output_count) {
    stub_data_t* data = (stub_data_t*)self->module_data;
    (void)input_count;
    (void)output_count;
    data->count = stub_shape_count(&inputs[0].shape);
    data->element_size = stub_element_size(inputs[0].dtype);
    outputs[0] = inputs[0];
    return SPARK_OK;
}

static inline spark_status SPARK_ABI stub_reset(spark_module_t* self,
                                                const spark_buffer_t* outputs,
                                                uint32_t output_count) {
    const stub_data_t* data = (const stub_data_t*)self->module_data;
    (void)output_count;
    memset(outputs[0].data, 0, (size_t)data->count * data->element_size);
    return SPARK_OK;
}

static inline spark_status SPARK_ABI stub_step(spark_module_t* self,
                                               const spark_step_context_t* ctx) {
    const stub_data_t* data = (const stub_data_t*)self->module_data;
    memcpy(ctx->outputs[0].data, ctx->inputs[0].data, (size_t)data->count * data->element_size);
    return SPARK_OK;
}

static inline spark_status SPARK_ABI stub_state(spark_module_t* self,
                                                spark_state_array_t* arrays,
                                                uint32_t capacity,
                                                uint32_t* count) {
    (void)self;
    (void)arrays;
    (void)capacity;
    *count = 0;
    return SPARK_OK;
}

static inline spark_status SPARK_ABI stub_state_loaded(spark_module_t* self) {
    (void)self;
    return SPARK_OK;
}

static inline void SPARK_ABI stub_destroy(spark_module_t* self) {
    free(self->module_data);
    free(self);
}

static inline const void* SPARK_ABI stub_get_extension(spark_module_t* self, const char* id) {
    (void)self;
    (void)id;
    return NULL;
}

static inline spark_status SPARK_ABI stub_create(const spark_module_type_t* type,
                                                 const spark_host_t* host,
                                                 const spark_config_t* config,
                                                 const char* name,
                                                 spark_module_t** out) {
    spark_module_t* module = (spark_module_t*)calloc(1, sizeof(spark_module_t));
    stub_data_t* data = (stub_data_t*)calloc(1, sizeof(stub_data_t));
    (void)config;
    (void)name;
    if (module == NULL || data == NULL) {
        free(module);
        free(data);
        host->report(host, SPARK_SEVERITY_ERROR, "out of memory");
        return SPARK_ERR_OUT_OF_MEMORY;
    }
    module->type = type;
    module->module_data = data;
    module->contract = NULL;
    module->build = stub_build;
    module->reset = stub_reset;
    module->step = stub_step;
    module->state = stub_state;
    module->state_loaded = stub_state_loaded;
    module->destroy = stub_destroy;
    module->get_extension = stub_get_extension;
    *out = module;
    return SPARK_OK;
}

static const spark_port_desc_t stub_ports[] = {
    {"in",
     SPARK_PORT_INPUT,
     SPARK_PAYLOAD_FLOAT,
     "float_array",
     SPARK_SHAPE_ANY,
     NULL,
     true,
     "any float signal"},
    {"out",
     SPARK_PORT_OUTPUT,
     SPARK_PAYLOAD_FLOAT,
     "float_array",
     SPARK_SHAPE_LIKE_PORT,
     "in",
     true,
     "a copy of in"},
};

/// A copying COMPONENT type named vendor_.class_ref_ with no fields.
#define STUB_TYPE(class_ref_, vendor_)                                                             \
    {                                                                                              \
        SPARK_ABI_VERSION_INIT, class_ref_, vendor_, "1.0.0", SPARK_KIND_COMPONENT,                \
            "copies its input to its output", NULL, 0, stub_ports, 2, stub_create, NULL, NULL      \
    }
