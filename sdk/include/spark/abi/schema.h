// SPDX-License-Identifier: Apache-2.0
// A module type's config schema (readable without creating anything) and the validated config
// values the host hands to create().
#pragma once
#include <stdbool.h>
#include <stdint.h>

#include "version.h"

#ifdef __cplusplus
extern "C" {
#endif

/// Type of a config field (and of a config value).
enum {
    SPARK_FIELD_BOOL = 1,
    SPARK_FIELD_INT = 2,         // int64
    SPARK_FIELD_FLOAT = 3,       // double (the module casts to its dtype)
    SPARK_FIELD_STRING = 4,      // UTF-8
    SPARK_FIELD_INT_ARRAY = 5,   // int64[count], e.g. a shape such as `units`
    SPARK_FIELD_FLOAT_ARRAY = 6, // double[count]
    SPARK_FIELD_CONFIG = 7,      // a nested config of another module type (e.g. a neuron's soma)
    SPARK_FIELD_INITIALIZER = 8, // a number, or the config of an initializer type (e.g. a kernel)
};

/// Kind of a validator. The host checks them all before create() and reports every failure.
enum {
    SPARK_VALIDATOR_POSITIVE = 1,           // > 0 (every element of an array)
    SPARK_VALIDATOR_NON_NEGATIVE = 2,       // >= 0
    SPARK_VALIDATOR_RANGE = 3,              // min <= v <= max (closed); use +-inf for one side
    SPARK_VALIDATOR_ONE_OF = 4,             // a string field whose value is one of `options`
    SPARK_VALIDATOR_GREATER_THAN_FIELD = 5, // > the value of the float/int field named `field`
    SPARK_VALIDATOR_LENGTH = 6,             // array length in [min, max]
    /// ABI 1.2: < 0 (every element of an array). "At most x" and "at least x" are RANGE with
    /// one side infinite.
    SPARK_VALIDATOR_NEGATIVE = 7,
    /// ABI 1.2: a condition across fields of the same config, e.g. "omega * dt < pi", in
    /// `field` (the member's name predates rules); optionally, in `options[0]` (option_count 1),
    /// why the rule exists, in words. Grammar: numbers, the config's int, float, bool and
    /// initializer fields by name, `pi`, + - * / ^, abs sqrt exp log min max, len(array field),
    /// comparisons, ! && || and parentheses; the text must be a condition (the full grammar is
    /// in spark/sdk/rule_expression.hpp). The host checks it after the fields' own validators
    /// and reports a failure at this field's path, naming every field the rule reads.
    SPARK_VALIDATOR_RULE = 8,
};

/// One validator of a field. Unused members are 0 / NULL.
typedef struct spark_validator {
    int32_t kind;               // SPARK_VALIDATOR_*
    double min;                 // RANGE, LENGTH
    double max;                 // RANGE, LENGTH
    const char* field;          // GREATER_THAN_FIELD: the other field's name; RULE: the rule
    const char* const* options; // ONE_OF: the allowed strings; RULE: none, or why (1 string)
    uint32_t option_count;
} spark_validator_t;

/// Flags of a field (spark_field_desc_t::flags), or-ed together; 0 for none.
enum {
    /// A CONFIG field that may hold **none** (upstream's `delays: None`, `learning_rule: None`):
    /// no nested config at all. Its value then has type SPARK_FIELD_CONFIG and `config == NULL`;
    /// in JSON (default_json, overrides, files) none is `null`. Without this flag a CONFIG field
    /// always holds a config and `null` is an error. Only CONFIG fields may carry it: the host
    /// refuses a type that sets it on another field type, or sets bits it does not know.
    SPARK_FIELD_NULLABLE = 1,
    /// ABI 1.2: a STRING field holding a file path (only STRING fields may carry it). The host
    /// makes a relative path absolute before create: against the folder of the brain file that
    /// gave the value, else against the process's working directory (a config built in code or
    /// on the command line). The plugin so receives an absolute path, or "" when the value is "".
    SPARK_FIELD_PATH = 2,
};

/// One field of a config schema. All strings are UTF-8 and owned by the plugin (they live until
/// the plugin's deinit).
typedef struct spark_field_desc {
    const char* name; // upstream's field name, e.g. "potential_rest"
    int32_t type;     // SPARK_FIELD_*
    /// The default as JSON text: `-60.0`, `true`, `[8]`, `"linear"`; for CONFIG and INITIALIZER
    /// fields an object naming the type: `{"__class_ref__": "leaky_soma"}` (plus any field
    /// overrides); for a NULLABLE CONFIG field also `null` (none by default). NULL means the
    /// field is required.
    const char* default_json;
    const char* units;       // e.g. "mV", "ms", "pA", "Hz"; NULL or "" when unitless
    const char* description; // one sentence for `spark plugins describe`
    const spark_validator_t* validators;
    uint32_t validator_count;
    /// CONFIG / INITIALIZER: the kind of module type allowed here (SPARK_KIND_*), 0 for any.
    int32_t nested_kind;
    /// SPARK_FIELD_NULLABLE or 0. The last member, so that a positional initializer written
    /// without it still means the same (it stays 0; -Wmissing-field-initializers asks for it).
    uint32_t flags;
} spark_field_desc_t;

struct spark_config;

/// One validated value. Only the members for `type` are meaningful, the others are 0 / NULL.
/// Ownership: the host's; valid during the call it is passed to (copy what you keep).
typedef struct spark_value {
    int32_t type;   // SPARK_FIELD_*; an INITIALIZER field holds a number as FLOAT, a config as
                    // INITIALIZER
    uint32_t count; // elements of `ints` / `floats`
    bool b;
    int64_t i;
    double f;
    const char* s;
    const int64_t* ints;
    const double* floats;
    /// CONFIG / INITIALIZER: the resolved nested config, whose `class_ref` names its type.
    /// NULL for a SPARK_FIELD_NULLABLE CONFIG field that holds none (never for another field).
    const struct spark_config* config;
} spark_value_t;

/// A validated config: one value per schema field, in schema order, every field present and of
/// the declared type (defaults filled in). The host validated it against the schema, so a plugin
/// needs to check only what the schema cannot express.
typedef struct spark_config {
    const char* class_ref;       // canonical id of the type this config is for, "vendor.name"
    const spark_value_t* values; // values[i] is schema field i
    uint32_t count;              // == the type's field_count
    // Base fields every config carries (upstream's SparkConfig: seed, dtype, dt).
    uint64_t seed; // seed of this module's own random stream
    int32_t dtype; // SPARK_DTYPE_F32 or SPARK_DTYPE_F64
    double dt;     // time step [ms]
} spark_config_t;

#ifdef __cplusplus
}
#endif
