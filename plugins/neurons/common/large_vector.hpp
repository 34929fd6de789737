// SPDX-License-Identifier: Apache-2.0
// Storage for the arrays that grow with the number of synapses (kernels, delays, per-synapse
// traces). From 2 MiB on they are aligned to 2 MiB and offered to the kernel for transparent huge
// pages (madvise(MADV_HUGEPAGE): Linux's default THP mode only backs memory that asks). A 16 M
// synapse kernel then takes 32 page faults instead of 16,384 when it is first written (most of a
// large brain's build time on a virtual machine), and a step's scattered weight columns miss the
// TLB far less. Smaller arrays come from the ordinary heap, 64-byte aligned.
//
// large_vector_for_overwrite leaves new elements unset instead of zeroing them: a kernel that its
// initializer writes whole is then first touched by the initializer's chunks on the brain's
// worker threads, not zeroed page by page on one thread beforehand (on a virtual machine whose
// host has reclaimed the memory, that first touch costs ~1 s per GiB and thread).
#pragma once
#include <cstddef>
#include <cstdlib>
#include <memory>
#include <new>
#include <type_traits>
#include <utility>
#include <vector>

#if defined(__linux__)
#    include <sys/mman.h>
#endif

namespace spark::neurons {

/// What a large_array_allocator's vector does with the elements that resize() or its size
/// constructor adds.
struct value_initialized {}; // zeroes them, as std::vector does
struct left_unset {};        // leaves them unset (trivial types): the owner writes every one

template <typename T, typename NewElements = value_initialized>
class large_array_allocator {
public:
    using value_type = T;

    large_array_allocator() noexcept = default;
    template <typename U>
    explicit large_array_allocator(
        const large_array_allocator<U, NewElements>& /*other*/) noexcept {}

    [[nodiscard]] T* allocate(std::size_t n) {
        if (n > max_elements) {
            throw std::bad_array_new_length();
        }
        const std::size_t bytes = n * sizeof(T);
        const std::size_t alignment = bytes >= huge_page ? huge_page : cache_line;
        // aligned_alloc wants a size that is a multiple of the alignment.
        const std::size_t rounded = (bytes + alignment - 1) / alignment * alignment;
        void* p = std::aligned_alloc(alignment, rounded == 0 ? alignment : rounded);
        if (p == nullptr) {
            throw std::bad_alloc();
        }
#if defined(__linux__) && defined(MADV_HUGEPAGE)
        if (alignment == huge_page) {
            (void)::madvise(p, rounded, MADV_HUGEPAGE); // a hint: failure only costs speed
        }
#endif
        return static_cast<T*>(p);
    }
    void deallocate(T* p, std::size_t /*n*/) noexcept {
        std::free(p);
    }

    /// An added element without a value: default-initialised, which for left_unset leaves a
    /// trivial type unset. Any other construction goes through as given.
    template <typename U, typename... Args>
    void construct(U* p, Args&&... args) {
        if constexpr (sizeof...(Args) == 0 && std::is_same_v<NewElements, left_unset>) {
            static_assert(std::is_trivially_default_constructible_v<U>,
                          "left_unset is for arrays of plain numbers");
            ::new (static_cast<void*>(p)) U;
        } else {
            std::construct_at(p, std::forward<Args>(args)...);
        }
    }

    template <typename U>
    bool operator==(const large_array_allocator<U, NewElements>& /*other*/) const noexcept {
        return true;
    }
    template <typename U>
    bool operator!=(const large_array_allocator<U, NewElements>& /*other*/) const noexcept {
        return false;
    }

private:
    static constexpr std::size_t huge_page = std::size_t{2} << 20U;
    static constexpr std::size_t cache_line = 64;
    static constexpr std::size_t max_elements = (~std::size_t{0} - huge_page) / sizeof(T);
};

/// A std::vector whose storage is large_array_allocator's.
template <typename T>
using large_vector = std::vector<T, large_array_allocator<T>>;

/// The same, for an array its owner writes whole right after sizing it (a kernel filled by its
/// initializer, a transpose's target): sizing it touches no memory.
template <typename T>
using large_vector_for_overwrite = std::vector<T, large_array_allocator<T, left_unset>>;

} // namespace spark::neurons
