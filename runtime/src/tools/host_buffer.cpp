// SPDX-License-Identifier: Apache-2.0
#include "tools/host_buffer.hpp"

#include <algorithm>
#include <cstring>

#include <spark/registry/module_type_info.hpp>

namespace spark::runtime::detail {

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

host_buffer::host_buffer(const spark_port_spec_t& spec, std::size_t spare_bytes)
    : spec_(spec), count_(sdk::element_count(spec.shape)),
      bytes_(static_cast<std::size_t>(count_) * spark_dtype_size(spec.dtype)),
      // Never a zero-sized allocation: every view gets a distinct, aligned, non-null pointer.
      data_(static_cast<std::byte*>(::operator new (
          std::max(bytes_ + spare_bytes, buffer_alignment), std::align_val_t{buffer_alignment}))) {
    std::memset(data_.get(), 0, std::max(bytes_ + spare_bytes, buffer_alignment));
}

spark_buffer_t host_buffer::view() const noexcept {
    spark_buffer_t buffer{};
    buffer.data = data_.get();
    buffer.count = count_;
    buffer.spec = spec_;
    return buffer;
}

} // namespace spark::runtime::detail
