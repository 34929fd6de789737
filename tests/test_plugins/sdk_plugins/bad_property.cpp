// SPDX-License-Identifier: Apache-2.0
// Test plugin bad_property: two types whose properties are broken in the ways `spark plugins
// check` must catch (its "properties" stage): `drifting_gain`'s writable `gain` comes back
// doubled after it is written (its write stores twice the value), and `unreadable_level`'s
// `level` fails to read. Both step as out = gain * in (gain 1.5), so every other stage passes.
// And one that is not broken: `absent_part`'s `part.level` is a property its instances cannot
// serve (a spec of payload kind 0, as a neuron without delays has no `delays.kernel`).
#include <algorithm>
#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <string>

#include <spark/sdk/plugin.hpp>

namespace {

template <typename T, bool Drifts>
class broken_property {
public:
    static constexpr const char* class_ref = Drifts ? "drifting_gain" : "unreadable_level";
    static constexpr std::int32_t kind = SPARK_KIND_COMPONENT;
    static constexpr const char* version = "1.0.0";
    static constexpr const char* description = "a property that `plugins check` must refuse";

    static void declare(spark::sdk::schema& s) {
        s.field_int_array("units", {1});
        s.input("in", SPARK_PAYLOAD_FLOAT, "float_array").any();
        s.output("out", SPARK_PAYLOAD_FLOAT, "float_array").like_port("in");
        if constexpr (Drifts) {
            s.property("gain", SPARK_PAYLOAD_FLOAT, "float_array").from_field("units").writable();
        } else {
            s.property("level", SPARK_PAYLOAD_FLOAT, "float_array").from_field("units");
        }
    }

    explicit broken_property(const spark::sdk::config_view& /*cfg*/) {}

    void step(const spark::sdk::step_context& ctx) {
        const auto in = ctx.input<T>(0);
        const auto out = ctx.output<T>(0);
        for (std::size_t i = 0; i < out.size(); ++i) {
            out[i] = gain_ * in[i];
        }
    }

    void read_property(std::size_t /*index*/, void* out) const {
        if constexpr (!Drifts) {
            throw std::runtime_error("level cannot be read: simulated failure");
        }
        std::memcpy(out, &gain_, sizeof(T));
    }
    void write_property(std::size_t /*index*/, const void* in) {
        std::memcpy(&gain_, in, sizeof(T));
        gain_ *= T(2); // the bug the check must find
    }

private:
    T gain_ = T(1.5);
};

// Copies in to out (in the config's dtype: `spark plugins check` steps float64 too); declares
// `part.level`, which no instance serves.
template <typename T>
class absent_part {
public:
    static constexpr const char* class_ref = "absent_part";
    static constexpr std::int32_t kind = SPARK_KIND_COMPONENT;
    static constexpr const char* version = "1.0.0";
    static constexpr const char* description = "a property no instance serves";

    static void declare(spark::sdk::schema& s) {
        s.input("in", SPARK_PAYLOAD_FLOAT, "float_array").any();
        s.output("out", SPARK_PAYLOAD_FLOAT, "float_array").like_port("in");
        s.property("part.level", SPARK_PAYLOAD_FLOAT, "float_array").computed("(1) with a part");
    }
    explicit absent_part(const spark::sdk::config_view& /*cfg*/) {}
    void step(const spark::sdk::step_context& ctx) {
        const auto in = ctx.input<T>(0);
        const auto out = ctx.output<T>(0);
        std::copy(in.begin(), in.end(), out.begin());
    }
    [[nodiscard]] spark_port_spec_t property_spec(std::size_t /*index*/) const { return {}; }
    [[nodiscard]] std::string property_unavailable(std::size_t /*index*/) const {
        return "it has no part 'part'";
    }
    void read_property(std::size_t /*index*/, void* /*out*/) const {}
};

template <typename T>
using drifting_gain = broken_property<T, true>;
template <typename T>
using unreadable_level = broken_property<T, false>;

} // namespace

SPARK_PLUGIN("test.bad_property",
             "test",
             "1.0.0",
             "types with broken properties",
             spark::sdk::per_dtype<drifting_gain>,
             spark::sdk::per_dtype<unreadable_level>,
             spark::sdk::per_dtype<absent_part>);
