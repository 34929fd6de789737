// SPDX-License-Identifier: Apache-2.0
// `exponential_integrator`: upstream's ExponentialIntegrator (docs/models.md section 8.2), an
// output interface turning spikes into `num_outputs` continuous signals. Input elements are split
// into groups (one per output); each output is a leaky trace of its group's spike count, scaled so
// that it settles near 1 when the group fires at saturation_freq (dt = 1 ms).
//
// smooth_trace: upstream feeds a rise-decay tracer with mismatched scales, so its output is
// negative and falls with activity (docs/models.md section 12.10). Here both tracers
// take the same scale, chosen so that a constant input settles at the level of the non-smooth
// trace: a difference of exponentials that is >= 0 and grows with activity
// (docs/upstream-differences.md).
#pragma once
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include <spark/sdk/plugin.hpp>
#include <spark/sdk/random.hpp>

namespace spark::interfaces {

namespace detail {

/// exp(-dt / tau) as upstream computes a constant: the exponent rounded to T, exp in double
/// (correctly rounded for our purposes), the result rounded to T.
template <typename T>
T decay_factor(double dt, double tau) {
    const T exponent = static_cast<T>(-dt / tau);
    return static_cast<T>(std::exp(static_cast<double>(exponent)));
}

} // namespace detail

template <typename T>
class exponential_integrator {
public:
    static constexpr const char* class_ref = "exponential_integrator";
    static constexpr std::int32_t kind = SPARK_KIND_OUTPUT_INTERFACE;
    static constexpr const char* version = "1.0.0";
    static constexpr const char* description =
        "leaky traces of the spike counts of num_outputs groups of inputs, ~1 at saturation_freq";
    static constexpr const char* example_config = R"({"num_outputs": 2})"; // 8 inputs, 2 groups

    static constexpr std::size_t spikes_port = 0; // input
    static constexpr std::size_t signal_port = 0; // output

    /// The decay time constant of upstream's smooth tracer [ms]; its rise uses
    /// tau * smooth_decay_tau / (tau + smooth_decay_tau).
    static constexpr double smooth_decay_tau = 10.0;

    static void declare(sdk::schema& s) {
        s.field_int("num_outputs", 1).required().positive().description("number of output signals");
        s.field_float("saturation_freq", 50.0)
            .units("Hz")
            .positive()
            .description("group firing rate whose trace settles near 1 (at dt = 1 ms)");
        s.field_float("tau", 5.0).units("ms").positive().description("trace time constant");
        s.field_int_array("output_map", {})
            .description("output index of every input element (flattened); [] = equal groups "
                         "in input order, shuffled when shuffle is true");
        s.field_bool("shuffle", true)
            .description("assign inputs to the equal groups in a random order (from the seed); "
                         "ignored when output_map is given");
        s.field_bool("smooth_trace", true)
            .description("difference-of-exponentials trace (rise tau, decay 10 ms) instead of "
                         "a single exponential");
        s.input("spikes", SPARK_PAYLOAD_SPIKES, "spike_array")
            .any()
            .description("spikes of the population read out (the inhibition bit is ignored)");
        s.output("signal", SPARK_PAYLOAD_FLOAT, "float_array")
            .computed("(num_outputs,)")
            .description("one trace per output group");
    }

    explicit exponential_integrator(const sdk::config_view& cfg)
        : outputs_(cfg.get<std::uint32_t>("num_outputs")),
          saturation_freq_(cfg.get<double>("saturation_freq")), tau_(cfg.get<double>("tau")),
          dt_(cfg.dt()), output_map_(cfg.get<std::vector<std::int64_t>>("output_map")),
          shuffle_(cfg.get<bool>("shuffle")), smooth_(cfg.get<bool>("smooth_trace")),
          seed_(cfg.seed()) {
        for (std::size_t i = 0; i < output_map_.size(); ++i) {
            if (output_map_[i] < 0 || output_map_[i] >= static_cast<std::int64_t>(outputs_)) {
                throw sdk::status_error(
                    SPARK_ERR_INVALID_ARGUMENT,
                    "output_map[" + std::to_string(i) + "] is " + std::to_string(output_map_[i]) +
                        ", outside [0, num_outputs) = [0, " + std::to_string(outputs_) + ")");
            }
        }
    }

    void build(sdk::build_context& b) {
        const auto n = static_cast<std::size_t>(sdk::element_count(b.input(spikes_port).shape));
        group_of_ = group_map(n);
        std::vector<std::uint64_t> counts(outputs_, 0);
        for (const auto g : group_of_) {
            ++counts[g];
        }
        // Upstream: gain_j = (1000 / f_sat) / (dt * tau * count_j). Its counts are the equal-split
        // sizes even for a user map; ours are the sizes of the map in use (the same for the
        // equal split), so every group is normalised by its own size. An empty group (only
        // possible with a user map) gets gain 0: its output stays 0 instead of 0 * inf.
        const T alpha = detail::decay_factor<T>(dt_, tau_);
        double smooth_scale = 1.0;
        if (smooth_) {
            const double rise_tau = tau_ * smooth_decay_tau / (tau_ + smooth_decay_tau);
            rise_decay_ = detail::decay_factor<T>(dt_, rise_tau);
            decay_decay_ = detail::decay_factor<T>(dt_, smooth_decay_tau);
            // A constant count x per step settles at gain x / (1 - a) in the single trace and at
            // s x (1 / (1 - a_decay) - 1 / (1 - a_rise)) in the difference: equal for this s.
            const double settle = 1.0 / (1.0 - static_cast<double>(alpha));
            const double settle_rise = 1.0 / (1.0 - static_cast<double>(rise_decay_));
            const double settle_decay = 1.0 / (1.0 - static_cast<double>(decay_decay_));
            smooth_scale = settle / (settle_decay - settle_rise);
        }
        decay_ = alpha;
        gains_.assign(outputs_, T(0));
        for (std::size_t j = 0; j < outputs_; ++j) {
            if (counts[j] > 0) {
                const double gain =
                    (1000.0 / saturation_freq_) / (dt_ * tau_ * static_cast<double>(counts[j]));
                gains_[j] = static_cast<T>(gain * smooth_scale);
            }
        }
        sums_.assign(outputs_, 0);
        trace_.assign(outputs_, T(0));
        rise_.assign(smooth_ ? outputs_ : 0U, T(0));
        shape_ = sdk::make_shape({static_cast<std::int64_t>(outputs_)});
        b.output(signal_port) = sdk::make_spec(SPARK_PAYLOAD_FLOAT, b.dtype(), shape_);
    }

