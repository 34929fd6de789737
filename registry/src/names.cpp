// SPDX-License-Identifier: Apache-2.0
// Human-readable names of ABI enum values, for messages and `spark plugins describe`.
#include <spark/abi/module.h>
#include <spark/abi/schema.h>
#include <spark/abi/types.h>
#include <spark/registry/module_type_info.hpp>

namespace spark::registry {

std::string_view kind_name(std::int32_t kind) {
    switch (kind) {
    case SPARK_KIND_NEURON:
        return "neuron";
    case SPARK_KIND_INPUT_INTERFACE:
        return "input_interface";
    case SPARK_KIND_OUTPUT_INTERFACE:
        return "output_interface";
    case SPARK_KIND_CONTROL_INTERFACE:
        return "control_interface";
    case SPARK_KIND_COMPONENT:
        return "component";
    case SPARK_KIND_INITIALIZER:
        return "initializer";
    default:
        return "unknown";
    }
}

std::string_view payload_kind_name(std::int32_t kind) {
    switch (kind) {
    case SPARK_PAYLOAD_SPIKES:
        return "spikes";
    case SPARK_PAYLOAD_FLOAT:
        return "float";
    case SPARK_PAYLOAD_INT:
        return "int";
    case SPARK_PAYLOAD_BOOL_MASK:
        return "bool_mask";
    case SPARK_PAYLOAD_ANY:
        return "any";
    default:
        return "unknown";
    }
}

std::string_view field_type_name(std::int32_t type) {
    switch (type) {
    case SPARK_FIELD_BOOL:
        return "bool";
    case SPARK_FIELD_INT:
        return "int";
    case SPARK_FIELD_FLOAT:
        return "float";
    case SPARK_FIELD_STRING:
        return "string";
    case SPARK_FIELD_INT_ARRAY:
        return "int[]";
    case SPARK_FIELD_FLOAT_ARRAY:
        return "float[]";
    case SPARK_FIELD_CONFIG:
        return "config";
    case SPARK_FIELD_INITIALIZER:
        return "initializer";
    default:
        return "unknown";
    }
}

std::string_view dtype_name(std::int32_t dtype) {
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
        return "unknown";
    }
}

std::string version_string(spark_version_t version) {
    return std::to_string(version.major) + "." + std::to_string(version.minor) + "." +
           std::to_string(version.patch);
}

} // namespace spark::registry
