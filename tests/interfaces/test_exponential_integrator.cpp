// SPDX-License-Identifier: Apache-2.0
// spark.exponential_integrator (upstream ExponentialIntegrator, docs/models.md section 8.2):
// scenario S5c (docs/models.md section 13) for the non-smooth trace, our fixed smooth trace against
// reference/golden_interfaces.py, the group map (equal split, shuffle, user map) and the checks.
#include <algorithm>
#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include <boost/test/unit_test.hpp>

#include <spark/abi/spark_abi.h>
#include <spark/registry/plugin_registry.hpp>

#include "interfaces_fixture.hpp"

using spark::test::port_spec;
using spark::test::str;

namespace {

template <typename T>
using integrator = spark::test::one_to_one<std::uint8_t, T>;

template <typename T>
integrator<T>
make(spark::test::interfaces_fixture& f, const std::string& overrides, std::uint32_t inputs) {
    return integrator<T>(f,
                         "exponential_integrator",
                         overrides,
                         port_spec(SPARK_PAYLOAD_SPIKES, SPARK_DTYPE_U8, {inputs}));
}

/// S5c's input: 10 inputs, group 0 = inputs 0..4 all spike at step 0 only, group 1 = inputs
/// 5..9 with exactly one spike every step.
void s5c_input(std::vector<std::uint8_t>& in, std::uint64_t k) {
    std::fill(in.begin(), in.end(), 0);
    if (k == 0) {
        std::fill(in.begin(), in.begin() + 5, 1);
    }
    in[5 + k % 5] = 1;
}

// S5c (docs/models.md section 13), smooth_trace False (full precision:
// reference/golden_interfaces.py).
const double s5c_plain[8][2] = {{4.0, 0.8},
                                {3.2749230123119273, 1.4549846024623856},
                                {2.681280184142557, 1.991240639290897},
                                {2.1952465443761056, 2.430289948166118},
                                {1.797315856468886, 2.7897531194598955},
                                {1.471517764685769, 3.0840566723970495},
                                {1.204776847648808, 3.3250120419268114},
                                {0.9863878557664256, 3.5222896130800967}};
// reference/golden_interfaces.py, "S5c smooth fixed".
const double s5c_smooth_fixed[8][2] = {{0.0, 0.0},
                                       {0.5442601596634309, 0.10885203193268622},
                                       {0.8956648006795085, 0.28798499206858774},
                                       {1.1091273343582222, 0.5098104589402324},
                                       {1.2248595814185252, 0.7547823752239378},
                                       {1.2722267909723806, 1.009227733418414},
                                       {1.2725992612877346, 1.263747585675961},
                                       {1.2414610290737313, 1.5120397914907073}};

template <typename T>
void check_s5c(spark::test::interfaces_fixture& f,
               const std::string& overrides,
               const double (&expected)[8][2],
               double tolerance) {
    auto m = make<T>(f, overrides, 10);
    for (std::uint64_t k = 0; k < 8; ++k) {
        s5c_input(m.in, k);
        m.step(k);
        for (std::size_t j = 0; j < 2; ++j) {
            BOOST_TEST_CONTEXT("step " << k << " output " << j) {
                BOOST_TEST(static_cast<double>(m.out[j]) == expected[k][j],
                           boost::test_tools::tolerance(tolerance));
            }
        }
    }
}

/// The output group of each input, found by firing one input at a time after a reset (and
/// reading the outputs one step later, when the smooth trace has risen too).
std::vector<std::size_t> observed_groups(integrator<double>& m) {
    std::vector<std::size_t> groups;
    for (std::size_t i = 0; i < m.in.size(); ++i) {
        m.reset();
        std::fill(m.in.begin(), m.in.end(), 0);
        m.in[i] = 1;
        m.step(0);
        m.in[i] = 0;
        m.step(1);
        std::size_t hit = m.out.size();
        for (std::size_t j = 0; j < m.out.size(); ++j) {
            if (m.out[j] != 0.0) {
                BOOST_TEST_REQUIRE(hit == m.out.size()); // exactly one group
                hit = j;
            }
        }
        BOOST_TEST_REQUIRE(hit < m.out.size());
        groups.push_back(hit);
    }
    return groups;
}

std::string build_failure(spark::test::interfaces_fixture& f,
                          const std::string& overrides,
                          std::uint32_t inputs) {
    try {
        (void)make<float>(f, overrides, inputs);
    } catch (const spark::registry::plugin_error& e) {
        BOOST_TEST(e.status() == SPARK_ERR_INVALID_ARGUMENT);
        return e.what();
    }
    BOOST_FAIL("the integrator was built");
    return {};
}

const std::string plain_sorted = R"("shuffle": false, "smooth_trace": false)";

} // namespace