    // Traces restart at 0; the step -1 signal stays as the SDK zero-filled it.
    void reset(const sdk::output_buffers& /*out*/) {
        std::fill(trace_.begin(), trace_.end(), T(0));
        std::fill(rise_.begin(), rise_.end(), T(0));
    }

    void step(const sdk::step_context& ctx) {
        const auto spikes = ctx.input<std::uint8_t>(spikes_port);
        const auto signal = ctx.output<T>(signal_port);
        std::fill(sums_.begin(), sums_.end(), 0U);
        const std::uint32_t* group = group_of_.data();
        for (std::size_t i = 0; i < spikes.size(); ++i) {
            sums_[group[i]] += spikes[i] & 1U; // bit0 = spike; the inhibition bit does not count
        }
        if (smooth_) {
            for (std::size_t j = 0; j < outputs_; ++j) {
                const T driven = gains_[j] * static_cast<T>(sums_[j]);
                trace_[j] = decay_decay_ * trace_[j] + driven;
                rise_[j] = rise_decay_ * rise_[j] + driven;
                signal[j] = trace_[j] - rise_[j];
            }
        } else {
            for (std::size_t j = 0; j < outputs_; ++j) {
                // Two separately rounded products, as upstream: alpha * y + gain * x.
                const T decayed = decay_ * trace_[j];
                const T driven = gains_[j] * static_cast<T>(sums_[j]);
                trace_[j] = decayed + driven;
                signal[j] = trace_[j];
            }
        }
    }

    void state(sdk::state_list& s) {
        s.add("trace", trace_, shape_);
        if (smooth_) {
            s.add("rise", rise_, shape_);
        }
    }

private:
    /// The output group of every input element.
    std::vector<std::uint32_t> group_map(std::size_t n) const {
        std::vector<std::uint32_t> map(n);
        if (!output_map_.empty()) {
            if (output_map_.size() != n) {
                throw sdk::status_error(SPARK_ERR_INVALID_ARGUMENT,
                                        "output_map has " + std::to_string(output_map_.size()) +
                                            " entries but the spikes input has " +
                                            std::to_string(n) +
                                            " elements; give one output index per element");
            }
            std::transform(output_map_.begin(), output_map_.end(), map.begin(), [](std::int64_t g) {
                return static_cast<std::uint32_t>(g);
            });
            return map;
        }
        if (n < outputs_) {
            throw sdk::status_error(
                SPARK_ERR_INVALID_ARGUMENT,
                "the spikes input has " + std::to_string(n) +
                    " elements, fewer than num_outputs = " + std::to_string(outputs_) +
                    "; every output needs at least one input (or give an "
                    "output_map)");
        }
        // Group j takes floor(n / K) elements plus one more for j < n mod K, in input order.
        const std::size_t base = n / outputs_;
        const std::size_t extra = n % outputs_;
        std::size_t next = 0;
        for (std::uint32_t j = 0; j < outputs_; ++j) {
            const std::size_t count = base + (j < extra ? 1 : 0);
            for (std::size_t k = 0; k < count; ++k) {
                map[next++] = j;
            }
        }
        if (shuffle_) {
            sdk::random_stream build_stream(seed_, 0);
            const auto order = build_stream.permutation(n);
            std::vector<std::uint32_t> shuffled(n);
            for (std::size_t i = 0; i < n; ++i) {
                shuffled[i] = map[order[i]];
            }
            map = std::move(shuffled);
        }
        return map;
    }

    std::uint32_t outputs_;
    double saturation_freq_; // [Hz]
    double tau_;             // [ms]
    double dt_;              // [ms]
    std::vector<std::int64_t> output_map_;
    bool shuffle_;
    bool smooth_;
    std::uint64_t seed_;

    spark_shape_t shape_{};
    std::vector<std::uint32_t> group_of_; // output group of each input element
    std::vector<T> gains_;                // per group, including the smooth scale
    T decay_ = T(0);                      // exp(-dt / tau): the single trace
    T rise_decay_ = T(0);                 // smooth: exp(-dt / tau_rise)
    T decay_decay_ = T(0);                // smooth: exp(-dt / 10 ms)
    std::vector<std::uint32_t> sums_;     // spikes per group this step (scratch)
    std::vector<T> trace_;                // the single trace, or the smooth decay trace
    std::vector<T> rise_;                 // smooth: the rise trace
};

} // namespace spark::interfaces
