// SPDX-License-Identifier: Apache-2.0
// Test plugin rules: the validators of ABI 1.2, which the host checks before create.
// test.resonator (component) has
//   omega     float 0.5, positive, rule "omega * dt < pi" (why: "one Euler step turns under half
//             a period");
//   reset     float -1.0, negative;
//   gain      float 0.5, at_most(1.0);
//   refractory bool false and t_ref int 0, rule on t_ref "!refractory || t_ref > 0";
//   units     int[] [4], rule "len(units) <= 2";
//   weight    number or initializer 1.0, rule "weight <= 10" (a number only).
// Its constructor throws "constructor ran with a config the rules refuse" when any of them does
// not hold, so a test sees whether the host refused first; otherwise it copies in to out.
#include <cmath>
#include <cstdint>

#include <spark/sdk/plugin.hpp>

namespace {

template <typename T>
class resonator {
public:
    static constexpr const char* class_ref = "resonator";
    static constexpr std::int32_t kind = SPARK_KIND_COMPONENT;
    static constexpr const char* version = "1.0.0";
    static constexpr const char* description = "validators of ABI 1.2, checked by the host";

    static void declare(spark::sdk::schema& s) {
        s.field_float("omega", 0.5)
            .units("rad/ms")
            .positive()
            .rule("omega * dt < pi", "one Euler step turns under half a period")
            .description("angular frequency");
        s.field_float("reset", -1.0).negative().description("reset value, below zero");
        s.field_float("gain", 0.5).at_most(1.0).description("gain, at most 1");
        s.field_bool("refractory", false).description("whether a refractory period applies");
        s.field_int("t_ref", 0)
            .rule("!refractory || t_ref > 0")
            .description("refractory steps, positive when refractory");
        s.field_int_array("units", {4}).rule("len(units) <= 2").description("shape");
        s.field_initializer("weight", 1.0).rule("weight <= 10").description("a weight");
        s.input("in", SPARK_PAYLOAD_FLOAT, "float_array").any();
        s.output("out", SPARK_PAYLOAD_FLOAT, "float_array").like_port("in");
    }

    explicit resonator(const spark::sdk::config_view& cfg) {
        const bool refuses = !(cfg.get<double>("omega") * cfg.dt() < 3.14159265358979323846) ||
                             !(cfg.get<double>("reset") < 0) || !(cfg.get<double>("gain") <= 1.0) ||
                             (cfg.get<bool>("refractory") && cfg.get<std::int64_t>("t_ref") <= 0) ||
                             cfg.shape("units").rank > 2;
        if (refuses) {
            throw spark::sdk::status_error(SPARK_ERR_INVALID_ARGUMENT,
                                           "constructor ran with a config the rules refuse");
        }
    }

    void step(const spark::sdk::step_context& ctx) {
        const auto in = ctx.input<T>(0);
        const auto out = ctx.output<T>(0);
        for (std::size_t i = 0; i < out.size(); ++i) {
            out[i] = in[i];
        }
    }
};

} // namespace

SPARK_PLUGIN("test.rules",
             "test",
             "1.0.0",
             "a type with the validators of ABI 1.2",
             spark::sdk::per_dtype<resonator>);
