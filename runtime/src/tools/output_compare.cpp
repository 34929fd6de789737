// SPDX-License-Identifier: Apache-2.0
#include "tools/output_compare.hpp"

#include <cmath>
#include <cstring>
#include <vector>

#include <spark/sdk/buffers.hpp>

#include "text.hpp"

namespace spark::runtime::detail {

namespace {

bool is_float(std::int32_t dtype) {
    return dtype == SPARK_DTYPE_F32 || dtype == SPARK_DTYPE_F64;
}

/// A value as the report prints it: floats as numbers, others as integers.
std::string value_text(double value, std::int32_t dtype) {
    if (is_float(dtype)) {
        return format_number(value);
    }
    return std::to_string(static_cast<long long>(value));
}

} // namespace

std::string index_text(const spark_shape_t& shape, std::uint64_t index) {
    std::vector<std::uint64_t> position(shape.rank, 0);
    for (std::uint32_t d = shape.rank; d-- > 0;) {
        const std::uint64_t size = shape.dims[d] == 0 ? 1 : shape.dims[d];
        position[d] = index % size;
        index /= size;
    }
    std::string text = "[";
    for (std::size_t d = 0; d < position.size(); ++d) {
        text += (d > 0 ? ", " : "") + std::to_string(position[d]);
    }
    return text + "]";
}

double element_value(const std::byte* data, std::int32_t dtype, std::uint64_t index) {
    switch (dtype) {
    case SPARK_DTYPE_U8:
        return static_cast<double>(std::to_integer<unsigned>(data[index]));
    case SPARK_DTYPE_I32: {
        std::int32_t x = 0;
        std::memcpy(&x, data + index * sizeof x, sizeof x);
        return static_cast<double>(x);
    }
    case SPARK_DTYPE_F32: {
        float x = 0;
        std::memcpy(&x, data + index * sizeof x, sizeof x);
        return static_cast<double>(x);
    }
    case SPARK_DTYPE_F64: {
        double x = 0;
        std::memcpy(&x, data + index * sizeof x, sizeof x);
        return x;
    }
    default:
        return 0;
    }
}

std::optional<std::string> first_difference(const std::byte* got,
                                            std::int32_t got_dtype,
                                            const std::byte* expected,
                                            std::int32_t expected_dtype,
                                            const spark_shape_t& shape,
                                            const comparison& how) {
    const bool floats = is_float(got_dtype) || is_float(expected_dtype);
    const std::uint64_t count = sdk::element_count(shape);
    for (std::uint64_t k = 0; k < count; ++k) {
        const double a = element_value(got, got_dtype, k);
        const double b = element_value(expected, expected_dtype, k);
        bool same = false;
        if (floats) {
            same = (std::isnan(a) && std::isnan(b)) ||
                   std::fabs(a - b) <= how.floats.atol + how.floats.rtol * std::fabs(b);
        } else if (how.spike_bit0_only) {
            same = (static_cast<unsigned>(a) & 1U) == (static_cast<unsigned>(b) & 1U);
        } else {
            same = a == b;
        }
        if (!same) {
            return index_text(shape, k) + ": got " + value_text(a, got_dtype) + ", expected " +
                   value_text(b, expected_dtype);
        }
    }
    return std::nullopt;
}

std::string tolerance_text(const float_tolerance& tolerance) {
    return "rtol " + format_number(tolerance.rtol) + ", atol " + format_number(tolerance.atol);
}

} // namespace spark::runtime::detail
