// SPDX-License-Identifier: Apache-2.0
// Names of ABI values and the error types' formats.
#include <string>

#include <boost/test/unit_test.hpp>

#include <spark/registry/errors.hpp>
#include <spark/registry/module_type_info.hpp>

using namespace spark::registry;

BOOST_AUTO_TEST_SUITE(names)

BOOST_AUTO_TEST_CASE(abi_values_have_readable_names) {
    BOOST_TEST(kind_name(SPARK_KIND_NEURON) == "neuron");
    BOOST_TEST(kind_name(SPARK_KIND_INPUT_INTERFACE) == "input_interface");
    BOOST_TEST(kind_name(SPARK_KIND_OUTPUT_INTERFACE) == "output_interface");
    BOOST_TEST(kind_name(SPARK_KIND_CONTROL_INTERFACE) == "control_interface");
    BOOST_TEST(kind_name(SPARK_KIND_COMPONENT) == "component");
    BOOST_TEST(kind_name(SPARK_KIND_INITIALIZER) == "initializer");
    BOOST_TEST(kind_name(99) == "unknown");
    BOOST_TEST(payload_kind_name(SPARK_PAYLOAD_SPIKES) == "spikes");
    BOOST_TEST(payload_kind_name(SPARK_PAYLOAD_FLOAT) == "float");
    BOOST_TEST(payload_kind_name(SPARK_PAYLOAD_INT) == "int");
    BOOST_TEST(payload_kind_name(SPARK_PAYLOAD_BOOL_MASK) == "bool_mask");
    BOOST_TEST(payload_kind_name(0) == "unknown");
    BOOST_TEST(field_type_name(SPARK_FIELD_BOOL) == "bool");
    BOOST_TEST(field_type_name(SPARK_FIELD_INT) == "int");
    BOOST_TEST(field_type_name(SPARK_FIELD_FLOAT) == "float");
    BOOST_TEST(field_type_name(SPARK_FIELD_STRING) == "string");
    BOOST_TEST(field_type_name(SPARK_FIELD_INT_ARRAY) == "int[]");
    BOOST_TEST(field_type_name(SPARK_FIELD_FLOAT_ARRAY) == "float[]");
    BOOST_TEST(field_type_name(SPARK_FIELD_CONFIG) == "config");
    BOOST_TEST(field_type_name(SPARK_FIELD_INITIALIZER) == "initializer");
    BOOST_TEST(field_type_name(99) == "unknown");
    BOOST_TEST(dtype_name(SPARK_DTYPE_U8) == "uint8");
    BOOST_TEST(dtype_name(SPARK_DTYPE_I32) == "int32");
    BOOST_TEST(dtype_name(SPARK_DTYPE_F32) == "float32");
    BOOST_TEST(dtype_name(SPARK_DTYPE_F64) == "float64");
    BOOST_TEST(dtype_name(0) == "unknown");
    BOOST_TEST(version_string(spark_version_t{1, 20, 3}) == "1.20.3");
}

BOOST_AUTO_TEST_CASE(status_names) {
    BOOST_TEST(status_name(SPARK_OK) == "SPARK_OK");
    BOOST_TEST(status_name(SPARK_ERR_INVALID_ARGUMENT) == "SPARK_ERR_INVALID_ARGUMENT");
    BOOST_TEST(status_name(SPARK_ERR_UNSUPPORTED) == "SPARK_ERR_UNSUPPORTED");
    BOOST_TEST(status_name(SPARK_ERR_OUT_OF_MEMORY) == "SPARK_ERR_OUT_OF_MEMORY");
    BOOST_TEST(status_name(SPARK_ERR_ABI_MISMATCH) == "SPARK_ERR_ABI_MISMATCH");
    BOOST_TEST(status_name(SPARK_ERR_PLUGIN) == "SPARK_ERR_PLUGIN");
    BOOST_TEST(status_name(SPARK_ERR_STATE) == "SPARK_ERR_STATE");
    BOOST_TEST(status_name(42) == "status 42");
}

BOOST_AUTO_TEST_CASE(error_types_keep_their_parts) {
    const plugin_error error(
        SPARK_ERR_PLUGIN, "acme.lif", "A_ex", "step failed (SPARK_ERR_PLUGIN): boom");
    BOOST_TEST(std::string(error.what()) ==
               "acme.lif 'A_ex': step failed (SPARK_ERR_PLUGIN): boom");
    BOOST_TEST(error.status() == SPARK_ERR_PLUGIN);
    BOOST_TEST(error.type_id() == "acme.lif");
    BOOST_TEST(error.instance_name() == "A_ex");

    const abi_error abi("/x/p.so", "cannot load plugin /x/p.so: too new");
    BOOST_TEST(abi.file() == "/x/p.so");
    BOOST_TEST(std::string(abi.what()) == "cannot load plugin /x/p.so: too new");
    const spark::error& root = abi; // every error derives from spark::error
    BOOST_TEST(std::string(root.what()) == "cannot load plugin /x/p.so: too new");
}

BOOST_AUTO_TEST_SUITE_END()
