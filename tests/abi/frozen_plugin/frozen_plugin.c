// SPDX-License-Identifier: Apache-2.0
// frozen.abi_v1_0: a plugin compiled against the frozen copy of the ABI as first released
// (tests/abi/v1_0, ABI 1.0.0), never against the live headers. It must keep loading and giving
// the same numbers as the live headers evolve; tests/abi/README.md states exactly what it
// computes. It touches as much of the ABI as one small plugin can: every scalar field type and a
// float array, the validators, an input and an output port, build/reset/step, the step index,
// checkpoint state of two dtypes with a validating state_loaded, errors at create, build, step
// and state_loaded, host messages (report, wants), get_service at init, and an initializer type.
//
// Types:
// - frozen.affine (component): y = gain * in + offset + bias[i % len(bias)] (then max(y, 0)
//   when clamp_negative), accumulated or not by `mode`, silent before step `start_step`.
// - frozen.ramp (initializer): fills element k (row-major) with start + k * step.
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <spark/abi/spark_abi.h>

// This file must see exactly the headers it is frozen against: a newer minor would let it use
// something the first release did not have, and the test would prove nothing.
#if SPARK_ABI_VERSION_MAJOR != 1 || SPARK_ABI_VERSION_MINOR != 0 || SPARK_ABI_VERSION_PATCH != 0
#    error "frozen_plugin.c must be compiled against the frozen ABI 1.0.0 (tests/abi/v1_0)"
#endif

#define FROZEN_VENDOR "frozen"

#if defined(__GNUC__)
#    define FROZEN_PRINTF(format_index, first_arg)                                                 \
        __attribute__((format(printf, format_index, first_arg)))
#else
#    define FROZEN_PRINTF(format_index, first_arg)
#endif

// ---------------------------------------------------------------------------------------------
// Helpers

/// The host of init; valid until deinit returns. [main-thread] only.
static const spark_host_t* plugin_host = NULL;
/// Whether the host offered SPARK_SERVICE_INITIALIZERS at init (reported, not otherwise used).
static bool has_initializer_service = false;

/// Formats a message and reports it, unless the host would drop it anyway. [thread-safe]
static void say(const spark_host_t* host, int32_t severity, const char* format, ...)
    FROZEN_PRINTF(3, 4);
static void say(const spark_host_t* host, int32_t severity, const char* format, ...) {
    if (host == NULL || host->report == NULL ||
        (host->wants != NULL && host->wants(host, severity) == 0)) {
        return;
    }
    char message[256];
    va_list args;
    va_start(args, format);
    vsnprintf(message, sizeof message, format, args);
    va_end(args);
    host->report(host, severity, message); // the host copies the text
}

/// Reports an error (always: errors are never filtered) and returns `status`.
static spark_status fail(const spark_host_t* host, spark_status status, const char* format, ...)
    FROZEN_PRINTF(3, 4);
static spark_status fail(const spark_host_t* host, spark_status status, const char* format, ...) {
    if (host != NULL && host->report != NULL) {
        char message[256];
        va_list args;
        va_start(args, format);
        vsnprintf(message, sizeof message, format, args);
        va_end(args);
        host->report(host, SPARK_SEVERITY_ERROR, message);
    }
    return status;
}

static uint64_t element_count(const spark_shape_t* shape) {
    uint64_t count = 1;
    for (uint32_t d = 0; d < shape->rank && d < SPARK_MAX_RANK; ++d) {
        count *= shape->dims[d];
    }
    return count;
}

static const char* dtype_name(int32_t dtype) {
    switch (dtype) {
    case SPARK_DTYPE_U8:
        return "uint8";
    case SPARK_DTYPE_I32:
        return "int32";
    case SPARK_DTYPE_F32:
        return "float32";
    case SPARK_DTYPE_F64:
        return "float64";
    default:
        return "an unknown dtype";
    }
}

