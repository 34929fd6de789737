// SPDX-License-Identifier: Apache-2.0
// Validators of ABI 1.2 that the registry must refuse at load, one file each:
//   negative_in_1_1 (NEGATIVE_IN_1_1): a type stamped ABI 1.1.0 whose field `reset` carries
//     SPARK_VALIDATOR_NEGATIVE, a kind 1.1 did not have;
//   bad_rule_syntax (RULE_SYNTAX): a RULE whose condition "omega * (dt < pi" does not parse;
//   bad_rule_field (RULE_UNKNOWN_FIELD): a RULE reading `speed`, which is not a field.
#include <spark/abi/spark_abi.h>

#include "stub_module.h"

#if defined(NEGATIVE_IN_1_1)
#    define PLUGIN_ID "test.negative_in_1_1"
#    define TYPE_ABI                                                                               \
        { 1, 1, 0 }
static const spark_validator_t broken_validators[] = {
    {SPARK_VALIDATOR_NEGATIVE, 0, 0, NULL, NULL, 0}};
#elif defined(RULE_SYNTAX)
#    define PLUGIN_ID "test.bad_rule_syntax"
#    define TYPE_ABI SPARK_ABI_VERSION_INIT
static const spark_validator_t broken_validators[] = {
    {SPARK_VALIDATOR_RULE, 0, 0, "omega * (dt < pi", NULL, 0}};
#elif defined(RULE_UNKNOWN_FIELD)
#    define PLUGIN_ID "test.bad_rule_field"
#    define TYPE_ABI SPARK_ABI_VERSION_INIT
static const spark_validator_t broken_validators[] = {
    {SPARK_VALIDATOR_RULE, 0, 0, "omega * speed < pi", NULL, 0}};
#else
#    error "define NEGATIVE_IN_1_1, RULE_SYNTAX or RULE_UNKNOWN_FIELD"
#endif

static const spark_field_desc_t broken_fields[] = {
    {"reset",
     SPARK_FIELD_FLOAT,
     "-1.0",
     "mV",
     "the field whose validator is wrong",
     broken_validators,
     1,
     0,
     0},
    {"omega", SPARK_FIELD_FLOAT, "0.5", "rad/ms", "a frequency", NULL, 0, 0, 0},
};

static const spark_module_type_t broken_type = {
    TYPE_ABI,
    "broken_validators",
    "test",
    "1.0.0",
    SPARK_KIND_COMPONENT,
    "a type with a validator the registry must refuse",
    broken_fields,
    2,
    stub_ports,
    2,
    stub_create,
    NULL,
    NULL, /* type_extension: ABI 1.1 */
};
static const spark_module_type_t* const all_types[] = {&broken_type};

static spark_status SPARK_ABI plugin_init(const spark_host_t* host) {
    (void)host;
    return SPARK_OK;
}

static const spark_module_type_t* const* SPARK_ABI plugin_types(uint32_t* count) {
    *count = 1;
    return all_types;
}

static void SPARK_ABI plugin_deinit(void) {}

SPARK_EXPORT extern const spark_plugin_entry_t spark_plugin_entry;
const spark_plugin_entry_t spark_plugin_entry = {
    SPARK_ABI_VERSION_INIT,
    PLUGIN_ID,
    "test",
    "1.0.0",
    "a plugin with a validator the registry must refuse",
    plugin_init,
    plugin_types,
    plugin_deinit,
};
