// SPDX-License-Identifier: Apache-2.0
// What the soma tests beyond leaky_soma share: a standalone soma of upstream's defaults (plus
// JSON overrides) in float32 or float64, built on host-owned buffers and reset; a run under a
// constant current recording the spike steps, the potential output and any state array; checks
// of a trajectory against reference numbers, of a soma schema, of reset and of a state round
// trip through the ABI.
#pragma once
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include <boost/test/unit_test.hpp>

#include <spark/abi/spark_abi.h>
#include <spark/registry/plugin_registry.hpp>

#include "models_fixture.hpp"

namespace spark::test::somas {

using spark::test::str;

template <typename T>
constexpr std::int32_t dtype_code = sizeof(T) == 8 ? SPARK_DTYPE_F64 : SPARK_DTYPE_F32;

template <typename T>
[[nodiscard]] const char* dtype_text() {
    return sizeof(T) == 8 ? "float64" : "float32";
}

/// A soma of `units` neurons with upstream's defaults (plus `extra`, JSON members with a leading
/// comma) in float type T, built and reset.
template <typename T>
struct soma : running_module {
    soma(models_fixture& f,
         const char* type,
         std::initializer_list<std::uint32_t> units = {1},
         const std::string& extra = "")
        : running_module(f,
                         type,
                         std::string(R"({"dtype": ")") + dtype_text<T>() + "\"" + extra + "}",
                         {port(SPARK_PAYLOAD_FLOAT, dtype_code<T>, units)},
                         2) {}