BOOST_FIXTURE_TEST_SUITE(exponential_integrator, spark::test::interfaces_fixture)

BOOST_AUTO_TEST_CASE(schema_has_upstreams_fields_and_ports) {
    const auto& type = registry.resolve("exponential_integrator");
    BOOST_TEST(type.canonical_id == "spark.exponential_integrator");
    BOOST_TEST(type.plugin->id == "spark.interfaces");
    const auto& t = *type.abi;
    BOOST_TEST(t.kind == SPARK_KIND_OUTPUT_INTERFACE);
    struct field {
        const char* name;
        std::int32_t type;
        const char* default_json;
        const char* units;
    };
    const field expected[] = {{"num_outputs", SPARK_FIELD_INT, nullptr, ""},
                              {"saturation_freq", SPARK_FIELD_FLOAT, "50.0", "Hz"},
                              {"tau", SPARK_FIELD_FLOAT, "5.0", "ms"},
                              {"output_map", SPARK_FIELD_INT_ARRAY, "[]", ""},
                              {"shuffle", SPARK_FIELD_BOOL, "true", ""},
                              {"smooth_trace", SPARK_FIELD_BOOL, "true", ""}};
    BOOST_TEST_REQUIRE(t.field_count == 6U);
    for (std::uint32_t i = 0; i < 6; ++i) {
        BOOST_TEST_CONTEXT(expected[i].name) {
            BOOST_TEST(str(t.fields[i].name) == expected[i].name);
            BOOST_TEST(t.fields[i].type == expected[i].type);
            if (expected[i].default_json == nullptr) {
                BOOST_TEST(t.fields[i].default_json == nullptr); // required
            } else {
                BOOST_TEST(str(t.fields[i].default_json) == expected[i].default_json);
            }
            BOOST_TEST(str(t.fields[i].units) == expected[i].units);
        }
    }
    for (std::uint32_t i = 0; i < 3; ++i) {
        BOOST_TEST_REQUIRE(t.fields[i].validator_count == 1U);
        BOOST_TEST(t.fields[i].validators[0].kind == SPARK_VALIDATOR_POSITIVE);
    }
    BOOST_TEST_REQUIRE(t.port_count == 2U);
    BOOST_TEST(str(t.ports[0].name) == "spikes");
    BOOST_TEST(t.ports[0].direction == SPARK_PORT_INPUT);
    BOOST_TEST(t.ports[0].payload_kind == SPARK_PAYLOAD_SPIKES);
    BOOST_TEST(str(t.ports[0].payload_type) == "spike_array");
    BOOST_TEST(t.ports[0].shape_rule == SPARK_SHAPE_ANY);
    BOOST_TEST(str(t.ports[1].name) == "signal");
    BOOST_TEST(t.ports[1].direction == SPARK_PORT_OUTPUT);
    BOOST_TEST(t.ports[1].payload_kind == SPARK_PAYLOAD_FLOAT);
    BOOST_TEST(str(t.ports[1].payload_type) == "float_array");
    BOOST_TEST(t.ports[1].shape_rule == SPARK_SHAPE_COMPUTED);
    BOOST_TEST(str(t.ports[1].shape_ref) == "(num_outputs,)");
}

