// SPDX-License-Identifier: Apache-2.0
// cdemo: a Spark plugin written in plain C11 against the ABI headers only (no SDK, no C++).
//
// Two module types of the fictional vendor "cdemo":
// - cdemo.lif_population: leaky integrate-and-fire neurons driven by an input current,
//   forward Euler:  v <- v + (dt / tau_m) * (v_rest - v + r_m * I);  spike when v >= v_threshold.
// - cdemo.spike_counter: spikes in, per-group spike counts (or rates) over a sliding window out.
// README.md states exactly what each computes, with worked examples.
//
// The rules a C author must follow (each is spelled out where it applies below):
// - Export exactly one symbol, `spark_plugin_entry` (SPARK_EXPORT); everything else is `static`.
//   spark_add_plugin() builds with hidden visibility and a version script that enforces it.
// - Versions: the entry and every type record SPARK_ABI_VERSION_INIT of the headers compiled
//   against. A host loads the plugin when the majors match and the plugin's minor is not newer
//   than its own, and checks that before running any plugin code.
// - The config arrives validated against the schema (types, defaults filled in, validators
//   passed): config->values[i] is schema field i. Check only what the schema cannot express.
// - Everything the plugin hands the host (the entry, type descriptors, field and port tables,
//   strings) must stay valid until deinit: here it is all `static const` data.
// - Everything the host hands the plugin is borrowed for the duration of the call only (configs,
//   names, specs, buffers, step contexts): copy what you keep. The only exception is the
//   `spark_host_t*`, which stays valid until the matching deinit (plugin host) or destroy
//   (instance host) returns.
// - An instance created by create() is released only by its own destroy().
// - A failing call reports one message with SPARK_SEVERITY_ERROR through the host (which copies
//   the text) and then returns a non-OK status; the host adds the type id and instance name.
//   Messages start lower-case, have no final period and name the thing and the value.
// - Threads: everything runs on the host's main thread except step(), which runs on any worker
//   thread, never concurrently for one instance (different instances may step at the same time,
//   so instances share no mutable data). step() never allocates, blocks or does I/O; reporting an
//   error through the host is allowed.
// - Lifecycle: create -> [contract] -> build (allocate here) -> reset -> step* (-> reset ->
//   step*)* -> destroy; state/state_loaded any time after build. step() and reset() write every
//   element of every output buffer.
// - Never let a longjmp (or, from C++, an exception) cross the boundary.
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <spark/abi/spark_abi.h>

#define CDEMO_VENDOR "cdemo"
#define CDEMO_TYPE_VERSION "1.0.0"

#if defined(__GNUC__)
#    define CDEMO_PRINTF(format_index, first_arg)                                                  \
        __attribute__((format(printf, format_index, first_arg)))
#else
#    define CDEMO_PRINTF(format_index, first_arg)
#endif

// ---------------------------------------------------------------------------------------------
// Helpers shared by both types

/// The host of init, kept for messages until deinit. Written and read on the main thread only.
static const spark_host_t* plugin_host = NULL;

/// Formats and reports a message. Skips the formatting when the host would drop the message.
/// The host copies the text before returning, so a stack buffer is fine. [thread-safe]
static void report(const spark_host_t* host, int32_t severity, const char* format, ...)
    CDEMO_PRINTF(3, 4);
static void report(const spark_host_t* host, int32_t severity, const char* format, ...) {
    if (host == NULL || host->report == NULL) {
        return;
    }
    if (severity < SPARK_SEVERITY_ERROR && host->wants != NULL &&
        host->wants(host, severity) == 0) {
        return;
    }
    char message[256];
    va_list args;
    va_start(args, format);
    vsnprintf(message, sizeof message, format, args);
    va_end(args);
    host->report(host, severity, message);
}

/// Reports an error message and returns `status`: the one way every function below fails.
static spark_status fail(const spark_host_t* host, spark_status status, const char* format, ...)
    CDEMO_PRINTF(3, 4);
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

static uint64_t element_count(const spark_shape_t* shape) {
    uint64_t count = 1; // rank 0 is a scalar: one element
    for (uint32_t d = 0; d < shape->rank && d < SPARK_MAX_RANK; ++d) {
        count *= shape->dims[d];
    }
    return count;
}

static spark_shape_t vector_shape(uint32_t length) {
    spark_shape_t shape;
    memset(&shape, 0, sizeof shape); // dims[rank..] must be 0
    shape.rank = 1;
    shape.dims[0] = length;
    return shape;
}

/// Checks that the host passed one value per schema field, each of the declared type. The host
/// guarantees this (configs are validated against the schema before create); checking costs
/// nothing and turns a broken host into a clear message instead of a crash.
static spark_status check_config(const spark_host_t* host,
                                 const spark_config_t* config,
                                 const spark_field_desc_t* fields,
                                 uint32_t field_count) {
    if (config == NULL || (config->count > 0 && config->values == NULL)) {
        return fail(host, SPARK_ERR_INVALID_ARGUMENT, "create needs a config");
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
                    "dtype must be float32 (%d) or float64 (%d), got %" PRId32,
                    SPARK_DTYPE_F32,
                    SPARK_DTYPE_F64,
                    config->dtype);
    }
    if (!(config->dt > 0.0)) {
        return fail(host, SPARK_ERR_INVALID_ARGUMENT, "dt must be > 0 ms, got %g", config->dt);
    }
    return SPARK_OK;
}

static const void* SPARK_ABI no_extension(spark_module_t* self, const char* id) {
    (void)self;
    (void)id;
    return NULL; // neither type offers extensions
}

// ---------------------------------------------------------------------------------------------
// cdemo.lif_population
//
// Per neuron i, one step with input current I_i [nA] (0 when `current` is unwired):
//   if refractory_i > 0:  refractory_i <- refractory_i - 1; no spike (v stays at v_reset)
//   else:                 v_i <- v_i + (dt / tau_m) * (v_rest - v_i + r_m * I_i)
//                         if v_i >= v_threshold: spike; v_i <- v_reset;
//                                                refractory_i <- refractory_steps
// Output element i: bit0 = spiked this step; bit1 = 1 for every element when `inhibitory`.
// reset: v = v_rest, refractory = 0, step -1 output all silent (0, or 0b10 when inhibitory).
// v is computed and kept in double whatever the config's dtype (which is the current's dtype).

