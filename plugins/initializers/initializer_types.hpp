// SPDX-License-Identifier: Apache-2.0
// The four initializer types of upstream (docs/models.md section 9): constant, uniform,
// sparse uniform and normalised sparse uniform. Each fills the caller's buffer (its spec gives
// shape and element type; the config's own dtype is not used) and is deterministic in
// (seed, shape): element k draws counter k of sdk::counter_stream(seed, ...), never a global
// generator, so the order of filling does not matter. Each also gives its non-zeros row by row
// and single elements by index (SPARK_EXT_SPARSE_INITIALIZER: density, fill_rows, values_at),
// computed the way initialize() computes them, so that both agree bit for bit.
#pragma once
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>
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
    static constexpr const char* version = "1.1.0";
    static constexpr const char* description =
        "scale everywhere, clipped to [min_value, max_value]";

    static void declare(sdk::schema& s) { declare_base_fields(s); }

    static void initialize(const sdk::config_view& cfg,
                           const spark_buffer_t& out,
                           const sdk::parallel& parallel) {
        const auto p = base_params::from(cfg);
        visit_element_type(out.spec.dtype, [&](auto tag) {
            using E = decltype(tag);
            const auto data = elements<E>(out);
            const E value = to_element<E>(p.clip(p.scale));
            fill_in_parts(parallel, data.size(), 1, 64, [&](std::uint64_t b, std::uint64_t e) {
                std::fill(data.data() + b, data.data() + e, value);
            });
        });
    }

    /// All or nothing. Without an element type this judges the value as a double: an integer
    /// buffer may truncate it to 0, and a caller then merely keeps an empty array sparse or not.
    static double density(const sdk::config_view& cfg) {
        const auto p = base_params::from(cfg);
        return p.clip(p.scale) != 0.0 ? 1.0 : 0.0;
    }

    static void fill_rows(const sdk::config_view& cfg,
                          const spark_port_spec_t& spec,
                          std::uint64_t row_length,
                          std::uint64_t row_begin,
                          std::uint64_t row_end,
                          sdk::row_sink& sink) {
        const auto p = base_params::from(cfg);
        visit_element_type(spec.dtype, [&](auto tag) {
            using E = decltype(tag);
            // Nothing is kept: every element is the background, whole rows or empty ones.
            row_writer<E> row(sink, row_length, to_element<E>(p.clip(p.scale)));
            for (std::uint64_t r = row_begin; r < row_end; ++r) {
                row.finish(r);
            }
        });
    }

    static void values_at(const sdk::config_view& cfg,
                          const spark_port_spec_t& spec,
                          sdk::span<const std::uint64_t> indices,
                          void* out) {
        const auto p = base_params::from(cfg);
        visit_element_type(spec.dtype, [&](auto tag) {
            using E = decltype(tag);
            std::fill_n(static_cast<E*>(out), indices.size(), to_element<E>(p.clip(p.scale)));
        });
    }
};

/// scale * U[0, 1), clipped to [min_value, max_value].
struct uniform_initializer {
    static constexpr const char* class_ref = "uniform_initializer";
    static constexpr std::int32_t kind = SPARK_KIND_INITIALIZER;
    static constexpr const char* version = "1.2.0";
    static constexpr const char* description =
        "scale times a uniform draw from [0, 1), clipped to [min_value, max_value]";

    static void declare(sdk::schema& s) { declare_base_fields(s); }

    static void initialize(const sdk::config_view& cfg,
                           const spark_buffer_t& out,
                           const sdk::parallel& parallel) {
        const auto p = base_params::from(cfg);
        const sdk::counter_stream values(cfg.seed(), value_stream);
        visit_element_type(out.spec.dtype, [&](auto tag) {
            using E = decltype(tag);
            const auto data = elements<E>(out);
            fill_in_parts(parallel, data.size(), 1, 64, [&](std::uint64_t b, std::uint64_t e) {
                for (std::uint64_t k = b; k < e; ++k) {
                    data[k] = uniform_value<E>(p, values, k);
                }
            });
        });
    }

    /// Dense: a draw is zero only by chance (or by truncation to an integer).
    static double density(const sdk::config_view& cfg) {
        (void)base_params::from(cfg); // the same checks as initialize()
        return 1.0;
    }

    static void fill_rows(const sdk::config_view& cfg,
                          const spark_port_spec_t& spec,
                          std::uint64_t row_length,
                          std::uint64_t row_begin,
                          std::uint64_t row_end,
                          sdk::row_sink& sink) {
        const auto p = base_params::from(cfg);
        const sdk::counter_stream values(cfg.seed(), value_stream);
        visit_element_type(spec.dtype, [&](auto tag) {
            using E = decltype(tag);
            row_writer<E> row(sink, row_length, E(0)); // every element is kept
            for (std::uint64_t r = row_begin; r < row_end; ++r) {
                for (std::uint64_t c = 0; c < row_length; ++c) {
                    row.kept(c, uniform_value<E>(p, values, r * row_length + c));
                }
                row.finish(r);
            }
        });
    }

