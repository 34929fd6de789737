// SPDX-License-Identifier: Apache-2.0
// Test plugin "runtime_schema" (vendor "rt"): a type with every field type and every validator,
// nested config types, a type whose nested configs may be none, and an initializer, all
// well-behaved, for module_config and check tests.
#include <stdint.h>

#include "accumulate.h"

static const char* const mode_options[] = {"linear", "exp"};

static const spark_validator_t positive[] = {{SPARK_VALIDATOR_POSITIVE, 0, 0, NULL, NULL, 0}};
static const spark_validator_t non_negative[] = {
    {SPARK_VALIDATOR_NON_NEGATIVE, 0, 0, NULL, NULL, 0}};
static const spark_validator_t mode_one_of[] = {
    {SPARK_VALIDATOR_ONE_OF, 0, 0, NULL, mode_options, 2}};
static const spark_validator_t units_checks[] = {
    {SPARK_VALIDATOR_POSITIVE, 0, 0, NULL, NULL, 0},
    {SPARK_VALIDATOR_LENGTH, 1, 3, NULL, NULL, 0},
};
static const spark_validator_t unit_range[] = {{SPARK_VALIDATOR_RANGE, 0, 1, NULL, NULL, 0}};
static const spark_validator_t at_least_zero[] = {
    {SPARK_VALIDATOR_RANGE, 0, INFINITY, NULL, NULL, 0}};
static const spark_validator_t at_most_five[] = {
    {SPARK_VALIDATOR_RANGE, -INFINITY, 5, NULL, NULL, 0}};
static const spark_validator_t above_reset[] = {
    {SPARK_VALIDATOR_GREATER_THAN_FIELD, 0, 0, "potential_reset", NULL, 0}};

static const spark_field_desc_t probe_fields[] = {
    {"flag", SPARK_FIELD_BOOL, "true", "", "a switch", NULL, 0, 0, 0},
    {"count", SPARK_FIELD_INT, "3", "", "how many", non_negative, 1, 0, 0},
    {"tau", SPARK_FIELD_FLOAT, "10.0", "ms", "time constant", positive, 1, 0, 0},
    {"mode", SPARK_FIELD_STRING, "\"linear\"", "", "how to decay", mode_one_of, 1, 0, 0},
    {"units", SPARK_FIELD_INT_ARRAY, "[4]", "", "population shape", units_checks, 2, 0, 0},
    {"weights", SPARK_FIELD_FLOAT_ARRAY, "[0.5, 0.25]", "", "mixing weights", unit_range, 1, 0, 0},
    {"floor", SPARK_FIELD_FLOAT, "0", "", "a lower bound", at_least_zero, 1, 0, 0},
    {"ceiling", SPARK_FIELD_FLOAT, "1", "", "an upper bound", at_most_five, 1, 0, 0},
    {"threshold", SPARK_FIELD_FLOAT, "-50.0", "mV", "spike threshold", above_reset, 1, 0, 0},
    {"potential_reset", SPARK_FIELD_FLOAT, "-60.0", "mV", "potential after a spike", NULL, 0, 0, 0},
    {"soma",
     SPARK_FIELD_CONFIG,
     "{\"__class_ref__\": \"inner\", \"scale\": 2.0}",
     "",
     "the nested component",
     NULL,
     0,
     SPARK_KIND_COMPONENT,
     0},
    {"kernel", SPARK_FIELD_INITIALIZER, "0.5", "", "initial weights", positive, 1, 0, 0},
};

static const spark_field_desc_t inner_fields[] = {
    {"tau", SPARK_FIELD_FLOAT, "5.0", "ms", "inner time constant", positive, 1, 0, 0},
    {"scale", SPARK_FIELD_FLOAT, "1.0", "", "inner scale", NULL, 0, 0, 0},
};

static const spark_field_desc_t other_inner_fields[] = {
    {"depth", SPARK_FIELD_INT, "2", "", "how deep", positive, 1, 0, 0},
};

// Upstream's `delays: None` / `learning_rule: None`: CONFIG fields that may hold none.
static const spark_field_desc_t holder_fields[] = {
    {"gain", SPARK_FIELD_FLOAT, "1.0", "", "a plain value", NULL, 0, 0, 0},
    {"delays",
     SPARK_FIELD_CONFIG,
     "null",
     "",
     "optional delays; none: no delays",
     NULL,
     0,
     SPARK_KIND_COMPONENT,
     SPARK_FIELD_NULLABLE},
    {"rule",
     SPARK_FIELD_CONFIG,
     "{\"__class_ref__\": \"inner\"}",
     "",
     "optional rule; none: no learning",
     NULL,
     0,
     SPARK_KIND_COMPONENT,
     SPARK_FIELD_NULLABLE},
};