// Field indices: the order of lif_fields, hence of config->values.
enum {
    LIF_UNITS,
    LIF_TAU_M,
    LIF_V_REST,
    LIF_V_RESET,
    LIF_V_THRESHOLD,
    LIF_R_M,
    LIF_REFRACTORY_STEPS,
    LIF_INHIBITORY,
    LIF_FIELD_COUNT
};
enum { LIF_PORT_CURRENT, LIF_PORT_SPIKES, LIF_PORT_COUNT }; // port order = buffer order

typedef struct lif {
    spark_module_t module; // first member: what create() hands the host
    const spark_host_t* host;
    // From the config (copied at create: the config is borrowed for that call only).
    spark_shape_t units;
    uint64_t n; // number of neurons, the product of units
    double tau_m;
    double v_rest;
    double v_reset;
    double v_threshold;
    double r_m;
    int32_t refractory_steps;
    bool inhibitory;
    int32_t dtype; // of the input current
    double dt;     // [ms]
    double gain;   // dt / tau_m
    // Lifecycle.
    bool built;
    bool ready; // reset ran since build or since a rejected state load
    bool has_current;
    // State, allocated by build (never in step), freed by destroy.
    double* v;           // [mV]
    int32_t* refractory; // steps of refractoriness left
} lif_t;

static spark_port_spec_t lif_output_spec(const lif_t* lif) {
    spark_port_spec_t spec;
    memset(&spec, 0, sizeof spec);
    spec.payload_kind = SPARK_PAYLOAD_SPIKES;
    spec.dtype = SPARK_DTYPE_U8;
    spec.shape = lif->units;
    return spec;
}

/// The output is known from the config alone, so the population can sit in a recurrent loop.
/// [main-thread], any time after create.
static spark_status SPARK_ABI lif_contract(spark_module_t* self,
                                           spark_port_spec_t* outputs,
                                           uint32_t count) {
    const lif_t* lif = (const lif_t*)self->module_data;
    if (count != 1 || outputs == NULL) {
        return fail(lif->host,
                    SPARK_ERR_INVALID_ARGUMENT,
                    "contract takes 1 output spec (spikes), got %" PRIu32,
                    count);
    }
    outputs[0] = lif_output_spec(lif);
    return SPARK_OK;
}

/// Checks the input spec and allocates the state. `inputs` and `outputs` are borrowed for this
/// call. An unwired optional input arrives with payload_kind 0. [main-thread], once.
static spark_status SPARK_ABI lif_build(spark_module_t* self,
                                        const spark_port_spec_t* inputs,
                                        uint32_t input_count,
                                        spark_port_spec_t* outputs,
                                        uint32_t output_count) {
    lif_t* lif = (lif_t*)self->module_data;
    if (lif->built) {
        return fail(
            lif->host, SPARK_ERR_STATE, "build called twice; create a new instance instead");
    }
    if (input_count != 1 || output_count != 1 || inputs == NULL || outputs == NULL) {
        return fail(lif->host,
                    SPARK_ERR_INVALID_ARGUMENT,
                    "build takes 1 input spec (current) and 1 output spec (spikes), got %" PRIu32
                    " and %" PRIu32,
                    input_count,
                    output_count);
    }
    const spark_port_spec_t* current = &inputs[0];
    lif->has_current = current->payload_kind != 0;
    if (lif->has_current) {
        if (current->payload_kind != SPARK_PAYLOAD_FLOAT) {
            return fail(lif->host,
                        SPARK_ERR_INVALID_ARGUMENT,
                        "input 'current' takes floats (payload kind %d), got payload kind %" PRId32,
                        SPARK_PAYLOAD_FLOAT,
                        current->payload_kind);
        }
        if (current->dtype != lif->dtype) {
            return fail(lif->host,
                        SPARK_ERR_INVALID_ARGUMENT,
                        "input 'current' carries %s elements, expected %s (the config's dtype)",
                        dtype_name(current->dtype),
                        dtype_name(lif->dtype));
        }
        if (current->shape.rank > SPARK_MAX_RANK || element_count(&current->shape) != lif->n) {
            return fail(lif->host,
                        SPARK_ERR_INVALID_ARGUMENT,
                        "input 'current' has %" PRIu64 " elements, the population has %" PRIu64
                        " neurons (units)",
                        element_count(&current->shape),
                        lif->n);
        }
    }
    lif->v = (double*)calloc((size_t)lif->n, sizeof(double));
    lif->refractory = (int32_t*)calloc((size_t)lif->n, sizeof(int32_t));
    if (lif->v == NULL || lif->refractory == NULL) {
        free(lif->v); // the instance stays unbuilt; the host will destroy it
        free(lif->refractory);
        lif->v = NULL;
        lif->refractory = NULL;
        return fail(lif->host,
                    SPARK_ERR_OUT_OF_MEMORY,
                    "cannot allocate the state of %" PRIu64 " neurons",
                    lif->n);
    }
    outputs[0] = lif_output_spec(lif);
    lif->built = true;
    return SPARK_OK;
}

/// Initial state, and the step -1 output that peers read before this module's first step.
/// [main-thread], after build. No allocation.
static spark_status SPARK_ABI lif_reset(spark_module_t* self,
                                        const spark_buffer_t* outputs,
                                        uint32_t output_count) {
    lif_t* lif = (lif_t*)self->module_data;
    if (!lif->built) {
        return fail(lif->host, SPARK_ERR_STATE, "reset called before build; call build first");
    }
    if (output_count != 1 || outputs == NULL || outputs[0].count != lif->n ||
        outputs[0].data == NULL) {
        return fail(lif->host,
                    SPARK_ERR_INVALID_ARGUMENT,
                    "reset takes 1 output buffer of %" PRIu64 " spikes",
                    lif->n);
    }
    for (uint64_t i = 0; i < lif->n; ++i) {
        lif->v[i] = lif->v_rest;
        lif->refractory[i] = 0;
    }
    memset(outputs[0].data, lif->inhibitory ? 2 : 0, (size_t)lif->n);
    lif->ready = true;
    return SPARK_OK;
}

