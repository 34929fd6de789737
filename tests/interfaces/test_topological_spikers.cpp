// SPDX-License-Identifier: Apache-2.0
// spark.topological_poisson_spiker and spark.topological_linear_spiker (upstream
// TopologicalPoissonSpiker / TopologicalLinearSpiker, docs/models.md section 8.1): schemas,
// output shapes, the bump values h and a linear spike train against
// reference/golden_interfaces.py, Poisson counts against exact binomial intervals, reset, the
// state round trip, and the errors for glue/mins/maxs that do not fit the signal.
#include <cmath>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include <boost/test/unit_test.hpp>

#include <spark/abi/spark_abi.h>
#include <spark/registry/plugin_registry.hpp>
#include <spark/sdk/buffers.hpp>

#include "binomial.hpp"
#include "interfaces_fixture.hpp"

using spark::test::binomial_interval;
using spark::test::port_spec;
using spark::test::str;

namespace {

template <typename T>
using spiker = spark::test::one_to_one<T, std::uint8_t>;

template <typename T>
spiker<T> make(spark::test::interfaces_fixture& f,
               const char* type,
               const std::string& overrides,
               std::initializer_list<std::uint32_t> dims) {
    return spiker<T>(
        f, type, overrides, port_spec(SPARK_PAYLOAD_FLOAT, spark::sdk::dtype_of<T>, dims));
}

std::string dtype_json(bool f64) {
    return f64 ? R"("dtype": "float64")" : R"("dtype": "float32")";
}

/// V gained in one step for a drive of 1 at LinearSpiker's defaults (tau 100, cd 2, max_freq
/// 100, dt 1), from docs/models.md section 8.1: tau (1 - alpha) E / (E - 1), E = exp(8 / 100).
double default_drive() {
    const double e = std::exp(0.08);
    return 100.0 * (1.0 - std::exp(-0.01)) * e / (e - 1.0);
}

/// h of every output after the first step of a topological_linear_spiker with LinearSpiker's
/// defaults: the encoders start ready, so V after step 0 is drive * h.
template <typename T>
std::vector<double> observed_bump(spark::test::interfaces_fixture& f,
                                  const std::string& topology,
                                  std::initializer_list<std::uint32_t> dims,
                                  const std::vector<T>& signal) {
    auto s = make<T>(f,
                     "topological_linear_spiker",
                     "{" + topology + ", " + dtype_json(sizeof(T) == 8) + "}",
                     dims);
    s.in = signal;
    s.step(0);
    const auto arrays = s.instance.state();
    BOOST_TEST_REQUIRE(arrays.size() == 2U);
    BOOST_TEST_REQUIRE(str(arrays[0].name) == "potential");
    const auto* v = static_cast<const T*>(arrays[0].data);
    std::vector<double> h;
    for (std::size_t o = 0; o < s.out.size(); ++o) {
        BOOST_TEST_REQUIRE(s.out[o] == 0U); // no h reaches tau in one step
        h.push_back(static_cast<double>(v[o]) / default_drive());
    }
    return h;
}

template <typename T>
void check_bump(const std::vector<double>& found, const std::vector<double>& expected) {
    BOOST_TEST_REQUIRE(found.size() == expected.size());
    // float64: the formula to rounding; float32: a few ulps of h plus the float32 constants.
    const double relative = sizeof(T) == 8 ? 1e-12 : 1e-5;
    const double absolute = sizeof(T) == 8 ? 1e-15 : 2e-6;
    for (std::size_t o = 0; o < found.size(); ++o) {
        BOOST_TEST(std::abs(found[o] - expected[o]) <= relative * expected[o] + absolute,
                   "output " << o << ": " << found[o] << " vs " << expected[o]);
    }
}

const std::string tutorial_topology = R"("mins": [-1], "maxs": [1], "sigma": 0.03125)";

// reference/golden_interfaces.py, "bump h, resolution 8, sigma 1/32, mins -1, maxs 1".
const std::vector<double> bump8_unglued_minus_half = {0.001027058303140339,
                                                      0.18560033976932266,
                                                      0.8189419698172893,
                                                      0.015911633852464132,
                                                      8.437728611203381e-05,
                                                      2.5367044854756317e-06,
                                                      4.343197932270371e-07,
                                                      1.9794801886961406e-07};
const std::vector<double> bump8_unglued_0_3 = {3.191147916393264e-07,
                                               1.289355920487376e-06,
                                               2.3673359429358704e-05,
                                               0.003056127840251997,
                                               0.3919578071199598,
                                               0.5297984609809049,
                                               0.005309563784759339,
                                               3.5403294509315365e-05};
const std::vector<double> bump8_glued_minus_half = {0.00033546262790251185,
                                                    1.1719350932929799e-06,
                                                    1.1253517471925912e-07,
                                                    1.1719350932929799e-06,
                                                    0.00033546262790251185,
                                                    0.09602509163118446,
                                                    1.0,
                                                    0.09602509163118446};
const std::vector<double> bump8_glued_0_3 = {3.0441707720487297e-06,
                                             0.0011726087872112173,
                                             0.2169986720598159,
                                             0.9062017865843054,
                                             0.036967431575306416,
                                             9.596992274541826e-05,
                                             5.185984487879201e-07,
                                             1.2418335119756442e-07};
// "... resolution 128 ..., signal 0.3 (neurons 80..84)".
const std::vector<double> bump128_unglued_80 = {0.9384785163081711,
                                                0.9767749091106817,
                                                0.997043068987613,
                                                0.9980195174209708,
                                                0.979642828147038};
const std::vector<double> bump128_glued_80 = {9.596992274541826e-05,
                                              6.52244067987014e-05,
                                              4.450394966912057e-05,
                                              3.051408383132534e-05,
                                              2.1043129164178917e-05};
// "bump h, 2-D signal ..." (row-major (2, 2, 4)).
const std::vector<double> bump_2d = {0.1164457032627664,
                                     0.7206345447581063,
                                     0.023928984518314586,
                                     0.008038448567518727,
                                     0.006737946999085469,
                                     0.0820849986238988,
                                     1.0,
                                     0.0820849986238988,
                                     0.008038448567518727,
                                     0.023928984518314586,
                                     0.7206345447581063,
                                     0.1164457032627664,
                                     1.0,
                                     0.0820849986238988,
                                     0.006737946999085469,
                                     0.0820849986238988};
// "bump h, per-element mins [0, -2], maxs [2, 2] ...".
const std::vector<double> bump_per_element = {0.4312064044746298,
                                              0.65046613898866,
                                              1.0,
                                              0.65046613898866,
                                              0.4312064044746298,
                                              0.3810960500608451,
                                              0.4312064044746298,
                                              0.65046613898866,
                                              1.0,
                                              0.65046613898866};
// "bump h, resolution 8 ..., glue=0 signal=0.0".
const std::vector<double> bump8_unglued_0 = {1.4287730212318865e-06,
                                             2.8872713679999088e-05,
                                             0.004027520661953963,
                                             0.4586870108154707,
                                             0.4586870108154707,
                                             0.004027520661953963,
                                             2.8872713679999088e-05,
                                             1.4287730212318865e-06};

template <typename T>
void check_all_bumps(spark::test::interfaces_fixture& f) {
    const auto res8 = tutorial_topology + R"(, "resolution": 8)";
    check_bump<T>(observed_bump<T>(f, res8, {1}, {T(-0.5)}), bump8_unglued_minus_half);
    check_bump<T>(observed_bump<T>(f, res8, {1}, {T(0.3)}), bump8_unglued_0_3);
    check_bump<T>(observed_bump<T>(f, res8, {1}, {T(0.0)}), bump8_unglued_0);
    check_bump<T>(observed_bump<T>(f, res8 + R"(, "glue": [1])", {1}, {T(-0.5)}),
                  bump8_glued_minus_half);
    check_bump<T>(observed_bump<T>(f, res8 + R"(, "glue": [1])", {1}, {T(0.3)}), bump8_glued_0_3);
    for (const bool glued : {false, true}) {
        const auto h = observed_bump<T>(f,
                                        tutorial_topology + R"(, "resolution": 128, "glue": [)" +
                                            (glued ? "1" : "0") + "]",
                                        {1},
                                        {T(0.3)});
        check_bump<T>(std::vector<double>(h.begin() + 80, h.begin() + 85),
                      glued ? bump128_glued_80 : bump128_unglued_80);
    }
    check_bump<T>(observed_bump<T>(f,
                                   R"("glue": [0, 1, 0, 1], "resolution": 4, "sigma": 0.1)",
                                   {2, 2},
                                   {T(0.25), T(0.5), T(0.75), T(1.0)}),
                  bump_2d);
    check_bump<T>(observed_bump<T>(f,
                                   R"("mins": [0, -2], "maxs": [2, 2], "resolution": 5,
                                      "sigma": 0.5)",
                                   {2},
                                   {T(1.0), T(1.0)}),
                  bump_per_element);
}

