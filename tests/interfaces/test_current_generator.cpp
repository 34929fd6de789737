// SPDX-License-Identifier: Apache-2.0
// spark.current_generator (docs/models.md section 8.5) in float32 and float64: steps and ramps
// against values worked out by hand from the documented formula (float32 gets the nearest float
// of the same number), amplitudes per element, `initial`, no state (reset and a fresh instance
// from a later step give the same values) and the checks on steps and amplitudes.
#include <cstdint>
#include <string>
#include <vector>

#include <boost/mpl/list.hpp>
#include <boost/test/unit_test.hpp>

#include <spark/runtime/errors.hpp>
#include <spark/sdk/buffers.hpp>

#include "generator_probe.hpp"
#include "interfaces_fixture.hpp"

using spark::test::generator_probe;

namespace {

using dtypes = boost::mpl::list<float, double>;

template <typename T>
std::string with_dtype(const std::string& fields) {
    return "{" + fields + (std::is_same_v<T, double> ? R"(, "dtype": "float64"})" : "}");
}

/// Steps k = first, first + 1, ... and checks element `element` against `expected[k - first]`,
/// each the formula's number rounded once to T.
template <typename T>
void check_values(generator_probe<T>& g,
                  const std::vector<double>& expected,
                  std::uint64_t first = 0,
                  std::size_t element = 0) {
    for (std::size_t j = 0; j < expected.size(); ++j) {
        const std::uint64_t k = first + j;
        BOOST_TEST(g.step(k)[element] == static_cast<T>(expected[j]),
                   "step " << k << " element " << element);
    }
}

} // namespace

BOOST_FIXTURE_TEST_SUITE(current_generator, spark::test::interfaces_fixture)

