// SPDX-License-Identifier: Apache-2.0
// What the four initializer types share (docs/models.md section 9, docs/file-format.md section
// 1.8): the base fields scale / min_value / max_value, the clip bounds, writing a computed value
// into a buffer of any element type the ABI knows, the kept elements of the sparse types, and
// handing rows of non-zeros to a row sink (SPARK_EXT_SPARSE_INITIALIZER).
#pragma once
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <type_traits>
#include <vector>

#include <spark/abi/types.h>
#include <spark/sdk/buffers.hpp>
#include <spark/sdk/guard.hpp>
#include <spark/sdk/parallel.hpp>
#include <spark/sdk/params.hpp>
#include <spark/sdk/random.hpp>
#include <spark/sdk/row_sink.hpp>
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

/// Calls fill(begin, end) over [0, count) in parts. From 2^20 elements on (a dense kernel: a
/// 4,000-neuron layer has 2^24) the parts run on the caller's workers, so that the draws and the
/// first touch of the array's pages share the brain's threads. Every element is a function of
/// its index alone (counter-based draws), so the parts change no bit. `grain` (a power of two)
/// keeps part bounds on whole lines or cache lines.
template <typename Fill>
void fill_in_parts(const sdk::parallel& parallel,
                   std::uint64_t count,
                   std::uint64_t elements_per_unit,
                   std::uint64_t grain,
                   Fill&& fill) noexcept {
    constexpr std::uint64_t parallel_elements = std::uint64_t{1} << 20U;
    const std::uint32_t parts = parallel.parts(count * elements_per_unit, parallel_elements);
    parallel.for_each_chunk(parts, [&](std::uint32_t c) noexcept {
        const auto bound = [&](std::uint64_t part) {
            return part == parts ? count : count / parts * part / grain * grain;
        };
        fill(bound(c), bound(c + 1U));
    });
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

/// Element k of uniform_initializer (and a kept element k of sparse_uniform_initializer):
/// clip(scale * U_k) as an E.
template <typename E>
[[nodiscard]] E
uniform_value(const base_params& p, const sdk::counter_stream& values, std::uint64_t k) {
    return to_element<E>(p.clip(scaled_uniform<E>(p.scale, values, k)));
}

/// Random streams of one initializer call: values and the kept elements are drawn from separate
/// streams, so a kept entry's value does not depend on the density.
inline constexpr std::uint64_t value_stream = 0;
inline constexpr std::uint64_t mask_stream = 1;

/// Which elements a sparse initializer keeps (docs/models.md section 9). The array is cut into
/// lines along its last axis, line l holding elements [l L, (l + 1) L). In each line the kept
/// positions p_0 < p_1 < ... follow from geometric gaps: p_j = p_{j-1} + 1 + G_j with p_{-1} = -1
/// and G_j = floor(log(U_j) / log(1 - density)), U_j = 1 - u in (0, 1], u = counter
/// (l << 32) | j of the mask stream. That is a Bernoulli(density) process: every element is kept
/// independently with probability density, as one draw per element would keep it, but a line
/// costs one draw per kept element, so the rows of a kernel at a fixed in-degree come at a cost
/// per non-zero. The counter holds l and j in 32 bits each: j < L < 2^32 (a dimension) always,
/// lines < 2^32 is checked.
class kept_process {
public:
    kept_process(std::uint64_t seed, double density, const spark_shape_t& shape, const char* type)
        : mask_(seed, mask_stream), density_(density), log_skip_(std::log1p(-density)),
          length_(shape.rank == 0 ? 1 : shape.dims[shape.rank - 1]),
          lines_(length_ == 0 ? 0 : sdk::element_count(shape) / length_) {
        if (lines_ > (std::uint64_t{1} << 32U)) {
            throw sdk::status_error(SPARK_ERR_INVALID_ARGUMENT,
                                    std::string(type) +
                                        " draws its kept elements per line along "
                                        "the last axis, at most 2^32 lines; shape " +
                                        sdk::shape_string(shape) + " has " +
                                        std::to_string(lines_));
        }
    }

    [[nodiscard]] std::uint64_t line_length() const noexcept { return length_; }
    [[nodiscard]] std::uint64_t line_count() const noexcept { return lines_; }
    /// The lines in a row of `row_length` elements (a multiple of the line length).
    [[nodiscard]] std::uint64_t lines_per_row(std::uint64_t row_length) const noexcept {
        return length_ == 0 ? 0 : row_length / length_;
    }

    /// The position of kept element j of `line`, given `from` = p_{j-1} + 1; line_length() when
    /// the line holds no more.
    [[nodiscard]] std::uint64_t
    position(std::uint64_t line, std::uint64_t j, std::uint64_t from) const noexcept {
        // The ends draw nothing: log1p(-1) is -inf and log(1) / 0 is NaN.
        if (density_ <= 0.0) {
            return length_;
        }
        if (density_ >= 1.0) {
            return from;
        }
        const double u = mask_.uniform((line << 32U) | j);
        const double gap = std::floor(std::log(1.0 - u) / log_skip_);
        // The gap is compared as a double: at a small density it can exceed any integer (or be
        // inf), and converting such a double to an integer is undefined.
        if (gap >= static_cast<double>(length_ - from)) {
            return length_;
        }
        return from + static_cast<std::uint64_t>(gap);
    }

private:
    sdk::counter_stream mask_;
    double density_;
    double log_skip_; // log(1 - density): the log of the probability to skip an element
    std::uint64_t length_;
    std::uint64_t lines_;
};

/// The kept elements of one line, in ascending order:
/// `for (kept_walk w(kept, line); !w.done(); w.next()) { use(w.index()); }`.
class kept_walk {
public:
    kept_walk(const kept_process& process, std::uint64_t line) noexcept
        : process_(&process), line_(line), position_(process.position(line, 0, 0)) {}

    [[nodiscard]] bool done() const noexcept { return position_ >= process_->line_length(); }
    [[nodiscard]] std::uint64_t line() const noexcept { return line_; }
    /// The current kept element's position in its line; line_length() once done.
    [[nodiscard]] std::uint64_t position() const noexcept { return position_; }
    /// The first position after the previous kept element: from here on the walk still knows
    /// which positions are kept (the ones before are behind it).
    [[nodiscard]] std::uint64_t from() const noexcept { return from_; }
    /// The current kept element's row-major index in the array.
    [[nodiscard]] std::uint64_t index() const noexcept {
        return line_ * process_->line_length() + position_;
    }
    void next() noexcept {
        from_ = position_ + 1;
        position_ = process_->position(line_, ++drawn_, from_);
    }

private:
    const kept_process* process_;
    std::uint64_t line_;
    std::uint64_t drawn_ = 0; // j of the current kept element
    std::uint64_t from_ = 0;
    std::uint64_t position_;
};

/// Gathers one row's non-zero elements for a row sink: the kept elements, given in ascending
/// columns, and the `background` value initialize() writes everywhere else when that value is
/// itself non-zero (a clip bound above or below 0 lifts the zeros: the row is then whole). Only
/// elements that are non-zero as an E are handed over, so a row holds exactly initialize()'s
/// non-zeros. The buffers are kept from row to row.
template <typename E>
class row_writer {
public:
    row_writer(sdk::row_sink& sink, std::uint64_t row_length, E background)
        : sink_(sink), length_(row_length), background_(background) {}

    void kept(std::uint64_t column, E value) {
        fill_background(column);
        add(column, value);
        next_ = column + 1;
    }

    /// Hands the row over as row `row` and starts the next one.
    void finish(std::uint64_t row) {
        fill_background(length_);
        sink_.row(row, columns_.data(), values_.data(), columns_.size());
        columns_.clear();
        values_.clear();
        next_ = 0;
    }

private:
    void fill_background(std::uint64_t end) {
        if (background_ != E(0)) {
            for (std::uint64_t c = next_; c < end; ++c) {
                add(c, background_);
            }
        }
    }
    void add(std::uint64_t column, E value) {
        if (value != E(0)) {
            columns_.push_back(column);
            values_.push_back(value);
        }
    }

    sdk::row_sink& sink_;
    std::uint64_t length_;
    E background_;
    std::uint64_t next_ = 0; // the first column not handled yet
    std::vector<std::uint64_t> columns_;
    std::vector<E> values_;
};

} // namespace spark::initializers