// reference/golden_interfaces.py, "topological_linear_spiker, tutorial constants": the outputs
// that fire at steps 0..13 (signal [-1, 0, 0.3, 1], resolution 8), unglued and glued.
const std::vector<std::vector<std::size_t>> tutorial_train[2] = {
    {{}, {}, {}, {0, 31}, {}, {21}, {11, 12}, {}, {20}, {0, 31}, {}, {}, {}, {21}},
    {{}, {}, {}, {0, 12, 19, 24}, {}, {}, {}, {}, {}, {0, 12, 19, 24}, {}, {}, {}, {}}};

template <typename T>
void check_tutorial_train(spark::test::interfaces_fixture& f, bool glued) {
    auto s = make<T>(f,
                     "topological_linear_spiker",
                     "{" + tutorial_topology + R"(, "resolution": 8, "tau": 30, "cd": 2,
                         "max_freq": 200, "glue": [)" +
                         (glued ? "1" : "0") + "], " + dtype_json(sizeof(T) == 8) + "}",
                     {4});
    s.in = {T(-1), T(0), T(0.3), T(1)};
    for (std::uint64_t k = 0; k < 14; ++k) {
        s.step(k);
        std::vector<std::size_t> fired;
        for (std::size_t o = 0; o < s.out.size(); ++o) {
            if (s.out[o] != 0) {
                fired.push_back(o);
            }
        }
        BOOST_TEST(fired == tutorial_train[glued ? 1 : 0][k], boost::test_tools::per_element());
    }
}

