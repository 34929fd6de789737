// SPDX-License-Identifier: Apache-2.0
// Population ("place cell") coding shared by the topological spikers (upstream
// TopologicalSpikerConfig, docs/models.md section 8.1): every signal element becomes
// `resolution` values h in (0, 1], a bump centred on the neuron whose preferred value is the
// signal. With x = (signal - mins) / (maxs - mins):
// z = sin(pi r / resolution + pi x) where glue = 1 (periodic), else tanh(pi r / (resolution - 1)
// - pi x), and h = exp(-(0.5 / sigma) z^2). A glued dimension's neurons tile one period of sin^2
// (upstream spaces them by pi / (resolution - 1) there too, so its first and last neuron encode
// the same phase: docs/upstream-differences.md).
//
// glue, mins and maxs hold one value for every element or one per element (row-major). The
// output has shape signal ⊕ (resolution,), element (i, r) at i * resolution + r for every rank;
// upstream transposes its (resolution, *signal) array, which gives that only for 1-D signals
// (docs/upstream-differences.md). resolution 1 has theta_0 = 0.
#pragma once
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include <spark/sdk/plugin.hpp>

namespace spark::interfaces {

/// TopologicalSpikerConfig's fields.
inline void declare_topological_fields(sdk::schema& s) {
    constexpr auto any_length = std::numeric_limits<std::uint32_t>::max();
    s.field_float_array("glue", {0.0})
        .range(0.0, 1.0)
        .length(1, any_length)
        .description("per signal element 1 = periodic (maxs wraps to mins), 0 = bounded; one "
                     "value for all elements or one per element");
    s.field_float_array("mins", {0.0})
        .length(1, any_length)
        .description("signal value of the first neuron; one value for all elements or one per "
                     "element");
    s.field_float_array("maxs", {1.0})
        .length(1, any_length)
        .description("signal value of the last neuron, > mins; one value for all elements or "
                     "one per element");
    s.field_int("resolution", 64).positive().description("neurons per signal element");
    s.field_float("sigma", 1.0 / 32.0)
        .positive()
        .description("bump width (acts as a variance: h = exp(-(0.5 / sigma) z^2))");
}

template <typename T>
class topological_bump {
public:
    explicit topological_bump(const sdk::config_view& cfg)
        : glue_(cfg.get<std::vector<double>>("glue")), mins_(cfg.get<std::vector<double>>("mins")),
          maxs_(cfg.get<std::vector<double>>("maxs")),
          resolution_(cfg.get<std::uint32_t>("resolution")),
          half_over_sigma_(static_cast<T>(0.5 / cfg.get<double>("sigma"))) {
        for (std::size_t i = 0; i < glue_.size(); ++i) {
            if (glue_[i] != 0.0 && glue_[i] != 1.0) {
                throw sdk::status_error(SPARK_ERR_INVALID_ARGUMENT,
                                        "glue[" + std::to_string(i) + "] is " + number(glue_[i]) +
                                            "; use 0 (bounded) or 1 (periodic)");
            }
        }
        check_finite("mins", mins_);
        check_finite("maxs", maxs_);
        // Pairs that broadcast without the signal are checked now; the rest once the signal
        // size is known (build).
        if (mins_.size() == maxs_.size() || mins_.size() == 1 || maxs_.size() == 1) {
            check_ordered(std::max(mins_.size(), maxs_.size()));
        }
        theta_.resize(resolution_);
        theta_glued_.resize(resolution_);
        const double pi = std::acos(-1.0);
        for (std::uint32_t r = 0; r < resolution_; ++r) {
            const auto at = static_cast<double>(r);
            theta_[r] = resolution_ == 1
                            ? T(0)
                            : static_cast<T>(pi * at / static_cast<double>(resolution_ - 1));
            theta_glued_[r] = static_cast<T>(pi * at / static_cast<double>(resolution_));
        }
        pi_ = static_cast<T>(pi);
    }

