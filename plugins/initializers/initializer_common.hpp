// SPDX-License-Identifier: Apache-2.0
// What the four initializer types share (docs/models.md section 9, docs/file-format.md section
// 1.8): the base fields scale / min_value / max_value, the clip bounds, and writing a computed
// value into a buffer of any element type the ABI knows.
#pragma once
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <type_traits>

#include <spark/abi/types.h>
#include <spark/sdk/buffers.hpp>
#include <spark/sdk/guard.hpp>
#include <spark/sdk/params.hpp>
#include <spark/sdk/random.hpp>
#include <spark/sdk/schema.hpp>

namespace spark::initializers {

/// Every initializer type declares scale, min_value, max_value first and in this order, so that a
/// module holding only the spark_config_t of an INITIALIZER field (no schema) can force them by
/// index, as upstream's init_kwargs do (delays: scale = B + 1, min_value = 1).
inline constexpr std::uint32_t scale_field = 0;
inline constexpr std::uint32_t min_value_field = 1;
inline constexpr std::uint32_t max_value_field = 2;

/// "No bound". Upstream's default is None, which the ABI cannot carry (a float field always holds
/// a number, and JSON has no infinity): the lowest / highest finite double clip nothing.
inline constexpr double no_min = std::numeric_limits<double>::lowest();
inline constexpr double no_max = std::numeric_limits<double>::max();

inline void declare_base_fields(sdk::schema& s) {
    s.field_float("scale", 1.0)
        .description(
            "multiplies every value (constant: the value itself; uniform: the range [0, scale))");
    s.field_float("min_value", no_min)
        .description("lower clip bound; the default (the lowest finite double) means no bound");
    s.field_float("max_value", no_max)
        .description("upper clip bound; the default (the highest finite double) means no bound");
}

/// scale, min_value, max_value, checked: min_value <= max_value.
struct base_params {
    double scale = 1.0;
    double min_value = no_min;
    double max_value = no_max;

    static base_params from(const sdk::config_view& cfg) {
        base_params p{
            cfg.get<double>("scale"), cfg.get<double>("min_value"), cfg.get<double>("max_value")};
        if (!std::isfinite(p.scale)) {
            throw sdk::status_error(SPARK_ERR_INVALID_ARGUMENT,
                                    "scale must be a finite number, got " +
                                        sdk::detail::json_number_or_inf(p.scale));
        }
        // A NaN bound would make clipping meaningless; an infinite one is just no bound.
        if (std::isnan(p.min_value) || std::isnan(p.max_value) || !(p.min_value <= p.max_value)) {
            throw sdk::status_error(SPARK_ERR_INVALID_ARGUMENT,
                                    "min_value " + sdk::detail::json_number_or_inf(p.min_value) +
                                        " is greater than max_value " +
                                        sdk::detail::json_number_or_inf(p.max_value) +
                                        "; make min_value <= max_value");
        }
        return p;
    }

    [[nodiscard]] double clip(double v) const noexcept {
        return std::clamp(v, min_value, max_value);
    }
};

/// The number written into an element of type E. Integers truncate toward zero like upstream's
/// cast, but saturate at the type's range instead of wrapping (a float-to-int conversion out of
/// range is undefined behaviour in C++ and garbage in XLA); float32 overflows to +-inf.
template <typename E>
[[nodiscard]] E to_element(double v) noexcept {
    if constexpr (std::is_integral_v<E>) {
        constexpr auto lo = static_cast<double>(std::numeric_limits<E>::min());
        constexpr auto hi = static_cast<double>(std::numeric_limits<E>::max());
        return static_cast<E>(std::clamp(std::trunc(v), lo, hi));
    } else if constexpr (std::is_same_v<E, float>) {
        constexpr auto hi = static_cast<double>(std::numeric_limits<float>::max());
        if (v > hi) {
            return std::numeric_limits<float>::infinity();
        }
        if (v < -hi) {
            return -std::numeric_limits<float>::infinity();
        }
        return static_cast<float>(v);
    } else {
        return v;
    }
}

/// The elements of `out` as E (checked against its dtype, its shape and its data pointer).
template <typename E>
[[nodiscard]] sdk::span<E> elements(const spark_buffer_t& out) {
    if (out.spec.shape.rank > SPARK_MAX_RANK || out.count != sdk::element_count(out.spec.shape)) {
        throw sdk::status_error(SPARK_ERR_INVALID_ARGUMENT,
                                "output buffer has " + std::to_string(out.count) +
                                    " elements but its shape " + sdk::shape_string(out.spec.shape) +
                                    " has " + std::to_string(sdk::element_count(out.spec.shape)) +
                                    "; give count = the product of the dims");
    }
    return sdk::typed<E>(out, "output buffer", "out");
}

/// Calls fn(E{}) with the element type of `dtype`: uint8, int32, float or double.
template <typename Fn>
void visit_element_type(std::int32_t dtype, Fn&& fn) {
    switch (dtype) {
    case SPARK_DTYPE_U8:
        fn(std::uint8_t{});
        break;
    case SPARK_DTYPE_I32:
        fn(std::int32_t{});
        break;
    case SPARK_DTYPE_F32:
        fn(float{});
        break;
    case SPARK_DTYPE_F64:
        fn(double{});
        break;
    default:
        throw sdk::status_error(SPARK_ERR_INVALID_ARGUMENT,
                                "output buffer has " + sdk::dtype_name(dtype) +
                                    " elements; use uint8, int32, float32 or float64");
    }
}

/// scale * U with U uniform in [0, 1), in the arithmetic of the element type: float32 buffers get
/// a float32 uniform (24 random bits) times float32(scale) as upstream computes it, which also
/// keeps the result below scale; float64 and integer buffers get 53 random bits in double.
/// Element k draws counter k, so any element can be filled first (and in parallel).
template <typename E>
[[nodiscard]] double scaled_uniform(double scale, const sdk::counter_stream& rng, std::size_t k) {
    if constexpr (std::is_same_v<E, float>) {
        const float u = static_cast<float>(rng.bits(k) >> 40U) * 0x1.0p-24F;
        return static_cast<double>(to_element<float>(scale) * u);
    } else {
        return scale * rng.uniform(k);
    }
}

/// Random streams of one initializer call: values and the sparsity mask are drawn from separate
/// streams, so an entry's value does not depend on the density and raising the density only adds
/// entries.
inline constexpr std::uint64_t value_stream = 0;
inline constexpr std::uint64_t mask_stream = 1;

} // namespace spark::initializers
