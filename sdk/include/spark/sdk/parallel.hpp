// SPDX-License-Identifier: Apache-2.0
// The host's SPARK_SERVICE_PARALLEL from C++: a module asks once (at create) and then, inside its
// create, build, reset or step, runs chunks of work on the host's workers (an initializer gets
// one for the host of the module that called it). Without the service (an older host, the
// sequential executor, one thread) the chunks run here, in order, with the same results.
#pragma once
#include <cstddef>
#include <cstdint>
#include <type_traits>

#include <spark/abi/host.h>
#include <spark/abi/services.h>

namespace spark::sdk {

class parallel {
public:
    parallel() = default;
    explicit parallel(const spark_host_t* host)
        : service_(host != nullptr && host->get_service != nullptr
                       ? static_cast<const spark_parallel_service_t*>(
                             host->get_service(host, SPARK_SERVICE_PARALLEL))
                       : nullptr) {}

    /// How many chunks can run at once (1 without the service).
    [[nodiscard]] std::uint32_t workers() const noexcept {
        if (service_ == nullptr) {
            return 1;
        }
        const std::uint32_t n = service_->workers(service_);
        return n > 0 ? n : 1;
    }

    /// How many parts to cut `work` into: `per_worker` parts per worker when more than one can
    /// run and the work reaches `worth_splitting` (below it a hand-off costs more than it
    /// spares), else 1. Several parts per worker let the host balance them.
    [[nodiscard]] std::uint32_t parts(std::size_t work,
                                      std::size_t worth_splitting,
                                      std::uint32_t per_worker = 4) const noexcept {
        const std::uint32_t n = workers();
        return n > 1 && work >= worth_splitting ? per_worker * n : 1U;
    }

    /// f(c) for every chunk c in [0, chunks); f must not throw and chunks must write disjoint
    /// memory (SPARK_SERVICE_PARALLEL's rules). Call it only inside the module's create, build,
    /// reset or step, on the thread that called them.
    template <typename F>
    void for_each_chunk(std::uint32_t chunks, F&& f) const noexcept {
        static_assert(std::is_nothrow_invocable_v<F&, std::uint32_t>,
                      "a chunk's work must be noexcept: it runs on the host's threads");
        if (service_ == nullptr || chunks <= 1) {
            for (std::uint32_t c = 0; c < chunks; ++c) {
                f(c);
            }
            return;
        }
        (void)service_->run(service_, chunks, &trampoline<std::remove_reference_t<F>>, &f);
    }

private:
    template <typename F>
    static void SPARK_ABI trampoline(void* context, std::uint32_t chunk) {
        (*static_cast<F*>(context))(chunk);
    }

    const spark_parallel_service_t* service_ = nullptr;
};

} // namespace spark::sdk
