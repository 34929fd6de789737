// SPDX-License-Identifier: Apache-2.0
// The runtime's SPARK_SERVICE_PARALLEL (sdk/include/spark/abi/services.h): a module's chunks of
// work run on the brain's flow-graph arena, next to the other modules' nodes, so that one large
// population can use every thread the brain was given. With the sequential executor the chunks
// run in order on the calling thread: "sequential" stays one thread.
#pragma once
#include <cstdint>

#include <oneapi/tbb/task_arena.h>

#include <spark/abi/services.h>

namespace spark::runtime::detail {

class parallel_workers {
public:
    parallel_workers() noexcept;
    parallel_workers(const parallel_workers&) = delete;
    parallel_workers& operator=(const parallel_workers&) = delete;
    ~parallel_workers() = default;

    /// Chunks run in `arena` from now on (nullptr: in order, on the caller's thread).
    void use(oneapi::tbb::task_arena* arena) noexcept;

    /// The service table handed to every instance; lives as long as this object.
    [[nodiscard]] const spark_parallel_service_t* table() const noexcept { return &table_; }

private:
    static std::uint32_t SPARK_ABI workers(const spark_parallel_service_t* self) noexcept;
    static spark_status SPARK_ABI run(const spark_parallel_service_t* self,
                                      std::uint32_t chunks,
                                      void(SPARK_ABI* body)(void* context, std::uint32_t chunk),
                                      void* context) noexcept;

    spark_parallel_service_t table_{};
    oneapi::tbb::task_arena* arena_ = nullptr;
};

} // namespace spark::runtime::detail
