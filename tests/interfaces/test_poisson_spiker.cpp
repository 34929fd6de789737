// SPDX-License-Identifier: Apache-2.0
// spark.poisson_spiker (upstream PoissonSpiker, docs/models.md section 8.1, scenario S5a):
// schema, spike counts against exact binomial 99.9% intervals for several rates, the edges of
// the probability, and reproducibility (seed, reset, independence from other elements).
#include <cstdint>
#include <string>
#include <vector>

#include <boost/test/unit_test.hpp>

#include <spark/abi/spark_abi.h>
#include <spark/registry/plugin_registry.hpp>

#include "binomial.hpp"
#include "interfaces_fixture.hpp"

using spark::test::binomial_interval;
using spark::test::port_spec;
using spark::test::str;

namespace {

template <typename T>
using spiker = spark::test::one_to_one<T, std::uint8_t>;

constexpr std::int32_t float_dtype(bool f64) {
    return f64 ? SPARK_DTYPE_F64 : SPARK_DTYPE_F32;
}

/// Spikes of a spiker of `units` elements with a constant signal, over `steps` steps.
template <typename T>
std::vector<std::vector<std::uint8_t>> run(spark::test::interfaces_fixture& f,
                                           const std::string& overrides,
                                           std::uint32_t units,
                                           const std::vector<T>& signal,
                                           std::uint64_t steps) {
    spiker<T> s(f,
                "poisson_spiker",
                overrides,
                port_spec(SPARK_PAYLOAD_FLOAT, float_dtype(sizeof(T) == 8), {units}));
    s.in = signal;
    std::vector<std::vector<std::uint8_t>> trains;
    for (std::uint64_t k = 0; k < steps; ++k) {
        s.step(k);
        trains.push_back(s.out);
    }
    return trains;
}

std::size_t total(const std::vector<std::vector<std::uint8_t>>& trains) {
    std::size_t n = 0;
    for (const auto& step : trains) {
        for (const auto x : step) {
            BOOST_TEST_REQUIRE(x <= 1U); // bit0 only, never an inhibition bit
            n += x;
        }
    }
    return n;
}

} // namespace

BOOST_FIXTURE_TEST_SUITE(poisson_spiker, spark::test::interfaces_fixture)

BOOST_AUTO_TEST_CASE(schema_has_upstreams_field_and_ports) {
    const auto& type = registry.resolve("poisson_spiker");
    BOOST_TEST(type.canonical_id == "spark.poisson_spiker");
    BOOST_TEST(type.plugin->id == "spark.interfaces");
    const auto& t = *type.abi;
    BOOST_TEST(t.kind == SPARK_KIND_INPUT_INTERFACE);
    BOOST_TEST_REQUIRE(t.field_count == 1U);
    BOOST_TEST(str(t.fields[0].name) == "max_freq");
    BOOST_TEST(t.fields[0].type == SPARK_FIELD_FLOAT);
    BOOST_TEST(str(t.fields[0].default_json) == "100.0");
    BOOST_TEST(str(t.fields[0].units) == "Hz");
    BOOST_TEST_REQUIRE(t.fields[0].validator_count == 1U);
    BOOST_TEST(t.fields[0].validators[0].kind == SPARK_VALIDATOR_POSITIVE);
    BOOST_TEST_REQUIRE(t.port_count == 2U);
    BOOST_TEST(str(t.ports[0].name) == "signal");
    BOOST_TEST(t.ports[0].direction == SPARK_PORT_INPUT);
    BOOST_TEST(t.ports[0].payload_kind == SPARK_PAYLOAD_FLOAT);
    BOOST_TEST(str(t.ports[0].payload_type) == "float_array");
    BOOST_TEST(t.ports[0].shape_rule == SPARK_SHAPE_ANY);
    BOOST_TEST(t.ports[0].required);
    BOOST_TEST(str(t.ports[1].name) == "spikes");
    BOOST_TEST(t.ports[1].direction == SPARK_PORT_OUTPUT);
    BOOST_TEST(t.ports[1].payload_kind == SPARK_PAYLOAD_SPIKES);
    BOOST_TEST(str(t.ports[1].payload_type) == "spike_array");
    BOOST_TEST(t.ports[1].shape_rule == SPARK_SHAPE_LIKE_PORT);
    BOOST_TEST(str(t.ports[1].shape_ref) == "signal");
}

