// SPDX-License-Identifier: Apache-2.0
#include "initializer_service.hpp"

#include <string>
#include <string_view>

#include <spark/abi/version.h>
#include <spark/registry/errors.hpp>

#include "host_services.hpp"
#include "library_loader.hpp"

namespace spark::registry::detail {
namespace {

spark_status fail(const spark_host_t* caller, spark_status status, const std::string& message) {
    caller->report(caller, SPARK_SEVERITY_ERROR, message.c_str());
    return status;
}

bool buffer_is_consistent(const spark_buffer_t& out) noexcept {
    if (out.spec.shape.rank > SPARK_MAX_RANK || spark_dtype_size(out.spec.dtype) == 0) {
        return false;
    }
    std::uint64_t count = 1;
    for (std::uint32_t i = 0; i < out.spec.shape.rank; ++i) {
        count *= out.spec.shape.dims[i];
    }
    return count == out.count && (out.data != nullptr || count == 0);
}

spark_status SPARK_ABI initialize(const spark_host_t* caller,
                                  const spark_config_t* config,
                                  const spark_buffer_t* out) noexcept {
    if (caller == nullptr || caller->host_data == nullptr) {
        return SPARK_ERR_INVALID_ARGUMENT;
    }
    try {
        const auto* catalogue = host_record::of(caller).initializers();
        if (config == nullptr || config->class_ref == nullptr || out == nullptr) {
            return fail(caller,
                        SPARK_ERR_INVALID_ARGUMENT,
                        "initializer service: config, config->class_ref and out must not be NULL");
        }
        const std::string_view id = config->class_ref;
        if (!buffer_is_consistent(*out)) {
            return fail(caller,
                        SPARK_ERR_INVALID_ARGUMENT,
                        "initializer service: the output buffer for '" + std::string(id) +
                            "' is inconsistent (count must equal the product of the dims, "
                            "dtype a SPARK_DTYPE_* value, data non-NULL)");
        }
        const auto found = catalogue->entries().find(id);
        if (found == catalogue->entries().end()) {
            return fail(caller,
                        SPARK_ERR_INVALID_ARGUMENT,
                        "initializer service: no loaded initializer type '" + std::string(id) +
                            "' (expected the canonical id of a type of kind initializer); add "
                            "the plugin that provides it to the search path");
        }
        const auto library = found->second.library.lock(); // keep it loaded during the call
        if (!library) {
            return fail(caller,
                        SPARK_ERR_STATE,
                        "initializer service: the plugin of '" + std::string(id) +
                            "' was unloaded together with its registry");
        }
        host_record host(attribution{"spark.plugin." + std::string(id), ""});
        const auto& type = *found->second.type;
        const spark_status status = type.initialize(&type, host.abi(), config, out);
        if (status != SPARK_OK) {
            auto message = host.take_last_error();
            return fail(caller,
                        status,
                        std::string(id) + " failed (" + status_name(status) +
                            "): " + (message.empty() ? "the plugin reported no message" : message));
        }
        return SPARK_OK;
    } catch (const std::exception& e) {
        return fail(caller, SPARK_ERR_PLUGIN, std::string("initializer service: ") + e.what());
    } catch (...) {
        return SPARK_ERR_PLUGIN;
    }
}

const spark_initializer_service_t the_service{SPARK_ABI_VERSION_INIT, &initialize};

} // namespace

void initializer_catalogue::add(const std::string& canonical_id,
                                const spark_module_type_t* type,
                                const std::shared_ptr<loaded_plugin>& library) {
    entries_[canonical_id] = entry{type, library};
}

const spark_initializer_service_t* initializer_catalogue::service() noexcept {
    return &the_service;
}

} // namespace spark::registry::detail