/// One Euler step of every neuron. ctx and every buffer it points to are borrowed for this call.
/// [step-thread]: no allocation, no blocking, never concurrently for one instance.
static spark_status SPARK_ABI lif_step(spark_module_t* self, const spark_step_context_t* ctx) {
    lif_t* lif = (lif_t*)self->module_data;
    if (!lif->ready) {
        return fail(lif->host,
                    SPARK_ERR_STATE,
                    "step called before reset (after build or after a rejected state load)");
    }
    if (ctx == NULL || ctx->input_count != 1 || ctx->output_count != 1 ||
        ctx->outputs[0].count != lif->n) {
        return fail(lif->host,
                    SPARK_ERR_INVALID_ARGUMENT,
                    "step takes 1 input buffer (current) and 1 output buffer of %" PRIu64 " spikes",
                    lif->n);
    }
    // An unwired optional input (payload_kind 0 at build) arrives with count 0: no current.
    const spark_buffer_t* in = &ctx->inputs[0];
    const bool driven = lif->has_current;
    if (driven && (in->count != lif->n || in->spec.dtype != lif->dtype || in->data == NULL)) {
        return fail(lif->host,
                    SPARK_ERR_INVALID_ARGUMENT,
                    "input 'current' got a buffer of %" PRIu64 " %s elements, built for %" PRIu64
                    " %s",
                    in->count,
                    dtype_name(in->spec.dtype),
                    lif->n,
                    dtype_name(lif->dtype));
    }
    const float* current32 = lif->dtype == SPARK_DTYPE_F32 ? (const float*)in->data : NULL;
    const double* current64 = lif->dtype == SPARK_DTYPE_F64 ? (const double*)in->data : NULL;
    uint8_t* spikes = (uint8_t*)ctx->outputs[0].data;
    const uint8_t silent = lif->inhibitory ? 2u : 0u;
    for (uint64_t i = 0; i < lif->n; ++i) {
        if (lif->refractory[i] > 0) {
            --lif->refractory[i];
            spikes[i] = silent;
            continue;
        }
        double current = 0.0;
        if (driven) {
            current = current64 != NULL ? current64[i] : (double)current32[i];
        }
        double v = lif->v[i];
        v += lif->gain * (lif->v_rest - v + lif->r_m * current);
        const bool fired = v >= lif->v_threshold;
        if (fired) {
            v = lif->v_reset;
            lif->refractory[i] = lif->refractory_steps;
        }
        lif->v[i] = v;
        spikes[i] = (uint8_t)(silent | (fired ? 1u : 0u));
    }
    return SPARK_OK;
}

/// "v" (float64 [mV]) and "refractory" (int32 steps left), both shaped like units. The pointers
/// stay valid until the next build, reset, step, state_loaded or destroy. [main-thread]
static spark_status SPARK_ABI lif_state(spark_module_t* self,
                                        spark_state_array_t* arrays,
                                        uint32_t capacity,
                                        uint32_t* count) {
    lif_t* lif = (lif_t*)self->module_data;
    if (!lif->built) {
        return fail(lif->host, SPARK_ERR_STATE, "state called before build; call build first");
    }
    if (count == NULL || (arrays == NULL && capacity > 0)) {
        return fail(lif->host,
                    SPARK_ERR_INVALID_ARGUMENT,
                    "state needs a count pointer and an array for capacity > 0");
    }
    const spark_state_array_t all[2] = {
        {"v", SPARK_DTYPE_F64, lif->units, lif->v},
        {"refractory", SPARK_DTYPE_I32, lif->units, lif->refractory},
    };
    for (uint32_t k = 0; k < 2 && k < capacity; ++k) {
        arrays[k] = all[k];
    }
    *count = 2;
    return SPARK_OK;
}

/// The host wrote a checkpoint into the arrays: check it (nothing is derived from it). On error
/// the arrays hold whatever the host wrote, so the instance refuses to step until reset (the ABI
/// asks only that it is usable again after reset). [main-thread], after build.
static spark_status SPARK_ABI lif_state_loaded(spark_module_t* self) {
    lif_t* lif = (lif_t*)self->module_data;
    if (!lif->built) {
        return fail(
            lif->host, SPARK_ERR_STATE, "state_loaded called before build; call build first");
    }
    for (uint64_t i = 0; i < lif->n; ++i) {
        if (!isfinite(lif->v[i])) {
            lif->ready = false;
            return fail(lif->host,
                        SPARK_ERR_INVALID_ARGUMENT,
                        "state 'v'[%" PRIu64 "] must be a finite number, got %g",
                        i,
                        lif->v[i]);
        }
        if (lif->refractory[i] < 0 || lif->refractory[i] > lif->refractory_steps) {
            lif->ready = false;
            return fail(lif->host,
                        SPARK_ERR_INVALID_ARGUMENT,
                        "state 'refractory'[%" PRIu64 "] must be in [0, %" PRId32
                        "] (refractory_steps), got %" PRId32,
                        i,
                        lif->refractory_steps,
                        lif->refractory[i]);
        }
    }
    lif->ready = true; // a valid checkpoint is a complete state: stepping may go on from it
    return SPARK_OK;
}

/// Frees everything; `self` is invalid afterwards. Never fails. [main-thread], any state
/// (also after a failed build).
static void SPARK_ABI lif_destroy(spark_module_t* self) {
    lif_t* lif = (lif_t*)self->module_data;
    free(lif->v);
    free(lif->refractory);
    free(lif); // lif->module is self: the last access to it was above
}

/// The factory. The config was validated by the host against lif_fields (types, defaults,
/// validators), so only what the schema cannot say is checked here. [main-thread]
static spark_status SPARK_ABI lif_create(const spark_module_type_t* type,
                                         const spark_host_t* host,
                                         const spark_config_t* config,
                                         const char* name,
                                         spark_module_t** out);

