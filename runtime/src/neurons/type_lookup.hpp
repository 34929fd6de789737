// SPDX-License-Identifier: Apache-2.0
// Looking up a module type's ports and fields by name in its ABI descriptor (internal).
#pragma once
#include <cstdint>
#include <string_view>

#include <spark/abi/module.h>
#include <spark/abi/schema.h>

namespace spark::runtime::detail {

/// The port `name` of `direction` (SPARK_PORT_*), or nullptr.
[[nodiscard]] inline const spark_port_desc_t*
find_port(const spark_module_type_t& type, std::string_view name, std::int32_t direction) {
    for (std::uint32_t p = 0; p < type.port_count; ++p) {
        if (type.ports[p].direction == direction && name == type.ports[p].name) {
            return &type.ports[p];
        }
    }
    return nullptr;
}

/// The field `name`, or nullptr.
[[nodiscard]] inline const spark_field_desc_t* find_field(const spark_module_type_t& type,
                                                          std::string_view name) {
    for (std::uint32_t f = 0; f < type.field_count; ++f) {
        if (name == type.fields[f].name) {
            return &type.fields[f];
        }
    }
    return nullptr;
}

/// Whether `type` declares the field `name` of `field_type` (SPARK_FIELD_*).
[[nodiscard]] inline bool
has_field(const spark_module_type_t& type, std::string_view name, std::int32_t field_type) {
    const auto* field = find_field(type, name);
    return field != nullptr && field->type == field_type;
}

} // namespace spark::runtime::detail
