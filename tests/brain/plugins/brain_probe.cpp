// SPDX-License-Identifier: Apache-2.0
// Test plugin brain_probe (vendor "probe"): small module types whose outputs make the brain's
// wiring visible. `relay` copies its input (latency, concatenation order); `random_spiker` is a
// contract-publishing population that fires at random and echoes its input (recurrent brains whose
// results must not depend on the executor); `fixed_input` takes an input whose shape a field fixes
// (static shape checks); `silent_source` has no inputs and emits zeros (a module nobody feeds).
#include <cstdint>

#include <spark/sdk/plugin.hpp>
#include <spark/sdk/random.hpp>

namespace {

namespace sdk = spark::sdk;

template <typename T>
class relay {
public:
    static constexpr const char* class_ref = "relay";
    static constexpr std::int32_t kind = SPARK_KIND_CONTROL_INTERFACE;
    static constexpr const char* version = "1.0.0";
    static constexpr const char* description = "copies its input to its output";

    static void declare(sdk::schema& s) {
        s.input("in", SPARK_PAYLOAD_FLOAT, "float_array").any();
        s.output("out", SPARK_PAYLOAD_FLOAT, "float_array").like_port("in");
    }

    explicit relay(const sdk::config_view& /*cfg*/) {}

    void step(const sdk::step_context& ctx) {
        const auto in = ctx.input<T>(0);
        const auto out = ctx.output<T>(0);
        for (std::size_t i = 0; i < out.size(); ++i) {
            out[i] = in[i];
        }
    }
};

class random_spiker {
public:
    static constexpr const char* class_ref = "random_spiker";
    static constexpr std::int32_t kind = SPARK_KIND_NEURON;
    static constexpr const char* version = "1.0.0";
    static constexpr const char* description =
        "fires at random with probability rate, or when the same-index input spikes";

    static void declare(sdk::schema& s) {
        s.field_int_array("units", {4}).positive().description("shape of the population");
        s.field_float("rate", 0.3).range(0.0, 1.0).description("firing probability per step");
        s.field_int("inhibitory", 0).non_negative().description("the first n units are inhibitory");
        s.input("in_spikes", SPARK_PAYLOAD_SPIKES, "spike_array").any().optional();
        s.output("out_spikes", SPARK_PAYLOAD_SPIKES, "spike_array").from_field("units");
    }

    explicit random_spiker(const sdk::config_view& cfg)
        : units_(cfg.shape("units")), rate_(cfg.get<double>("rate")),
          inhibitory_(static_cast<std::uint64_t>(cfg.get<std::int64_t>("inhibitory"))),
          seed_(cfg.seed()), random_(seed_, 1) {}

    void contract(sdk::contract_context& c) {
        c.output(0) = sdk::make_spec(SPARK_PAYLOAD_SPIKES, SPARK_DTYPE_U8, units_);
    }

    void reset(const sdk::output_buffers& out) {
        random_ = sdk::random_stream(seed_, 1);
        const auto o = out.get<std::uint8_t>(0);
        for (std::size_t i = 0; i < o.size(); ++i) {
            o[i] = bits(i, false);
        }
    }

    void step(const sdk::step_context& ctx) {
        const auto in = ctx.input<std::uint8_t>(0);
        const auto out = ctx.output<std::uint8_t>(0);
        for (std::size_t i = 0; i < out.size(); ++i) {
            const bool echoed = !in.empty() && (in[i % in.size()] & 1U) != 0;
            out[i] = bits(i, (random_.uniform() < rate_) != echoed);
        }
    }

private:
    [[nodiscard]] std::uint8_t bits(std::size_t i, bool spike) const {
        return static_cast<std::uint8_t>((spike ? 1U : 0U) | (i < inhibitory_ ? 2U : 0U));
    }

    spark_shape_t units_;
    double rate_;
    std::uint64_t inhibitory_;
    std::uint64_t seed_;
    sdk::random_stream random_;
};

template <typename T>
class fixed_input {
public:
    static constexpr const char* class_ref = "fixed_input";
    static constexpr std::int32_t kind = SPARK_KIND_CONTROL_INTERFACE;
    static constexpr const char* version = "1.0.0";
    static constexpr const char* description = "takes exactly `units` elements and copies them";

    static void declare(sdk::schema& s) {
        s.field_int_array("units", {3}).positive().description("shape of the input and output");
        s.input("in", SPARK_PAYLOAD_FLOAT, "float_array").from_field("units");
        s.output("out", SPARK_PAYLOAD_FLOAT, "float_array").from_field("units");
    }

    explicit fixed_input(const sdk::config_view& /*cfg*/) {}

    void step(const sdk::step_context& ctx) {
        const auto in = ctx.input<T>(0);
        const auto out = ctx.output<T>(0);
        for (std::size_t i = 0; i < out.size(); ++i) {
            out[i] = i < in.size() ? in[i] : T{};
        }
    }
};

template <typename T>
class silent_source {
public:
    static constexpr const char* class_ref = "silent_source";
    static constexpr std::int32_t kind = SPARK_KIND_INPUT_INTERFACE;
    static constexpr const char* version = "1.0.0";
    static constexpr const char* description = "no inputs; emits `value` everywhere";

    static void declare(sdk::schema& s) {
        s.field_int_array("units", {2}).positive().description("shape of the output");
        s.field_float("value", 0.0).description("what every element holds");
        s.output("out", SPARK_PAYLOAD_FLOAT, "float_array").from_field("units");
    }

    explicit silent_source(const sdk::config_view& cfg) : value_(cfg.get<T>("value")) {}

    void step(const sdk::step_context& ctx) {
        for (auto& v : ctx.output<T>(0)) {
            v = value_;
        }
    }

private:
    T value_;
};

} // namespace

SPARK_PLUGIN("test.brain_probe",
             "probe",
             "1.0.0",
             "module types that make a brain's wiring and timing visible",
             sdk::per_dtype<relay>,
             random_spiker,
             sdk::per_dtype<fixed_input>,
             sdk::per_dtype<silent_source>);
