// SPDX-License-Identifier: Apache-2.0
// The host service SPARK_SERVICE_INITIALIZERS (internal): lets any module run any plugin's
// initializer type by canonical id, e.g. a synapse kernel's "spark.sparse_uniform_initializer".
#pragma once
#include <map>
#include <memory>
#include <string>

#include <spark/abi/module.h>
#include <spark/abi/services.h>

namespace spark::registry::detail {

struct loaded_plugin;

/// The initializer types a registry has loaded. Shared by the registry and the hosts of its
/// instances (an instance may outlive its registry); it never keeps a library loaded by itself.
class initializer_catalogue {
public:
    void add(const std::string& canonical_id,
             const spark_module_type_t* type,
             const std::shared_ptr<loaded_plugin>& library);

    /// The service struct handed to plugins; its initialize() finds `catalogue` through the
    /// calling host.
    [[nodiscard]] static const spark_initializer_service_t* service() noexcept;
    /// The same for SPARK_SERVICE_SPARSE_INITIALIZERS (ABI 1.1).
    [[nodiscard]] static const spark_sparse_initializer_service_t* sparse_service() noexcept;

    struct entry {
        const spark_module_type_t* type = nullptr;
        std::weak_ptr<loaded_plugin> library;
    };
    [[nodiscard]] const std::map<std::string, entry, std::less<>>& entries() const noexcept {
        return entries_;
    }

private:
    std::map<std::string, entry, std::less<>> entries_;
};

} // namespace spark::registry::detail
