// SPDX-License-Identifier: Apache-2.0
// Test plugin (plain C11) for the host's initializer service: `ramp_initializer` (kind
// initializer: out[i] = start + slope * i) and `weighted` (out = weights * in, where `weights` is
// an INITIALIZER field evaluated through SPARK_SERVICE_INITIALIZERS at build, or a constant).
#include <stdlib.h>
#include <string.h>

#include <spark/abi/spark_abi.h>

static const spark_field_desc_t ramp_fields[] = {
    {"start", SPARK_FIELD_FLOAT, "1.0", "", "value of element 0", NULL, 0, 0, 0},
    {"slope", SPARK_FIELD_FLOAT, "0.5", "", "increase per element", NULL, 0, 0, 0},
};

static spark_status SPARK_ABI ramp_initialize(const spark_module_type_t* type,
                                              const spark_host_t* host,
                                              const spark_config_t* config,
                                              const spark_buffer_t* out) {
    (void)type;
    if (config->count != 2 || out->spec.dtype != SPARK_DTYPE_F64) {
        host->report(host, SPARK_SEVERITY_ERROR, "ramp_initializer fills float64 buffers only");
        return SPARK_ERR_UNSUPPORTED;
    }
    if (config->values[0].f < 0.0) {
        host->report(host, SPARK_SEVERITY_ERROR, "start must be >= 0 in this test initializer");
        return SPARK_ERR_INVALID_ARGUMENT;
    }
    double* data = (double*)out->data;
    for (uint64_t i = 0; i < out->count; ++i) {
        data[i] = config->values[0].f + config->values[1].f * (double)i;
    }
    return SPARK_OK;
}

static const spark_module_type_t ramp_type = {
    SPARK_ABI_VERSION_INIT,
    "ramp_initializer",
    "rt",
    "1.0.0",
    SPARK_KIND_INITIALIZER,
    "start + slope * index",
    ramp_fields,
    2,
    NULL,
    0,
    NULL,
    ramp_initialize,
    NULL, /* type_extension: ABI 1.1 */
};

typedef struct weighted_data {
    const spark_host_t* host;
    spark_value_t weights; // copied at create; .config is only read during create
    const spark_config_t* nested;
    spark_config_t nested_copy;
    spark_value_t nested_values[2];
    char nested_class_ref[128];
    uint64_t count;
    double* w;
} weighted_data;

static const spark_field_desc_t weighted_fields[] = {
    {"weights",
     SPARK_FIELD_INITIALIZER,
     "{\"__class_ref__\": \"ramp_initializer\"}",
     "",
     "one weight per element",
     NULL,
     0,
     SPARK_KIND_INITIALIZER,
     0},
};

static const spark_port_desc_t weighted_ports[] = {
    {"in", SPARK_PORT_INPUT, SPARK_PAYLOAD_FLOAT, "float_array", SPARK_SHAPE_ANY, NULL, true, "x"},
    {"out",
     SPARK_PORT_OUTPUT,
     SPARK_PAYLOAD_FLOAT,
     "float_array",
     SPARK_SHAPE_LIKE_PORT,
     "in",
     true,
     "weights * x"},
};

static spark_status SPARK_ABI weighted_build(spark_module_t* self,
                                             const spark_port_spec_t* inputs,
                                             uint32_t input_count,
                                             spark_port_spec_t* outputs,
                                             uint32_t output_count) {
    weighted_data* d = (weighted_data*)self->module_data;
    (void)input_count;
    (void)output_count;
    outputs[0] = inputs[0];
    d->count = 1;
    for (uint32_t i = 0; i < inputs[0].shape.rank; ++i) {
        d->count *= inputs[0].shape.dims[i];
    }
    free(d->w);
    d->w = (double*)calloc(d->count ? d->count : 1, sizeof(double));
    if (d->w == NULL) {
        return SPARK_ERR_OUT_OF_MEMORY;
    }
    if (d->nested == NULL) { // a plain number: a constant weight
        for (uint64_t i = 0; i < d->count; ++i) {
            d->w[i] = d->weights.f;
        }
        return SPARK_OK;
    }
    const spark_initializer_service_t* service =
        (const spark_initializer_service_t*)d->host->get_service(d->host,
                                                                 SPARK_SERVICE_INITIALIZERS);
    if (service == NULL) {
        d->host->report(d->host, SPARK_SEVERITY_ERROR, "the host offers no initializer service");
        return SPARK_ERR_UNSUPPORTED;
    }
    spark_buffer_t out;
    memset(&out, 0, sizeof out);
    out.data = d->w;
    out.count = d->count;
    out.spec.payload_kind = SPARK_PAYLOAD_FLOAT;
    out.spec.dtype = SPARK_DTYPE_F64;
    out.spec.shape = inputs[0].shape;
    return service->initialize(d->host, d->nested, &out);
}