static const spark_field_desc_t fill_fields[] = {
    {"scale", SPARK_FIELD_FLOAT, "1.0", "", "largest value", positive, 1, 0, 0},
};

static spark_status SPARK_ABI create_normal(const spark_module_type_t* type,
                                            const spark_host_t* host,
                                            const spark_config_t* config,
                                            const char* name,
                                            spark_module_t** out) {
    (void)name;
    return accumulate_create(type, host, config, ACCUMULATE_NORMAL, out);
}

// The host hands a nullable CONFIG field holding none as a CONFIG value with config == NULL:
// with the defaults, `delays` is none and `rule` an rt.inner config.
static spark_status SPARK_ABI create_holder(const spark_module_type_t* type,
                                            const spark_host_t* host,
                                            const spark_config_t* config,
                                            const char* name,
                                            spark_module_t** out) {
    (void)name;
    if (config->count != 3 || config->values[1].type != SPARK_FIELD_CONFIG ||
        config->values[2].type != SPARK_FIELD_CONFIG ||
        (config->values[2].config != NULL &&
         strcmp(config->values[2].config->class_ref, "rt.inner") != 0)) {
        host->report(host, SPARK_SEVERITY_ERROR, "holder: unexpected nested values");
        return SPARK_ERR_INVALID_ARGUMENT;
    }
    return accumulate_create(type, host, config, ACCUMULATE_NORMAL, out);
}

// Fills with scale * (a uniform number from the config's seed): deterministic in seed and shape.
static spark_status SPARK_ABI fill_initialize(const spark_module_type_t* type,
                                              const spark_host_t* host,
                                              const spark_config_t* config,
                                              const spark_buffer_t* out) {
    (void)type;
    (void)host;
    uint64_t x = config->seed;
    for (uint64_t i = 0; i < out->count; ++i) {
        x = x * 6364136223846793005ULL + 1442695040888963407ULL;
        accumulate_write(out, i, config->values[0].f * (double)(x >> 11U) / 9007199254740992.0);
    }
    return SPARK_OK;
}

#define MODULE_TYPE(ref, kind, fields, field_count, description)                                   \
    {                                                                                              \
        SPARK_ABI_VERSION_INIT, ref, "rt", "1.0.0", kind, description, fields, field_count,        \
            accumulate_ports, 2, create_normal, NULL, NULL                                         \
    }

static const spark_module_type_t probe_type =
    MODULE_TYPE("probe", SPARK_KIND_COMPONENT, probe_fields, 12, "every field type and validator");
static const spark_module_type_t inner_type =
    MODULE_TYPE("inner", SPARK_KIND_COMPONENT, inner_fields, 2, "a nested component");
static const spark_module_type_t other_inner_type = MODULE_TYPE(
    "other_inner", SPARK_KIND_COMPONENT, other_inner_fields, 1, "another nested component");
static const spark_module_type_t holder_type = {
    SPARK_ABI_VERSION_INIT,
    "holder",
    "rt",
    "1.0.0",
    SPARK_KIND_COMPONENT,
    "nested configs that may be none",
    holder_fields,
    3,
    accumulate_ports,
    2,
    create_holder,
    NULL,
    NULL, /* type_extension: ABI 1.1 */
};
static const spark_module_type_t neuronish_type =
    MODULE_TYPE("neuronish", SPARK_KIND_NEURON, NULL, 0, "a neuron, where a component is expected");
static const spark_module_type_t fill_type = {SPARK_ABI_VERSION_INIT,
                                              "fill",
                                              "rt",
                                              "1.0.0",
                                              SPARK_KIND_INITIALIZER,
                                              "uniform values in [0, scale)",
                                              fill_fields,
                                              1,
                                              NULL,
                                              0,
                                              NULL,
                                              fill_initialize,
                                              NULL /* type_extension: ABI 1.1 */};

static const spark_module_type_t* const all_types[] = {
    &probe_type, &inner_type, &other_inner_type, &neuronish_type, &fill_type, &holder_type};

static const spark_module_type_t* const* SPARK_ABI schema_types(uint32_t* count) {
    *count = 6;
    return all_types;
}

SPARK_EXPORT extern const spark_plugin_entry_t spark_plugin_entry;
const spark_plugin_entry_t spark_plugin_entry = {SPARK_ABI_VERSION_INIT,
                                                 "test.runtime_schema",
                                                 "rt",
                                                 "0.1.0",
                                                 "schema probes for the runtime tests",
                                                 accumulate_init,
                                                 schema_types,
                                                 accumulate_deinit};