static const spark_validator_t units_validators[] = {
    // rank 1..SPARK_MAX_RANK, every dimension > 0
    {.kind = SPARK_VALIDATOR_LENGTH, .min = 1.0, .max = SPARK_MAX_RANK},
    {.kind = SPARK_VALIDATOR_POSITIVE},
};
static const spark_validator_t positive[] = {
    {.kind = SPARK_VALIDATOR_POSITIVE},
};
static const spark_validator_t threshold_validators[] = {
    {.kind = SPARK_VALIDATOR_GREATER_THAN_FIELD, .field = "v_rest"},
    {.kind = SPARK_VALIDATOR_GREATER_THAN_FIELD, .field = "v_reset"},
};
static const spark_validator_t refractory_validators[] = {
    {.kind = SPARK_VALIDATOR_RANGE, .min = 0.0, .max = 1000000.0},
};

// Designated initializers: members left out are 0 / NULL (no units, no validators, nested_kind
// 0, flags 0). default_json is JSON text; NULL would make the field required. Every string lives
// as long as the library (static storage), which the ABI requires (until deinit).
static const spark_field_desc_t lif_fields[LIF_FIELD_COUNT] = {
    [LIF_UNITS] = {.name = "units",
                   .type = SPARK_FIELD_INT_ARRAY,
                   .default_json = "[8]",
                   .description = "shape of the population (rank 1 to 8)",
                   .validators = units_validators,
                   .validator_count = 2},
    [LIF_TAU_M] = {.name = "tau_m",
                   .type = SPARK_FIELD_FLOAT,
                   .default_json = "20.0",
                   .units = "ms",
                   .description = "membrane time constant; must be >= dt (forward Euler)",
                   .validators = positive,
                   .validator_count = 1},
    [LIF_V_REST] = {.name = "v_rest",
                    .type = SPARK_FIELD_FLOAT,
                    .default_json = "-65.0",
                    .units = "mV",
                    .description = "resting potential, also the potential after reset"},
    [LIF_V_RESET] = {.name = "v_reset",
                     .type = SPARK_FIELD_FLOAT,
                     .default_json = "-65.0",
                     .units = "mV",
                     .description = "potential right after a spike"},
    [LIF_V_THRESHOLD] = {.name = "v_threshold",
                         .type = SPARK_FIELD_FLOAT,
                         .default_json = "-50.0",
                         .units = "mV",
                         .description = "a neuron spikes when its potential reaches this value",
                         .validators = threshold_validators,
                         .validator_count = 2},
    [LIF_R_M] = {.name = "r_m",
                 .type = SPARK_FIELD_FLOAT,
                 .default_json = "1.0",
                 .units = "MOhm",
                 .description =
                     "membrane resistance: a steady current of I nA settles at v_rest + r_m * I mV",
                 .validators = positive,
                 .validator_count = 1},
    [LIF_REFRACTORY_STEPS] = {.name = "refractory_steps",
                              .type = SPARK_FIELD_INT,
                              .default_json = "0",
                              .units = "steps",
                              .description =
                                  "steps after a spike during which a neuron ignores its input",
                              .validators = refractory_validators,
                              .validator_count = 1},
    [LIF_INHIBITORY] = {.name = "inhibitory",
                        .type = SPARK_FIELD_BOOL,
                        .default_json = "false",
                        .description =
                            "mark every output element as inhibitory (bit1 of the spike byte)"},
};

static const spark_port_desc_t lif_ports[LIF_PORT_COUNT] = {
    [LIF_PORT_CURRENT] = {.name = "current",
                          .direction = SPARK_PORT_INPUT,
                          .payload_kind = SPARK_PAYLOAD_FLOAT,
                          .payload_type = "current_array",
                          .shape_rule = SPARK_SHAPE_FROM_FIELD,
                          .shape_ref = "units",
                          .required = false,
                          .description = "input current of each neuron [nA]; 0 when unwired"},
    [LIF_PORT_SPIKES] = {.name = "spikes",
                         .direction = SPARK_PORT_OUTPUT,
                         .payload_kind = SPARK_PAYLOAD_SPIKES,
                         .payload_type = "spike_array",
                         .shape_rule = SPARK_SHAPE_FROM_FIELD,
                         .shape_ref = "units",
                         .required = true,
                         .description = "bit0: the neuron spiked this step; bit1: inhibitory"},
};

// The type descriptor: plain data, readable without creating anything (spark plugins describe).
static const spark_module_type_t lif_type = {
    .abi_version = SPARK_ABI_VERSION_INIT, // the headers this type was compiled against
    .class_ref = "lif_population",         // canonical id: "cdemo.lif_population"
    .vendor = CDEMO_VENDOR,
    .version = CDEMO_TYPE_VERSION,
    // Current in, spikes out: by the ABI's definition of kinds, an input interface.
    .kind = SPARK_KIND_INPUT_INTERFACE,
    .description =
        "leaky integrate-and-fire neurons driven by an input current (forward Euler, plain C)",
    .fields = lif_fields,
    .field_count = LIF_FIELD_COUNT,
    .ports = lif_ports,
    .port_count = LIF_PORT_COUNT,
    .create = lif_create,
    .initialize = NULL, // only initializer types have one
};

