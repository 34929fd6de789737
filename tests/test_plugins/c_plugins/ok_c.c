// SPDX-License-Identifier: Apache-2.0
// ok_c: a complete plugin in strict C11 against the ABI headers only (no SDK, no C++).
// Type `decay`: trace = trace * exp(-dt / tau) + in; out = trace. It reports what it does at
// info/debug level so that tests can observe create, destroy and deinit (and their order).
#include <inttypes.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <spark/abi/spark_abi.h>

typedef struct decay_data {
    const spark_host_t* host; // this instance's host, alive until destroy returns
    char* name;
    double tau;    // [ms]
    int32_t dtype; // SPARK_DTYPE_F32 or SPARK_DTYPE_F64
    bool built;
    spark_shape_t shape;
    uint64_t count;
    void* trace; // count elements of dtype
} decay_data_t;

static const spark_host_t* plugin_host = NULL; // from init to deinit

static void report(const spark_host_t* host, int32_t severity, const char* message) {
    if (host != NULL && host->report != NULL) {
        host->report(host, severity, message);
    }
}

static spark_status fail(const decay_data_t* data, spark_status status, const char* message) {
    report(data->host, SPARK_SEVERITY_ERROR, message);
    return status;
}

static double read_element(const spark_buffer_t* buffer, uint64_t i) {
    if (buffer->spec.dtype == SPARK_DTYPE_F64) {
        return ((const double*)buffer->data)[i];
    }
    return (double)((const float*)buffer->data)[i];
}

static spark_status SPARK_ABI decay_build(spark_module_t* self,
                                          const spark_port_spec_t* inputs,
                                          uint32_t input_count,
                                          spark_port_spec_t* outputs,
                                          uint32_t output_count) {
    decay_data_t* data = (decay_data_t*)self->module_data;
    char message[160];
    if (data->built) {
        return fail(data, SPARK_ERR_STATE, "build called twice");
    }
    if (input_count != 1 || output_count != 1) {
        return fail(
            data, SPARK_ERR_INVALID_ARGUMENT, "decay has one input port and one output port");
    }
    if (inputs[0].payload_kind != SPARK_PAYLOAD_FLOAT ||
        (inputs[0].dtype != SPARK_DTYPE_F32 && inputs[0].dtype != SPARK_DTYPE_F64)) {
        snprintf(message,
                 sizeof message,
                 "input 'in' must carry float32 or float64 values, got payload kind %" PRId32
                 " with dtype %" PRId32,
                 inputs[0].payload_kind,
                 inputs[0].dtype);
        return fail(data, SPARK_ERR_INVALID_ARGUMENT, message);
    }
    data->shape = inputs[0].shape;
    data->count = 1;
    for (uint32_t d = 0; d < data->shape.rank; ++d) {
        data->count *= data->shape.dims[d];
    }
    const size_t element_size = data->dtype == SPARK_DTYPE_F64 ? sizeof(double) : sizeof(float);
    data->trace = calloc(data->count > 0 ? (size_t)data->count : 1u, element_size);
    if (data->trace == NULL) {
        return fail(data, SPARK_ERR_OUT_OF_MEMORY, "cannot allocate the trace");
    }
    outputs[0].payload_kind = SPARK_PAYLOAD_FLOAT;
    outputs[0].dtype = data->dtype;
    outputs[0].shape = data->shape;
    data->built = true;
    return SPARK_OK;
}

static spark_status SPARK_ABI decay_reset(spark_module_t* self,
                                          const spark_buffer_t* outputs,
                                          uint32_t output_count) {
    decay_data_t* data = (decay_data_t*)self->module_data;
    const size_t element_size = data->dtype == SPARK_DTYPE_F64 ? sizeof(double) : sizeof(float);
    if (output_count != 1 || outputs[0].count != data->count) {
        return fail(
            data, SPARK_ERR_INVALID_ARGUMENT, "reset needs one output buffer shaped like 'in'");
    }
    memset(data->trace, 0, (size_t)data->count * element_size);
    memset(outputs[0].data, 0, (size_t)data->count * element_size);
    return SPARK_OK;
}

