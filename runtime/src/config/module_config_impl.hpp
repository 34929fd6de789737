// SPDX-License-Identifier: Apache-2.0
// What a module_config owns (internal): the values handed out through spark_config_t and the
// storage they point into.
#pragma once
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <spark/abi/schema.h>
#include <spark/registry/module_type_info.hpp>
#include <spark/runtime/module_config.hpp>

namespace spark::runtime {

struct module_config::impl {
    /// Storage behind one value; the values' pointers are set by link() once filling is done.
    struct slot {
        std::string text;
        std::vector<std::int64_t> ints;
        std::vector<double> floats;
        std::optional<module_config> nested;
    };

    const registry::plugin_registry* registry{}; // resolves nested types when rebuilding,
    std::vector<std::string> vendor_preference;  // bare ones preferring these vendors (a brain's)
    std::filesystem::path relative_to; // what relative path fields (SPARK_FIELD_PATH) start from
    const registry::module_type_info* type{};
    /// `type` when this config owns it: an upstream 1.0 neuron its brain defines
    /// (brain_config::module_config_of), which lives only as long as the config.
    std::shared_ptr<const registry::module_type_info> owned_type;
    std::string path;
    std::string class_ref;
    std::string metadata_json;              // upstream's __metadata__, compact JSON, or empty
    std::string graph_editor_metadata_json; // upstream's __graph_editor_metadata__, or empty
    std::vector<slot> slots;                // one per schema field
    std::vector<spark_value_t> values;      // one per schema field
    spark_config_t abi{};

    /// Points abi and values at the storage. The impl lives on the heap and is never copied, so
    /// the pointers stay valid when the owning module_config moves.
    void link();
};

namespace detail {

/// Lets the builder fill impls and wrap them into module_configs.
struct module_config_access {
    using impl = module_config::impl;
    static module_config make(std::unique_ptr<impl> data) { return module_config(std::move(data)); }
    static void own_type(module_config& config,
                         std::shared_ptr<const registry::module_type_info> type) {
        config.impl_->owned_type = std::move(type);
    }
};

using config_impl = module_config_access::impl;

} // namespace detail
} // namespace spark::runtime
