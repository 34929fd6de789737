// SPDX-License-Identifier: Apache-2.0
// What a module_instance owns: the plugin's instance, its own host, and a share of the library.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include <spark/abi/properties.h>
#include <spark/registry/module_instance.hpp>

#include "host_services.hpp"
#include "initializer_service.hpp"
#include "library_loader.hpp"

namespace spark::registry {

namespace detail {

/// A plugin_error for a failed `operation`, with the message the plugin reported (if any).
[[nodiscard]] plugin_error make_plugin_error(std::int32_t status,
                                             const std::string& type_id,
                                             const std::string& instance_name,
                                             std::string_view operation,
                                             std::string reported);

} // namespace detail

struct module_instance::impl {
    impl(std::shared_ptr<detail::loaded_plugin> plugin,
         module_type_info info,
         std::string name,
         std::shared_ptr<const detail::initializer_catalogue> initializers,
         std::vector<host_service> services);
    impl(const impl&) = delete;
    impl& operator=(const impl&) = delete;
    /// Calls the plugin's destroy; then the members go in reverse order: the host, and last the
    /// share of the library (which may run deinit and dlclose).
    ~impl();

    enum class stage { created, built, ready };

    std::shared_ptr<detail::loaded_plugin> plugin; // first member: released last
    module_type_info type;
    std::string name;
    detail::host_record host; // this instance's spark_host_t
    spark_module_t* module = nullptr;
    std::uint32_t input_ports = 0;
    std::uint32_t output_ports = 0;
    stage at = stage::created;
    const spark_properties_t* properties = nullptr; // the instance's, asked for on first use
};

} // namespace spark::registry