static spark_status SPARK_ABI lif_create(const spark_module_type_t* type,
                                         const spark_host_t* host,
                                         const spark_config_t* config,
                                         const char* name,
                                         spark_module_t** out) {
    spark_status status = check_config(host, config, lif_fields, LIF_FIELD_COUNT);
    if (status != SPARK_OK) {
        return status;
    }
    if (out == NULL) {
        return fail(host, SPARK_ERR_INVALID_ARGUMENT, "create needs an output pointer");
    }
    const spark_value_t* values = config->values;
    // Only what the schema cannot express: dt is a base field, no validator can compare with it.
    if (values[LIF_TAU_M].f < config->dt) {
        return fail(host,
                    SPARK_ERR_INVALID_ARGUMENT,
                    "tau_m must be >= dt for the forward Euler step to stay stable, got tau_m %g "
                    "ms with dt %g ms",
                    values[LIF_TAU_M].f,
                    config->dt);
    }
    const spark_value_t* units = &values[LIF_UNITS];
    if (units->count < 1 || units->count > SPARK_MAX_RANK) {
        return fail(host,
                    SPARK_ERR_INVALID_ARGUMENT,
                    "units must have 1 to %d dimensions, got %" PRIu32,
                    SPARK_MAX_RANK,
                    units->count);
    }
    lif_t* lif = (lif_t*)calloc(1, sizeof(lif_t));
    if (lif == NULL) {
        return fail(host, SPARK_ERR_OUT_OF_MEMORY, "cannot allocate the instance");
    }
    lif->units.rank = units->count;
    lif->n = 1;
    for (uint32_t d = 0; d < units->count; ++d) {
        if (units->ints[d] < 1 || units->ints[d] > (int64_t)UINT32_MAX) {
            free(lif);
            return fail(host,
                        SPARK_ERR_INVALID_ARGUMENT,
                        "units[%" PRIu32 "] must be in [1, %" PRIu32 "], got %" PRId64,
                        d,
                        UINT32_MAX,
                        units->ints[d]);
        }
        lif->units.dims[d] = (uint32_t)units->ints[d];
        lif->n *= lif->units.dims[d];
    }
    if (lif->n > (uint64_t)(SIZE_MAX / sizeof(double))) {
        free(lif);
        return fail(host, SPARK_ERR_INVALID_ARGUMENT, "units describe too many neurons");
    }
    lif->host = host; // valid until destroy returns
    lif->tau_m = values[LIF_TAU_M].f;
    lif->v_rest = values[LIF_V_REST].f;
    lif->v_reset = values[LIF_V_RESET].f;
    lif->v_threshold = values[LIF_V_THRESHOLD].f;
    lif->r_m = values[LIF_R_M].f;
    lif->refractory_steps = (int32_t)values[LIF_REFRACTORY_STEPS].i; // 0..1e6 by the validator
    lif->inhibitory = values[LIF_INHIBITORY].b;
    lif->dtype = config->dtype;
    lif->dt = config->dt;
    lif->gain = config->dt / lif->tau_m;

    lif->module.type = type;
    lif->module.module_data = lif;
    lif->module.contract = lif_contract;
    lif->module.build = lif_build;
    lif->module.reset = lif_reset;
    lif->module.step = lif_step;
    lif->module.state = lif_state;
    lif->module.state_loaded = lif_state_loaded;
    lif->module.destroy = lif_destroy;
    lif->module.get_extension = no_extension;
    report(host,
           SPARK_SEVERITY_DEBUG,
           "created '%s': %" PRIu64 " neurons, tau_m %g ms, threshold %g mV",
           name != NULL ? name : "",
           lif->n,
           lif->tau_m,
           lif->v_threshold);
    *out = &lif->module;
    return SPARK_OK;
}

// ---------------------------------------------------------------------------------------------
// cdemo.spike_counter
//
// The n input elements are split into num_groups contiguous groups of n / num_groups elements
// (element i belongs to group i / (n / num_groups)); num_groups must divide n. At step t:
//   c_g(t)   = number of elements of group g whose byte has bit0 set (a spike) and, when
//              exclude_inhibitory is true, bit1 clear
//   W_g(t)   = c_g(t) + c_g(t-1) + ... + c_g(t-window+1), with c_g = 0 before the first step
//   output g = W_g(t)                                              when output = "count"
//            = W_g(t) * 1000 / (group_size * window * dt)  [Hz]    when output = "rate"
// reset clears the window and outputs 0 for step -1.

// Field indices: the order of counter_fields, hence of config->values.
enum {
    COUNTER_NUM_GROUPS,
    COUNTER_WINDOW,
    COUNTER_EXCLUDE_INHIBITORY,
    COUNTER_OUTPUT,
    COUNTER_FIELD_COUNT
};
enum { COUNTER_PORT_SPIKES, COUNTER_PORT_COUNTS, COUNTER_PORT_COUNT };

/// The largest history (window x num_groups) an instance accepts: 64 MiB of int32.
#define COUNTER_MAX_HISTORY (16u * 1024u * 1024u)

typedef struct counter {
    spark_module_t module; // first member: what create() hands the host
    const spark_host_t* host;
    // From the config.
    uint32_t num_groups;
    uint32_t window; // [steps]
    bool exclude_inhibitory;
    bool rate; // output "rate" (Hz) instead of "count"
    int32_t dtype;
    double dt; // [ms]
    // From build.
    bool built;
    bool ready;
    uint64_t group_size;
    double rate_scale; // 1000 / (group_size * window * dt), or 1 for counts
    // State: history[row * num_groups + g] = c_g of one step; row `cursor` is written next.
    int32_t* history;
    int32_t cursor[1];
    int64_t* sums; // derived: the column sums of history, W_g
} counter_t;

static spark_port_spec_t counter_output_spec(const counter_t* counter) {
    spark_port_spec_t spec;
    memset(&spec, 0, sizeof spec);
    spec.payload_kind = SPARK_PAYLOAD_FLOAT;
    spec.dtype = counter->dtype;
    spec.shape = vector_shape(counter->num_groups);
    return spec;
}

/// (num_groups,) floats of the config's dtype: known at create, so promised before build.
/// [main-thread]
static spark_status SPARK_ABI counter_contract(spark_module_t* self,
                                               spark_port_spec_t* outputs,
                                               uint32_t count) {
    const counter_t* counter = (const counter_t*)self->module_data;
    if (count != 1 || outputs == NULL) {
        return fail(counter->host,
                    SPARK_ERR_INVALID_ARGUMENT,
                    "contract takes 1 output spec (counts), got %" PRIu32,
                    count);
    }
    outputs[0] = counter_output_spec(counter);
    return SPARK_OK;
}

