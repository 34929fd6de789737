// SPDX-License-Identifier: Apache-2.0
// The frozen ABI: the layout of every ABI struct and the value of every ABI constant as C11 sees
// them (abi_c11.c), as C++ sees them, and as released for x86-64. Reordering or resizing a field,
// or renumbering a constant, fails here: released structs are frozen (docs/architecture.md section
// 9.2).
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>

#include <boost/test/unit_test.hpp>

#include <spark/abi/spark_abi.h>

#include "abi_c11.h"

#if !defined(__x86_64__)
#    error "the frozen layout numbers below are for x86-64; add this platform's released numbers"
#endif

namespace {

struct expected_entry {
    std::string name;
    std::uint64_t cpp;    // what this C++ compiler says
    std::uint64_t frozen; // the released x86-64 number
};

// clang-format off
#define SIZE(T, size, align)                                                                       \
    expected_entry{"sizeof(" #T ")", sizeof(T), size},                                             \
    expected_entry{"alignof(" #T ")", alignof(T), align}
#define FIELD(T, f, offset) expected_entry{"offsetof(" #T ", " #f ")", offsetof(T, f), offset}
#define CONSTANT(c, value) expected_entry{#c, static_cast<std::uint64_t>(c), value}
// clang-format on

const expected_entry frozen_layout[] = {
    SIZE(spark_version_t, 12, 4),
    FIELD(spark_version_t, major, 0),
    FIELD(spark_version_t, minor, 4),
    FIELD(spark_version_t, patch, 8),
    SIZE(spark_host_t, 48, 8),
    FIELD(spark_host_t, abi_version, 0),
    FIELD(spark_host_t, host_data, 16),
    FIELD(spark_host_t, report, 24),
    FIELD(spark_host_t, wants, 32),
    FIELD(spark_host_t, get_service, 40),
    SIZE(spark_shape_t, 36, 4),
    FIELD(spark_shape_t, rank, 0),
    FIELD(spark_shape_t, dims, 4),
    SIZE(spark_port_spec_t, 44, 4),
    FIELD(spark_port_spec_t, payload_kind, 0),
    FIELD(spark_port_spec_t, dtype, 4),
    FIELD(spark_port_spec_t, shape, 8),
    SIZE(spark_buffer_t, 64, 8),
    FIELD(spark_buffer_t, data, 0),
    FIELD(spark_buffer_t, count, 8),
    FIELD(spark_buffer_t, spec, 16),
    SIZE(spark_validator_t, 48, 8),
    FIELD(spark_validator_t, kind, 0),
    FIELD(spark_validator_t, min, 8),
    FIELD(spark_validator_t, max, 16),
    FIELD(spark_validator_t, field, 24),
    FIELD(spark_validator_t, options, 32),
    FIELD(spark_validator_t, option_count, 40),
    SIZE(spark_field_desc_t, 64, 8),
    FIELD(spark_field_desc_t, name, 0),
    FIELD(spark_field_desc_t, type, 8),
    FIELD(spark_field_desc_t, default_json, 16),
    FIELD(spark_field_desc_t, units, 24),
    FIELD(spark_field_desc_t, description, 32),
    FIELD(spark_field_desc_t, validators, 40),
    FIELD(spark_field_desc_t, validator_count, 48),
    FIELD(spark_field_desc_t, nested_kind, 52),
    FIELD(spark_field_desc_t, flags, 56),
    SIZE(spark_value_t, 64, 8),
    FIELD(spark_value_t, type, 0),
    FIELD(spark_value_t, count, 4),
    FIELD(spark_value_t, b, 8),
    FIELD(spark_value_t, i, 16),
    FIELD(spark_value_t, f, 24),
    FIELD(spark_value_t, s, 32),
    FIELD(spark_value_t, ints, 40),
    FIELD(spark_value_t, floats, 48),
    FIELD(spark_value_t, config, 56),
    SIZE(spark_config_t, 48, 8),
    FIELD(spark_config_t, class_ref, 0),
    FIELD(spark_config_t, values, 8),
    FIELD(spark_config_t, count, 16),
    FIELD(spark_config_t, seed, 24),
    FIELD(spark_config_t, dtype, 32),
    FIELD(spark_config_t, dt, 40),
    SIZE(spark_port_desc_t, 56, 8),
    FIELD(spark_port_desc_t, name, 0),
    FIELD(spark_port_desc_t, direction, 8),
    FIELD(spark_port_desc_t, payload_kind, 12),
    FIELD(spark_port_desc_t, payload_type, 16),
    FIELD(spark_port_desc_t, shape_rule, 24),
    FIELD(spark_port_desc_t, shape_ref, 32),
    FIELD(spark_port_desc_t, required, 40),
    FIELD(spark_port_desc_t, description, 48),
    SIZE(spark_state_array_t, 56, 8),
    FIELD(spark_state_array_t, name, 0),
    FIELD(spark_state_array_t, dtype, 8),
    FIELD(spark_state_array_t, shape, 12),
    FIELD(spark_state_array_t, data, 48),
    SIZE(spark_step_context_t, 48, 8),
    FIELD(spark_step_context_t, step_index, 0),
    FIELD(spark_step_context_t, dt, 8),
    FIELD(spark_step_context_t, inputs, 16),
    FIELD(spark_step_context_t, input_count, 24),
    FIELD(spark_step_context_t, outputs, 32),
    FIELD(spark_step_context_t, output_count, 40),
    SIZE(spark_module_t, 80, 8),
    FIELD(spark_module_t, type, 0),
    FIELD(spark_module_t, module_data, 8),
    FIELD(spark_module_t, contract, 16),
    FIELD(spark_module_t, build, 24),
    FIELD(spark_module_t, reset, 32),
    FIELD(spark_module_t, step, 40),
    FIELD(spark_module_t, state, 48),
    FIELD(spark_module_t, state_loaded, 56),
    FIELD(spark_module_t, destroy, 64),
    FIELD(spark_module_t, get_extension, 72),
    SIZE(spark_module_type_t, 112, 8), // 104 in 1.0; 1.1 appended type_extension
    FIELD(spark_module_type_t, abi_version, 0),
    FIELD(spark_module_type_t, class_ref, 16),
    FIELD(spark_module_type_t, vendor, 24),
    FIELD(spark_module_type_t, version, 32),
    FIELD(spark_module_type_t, kind, 40),
    FIELD(spark_module_type_t, description, 48),
    FIELD(spark_module_type_t, fields, 56),
    FIELD(spark_module_type_t, field_count, 64),
    FIELD(spark_module_type_t, ports, 72),
    FIELD(spark_module_type_t, port_count, 80),
    FIELD(spark_module_type_t, create, 88),
    FIELD(spark_module_type_t, initialize, 96),
    FIELD(spark_module_type_t, type_extension, 104), // ABI 1.1
    SIZE(spark_row_sink_t, 16, 8),                   // ABI 1.1 from here
    FIELD(spark_row_sink_t, context, 0),
    FIELD(spark_row_sink_t, row, 8),
    SIZE(spark_sparse_initializer_t, 40, 8),
    FIELD(spark_sparse_initializer_t, abi_version, 0),
    FIELD(spark_sparse_initializer_t, density, 16),
    FIELD(spark_sparse_initializer_t, fill_rows, 24),
    FIELD(spark_sparse_initializer_t, values_at, 32),
    SIZE(spark_plugin_entry_t, 72, 8),
    FIELD(spark_plugin_entry_t, abi_version, 0),
    FIELD(spark_plugin_entry_t, id, 16),
    FIELD(spark_plugin_entry_t, vendor, 24),
    FIELD(spark_plugin_entry_t, version, 32),
    FIELD(spark_plugin_entry_t, description, 40),
    FIELD(spark_plugin_entry_t, init, 48),
    FIELD(spark_plugin_entry_t, types, 56),
    FIELD(spark_plugin_entry_t, deinit, 64),
    SIZE(spark_status, 4, 4),
};

const expected_entry frozen_constants[] = {
    CONSTANT(SPARK_ABI_VERSION_MAJOR, 1),
    CONSTANT(SPARK_ABI_VERSION_MINOR, 2), // 0 in 1.0, 1 in 1.1
    CONSTANT(SPARK_ABI_VERSION_PATCH, 0),
    CONSTANT(SPARK_MAX_RANK, 8),
    CONSTANT(SPARK_OK, 0),
    CONSTANT(SPARK_ERR_INVALID_ARGUMENT, 1),
    CONSTANT(SPARK_ERR_UNSUPPORTED, 2),
    CONSTANT(SPARK_ERR_OUT_OF_MEMORY, 3),
    CONSTANT(SPARK_ERR_ABI_MISMATCH, 4),
    CONSTANT(SPARK_ERR_PLUGIN, 5),
    CONSTANT(SPARK_ERR_STATE, 6),
    CONSTANT(SPARK_SEVERITY_TRACE, 0),
    CONSTANT(SPARK_SEVERITY_DEBUG, 1),
    CONSTANT(SPARK_SEVERITY_INFO, 2),
    CONSTANT(SPARK_SEVERITY_WARNING, 3),
    CONSTANT(SPARK_SEVERITY_ERROR, 4),
    CONSTANT(SPARK_PAYLOAD_SPIKES, 1),
    CONSTANT(SPARK_PAYLOAD_FLOAT, 2),
    CONSTANT(SPARK_PAYLOAD_INT, 3),
    CONSTANT(SPARK_PAYLOAD_BOOL_MASK, 4),
    CONSTANT(SPARK_DTYPE_U8, 1),
    CONSTANT(SPARK_DTYPE_I32, 2),
    CONSTANT(SPARK_DTYPE_F32, 3),
    CONSTANT(SPARK_DTYPE_F64, 4),
    CONSTANT(SPARK_FIELD_BOOL, 1),
    CONSTANT(SPARK_FIELD_INT, 2),
    CONSTANT(SPARK_FIELD_FLOAT, 3),
    CONSTANT(SPARK_FIELD_STRING, 4),
    CONSTANT(SPARK_FIELD_INT_ARRAY, 5),
    CONSTANT(SPARK_FIELD_FLOAT_ARRAY, 6),
    CONSTANT(SPARK_FIELD_CONFIG, 7),
    CONSTANT(SPARK_FIELD_INITIALIZER, 8),
    CONSTANT(SPARK_FIELD_NULLABLE, 1),
    CONSTANT(SPARK_FIELD_PATH, 2),
    CONSTANT(SPARK_VALIDATOR_POSITIVE, 1),
    CONSTANT(SPARK_VALIDATOR_NON_NEGATIVE, 2),
    CONSTANT(SPARK_VALIDATOR_RANGE, 3),
    CONSTANT(SPARK_VALIDATOR_ONE_OF, 4),
    CONSTANT(SPARK_VALIDATOR_GREATER_THAN_FIELD, 5),
    CONSTANT(SPARK_VALIDATOR_LENGTH, 6),
    CONSTANT(SPARK_VALIDATOR_NEGATIVE, 7),
    CONSTANT(SPARK_VALIDATOR_RULE, 8),
    CONSTANT(SPARK_KIND_NEURON, 1),
    CONSTANT(SPARK_KIND_INPUT_INTERFACE, 2),
    CONSTANT(SPARK_KIND_OUTPUT_INTERFACE, 3),
    CONSTANT(SPARK_KIND_CONTROL_INTERFACE, 4),
    CONSTANT(SPARK_KIND_COMPONENT, 5),
    CONSTANT(SPARK_KIND_INITIALIZER, 6),
    CONSTANT(SPARK_PORT_INPUT, 1),
    CONSTANT(SPARK_PORT_OUTPUT, 2),
    CONSTANT(SPARK_SHAPE_ANY, 1),
    CONSTANT(SPARK_SHAPE_FROM_FIELD, 2),
    CONSTANT(SPARK_SHAPE_LIKE_PORT, 3),
    CONSTANT(SPARK_SHAPE_COMPUTED, 4),
};

#undef SIZE
#undef FIELD
#undef CONSTANT

std::map<std::string, std::uint64_t> as_map(const spark_layout_entry* entries,
                                            std::uint32_t count) {
    std::map<std::string, std::uint64_t> result;
    for (std::uint32_t i = 0; i < count; ++i) {
        result.emplace(entries[i].name, entries[i].value);
    }
    return result;
}

template <std::size_t N>
void check_against_c(const expected_entry (&expected)[N],
                     const std::map<std::string, std::uint64_t>& c) {
    // Same set of names: a field added to the C side must be frozen here too, and vice versa.
    BOOST_TEST(c.size() == N);
    for (const auto& e : expected) {
        BOOST_TEST_CONTEXT(e.name) {
            const auto it = c.find(e.name);
            BOOST_TEST_REQUIRE((it != c.end()), "abi_c11.c does not measure " << e.name);
            BOOST_TEST(it->second == e.cpp);
            BOOST_TEST(e.cpp == e.frozen);
        }
    }
}

} // namespace

BOOST_AUTO_TEST_SUITE(abi_layout)

BOOST_AUTO_TEST_CASE(c_side_is_strict_c11) {
    BOOST_TEST(spark_test_c11_standard() == 201112L);
}

BOOST_AUTO_TEST_CASE(every_struct_has_the_frozen_layout_in_c_and_cpp) {
    std::uint32_t count = 0;
    const auto* entries = spark_test_c11_layout(&count);
    check_against_c(frozen_layout, as_map(entries, count));
}

BOOST_AUTO_TEST_CASE(every_constant_has_its_released_value_in_c_and_cpp) {
    std::uint32_t count = 0;
    const auto* entries = spark_test_c11_constants(&count);
    check_against_c(frozen_constants, as_map(entries, count));
}

BOOST_AUTO_TEST_CASE(compatibility_needs_equal_major_and_a_minor_not_newer) {
    const spark_version_t host{1, 2, 0};
    BOOST_TEST(spark_abi_compatible(host, spark_version_t{1, 2, 9}) == 1);
    BOOST_TEST(spark_abi_compatible(host, spark_version_t{1, 0, 0}) == 1);
    BOOST_TEST(spark_abi_compatible(host, spark_version_t{1, 3, 0}) == 0);
    BOOST_TEST(spark_abi_compatible(host, spark_version_t{2, 0, 0}) == 0);
    BOOST_TEST(spark_abi_compatible(host, spark_version_t{0, 2, 0}) == 0);
    // C computes the same answers.
    BOOST_TEST(spark_test_c11_compatible(1, 2, 1, 2) == 1);
    BOOST_TEST(spark_test_c11_compatible(1, 2, 1, 3) == 0);
    BOOST_TEST(spark_test_c11_compatible(1, 2, 2, 2) == 0);
    BOOST_TEST(spark_test_c11_compatible(SPARK_ABI_VERSION_MAJOR,
                                         SPARK_ABI_VERSION_MINOR,
                                         SPARK_ABI_VERSION_MAJOR,
                                         SPARK_ABI_VERSION_MINOR) == 1);
}

BOOST_AUTO_TEST_SUITE_END()