static spark_status SPARK_ABI decay_step(spark_module_t* self, const spark_step_context_t* ctx) {
    decay_data_t* data = (decay_data_t*)self->module_data;
    if (ctx->input_count != 1 || ctx->output_count != 1 || ctx->inputs[0].count != data->count ||
        ctx->outputs[0].count != data->count) {
        char message[160];
        snprintf(message,
                 sizeof message,
                 "step needs one input and one output of %" PRIu64 " elements",
                 data->count);
        return fail(data, SPARK_ERR_INVALID_ARGUMENT, message);
    }
    const double factor = exp(-ctx->dt / data->tau);
    if (data->dtype == SPARK_DTYPE_F64) {
        double* trace = (double*)data->trace;
        double* out = (double*)ctx->outputs[0].data;
        for (uint64_t i = 0; i < data->count; ++i) {
            trace[i] = trace[i] * factor + read_element(&ctx->inputs[0], i);
            out[i] = trace[i];
        }
    } else {
        float* trace = (float*)data->trace;
        float* out = (float*)ctx->outputs[0].data;
        for (uint64_t i = 0; i < data->count; ++i) {
            trace[i] = (float)((double)trace[i] * factor + read_element(&ctx->inputs[0], i));
            out[i] = trace[i];
        }
    }
    return SPARK_OK;
}

static spark_status SPARK_ABI decay_state(spark_module_t* self,
                                          spark_state_array_t* arrays,
                                          uint32_t capacity,
                                          uint32_t* count) {
    decay_data_t* data = (decay_data_t*)self->module_data;
    if (capacity >= 1) {
        arrays[0].name = "trace";
        arrays[0].dtype = data->dtype;
        arrays[0].shape = data->shape;
        arrays[0].data = data->trace;
    }
    *count = 1;
    return SPARK_OK;
}

static spark_status SPARK_ABI decay_state_loaded(spark_module_t* self) {
    (void)self; // the trace alone is the state: nothing is derived from it
    return SPARK_OK;
}

static void SPARK_ABI decay_destroy(spark_module_t* self) {
    decay_data_t* data = (decay_data_t*)self->module_data;
    if (data->host->wants(data->host, SPARK_SEVERITY_DEBUG) != 0) {
        char message[160];
        snprintf(message, sizeof message, "destroy '%s'", data->name);
        report(data->host, SPARK_SEVERITY_DEBUG, message);
    }
    free(data->trace);
    free(data->name);
    free(data);
    free(self);
}

static const void* SPARK_ABI decay_get_extension(spark_module_t* self, const char* id) {
    (void)self;
    (void)id;
    return NULL;
}