static spark_status SPARK_ABI weighted_reset(spark_module_t* self,
                                             const spark_buffer_t* outputs,
                                             uint32_t output_count) {
    (void)self;
    (void)output_count;
    memset(outputs[0].data, 0, outputs[0].count * spark_dtype_size(outputs[0].spec.dtype));
    return SPARK_OK;
}

static spark_status SPARK_ABI weighted_step(spark_module_t* self, const spark_step_context_t* ctx) {
    const weighted_data* d = (const weighted_data*)self->module_data;
    const spark_buffer_t* in = &ctx->inputs[0];
    const spark_buffer_t* out = &ctx->outputs[0];
    for (uint64_t i = 0; i < d->count; ++i) {
        if (in->spec.dtype == SPARK_DTYPE_F64) {
            ((double*)out->data)[i] = d->w[i] * ((const double*)in->data)[i];
        } else {
            ((float*)out->data)[i] = (float)(d->w[i] * ((const float*)in->data)[i]);
        }
    }
    return SPARK_OK;
}

static spark_status SPARK_ABI weighted_state(spark_module_t* self,
                                             spark_state_array_t* arrays,
                                             uint32_t capacity,
                                             uint32_t* count) {
    (void)self;
    (void)arrays;
    (void)capacity;
    *count = 0;
    return SPARK_OK;
}

static spark_status SPARK_ABI weighted_state_loaded(spark_module_t* self) {
    (void)self;
    return SPARK_OK;
}

static void SPARK_ABI weighted_destroy(spark_module_t* self) {
    weighted_data* d = (weighted_data*)self->module_data;
    free(d->w);
    free(d);
    free(self);
}

static spark_status SPARK_ABI weighted_create(const spark_module_type_t* type,
                                              const spark_host_t* host,
                                              const spark_config_t* config,
                                              const char* name,
                                              spark_module_t** out) {
    (void)name;
    spark_module_t* self = (spark_module_t*)calloc(1, sizeof(spark_module_t));
    weighted_data* d = (weighted_data*)calloc(1, sizeof(weighted_data));
    if (self == NULL || d == NULL) {
        free(self);
        free(d);
        return SPARK_ERR_OUT_OF_MEMORY;
    }
    d->host = host;
    d->weights = config->values[0];
    if (config->values[0].config != NULL) {
        // The config is borrowed for this call only: keep a copy of the ramp's two numbers.
        const spark_config_t* nested = config->values[0].config;
        if (nested->count > 2) {
            free(self);
            free(d);
            host->report(host, SPARK_SEVERITY_ERROR, "weights: expected a ramp_initializer");
            return SPARK_ERR_INVALID_ARGUMENT;
        }
        d->nested_copy = *nested;
        memcpy(d->nested_values, nested->values, nested->count * sizeof(spark_value_t));
        d->nested_copy.values = d->nested_values;
        strncpy(d->nested_class_ref, nested->class_ref, sizeof d->nested_class_ref - 1);
        d->nested_copy.class_ref = d->nested_class_ref;
        d->nested = &d->nested_copy;
    }
    self->type = type;
    self->module_data = d;
    self->build = weighted_build;
    self->reset = weighted_reset;
    self->step = weighted_step;
    self->state = weighted_state;
    self->state_loaded = weighted_state_loaded;
    self->destroy = weighted_destroy;
    *out = self;
    return SPARK_OK;
}

static const spark_module_type_t weighted_type = {
    SPARK_ABI_VERSION_INIT,
    "weighted",
    "rt",
    "1.0.0",
    SPARK_KIND_COMPONENT,
    "out = weights * in",
    weighted_fields,
    1,
    weighted_ports,
    2,
    weighted_create,
    NULL,
    NULL, /* type_extension: ABI 1.1 */
};

static const spark_module_type_t* const all_types[] = {&ramp_type, &weighted_type};

static spark_status SPARK_ABI plugin_init(const spark_host_t* host) {
    (void)host;
    return SPARK_OK;
}
static const spark_module_type_t* const* SPARK_ABI plugin_types(uint32_t* count) {
    *count = 2;
    return all_types;
}
static void SPARK_ABI plugin_deinit(void) {}

SPARK_EXPORT extern const spark_plugin_entry_t spark_plugin_entry;
const spark_plugin_entry_t spark_plugin_entry = {
    SPARK_ABI_VERSION_INIT,
    "rt.initializers",
    "rt",
    "1.0.0",
    "initializer service test types",
    plugin_init,
    plugin_types,
    plugin_deinit,
};
