// SPDX-License-Identifier: Apache-2.0
// The four initializer types of upstream (docs/models.md section 9): constant, uniform,
// sparse uniform and normalised sparse uniform. Each fills the caller's buffer (its spec gives
// shape and element type; the config's own dtype is not used) and is deterministic in
// (seed, shape): element k draws counter k of sdk::counter_stream(seed, ...), never a global
// generator, so the order of filling does not matter.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include <spark/abi/module.h>
#include <spark/sdk/buffers.hpp>
#include <spark/sdk/guard.hpp>
#include <spark/sdk/params.hpp>
#include <spark/sdk/random.hpp>
#include <spark/sdk/schema.hpp>

#include "initializer_common.hpp"

namespace spark::initializers {

/// `scale` everywhere, clipped to [min_value, max_value].
struct constant_initializer {
    static constexpr const char* class_ref = "constant_initializer";
    static constexpr std::int32_t kind = SPARK_KIND_INITIALIZER;
    static constexpr const char* version = "1.0.0";
    static constexpr const char* description =
        "scale everywhere, clipped to [min_value, max_value]";

    static void declare(sdk::schema& s) { declare_base_fields(s); }

    static void initialize(const sdk::config_view& cfg, const spark_buffer_t& out) {
        const auto p = base_params::from(cfg);
        visit_element_type(out.spec.dtype, [&](auto tag) {
            using E = decltype(tag);
            const E value = to_element<E>(p.clip(p.scale));
            for (E& x : elements<E>(out)) {
                x = value;
            }
        });
    }
};

/// scale * U[0, 1), clipped to [min_value, max_value].
struct uniform_initializer {
    static constexpr const char* class_ref = "uniform_initializer";
    static constexpr std::int32_t kind = SPARK_KIND_INITIALIZER;
    static constexpr const char* version = "1.1.0";
    static constexpr const char* description =
        "scale times a uniform draw from [0, 1), clipped to [min_value, max_value]";

    static void declare(sdk::schema& s) { declare_base_fields(s); }

    static void initialize(const sdk::config_view& cfg, const spark_buffer_t& out) {
        const auto p = base_params::from(cfg);
        const sdk::counter_stream values(cfg.seed(), value_stream);
        visit_element_type(out.spec.dtype, [&](auto tag) {
            using E = decltype(tag);
            const auto data = elements<E>(out);
            for (std::size_t k = 0; k < data.size(); ++k) {
                data[k] = to_element<E>(p.clip(scaled_uniform<E>(p.scale, values, k)));
            }
        });
    }
};

inline void declare_density(sdk::schema& s) {
    s.field_float("density", 0.2)
        .range(0.0, 1.0)
        .description("probability that an entry is kept (non-zero before clipping)");
}

/// The density, checked again here: a module may hand over a copied config with a changed value.
inline double density_of(const sdk::config_view& cfg) {
    const double density = cfg.get<double>("density");
    if (!(density >= 0.0 && density <= 1.0)) {
        throw sdk::status_error(SPARK_ERR_INVALID_ARGUMENT,
                                "density must be in [0, 1], got " +
                                    sdk::detail::json_number_or_inf(density));
    }
    return density;
}

/// Keeps each entry of scale * U[0, 1) with probability `density`, zeros elsewhere, then clips
/// (so zeros stay zero unless min_value lifts them).
struct sparse_uniform_initializer {
    static constexpr const char* class_ref = "sparse_uniform_initializer";
    static constexpr std::int32_t kind = SPARK_KIND_INITIALIZER;
    static constexpr const char* version = "1.1.0";
    static constexpr const char* description =
        "scale times U[0, 1) kept with probability density, zero elsewhere, then clipped";

    static void declare(sdk::schema& s) {
        declare_base_fields(s);
        declare_density(s);
    }

