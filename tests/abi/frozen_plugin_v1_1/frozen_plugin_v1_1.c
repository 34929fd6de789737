// SPDX-License-Identifier: Apache-2.0
// frozen.abi_v1_1: a plugin compiled against the frozen copy of the ABI as 1.1.0 was released
// (tests/abi/v1_1), never against the live headers. Like frozen.abi_v1_0 (tests/abi/frozen_plugin)
// it must keep loading and giving the same numbers as the live headers evolve; tests/abi/README.md
// states exactly what it computes. It exercises, by hand in C, what 1.1 added to 1.0:
// spark_module_type.type_extension with the type-level extensions SPARK_EXT_TYPE_PROPERTIES,
// SPARK_EXT_TYPE_CAPABILITIES (with a nested-accepts entry) and SPARK_EXT_SPARSE_INITIALIZER; the
// instance extension SPARK_EXT_PROPERTIES (spec, read and write by copy, with every error status
// properties.h documents); and at init it asks for the 1.1 host services. Of 1.0 it uses an
// INITIALIZER field run through the host's initializer service, and an output contract.
//
// Types (vendor frozen11, so that none clashes with frozen.abi_v1_0's frozen.* in one registry):
// - frozen11.gain_sum (component): out = gain * in per element; properties `total` (the running
//   sum of out since reset, read-only), `gain` (writable) and `steps` (steps since reset).
// - frozen11.every_nth (initializer, sparse): element k is `value` when k % every == 0, else 0.
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
// something 1.1.0 did not have, and an older one lacks what it exercises.
#if SPARK_ABI_VERSION_MAJOR != 1 || SPARK_ABI_VERSION_MINOR != 1 || SPARK_ABI_VERSION_PATCH != 0
#    error "frozen_plugin_v1_1.c must be compiled against the frozen ABI 1.1.0 (tests/abi/v1_1)"
#endif

#define FROZEN_VENDOR "frozen11"

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

/// Formats a message and reports it, unless the host would drop it anyway. [thread-safe]
static void say(const spark_host_t* host, int32_t severity, const char* format, ...)
    FROZEN_PRINTF(3, 4);
