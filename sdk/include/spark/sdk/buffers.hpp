// SPDX-License-Identifier: Apache-2.0
// Typed views of the host's buffers and of port shapes: a C++17 span, element types for the
// SPARK_DTYPE_* codes, shape and spec helpers, and visit_dtype() to run float32 or float64 code
// from the config's dtype.
#pragma once
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include <spark/abi/types.h>
#include <spark/sdk/guard.hpp>

namespace spark::sdk {

/// A borrowed contiguous range (std::span is C++20; the helpers stay C++17).
template <typename T>
class span {
public:
    constexpr span() noexcept = default;
    constexpr span(T* data, std::size_t size) noexcept : data_(data), size_(size) {}
    template <typename U, typename = std::enable_if_t<std::is_convertible_v<U (*)[], T (*)[]>>>
    constexpr span(span<U> other) noexcept : data_(other.data()), size_(other.size()) {}
    template <typename Container,
              typename = decltype(std::declval<Container&>().data()),
              typename = std::enable_if_t<!std::is_same_v<std::decay_t<Container>, span>>>
    constexpr span(Container& c) noexcept : data_(c.data()), size_(c.size()) {} // NOLINT

    [[nodiscard]] constexpr T* data() const noexcept { return data_; }
    [[nodiscard]] constexpr std::size_t size() const noexcept { return size_; }
    [[nodiscard]] constexpr bool empty() const noexcept { return size_ == 0; }
    constexpr T& operator[](std::size_t i) const noexcept { return data_[i]; }
    [[nodiscard]] constexpr T* begin() const noexcept { return data_; }
    [[nodiscard]] constexpr T* end() const noexcept { return data_ + size_; }

private:
    T* data_ = nullptr;
    std::size_t size_ = 0;
};

/// The SPARK_DTYPE_* code of an element type; only the four ABI element types have one.
template <typename T>
inline constexpr std::int32_t dtype_of = 0;
template <>
inline constexpr std::int32_t dtype_of<std::uint8_t> = SPARK_DTYPE_U8;
template <>
inline constexpr std::int32_t dtype_of<std::int32_t> = SPARK_DTYPE_I32;
template <>
inline constexpr std::int32_t dtype_of<float> = SPARK_DTYPE_F32;
template <>
inline constexpr std::int32_t dtype_of<double> = SPARK_DTYPE_F64;

/// "float32", "uint8", ... for messages.
[[nodiscard]] inline std::string dtype_name(std::int32_t dtype) {
    switch (dtype) {
    case SPARK_DTYPE_U8:
        return "uint8";
    case SPARK_DTYPE_I32:
        return "int32";
    case SPARK_DTYPE_F32:
        return "float32";
    case SPARK_DTYPE_F64:
        return "float64";
    default:
        return "dtype " + std::to_string(dtype);
    }
}

/// "spikes", "float", ... for messages.
[[nodiscard]] inline std::string payload_name(std::int32_t payload_kind) {
    switch (payload_kind) {
    case SPARK_PAYLOAD_SPIKES:
        return "spikes";
    case SPARK_PAYLOAD_FLOAT:
        return "float";
    case SPARK_PAYLOAD_INT:
        return "int";
    case SPARK_PAYLOAD_BOOL_MASK:
        return "bool mask";
    case SPARK_PAYLOAD_ANY:
        return "any payload";
    case 0:
        return "nothing (unwired)";
    default:
        return "payload " + std::to_string(payload_kind);
    }
}

/// Calls `fn(float{})` or `fn(double{})` for SPARK_DTYPE_F32 / SPARK_DTYPE_F64, so that one
/// generic lambda serves both float types. Other dtypes throw SPARK_ERR_INVALID_ARGUMENT.
template <typename Fn>
decltype(auto) visit_dtype(std::int32_t dtype, Fn&& fn) {
    if (dtype == SPARK_DTYPE_F64) {
        return std::forward<Fn>(fn)(double{});
    }
    if (dtype != SPARK_DTYPE_F32) {
        throw status_error(SPARK_ERR_INVALID_ARGUMENT,
                           "dtype must be float32 or float64, got " + dtype_name(dtype));
    }
    return std::forward<Fn>(fn)(float{});
}

/// A shape from dims (at most SPARK_MAX_RANK, each in [0, 2^32)); throws
/// SPARK_ERR_INVALID_ARGUMENT.
template <typename Int>
[[nodiscard]] spark_shape_t make_shape(span<const Int> dims) {
    static_assert(std::is_integral_v<Int>, "dims are integers");
    if (dims.size() > SPARK_MAX_RANK) {
        throw status_error(SPARK_ERR_INVALID_ARGUMENT,
                           "shape rank must be <= " + std::to_string(SPARK_MAX_RANK) + ", got " +
                               std::to_string(dims.size()));
    }
    spark_shape_t shape{};
    shape.rank = static_cast<std::uint32_t>(dims.size());
    for (std::size_t i = 0; i < dims.size(); ++i) {
        const auto d = dims[i];
        bool negative = false;
        if constexpr (std::is_signed_v<Int>) {
            negative = d < 0;
        }
        if (negative || static_cast<std::uint64_t>(d) > UINT32_MAX) {
            throw status_error(SPARK_ERR_INVALID_ARGUMENT,
                               "shape dimension " + std::to_string(i) +
                                   " must be in [0, 2^32), got " + std::to_string(d));
        }
        shape.dims[i] = static_cast<std::uint32_t>(d);
    }
    return shape;
}
[[nodiscard]] inline spark_shape_t make_shape(std::initializer_list<std::int64_t> dims) {
    return make_shape(span<const std::int64_t>(dims.begin(), dims.size()));
}

/// The number of elements of a shape (1 for rank 0).
[[nodiscard]] inline std::uint64_t element_count(const spark_shape_t& shape) noexcept {
    std::uint64_t n = 1;
    for (std::uint32_t i = 0; i < shape.rank && i < SPARK_MAX_RANK; ++i) {
        n *= shape.dims[i];
    }
    return n;
}

[[nodiscard]] inline bool same_shape(const spark_shape_t& a, const spark_shape_t& b) noexcept {
    if (a.rank != b.rank || a.rank > SPARK_MAX_RANK) {
        return false;
    }
    for (std::uint32_t i = 0; i < a.rank; ++i) {
        if (a.dims[i] != b.dims[i]) {
            return false;
        }
    }
    return true;
}

/// "(2, 3)" for messages; "()" for a scalar.
[[nodiscard]] inline std::string shape_string(const spark_shape_t& shape) {
    std::string text = "(";
    for (std::uint32_t i = 0; i < shape.rank && i < SPARK_MAX_RANK; ++i) {
        text += (i == 0 ? "" : ", ") + std::to_string(shape.dims[i]);
    }
    return text + ")";
}

[[nodiscard]] inline spark_port_spec_t
make_spec(std::int32_t payload_kind, std::int32_t dtype, const spark_shape_t& shape) noexcept {
    spark_port_spec_t spec{};
    spec.payload_kind = payload_kind;
    spec.dtype = dtype;
    spec.shape = shape;
    return spec;
}

/// The elements of a buffer as T; throws SPARK_ERR_INVALID_ARGUMENT when the buffer holds another
/// element type. `role` and `name` name the buffer in the message ("input port", "in"); the
/// message is only built on failure, so this is cheap enough for step().
template <typename T>
[[nodiscard]] span<T> typed(const spark_buffer_t& buffer, const char* role, const char* name) {
    using element = std::remove_const_t<T>;
    static_assert(dtype_of<element> != 0, "element type must be uint8_t, int32_t, float or double");
    if (buffer.spec.dtype != dtype_of<element>) {
        throw status_error(SPARK_ERR_INVALID_ARGUMENT,
                           std::string(role) + " '" + name + "' holds " +
                               dtype_name(buffer.spec.dtype) + " elements, read as " +
                               dtype_name(dtype_of<element>));
    }
    if (buffer.count > 0 && buffer.data == nullptr) {
        throw status_error(SPARK_ERR_INVALID_ARGUMENT,
                           std::string(role) + " '" + name + "' has " +
                               std::to_string(buffer.count) + " elements but no data");
    }
    return span<T>(static_cast<T*>(buffer.data), static_cast<std::size_t>(buffer.count));
}

} // namespace spark::sdk