    static void initialize(const sdk::config_view& cfg, const spark_buffer_t& out) {
        const auto p = base_params::from(cfg);
        const double density = density_of(cfg);
        const sdk::counter_stream values(cfg.seed(), value_stream);
        const sdk::counter_stream mask(cfg.seed(), mask_stream);
        visit_element_type(out.spec.dtype, [&](auto tag) {
            using E = decltype(tag);
            const auto data = elements<E>(out);
            for (std::size_t k = 0; k < data.size(); ++k) {
                const bool kept = mask.uniform(k) < density;
                data[k] = to_element<E>(p.clip(kept ? scaled_uniform<E>(p.scale, values, k) : 0.0));
            }
        });
    }
};

/// Which axes a normalised kernel keeps: every element's group is its index along `norm_axes`;
/// the sum runs over all the other axes.
class axis_groups {
public:
    axis_groups(const spark_shape_t& shape, sdk::span<const std::int64_t> norm_axes) {
        const auto rank = static_cast<std::int64_t>(shape.rank);
        std::vector<bool> kept(shape.rank, false);
        for (const std::int64_t given : norm_axes) {
            // Negative axes count from the end, as numpy's do.
            const std::int64_t axis = given < 0 ? given + rank : given;
            if (axis < 0 || axis >= rank) {
                throw sdk::status_error(
                    SPARK_ERR_INVALID_ARGUMENT,
                    "norm_axes entry " + std::to_string(given) + " is out of range for shape " +
                        sdk::shape_string(shape) + "; use axes in [" + std::to_string(-rank) +
                        ", " + std::to_string(rank) + ")");
            }
            const auto index = static_cast<std::size_t>(axis);
            if (kept[index]) {
                throw sdk::status_error(SPARK_ERR_INVALID_ARGUMENT,
                                        "norm_axes names axis " + std::to_string(axis) +
                                            " twice; list each axis once");
            }
            kept[index] = true;
        }
        // Row-major: walk the dims from the last; a kept axis contributes to the group index.
        std::uint64_t group_stride = 1;
        std::uint64_t element_stride = 1;
        axes_.resize(shape.rank);
        for (std::uint32_t i = shape.rank; i-- > 0;) {
            axes_[i] = {shape.dims[i], element_stride, kept[i] ? group_stride : 0};
            element_stride *= shape.dims[i];
            if (kept[i]) {
                group_stride *= shape.dims[i];
            }
        }
        group_count_ = group_stride;
    }

    [[nodiscard]] std::uint64_t group_count() const noexcept { return group_count_; }

    /// The group of the element at row-major position `index`.
    [[nodiscard]] std::uint64_t group_of(std::uint64_t index) const noexcept {
        std::uint64_t group = 0;
        for (const auto& a : axes_) {
            group += (index / a.element_stride % a.dim) * a.group_stride;
        }
        return group;
    }

private:
    struct axis_step {
        std::uint64_t dim;
        std::uint64_t element_stride;
        std::uint64_t group_stride; // 0 for an axis that is summed over
    };
    std::vector<axis_step> axes_;
    std::uint64_t group_count_ = 1;
};

/// Sparse uniform without scale, divided by its sum over every axis not in `norm_axes` (a sum
/// of zero leaves the entries as they are), then scale times that, clipped. A synapse kernel
/// (post..., pre...) with norm_axes = the post axes gets incoming weights summing to scale.
struct normalized_sparse_uniform_initializer {
    static constexpr const char* class_ref = "normalized_sparse_uniform_initializer";
    static constexpr std::int32_t kind = SPARK_KIND_INITIALIZER;
    static constexpr const char* version = "1.1.0";
    static constexpr const char* description =
        "sparse uniform normalised to sum to scale over every axis not in norm_axes, then clipped";

    static void declare(sdk::schema& s) {
        declare_base_fields(s);
        declare_density(s);
        s.field_int_array("norm_axes", {0})
            .description(
                "axes kept apart: the entries sharing an index along them sum to scale (negative "
                "axes count from the end; [] normalises the whole array)");
    }

    static void initialize(const sdk::config_view& cfg, const spark_buffer_t& out) {
        const auto p = base_params::from(cfg);
        const double density = density_of(cfg);
        if (out.spec.shape.rank < 2 || out.spec.shape.rank > SPARK_MAX_RANK) {
            throw sdk::status_error(SPARK_ERR_INVALID_ARGUMENT,
                                    std::string(class_ref) + " needs a shape of rank >= 2, got " +
                                        sdk::shape_string(out.spec.shape));
        }
        if (out.spec.dtype != SPARK_DTYPE_F32 && out.spec.dtype != SPARK_DTYPE_F64) {
            throw sdk::status_error(SPARK_ERR_INVALID_ARGUMENT,
                                    std::string(class_ref) +
                                        " fills float32 or float64 buffers only, got " +
                                        sdk::dtype_name(out.spec.dtype));
        }
        const axis_groups groups(out.spec.shape, cfg.ints("norm_axes"));
        const sdk::counter_stream values(cfg.seed(), value_stream);
        const sdk::counter_stream mask(cfg.seed(), mask_stream);
        visit_element_type(out.spec.dtype, [&](auto tag) {
            using E = decltype(tag);
            const auto data = elements<E>(out);
            std::vector<double> drawn(data.size());
            std::vector<double> sums(static_cast<std::size_t>(groups.group_count()), 0.0);
            for (std::size_t i = 0; i < data.size(); ++i) {
                drawn[i] = mask.uniform(i) < density ? scaled_uniform<E>(1.0, values, i) : 0.0;
                sums[static_cast<std::size_t>(groups.group_of(i))] += drawn[i];
            }
            for (std::size_t i = 0; i < data.size(); ++i) {
                const double sum = sums[static_cast<std::size_t>(groups.group_of(i))];
                const double normalised = sum != 0.0 ? drawn[i] / sum : drawn[i];
                data[i] = to_element<E>(p.clip(p.scale * normalised));
            }
        });
    }
};

} // namespace spark::initializers