/// One value per schema field, each of the declared type, and a float dtype (the host
/// guarantees all of it; the check turns a broken host into a message instead of a crash).
static spark_status check_config(const spark_host_t* host,
                                 const spark_config_t* config,
                                 const spark_field_desc_t* fields,
                                 uint32_t field_count) {
    if (config == NULL || (config->count > 0 && config->values == NULL)) {
        return fail(host, SPARK_ERR_INVALID_ARGUMENT, "a config is required");
    }
    if (config->count != field_count) {
        return fail(host,
                    SPARK_ERR_INVALID_ARGUMENT,
                    "config holds %" PRIu32 " values, the schema declares %" PRIu32 " fields",
                    config->count,
                    field_count);
    }
    for (uint32_t i = 0; i < field_count; ++i) {
        if (config->values[i].type != fields[i].type) {
            return fail(host,
                        SPARK_ERR_INVALID_ARGUMENT,
                        "config value %" PRIu32 " (%s) has type %" PRId32 ", expected %" PRId32,
                        i,
                        fields[i].name,
                        config->values[i].type,
                        fields[i].type);
        }
    }
    if (config->dtype != SPARK_DTYPE_F32 && config->dtype != SPARK_DTYPE_F64) {
        return fail(host,
                    SPARK_ERR_INVALID_ARGUMENT,
                    "dtype must be float32 or float64, got %s",
                    dtype_name(config->dtype));
    }
    return SPARK_OK;
}

// ---------------------------------------------------------------------------------------------
// frozen.affine
//
// Per element i of `in` (flattened, B = len(bias)), at the step with index t (0 after reset):
//   t <  start_step:  out_i = 0; the state does not change
//   t >= start_step:  y_i = gain * in_i + offset + bias[i % B]; if clamp_negative: y_i = max(y_i,
//   0)
//                     acc_i <- acc_i + y_i;  steps_accumulated <- steps_accumulated + 1
//                     out_i = acc_i ("accumulate") or y_i ("instant")
// reset: acc = 0, steps_accumulated = 0, step -1 output all 0. Arithmetic in double; the output
// is rounded to the config's dtype.

enum {
    AFFINE_GAIN,
    AFFINE_OFFSET,
    AFFINE_BIAS,
    AFFINE_START_STEP,
    AFFINE_CLAMP_NEGATIVE,
    AFFINE_MODE,
    AFFINE_FIELD_COUNT
};
enum { AFFINE_PORT_IN, AFFINE_PORT_OUT, AFFINE_PORT_COUNT };

#define AFFINE_MAX_BIAS 16

typedef struct affine {
    spark_module_t module; // first member: what create() returns to the host
    const spark_host_t* host;
    // From the config (copied: the config is borrowed for create only).
    double gain;
    double offset;
    double bias[AFFINE_MAX_BIAS];
    uint32_t bias_count;
    uint64_t start_step;
    bool clamp_negative;
    bool accumulate;
    int32_t dtype;
    // Lifecycle.
    bool built;
    bool ready; // reset ran since build or since a rejected state_loaded
    spark_shape_t shape;
    uint64_t n;
    // State.
    double* accumulator;
    int32_t steps_accumulated[1];
} affine_t;

