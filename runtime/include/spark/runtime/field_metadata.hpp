// SPDX-License-Identifier: Apache-2.0
// What a module type's schema says about each config field, in words a user reads (upstream's
// get_metadata()): for `spark plugins describe`, editors and module_config::metadata().
#pragma once
#include <string>
#include <vector>

#include <spark/registry/module_type_info.hpp>

namespace spark::runtime {

/// One config field of a module type: the base fields (seed, dtype, dt) and then the schema's.
struct field_metadata {
    std::string name; // "potential_tau"
    std::string type; // "float", "int[]", "config (component)", "config (component) or none",
                      // "initializer"
    std::string default_json; // "20.0", "{\"__class_ref__\": \"leaky_soma\"}"; empty if required
    std::string units;        // "ms", or empty
    std::string description;  // one sentence
    std::vector<std::string> validators; // "positive", "in [0, 1]", "greater than potential_reset"
    bool allows_initializer{};           // the field takes a number or an initializer config
    bool required{};                     // the schema gives no default: a config must set it
    bool nullable{}; // a CONFIG field that may hold none (`null`), SPARK_FIELD_NULLABLE

    friend bool operator==(const field_metadata&, const field_metadata&) = default;
};

/// Every field of `type`, base fields first, then the schema's in order.
[[nodiscard]] std::vector<field_metadata> schema_metadata(const registry::module_type_info& type);

} // namespace spark::runtime
