// SPDX-License-Identifier: Apache-2.0
// A host service that a program built on the registry (the runtime) offers to the instances it
// creates, next to the registry's own (spark_host_t.get_service).
#pragma once

namespace spark::registry {

/// get_service(id) returns `table` for `id`.
struct host_service {
    const char* id;    // e.g. SPARK_SERVICE_PARALLEL; a string literal
    const void* table; // the service's struct, as its id defines it
};

} // namespace spark::registry