    static void values_at(const sdk::config_view& cfg,
                          const spark_port_spec_t& spec,
                          sdk::span<const std::uint64_t> indices,
                          void* out) {
        const auto p = base_params::from(cfg);
        const sdk::counter_stream values(cfg.seed(), value_stream);
        visit_element_type(spec.dtype, [&](auto tag) {
            using E = decltype(tag);
            auto* const at = static_cast<E*>(out);
            for (std::size_t i = 0; i < indices.size(); ++i) {
                at[i] = uniform_value<E>(p, values, indices[i]);
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

/// The expected share of non-zero elements of the two sparse types: `density`, or every element
/// when a clip bound lifts the zeros.
inline double kept_share(const sdk::config_view& cfg) {
    const auto p = base_params::from(cfg);
    const double density = density_of(cfg);
    return p.clip(0.0) != 0.0 ? 1.0 : density;
}

/// Keeps each entry of scale * U[0, 1) with probability `density` (kept_process: geometric gaps
/// along the last axis), zeros elsewhere, then clips (so zeros stay zero unless min_value lifts
/// them).
struct sparse_uniform_initializer {
    static constexpr const char* class_ref = "sparse_uniform_initializer";
    static constexpr std::int32_t kind = SPARK_KIND_INITIALIZER;
    static constexpr const char* version = "1.2.0";
    static constexpr const char* description =
        "scale times U[0, 1) kept with probability density, zero elsewhere, then clipped";

    static void declare(sdk::schema& s) {
        declare_base_fields(s);
        declare_density(s);
    }

    static void initialize(const sdk::config_view& cfg,
                           const spark_buffer_t& out,
                           const sdk::parallel& parallel) {
        const auto p = base_params::from(cfg);
        const kept_process kept(cfg.seed(), density_of(cfg), out.spec.shape, class_ref);
        const sdk::counter_stream values(cfg.seed(), value_stream);
        visit_element_type(out.spec.dtype, [&](auto tag) {
            using E = decltype(tag);
            const auto data = elements<E>(out);
            const E background = to_element<E>(p.clip(0.0));
            const std::uint64_t length = kept.line_length();
            fill_in_parts(parallel,
                          kept.line_count(),
                          length,
                          1,
                          [&](std::uint64_t first, std::uint64_t last) {
                              std::fill(data.data() + first * length,
                                        data.data() + last * length,
                                        background);
                              for (std::uint64_t line = first; line < last; ++line) {
                                  for (kept_walk w(kept, line); !w.done(); w.next()) {
                                      data[w.index()] = uniform_value<E>(p, values, w.index());
                                  }
                              }
                          });
        });
    }

    static double density(const sdk::config_view& cfg) { return kept_share(cfg); }

    static void fill_rows(const sdk::config_view& cfg,
                          const spark_port_spec_t& spec,
                          std::uint64_t row_length,
                          std::uint64_t row_begin,
                          std::uint64_t row_end,
                          sdk::row_sink& sink) {
        const auto p = base_params::from(cfg);
        const kept_process kept(cfg.seed(), density_of(cfg), spec.shape, class_ref);
        const sdk::counter_stream values(cfg.seed(), value_stream);
        const std::uint64_t lines = kept.lines_per_row(row_length);
        visit_element_type(spec.dtype, [&](auto tag) {
            using E = decltype(tag);
            row_writer<E> row(sink, row_length, to_element<E>(p.clip(0.0)));
            for (std::uint64_t r = row_begin; r < row_end; ++r) {
                for (std::uint64_t line = r * lines; line < (r + 1) * lines; ++line) {
                    for (kept_walk w(kept, line); !w.done(); w.next()) {
                        row.kept(w.index() - r * row_length,
                                 uniform_value<E>(p, values, w.index()));
                    }
                }
                row.finish(r);
            }
        });
    }

    /// Walks each index's line up to it; a later index further along the same line goes on with
    /// the same walk, so sorted indices cost one draw per kept element of the lines touched.
    static void values_at(const sdk::config_view& cfg,
                          const spark_port_spec_t& spec,
                          sdk::span<const std::uint64_t> indices,
                          void* out) {
        const auto p = base_params::from(cfg);
        const kept_process kept(cfg.seed(), density_of(cfg), spec.shape, class_ref);
        const sdk::counter_stream values(cfg.seed(), value_stream);
        visit_element_type(spec.dtype, [&](auto tag) {
            using E = decltype(tag);
            const E background = to_element<E>(p.clip(0.0));
            auto* const at = static_cast<E*>(out);
            std::optional<kept_walk> walk;
            for (std::size_t i = 0; i < indices.size(); ++i) {
                const std::uint64_t line = indices[i] / kept.line_length();
                const std::uint64_t position = indices[i] % kept.line_length();
                if (!walk || walk->line() != line || walk->from() > position) {
                    walk.emplace(kept, line);
                }
                while (walk->position() < position) {
                    walk->next();
                }
                at[i] = walk->position() == position ? uniform_value<E>(p, values, indices[i])
                                                     : background;
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
            } else {
                group_size_ *= shape.dims[i];
            }
        }
        group_count_ = group_stride;
        leading_ = std::is_partitioned(kept.begin(), kept.end(), [](bool k) { return k; }) &&
                   !kept.empty() && !kept.back();
    }

    [[nodiscard]] std::uint64_t group_count() const noexcept { return group_count_; }
    /// The elements in one group: the product of the summed axes' dims.
    [[nodiscard]] std::uint64_t group_size() const noexcept { return group_size_; }
    /// Whether the kept axes are leading ones, 0..m-1 with m < rank: then group g is the block
    /// of consecutive elements [g * group_size(), (g + 1) * group_size()), whole lines along the
    /// last axis.
    [[nodiscard]] bool leading() const noexcept { return leading_; }

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
    std::uint64_t group_size_ = 1;
    bool leading_ = false;
};

/// Sparse uniform without scale, divided by its sum over every axis not in `norm_axes` (a sum
/// of zero leaves the entries as they are), then scale times that, clipped. A synapse kernel
/// (post..., pre...) with norm_axes = the post axes gets incoming weights summing to scale.
/// Every path sums a group's kept values in ascending index order from 0.0, so initialize(),
/// fill_rows and values_at get the same sums, bit for bit.
struct normalized_sparse_uniform_initializer {
    static constexpr const char* class_ref = "normalized_sparse_uniform_initializer";
    static constexpr std::int32_t kind = SPARK_KIND_INITIALIZER;
    static constexpr const char* version = "1.2.0";
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
        check_spec(out.spec);
        const kept_process kept(cfg.seed(), density_of(cfg), out.spec.shape, class_ref);
        const axis_groups groups(out.spec.shape, cfg.ints("norm_axes"));
        const sdk::counter_stream values(cfg.seed(), value_stream);
        visit_element_type(out.spec.dtype, [&](auto tag) {
            using E = decltype(tag);
            const auto data = elements<E>(out);
            std::vector<double> drawn(data.size(), 0.0);
            std::vector<double> sums(static_cast<std::size_t>(groups.group_count()), 0.0);
            for (std::uint64_t line = 0; line < kept.line_count(); ++line) {
                for (kept_walk w(kept, line); !w.done(); w.next()) {
                    const std::uint64_t k = w.index();
                    drawn[k] = scaled_uniform<E>(1.0, values, k);
                    sums[static_cast<std::size_t>(groups.group_of(k))] += drawn[k];
                }
            }
            for (std::size_t i = 0; i < data.size(); ++i) {
                data[i] = value<E>(p, drawn[i], sums[static_cast<std::size_t>(groups.group_of(i))]);
            }
        });
    }

    static double density(const sdk::config_view& cfg) { return kept_share(cfg); }

    /// Rows that are whole normalisation groups only (norm_axes leading axes, row_length their
    /// group size): a neuron's kernel (post..., pre...) normalised over its pre axes.
    static void fill_rows(const sdk::config_view& cfg,
                          const spark_port_spec_t& spec,
                          std::uint64_t row_length,
                          std::uint64_t row_begin,
                          std::uint64_t row_end,
                          sdk::row_sink& sink) {
        const auto p = base_params::from(cfg);
        check_spec(spec);
        const kept_process kept(cfg.seed(), density_of(cfg), spec.shape, class_ref);
        const axis_groups groups(spec.shape, cfg.ints("norm_axes"));
        if (!groups.leading() || groups.group_size() != row_length) {
            throw sdk::status_error(
                SPARK_ERR_UNSUPPORTED,
                std::string(class_ref) +
                    " fills rows only when each row is one normalisation group (norm_axes the "
                    "leading axes 0..m-1, m < rank, row_length the product of the other dims); "
                    "got shape " +
                    sdk::shape_string(spec.shape) + ", norm_axes " + axes_string(cfg) +
                    ", row_length " + std::to_string(row_length));
        }
        const sdk::counter_stream values(cfg.seed(), value_stream);
        visit_element_type(spec.dtype, [&](auto tag) {
            using E = decltype(tag);
            group_draw group;
            row_writer<E> row(sink, row_length, value<E>(p, 0.0, 0.0));
            for (std::uint64_t r = row_begin; r < row_end; ++r) {
                group.draw<E>(kept, values, r, row_length);
                for (std::size_t i = 0; i < group.offsets.size(); ++i) {
                    row.kept(group.offsets[i], value<E>(p, group.drawn[i], group.sum));
                }
                row.finish(r);
            }
        });
    }

    /// When the groups are consecutive blocks (norm_axes the leading axes): each index costs the
    /// kept elements of its group, drawn once for a run of indices in the same group.
    static void values_at(const sdk::config_view& cfg,
                          const spark_port_spec_t& spec,
                          sdk::span<const std::uint64_t> indices,
                          void* out) {
        const auto p = base_params::from(cfg);
        check_spec(spec);
        const kept_process kept(cfg.seed(), density_of(cfg), spec.shape, class_ref);
        const axis_groups groups(spec.shape, cfg.ints("norm_axes"));
        if (!groups.leading()) {
            throw sdk::status_error(SPARK_ERR_UNSUPPORTED,
                                    std::string(class_ref) +
                                        " gives values by index only when norm_axes are the "
                                        "leading axes 0..m-1, m < rank (each group consecutive "
                                        "elements); got shape " +
                                        sdk::shape_string(spec.shape) + ", norm_axes " +
                                        axes_string(cfg));
        }
        const sdk::counter_stream values(cfg.seed(), value_stream);
        visit_element_type(spec.dtype, [&](auto tag) {
            using E = decltype(tag);
            auto* const at = static_cast<E*>(out);
            const std::uint64_t size = groups.group_size();
            group_draw group;
            std::optional<std::uint64_t> drawn_group;
            for (std::size_t i = 0; i < indices.size(); ++i) {
                const std::uint64_t g = indices[i] / size;
                if (drawn_group != g) {
                    group.draw<E>(kept, values, g, size);
                    drawn_group = g;
                }
                const std::uint64_t offset = indices[i] - g * size;
                const auto found =
                    std::lower_bound(group.offsets.begin(), group.offsets.end(), offset);
                const bool is_kept = found != group.offsets.end() && *found == offset;
                at[i] = value<E>(
                    p,
                    is_kept ? group.drawn[static_cast<std::size_t>(found - group.offsets.begin())]
                            : 0.0,
                    group.sum);
            }
        });
    }

private:
    static void check_spec(const spark_port_spec_t& spec) {
        if (spec.shape.rank < 2 || spec.shape.rank > SPARK_MAX_RANK) {
            throw sdk::status_error(SPARK_ERR_INVALID_ARGUMENT,
                                    std::string(class_ref) + " needs a shape of rank >= 2, got " +
                                        sdk::shape_string(spec.shape));
        }
        if (spec.dtype != SPARK_DTYPE_F32 && spec.dtype != SPARK_DTYPE_F64) {
            throw sdk::status_error(SPARK_ERR_INVALID_ARGUMENT,
                                    std::string(class_ref) +
                                        " fills float32 or float64 buffers only, got " +
                                        sdk::dtype_name(spec.dtype));
        }
    }

    static std::string axes_string(const sdk::config_view& cfg) {
        std::string text = "[";
        for (const std::int64_t axis : cfg.ints("norm_axes")) {
            text += (text.size() > 1 ? ", " : "") + std::to_string(axis);
        }
        return text + "]";
    }

    /// An element's value from its unscaled draw (0 when not kept) and its group's sum.
    template <typename E>
    static E value(const base_params& p, double drawn, double sum) {
        return to_element<E>(p.clip(p.scale * (sum != 0.0 ? drawn / sum : drawn)));
    }

    /// The kept elements of one group of consecutive elements, [group * size, (group + 1) *
    /// size): their offsets in the group (ascending), unscaled draws and sum, summed in the order
    /// initialize() sums.
    struct group_draw {
        std::vector<std::uint64_t> offsets;
        std::vector<double> drawn;
        double sum = 0.0;

        template <typename E>
        void draw(const kept_process& kept,
                  const sdk::counter_stream& values,
                  std::uint64_t group,
                  std::uint64_t size) {
            offsets.clear();
            drawn.clear();
            sum = 0.0;
            const std::uint64_t lines = kept.lines_per_row(size);
            for (std::uint64_t line = group * lines; line < (group + 1) * lines; ++line) {
                for (kept_walk w(kept, line); !w.done(); w.next()) {
                    offsets.push_back(w.index() - group * size);
                    drawn.push_back(scaled_uniform<E>(1.0, values, w.index()));
                    sum += drawn.back();
                }
            }
        }
    };
};

} // namespace spark::initializers