/// Checks that the input carries spikes that split into equal groups; allocates the window.
/// [main-thread], once.
static spark_status SPARK_ABI counter_build(spark_module_t* self,
                                            const spark_port_spec_t* inputs,
                                            uint32_t input_count,
                                            spark_port_spec_t* outputs,
                                            uint32_t output_count) {
    counter_t* counter = (counter_t*)self->module_data;
    if (counter->built) {
        return fail(
            counter->host, SPARK_ERR_STATE, "build called twice; create a new instance instead");
    }
    if (input_count != 1 || output_count != 1 || inputs == NULL || outputs == NULL) {
        return fail(counter->host,
                    SPARK_ERR_INVALID_ARGUMENT,
                    "build takes 1 input spec (spikes) and 1 output spec (counts), got %" PRIu32
                    " and %" PRIu32,
                    input_count,
                    output_count);
    }
    const spark_port_spec_t* spikes = &inputs[0];
    if (spikes->payload_kind != SPARK_PAYLOAD_SPIKES || spikes->dtype != SPARK_DTYPE_U8) {
        return fail(
            counter->host,
            SPARK_ERR_INVALID_ARGUMENT,
            "input 'spikes' takes spikes (payload kind %d, uint8), got payload kind %" PRId32
            " with %s elements",
            SPARK_PAYLOAD_SPIKES,
            spikes->payload_kind,
            dtype_name(spikes->dtype));
    }
    const uint64_t n = spikes->shape.rank <= SPARK_MAX_RANK ? element_count(&spikes->shape) : 0;
    if (n == 0 || n % counter->num_groups != 0) {
        return fail(counter->host,
                    SPARK_ERR_INVALID_ARGUMENT,
                    "num_groups %" PRIu32 " must divide the %" PRIu64
                    " elements of input 'spikes' into equal groups",
                    counter->num_groups,
                    n);
    }
    counter->group_size = n / counter->num_groups;
    if (counter->group_size > (uint64_t)INT32_MAX) {
        return fail(counter->host,
                    SPARK_ERR_INVALID_ARGUMENT,
                    "groups of %" PRIu64 " elements are too large to count in int32",
                    counter->group_size);
    }
    counter->rate_scale =
        counter->rate
            ? 1000.0 / ((double)counter->group_size * (double)counter->window * counter->dt)
            : 1.0;
    const size_t cells = (size_t)counter->window * counter->num_groups; // <= the create limit
    counter->history = (int32_t*)calloc(cells, sizeof(int32_t));
    counter->sums = (int64_t*)calloc(counter->num_groups, sizeof(int64_t));
    if (counter->history == NULL || counter->sums == NULL) {
        free(counter->history); // the instance stays unbuilt; the host will destroy it
        free(counter->sums);
        counter->history = NULL;
        counter->sums = NULL;
        return fail(counter->host, SPARK_ERR_OUT_OF_MEMORY, "cannot allocate the history");
    }
    outputs[0] = counter_output_spec(counter);
    counter->built = true;
    return SPARK_OK;
}

static void counter_write(const counter_t* counter, const spark_buffer_t* out) {
    if (counter->dtype == SPARK_DTYPE_F64) {
        double* values = (double*)out->data;
        for (uint32_t g = 0; g < counter->num_groups; ++g) {
            values[g] = (double)counter->sums[g] * counter->rate_scale;
        }
    } else {
        float* values = (float*)out->data;
        for (uint32_t g = 0; g < counter->num_groups; ++g) {
            values[g] = (float)((double)counter->sums[g] * counter->rate_scale);
        }
    }
}

static bool counter_output_ok(const counter_t* counter, const spark_buffer_t* out) {
    return out->count == counter->num_groups && out->spec.dtype == counter->dtype &&
           out->data != NULL;
}

/// Empty window, 0 as the step -1 output. [main-thread], after build. No allocation.
static spark_status SPARK_ABI counter_reset(spark_module_t* self,
                                            const spark_buffer_t* outputs,
                                            uint32_t output_count) {
    counter_t* counter = (counter_t*)self->module_data;
    if (!counter->built) {
        return fail(counter->host, SPARK_ERR_STATE, "reset called before build; call build first");
    }
    if (output_count != 1 || outputs == NULL || !counter_output_ok(counter, &outputs[0])) {
        return fail(counter->host,
                    SPARK_ERR_INVALID_ARGUMENT,
                    "reset takes 1 output buffer of %" PRIu32 " %s elements",
                    counter->num_groups,
                    dtype_name(counter->dtype));
    }
    memset(counter->history, 0, (size_t)counter->window * counter->num_groups * sizeof(int32_t));
    memset(counter->sums, 0, counter->num_groups * sizeof(int64_t));
    counter->cursor[0] = 0;
    counter_write(counter, &outputs[0]);
    counter->ready = true;
    return SPARK_OK;
}

/// Counts this step's spikes per group into the ring and updates the sums in O(n + groups).
/// [step-thread]: no allocation, no blocking, never concurrently for one instance.
static spark_status SPARK_ABI counter_step(spark_module_t* self, const spark_step_context_t* ctx) {
    counter_t* counter = (counter_t*)self->module_data;
    if (!counter->ready) {
        return fail(counter->host,
                    SPARK_ERR_STATE,
                    "step called before reset (after build or after a rejected state load)");
    }
    const uint64_t n = counter->group_size * counter->num_groups;
    if (ctx == NULL || ctx->input_count != 1 || ctx->output_count != 1 ||
        ctx->inputs[0].count != n || ctx->inputs[0].data == NULL ||
        !counter_output_ok(counter, &ctx->outputs[0])) {
        return fail(counter->host,
                    SPARK_ERR_INVALID_ARGUMENT,
                    "step takes 1 input buffer of %" PRIu64
                    " spikes and 1 output buffer of %" PRIu32 " %s elements",
                    n,
                    counter->num_groups,
                    dtype_name(counter->dtype));
    }
    // bit0 = spike; with exclude_inhibitory a set bit1 (inhibitory neuron) vetoes it.
    const unsigned mask = counter->exclude_inhibitory ? 3u : 1u;
    const uint8_t* spikes = (const uint8_t*)ctx->inputs[0].data;
    int32_t* row = counter->history + (size_t)counter->cursor[0] * counter->num_groups;
    for (uint32_t g = 0; g < counter->num_groups; ++g) {
        int32_t count = 0;
        for (uint64_t k = 0; k < counter->group_size; ++k) {
            count += (spikes[k] & mask) == 1u ? 1 : 0;
        }
        spikes += counter->group_size;
        counter->sums[g] += count - row[g]; // the oldest step leaves the window
        row[g] = count;
    }
    counter->cursor[0] = (int32_t)(((uint32_t)counter->cursor[0] + 1u) % counter->window);
    counter_write(counter, &ctx->outputs[0]);
    return SPARK_OK;
}