template <typename T>
std::string failure(spark::test::interfaces_fixture& f,
                    const char* type,
                    const std::string& overrides,
                    std::initializer_list<std::uint32_t> dims) {
    try {
        (void)make<T>(f, type, overrides, dims);
    } catch (const spark::registry::plugin_error& e) {
        BOOST_TEST(e.status() == SPARK_ERR_INVALID_ARGUMENT);
        return e.what();
    }
    BOOST_FAIL("the spiker was built");
    return {};
}

const char* const both[] = {"topological_poisson_spiker", "topological_linear_spiker"};

} // namespace

BOOST_FIXTURE_TEST_SUITE(topological_spikers, spark::test::interfaces_fixture)

BOOST_AUTO_TEST_CASE(schemas_have_upstreams_fields_and_ports) {
    struct field {
        const char* name;
        std::int32_t type;
        const char* default_json;
        const char* units;
    };
    const std::vector<field> topology = {{"glue", SPARK_FIELD_FLOAT_ARRAY, "[0.0]", ""},
                                         {"mins", SPARK_FIELD_FLOAT_ARRAY, "[0.0]", ""},
                                         {"maxs", SPARK_FIELD_FLOAT_ARRAY, "[1.0]", ""},
                                         {"resolution", SPARK_FIELD_INT, "64", ""},
                                         {"sigma", SPARK_FIELD_FLOAT, "0.03125", ""}};
    for (const char* name : both) {
        BOOST_TEST_CONTEXT(name) {
            const auto& type = registry.resolve(name);
            BOOST_TEST(type.canonical_id == std::string("spark.") + name);
            BOOST_TEST(type.plugin->id == "spark.interfaces");
            const auto& t = *type.abi;
            BOOST_TEST(t.kind == SPARK_KIND_INPUT_INTERFACE);
            auto expected = topology;
            if (std::string(name) == "topological_poisson_spiker") {
                expected.push_back({"max_freq", SPARK_FIELD_FLOAT, "100.0", "Hz"});
            } else {
                expected.push_back({"tau", SPARK_FIELD_FLOAT, "100.0", "ms"});
                expected.push_back({"cd", SPARK_FIELD_FLOAT, "2.0", "ms"});
                expected.push_back({"max_freq", SPARK_FIELD_FLOAT, "100.0", "Hz"});
            }
            BOOST_TEST_REQUIRE(t.field_count == expected.size());
            for (std::uint32_t i = 0; i < t.field_count; ++i) {
                BOOST_TEST_CONTEXT(expected[i].name) {
                    BOOST_TEST(str(t.fields[i].name) == expected[i].name);
                    BOOST_TEST(t.fields[i].type == expected[i].type);
                    BOOST_TEST(str(t.fields[i].default_json) == expected[i].default_json);
                    BOOST_TEST(str(t.fields[i].units) == expected[i].units);
                }
            }
            // resolution, sigma and the spiker fields are positive
            for (std::uint32_t i = 3; i < t.field_count; ++i) {
                BOOST_TEST_REQUIRE(t.fields[i].validator_count == 1U);
                BOOST_TEST(t.fields[i].validators[0].kind == SPARK_VALIDATOR_POSITIVE);
            }
            BOOST_TEST_REQUIRE(t.port_count == 2U);
            BOOST_TEST(str(t.ports[0].name) == "signal");
            BOOST_TEST(t.ports[0].payload_kind == SPARK_PAYLOAD_FLOAT);
            BOOST_TEST(t.ports[0].shape_rule == SPARK_SHAPE_ANY);
            BOOST_TEST(str(t.ports[1].name) == "spikes");
            BOOST_TEST(t.ports[1].payload_kind == SPARK_PAYLOAD_SPIKES);
            BOOST_TEST(str(t.ports[1].payload_type) == "spike_array");
            BOOST_TEST(t.ports[1].shape_rule == SPARK_SHAPE_COMPUTED);
            BOOST_TEST(str(t.ports[1].shape_ref) == "signal shape + (resolution,)");
        }
    }
}