static spark_status SPARK_ABI affine_build(spark_module_t* self,
                                           const spark_port_spec_t* inputs,
                                           uint32_t input_count,
                                           spark_port_spec_t* outputs,
                                           uint32_t output_count) {
    affine_t* affine = (affine_t*)self->module_data;
    if (affine->built) {
        return fail(
            affine->host, SPARK_ERR_STATE, "build called twice; create a new instance instead");
    }
    if (input_count != 1 || output_count != 1 || inputs == NULL || outputs == NULL) {
        return fail(affine->host,
                    SPARK_ERR_INVALID_ARGUMENT,
                    "build takes 1 input spec (in) and 1 output spec (out), got %" PRIu32
                    " and %" PRIu32,
                    input_count,
                    output_count);
    }
    if (inputs[0].payload_kind != SPARK_PAYLOAD_FLOAT) {
        return fail(affine->host,
                    SPARK_ERR_INVALID_ARGUMENT,
                    "input 'in' takes floats (payload kind %d), got payload kind %" PRId32,
                    SPARK_PAYLOAD_FLOAT,
                    inputs[0].payload_kind);
    }
    if (inputs[0].dtype != affine->dtype) {
        return fail(affine->host,
                    SPARK_ERR_INVALID_ARGUMENT,
                    "input 'in' carries %s elements, expected %s (the config's dtype)",
                    dtype_name(inputs[0].dtype),
                    dtype_name(affine->dtype));
    }
    if (inputs[0].shape.rank > SPARK_MAX_RANK) {
        return fail(affine->host,
                    SPARK_ERR_INVALID_ARGUMENT,
                    "input 'in' has rank %" PRIu32 ", more than %d",
                    inputs[0].shape.rank,
                    SPARK_MAX_RANK);
    }
    affine->shape = inputs[0].shape;
    affine->n = element_count(&affine->shape);
    affine->accumulator = (double*)calloc(affine->n > 0 ? (size_t)affine->n : 1u, sizeof(double));
    if (affine->accumulator == NULL) {
        return fail(affine->host,
                    SPARK_ERR_OUT_OF_MEMORY,
                    "cannot allocate the accumulator of %" PRIu64 " elements",
                    affine->n);
    }
    outputs[0].payload_kind = SPARK_PAYLOAD_FLOAT;
    outputs[0].dtype = affine->dtype;
    outputs[0].shape = affine->shape; // like 'in'
    affine->built = true;
    return SPARK_OK;
}

static bool affine_buffer_ok(const affine_t* affine, const spark_buffer_t* buffer) {
    return buffer->count == affine->n && buffer->spec.dtype == affine->dtype &&
           (buffer->data != NULL || affine->n == 0);
}

static spark_status SPARK_ABI affine_reset(spark_module_t* self,
                                           const spark_buffer_t* outputs,
                                           uint32_t output_count) {
    affine_t* affine = (affine_t*)self->module_data;
    if (!affine->built) {
        return fail(affine->host, SPARK_ERR_STATE, "reset called before build; call build first");
    }
    if (output_count != 1 || outputs == NULL || !affine_buffer_ok(affine, &outputs[0])) {
        return fail(affine->host,
                    SPARK_ERR_INVALID_ARGUMENT,
                    "reset takes 1 output buffer of %" PRIu64 " %s elements",
                    affine->n,
                    dtype_name(affine->dtype));
    }
    for (uint64_t i = 0; i < affine->n; ++i) {
        affine->accumulator[i] = 0.0;
    }
    affine->steps_accumulated[0] = 0;
    if (affine->n > 0) {
        memset(outputs[0].data, 0, (size_t)affine->n * spark_dtype_size(affine->dtype));
    }
    affine->ready = true;
    return SPARK_OK;
}

static double read_float(const spark_buffer_t* buffer, uint64_t i) {
    if (buffer->spec.dtype == SPARK_DTYPE_F64) {
        return ((const double*)buffer->data)[i];
    }
    return (double)((const float*)buffer->data)[i];
}

static void write_float(const spark_buffer_t* buffer, uint64_t i, double value) {
    if (buffer->spec.dtype == SPARK_DTYPE_F64) {
        ((double*)buffer->data)[i] = value;
    } else {
        ((float*)buffer->data)[i] = (float)value;
    }
}