/// "history" (int32, shape (window, num_groups): one row of group counts per step, a ring) and
/// "cursor" (int32, shape (1,): the row the next step overwrites, i.e. the oldest one).
static spark_status SPARK_ABI counter_state(spark_module_t* self,
                                            spark_state_array_t* arrays,
                                            uint32_t capacity,
                                            uint32_t* count) {
    counter_t* counter = (counter_t*)self->module_data;
    if (!counter->built) {
        return fail(counter->host, SPARK_ERR_STATE, "state called before build; call build first");
    }
    if (count == NULL || (arrays == NULL && capacity > 0)) {
        return fail(counter->host,
                    SPARK_ERR_INVALID_ARGUMENT,
                    "state needs a count pointer and an array for capacity > 0");
    }
    spark_shape_t history_shape = vector_shape(counter->window);
    history_shape.rank = 2;
    history_shape.dims[1] = counter->num_groups;
    const spark_state_array_t all[2] = {
        {"history", SPARK_DTYPE_I32, history_shape, counter->history},
        {"cursor", SPARK_DTYPE_I32, vector_shape(1), counter->cursor},
    };
    for (uint32_t k = 0; k < 2 && k < capacity; ++k) {
        arrays[k] = all[k];
    }
    *count = 2;
    return SPARK_OK;
}

/// Checks a loaded checkpoint and recomputes the window sums derived from it.
static spark_status SPARK_ABI counter_state_loaded(spark_module_t* self) {
    counter_t* counter = (counter_t*)self->module_data;
    if (!counter->built) {
        return fail(
            counter->host, SPARK_ERR_STATE, "state_loaded called before build; call build first");
    }
    // A bad cursor would make step() write outside the history: refuse to step until reset.
    counter->ready = false;
    if (counter->cursor[0] < 0 || (uint32_t)counter->cursor[0] >= counter->window) {
        return fail(counter->host,
                    SPARK_ERR_INVALID_ARGUMENT,
                    "state 'cursor' must be in [0, %" PRIu32 ") (window), got %" PRId32,
                    counter->window,
                    counter->cursor[0]);
    }
    memset(counter->sums, 0, counter->num_groups * sizeof(int64_t));
    for (uint32_t row = 0; row < counter->window; ++row) {
        for (uint32_t g = 0; g < counter->num_groups; ++g) {
            const int32_t c = counter->history[(size_t)row * counter->num_groups + g];
            if (c < 0 || (uint64_t)c > counter->group_size) {
                return fail(counter->host,
                            SPARK_ERR_INVALID_ARGUMENT,
                            "state 'history'[%" PRIu32 ", %" PRIu32 "] must be in [0, %" PRIu64
                            "] (the group size), got %" PRId32,
                            row,
                            g,
                            counter->group_size,
                            c);
            }
            counter->sums[g] += c;
        }
    }
    counter->ready = true;
    return SPARK_OK;
}

/// [main-thread], any state (also after a failed build). Never fails.
static void SPARK_ABI counter_destroy(spark_module_t* self) {
    counter_t* counter = (counter_t*)self->module_data;
    free(counter->history);
    free(counter->sums);
    free(counter);
}

static spark_status SPARK_ABI counter_create(const spark_module_type_t* type,
                                             const spark_host_t* host,
                                             const spark_config_t* config,
                                             const char* name,
                                             spark_module_t** out);

static const spark_validator_t window_validators[] = {
    {.kind = SPARK_VALIDATOR_RANGE, .min = 1.0, .max = 1000000.0},
};
static const char* const output_options[] = {"count", "rate"};
static const spark_validator_t output_validators[] = {
    {.kind = SPARK_VALIDATOR_ONE_OF, .options = output_options, .option_count = 2},
};

static const spark_field_desc_t counter_fields[COUNTER_FIELD_COUNT] = {
    [COUNTER_NUM_GROUPS] = {.name = "num_groups",
                            .type = SPARK_FIELD_INT,
                            .default_json = "1",
                            .description = "number of equal, contiguous groups of input elements "
                                           "(one output each); must divide the input size",
                            .validators = positive,
                            .validator_count = 1},
    [COUNTER_WINDOW] = {.name = "window",
                        .type = SPARK_FIELD_INT,
                        .default_json = "10",
                        .units = "steps",
                        .description = "number of most recent steps whose spikes are summed",
                        .validators = window_validators,
                        .validator_count = 1},
    [COUNTER_EXCLUDE_INHIBITORY] = {.name = "exclude_inhibitory",
                                    .type = SPARK_FIELD_BOOL,
                                    .default_json = "false",
                                    .description =
                                        "do not count spikes of elements marked inhibitory (bit1)"},
    [COUNTER_OUTPUT] = {.name = "output",
                        .type = SPARK_FIELD_STRING,
                        .default_json = "\"count\"",
                        .description =
                            "\"count\": spikes per group in the window; \"rate\": mean rate per "
                            "element in Hz, count * 1000 / (group size * window * dt)",
                        .validators = output_validators,
                        .validator_count = 1},
};

