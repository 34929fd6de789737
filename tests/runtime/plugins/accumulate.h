// SPDX-License-Identifier: Apache-2.0
// A tiny module shared by the runtime's test plugins (plain C11, ABI headers only): input `in`
// (float, any shape), output `out` (float, like `in`), state "total" (float64, shape of `in`):
// step adds the input to the total and writes the total. Variants misbehave on purpose so that
// `spark plugins check` has something to catch.
#pragma once
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <spark/abi/spark_abi.h>

enum {
    ACCUMULATE_NORMAL = 0,
    ACCUMULATE_NAN_AT_STEP_5 = 1, // out[0] is NaN at step 5
    ACCUMULATE_FORGETFUL = 2,     // the output also depends on a counter the state omits
    ACCUMULATE_BAD_SHAPE = 3,     // build gives `out` the shape (3) whatever `in` is
};

typedef struct accumulate_data {
    const spark_host_t* host;
    int behaviour;
    int32_t dtype;
    spark_shape_t shape;
    uint64_t count;
    double* total;
    double hidden; // ACCUMULATE_FORGETFUL only
} accumulate_data;

static accumulate_data* accumulate_self(spark_module_t* self) {
    return (accumulate_data*)self->module_data;
}

static double accumulate_read(const spark_buffer_t* buffer, uint64_t i) {
    return buffer->spec.dtype == SPARK_DTYPE_F64 ? ((const double*)buffer->data)[i]
                                                 : (double)((const float*)buffer->data)[i];
}

static void accumulate_write(const spark_buffer_t* buffer, uint64_t i, double x) {
    if (buffer->spec.dtype == SPARK_DTYPE_F64) {
        ((double*)buffer->data)[i] = x;
    } else {
        ((float*)buffer->data)[i] = (float)x;
    }
}

static spark_status SPARK_ABI accumulate_build(spark_module_t* self,
                                               const spark_port_spec_t* inputs,
                                               uint32_t input_count,
                                               spark_port_spec_t* outputs,
                                               uint32_t output_count) {
    accumulate_data* data = accumulate_self(self);
    if (input_count != 1 || output_count != 1) {
        data->host->report(data->host, SPARK_SEVERITY_ERROR, "expected one input and one output");
        return SPARK_ERR_INVALID_ARGUMENT;
    }
    data->shape = inputs[0].shape;
    data->count = 1;
    for (uint32_t d = 0; d < data->shape.rank; ++d) {
        data->count *= data->shape.dims[d];
    }
    free(data->total);
    data->total = (double*)calloc(data->count ? data->count : 1, sizeof(double));
    outputs[0].payload_kind = SPARK_PAYLOAD_FLOAT;
    outputs[0].dtype = data->dtype;
    outputs[0].shape = data->shape;
    if (data->behaviour == ACCUMULATE_BAD_SHAPE) {
        memset(&outputs[0].shape, 0, sizeof outputs[0].shape);
        outputs[0].shape.rank = 1;
        outputs[0].shape.dims[0] = 3;
    }
    return SPARK_OK;
}

static spark_status SPARK_ABI accumulate_reset(spark_module_t* self,
                                               const spark_buffer_t* outputs,
                                               uint32_t output_count) {
    accumulate_data* data = accumulate_self(self);
    (void)output_count;
    for (uint64_t i = 0; i < data->count; ++i) {
        data->total[i] = 0.0;
    }
    for (uint64_t i = 0; i < outputs[0].count; ++i) {
        accumulate_write(&outputs[0], i, 0.0);
    }
    data->hidden = 0.0;
    return SPARK_OK;
}

static spark_status SPARK_ABI accumulate_step(spark_module_t* self,
                                              const spark_step_context_t* ctx) {
    accumulate_data* data = accumulate_self(self);
    data->hidden += 1.0;
    for (uint64_t i = 0; i < ctx->outputs[0].count; ++i) {
        const double in = i < ctx->inputs[0].count ? accumulate_read(&ctx->inputs[0], i) : 0.0;
        double out = 0.0;
        if (i < data->count) {
            data->total[i] += in;
            out = data->total[i];
        }
        if (data->behaviour == ACCUMULATE_FORGETFUL) {
            out += data->hidden;
        }
        if (data->behaviour == ACCUMULATE_NAN_AT_STEP_5 && ctx->step_index == 5 && i == 0) {
            out = NAN;
        }
        accumulate_write(&ctx->outputs[0], i, out);
    }
    return SPARK_OK;
}

static spark_status SPARK_ABI accumulate_state(spark_module_t* self,
                                               spark_state_array_t* arrays,
                                               uint32_t capacity,
                                               uint32_t* count) {
    accumulate_data* data = accumulate_self(self);
    *count = 1;
    if (capacity >= 1) {
        arrays[0].name = "total";
        arrays[0].dtype = SPARK_DTYPE_F64;
        arrays[0].shape = data->shape;
        arrays[0].data = data->total;
    }
    return SPARK_OK;
}

static spark_status SPARK_ABI accumulate_state_loaded(spark_module_t* self) {
    (void)self;
    return SPARK_OK;
}

static void SPARK_ABI accumulate_destroy(spark_module_t* self) {
    free(accumulate_self(self)->total);
    free(self->module_data);
    free(self);
}

static const void* SPARK_ABI accumulate_get_extension(spark_module_t* self, const char* id) {
    (void)self;
    (void)id;
    return NULL;
}

static spark_status accumulate_create(const spark_module_type_t* type,
                                      const spark_host_t* host,
                                      const spark_config_t* config,
                                      int behaviour,
                                      spark_module_t** out) {
    spark_module_t* module = (spark_module_t*)calloc(1, sizeof(spark_module_t));
    accumulate_data* data = (accumulate_data*)calloc(1, sizeof(accumulate_data));
    if (module == NULL || data == NULL) {
        free(module);
        free(data);
        return SPARK_ERR_OUT_OF_MEMORY;
    }
    data->host = host;
    data->behaviour = behaviour;
    data->dtype = config->dtype;
    module->type = type;
    module->module_data = data;
    module->contract = NULL;
    module->build = accumulate_build;
    module->reset = accumulate_reset;
    module->step = accumulate_step;
    module->state = accumulate_state;
    module->state_loaded = accumulate_state_loaded;
    module->destroy = accumulate_destroy;
    module->get_extension = accumulate_get_extension;
    *out = module;
    return SPARK_OK;
}

/// The ports every accumulate type declares.
static const spark_port_desc_t accumulate_ports[] = {
    {"in",
     SPARK_PORT_INPUT,
     SPARK_PAYLOAD_FLOAT,
     "float_array",
     SPARK_SHAPE_ANY,
     NULL,
     true,
     "values to add"},
    {"out",
     SPARK_PORT_OUTPUT,
     SPARK_PAYLOAD_FLOAT,
     "float_array",
     SPARK_SHAPE_LIKE_PORT,
     "in",
     true,
     "the running total"},
};

static spark_status SPARK_ABI accumulate_init(const spark_host_t* host) {
    (void)host;
    return SPARK_OK;
}

static void SPARK_ABI accumulate_deinit(void) {}
