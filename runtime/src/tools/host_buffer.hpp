// SPDX-License-Identifier: Apache-2.0
// Host-owned port buffers and spec helpers (internal): the memory behind the spark_buffer_t views
// a step reads and writes, aligned as the ABI promises.
#pragma once
#include <cstddef>
#include <cstdint>
#include <memory>
#include <new>
#include <string>

#include <spark/abi/types.h>
#include <spark/sdk/buffers.hpp>

namespace spark::runtime::detail {

/// The ABI promises plugins at least this alignment for every buffer.
inline constexpr std::size_t buffer_alignment = 64;

/// "(8)", "(4, 4)", "()".
[[nodiscard]] std::string shape_text(const spark_shape_t& shape);
/// "float float32 (8)".
[[nodiscard]] std::string spec_text(const spark_port_spec_t& spec);

/// A zero-filled buffer for one port spec, with `spare_bytes` more after its bytes() (the
/// brain's output guards in debug builds).
class host_buffer {
public:
    explicit host_buffer(const spark_port_spec_t& spec, std::size_t spare_bytes = 0);

    [[nodiscard]] spark_buffer_t view() const noexcept;
    [[nodiscard]] std::byte* data() const noexcept { return data_.get(); }
    [[nodiscard]] std::size_t bytes() const noexcept { return bytes_; }
    [[nodiscard]] const spark_port_spec_t& spec() const noexcept { return spec_; }
    [[nodiscard]] std::uint64_t count() const noexcept { return count_; }

private:
    struct aligned_delete {
        void operator()(std::byte* p) const noexcept {
            ::operator delete (p, std::align_val_t{buffer_alignment});
        }
    };
    spark_port_spec_t spec_;
    std::uint64_t count_;
    std::size_t bytes_;
    std::unique_ptr<std::byte, aligned_delete> data_;
};

} // namespace spark::runtime::detail