BOOST_AUTO_TEST_CASE_TEMPLATE(steps_hold_each_amplitude_from_its_step, T, dtypes) {
    generator_probe<T> g(
        *this,
        "current_generator",
        with_dtype<T>(R"("units": [2, 2], "steps": [2, 6], "amplitudes": [10.0, -5.0],
                         "initial": 1.5)"));
    BOOST_TEST(g.out_spec.payload_kind == SPARK_PAYLOAD_FLOAT);
    BOOST_TEST(g.out_spec.dtype == spark::sdk::dtype_of<T>);
    BOOST_TEST_REQUIRE(g.out_spec.shape.rank == 2U);
    BOOST_TEST(g.out.size() == 4U);
    // reset: the outputs of "step -1", before the first point: initial.
    BOOST_TEST(g.out == std::vector<T>(4, T(1.5)), boost::test_tools::per_element());
    // initial before step 2, 10 on steps 2..5, -5 from step 6 on (held).
    const std::vector<double> expected = {1.5, 1.5, 10, 10, 10, 10, -5, -5, -5};
    for (std::size_t i = 0; i < 4; ++i) {
        g.reset();
        check_values(g, expected, 0, i);
    }
    BOOST_TEST(g.step(1000000)[3] == T(-5));
}

BOOST_AUTO_TEST_CASE_TEMPLATE(ramps_interpolate_between_points_and_hold_the_last, T, dtypes) {
    generator_probe<T> g(*this,
                         "current_generator",
                         with_dtype<T>(R"("units": [3], "mode": "ramps", "steps": [2, 6, 9],
                                          "amplitudes": [0.0, 100.0, 40.0])"));
    // k < 2: initial 0; 2..6: 0 + 100 (k - 2) / 4; 6..9: 100 - 60 (k - 6) / 3; then 40.
    check_values(g, {0, 0, 0, 25, 50, 75, 100, 80, 60, 40, 40, 40});
    // A third is not a float: the nearest float32 / float64 to 1/3 and 2/3 of the way up.
    generator_probe<T> thirds(
        *this, "current_generator", with_dtype<T>(R"("units": [1], "mode": "ramps", "steps": [0, 3],
                         "amplitudes": [0.0, 1.0], "initial": 7.0)"));
    BOOST_TEST(thirds.out[0] == T(7)); // reset: initial
    check_values(thirds, {0.0, 1.0 / 3.0, 2.0 / 3.0, 1.0, 1.0});
}

BOOST_AUTO_TEST_CASE_TEMPLATE(amplitudes_per_point_and_element_are_point_major, T, dtypes) {
    // Point 0 (step 1): elements [1, 2]; point 1 (step 3): [3, 4].
    const std::string points = R"("units": [2], "steps": [1, 3], "amplitudes": [1.0, 2.0, 3.0,
                                  4.0])";
    generator_probe<T> ramps(*this, "current_generator", with_dtype<T>(points + R"(, "mode":
                                                                           "ramps")"));
    check_values(ramps, {0, 1, 2, 3, 3}, 0, 0);
    ramps.reset();
    check_values(ramps, {0, 2, 3, 4, 4}, 0, 1);
    generator_probe<T> steps(*this, "current_generator", with_dtype<T>(points));
    check_values(steps, {0, 1, 1, 3, 3}, 0, 0);
    steps.reset();
    check_values(steps, {0, 2, 2, 4, 4}, 0, 1);
}

BOOST_AUTO_TEST_CASE_TEMPLATE(has_no_state_and_a_later_first_step_gives_the_same_values,
                              T,
                              dtypes) {
    const auto overrides = with_dtype<T>(R"("units": [1], "mode": "ramps", "steps": [2, 6],
                                            "amplitudes": [0.0, 100.0], "initial": 3.0)");
    generator_probe<T> g(*this, "current_generator", overrides);
    BOOST_TEST(g.instance.state().empty());
    check_values(g, {3, 3, 0, 25, 50, 75, 100});
    g.reset();
    BOOST_TEST(g.out[0] == T(3));
    check_values(g, {3, 3, 0, 25});
    // A run resumed from a checkpoint at step 4: a fresh instance whose first step has index 4.
    generator_probe<T> resumed(*this, "current_generator", overrides);
    check_values(resumed, {50, 75, 100, 100}, 4);
    // Without points the output is initial for ever.
    generator_probe<T> flat(*this, "current_generator", with_dtype<T>(R"("units": [2],
                                                                         "initial": -2.5)"));
    check_values(flat, {-2.5, -2.5, -2.5});
}

BOOST_AUTO_TEST_CASE(refuses_points_it_cannot_follow) {
    const auto create_error = [&](const std::string& overrides) -> std::string {
        try {
            generator_probe<float> g(*this, "current_generator", overrides);
        } catch (const spark::error& e) {
            return e.what();
        }
        return "";
    };
    BOOST_TEST(create_error(R"({"units": [1], "steps": [2, 2], "amplitudes": [1.0, 2.0]})") ==
               "spark.current_generator 'probe': create failed (SPARK_ERR_INVALID_ARGUMENT): "
               "steps[1] = 2 is not after steps[0] = 2; give the "
               "points in strictly increasing steps");
    BOOST_TEST(
        create_error(R"({"units": [1], "steps": [0, 5, 3], "amplitudes": [1.0, 2.0, 3.0]})") ==
        "spark.current_generator 'probe': create failed (SPARK_ERR_INVALID_ARGUMENT): steps[2] = 3 "
        "is not after steps[1] = 5; give the points "
        "in strictly increasing steps");
    BOOST_TEST(create_error(R"({"units": [3], "steps": [0, 5], "amplitudes": [1.0, 2.0, 3.0]})") ==
               "spark.current_generator 'probe': create failed (SPARK_ERR_INVALID_ARGUMENT): "
               "amplitudes has 3 values for 2 points (steps) and "
               "3 elements (units); give one per point (2) or one per point and element (6)");
    BOOST_TEST(create_error(R"({"units": [3], "amplitudes": [1.0]})") ==
               "spark.current_generator 'probe': create failed (SPARK_ERR_INVALID_ARGUMENT): "
               "amplitudes has 1 value for 0 points (steps) and "
               "3 elements (units); give one per point (0) or one per point and element (0)");
    BOOST_TEST(!issues("current_generator", R"({"units": [1], "mode": "linear"})").empty());
    BOOST_TEST(!issues("current_generator", R"({"units": [1], "steps": [-1], "amplitudes": [1.0]})")
                    .empty());
}

BOOST_AUTO_TEST_SUITE_END()