/// [step-thread]: no allocation, no blocking; ctx is borrowed for this call.
static spark_status SPARK_ABI affine_step(spark_module_t* self, const spark_step_context_t* ctx) {
    affine_t* affine = (affine_t*)self->module_data;
    if (!affine->ready) {
        return fail(affine->host,
                    SPARK_ERR_STATE,
                    "step called before reset (after build or after a rejected state load)");
    }
    if (ctx == NULL || ctx->input_count != 1 || ctx->output_count != 1 ||
        !affine_buffer_ok(affine, &ctx->inputs[0]) || !affine_buffer_ok(affine, &ctx->outputs[0])) {
        return fail(affine->host,
                    SPARK_ERR_INVALID_ARGUMENT,
                    "step takes 1 input buffer (in) and 1 output buffer (out) of %" PRIu64
                    " %s elements each",
                    affine->n,
                    dtype_name(affine->dtype));
    }
    const spark_buffer_t* in = &ctx->inputs[0];
    const spark_buffer_t* out = &ctx->outputs[0];
    if (ctx->step_index < affine->start_step) {
        for (uint64_t i = 0; i < affine->n; ++i) {
            write_float(out, i, 0.0);
        }
        return SPARK_OK;
    }
    for (uint64_t i = 0; i < affine->n; ++i) {
        double y = affine->gain * read_float(in, i) + affine->offset +
                   affine->bias[i % affine->bias_count];
        if (affine->clamp_negative && y < 0.0) {
            y = 0.0;
        }
        affine->accumulator[i] += y;
        write_float(out, i, affine->accumulate ? affine->accumulator[i] : y);
    }
    if (affine->steps_accumulated[0] < INT32_MAX) {
        ++affine->steps_accumulated[0];
    }
    return SPARK_OK;
}

/// "accumulator" (float64, shaped like 'in') and "steps_accumulated" (int32, shape (1,)).
/// The pointers stay valid until the next build, reset, step, state_loaded or destroy.
static spark_status SPARK_ABI affine_state(spark_module_t* self,
                                           spark_state_array_t* arrays,
                                           uint32_t capacity,
                                           uint32_t* count) {
    affine_t* affine = (affine_t*)self->module_data;
    if (!affine->built) {
        return fail(affine->host, SPARK_ERR_STATE, "state called before build; call build first");
    }
    if (count == NULL || (arrays == NULL && capacity > 0)) {
        return fail(affine->host,
                    SPARK_ERR_INVALID_ARGUMENT,
                    "state needs a count pointer and an array for capacity > 0");
    }
    spark_shape_t one;
    memset(&one, 0, sizeof one);
    one.rank = 1;
    one.dims[0] = 1;
    const spark_state_array_t all[2] = {
        {"accumulator", SPARK_DTYPE_F64, affine->shape, affine->accumulator},
        {"steps_accumulated", SPARK_DTYPE_I32, one, affine->steps_accumulated},
    };
    for (uint32_t k = 0; k < 2 && k < capacity; ++k) {
        arrays[k] = all[k];
    }
    *count = 2;
    return SPARK_OK;
}

/// Rejects a non-finite accumulator or a negative step count; the instance then refuses to step
/// until reset (the ABI asks only that it stays usable after reset).
static spark_status SPARK_ABI affine_state_loaded(spark_module_t* self) {
    affine_t* affine = (affine_t*)self->module_data;
    if (!affine->built) {
        return fail(
            affine->host, SPARK_ERR_STATE, "state_loaded called before build; call build first");
    }
    for (uint64_t i = 0; i < affine->n; ++i) {
        if (!isfinite(affine->accumulator[i])) {
            affine->ready = false;
            return fail(affine->host,
                        SPARK_ERR_INVALID_ARGUMENT,
                        "state 'accumulator'[%" PRIu64 "] must be finite, got %g",
                        i,
                        affine->accumulator[i]);
        }
    }
    if (affine->steps_accumulated[0] < 0) {
        affine->ready = false;
        return fail(affine->host,
                    SPARK_ERR_INVALID_ARGUMENT,
                    "state 'steps_accumulated' must be >= 0, got %" PRId32,
                    affine->steps_accumulated[0]);
    }
    affine->ready = true; // a valid checkpoint is a complete state
    return SPARK_OK;
}

static void SPARK_ABI affine_destroy(spark_module_t* self) {
    affine_t* affine = (affine_t*)self->module_data;
    say(affine->host, SPARK_SEVERITY_DEBUG, "destroy");
    free(affine->accumulator);
    free(affine);
}

