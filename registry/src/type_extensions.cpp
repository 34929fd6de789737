// SPDX-License-Identifier: Apache-2.0
// The ABI 1.1 type-level extensions, read for the host: a type's declared properties and its
// capabilities (docs/adr/0013-neurons-as-compositions.md), and how it runs in slices
// (docs/adr/0023-population-slices.md). The loader checked both
// (descriptor_check.cpp), so they are read here without further checks.
#include <spark/abi/capabilities.h>
#include <spark/abi/module.h>
#include <spark/abi/properties.h>
#include <spark/abi/slices.h>
#include <spark/registry/module_type_info.hpp>

namespace spark::registry {

std::span<const spark_property_desc_t> declared_properties(const module_type_info& type) {
    const auto* declared = static_cast<const spark_type_properties_t*>(
        spark_type_extension(type.abi, SPARK_EXT_TYPE_PROPERTIES));
    if (declared == nullptr || declared->count == 0) {
        return {};
    }
    return {declared->properties, declared->count};
}

const spark_type_capabilities_t* capabilities(const module_type_info& type) {
    return static_cast<const spark_type_capabilities_t*>(
        spark_type_extension(type.abi, SPARK_EXT_TYPE_CAPABILITIES));
}

const spark_type_slices_t* slices(const module_type_info& type) {
    if (type.defined) {
        return nullptr; // a neuron file's composition runs whole
    }
    return static_cast<const spark_type_slices_t*>(
        spark_type_extension(type.abi, SPARK_EXT_TYPE_SLICES));
}

} // namespace spark::registry
