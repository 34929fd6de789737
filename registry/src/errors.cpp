// SPDX-License-Identifier: Apache-2.0
// The registry's error types and status names.
#include <utility>

#include <spark/abi/status.h>
#include <spark/registry/errors.hpp>

namespace spark::registry {

load_error::load_error(std::filesystem::path file, const std::string& message)
    : spark::error(message), file_(std::move(file)) {}

// `message` carries "<operation> failed (<status name>): <plugin's message>" (see
// detail::make_plugin_error); the prefix names the type and the instance so that a message read
// out of context still says where it came from.
plugin_error::plugin_error(std::int32_t status,
                           std::string type_id,
                           std::string instance_name,
                           const std::string& message)
    : spark::error(type_id + " '" + instance_name + "': " + message), status_(status),
      type_id_(std::move(type_id)), instance_name_(std::move(instance_name)) {}

std::string status_name(std::int32_t status) {
    switch (status) {
    case SPARK_OK:
        return "SPARK_OK";
    case SPARK_ERR_INVALID_ARGUMENT:
        return "SPARK_ERR_INVALID_ARGUMENT";
    case SPARK_ERR_UNSUPPORTED:
        return "SPARK_ERR_UNSUPPORTED";
    case SPARK_ERR_OUT_OF_MEMORY:
        return "SPARK_ERR_OUT_OF_MEMORY";
    case SPARK_ERR_ABI_MISMATCH:
        return "SPARK_ERR_ABI_MISMATCH";
    case SPARK_ERR_PLUGIN:
        return "SPARK_ERR_PLUGIN";
    case SPARK_ERR_STATE:
        return "SPARK_ERR_STATE";
    default:
        return "status " + std::to_string(status);
    }
}

} // namespace spark::registry
