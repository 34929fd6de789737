// SPDX-License-Identifier: Apache-2.0
// `current_generator` (docs/models.md section 8.5; NEST's step_current_generator and
// ramps): a float output of shape `units` that follows given points (step, amplitude), held
// between points ("steps") or interpolated linearly ("ramps"). Like spike_generator it depends on
// the step index alone: no state, so reset, checkpoints and resumes need nothing.
#pragma once
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include <spark/sdk/plugin.hpp>

namespace spark::interfaces {

template <typename T>
class current_generator {
public:
    static constexpr const char* class_ref = "current_generator";
    static constexpr std::int32_t kind = SPARK_KIND_INPUT_INTERFACE;
    static constexpr const char* version = "1.0.0";
    static constexpr const char* description =
        "a current through given points (step, amplitude): piecewise constant (mode steps) or "
        "linear ramps between the points (mode ramps); initial before the first point";
    static constexpr const char* example_config =
        R"({"units": [2], "mode": "ramps", "steps": [2, 6], "amplitudes": [0.0, 100.0]})";

    static constexpr std::size_t current_port = 0; // output

    static void declare(sdk::schema& s) {
        s.field_int_array("units", {})
            .required()
            .positive()
            .length(1, SPARK_MAX_RANK)
            .description("the output's shape");
        s.field_string("mode", "steps")
            .one_of({"steps", "ramps"})
            .description("steps: each point's amplitude holds until the next point; ramps: "
                         "linear between consecutive points; both hold the last amplitude");
        s.field_int_array("steps", {})
            .non_negative()
            .description("the step of each point (0 is the first step after reset), strictly "
                         "increasing");
        s.field_float_array("amplitudes", {})
            .units("pA")
            .description("one amplitude per point (every element), or one per point and element, "
                         "point-major: amplitudes[p * |units| + i]");
        s.field_float("initial", 0.0).units("pA").description("the value before the first point");
        s.output("current", SPARK_PAYLOAD_FLOAT, "current_array")
            .from_field("units")
            .description("the generated current at this step");
    }

    explicit current_generator(const sdk::config_view& cfg)
        : ramps_(cfg.get<std::string>("mode") == "ramps"),
          count_(static_cast<std::size_t>(sdk::element_count(cfg.shape("units")))),
          initial_(cfg.get<double>("initial")),
          amplitudes_(cfg.get<std::vector<double>>("amplitudes")) {
        const auto steps = cfg.ints("steps");
        for (std::size_t p = 0; p < steps.size(); ++p) {
            if (p > 0 && !(steps[p] > steps[p - 1])) {
                throw sdk::status_error(SPARK_ERR_INVALID_ARGUMENT,
                                        "steps[" + std::to_string(p) +
                                            "] = " + std::to_string(steps[p]) +
                                            " is not after steps[" + std::to_string(p - 1) +
                                            "] = " + std::to_string(steps[p - 1]) +
                                            "; give the points in strictly increasing steps");
            }
            steps_.push_back(static_cast<std::uint64_t>(steps[p]));
        }
        const std::size_t points = steps_.size();
        if (amplitudes_.size() == points * count_ && count_ > 1) {
            stride_ = count_;
            per_element_ = true;
        } else if (amplitudes_.size() == points) {
            stride_ = 1;
        } else {
            const auto counted = [](std::size_t n, const char* word) {
                return std::to_string(n) + " " + word + (n == 1 ? "" : "s");
            };
            throw sdk::status_error(
                SPARK_ERR_INVALID_ARGUMENT,
                "amplitudes has " + counted(amplitudes_.size(), "value") + " for " +
                    counted(points, "point") + " (steps) and " + counted(count_, "element") +
                    " (units); give one per point (" + std::to_string(points) +
                    ") or one per point and element (" + std::to_string(points * count_) + ")");
        }
    }

    /// The outputs of "step -1", before any point: `initial`.
    void reset(const sdk::output_buffers& out) {
        const auto current = out.get<T>(current_port);
        std::fill(current.begin(), current.end(), static_cast<T>(initial_));
    }

    void step(const sdk::step_context& ctx) {
        const auto current = ctx.output<T>(current_port);
        const std::uint64_t k = ctx.index();
        // The points at or before step k: the last of them is p.
        const auto after = std::upper_bound(steps_.begin(), steps_.end(), k);
        if (after == steps_.begin()) {
            std::fill(current.begin(), current.end(), static_cast<T>(initial_));
            return;
        }
        const auto p = static_cast<std::size_t>(after - steps_.begin()) - 1;
        if (!ramps_ || after == steps_.end()) {
            for (std::size_t i = 0; i < count_; ++i) {
                current[i] = static_cast<T>(amplitude(p, i));
            }
            return;
        }
        // In double, then rounded once to T: the dtype's nearest value to the documented line.
        const double x =
            static_cast<double>(k - steps_[p]) / static_cast<double>(steps_[p + 1] - steps_[p]);
        for (std::size_t i = 0; i < count_; ++i) {
            const double a = amplitude(p, i);
            current[i] = static_cast<T>(a + (amplitude(p + 1, i) - a) * x);
        }
    }

private:
    [[nodiscard]] double amplitude(std::size_t point, std::size_t element) const {
        return amplitudes_[point * stride_ + (per_element_ ? element : 0)];
    }

    bool ramps_;
    std::size_t count_;                // elements of units
    double initial_;                   // the value before the first point
    std::vector<double> amplitudes_;   // as configured: per point, or per point and element
    std::vector<std::uint64_t> steps_; // the points' steps, strictly increasing
    std::size_t stride_ = 1;           // amplitudes per point
    bool per_element_ = false;
};

} // namespace spark::interfaces