BOOST_AUTO_TEST_CASE(num_outputs_is_required) {
    const auto found = issues("exponential_integrator", "{}");
    BOOST_TEST_REQUIRE(found.size() == 1U);
    BOOST_TEST(found[0].find("probe/num_outputs") == 0U, found[0]);
}

BOOST_AUTO_TEST_CASE(signal_is_num_outputs_floats_of_the_config_dtype) {
    auto m32 = make<float>(*this, R"({"num_outputs": 3})", 12);
    BOOST_TEST(m32.out_spec.payload_kind == SPARK_PAYLOAD_FLOAT);
    BOOST_TEST(m32.out_spec.dtype == SPARK_DTYPE_F32);
    BOOST_TEST(m32.out_spec.shape.rank == 1U);
    BOOST_TEST(m32.out_spec.shape.dims[0] == 3U);
    BOOST_TEST(m32.out == std::vector<float>(3, 0.0F), boost::test_tools::per_element());
    // Any input shape is flattened.
    auto m64 = integrator<double>(*this,
                                  "exponential_integrator",
                                  R"({"num_outputs": 2, "dtype": "float64"})",
                                  port_spec(SPARK_PAYLOAD_SPIKES, SPARK_DTYPE_U8, {2, 3, 4}));
    BOOST_TEST(m64.out_spec.dtype == SPARK_DTYPE_F64);
    BOOST_TEST(m64.out_spec.shape.dims[0] == 2U);
}

BOOST_AUTO_TEST_CASE(s5c_non_smooth_float64_matches_the_golden_trace) {
    check_s5c<double>(
        *this, R"({"num_outputs": 2, "dtype": "float64", )" + plain_sorted + "}", s5c_plain, 1e-12);
}

BOOST_AUTO_TEST_CASE(s5c_non_smooth_float32_matches_the_golden_trace) {
    check_s5c<float>(*this, R"({"num_outputs": 2, )" + plain_sorted + "}", s5c_plain, 1e-6);
}

BOOST_AUTO_TEST_CASE(s5c_smooth_trace_is_the_fixed_positive_one) {
    check_s5c<double>(*this,
                      R"({"num_outputs": 2, "dtype": "float64", "shuffle": false})",
                      s5c_smooth_fixed,
                      1e-12);
    check_s5c<float>(*this, R"({"num_outputs": 2, "shuffle": false})", s5c_smooth_fixed, 1e-5);
}

BOOST_AUTO_TEST_CASE(smooth_trace_is_positive_grows_with_activity_and_settles_like_the_plain_one) {
    // Group 0 fires one spike per step, group 1 two: the smooth outputs are never negative, the
    // busier group is always ahead, and after 400 steps both settle where the plain trace does
    // (reference/golden_interfaces.py: 4.413324452901593 for one spike per step per 5 inputs).
    auto smooth =
        make<double>(*this, R"({"num_outputs": 2, "dtype": "float64", "shuffle": false})", 10);
    auto plain =
        make<double>(*this, R"({"num_outputs": 2, "dtype": "float64", )" + plain_sorted + "}", 10);
    for (std::uint64_t k = 0; k < 400; ++k) {
        for (auto* m : {&smooth, &plain}) {
            std::fill(m->in.begin(), m->in.end(), 0);
            m->in[k % 5] = 1;
            m->in[5 + k % 5] = 1;
            m->in[5 + (k + 1) % 5] = 1;
            m->step(k);
        }
        BOOST_TEST_REQUIRE(smooth.out[0] >= 0.0);
        if (k > 0) {
            BOOST_TEST_REQUIRE(smooth.out[1] > smooth.out[0]);
        }
    }
    BOOST_TEST(smooth.out[0] == 4.413324452901593, boost::test_tools::tolerance(1e-9));
    BOOST_TEST(plain.out[0] == 4.413324452901593, boost::test_tools::tolerance(1e-9));
    BOOST_TEST(smooth.out[1] == 2 * 4.413324452901593, boost::test_tools::tolerance(1e-9));
}