static spark_status SPARK_ABI decay_create(const spark_module_type_t* type,
                                           const spark_host_t* host,
                                           const spark_config_t* config,
                                           const char* name,
                                           spark_module_t** out) {
    char message[200];
    if (config->count != 1 || config->values[0].type != SPARK_FIELD_FLOAT) {
        report(host, SPARK_SEVERITY_ERROR, "config must hold exactly one float value, tau");
        return SPARK_ERR_INVALID_ARGUMENT;
    }
    const double tau = config->values[0].f;
    if (!(tau > 0.0)) {
        snprintf(message, sizeof message, "tau must be > 0, got %g", tau);
        report(host, SPARK_SEVERITY_ERROR, message);
        return SPARK_ERR_INVALID_ARGUMENT;
    }
    if (config->dtype != SPARK_DTYPE_F32 && config->dtype != SPARK_DTYPE_F64) {
        snprintf(message,
                 sizeof message,
                 "dtype must be float32 (%d) or float64 (%d), got %" PRId32,
                 SPARK_DTYPE_F32,
                 SPARK_DTYPE_F64,
                 config->dtype);
        report(host, SPARK_SEVERITY_ERROR, message);
        return SPARK_ERR_INVALID_ARGUMENT;
    }
    spark_module_t* module = (spark_module_t*)calloc(1, sizeof(spark_module_t));
    decay_data_t* data = (decay_data_t*)calloc(1, sizeof(decay_data_t));
    const size_t name_size = strlen(name) + 1;
    char* name_copy = (char*)malloc(name_size);
    if (module == NULL || data == NULL || name_copy == NULL) {
        free(module);
        free(data);
        free(name_copy);
        report(host, SPARK_SEVERITY_ERROR, "out of memory");
        return SPARK_ERR_OUT_OF_MEMORY;
    }
    memcpy(name_copy, name, name_size);
    data->host = host;
    data->name = name_copy;
    data->tau = tau;
    data->dtype = config->dtype;
    module->type = type;
    module->module_data = data;
    module->contract = NULL;
    module->build = decay_build;
    module->reset = decay_reset;
    module->step = decay_step;
    module->state = decay_state;
    module->state_loaded = decay_state_loaded;
    module->destroy = decay_destroy;
    module->get_extension = decay_get_extension;
    snprintf(message,
             sizeof message,
             "created '%s' (tau %g ms, debug messages wanted: %s)",
             name,
             tau,
             host->wants(host, SPARK_SEVERITY_DEBUG) != 0 ? "yes" : "no");
    report(host, SPARK_SEVERITY_INFO, message);
    *out = module;
    return SPARK_OK;
}

static const spark_validator_t tau_validators[] = {
    {SPARK_VALIDATOR_POSITIVE, 0.0, 0.0, NULL, NULL, 0},
};

static const spark_field_desc_t decay_fields[] = {
    {"tau",
     SPARK_FIELD_FLOAT,
     "10.0",
     "ms",
     "time constant of the exponential decay",
     tau_validators,
     1,
     0,
     0},
};

static const spark_port_desc_t decay_ports[] = {
    {"in",
     SPARK_PORT_INPUT,
     SPARK_PAYLOAD_FLOAT,
     "float_array",
     SPARK_SHAPE_ANY,
     NULL,
     true,
     "added to the trace every step"},
    {"out",
     SPARK_PORT_OUTPUT,
     SPARK_PAYLOAD_FLOAT,
     "float_array",
     SPARK_SHAPE_LIKE_PORT,
     "in",
     true,
     "the trace after the step"},
};

static const spark_module_type_t decay_type = {
    SPARK_ABI_VERSION_INIT,
    "decay",
    "ctest",
    "1.0.0",
    SPARK_KIND_COMPONENT,
    "an exponentially decaying trace of its input",
    decay_fields,
    1,
    decay_ports,
    2,
    decay_create,
    NULL,
    NULL, /* type_extension: ABI 1.1 */
};

static const spark_module_type_t* const all_types[] = {&decay_type};

static spark_status SPARK_ABI plugin_init(const spark_host_t* host) {
    plugin_host = host;
    report(plugin_host, SPARK_SEVERITY_DEBUG, "init");
    return SPARK_OK;
}

static const spark_module_type_t* const* SPARK_ABI plugin_types(uint32_t* count) {
    *count = (uint32_t)(sizeof all_types / sizeof all_types[0]);
    return all_types;
}

static void SPARK_ABI plugin_deinit(void) {
    report(plugin_host, SPARK_SEVERITY_DEBUG, "deinit");
    plugin_host = NULL;
}

SPARK_EXPORT extern const spark_plugin_entry_t spark_plugin_entry;
const spark_plugin_entry_t spark_plugin_entry = {
    SPARK_ABI_VERSION_INIT,
    "test.c_ok",
    "ctest",
    "0.3.0",
    "a plain C11 test plugin with one decaying-trace component",
    plugin_init,
    plugin_types,
    plugin_deinit,
};