BOOST_AUTO_TEST_CASE(spikes_have_the_signal_shape_plus_resolution) {
    // docs/file-format.md section 2.5: the tutorial's spiker turns a (4,) signal into (4, 128).
    for (const char* name : both) {
        BOOST_TEST_CONTEXT(name) {
            const std::string linear =
                std::string(name) == "topological_linear_spiker" ? R"("tau": 30, "cd": 2, )" : "";
            auto s = make<float>(*this,
                                 name,
                                 "{" + linear + R"("max_freq": 200, "glue": [0], "mins": [-1],
                                     "maxs": [1], "resolution": 128, "sigma": 0.03125})",
                                 {4});
            BOOST_TEST(s.out_spec.payload_kind == SPARK_PAYLOAD_SPIKES);
            BOOST_TEST(s.out_spec.dtype == SPARK_DTYPE_U8);
            BOOST_TEST_REQUIRE(s.out_spec.shape.rank == 2U);
            BOOST_TEST(s.out_spec.shape.dims[0] == 4U);
            BOOST_TEST(s.out_spec.shape.dims[1] == 128U);
            BOOST_TEST(s.out == std::vector<std::uint8_t>(512, 0),
                       boost::test_tools::per_element());
            auto nd = make<double>(*this, name, R"({"dtype": "float64", "resolution": 5})", {2, 3});
            BOOST_TEST_REQUIRE(nd.out_spec.shape.rank == 3U);
            BOOST_TEST(nd.out_spec.shape.dims[0] == 2U);
            BOOST_TEST(nd.out_spec.shape.dims[1] == 3U);
            BOOST_TEST(nd.out_spec.shape.dims[2] == 5U);
        }
    }
}