BOOST_AUTO_TEST_CASE(unequal_groups_are_each_normalised_by_their_size) {
    // 10 inputs, 3 outputs: groups of 4, 3, 3 in input order; all inputs fire at step 0, tau 20,
    // saturation 25 Hz (reference/golden_interfaces.py, "uneven counts").
    const double plain_expected[] = {
        2.0, 1.902458849001428, 1.8096748360719193, 1.7214159528501158};
    const double smooth_expected[] = {
        0.0, 0.5435813899953494, 0.9597176196210082, 1.2710834111135396};
    for (const bool smooth : {false, true}) {
        auto m = make<double>(*this,
                              std::string(R"({"num_outputs": 3, "dtype": "float64", "tau": 20,
                                  "saturation_freq": 25, "shuffle": false, "smooth_trace": )") +
                                  (smooth ? "true" : "false") + "}",
                              10);
        for (std::uint64_t k = 0; k < 4; ++k) {
            std::fill(m.in.begin(), m.in.end(), k == 0 ? 1 : 0);
            m.step(k);
            for (std::size_t j = 0; j < 3; ++j) {
                BOOST_TEST_CONTEXT("smooth " << smooth << " step " << k << " output " << j) {
                    BOOST_TEST(m.out[j] == (smooth ? smooth_expected : plain_expected)[k],
                               boost::test_tools::tolerance(1e-12));
                }
            }
        }
        BOOST_TEST(observed_groups(m) == (std::vector<std::size_t>{0, 0, 0, 0, 1, 1, 1, 2, 2, 2}),
                   boost::test_tools::per_element());
    }
}

BOOST_AUTO_TEST_CASE(shuffle_permutes_the_equal_groups_reproducibly_per_seed) {
    const auto groups_for = [&](std::uint64_t seed) {
        auto m = make<double>(*this,
                              R"({"num_outputs": 3, "dtype": "float64", "smooth_trace": false,
                                  "seed": )" +
                                  std::to_string(seed) + "}",
                              20);
        return observed_groups(m);
    };
    const auto a = groups_for(1);
    BOOST_TEST(a == groups_for(1), boost::test_tools::per_element());
    // Group sizes are the equal split whatever the order: 7, 7, 6.
    BOOST_TEST(std::count(a.begin(), a.end(), 0U) == 7);
    BOOST_TEST(std::count(a.begin(), a.end(), 1U) == 7);
    BOOST_TEST(std::count(a.begin(), a.end(), 2U) == 6);
    // The chance that a uniform permutation of 20 leaves the sorted map is negligible; several
    // seeds give several different maps.
    const std::vector<std::size_t> sorted = {0, 0, 0, 0, 0, 0, 0, 1, 1, 1,
                                             1, 1, 1, 1, 2, 2, 2, 2, 2, 2};
    std::set<std::vector<std::size_t>> maps;
    for (std::uint64_t seed = 1; seed <= 4; ++seed) {
        const auto g = groups_for(seed);
        BOOST_TEST((g != sorted), "seed " << seed);
        maps.insert(g);
    }
    BOOST_TEST(maps.size() == 4U);
}

BOOST_AUTO_TEST_CASE(a_user_output_map_is_used_as_given) {
    // Inputs 0..2 -> output 1, input 3 -> output 0: groups of 1 and 3, gains 20/(5*1) and
    // 20/(5*3) (upstream would use the equal-split sizes 2 and 2; see upstream-differences).
    auto m = make<double>(*this,
                          R"({"num_outputs": 2, "dtype": "float64", "smooth_trace": false,
                              "output_map": [1, 1, 1, 0]})",
                          4);
    BOOST_TEST(observed_groups(m) == (std::vector<std::size_t>{1, 1, 1, 0}),
               boost::test_tools::per_element());
    m.reset();
    m.in = {1, 1, 1, 1};
    m.step(0);
    BOOST_TEST(m.out[0] == 4.0, boost::test_tools::tolerance(1e-12));
    BOOST_TEST(m.out[1] == 4.0, boost::test_tools::tolerance(1e-12));
    // An output nobody maps to stays 0.
    auto unused = make<double>(*this,
                               R"({"num_outputs": 3, "dtype": "float64", "smooth_trace": false,
                                   "output_map": [0, 0, 2]})",
                               3);
    unused.in = {1, 1, 1};
    unused.step(0);
    BOOST_TEST(unused.out[1] == 0.0);
    BOOST_TEST(unused.out[2] == 4.0, boost::test_tools::tolerance(1e-12));
}

