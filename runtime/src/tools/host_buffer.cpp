// SPDX-License-Identifier: Apache-2.0
#include "tools/host_buffer.hpp"

#include <algorithm>
#include <cstring>

#include <spark/registry/module_type_info.hpp>

namespace spark::runtime::detail {

std::size_t dtype_size(std::int32_t dtype) noexcept {
    switch (dtype) {
    case SPARK_DTYPE_U8:
        return 1;
    case SPARK_DTYPE_I32:
    case SPARK_DTYPE_F32:
        return 4;
    case SPARK_DTYPE_F64:
        return 8;
    default:
        return 0;
    }
}

std::uint64_t element_count(const spark_shape_t& shape) noexcept {
    std::uint64_t count = 1;
    for (std::uint32_t i = 0; i < shape.rank && i < SPARK_MAX_RANK; ++i) {
        count *= shape.dims[i];
    }
    return count;
}

std::string shape_text(const spark_shape_t& shape) {
    std::string text = "(";
    for (std::uint32_t i = 0; i < shape.rank && i < SPARK_MAX_RANK; ++i) {
        text += (i > 0 ? ", " : "") + std::to_string(shape.dims[i]);
    }
    return text + ")";
}

std::string spec_text(const spark_port_spec_t& spec) {
    return std::string(registry::payload_kind_name(spec.payload_kind)) + " " +
           std::string(registry::dtype_name(spec.dtype)) + " " + shape_text(spec.shape);
}

bool same_shape(const spark_shape_t& a, const spark_shape_t& b) noexcept {
    if (a.rank != b.rank || a.rank > SPARK_MAX_RANK) {
        return false;
    }
    return std::equal(a.dims, a.dims + a.rank, b.dims);
}

host_buffer::host_buffer(const spark_port_spec_t& spec)
    : spec_(spec), count_(element_count(spec.shape)),
      bytes_(static_cast<std::size_t>(count_) * dtype_size(spec.dtype)),
      // Never a zero-sized allocation: every view gets a distinct, aligned, non-null pointer.
      data_(static_cast<std::byte*>(::operator new (std::max(bytes_, buffer_alignment),
                                                    std::align_val_t{buffer_alignment}))) {
    std::memset(data_.get(), 0, std::max(bytes_, buffer_alignment));
}

spark_buffer_t host_buffer::view() const noexcept {
    spark_buffer_t buffer{};
    buffer.data = data_.get();
    buffer.count = count_;
    buffer.spec = spec_;
    return buffer;
}

} // namespace spark::runtime::detail