BOOST_AUTO_TEST_CASE(every_neuron_of_a_glued_dimension_encodes_its_own_phase) {
    // On a periodic dimension neuron r's bump peaks (h = 1) where sin(pi r / res + pi x) = 0,
    // x = 1 - r / res: each of the 8 neurons at its own point of the period, the others below
    // 1 there (upstream's pi r / (res - 1) gives neurons 0 and 7 the same peak).
    const std::size_t res = 8;
    for (std::size_t r = 0; r < res; ++r) {
        const double x = 1.0 - static_cast<double>(r) / static_cast<double>(res);
        const auto h = observed_bump<double>(
            *this, R"("glue": [1], "resolution": 8, "sigma": 0.03125)", {1}, {x});
        BOOST_TEST_CONTEXT("neuron " << r) {
            for (std::size_t o = 0; o < res; ++o) {
                if (o == r) {
                    BOOST_TEST(h[o] == 1.0, boost::test_tools::tolerance(1e-12));
                } else {
                    BOOST_TEST(h[o] < 0.1, "neuron " << o << " shares the phase: h " << h[o]);
                }
            }
        }
    }
}

BOOST_AUTO_TEST_CASE(scalar_glue_mins_maxs_as_in_the_tutorial_file_broadcast) {
    // docs/file-format.md section 2.5: the tutorial's .scfg gives glue/mins/maxs as scalars 0/-1/1;
    // the config layer reads a number for a float-array field as one value for every element.
    const auto h = observed_bump<double>(
        *this,
        R"("glue": 0, "mins": -1, "maxs": 1, "resolution": 8, "sigma": 0.03125)",
        {1},
        {0.3});
    check_bump<double>(h, bump8_unglued_0_3);
}

BOOST_AUTO_TEST_CASE(bump_values_match_the_reference_float64) {
    check_all_bumps<double>(*this);
}

BOOST_AUTO_TEST_CASE(bump_values_match_the_reference_float32) {
    check_all_bumps<float>(*this);
}

BOOST_AUTO_TEST_CASE(linear_spike_train_matches_the_reference) {
    for (const bool glued : {false, true}) {
        BOOST_TEST_CONTEXT("glued " << glued) {
            check_tutorial_train<double>(*this, glued);
            check_tutorial_train<float>(*this, glued);
        }
    }
}

BOOST_AUTO_TEST_CASE(poisson_counts_lie_in_the_binomial_interval) {
    // Signal 0 on [-1, 1], resolution 8, unglued: neuron r fires with p = 0.5 h_r per step
    // (max_freq 500, dt 1), h from reference/golden_interfaces.py.
    constexpr std::uint64_t steps = 4000;
    for (const bool f64 : {false, true}) {
        for (const std::uint64_t seed : {11ULL, 4242ULL}) {
            BOOST_TEST_CONTEXT("seed " << seed << ", float64 " << f64) {
                const std::string overrides =
                    R"({"seed": )" + std::to_string(seed) + ", " + tutorial_topology +
                    R"(, "resolution": 8, "max_freq": 500, )" + dtype_json(f64) + "}";
                std::vector<std::size_t> counts(8, 0);
                const auto run = [&](auto& s) {
                    for (std::uint64_t k = 0; k < steps; ++k) {
                        s.step(k);
                        for (std::size_t o = 0; o < 8; ++o) {
                            BOOST_TEST_REQUIRE(s.out[o] <= 1U);
                            counts[o] += s.out[o];
                        }
                    }
                };
                if (f64) {
                    auto s = make<double>(*this, "topological_poisson_spiker", overrides, {1});
                    s.in = {0.0};
                    run(s);
                } else {
                    auto s = make<float>(*this, "topological_poisson_spiker", overrides, {1});
                    s.in = {0.0F};
                    run(s);
                }
                for (std::size_t o = 0; o < 8; ++o) {
                    const auto [lo, hi] = binomial_interval(steps, 0.5 * bump8_unglued_0[o], 0.999);
                    BOOST_TEST((counts[o] >= lo && counts[o] <= hi),
                               "neuron " << o << ": " << counts[o] << " spikes, expected [" << lo
                                         << ", " << hi << "]");
                }
            }
        }
    }
}