/// No extensions in ABI 1.0. [thread-safe]
static const void* SPARK_ABI affine_get_extension(spark_module_t* self, const char* id) {
    (void)self;
    (void)id;
    return NULL;
}

static spark_status SPARK_ABI affine_create(const spark_module_type_t* type,
                                            const spark_host_t* host,
                                            const spark_config_t* config,
                                            const char* name,
                                            spark_module_t** out);

static const spark_validator_t gain_validators[] = {
    {SPARK_VALIDATOR_RANGE, -1000.0, 1000.0, NULL, NULL, 0},
};
static const spark_validator_t bias_validators[] = {
    {SPARK_VALIDATOR_LENGTH, 1.0, (double)AFFINE_MAX_BIAS, NULL, NULL, 0},
};
static const spark_validator_t start_step_validators[] = {
    {SPARK_VALIDATOR_NON_NEGATIVE, 0.0, 0.0, NULL, NULL, 0},
};
static const char* const mode_options[] = {"accumulate", "instant"};
static const spark_validator_t mode_validators[] = {
    {SPARK_VALIDATOR_ONE_OF, 0.0, 0.0, NULL, mode_options, 2},
};

static const spark_field_desc_t affine_fields[AFFINE_FIELD_COUNT] = {
    [AFFINE_GAIN] = {"gain",
                     SPARK_FIELD_FLOAT,
                     "2.0",
                     NULL,
                     "factor applied to 'in'; 0 is rejected at create",
                     gain_validators,
                     1,
                     0,
                     0},
    [AFFINE_OFFSET] =
        {"offset", SPARK_FIELD_FLOAT, "0.5", NULL, "added to every element", NULL, 0, 0, 0},
    [AFFINE_BIAS] = {"bias",
                     SPARK_FIELD_FLOAT_ARRAY,
                     "[0.0]",
                     NULL,
                     "added to element i as bias[i % len(bias)]",
                     bias_validators,
                     1,
                     0,
                     0},
    [AFFINE_START_STEP] = {"start_step",
                           SPARK_FIELD_INT,
                           "0",
                           "steps",
                           "steps after reset during which the output is 0 and nothing accumulates",
                           start_step_validators,
                           1,
                           0,
                           0},
    [AFFINE_CLAMP_NEGATIVE] = {"clamp_negative",
                               SPARK_FIELD_BOOL,
                               "false",
                               NULL,
                               "replace a negative y by 0 before accumulating",
                               NULL,
                               0,
                               0,
                               0},
    [AFFINE_MODE] =
        {"mode",
         SPARK_FIELD_STRING,
         "\"accumulate\"",
         NULL,
         "\"accumulate\": out is the running sum of y since reset; \"instant\": out = y",
         mode_validators,
         1,
         0,
         0},
};

static const spark_port_desc_t affine_ports[AFFINE_PORT_COUNT] = {
    [AFFINE_PORT_IN] = {"in",
                        SPARK_PORT_INPUT,
                        SPARK_PAYLOAD_FLOAT,
                        "float_array",
                        SPARK_SHAPE_ANY,
                        NULL,
                        true,
                        "the signal to transform"},
    [AFFINE_PORT_OUT] = {"out",
                         SPARK_PORT_OUTPUT,
                         SPARK_PAYLOAD_FLOAT,
                         "float_array",
                         SPARK_SHAPE_LIKE_PORT,
                         "in",
                         true,
                         "y, or its running sum"},
};

static const spark_module_type_t affine_type = {
    SPARK_ABI_VERSION_INIT,
    "affine",
    FROZEN_VENDOR,
    "1.0.0",
    SPARK_KIND_COMPONENT,
    "gain * in + offset + bias, optionally clamped at 0 and accumulated (frozen ABI 1.0 plugin)",
    affine_fields,
    AFFINE_FIELD_COUNT,
    affine_ports,
    AFFINE_PORT_COUNT,
    affine_create,
    NULL,
};