    /// Checks glue/mins/maxs against the signal and returns the output shape
    /// signal ⊕ (resolution,).
    spark_shape_t build(const spark_shape_t& signal) {
        if (signal.rank >= SPARK_MAX_RANK) {
            throw sdk::status_error(SPARK_ERR_INVALID_ARGUMENT,
                                    "the signal has rank " + std::to_string(signal.rank) +
                                        "; the spikes add a resolution axis, so the signal rank "
                                        "must be < " +
                                        std::to_string(SPARK_MAX_RANK));
        }
        const auto n = static_cast<std::size_t>(sdk::element_count(signal));
        check_length("glue", glue_, n);
        check_length("mins", mins_, n);
        check_length("maxs", maxs_, n);
        check_ordered(n);
        glued_.resize(n);
        low_.resize(n);
        width_.resize(n);
        for (std::size_t i = 0; i < n; ++i) {
            glued_[i] = at(glue_, i) != 0.0 ? 1 : 0;
            low_[i] = static_cast<T>(at(mins_, i));
            width_[i] = static_cast<T>(at(maxs_, i)) - low_[i];
        }
        spark_shape_t out = signal;
        out.dims[out.rank++] = resolution_;
        return out;
    }

    [[nodiscard]] std::size_t resolution() const noexcept { return resolution_; }

    /// h for every (element, neuron); h.size() = signal.size() * resolution.
    void compute(sdk::span<const T> signal, sdk::span<T> h) const noexcept {
        std::size_t o = 0;
        for (std::size_t i = 0; i < signal.size(); ++i) {
            const T x = (signal[i] - low_[i]) / width_[i];
            const T phase = pi_ * x;
            for (std::uint32_t r = 0; r < resolution_; ++r, ++o) {
                const T z = glued_[i] != 0 ? std::sin(theta_glued_[r] + phase)
                                           : std::tanh(theta_[r] - phase);
                h[o] = std::exp(-(half_over_sigma_ * (z * z)));
            }
        }
    }

private:
    static std::string number(double x) { return sdk::detail::json_number_or_inf(x); }
    static double at(const std::vector<double>& v, std::size_t i) {
        return v.size() == 1 ? v[0] : v[i];
    }
    static void check_finite(const char* name, const std::vector<double>& v) {
        for (std::size_t i = 0; i < v.size(); ++i) {
            if (!std::isfinite(v[i])) {
                throw sdk::status_error(SPARK_ERR_INVALID_ARGUMENT,
                                        std::string(name) + "[" + std::to_string(i) + "] is " +
                                            number(v[i]) + "; give a finite number");
            }
        }
    }
    static void check_length(const char* name, const std::vector<double>& v, std::size_t n) {
        if (v.size() != 1 && v.size() != n) {
            throw sdk::status_error(SPARK_ERR_INVALID_ARGUMENT,
                                    std::string(name) + " has " + std::to_string(v.size()) +
                                        " values but the signal has " + std::to_string(n) +
                                        " elements; give 1 value (for every element) or " +
                                        std::to_string(n) + " (one per element, row-major)");
        }
    }
    void check_ordered(std::size_t n) const {
        for (std::size_t i = 0; i < n; ++i) {
            const double low = at(mins_, i);
            const double high = at(maxs_, i);
            if (!(low < high)) {
                const auto index = [&](const std::vector<double>& v) {
                    return "[" + std::to_string(v.size() == 1 ? 0 : i) + "]";
                };
                throw sdk::status_error(SPARK_ERR_INVALID_ARGUMENT,
                                        "mins" + index(mins_) + " = " + number(low) +
                                            " is not below maxs" + index(maxs_) + " = " +
                                            number(high) + "; every element needs mins < maxs");
            }
        }
    }

    std::vector<double> glue_;
    std::vector<double> mins_;
    std::vector<double> maxs_;
    std::uint32_t resolution_;
    T half_over_sigma_;
    T pi_ = T(0);
    std::vector<T> theta_;            // pi r / (resolution - 1): bounded dimensions
    std::vector<T> theta_glued_;      // pi r / resolution: periodic (glued) dimensions
    std::vector<std::uint8_t> glued_; // per signal element
    std::vector<T> low_;              // mins, per signal element
    std::vector<T> width_;            // maxs - mins, per signal element
};

} // namespace spark::interfaces