BOOST_AUTO_TEST_CASE(poisson_reset_and_seed_reproduce_the_train) {
    const auto train = [&](std::uint64_t seed) {
        auto s = make<float>(*this,
                             "topological_poisson_spiker",
                             R"({"seed": )" + std::to_string(seed) +
                                 R"(, "resolution": 16, "sigma": 0.5, "max_freq": 300})",
                             {3});
        s.in = {0.2F, 0.5F, 0.9F};
        std::vector<std::vector<std::uint8_t>> first;
        for (std::uint64_t k = 0; k < 100; ++k) {
            s.step(k);
            first.push_back(s.out);
        }
        s.reset();
        BOOST_TEST(s.out == std::vector<std::uint8_t>(48, 0), boost::test_tools::per_element());
        for (std::uint64_t k = 0; k < 100; ++k) {
            s.step(k);
            BOOST_TEST_REQUIRE((s.out == first[k]), "step " << k);
        }
        return first;
    };
    const auto a = train(3);
    BOOST_TEST((a == train(3)));
    BOOST_TEST((a != train(4)));
}

BOOST_AUTO_TEST_CASE(linear_reset_and_state_round_trip) {
    auto s = make<double>(*this,
                          "topological_linear_spiker",
                          R"({"dtype": "float64", "resolution": 6, "sigma": 0.5,
                              "max_freq": 150})",
                          {2});
    s.in = {0.3, 0.8};
    std::vector<std::vector<std::uint8_t>> from_start;
    for (std::uint64_t k = 0; k < 60; ++k) {
        s.step(k);
        from_start.push_back(s.out);
    }
    // Reset restarts the same train.
    s.reset();
    for (std::uint64_t k = 0; k < 20; ++k) {
        s.step(k);
        BOOST_TEST_REQUIRE((s.out == from_start[k]), "step " << k);
    }
    // Checkpoint after step 19, reset, restore: steps 20.. as in the uninterrupted run.
    auto arrays = s.instance.state();
    BOOST_TEST_REQUIRE(arrays.size() == 2U);
    BOOST_TEST(str(arrays[0].name) == "potential");
    BOOST_TEST(str(arrays[1].name) == "refractory");
    std::vector<std::vector<double>> checkpoint;
    for (const auto& a : arrays) {
        BOOST_TEST(a.dtype == SPARK_DTYPE_F64);
        BOOST_TEST_REQUIRE(a.shape.rank == 2U);
        BOOST_TEST(a.shape.dims[0] == 2U);
        BOOST_TEST(a.shape.dims[1] == 6U);
        const auto* data = static_cast<const double*>(a.data);
        checkpoint.emplace_back(data, data + 12);
    }
    s.reset();
    arrays = s.instance.state();
    for (std::size_t a = 0; a < 2; ++a) {
        std::memcpy(arrays[a].data, checkpoint[a].data(), 12 * sizeof(double));
    }
    s.instance.state_loaded();
    for (std::uint64_t k = 20; k < 60; ++k) {
        s.step(k);
        BOOST_TEST_REQUIRE((s.out == from_start[k]), "step " << k);
    }
    // Some neurons fired over the 60 steps, so the round trip was not trivially silent.
    std::size_t total = 0;
    for (const auto& step : from_start) {
        for (const auto x : step) {
            total += x;
        }
    }
    BOOST_TEST(total > 0U);
}