static void say(const spark_host_t* host, int32_t severity, const char* format, ...) {
    if (host == NULL || host->report == NULL ||
        (host->wants != NULL && host->wants(host, severity) == 0)) {
        return;
    }
    char message[512];
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
        char message[512];
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

static bool same_shape(const spark_shape_t* a, const spark_shape_t* b) {
    if (a->rank != b->rank || a->rank > SPARK_MAX_RANK) {
        return false;
    }
    for (uint32_t d = 0; d < a->rank; ++d) {
        if (a->dims[d] != b->dims[d]) {
            return false;
        }
    }
    return true;
}

static bool same_spec(const spark_port_spec_t* a, const spark_port_spec_t* b) {
    return a->payload_kind == b->payload_kind && a->dtype == b->dtype &&
           same_shape(&a->shape, &b->shape);
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

static const char* payload_name(int32_t payload_kind) {
    switch (payload_kind) {
    case SPARK_PAYLOAD_SPIKES:
        return "spikes";
    case SPARK_PAYLOAD_FLOAT:
        return "float";
    case SPARK_PAYLOAD_INT:
        return "int";
    case SPARK_PAYLOAD_BOOL_MASK:
        return "bool mask";
    default:
        return "no payload";
    }
}

/// A spec as messages show it: "float float64 (2, 2)"; "(?)" for a rank beyond SPARK_MAX_RANK.
static const char* spec_text(const spark_port_spec_t* spec, char* text, size_t size) {
    int used =
        snprintf(text, size, "%s %s (", payload_name(spec->payload_kind), dtype_name(spec->dtype));
    if (spec->shape.rank > SPARK_MAX_RANK) {
        snprintf(text + used, size - (size_t)used, "?)");
        return text;
    }
    for (uint32_t d = 0; d < spec->shape.rank && used > 0 && (size_t)used < size; ++d) {
        used += snprintf(
            text + used, size - (size_t)used, "%s%" PRIu32, d > 0 ? ", " : "", spec->shape.dims[d]);
    }
    if (used > 0 && (size_t)used < size) {
        snprintf(text + used, size - (size_t)used, ")");
    }
    return text;
}

/// One value per schema field, each of the declared type (an INITIALIZER field holds a number as
/// FLOAT or a config as INITIALIZER), and a float dtype. The host guarantees all of it; the check
/// turns a broken host into a message instead of a crash.
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
        const int32_t type = config->values[i].type;
        const bool number_for_initializer =
            fields[i].type == SPARK_FIELD_INITIALIZER && type == SPARK_FIELD_FLOAT;
        const bool missing_config =
            (type == SPARK_FIELD_INITIALIZER || type == SPARK_FIELD_CONFIG) &&
            config->values[i].config == NULL;
        if ((type != fields[i].type && !number_for_initializer) || missing_config) {
            return fail(host,
                        SPARK_ERR_INVALID_ARGUMENT,
                        "config value %" PRIu32 " (%s) has type %" PRId32 ", expected %" PRId32,
                        i,
                        fields[i].name,
                        type,
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

// ---------------------------------------------------------------------------------------------
// frozen11.gain_sum
//
// Per element i (row-major) of `in`, shaped like the config's `units`, at every step:
//   out_i = gain_i * in_i;   total_i <- total_i + out_i;   steps <- steps + 1
// gain is filled at create from `gain_init` (a number for every element, or an initializer run
// through the host's initializer service) and changes only by a property write (or a restored
// checkpoint): reset zeroes total, steps and the step -1 output, not gain. Arithmetic in double;
// out and property reads are rounded to the config's dtype.

enum { GAIN_SUM_UNITS, GAIN_SUM_GAIN_INIT, GAIN_SUM_FIELD_COUNT };
enum { GAIN_SUM_PORT_IN, GAIN_SUM_PORT_OUT, GAIN_SUM_PORT_COUNT };
enum { PROPERTY_TOTAL, PROPERTY_GAIN, PROPERTY_STEPS, PROPERTY_COUNT };

/// Large enough for any test, small enough that n * sizeof(double) never overflows.
#define GAIN_SUM_MAX_ELEMENTS (UINT64_C(1) << 24)

typedef struct gain_sum {
    spark_module_t module; // first member: what create() returns to the host
    const spark_host_t* host;
    int32_t dtype;
    spark_shape_t shape; // `units`
    uint64_t n;
    // Lifecycle.
    bool built;
    bool ready; // reset ran since build or since a rejected state_loaded
    // State (all of it in checkpoints, gain included: a written gain is part of the run).
    double* gain;
    double* total;
    int32_t steps[1];
} gain_sum_t;

static const spark_property_desc_t gain_sum_property_list[PROPERTY_COUNT] = {
    [PROPERTY_TOTAL] = {"total",
                        SPARK_PAYLOAD_FLOAT,
                        "float_array",
                        SPARK_SHAPE_LIKE_PORT,
                        "in",
                        false,
                        "the running sum of out since reset"},
    [PROPERTY_GAIN] = {"gain",
                       SPARK_PAYLOAD_FLOAT,
                       "float_array",
                       SPARK_SHAPE_FROM_FIELD,
                       "units",
                       true,
                       "factor on each element of in; a write takes effect at the next step and "
                       "survives reset"},
    [PROPERTY_STEPS] = {"steps",
                        SPARK_PAYLOAD_INT,
                        "int_array",
                        SPARK_SHAPE_COMPUTED,
                        "(1,)",
                        false,
                        "the number of steps since reset"},
};

static spark_port_spec_t float_spec(const gain_sum_t* g) {
    spark_port_spec_t spec;
    memset(&spec, 0, sizeof spec);
    spec.payload_kind = SPARK_PAYLOAD_FLOAT;
    spec.dtype = g->dtype;
    spec.shape = g->shape;
    return spec;
}

static spark_port_spec_t property_spec_of(const gain_sum_t* g, uint32_t index) {
    if (index == PROPERTY_STEPS) {
        spark_port_spec_t spec;
        memset(&spec, 0, sizeof spec);
        spec.payload_kind = SPARK_PAYLOAD_INT;
        spec.dtype = SPARK_DTYPE_I32;
        spec.shape.rank = 1;
        spec.shape.dims[0] = 1;
        return spec;
    }
    return float_spec(g); // total (like 'in') and gain (from 'units') are both shaped by units
}

static spark_status SPARK_ABI gain_sum_contract(spark_module_t* self,
                                                spark_port_spec_t* outputs,
                                                uint32_t count) {
    gain_sum_t* g = (gain_sum_t*)self->module_data;
    if (outputs == NULL || count != GAIN_SUM_PORT_COUNT - 1) {
        return fail(g->host,
                    SPARK_ERR_INVALID_ARGUMENT,
                    "contract fills 1 output spec (out), got room for %" PRIu32,
                    count);
    }
    outputs[0] = float_spec(g); // known from the config alone: 'out' is shaped by units
    return SPARK_OK;
}

static spark_status SPARK_ABI gain_sum_build(spark_module_t* self,
                                             const spark_port_spec_t* inputs,
                                             uint32_t input_count,
                                             spark_port_spec_t* outputs,
                                             uint32_t output_count) {
    gain_sum_t* g = (gain_sum_t*)self->module_data;
    if (g->built) {
        return fail(g->host, SPARK_ERR_STATE, "build called twice; create a new instance instead");
    }
    if (input_count != 1 || output_count != 1 || inputs == NULL || outputs == NULL) {
        return fail(g->host,
                    SPARK_ERR_INVALID_ARGUMENT,
                    "build takes 1 input spec (in) and 1 output spec (out), got %" PRIu32
                    " and %" PRIu32,
                    input_count,
                    output_count);
    }
    const spark_port_spec_t expected = float_spec(g);
    if (!same_spec(&inputs[0], &expected)) {
        char want[128];
        char got[128];
        return fail(g->host,
                    SPARK_ERR_INVALID_ARGUMENT,
                    "input 'in' takes %s (the config's dtype, shaped like units), got %s",
                    spec_text(&expected, want, sizeof want),
                    spec_text(&inputs[0], got, sizeof got));
    }
    g->total = (double*)calloc((size_t)g->n, sizeof(double));
    if (g->total == NULL) {
        return fail(g->host,
                    SPARK_ERR_OUT_OF_MEMORY,
                    "cannot allocate total of %" PRIu64 " elements",
                    g->n);
    }
    outputs[0] = expected;
    g->built = true;
    return SPARK_OK;
}

static bool gain_sum_buffer_ok(const gain_sum_t* g, const spark_buffer_t* buffer) {
    return buffer->count == g->n && buffer->spec.dtype == g->dtype && buffer->data != NULL;
}

static spark_status SPARK_ABI gain_sum_reset(spark_module_t* self,
                                             const spark_buffer_t* outputs,
                                             uint32_t output_count) {
    gain_sum_t* g = (gain_sum_t*)self->module_data;
    if (!g->built) {
        return fail(g->host, SPARK_ERR_STATE, "reset called before build; call build first");
    }
    if (output_count != 1 || outputs == NULL || !gain_sum_buffer_ok(g, &outputs[0])) {
        return fail(g->host,
                    SPARK_ERR_INVALID_ARGUMENT,
                    "reset takes 1 output buffer of %" PRIu64 " %s elements",
                    g->n,
                    dtype_name(g->dtype));
    }
    for (uint64_t i = 0; i < g->n; ++i) {
        g->total[i] = 0.0;
    }
    g->steps[0] = 0;
    memset(outputs[0].data, 0, (size_t)g->n * spark_dtype_size(g->dtype));
    g->ready = true;
    return SPARK_OK;
}

/// [step-thread]: no allocation, no blocking; ctx is borrowed for this call.
static spark_status SPARK_ABI gain_sum_step(spark_module_t* self, const spark_step_context_t* ctx) {
    gain_sum_t* g = (gain_sum_t*)self->module_data;
    if (!g->ready) {
        return fail(g->host,
                    SPARK_ERR_STATE,
                    "step called before reset (after build or after a rejected state load)");
    }
    if (ctx == NULL || ctx->input_count != 1 || ctx->output_count != 1 ||
        !gain_sum_buffer_ok(g, &ctx->inputs[0]) || !gain_sum_buffer_ok(g, &ctx->outputs[0])) {
        return fail(g->host,
                    SPARK_ERR_INVALID_ARGUMENT,
                    "step takes 1 input buffer (in) and 1 output buffer (out) of %" PRIu64
                    " %s elements each",
                    g->n,
                    dtype_name(g->dtype));
    }
    for (uint64_t i = 0; i < g->n; ++i) {
        const double y = g->gain[i] * read_float(&ctx->inputs[0], i);
        g->total[i] += y;
        write_float(&ctx->outputs[0], i, y);
    }
    if (g->steps[0] < INT32_MAX) {
        ++g->steps[0];
    }
    return SPARK_OK;
}

/// "total" and "gain" (float64, shaped like units) and "steps" (int32, shape (1,)). The pointers
/// stay valid until destroy (nothing is reallocated after build).
static spark_status SPARK_ABI gain_sum_state(spark_module_t* self,
                                             spark_state_array_t* arrays,
                                             uint32_t capacity,
                                             uint32_t* count) {
    gain_sum_t* g = (gain_sum_t*)self->module_data;
    if (!g->built) {
        return fail(g->host, SPARK_ERR_STATE, "state called before build; call build first");
    }
    if (count == NULL || (arrays == NULL && capacity > 0)) {
        return fail(g->host,
                    SPARK_ERR_INVALID_ARGUMENT,
                    "state needs a count pointer and an array for capacity > 0");
    }
    spark_shape_t one;
    memset(&one, 0, sizeof one);
    one.rank = 1;
    one.dims[0] = 1;
    const spark_state_array_t all[3] = {
        {"total", SPARK_DTYPE_F64, g->shape, g->total},
        {"gain", SPARK_DTYPE_F64, g->shape, g->gain},
        {"steps", SPARK_DTYPE_I32, one, g->steps},
    };
    for (uint32_t k = 0; k < 3 && k < capacity; ++k) {
        arrays[k] = all[k];
    }
    *count = 3;
    return SPARK_OK;
}

/// The first non-finite element of `values`, or n when all are finite.
static uint64_t first_non_finite(const double* values, uint64_t n) {
    for (uint64_t i = 0; i < n; ++i) {
        if (!isfinite(values[i])) {
            return i;
        }
    }
    return n;
}

/// Rejects a non-finite total or gain, or a negative step count; the instance then refuses to
/// step until reset (the ABI asks only that it stays usable after reset).
static spark_status SPARK_ABI gain_sum_state_loaded(spark_module_t* self) {
    gain_sum_t* g = (gain_sum_t*)self->module_data;
    if (!g->built) {
        return fail(g->host, SPARK_ERR_STATE, "state_loaded called before build; call build first");
    }
    const double* arrays[2] = {g->total, g->gain};
    const char* names[2] = {"total", "gain"};
    for (int a = 0; a < 2; ++a) {
        const uint64_t bad = first_non_finite(arrays[a], g->n);
        if (bad < g->n) {
            g->ready = false;
            return fail(g->host,
                        SPARK_ERR_INVALID_ARGUMENT,
                        "state '%s'[%" PRIu64 "] must be finite, got %g",
                        names[a],
                        bad,
                        arrays[a][bad]);
        }
    }
    if (g->steps[0] < 0) {
        g->ready = false;
        return fail(g->host,
                    SPARK_ERR_INVALID_ARGUMENT,
                    "state 'steps' must be >= 0, got %" PRId32,
                    g->steps[0]);
    }
    g->ready = true; // a valid checkpoint is a complete state
    return SPARK_OK;
}

static void SPARK_ABI gain_sum_destroy(spark_module_t* self) {
    gain_sum_t* g = (gain_sum_t*)self->module_data;
    say(g->host, SPARK_SEVERITY_DEBUG, "destroy");
    free(g->gain);
    free(g->total);
    free(g);
}

// The instance extension SPARK_EXT_PROPERTIES. Every function checks, in this order: the index
// (SPARK_ERR_INVALID_ARGUMENT), that build ran (SPARK_ERR_STATE), for write that the property is
// writable (SPARK_ERR_UNSUPPORTED), then the buffer's spec (SPARK_ERR_INVALID_ARGUMENT), each with
// a message naming the call, the property and the fix.

static spark_status property_call_ok(const gain_sum_t* g, const char* call, uint32_t index) {
    if (index >= PROPERTY_COUNT) {
        return fail(g->host,
                    SPARK_ERR_INVALID_ARGUMENT,
                    "%s of property %" PRIu32
                    ": gain_sum has 3 properties, 0 total, 1 gain and 2 steps; pass one of those "
                    "indices",
                    call,
                    index);
    }
    if (!g->built) {
        return fail(g->host,
                    SPARK_ERR_STATE,
                    "%s of property '%s' before build; call build first",
                    call,
                    gain_sum_property_list[index].name);
    }
    return SPARK_OK;
}

static spark_status
buffer_fits(const gain_sum_t* g, const char* call, uint32_t index, const spark_buffer_t* buffer) {
    const spark_port_spec_t spec = property_spec_of(g, index);
    const uint64_t n = element_count(&spec.shape);
    if (buffer == NULL || !same_spec(&buffer->spec, &spec) || buffer->count != n ||
        buffer->data == NULL) {
        char want[128];
        char got[128];
        return fail(g->host,
                    SPARK_ERR_INVALID_ARGUMENT,
                    "%s of property '%s' takes a buffer of %s with %" PRIu64
                    " elements, got %s with %" PRIu64 " elements%s; pass a buffer of the spec "
                    "spec() gives",
                    call,
                    gain_sum_property_list[index].name,
                    spec_text(&spec, want, sizeof want),
                    n,
                    buffer == NULL ? "no buffer" : spec_text(&buffer->spec, got, sizeof got),
                    buffer == NULL ? 0 : buffer->count,
                    buffer != NULL && buffer->data == NULL ? " and no data" : "");
    }
    return SPARK_OK;
}

static spark_status SPARK_ABI properties_spec(spark_module_t* self,
                                              uint32_t index,
                                              spark_port_spec_t* out) {
    const gain_sum_t* g = (const gain_sum_t*)self->module_data;
    const spark_status status = property_call_ok(g, "spec", index);
    if (status != SPARK_OK) {
        return status;
    }
    if (out == NULL) {
        return fail(g->host,
                    SPARK_ERR_INVALID_ARGUMENT,
                    "spec of property '%s' needs a spark_port_spec_t to fill, got NULL",
                    gain_sum_property_list[index].name);
    }
    *out = property_spec_of(g, index);
    return SPARK_OK;
}

static spark_status SPARK_ABI properties_read(spark_module_t* self,
                                              uint32_t index,
                                              const spark_buffer_t* out) {
    const gain_sum_t* g = (const gain_sum_t*)self->module_data;
    spark_status status = property_call_ok(g, "read", index);
    if (status == SPARK_OK) {
        status = buffer_fits(g, "read", index, out);
    }
    if (status != SPARK_OK) {
        return status;
    }
    if (index == PROPERTY_STEPS) {
        ((int32_t*)out->data)[0] = g->steps[0];
        return SPARK_OK;
    }
    const double* values = index == PROPERTY_TOTAL ? g->total : g->gain;
    for (uint64_t i = 0; i < g->n; ++i) {
        write_float(out, i, values[i]);
    }
    return SPARK_OK;
}

static spark_status SPARK_ABI properties_write(spark_module_t* self,
                                               uint32_t index,
                                               const spark_buffer_t* value) {
    gain_sum_t* g = (gain_sum_t*)self->module_data;
    spark_status status = property_call_ok(g, "write", index);
    if (status != SPARK_OK) {
        return status;
    }
    if (!gain_sum_property_list[index].writable) {
        return fail(g->host,
                    SPARK_ERR_UNSUPPORTED,
                    "property '%s' is read-only (%s); of gain_sum's properties only 'gain' can "
                    "be written",
                    gain_sum_property_list[index].name,
                    gain_sum_property_list[index].description);
    }
    status = buffer_fits(g, "write", index, value);
    if (status != SPARK_OK) {
        return status;
    }
    // Check every element before copying any: a refused value leaves the old gain whole.
    for (uint64_t i = 0; i < g->n; ++i) {
        const double x = read_float(value, i);
        if (!isfinite(x)) {
            return fail(g->host,
                        SPARK_ERR_INVALID_ARGUMENT,
                        "gain[%" PRIu64 "] must be finite, got %g; the old gain is kept",
                        i,
                        x);
        }
    }
    for (uint64_t i = 0; i < g->n; ++i) {
        g->gain[i] = read_float(value, i);
    }
    return SPARK_OK;
}

static const spark_properties_t gain_sum_properties = {
    SPARK_ABI_VERSION_INIT,
    properties_spec,
    properties_read,
    properties_write,
};

/// SPARK_EXT_PROPERTIES, the one instance extension. [thread-safe]
static const void* SPARK_ABI gain_sum_get_extension(spark_module_t* self, const char* id) {
    (void)self;
    if (id != NULL && strcmp(id, SPARK_EXT_PROPERTIES) == 0) {
        return &gain_sum_properties;
    }
    return NULL;
}

static spark_status SPARK_ABI gain_sum_create(const spark_module_type_t* type,
                                              const spark_host_t* host,
                                              const spark_config_t* config,
                                              const char* name,
                                              spark_module_t** out);
static const void* SPARK_ABI gain_sum_type_extension(const spark_module_type_t* type,
                                                     const char* id);

static const spark_validator_t units_validators[] = {
    {SPARK_VALIDATOR_POSITIVE, 0.0, 0.0, NULL, NULL, 0},
    {SPARK_VALIDATOR_LENGTH, 1.0, (double)SPARK_MAX_RANK, NULL, NULL, 0},
};

static const spark_field_desc_t gain_sum_fields[GAIN_SUM_FIELD_COUNT] = {
    [GAIN_SUM_UNITS] = {"units",
                        SPARK_FIELD_INT_ARRAY,
                        NULL, // required: example_config gives it
                        NULL,
                        "shape of in, out, total and gain",
                        units_validators,
                        2,
                        0,
                        0},
    [GAIN_SUM_GAIN_INIT] = {"gain_init",
                            SPARK_FIELD_INITIALIZER,
                            "1.0",
                            NULL,
                            "initial gain: one number for every element, or a frozen11.every_nth "
                            "or frozen.ramp config filling the array (shape units) at create",
                            NULL,
                            0,
                            SPARK_KIND_INITIALIZER,
                            0},
};

static const spark_port_desc_t gain_sum_ports[GAIN_SUM_PORT_COUNT] = {
    [GAIN_SUM_PORT_IN] = {"in",
                          SPARK_PORT_INPUT,
                          SPARK_PAYLOAD_FLOAT,
                          "float_array",
                          SPARK_SHAPE_FROM_FIELD,
                          "units",
                          true,
                          "the signal to scale"},
    [GAIN_SUM_PORT_OUT] = {"out",
                           SPARK_PORT_OUTPUT,
                           SPARK_PAYLOAD_FLOAT,
                           "float_array",
                           SPARK_SHAPE_FROM_FIELD,
                           "units",
                           true,
                           "gain * in at this step"},
};

static const spark_module_type_t gain_sum_type = {
    SPARK_ABI_VERSION_INIT,
    "gain_sum",
    FROZEN_VENDOR,
    "1.1.0",
    SPARK_KIND_COMPONENT,
    "out = gain * in, summed into the property total; gain is a writable property (frozen ABI 1.1 "
    "plugin)",
    gain_sum_fields,
    GAIN_SUM_FIELD_COUNT,
    gain_sum_ports,
    GAIN_SUM_PORT_COUNT,
    gain_sum_create,
    NULL,
    gain_sum_type_extension,
};

// The types gain_init takes besides a number: they fill a float buffer from their config alone.
static const char* const gain_init_types[] = {"frozen11.every_nth", "frozen.ramp"};
#define GAIN_INIT_TYPE_COUNT 2u

static const spark_nested_accepts_t gain_sum_nested[] = {
    {"gain_init", gain_init_types, GAIN_INIT_TYPE_COUNT},
};

static const spark_type_capabilities_t gain_sum_capabilities = {
    SPARK_ABI_VERSION_INIT,
    true,               // contract: out's spec follows from the config alone
    "{\"units\": [8]}", // units is required; gain_init's default (1.0) builds and steps
    gain_sum_nested,
    1,
};

static const spark_type_properties_t gain_sum_declared = {
    SPARK_ABI_VERSION_INIT,
    gain_sum_property_list,
    PROPERTY_COUNT,
};

/// SPARK_EXT_TYPE_PROPERTIES and SPARK_EXT_TYPE_CAPABILITIES. [thread-safe]
static const void* SPARK_ABI gain_sum_type_extension(const spark_module_type_t* type,
                                                     const char* id) {
    (void)type;
    if (id == NULL) {
        return NULL;
    }
    if (strcmp(id, SPARK_EXT_TYPE_PROPERTIES) == 0) {
        return &gain_sum_declared;
    }
    if (strcmp(id, SPARK_EXT_TYPE_CAPABILITIES) == 0) {
        return &gain_sum_capabilities;
    }
    return NULL;
}

/// Fills g->gain from gain_init: the number, or the initializer through the host's service.
static spark_status fill_gain(gain_sum_t* g, const spark_host_t* host, const spark_value_t* init) {
    if (init->type == SPARK_FIELD_FLOAT) {
        for (uint64_t i = 0; i < g->n; ++i) {
            g->gain[i] = init->f;
        }
        return SPARK_OK;
    }
    const char* type = init->config->class_ref != NULL ? init->config->class_ref : "";
    bool accepted = false;
    for (uint32_t k = 0; k < GAIN_INIT_TYPE_COUNT; ++k) {
        accepted = accepted || strcmp(type, gain_init_types[k]) == 0;
    }
    if (!accepted) {
        return fail(host,
                    SPARK_ERR_INVALID_ARGUMENT,
                    "gain_init takes a number, frozen11.every_nth or frozen.ramp (the type's "
                    "capabilities), got %s; give one of those",
                    type);
    }
    const spark_initializer_service_t* service =
        host->get_service != NULL ? (const spark_initializer_service_t*)host->get_service(
                                        host, SPARK_SERVICE_INITIALIZERS)
                                  : NULL;
    if (service == NULL || service->initialize == NULL) {
        return fail(host,
                    SPARK_ERR_UNSUPPORTED,
                    "gain_init names %s, but the host offers no %s service to run it; give a "
                    "number instead",
                    type,
                    SPARK_SERVICE_INITIALIZERS);
    }
    spark_buffer_t buffer;
    memset(&buffer, 0, sizeof buffer);
    buffer.data = g->gain; // filled in double whatever the config's dtype: gain is kept in double
    buffer.count = g->n;
    buffer.spec.payload_kind = SPARK_PAYLOAD_FLOAT;
    buffer.spec.dtype = SPARK_DTYPE_F64;
    buffer.spec.shape = g->shape;
    const spark_status status = service->initialize(host, init->config, &buffer);
    if (status != SPARK_OK) {
        return status; // the initializer reported why through the same host
    }
    const uint64_t bad = first_non_finite(g->gain, g->n);
    if (bad < g->n) {
        return fail(host,
                    SPARK_ERR_INVALID_ARGUMENT,
                    "gain_init (%s) filled gain[%" PRIu64 "] with %g; gain must be finite",
                    type,
                    bad,
                    g->gain[bad]);
    }
    return SPARK_OK;
}

static spark_status SPARK_ABI gain_sum_create(const spark_module_type_t* type,
                                              const spark_host_t* host,
                                              const spark_config_t* config,
                                              const char* name,
                                              spark_module_t** out) {
    spark_status status = check_config(host, config, gain_sum_fields, GAIN_SUM_FIELD_COUNT);
    if (status != SPARK_OK) {
        return status;
    }
    if (out == NULL) {
        return fail(host, SPARK_ERR_INVALID_ARGUMENT, "create needs an output pointer");
    }
    const spark_value_t* units = &config->values[GAIN_SUM_UNITS];
    if (units->count < 1 || units->count > SPARK_MAX_RANK || units->ints == NULL) {
        return fail(host,
                    SPARK_ERR_INVALID_ARGUMENT,
                    "units must hold 1 to %d dimensions, got %" PRIu32,
                    SPARK_MAX_RANK,
                    units->count);
    }
    spark_shape_t shape;
    memset(&shape, 0, sizeof shape);
    shape.rank = units->count;
    uint64_t n = 1;
    for (uint32_t d = 0; d < units->count; ++d) {
        const int64_t dim = units->ints[d];
        if (dim < 1 || (uint64_t)dim > GAIN_SUM_MAX_ELEMENTS / n) {
            return fail(host,
                        SPARK_ERR_INVALID_ARGUMENT,
                        "units[%" PRIu32 "] is %" PRId64 "; each dimension must be >= 1 and all "
                        "together at most %" PRIu64 " elements",
                        d,
                        dim,
                        GAIN_SUM_MAX_ELEMENTS);
        }
        shape.dims[d] = (uint32_t)dim;
        n *= (uint64_t)dim;
    }
    gain_sum_t* g = (gain_sum_t*)calloc(1, sizeof(gain_sum_t));
    double* gain = (double*)calloc((size_t)n, sizeof(double));
    if (g == NULL || gain == NULL) {
        free(g);
        free(gain);
        return fail(host, SPARK_ERR_OUT_OF_MEMORY, "cannot allocate the instance");
    }
    g->host = host; // valid until destroy returns
    g->dtype = config->dtype;
    g->shape = shape;
    g->n = n;
    g->gain = gain;
    status = fill_gain(g, host, &config->values[GAIN_SUM_GAIN_INIT]);
    if (status != SPARK_OK) {
        free(gain);
        free(g);
        return status;
    }

    g->module.type = type;
    g->module.module_data = g;
    g->module.contract = gain_sum_contract;
    g->module.build = gain_sum_build;
    g->module.reset = gain_sum_reset;
    g->module.step = gain_sum_step;
    g->module.state = gain_sum_state;
    g->module.state_loaded = gain_sum_state_loaded;
    g->module.destroy = gain_sum_destroy;
    g->module.get_extension = gain_sum_get_extension;
    say(host,
        SPARK_SEVERITY_INFO,
        "created '%s': %" PRIu64 " elements, gain from %s",
        name != NULL ? name : "",
        n,
        config->values[GAIN_SUM_GAIN_INIT].type == SPARK_FIELD_FLOAT
            ? "a number"
            : config->values[GAIN_SUM_GAIN_INIT].config->class_ref);
    *out = &g->module;
    return SPARK_OK;
}

// ---------------------------------------------------------------------------------------------
// frozen11.every_nth (initializer): element k (row-major) is `value` when k % every == 0, else 0,
// in float32 or float64 buffers. The seed is not used. It offers SPARK_EXT_SPARSE_INITIALIZER:
// fill_rows gives exactly those elements row by row (none when value is 0), values_at single
// ones, density 1 / every (0 when value is 0).

enum { EVERY_NTH_EVERY, EVERY_NTH_VALUE, EVERY_NTH_FIELD_COUNT };

static const spark_validator_t every_validators[] = {
    {SPARK_VALIDATOR_RANGE, 1.0, 1000000.0, NULL, NULL, 0},
};

static const spark_field_desc_t every_nth_fields[EVERY_NTH_FIELD_COUNT] = {
    [EVERY_NTH_EVERY] = {"every",
                         SPARK_FIELD_INT,
                         "3",
                         NULL,
                         "period: elements 0, every, 2 * every, ... (row-major) hold value",
                         every_validators,
                         1,
                         0,
                         0},
    [EVERY_NTH_VALUE] = {"value",
                         SPARK_FIELD_FLOAT,
                         "1.0",
                         NULL,
                         "the value of every every-th element; the others are 0",
                         NULL,
                         0,
                         0,
                         0},
};

/// The config's period and value, after the checks every call shares.
static spark_status every_nth_config(const spark_host_t* host,
                                     const spark_config_t* config,
                                     uint64_t* every,
                                     double* value) {
    const spark_status status = check_config(host, config, every_nth_fields, EVERY_NTH_FIELD_COUNT);
    if (status != SPARK_OK) {
        return status;
    }
    const int64_t period = config->values[EVERY_NTH_EVERY].i;
    if (period < 1) {
        return fail(host, SPARK_ERR_INVALID_ARGUMENT, "every must be >= 1, got %" PRId64, period);
    }
    *every = (uint64_t)period;
    *value = config->values[EVERY_NTH_VALUE].f;
    return SPARK_OK;
}

static spark_status float_dtype_only(const spark_host_t* host, int32_t dtype) {
    if (dtype != SPARK_DTYPE_F32 && dtype != SPARK_DTYPE_F64) {
        return fail(host,
                    SPARK_ERR_UNSUPPORTED,
                    "every_nth fills float32 or float64 buffers, got %s",
                    dtype_name(dtype));
    }
    return SPARK_OK;
}

/// [main-thread]; `out` (and the config) are borrowed for this call.
static spark_status SPARK_ABI every_nth_initialize(const spark_module_type_t* type,
                                                   const spark_host_t* host,
                                                   const spark_config_t* config,
                                                   const spark_buffer_t* out) {
    (void)type;
    uint64_t every = 1;
    double value = 0.0;
    spark_status status = every_nth_config(host, config, &every, &value);
    if (status != SPARK_OK) {
        return status;
    }
    if (out == NULL || (out->data == NULL && out->count > 0)) {
        return fail(host, SPARK_ERR_INVALID_ARGUMENT, "initialize needs a buffer to fill");
    }
    status = float_dtype_only(host, out->spec.dtype);
    if (status != SPARK_OK) {
        return status;
    }
    for (uint64_t k = 0; k < out->count; ++k) {
        write_float(out, k, k % every == 0 ? value : 0.0);
    }
    return SPARK_OK;
}

/// [thread-safe]
static spark_status SPARK_ABI every_nth_density(const spark_module_type_t* type,
                                                const spark_host_t* host,
                                                const spark_config_t* config,
                                                double* out) {
    (void)type;
    uint64_t every = 1;
    double value = 0.0;
    const spark_status status = every_nth_config(host, config, &every, &value);
    if (status != SPARK_OK) {
        return status;
    }
    if (out == NULL) {
        return fail(host, SPARK_ERR_INVALID_ARGUMENT, "density needs a double to write, got NULL");
    }
    *out = value == 0.0 ? 0.0 : 1.0 / (double)every;
    return SPARK_OK;
}

/// The checks fill_rows and values_at share: a config, a float spec.
static spark_status sparse_call_ok(const spark_host_t* host,
                                   const spark_config_t* config,
                                   const spark_port_spec_t* spec,
                                   const char* call,
                                   uint64_t* every,
                                   double* value) {
    const spark_status status = every_nth_config(host, config, every, value);
    if (status != SPARK_OK) {
        return status;
    }
    if (spec == NULL || spec->shape.rank > SPARK_MAX_RANK) {
        return fail(host, SPARK_ERR_INVALID_ARGUMENT, "%s needs the spec of the array", call);
    }
    return float_dtype_only(host, spec->dtype);
}

/// [thread-safe: calls for disjoint rows may run at once]. Allocates its row buffers per call:
/// fill_rows runs while a neuron builds, never in a step.
static spark_status SPARK_ABI every_nth_fill_rows(const spark_module_type_t* type,
                                                  const spark_host_t* host,
                                                  const spark_config_t* config,
                                                  const spark_port_spec_t* spec,
                                                  uint64_t row_length,
                                                  uint64_t row_begin,
                                                  uint64_t row_end,
                                                  const spark_row_sink_t* sink) {
    (void)type;
    uint64_t every = 1;
    double value = 0.0;
    spark_status status = sparse_call_ok(host, config, spec, "fill_rows", &every, &value);
    if (status != SPARK_OK) {
        return status;
    }
    const uint64_t count = element_count(&spec->shape);
    if (row_length == 0 || count % row_length != 0 || row_begin > row_end ||
        row_end > count / row_length) {
        return fail(host,
                    SPARK_ERR_INVALID_ARGUMENT,
                    "fill_rows of rows [%" PRIu64 ", %" PRIu64 ") of %" PRIu64
                    " elements: the array of %" PRIu64 " elements has no such rows",
                    row_begin,
                    row_end,
                    row_length,
                    count);
    }
    if (sink == NULL || sink->row == NULL) {
        return fail(host, SPARK_ERR_INVALID_ARGUMENT, "fill_rows needs a sink with a row function");
    }
    const uint64_t most = row_length / every + 1; // non-zeros one row can hold
    uint64_t* columns = (uint64_t*)malloc((size_t)most * sizeof(uint64_t));
    void* values = malloc((size_t)most * spark_dtype_size(spec->dtype));
    if (columns == NULL || values == NULL) {
        free(columns);
        free(values);
        return fail(host,
                    SPARK_ERR_OUT_OF_MEMORY,
                    "cannot allocate a row of %" PRIu64 " non-zero elements",
                    most);
    }
    spark_buffer_t row_values;
    memset(&row_values, 0, sizeof row_values);
    row_values.data = values;
    row_values.spec.dtype = spec->dtype;
    for (uint64_t r = row_begin; r < row_end && status == SPARK_OK; ++r) {
        uint64_t m = 0;
        if (value != 0.0) {
            const uint64_t first = r * row_length;
            for (uint64_t c = (every - first % every) % every; c < row_length; c += every) {
                columns[m] = c;
                write_float(&row_values, m, value);
                ++m;
            }
        }
        status = sink->row(sink->context, r, columns, values, m); // any other status stops
    }
    free(columns);
    free(values);
    return status;
}

/// [thread-safe]
static spark_status SPARK_ABI every_nth_values_at(const spark_module_type_t* type,
                                                  const spark_host_t* host,
                                                  const spark_config_t* config,
                                                  const spark_port_spec_t* spec,
                                                  const uint64_t* indices,
                                                  uint64_t count,
                                                  void* out) {
    (void)type;
    uint64_t every = 1;
    double value = 0.0;
    const spark_status status = sparse_call_ok(host, config, spec, "values_at", &every, &value);
    if (status != SPARK_OK) {
        return status;
    }
    if (count > 0 && (indices == NULL || out == NULL)) {
        return fail(host, SPARK_ERR_INVALID_ARGUMENT, "values_at needs indices and an output");
    }
    const uint64_t size = element_count(&spec->shape);
    spark_buffer_t result;
    memset(&result, 0, sizeof result);
    result.data = out;
    result.spec.dtype = spec->dtype;
    for (uint64_t j = 0; j < count; ++j) {
        if (indices[j] >= size) {
            return fail(host,
                        SPARK_ERR_INVALID_ARGUMENT,
                        "values_at: index %" PRIu64 " is outside the array of %" PRIu64 " elements",
                        indices[j],
                        size);
        }
        write_float(&result, j, indices[j] % every == 0 ? value : 0.0);
    }
    return SPARK_OK;
}

static const spark_sparse_initializer_t every_nth_sparse = {
    SPARK_ABI_VERSION_INIT,
    every_nth_density,
    every_nth_fill_rows,
    every_nth_values_at,
};

/// SPARK_EXT_SPARSE_INITIALIZER. [thread-safe]
static const void* SPARK_ABI every_nth_type_extension(const spark_module_type_t* type,
                                                      const char* id) {
    (void)type;
    if (id != NULL && strcmp(id, SPARK_EXT_SPARSE_INITIALIZER) == 0) {
        return &every_nth_sparse;
    }
    return NULL;
}

static const spark_module_type_t every_nth_type = {
    SPARK_ABI_VERSION_INIT,
    "every_nth",
    FROZEN_VENDOR,
    "1.1.0",
    SPARK_KIND_INITIALIZER,
    "fills value into every every-th element (row-major), 0 elsewhere; also sparsely",
    every_nth_fields,
    EVERY_NTH_FIELD_COUNT,
    NULL, // initializers have no ports
    0,
    NULL, // and no create
    every_nth_initialize,
    every_nth_type_extension,
};

// ---------------------------------------------------------------------------------------------
// The entry

static const spark_module_type_t* const all_types[] = {&gain_sum_type, &every_nth_type};

/// Whether the host offers the service `id` (asked at init; reported, not otherwise used).
static const char* offered(const spark_host_t* host, const char* id) {
    return host->get_service != NULL && host->get_service(host, id) != NULL ? "offered" : "absent";
}

static spark_status SPARK_ABI plugin_init(const spark_host_t* host) {
    plugin_host = host;
    say(host,
        SPARK_SEVERITY_DEBUG,
        "frozen.abi_v1_1 init: host ABI %" PRIu32 ".%" PRIu32 ".%" PRIu32
        ", built against %d.%d.%d; services: initializers %s, sparse initializers %s, parallel %s",
        host->abi_version.major,
        host->abi_version.minor,
        host->abi_version.patch,
        SPARK_ABI_VERSION_MAJOR,
        SPARK_ABI_VERSION_MINOR,
        SPARK_ABI_VERSION_PATCH,
        offered(host, SPARK_SERVICE_INITIALIZERS),
        offered(host, SPARK_SERVICE_SPARSE_INITIALIZERS),
        offered(host, SPARK_SERVICE_PARALLEL));
    return SPARK_OK;
}

static const spark_module_type_t* const* SPARK_ABI plugin_types(uint32_t* count) {
    *count = (uint32_t)(sizeof all_types / sizeof all_types[0]);
    return all_types;
}

static void SPARK_ABI plugin_deinit(void) {
    say(plugin_host, SPARK_SEVERITY_DEBUG, "frozen.abi_v1_1 deinit");
    plugin_host = NULL;
}

SPARK_EXPORT extern const spark_plugin_entry_t spark_plugin_entry;
const spark_plugin_entry_t spark_plugin_entry = {
    SPARK_ABI_VERSION_INIT,
    "frozen.abi_v1_1",
    FROZEN_VENDOR,
    "1.1.0",
    "built against the frozen ABI 1.1.0 headers: must keep loading as the ABI evolves",
    plugin_init,
    plugin_types,
    plugin_deinit,
};