static spark_status SPARK_ABI affine_create(const spark_module_type_t* type,
                                            const spark_host_t* host,
                                            const spark_config_t* config,
                                            const char* name,
                                            spark_module_t** out) {
    const spark_status status = check_config(host, config, affine_fields, AFFINE_FIELD_COUNT);
    if (status != SPARK_OK) {
        return status;
    }
    if (out == NULL) {
        return fail(host, SPARK_ERR_INVALID_ARGUMENT, "create needs an output pointer");
    }
    const spark_value_t* values = config->values;
    // The error path the schema cannot express (a range cannot exclude one point).
    if (values[AFFINE_GAIN].f == 0.0) {
        return fail(host,
                    SPARK_ERR_INVALID_ARGUMENT,
                    "gain must not be 0 (the output would ignore 'in'), got %g",
                    values[AFFINE_GAIN].f);
    }
    const spark_value_t* bias = &values[AFFINE_BIAS];
    if (bias->count < 1 || bias->count > AFFINE_MAX_BIAS || bias->floats == NULL) {
        return fail(host,
                    SPARK_ERR_INVALID_ARGUMENT,
                    "bias must hold 1 to %d values, got %" PRIu32,
                    AFFINE_MAX_BIAS,
                    bias->count);
    }
    if (values[AFFINE_START_STEP].i < 0) {
        return fail(host,
                    SPARK_ERR_INVALID_ARGUMENT,
                    "start_step must be >= 0, got %" PRId64,
                    values[AFFINE_START_STEP].i);
    }
    const char* mode = values[AFFINE_MODE].s;
    const bool accumulate = mode != NULL && strcmp(mode, "accumulate") == 0;
    if (!accumulate && (mode == NULL || strcmp(mode, "instant") != 0)) {
        return fail(host,
                    SPARK_ERR_INVALID_ARGUMENT,
                    "mode must be \"accumulate\" or \"instant\", got \"%s\"",
                    mode != NULL ? mode : "");
    }
    affine_t* affine = (affine_t*)calloc(1, sizeof(affine_t));
    if (affine == NULL) {
        return fail(host, SPARK_ERR_OUT_OF_MEMORY, "cannot allocate the instance");
    }
    affine->host = host; // valid until destroy returns
    affine->gain = values[AFFINE_GAIN].f;
    affine->offset = values[AFFINE_OFFSET].f;
    affine->bias_count = bias->count;
    for (uint32_t k = 0; k < bias->count; ++k) {
        affine->bias[k] = bias->floats[k]; // copied: the config is the host's
    }
    affine->start_step = (uint64_t)values[AFFINE_START_STEP].i;
    affine->clamp_negative = values[AFFINE_CLAMP_NEGATIVE].b;
    affine->accumulate = accumulate;
    affine->dtype = config->dtype;

    affine->module.type = type;
    affine->module.module_data = affine;
    affine->module.contract = NULL; // the output shape follows 'in', unknown before build
    affine->module.build = affine_build;
    affine->module.reset = affine_reset;
    affine->module.step = affine_step;
    affine->module.state = affine_state;
    affine->module.state_loaded = affine_state_loaded;
    affine->module.destroy = affine_destroy;
    affine->module.get_extension = affine_get_extension;
    say(host,
        SPARK_SEVERITY_INFO,
        "created '%s': gain %g, offset %g, %" PRIu32 " bias value(s), mode %s",
        name != NULL ? name : "",
        affine->gain,
        affine->offset,
        affine->bias_count,
        accumulate ? "accumulate" : "instant");
    *out = &affine->module;
    return SPARK_OK;
}

// ---------------------------------------------------------------------------------------------
// frozen.ramp (initializer): out[k] = start + k * step for k = 0 .. count-1 (row-major), float32
// or float64 buffers only. The seed is not used: the result depends on config and shape only.

enum { RAMP_START, RAMP_STEP, RAMP_FIELD_COUNT };

