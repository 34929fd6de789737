// SPDX-License-Identifier: Apache-2.0
#include "initializer_service.hpp"

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include <spark/abi/sparse_initializer.h>
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

/// Internal: the type offers no sparse extension. The caller gets SPARK_ERR_UNSUPPORTED without a
/// message (the ABI's promise: it then fills densely, nothing failed).
constexpr spark_status no_extension = -1;

/// The loaded initializer type that `config` names, its plugin kept loaded while `found` lives.
struct found_type {
    const spark_module_type_t* type = nullptr;
    std::shared_ptr<loaded_plugin> library;
    std::string id;
};

/// Finds config->class_ref among the catalogue's types; reports and returns a status otherwise.
spark_status find(const spark_host_t* caller, const spark_config_t* config, found_type& found) {
    const auto* catalogue = host_record::of(caller).initializers();
    if (config == nullptr || config->class_ref == nullptr) {
        return fail(caller,
                    SPARK_ERR_INVALID_ARGUMENT,
                    "initializer service: config and config->class_ref must not be NULL");
    }
    found.id = config->class_ref;
    const auto entry = catalogue->entries().find(found.id);
    if (entry == catalogue->entries().end()) {
        return fail(caller,
                    SPARK_ERR_INVALID_ARGUMENT,
                    "initializer service: no loaded initializer type '" + found.id +
                        "' (expected the canonical id of a type of kind initializer); add "
                        "the plugin that provides it to the search path");
    }
    found.library = entry->second.library.lock(); // keep it loaded during the call
    if (!found.library) {
        return fail(caller,
                    SPARK_ERR_STATE,
                    "initializer service: the plugin of '" + found.id +
                        "' was unloaded together with its registry");
    }
    found.type = entry->second.type;
    return SPARK_OK;
}

/// Runs call(type, host) for the type `config` names, under a host that attributes its messages
/// to the type and offers the caller's services (an initializer runs inside its caller's build:
/// it may split a large fill on the caller's SPARK_SERVICE_PARALLEL); a failure becomes one
/// message through the caller's host naming the type.
template <typename Call>
spark_status run(const spark_host_t* caller, const spark_config_t* config, const Call& call) {
    if (caller == nullptr || caller->host_data == nullptr) {
        return SPARK_ERR_INVALID_ARGUMENT;
    }
    try {
        found_type found;
        if (const spark_status status = find(caller, config, found); status != SPARK_OK) {
            return status;
        }
        host_record host(attribution{
            "spark.plugin." + found.id, "", nullptr, host_record::of(caller).services()});
        const spark_status status = call(*found.type, host.abi());
        if (status != SPARK_OK && status != no_extension) {
            auto message = host.take_last_error();
            return fail(caller,
                        status,
                        found.id + " failed (" + status_name(status) +
                            "): " + (message.empty() ? "the plugin reported no message" : message));
        }
        return status == no_extension ? SPARK_ERR_UNSUPPORTED : SPARK_OK;
    } catch (const std::exception& e) {
        return fail(caller, SPARK_ERR_PLUGIN, std::string("initializer service: ") + e.what());
    } catch (...) {
        return SPARK_ERR_PLUGIN;
    }
}

spark_status SPARK_ABI initialize(const spark_host_t* caller,
                                  const spark_config_t* config,
                                  const spark_buffer_t* out) noexcept {
    if (caller != nullptr && caller->host_data != nullptr &&
        (out == nullptr || !buffer_is_consistent(*out))) {
        const std::string id = config != nullptr && config->class_ref != nullptr ? config->class_ref
                                                                                 : "(no class_ref)";
        return fail(caller,
                    SPARK_ERR_INVALID_ARGUMENT,
                    "initializer service: the output buffer for '" + id +
                        "' is inconsistent (count must equal the product of the dims, dtype a "
                        "SPARK_DTYPE_* value, data non-NULL)");
    }
    return run(caller, config, [&](const spark_module_type_t& type, const spark_host_t* host) {
        return type.initialize(&type, host, config, out);
    });
}

/// The type's sparse extension, or nullptr (a 1.0 type, or one that offers none).
const spark_sparse_initializer_t* sparse_of(const spark_module_type_t& type) noexcept {
    const auto* ext = static_cast<const spark_sparse_initializer_t*>(
        spark_type_extension(&type, SPARK_EXT_SPARSE_INITIALIZER));
    return ext != nullptr && ext->abi_version.major == SPARK_ABI_VERSION_MAJOR ? ext : nullptr;
}

spark_status SPARK_ABI sparse_density(const spark_host_t* caller,
                                      const spark_config_t* config,
                                      double* out) noexcept {
    return run(caller, config, [&](const spark_module_type_t& type, const spark_host_t* host) {
        const auto* ext = sparse_of(type);
        return ext == nullptr || ext->density == nullptr ? no_extension
                                                         : ext->density(&type, host, config, out);
    });
}

spark_status SPARK_ABI sparse_fill_rows(const spark_host_t* caller,
                                        const spark_config_t* config,
                                        const spark_port_spec_t* spec,
                                        std::uint64_t row_length,
                                        std::uint64_t row_begin,
                                        std::uint64_t row_end,
                                        const spark_row_sink_t* sink) noexcept {
    return run(caller, config, [&](const spark_module_type_t& type, const spark_host_t* host) {
        const auto* ext = sparse_of(type);
        return ext == nullptr || ext->fill_rows == nullptr
                   ? no_extension
                   : ext->fill_rows(
                         &type, host, config, spec, row_length, row_begin, row_end, sink);
    });
}

spark_status SPARK_ABI sparse_values_at(const spark_host_t* caller,
                                        const spark_config_t* config,
                                        const spark_port_spec_t* spec,
                                        const std::uint64_t* indices,
                                        std::uint64_t count,
                                        void* out) noexcept {
    return run(caller, config, [&](const spark_module_type_t& type, const spark_host_t* host) {
        const auto* ext = sparse_of(type);
        return ext == nullptr || ext->values_at == nullptr
                   ? no_extension
                   : ext->values_at(&type, host, config, spec, indices, count, out);
    });
}

const spark_initializer_service_t the_service{SPARK_ABI_VERSION_INIT, &initialize};
const spark_sparse_initializer_service_t the_sparse_service{
    SPARK_ABI_VERSION_INIT, &sparse_density, &sparse_fill_rows, &sparse_values_at};

} // namespace

void initializer_catalogue::add(const std::string& canonical_id,
                                const spark_module_type_t* type,
                                const std::shared_ptr<loaded_plugin>& library) {
    entries_[canonical_id] = entry{type, library};
}

const spark_initializer_service_t* initializer_catalogue::service() noexcept {
    return &the_service;
}

const spark_sparse_initializer_service_t* initializer_catalogue::sparse_service() noexcept {
    return &the_sparse_service;
}

} // namespace spark::registry::detail