BOOST_AUTO_TEST_CASE(output_has_the_shape_of_the_signal) {
    spiker<float> s(
        *this, "poisson_spiker", "{}", port_spec(SPARK_PAYLOAD_FLOAT, SPARK_DTYPE_F32, {4, 5}));
    BOOST_TEST(s.out_spec.payload_kind == SPARK_PAYLOAD_SPIKES);
    BOOST_TEST(s.out_spec.dtype == SPARK_DTYPE_U8);
    BOOST_TEST(s.out_spec.shape.rank == 2U);
    BOOST_TEST(s.out_spec.shape.dims[0] == 4U);
    BOOST_TEST(s.out_spec.shape.dims[1] == 5U);
    // The step -1 outputs are silent.
    BOOST_TEST(s.out == std::vector<std::uint8_t>(20, 0), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(spike_counts_lie_in_the_binomial_interval) {
    struct rate_case {
        double max_freq;
        double signal;
        double dt;
    };
    // S5a's three cases plus a small dt and a high rate: p = dt * max_freq / 1000 * signal.
    const rate_case cases[] = {{100.0, 0.5, 1.0},
                               {100.0, 1.0, 1.0},
                               {50.0, 0.2, 1.0},
                               {200.0, 0.5, 0.1},
                               {500.0, 0.8, 1.0}};
    constexpr std::uint32_t units = 100;
    constexpr std::uint64_t steps = 500; // 50 000 trials per case
    for (const bool f64 : {false, true}) {
        for (const auto& c : cases) {
            for (const std::uint64_t seed : {1ULL, 2024ULL}) {
                const double p = c.dt * (c.max_freq / 1000.0) * c.signal;
                BOOST_TEST_CONTEXT("seed " << seed << ", max_freq " << c.max_freq << ", signal "
                                           << c.signal << ", dt " << c.dt << ", float64 " << f64
                                           << ": p = " << p) {
                    const std::string overrides = R"({"seed": )" + std::to_string(seed) +
                                                  R"(, "max_freq": )" + std::to_string(c.max_freq) +
                                                  R"(, "dt": )" + std::to_string(c.dt) +
                                                  (f64 ? R"(, "dtype": "float64"})" : "}");
                    const std::size_t count =
                        f64 ? total(run<double>(*this,
                                                overrides,
                                                units,
                                                std::vector<double>(units, c.signal),
                                                steps))
                            : total(run<float>(
                                  *this,
                                  overrides,
                                  units,
                                  std::vector<float>(units, static_cast<float>(c.signal)),
                                  steps));
                    const auto [lo, hi] = binomial_interval(units * steps, p, 0.999);
                    BOOST_TEST((count >= lo && count <= hi),
                               count << " spikes, expected [" << lo << ", " << hi << "]");
                }
            }
        }
    }
}

BOOST_AUTO_TEST_CASE(every_element_fires_at_its_own_rate) {
    // A ramp of signals: element i has p = 0.1 * i / 9; each element's count is binomial.
    constexpr std::uint32_t units = 10;
    constexpr std::uint64_t steps = 4000;
    std::vector<double> signal(units);
    for (std::uint32_t i = 0; i < units; ++i) {
        signal[i] = static_cast<double>(i) / 9.0;
    }
    const auto trains =
        run<double>(*this, R"({"seed": 77, "dtype": "float64"})", units, signal, steps);
    for (std::uint32_t i = 0; i < units; ++i) {
        std::size_t count = 0;
        for (const auto& step : trains) {
            count += step[i];
        }
        const auto [lo, hi] = binomial_interval(steps, 0.1 * signal[i], 0.999);
        BOOST_TEST((count >= lo && count <= hi),
                   "element " << i << ": " << count << " spikes, expected [" << lo << ", " << hi
                              << "] (seed 77)");
    }
}

BOOST_AUTO_TEST_CASE(probability_edges_never_and_always) {
    const auto trains =
        run<float>(*this, R"({"seed": 3, "max_freq": 1000})", 4, {0.0F, -1.0F, 1.0F, 2.0F}, 200);
    for (const auto& step : trains) {
        BOOST_TEST_REQUIRE(step[0] == 0U); // p = 0
        BOOST_TEST_REQUIRE(step[1] == 0U); // p < 0
        BOOST_TEST_REQUIRE(step[2] == 1U); // p = 1
        BOOST_TEST_REQUIRE(step[3] == 1U); // p > 1, not clipped, spikes every step
    }
}

BOOST_AUTO_TEST_CASE(the_same_seed_reproduces_a_run_and_another_seed_does_not) {
    const std::vector<float> signal(50, 0.5F);
    const auto a = run<float>(*this, R"({"seed": 5})", 50, signal, 100);
    const auto b = run<float>(*this, R"({"seed": 5})", 50, signal, 100);
    const auto c = run<float>(*this, R"({"seed": 6})", 50, signal, 100);
    BOOST_TEST((a == b));
    BOOST_TEST((a != c));
}

BOOST_AUTO_TEST_CASE(reset_restarts_the_same_sequence) {
    spiker<float> s(*this,
                    "poisson_spiker",
                    R"({"seed": 19})",
                    port_spec(SPARK_PAYLOAD_FLOAT, SPARK_DTYPE_F32, {30}));
    s.in.assign(30, 0.7F);
    std::vector<std::vector<std::uint8_t>> first;
    for (std::uint64_t k = 0; k < 20; ++k) {
        s.step(k);
        first.push_back(s.out);
    }
    s.reset();
    BOOST_TEST(s.out == std::vector<std::uint8_t>(30, 0), boost::test_tools::per_element());
    for (std::uint64_t k = 0; k < 20; ++k) {
        s.step(k);
        BOOST_TEST_REQUIRE((s.out == first[k]), "step " << k);
    }
}

BOOST_AUTO_TEST_CASE(a_step_depends_only_on_seed_step_index_and_signal) {
    // A fresh instance that starts at step 150 (as after restoring a checkpoint, in the middle
    // of one of the generator's 64-step segments) fires exactly as one that ran from step 0.
    const auto make = [&] {
        spiker<float> s(*this,
                        "poisson_spiker",
                        R"({"seed": 31})",
                        port_spec(SPARK_PAYLOAD_FLOAT, SPARK_DTYPE_F32, {25}));
        s.in.assign(25, 0.6F);
        return s;
    };
    auto whole = make();
    std::vector<std::vector<std::uint8_t>> expected;
    for (std::uint64_t k = 0; k < 300; ++k) {
        whole.step(k);
        expected.push_back(whole.out);
    }
    auto late = make();
    for (std::uint64_t k = 150; k < 300; ++k) {
        late.step(k);
        BOOST_TEST_REQUIRE((late.out == expected[k]), "step " << k);
    }
    // Jumping back (a restore into the past) lands on the same draws too.
    whole.step(100);
    BOOST_TEST((whole.out == expected[100]));
    whole.step(101);
    BOOST_TEST((whole.out == expected[101]));
}

BOOST_AUTO_TEST_CASE(an_element_does_not_depend_on_the_others_signals) {
    // Element 0 sees the same draws whatever elements 1.. carry.
    const auto a =
        run<double>(*this, R"({"seed": 8, "dtype": "float64"})", 3, {0.5, 0.0, 0.0}, 300);
    const auto b =
        run<double>(*this, R"({"seed": 8, "dtype": "float64"})", 3, {0.5, 1.0, 0.3}, 300);
    for (std::size_t k = 0; k < a.size(); ++k) {
        BOOST_TEST_REQUIRE(a[k][0] == b[k][0]);
    }
    // Different elements get different draws: their trains differ.
    const auto c = run<double>(*this, R"({"seed": 8, "dtype": "float64"})", 2, {0.5, 0.5}, 300);
    bool differ = false;
    for (const auto& step : c) {
        differ = differ || step[0] != step[1];
    }
    BOOST_TEST(differ);
}

BOOST_AUTO_TEST_CASE(a_non_positive_max_freq_is_refused_by_the_schema) {
    const auto found = issues("poisson_spiker", R"({"max_freq": 0})");
    BOOST_TEST_REQUIRE(found.size() == 1U);
    BOOST_TEST(found[0].find("probe/max_freq") == 0U, found[0]);
}

BOOST_AUTO_TEST_SUITE_END()