static const spark_port_desc_t counter_ports[COUNTER_PORT_COUNT] = {
    [COUNTER_PORT_SPIKES] = {.name = "spikes",
                             .direction = SPARK_PORT_INPUT,
                             .payload_kind = SPARK_PAYLOAD_SPIKES,
                             .payload_type = "spike_array",
                             .shape_rule = SPARK_SHAPE_ANY,
                             .required = true,
                             .description =
                                 "spikes to count (flattened; bit0 = spike, bit1 = inhibitory)"},
    [COUNTER_PORT_COUNTS] = {.name = "counts",
                             .direction = SPARK_PORT_OUTPUT,
                             .payload_kind = SPARK_PAYLOAD_FLOAT,
                             .payload_type = "float_array",
                             .shape_rule = SPARK_SHAPE_COMPUTED,
                             .shape_ref = "(num_groups,)",
                             .required = true,
                             .description = "per group: spikes in the window, or their rate in Hz"},
};

static const spark_module_type_t counter_type = {
    .abi_version = SPARK_ABI_VERSION_INIT,
    .class_ref = "spike_counter",
    .vendor = CDEMO_VENDOR,
    .version = CDEMO_TYPE_VERSION,
    .kind = SPARK_KIND_OUTPUT_INTERFACE, // spikes in, signals out
    .description =
        "spike counts (or mean rates) of equal groups of inputs over a sliding window of steps",
    .fields = counter_fields,
    .field_count = COUNTER_FIELD_COUNT,
    .ports = counter_ports,
    .port_count = COUNTER_PORT_COUNT,
    .create = counter_create,
    .initialize = NULL,
    NULL, /* type_extension: ABI 1.1 */
};

static spark_status SPARK_ABI counter_create(const spark_module_type_t* type,
                                             const spark_host_t* host,
                                             const spark_config_t* config,
                                             const char* name,
                                             spark_module_t** out) {
    spark_status status = check_config(host, config, counter_fields, COUNTER_FIELD_COUNT);
    if (status != SPARK_OK) {
        return status;
    }
    if (out == NULL) {
        return fail(host, SPARK_ERR_INVALID_ARGUMENT, "create needs an output pointer");
    }
    const spark_value_t* values = config->values;
    const int64_t num_groups = values[COUNTER_NUM_GROUPS].i; // >= 1 by the validator
    const int64_t window = values[COUNTER_WINDOW].i;         // 1..1e6 by the validator
    if (num_groups < 1 || window < 1 || window > 1000000) {
        return fail(host,
                    SPARK_ERR_INVALID_ARGUMENT,
                    "num_groups must be >= 1 and window in [1, 1000000], got %" PRId64
                    " and %" PRId64,
                    num_groups,
                    window);
    }
    // Only what the schema cannot express: a bound on the product of two fields.
    if (num_groups > (int64_t)COUNTER_MAX_HISTORY / window) {
        return fail(host,
                    SPARK_ERR_INVALID_ARGUMENT,
                    "window * num_groups must be <= %u history entries, got %" PRId64 " * %" PRId64,
                    COUNTER_MAX_HISTORY,
                    window,
                    num_groups);
    }
    const char* output = values[COUNTER_OUTPUT].s;
    const bool rate = output != NULL && strcmp(output, "rate") == 0;
    if (!rate && (output == NULL || strcmp(output, "count") != 0)) {
        return fail(host,
                    SPARK_ERR_INVALID_ARGUMENT,
                    "output must be \"count\" or \"rate\", got \"%s\"",
                    output != NULL ? output : "");
    }
    counter_t* counter = (counter_t*)calloc(1, sizeof(counter_t));
    if (counter == NULL) {
        return fail(host, SPARK_ERR_OUT_OF_MEMORY, "cannot allocate the instance");
    }
    counter->host = host;
    counter->num_groups = (uint32_t)num_groups;
    counter->window = (uint32_t)window;
    counter->exclude_inhibitory = values[COUNTER_EXCLUDE_INHIBITORY].b;
    counter->rate = rate; // `output` itself is the host's: not kept
    counter->dtype = config->dtype;
    counter->dt = config->dt;

    counter->module.type = type;
    counter->module.module_data = counter;
    counter->module.contract = counter_contract;
    counter->module.build = counter_build;
    counter->module.reset = counter_reset;
    counter->module.step = counter_step;
    counter->module.state = counter_state;
    counter->module.state_loaded = counter_state_loaded;
    counter->module.destroy = counter_destroy;
    counter->module.get_extension = no_extension;
    report(host,
           SPARK_SEVERITY_DEBUG,
           "created '%s': %" PRIu32 " groups, window %" PRIu32 " steps, output %s",
           name != NULL ? name : "",
           counter->num_groups,
           counter->window,
           rate ? "rate" : "count");
    *out = &counter->module;
    return SPARK_OK;
}

// ---------------------------------------------------------------------------------------------
// The plugin entry

static const spark_module_type_t* const all_types[] = {&lif_type, &counter_type};

/// [main-thread], once per load, after the host checked abi_version. `host` lives until deinit.
static spark_status SPARK_ABI plugin_init(const spark_host_t* host) {
    plugin_host = host;
    report(plugin_host, SPARK_SEVERITY_DEBUG, "cdemo.models init");
    return SPARK_OK;
}

/// The types, owned by the plugin and valid until deinit. Never fails. [main-thread]
static const spark_module_type_t* const* SPARK_ABI plugin_types(uint32_t* count) {
    *count = (uint32_t)(sizeof all_types / sizeof all_types[0]);
    return all_types;
}

/// Called after the last instance was destroyed, before the library is unloaded. [main-thread]
static void SPARK_ABI plugin_deinit(void) {
    report(plugin_host, SPARK_SEVERITY_DEBUG, "cdemo.models deinit");
    plugin_host = NULL;
}

// The one exported symbol: plain data the host reads (abi_version first) before running any code.
SPARK_EXPORT extern const spark_plugin_entry_t spark_plugin_entry;
const spark_plugin_entry_t spark_plugin_entry = {
    .abi_version = SPARK_ABI_VERSION_INIT, // first member; the host checks it before any call
    .id = "cdemo.models",
    .vendor = CDEMO_VENDOR,
    .version = "1.0.0",
    .description =
        "cdemo's example models in plain C: a LIF population and a windowed spike counter",
    .init = plugin_init,
    .types = plugin_types,
    .deinit = plugin_deinit,
};