BOOST_AUTO_TEST_CASE(the_inhibition_bit_does_not_count) {
    auto m =
        make<double>(*this, R"({"num_outputs": 1, "dtype": "float64", "smooth_trace": false})", 5);
    m.in = {0b10, 0b10, 0b11, 0, 0};
    m.step(0);
    BOOST_TEST(m.out[0] == 0.8, boost::test_tools::tolerance(1e-12)); // one spike of five inputs
}

BOOST_AUTO_TEST_CASE(reset_restarts_the_traces) {
    auto m = make<float>(*this, R"({"num_outputs": 2, "shuffle": false})", 10);
    std::vector<std::vector<float>> first;
    for (std::uint64_t k = 0; k < 6; ++k) {
        s5c_input(m.in, k);
        m.step(k);
        first.push_back(m.out);
    }
    m.reset();
    BOOST_TEST(m.out == std::vector<float>(2, 0.0F), boost::test_tools::per_element());
    for (std::uint64_t k = 0; k < 6; ++k) {
        s5c_input(m.in, k);
        m.step(k);
        BOOST_TEST(m.out == first[k], boost::test_tools::per_element());
    }
}

BOOST_AUTO_TEST_CASE(state_exposes_the_traces) {
    auto plain =
        make<double>(*this, R"({"num_outputs": 2, "dtype": "float64", )" + plain_sorted + "}", 10);
    s5c_input(plain.in, 0);
    plain.step(0);
    auto arrays = plain.instance.state();
    BOOST_TEST_REQUIRE(arrays.size() == 1U);
    BOOST_TEST(str(arrays[0].name) == "trace");
    BOOST_TEST(arrays[0].dtype == SPARK_DTYPE_F64);
    BOOST_TEST(arrays[0].shape.rank == 1U);
    BOOST_TEST(arrays[0].shape.dims[0] == 2U);
    BOOST_TEST(static_cast<const double*>(arrays[0].data)[0] == 4.0);

    auto smooth = make<float>(*this, R"({"num_outputs": 2})", 10);
    arrays = smooth.instance.state();
    BOOST_TEST_REQUIRE(arrays.size() == 2U);
    BOOST_TEST(str(arrays[0].name) == "trace");
    BOOST_TEST(str(arrays[1].name) == "rise");
    BOOST_TEST(arrays[1].dtype == SPARK_DTYPE_F32);
}

BOOST_AUTO_TEST_CASE(bad_maps_and_too_few_inputs_fail_with_the_numbers) {
    const std::string prefix = "spark.exponential_integrator 'probe': ";
    BOOST_TEST(build_failure(*this, R"({"num_outputs": 2, "output_map": [0, 1, 1]})", 4) ==
               prefix + "build failed (SPARK_ERR_INVALID_ARGUMENT): output_map has 3 entries but "
                        "the spikes input has 4 elements; give one output index per element");
    BOOST_TEST(build_failure(*this, R"({"num_outputs": 2, "output_map": [0, 2]})", 2) ==
               prefix + "create failed (SPARK_ERR_INVALID_ARGUMENT): output_map[1] is 2, outside "
                        "[0, num_outputs) = [0, 2)");
    BOOST_TEST(build_failure(*this, R"({"num_outputs": 5})", 3) ==
               prefix + "build failed (SPARK_ERR_INVALID_ARGUMENT): the spikes input has 3 "
                        "elements, fewer than num_outputs = 5; every output needs at least one "
                        "input (or give an output_map)");
}

BOOST_AUTO_TEST_SUITE_END()