BOOST_AUTO_TEST_CASE(glue_mins_maxs_that_do_not_fit_the_signal_fail_at_build) {
    for (const char* name : both) {
        const std::string prefix = "spark." + std::string(name) +
                                   " 'probe': build failed "
                                   "(SPARK_ERR_INVALID_ARGUMENT): ";
        BOOST_TEST(failure<float>(*this, name, R"({"glue": [0, 1, 0]})", {4}) ==
                   prefix + "glue has 3 values but the signal has 4 elements; give 1 value (for "
                            "every element) or 4 (one per element, row-major)");
        BOOST_TEST(failure<float>(*this, name, R"({"mins": [0, 0], "maxs": [1]})", {2, 2}) ==
                   prefix + "mins has 2 values but the signal has 4 elements; give 1 value (for "
                            "every element) or 4 (one per element, row-major)");
        BOOST_TEST(failure<float>(*this, name, R"({"maxs": [1, 2, 3]})", {2}) ==
                   prefix + "maxs has 3 values but the signal has 2 elements; give 1 value (for "
                            "every element) or 2 (one per element, row-major)");
        BOOST_TEST(failure<float>(*this, name, "{}", {1, 1, 1, 1, 1, 1, 1, 1}) ==
                   prefix + "the signal has rank 8; the spikes add a resolution axis, so the "
                            "signal rank must be < 8");
    }
}

BOOST_AUTO_TEST_CASE(bad_glue_and_unordered_bounds_fail_at_create) {
    for (const char* name : both) {
        const std::string prefix = "spark." + std::string(name) +
                                   " 'probe': create failed "
                                   "(SPARK_ERR_INVALID_ARGUMENT): ";
        BOOST_TEST(failure<float>(*this, name, R"({"glue": [0, 0.5]})", {2}) ==
                   prefix + "glue[1] is 0.5; use 0 (bounded) or 1 (periodic)");
        BOOST_TEST(failure<float>(*this, name, R"({"mins": [0, 1], "maxs": [1, 1]})", {2}) ==
                   prefix + "mins[1] = 1.0 is not below maxs[1] = 1.0; every element needs mins "
                            "< maxs");
        BOOST_TEST(failure<float>(*this, name, R"({"mins": [2]})", {3}) ==
                   prefix + "mins[0] = 2.0 is not below maxs[0] = 1.0; every element needs mins "
                            "< maxs");
    }
    BOOST_TEST(failure<float>(*this, "topological_linear_spiker", R"({"cd": 12})", {2}) ==
               "spark.topological_linear_spiker 'probe': create failed "
               "(SPARK_ERR_INVALID_ARGUMENT): cd = 12.0 ms leaves no time to integrate at "
               "max_freq = 100.0 Hz; cd must be < 1000 / max_freq = 10.0 ms");
}

BOOST_AUTO_TEST_CASE(the_schema_refuses_empty_or_out_of_range_arrays_and_non_positive_sizes) {
    for (const char* name : both) {
        BOOST_TEST_CONTEXT(name) {
            const std::pair<const char*, const char*> cases[] = {
                {R"({"glue": [2]})", "probe/glue"},
                {R"({"mins": []})", "probe/mins"},
                {R"({"maxs": []})", "probe/maxs"},
                {R"({"resolution": 0})", "probe/resolution"},
                {R"({"sigma": 0})", "probe/sigma"},
                {R"({"max_freq": -1})", "probe/max_freq"}};
            for (const auto& [overrides, path] : cases) {
                const auto found = issues(name, overrides);
                BOOST_TEST_REQUIRE(found.size() == 1U, overrides);
                BOOST_TEST(found[0].find(path) == 0U, found[0]);
            }
        }
    }
}

BOOST_AUTO_TEST_SUITE_END()