    /// Sets every neuron's refractory counter through the state ABI (state, write, state_loaded),
    /// as a host restoring a checkpoint does.
    void load_counter(std::int32_t r) {
        for (const auto& a : instance.state()) {
            if (str(a.name) == "refractory") {
                auto* data = static_cast<std::int32_t*>(a.data);
                for (std::size_t k = 0; k < element_count(a.shape); ++k) {
                    data[k] = r;
                }
            }
        }
        instance.state_loaded();
    }
};

/// One neuron's run: spike steps, the potential output after each step and, per named state
/// array, its value before each step (what that step starts from) and after it.
struct run_record {
    std::vector<std::uint64_t> spike_steps;
    std::vector<double> v;
    std::map<std::string, std::vector<double>> before;
    std::map<std::string, std::vector<double>> after;
};

/// Drives neuron 0 with `current` (pA) for `steps` steps, recording the float state arrays named
/// in `tracked` (e.g. "adaptation", "threshold", "recovery").
template <typename T>
run_record run_constant(soma<T>& m,
                        double current,
                        std::uint64_t steps,
                        std::initializer_list<const char*> tracked = {}) {
    run_record r;
    for (std::uint64_t k = 0; k < steps; ++k) {
        for (const char* name : tracked) {
            r.before[name].push_back(static_cast<double>(m.template state_values<T>(name).at(0)));
        }
        m.template in<T>(0)[0] = static_cast<T>(current);
        m.step(k);
        const auto spike = m.template out<std::uint8_t>(0)[0];
        if (spike != 0) {
            BOOST_TEST(spike == 1U); // bit0 only: somas emit no inhibition bit
            r.spike_steps.push_back(k);
        }
        r.v.push_back(static_cast<double>(m.template out<T>(1)[0]));
        // the potential output is the state itself, after the reset
        BOOST_TEST(static_cast<double>(m.template state_values<T>("potential").at(0)) ==
                   r.v.back());
        for (const char* name : tracked) {
            r.after[name].push_back(static_cast<double>(m.template state_values<T>(name).at(0)));
        }
    }
    return r;
}

/// got[first + k] == expected[k] within a relative tolerance.
inline void check_values(const std::vector<double>& got,
                         const std::vector<double>& expected,
                         std::size_t first,
                         double tolerance) {
    for (std::size_t k = 0; k < expected.size(); ++k) {
        BOOST_TEST_CONTEXT("step " << first + k) {
            BOOST_TEST(got.at(first + k) == expected[k], boost::test_tools::tolerance(tolerance));
        }
    }
}

/// One expected schema field: all soma fields are floats.
struct field {
    const char* name;
    const char* default_json;
    const char* units;
    std::int32_t validator; // 0: none
};

/// `type` is spark.<type>, a component with exactly `fields` (in order, each described) and
/// upstream's soma ports.
inline void check_soma_schema(const registry::plugin_registry& registry,
                              const char* type,
                              const std::vector<field>& fields) {
    BOOST_TEST_CONTEXT(type) {
        const auto& info = registry.resolve(type);
        BOOST_TEST(info.canonical_id == std::string("spark.") + type);
        BOOST_TEST(info.plugin->id == "spark.neurons");
        const auto& t = *info.abi;
        BOOST_TEST(t.kind == SPARK_KIND_COMPONENT);
        BOOST_TEST(!str(t.description).empty());
        BOOST_TEST_REQUIRE(t.field_count == fields.size());
        for (std::uint32_t i = 0; i < t.field_count; ++i) {
            const auto& want = fields[i];
            BOOST_TEST_CONTEXT(want.name) {
                BOOST_TEST(str(t.fields[i].name) == want.name);
                BOOST_TEST(t.fields[i].type == SPARK_FIELD_FLOAT);
                BOOST_TEST(str(t.fields[i].default_json) == want.default_json);
                BOOST_TEST(str(t.fields[i].units) == want.units);
                BOOST_TEST(!str(t.fields[i].description).empty());
                if (want.validator == 0) {
                    BOOST_TEST(t.fields[i].validator_count == 0U);
                } else {
                    BOOST_TEST_REQUIRE(t.fields[i].validator_count == 1U);
                    BOOST_TEST(t.fields[i].validators[0].kind == want.validator);
                }
            }
        }
        BOOST_TEST_REQUIRE(t.port_count == 4U);
        BOOST_TEST(str(t.ports[0].name) == "current");
        BOOST_TEST(t.ports[0].direction == SPARK_PORT_INPUT);
        BOOST_TEST(str(t.ports[0].payload_type) == "current_array");
        BOOST_TEST(str(t.ports[1].name) == "spikes");
        BOOST_TEST(t.ports[1].direction == SPARK_PORT_OUTPUT);
        BOOST_TEST(t.ports[1].payload_kind == SPARK_PAYLOAD_SPIKES);
        BOOST_TEST(str(t.ports[1].shape_ref) == "current");
        BOOST_TEST(str(t.ports[2].name) == "potential");
        BOOST_TEST(t.ports[2].direction == SPARK_PORT_OUTPUT);
        BOOST_TEST(str(t.ports[2].payload_type) == "potential_array");
        BOOST_TEST(str(t.ports[2].shape_ref) == "current");
    }
}

/// The names of a soma's state arrays, in the order state() lists them.
[[nodiscard]] inline std::vector<std::string> state_names(running_module& m) {
    std::vector<std::string> names;
    for (const auto& a : m.instance.state()) {
        names.push_back(str(a.name));
    }
    return names;
}

/// After 40 steps of a strong current on a (2, 3) soma, reset() restores `initial` (state name
/// -> the value every neuron starts with; int32 arrays compared as numbers) with one value per
/// neuron, and the next step starts from there: no spikes in the outputs.
inline void check_reset(models_fixture& f,
                        const char* type,
                        const std::map<std::string, double>& initial,
                        const std::string& extra = "") {
    BOOST_TEST_CONTEXT(type) {
        soma<double> m(f, type, {2, 3}, extra);
        for (auto& i : m.in<double>(0)) {
            i = 1000.0;
        }
        for (std::uint64_t k = 0; k < 40; ++k) {
            m.step(k);
        }
        m.reset();
        BOOST_TEST(state_names(m).size() == initial.size());
        for (const auto& [name, value] : initial) {
            BOOST_TEST_CONTEXT(name) {
                const auto a = m.state(name);
                BOOST_TEST_REQUIRE(a.shape.rank == 2U);
                BOOST_TEST(a.shape.dims[0] == 2U);
                BOOST_TEST(a.shape.dims[1] == 3U);
                std::vector<double> got;
                if (a.dtype == SPARK_DTYPE_I32) {
                    for (const auto r : m.state_values<std::int32_t>(name)) {
                        got.push_back(r);
                    }
                } else {
                    BOOST_TEST_REQUIRE(a.dtype == SPARK_DTYPE_F64);
                    got = m.state_values<double>(name);
                }
                BOOST_TEST(got == std::vector<double>(6, value), boost::test_tools::per_element());
            }
        }
        for (const auto s : m.out<std::uint8_t>(0)) {
            BOOST_TEST(s == 0U);
        }
    }
}

/// Three neurons under different currents: a checkpoint taken mid-run (mid-refractory for some),
/// restored after reset, resumes the identical trajectory bit for bit.
template <typename T>
void check_round_trip(models_fixture& f, const char* type, const double (&currents)[3]) {
    BOOST_TEST_CONTEXT(type << " " << dtype_text<T>()) {
        soma<T> m(f, type, {3});
        for (std::size_t o = 0; o < 3; ++o) {
            m.template in<T>(0)[o] = static_cast<T>(currents[o]);
        }
        for (std::uint64_t k = 0; k < 17; ++k) {
            m.step(k);
        }
        const auto saved = m.checkpoint();
        std::vector<std::vector<T>> v;
        std::vector<std::vector<std::uint8_t>> s;
        std::size_t spikes = 0;
        for (std::uint64_t k = 17; k < 60; ++k) {
            m.step(k);
            v.emplace_back(m.template out<T>(1).begin(), m.template out<T>(1).end());
            s.emplace_back(m.template out<std::uint8_t>(0).begin(),
                           m.template out<std::uint8_t>(0).end());
            for (const auto x : s.back()) {
                spikes += x;
            }
        }
        BOOST_TEST(spikes > 0U); // the run is not trivial
        m.reset();
        m.restore(saved);
        for (std::uint64_t k = 17; k < 60; ++k) {
            m.step(k);
            BOOST_TEST_CONTEXT("step " << k) {
                BOOST_TEST(std::vector<T>(m.template out<T>(1).begin(),
                                          m.template out<T>(1).end()) == v[k - 17],
                           boost::test_tools::per_element());
                BOOST_TEST(std::vector<std::uint8_t>(m.template out<std::uint8_t>(0).begin(),
                                                     m.template out<std::uint8_t>(0).end()) ==
                               s[k - 17],
                           boost::test_tools::per_element());
            }
        }
    }
}

} // namespace spark::test::somas
