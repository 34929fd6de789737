// SPDX-License-Identifier: Apache-2.0
#include "parallel_workers.hpp"

#include <oneapi/tbb/blocked_range.h>
#include <oneapi/tbb/parallel_for.h>
#include <oneapi/tbb/partitioner.h>

#include <spark/abi/version.h>

#include "brain/happens_before.hpp"

namespace spark::runtime::detail {

namespace {

parallel_workers& owner_of(const spark_parallel_service_t* self) noexcept {
    return *static_cast<parallel_workers*>(self->service_data);
}

} // namespace

parallel_workers::parallel_workers() noexcept {
    table_.abi_version = SPARK_ABI_VERSION_INIT;
    table_.service_data = this;
    table_.workers = &parallel_workers::workers;
    table_.run = &parallel_workers::run;
}

void parallel_workers::use(oneapi::tbb::task_arena* arena) noexcept {
    arena_ = arena;
}

std::uint32_t parallel_workers::workers(const spark_parallel_service_t* self) noexcept {
    const auto* arena = owner_of(self).arena_;
    if (arena == nullptr) {
        return 1;
    }
    const int n = arena->max_concurrency();
    return n > 1 ? static_cast<std::uint32_t>(n) : 1U;
}

spark_status parallel_workers::run(const spark_parallel_service_t* self,
                                   std::uint32_t chunks,
                                   void(SPARK_ABI* body)(void* context, std::uint32_t chunk),
                                   void* context) noexcept {
    auto* arena = owner_of(self).arena_;
    if (arena == nullptr || chunks <= 1 || arena->max_concurrency() <= 1) {
        for (std::uint32_t c = 0; c < chunks; ++c) {
            body(context, c);
        }
        return SPARK_OK;
    }
    // The step already runs in this arena (a flow-graph node), where execute() runs directly;
    // one chunk per task: a chunk is sized by the plugin to be worth a task. The tokens tell
    // ThreadSanitizer parallel_for's edges (brain/happens_before.hpp): this call's start to
    // every chunk, every chunk to its end; chunks stay unordered among themselves.
    const char started = 0;
    const char finished = 0;
    detail::happens_before(&started);
    arena->execute([&] {
        oneapi::tbb::parallel_for(
            oneapi::tbb::blocked_range<std::uint32_t>(0, chunks, 1),
            [&](const oneapi::tbb::blocked_range<std::uint32_t>& range) {
                detail::happens_after(&started);
                for (std::uint32_t c = range.begin(); c != range.end(); ++c) {
                    body(context, c);
                }
                detail::happens_before(&finished);
            },
            oneapi::tbb::simple_partitioner());
    });
    detail::happens_after(&finished);
    return SPARK_OK;
}

} // namespace spark::runtime::detail
