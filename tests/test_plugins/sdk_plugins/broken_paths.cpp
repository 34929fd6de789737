// SPDX-License-Identifier: Apache-2.0
// Test plugin broken_paths: three types that pass every stage `spark plugins check` had before it
// stepped each dtype and looked at the inhibition bit, each broken in a path those stages never
// took (test_plugin_check finds each with its new stage).
//   broken.leaky_f64: per element, v <- v * (1 - dt / tau) + in, out = v (tau 20 ms). Its float64
//     instantiation decays with 1 - 2 dt / tau: a slip that only the float64 path has.
//   broken.any_spike_neuron: a population of `units` neurons, all driven alike. Per step,
//     drive = the number of input spikes, counting any non-zero value (so 2, a silent
//     inhibitory neuron, counts and 3 counts +1): the inhibitory path is broken. Then
//     v <- 0.9 v + 0.25 drive, spike (out_spikes 1) and v <- 0 when v >= 1; potential = v.
//   broken.bit1_table: rate[o] = the number of input spikes this step, for each of `units`; a
//     value with bit1 set (2 or 3) indexes past its table of two entries and reads NaN: it was
//     only ever fed 0 and 1.
#include <cstdint>
#include <limits>
#include <type_traits>
#include <vector>

#include <spark/sdk/plugin.hpp>

namespace {

namespace sdk = spark::sdk;

template <typename T>
class leaky_f64 {
public:
    static constexpr const char* class_ref = "leaky_f64";
    static constexpr std::int32_t kind = SPARK_KIND_COMPONENT;
    static constexpr const char* version = "1.0.0";
    static constexpr const char* description = "leaky integrator whose float64 path decays twice";

    static void declare(sdk::schema& s) {
        s.field_float("tau", 20.0).units("ms").positive().description("decay time constant");
        s.input("in", SPARK_PAYLOAD_FLOAT, "float_array").any();
        s.output("out", SPARK_PAYLOAD_FLOAT, "float_array").like_port("in");
    }

    explicit leaky_f64(const sdk::config_view& cfg)
        : keep_(static_cast<T>(1.0 - (std::is_same_v<T, double> ? 2.0 : 1.0) * cfg.dt() /
                                         cfg.get<double>("tau"))) {}

    void build(sdk::build_context& b) {
        shape_ = b.input(0).shape;
        v_.assign(sdk::element_count(shape_), T{0});
    }

    void reset(const sdk::output_buffers& /*out*/) { std::fill(v_.begin(), v_.end(), T{0}); }

    void step(const sdk::step_context& ctx) {
        const auto in = ctx.input<T>(0);
        const auto out = ctx.output<T>(0);
        for (std::size_t i = 0; i < v_.size(); ++i) {
            v_[i] = v_[i] * keep_ + in[i];
            out[i] = v_[i];
        }
    }

    void state(sdk::state_list& s) { s.add("v", v_, shape_); }

private:
    T keep_;
    spark_shape_t shape_{};
    std::vector<T> v_;
};

template <typename T>
class any_spike_neuron {
public:
    static constexpr const char* class_ref = "any_spike_neuron";
    static constexpr std::int32_t kind = SPARK_KIND_NEURON;
    static constexpr const char* version = "1.0.0";
    static constexpr const char* description = "counts any non-zero spike value as a spike";

    static void declare(sdk::schema& s) {
        s.field_int_array("units", {4}).positive().description("shape of the population");
        s.input("in_spikes", SPARK_PAYLOAD_SPIKES, "spike_array").any();
        s.output("out_spikes", SPARK_PAYLOAD_SPIKES, "spike_array").from_field("units");
        s.output("potential", SPARK_PAYLOAD_FLOAT, "float_array").from_field("units");
    }

    explicit any_spike_neuron(const sdk::config_view& cfg) : units_(cfg.shape("units")) {}

    void build(sdk::build_context& /*b*/) { v_.assign(sdk::element_count(units_), T{0}); }

    void reset(const sdk::output_buffers& /*out*/) { std::fill(v_.begin(), v_.end(), T{0}); }

    void step(const sdk::step_context& ctx) {
        const auto in = ctx.input<std::uint8_t>(0);
        const auto spikes = ctx.output<std::uint8_t>(0);
        const auto potential = ctx.output<T>(1);
        T drive = 0;
        for (const std::uint8_t s : in) {
            drive += s != 0 ? T{1} : T{0}; // the bug: should be bit0 alone, signed by bit1
        }
        for (std::size_t o = 0; o < v_.size(); ++o) {
            v_[o] = T(0.9) * v_[o] + T(0.25) * drive;
            const bool spiked = v_[o] >= T{1};
            v_[o] = spiked ? T{0} : v_[o];
            spikes[o] = spiked ? 1 : 0;
            potential[o] = v_[o];
        }
    }

    void state(sdk::state_list& s) { s.add("v", v_, units_); }

private:
    spark_shape_t units_;
    std::vector<T> v_;
};

template <typename T>
class bit1_table {
public:
    static constexpr const char* class_ref = "bit1_table";
    static constexpr std::int32_t kind = SPARK_KIND_OUTPUT_INTERFACE;
    static constexpr const char* version = "1.0.0";
    static constexpr const char* description = "counts spikes through a table of two entries";

    static void declare(sdk::schema& s) {
        s.field_int_array("units", {4}).positive().description("shape of the output");
        s.input("in_spikes", SPARK_PAYLOAD_SPIKES, "spike_array").any();
        s.output("rate", SPARK_PAYLOAD_FLOAT, "float_array").from_field("units");
    }

    explicit bit1_table(const sdk::config_view& /*cfg*/) {}

    void step(const sdk::step_context& ctx) {
        const auto in = ctx.input<std::uint8_t>(0);
        const auto rate = ctx.output<T>(0);
        // The bug: {0, 1} covers bit0 alone; 2 and 3 fall outside and read NaN.
        const T table[4] = {
            T{0}, T{1}, std::numeric_limits<T>::quiet_NaN(), std::numeric_limits<T>::quiet_NaN()};
        T count = 0;
        for (const std::uint8_t s : in) {
            count += table[s & 3U];
        }
        for (auto& r : rate) {
            r = count;
        }
    }
};

} // namespace

SPARK_PLUGIN("test.broken_paths",
             "broken",
             "1.0.0",
             "types broken where only the dtype and inhibition-bit stages look",
             sdk::per_dtype<leaky_f64>,
             sdk::per_dtype<any_spike_neuron>,
             sdk::per_dtype<bit1_table>);