static const spark_field_desc_t ramp_fields[RAMP_FIELD_COUNT] = {
    [RAMP_START] = {"start", SPARK_FIELD_FLOAT, "0.0", NULL, "value of element 0", NULL, 0, 0, 0},
    [RAMP_STEP] = {"step",
                   SPARK_FIELD_FLOAT,
                   "1.0",
                   NULL,
                   "difference between consecutive elements (row-major)",
                   NULL,
                   0,
                   0,
                   0},
};

/// [main-thread]; `out` (and the config) are borrowed for this call.
static spark_status SPARK_ABI ramp_initialize(const spark_module_type_t* type,
                                              const spark_host_t* host,
                                              const spark_config_t* config,
                                              const spark_buffer_t* out) {
    (void)type;
    const spark_status status = check_config(host, config, ramp_fields, RAMP_FIELD_COUNT);
    if (status != SPARK_OK) {
        return status;
    }
    if (out == NULL || (out->data == NULL && out->count > 0)) {
        return fail(host, SPARK_ERR_INVALID_ARGUMENT, "initialize needs a buffer to fill");
    }
    if (out->spec.dtype != SPARK_DTYPE_F32 && out->spec.dtype != SPARK_DTYPE_F64) {
        return fail(host,
                    SPARK_ERR_UNSUPPORTED,
                    "ramp fills float32 or float64 buffers, got %s",
                    dtype_name(out->spec.dtype));
    }
    const double start = config->values[RAMP_START].f;
    const double step = config->values[RAMP_STEP].f;
    for (uint64_t k = 0; k < out->count; ++k) {
        write_float(out, k, start + (double)k * step);
    }
    return SPARK_OK;
}

static const spark_module_type_t ramp_type = {
    SPARK_ABI_VERSION_INIT,
    "ramp",
    FROZEN_VENDOR,
    "1.0.0",
    SPARK_KIND_INITIALIZER,
    "fills an array with start + k * step (row-major index k)",
    ramp_fields,
    RAMP_FIELD_COUNT,
    NULL, // initializers have no ports
    0,
    NULL, // and no create
    ramp_initialize,
};

// ---------------------------------------------------------------------------------------------
// The entry

static const spark_module_type_t* const all_types[] = {&affine_type, &ramp_type};

static spark_status SPARK_ABI plugin_init(const spark_host_t* host) {
    plugin_host = host;
    has_initializer_service =
        host->get_service != NULL && host->get_service(host, SPARK_SERVICE_INITIALIZERS) != NULL;
    say(host,
        SPARK_SEVERITY_DEBUG,
        "frozen.abi_v1_0 init: host ABI %" PRIu32 ".%" PRIu32 ".%" PRIu32
        ", built against %d.%d.%d, initializer service %s",
        host->abi_version.major,
        host->abi_version.minor,
        host->abi_version.patch,
        SPARK_ABI_VERSION_MAJOR,
        SPARK_ABI_VERSION_MINOR,
        SPARK_ABI_VERSION_PATCH,
        has_initializer_service ? "offered" : "absent");
    return SPARK_OK;
}

static const spark_module_type_t* const* SPARK_ABI plugin_types(uint32_t* count) {
    *count = (uint32_t)(sizeof all_types / sizeof all_types[0]);
    return all_types;
}

static void SPARK_ABI plugin_deinit(void) {
    say(plugin_host, SPARK_SEVERITY_DEBUG, "frozen.abi_v1_0 deinit");
    plugin_host = NULL;
}

SPARK_EXPORT extern const spark_plugin_entry_t spark_plugin_entry;
const spark_plugin_entry_t spark_plugin_entry = {
    SPARK_ABI_VERSION_INIT,
    "frozen.abi_v1_0",
    FROZEN_VENDOR,
    "1.0.0",
    "built against the frozen ABI 1.0.0 headers: must keep loading as the ABI evolves",
    plugin_init,
    plugin_types,
    plugin_deinit,
};
