// SPDX-License-Identifier: Apache-2.0
// The spark.initializers plugin (docs/models.md section 9, docs/file-format.md section 1.8): the
// shared field layout, every output element type, bounds, density statistics against a binomial
// interval, determinism per (seed, shape), normalisation, and the parameter checks.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <numeric>
#include <string>
#include <type_traits>
#include <vector>

#include <boost/test/unit_test.hpp>

#include <spark/abi/spark_abi.h>
#include <spark/registry/plugin_registry.hpp>
#include <spark/runtime/module_config.hpp>

#include "binomial.hpp"
#include "interfaces_fixture.hpp"

using spark::test::binomial_interval;
using spark::test::shape_of;
using spark::test::str;

namespace {

template <typename E>
constexpr std::int32_t dtype_of = std::is_same_v<E, std::uint8_t>   ? SPARK_DTYPE_U8
                                  : std::is_same_v<E, std::int32_t> ? SPARK_DTYPE_I32
                                  : std::is_same_v<E, float>        ? SPARK_DTYPE_F32
                                                                    : SPARK_DTYPE_F64;

struct initializer_fixture : spark::test::interfaces_fixture {
    /// Runs `type` with `overrides` into a fresh buffer of E with `dims`.
    template <typename E>
    std::vector<E> run(std::string_view type,
                       std::string_view overrides,
                       std::initializer_list<std::uint32_t> dims) {
        const auto cfg = config(type, overrides);
        return run_raw<E>(cfg.type(), cfg.abi(), dims);
    }

    template <typename E>
    std::vector<E> run_raw(const spark::registry::module_type_info& type,
                           const spark_config_t& cfg,
                           std::initializer_list<std::uint32_t> dims) {
        spark_buffer_t out{};
        out.spec.payload_kind =
            std::is_floating_point_v<E> ? SPARK_PAYLOAD_FLOAT : SPARK_PAYLOAD_INT;
        out.spec.dtype = dtype_of<E>;
        out.spec.shape = shape_of(dims);
        std::size_t n = 1;
        for (const auto d : dims) {
            n *= d;
        }
        std::vector<E> values(n, E(77));
        out.data = values.data();
        out.count = n;
        registry.initialize(type, cfg, out);
        return values;
    }

    /// The message of the plugin_error that running `type` with `overrides` throws.
    template <typename E>
    std::string failure(std::string_view type,
                        std::string_view overrides,
                        std::initializer_list<std::uint32_t> dims) {
        try {
            (void)run<E>(type, overrides, dims);
        } catch (const spark::registry::plugin_error& e) {
            BOOST_TEST(e.status() == SPARK_ERR_INVALID_ARGUMENT);
            return e.what();
        }
        BOOST_FAIL("initialize succeeded");
        return {};
    }
};

std::size_t non_zero(const std::vector<double>& v) {
    return static_cast<std::size_t>(
        std::count_if(v.begin(), v.end(), [](double x) { return x != 0.0; }));
}

} // namespace

BOOST_FIXTURE_TEST_SUITE(initializers, initializer_fixture)

BOOST_AUTO_TEST_CASE(every_type_shares_the_base_fields_in_the_same_order) {
    // Modules that force scale / min_value (upstream's init_kwargs) find them by index 0, 1, 2.
    const char* types[] = {"constant_initializer",
                           "uniform_initializer",
                           "sparse_uniform_initializer",
                           "normalized_sparse_uniform_initializer"};
    for (const char* name : types) {
        BOOST_TEST_CONTEXT(name) {
            const auto& type = registry.resolve(name);
            BOOST_TEST(type.canonical_id == std::string("spark.") + name);
            BOOST_TEST(type.plugin->id == "spark.initializers");
            const auto& abi = *type.abi;
            BOOST_TEST(abi.kind == SPARK_KIND_INITIALIZER);
            BOOST_TEST(abi.create == nullptr);
            BOOST_TEST(abi.initialize != nullptr);
            BOOST_TEST(abi.port_count == 0U);
            BOOST_TEST_REQUIRE(abi.field_count >= 3U);
            BOOST_TEST(str(abi.fields[0].name) == "scale");
            BOOST_TEST(str(abi.fields[0].default_json) == "1.0");
            BOOST_TEST(str(abi.fields[1].name) == "min_value");
            BOOST_TEST(str(abi.fields[1].default_json) == "-1.7976931348623157e+308");
            BOOST_TEST(str(abi.fields[2].name) == "max_value");
            BOOST_TEST(str(abi.fields[2].default_json) == "1.7976931348623157e+308");
            for (std::uint32_t i = 0; i < 3; ++i) {
                BOOST_TEST(abi.fields[i].type == SPARK_FIELD_FLOAT);
            }
        }
    }
    const auto& sparse = *registry.resolve("sparse_uniform_initializer").abi;
    BOOST_TEST_REQUIRE(sparse.field_count == 4U);
    BOOST_TEST(str(sparse.fields[3].name) == "density");
    BOOST_TEST(str(sparse.fields[3].default_json) == "0.2");
    BOOST_TEST_REQUIRE(sparse.fields[3].validator_count == 1U);
    BOOST_TEST(sparse.fields[3].validators[0].kind == SPARK_VALIDATOR_RANGE);
    BOOST_TEST(sparse.fields[3].validators[0].min == 0.0);
    BOOST_TEST(sparse.fields[3].validators[0].max == 1.0);
    const auto& normalized = *registry.resolve("normalized_sparse_uniform_initializer").abi;
    BOOST_TEST_REQUIRE(normalized.field_count == 5U);
    BOOST_TEST(str(normalized.fields[3].name) == "density");
    BOOST_TEST(str(normalized.fields[4].name) == "norm_axes");
    BOOST_TEST(normalized.fields[4].type == SPARK_FIELD_INT_ARRAY);
    BOOST_TEST(str(normalized.fields[4].default_json) == "[0]");
    BOOST_TEST(registry.resolve("constant_initializer").abi->field_count == 3U);
    BOOST_TEST(registry.resolve("uniform_initializer").abi->field_count == 3U);
}

BOOST_AUTO_TEST_CASE(constant_writes_scale_in_every_element_type) {
    const auto overrides = R"({"scale": 2.75})";
    BOOST_TEST(run<double>("constant_initializer", overrides, {2, 3}) ==
                   std::vector<double>(6, 2.75),
               boost::test_tools::per_element());
    BOOST_TEST(run<float>("constant_initializer", overrides, {4}) == std::vector<float>(4, 2.75F),
               boost::test_tools::per_element());
    // Integers truncate toward zero, like upstream's cast.
    BOOST_TEST(run<std::int32_t>("constant_initializer", overrides, {3}) ==
                   std::vector<std::int32_t>(3, 2),
               boost::test_tools::per_element());
    BOOST_TEST(run<std::int32_t>("constant_initializer", R"({"scale": -2.75})", {3}) ==
                   std::vector<std::int32_t>(3, -2),
               boost::test_tools::per_element());
    BOOST_TEST(run<std::uint8_t>("constant_initializer", overrides, {2, 2, 2}) ==
                   std::vector<std::uint8_t>(8, 2),
               boost::test_tools::per_element());
    // A rank-0 buffer is one element.
    BOOST_TEST(run<double>("constant_initializer", overrides, {}) == std::vector<double>{2.75},
               boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(constant_is_clipped_and_integers_saturate) {
    BOOST_TEST(run<double>("constant_initializer", R"({"scale": 5, "max_value": 3})", {2}) ==
                   std::vector<double>(2, 3.0),
               boost::test_tools::per_element());
    BOOST_TEST(run<double>("constant_initializer", R"({"scale": -5, "min_value": -1})", {2}) ==
                   std::vector<double>(2, -1.0),
               boost::test_tools::per_element());
    // Out of the element type's range: the nearest representable value, never a wrap-around.
    BOOST_TEST(run<std::uint8_t>("constant_initializer", R"({"scale": 300})", {2}) ==
                   std::vector<std::uint8_t>(2, 255),
               boost::test_tools::per_element());
    BOOST_TEST(run<std::uint8_t>("constant_initializer", R"({"scale": -3})", {2}) ==
                   std::vector<std::uint8_t>(2, 0),
               boost::test_tools::per_element());
    BOOST_TEST(run<std::int32_t>("constant_initializer", R"({"scale": 1e12})", {1}) ==
                   std::vector<std::int32_t>{2147483647},
               boost::test_tools::per_element());
    BOOST_TEST(std::isinf(run<float>("constant_initializer", R"({"scale": 1e300})", {1})[0]));
}

BOOST_AUTO_TEST_CASE(uniform_lies_in_zero_to_scale_with_the_expected_mean) {
    for (const char* seed : {"1", "2", "12345"}) {
        BOOST_TEST_CONTEXT("seed " << seed) {
            const auto v = run<double>("uniform_initializer",
                                       std::string(R"({"scale": 3.0, "seed": )") + seed + "}",
                                       {50, 40});
            BOOST_TEST(v.size() == 2000U);
            for (const double x : v) {
                BOOST_TEST_REQUIRE((x >= 0.0 && x < 3.0), "value " << x << " outside [0, 3)");
            }
            // Mean of 2000 U[0, 3): 1.5 +- 3.29 sd (99.9%), sd = 3 / sqrt(12 * 2000).
            const double mean = std::accumulate(v.begin(), v.end(), 0.0) / 2000.0;
            const double sd = 3.0 / std::sqrt(12.0 * 2000.0);
            BOOST_TEST(std::abs(mean - 1.5) < 3.2905 * sd, "mean " << mean);
            // Each tenth of the range holds 200 +- binomial 99.9% values.
            const auto [lo, hi] = binomial_interval(2000, 0.1, 0.999);
            for (int bin = 0; bin < 10; ++bin) {
                const auto in_bin =
                    static_cast<std::size_t>(std::count_if(v.begin(), v.end(), [&](double x) {
                        return x >= 0.3 * bin && x < 0.3 * (bin + 1);
                    }));
                BOOST_TEST((in_bin >= lo && in_bin <= hi),
                           "bin " << bin << " holds " << in_bin << ", expected [" << lo << ", "
                                  << hi << "]");
            }
        }
    }
}

BOOST_AUTO_TEST_CASE(uniform_float32_stays_below_scale) {
    const auto v = run<float>("uniform_initializer", R"({"scale": 0.7, "seed": 3})", {100, 100});
    for (const float x : v) {
        BOOST_TEST_REQUIRE((x >= 0.0F && x < 0.7F), "value " << x);
    }
    BOOST_TEST(*std::max_element(v.begin(), v.end()) > 0.69F);
}

BOOST_AUTO_TEST_CASE(uniform_is_deterministic_in_seed_and_shape) {
    const auto a = run<double>("uniform_initializer", R"({"seed": 42})", {8, 8});
    const auto b = run<double>("uniform_initializer", R"({"seed": 42})", {8, 8});
    const auto c = run<double>("uniform_initializer", R"({"seed": 43})", {8, 8});
    BOOST_TEST(a == b, boost::test_tools::per_element());
    BOOST_TEST(a != c);
    // The same seed and element count in another shape: the same row-major values.
    const auto d = run<double>("uniform_initializer", R"({"seed": 42})", {4, 16});
    BOOST_TEST(a == d, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(uniform_is_clipped_to_min_and_max) {
    const auto v = run<double>(
        "uniform_initializer", R"({"seed": 9, "min_value": 0.25, "max_value": 0.5})", {1000});
    for (const double x : v) {
        BOOST_TEST_REQUIRE((x >= 0.25 && x <= 0.5), "value " << x);
    }
    BOOST_TEST(std::count(v.begin(), v.end(), 0.25) > 100);
    BOOST_TEST(std::count(v.begin(), v.end(), 0.5) > 300);
}

BOOST_AUTO_TEST_CASE(uniform_integers_truncate_like_delays) {
    // Upstream's delay kernels: scale B + 1, min_value 1, an integer type -> 1..B.
    const auto v = run<std::uint8_t>(
        "uniform_initializer", R"({"seed": 5, "scale": 5, "min_value": 1})", {40, 40});
    std::vector<int> seen(256, 0);
    for (const auto x : v) {
        ++seen[x];
    }
    BOOST_TEST(seen[0] == 0);
    for (std::size_t d = 1; d <= 4; ++d) {
        BOOST_TEST(seen[d] > 0, "delay " << d << " never drawn");
    }
    BOOST_TEST(std::accumulate(seen.begin() + 1, seen.begin() + 5, 0) == 1600);
    const auto w = run<std::int32_t>("uniform_initializer", R"({"seed": 5, "scale": 10})", {500});
    BOOST_TEST(*std::min_element(w.begin(), w.end()) == 0);
    BOOST_TEST(*std::max_element(w.begin(), w.end()) == 9);
}

BOOST_AUTO_TEST_CASE(sparse_uniform_keeps_a_density_fraction) {
    for (const double density : {0.2, 0.05, 0.5, 0.9}) {
        for (const char* seed : {"7", "8"}) {
            BOOST_TEST_CONTEXT("density " << density << " seed " << seed) {
                const auto v = run<double>("sparse_uniform_initializer",
                                           std::string(R"({"scale": 2.0, "seed": )") + seed +
                                               R"(, "density": )" + std::to_string(density) + "}",
                                           {100, 100});
                const auto [lo, hi] = binomial_interval(10000, density, 0.999);
                const auto kept = non_zero(v);
                BOOST_TEST((kept >= lo && kept <= hi),
                           kept << " entries kept, expected [" << lo << ", " << hi << "]");
                for (const double x : v) {
                    BOOST_TEST_REQUIRE((x >= 0.0 && x < 2.0), "value " << x);
                }
            }
        }
    }
}

BOOST_AUTO_TEST_CASE(sparse_uniform_default_density_is_upstreams) {
    const auto v = run<float>("sparse_uniform_initializer", R"({"seed": 11})", {200, 50});
    const auto [lo, hi] = binomial_interval(10000, 0.2, 0.999);
    const auto kept = static_cast<std::size_t>(
        std::count_if(v.begin(), v.end(), [](float x) { return x != 0.0F; }));
    BOOST_TEST((kept >= lo && kept <= hi), kept << " kept, expected [" << lo << ", " << hi << "]");
}

BOOST_AUTO_TEST_CASE(sparse_uniform_density_extremes_and_monotonicity) {
    BOOST_TEST(non_zero(run<double>("sparse_uniform_initializer", R"({"density": 0})", {30, 30})) ==
               0U);
    BOOST_TEST(non_zero(run<double>("sparse_uniform_initializer", R"({"density": 1})", {30, 30})) ==
               900U);
    // Values and mask come from separate streams: raising the density only adds entries.
    const auto sparse =
        run<double>("sparse_uniform_initializer", R"({"seed": 3, "density": 0.2})", {500});
    const auto denser =
        run<double>("sparse_uniform_initializer", R"({"seed": 3, "density": 0.6})", {500});
    const auto full = run<double>("uniform_initializer", R"({"seed": 3})", {500});
    for (std::size_t i = 0; i < sparse.size(); ++i) {
        if (sparse[i] != 0.0) {
            BOOST_TEST_REQUIRE(denser[i] == sparse[i]);
        }
        if (denser[i] != 0.0) {
            BOOST_TEST_REQUIRE(full[i] == denser[i]);
        }
    }
    BOOST_TEST(non_zero(denser) > non_zero(sparse));
}

BOOST_AUTO_TEST_CASE(sparse_uniform_clips_after_masking) {
    // min_value lifts the zeros too (upstream: clip(M * A, min, max)).
    const auto v = run<double>(
        "sparse_uniform_initializer", R"({"seed": 4, "min_value": 0.1, "max_value": 0.6})", {2000});
    const auto at_min = std::count(v.begin(), v.end(), 0.1);
    BOOST_TEST(at_min > 1500); // the ~80% zeros plus the kept values below 0.1
    for (const double x : v) {
        BOOST_TEST_REQUIRE((x >= 0.1 && x <= 0.6), "value " << x);
    }
}

BOOST_AUTO_TEST_CASE(sparse_uniform_writes_integers) {
    const auto v = run<std::int32_t>(
        "sparse_uniform_initializer", R"({"seed": 4, "scale": 100, "density": 0.5})", {1000});
    const auto kept = std::count_if(v.begin(), v.end(), [](std::int32_t x) { return x != 0; });
    BOOST_TEST(kept > 400);
    BOOST_TEST(*std::max_element(v.begin(), v.end()) <= 99);
    BOOST_TEST(*std::min_element(v.begin(), v.end()) == 0);
}

BOOST_AUTO_TEST_CASE(normalized_rows_sum_to_scale_along_norm_axes) {
    // A (post, pre) kernel with norm_axes [0]: each post neuron's incoming weights sum to scale.
    const auto v = run<double>(
        "normalized_sparse_uniform_initializer", R"({"seed": 21, "scale": 3.0})", {6, 40});
    for (std::size_t post = 0; post < 6; ++post) {
        const double sum = std::accumulate(v.begin() + static_cast<std::ptrdiff_t>(post * 40),
                                           v.begin() + static_cast<std::ptrdiff_t>(post * 40 + 40),
                                           0.0);
        BOOST_TEST(sum == 3.0, boost::test_tools::tolerance(1e-12));
    }
    const auto [lo, hi] = binomial_interval(240, 0.2, 0.999);
    BOOST_TEST((non_zero(v) >= lo && non_zero(v) <= hi), non_zero(v) << " kept");
    for (const double x : v) {
        BOOST_TEST_REQUIRE((x >= 0.0 && x <= 3.0), "value " << x);
    }
}

BOOST_AUTO_TEST_CASE(normalized_sums_over_every_axis_not_in_norm_axes) {
    // Shape (3, 4, 5), norm_axes [0, 2] (also written [0, -1]): for each (i, k) the sum over j
    // is 1.
    for (const char* axes : {"[0, 2]", "[0, -1]"}) {
        BOOST_TEST_CONTEXT("norm_axes " << axes) {
            const auto v = run<double>("normalized_sparse_uniform_initializer",
                                       std::string(R"({"seed": 2, "density": 0.7, "norm_axes": )") +
                                           axes + "}",
                                       {3, 4, 5});
            for (std::size_t i = 0; i < 3; ++i) {
                for (std::size_t k = 0; k < 5; ++k) {
                    double sum = 0.0;
                    for (std::size_t j = 0; j < 4; ++j) {
                        sum += v[(i * 4 + j) * 5 + k];
                    }
                    // An all-zero group stays zero (nothing to normalise).
                    if (sum != 0.0) {
                        BOOST_TEST(sum == 1.0, boost::test_tools::tolerance(1e-12));
                    }
                }
            }
        }
    }
    // norm_axes [1] on (post, pre): each column sums to 1; [] normalises the whole array.
    const auto columns = run<double>(
        "normalized_sparse_uniform_initializer", R"({"seed": 2, "norm_axes": [1]})", {30, 3});
    for (std::size_t k = 0; k < 3; ++k) {
        double sum = 0.0;
        for (std::size_t j = 0; j < 30; ++j) {
            sum += columns[j * 3 + k];
        }
        BOOST_TEST(sum == 1.0, boost::test_tools::tolerance(1e-12));
    }
    const auto whole = run<double>(
        "normalized_sparse_uniform_initializer", R"({"seed": 2, "norm_axes": []})", {5, 6});
    BOOST_TEST(std::accumulate(whole.begin(), whole.end(), 0.0) == 1.0,
               boost::test_tools::tolerance(1e-12));
}

BOOST_AUTO_TEST_CASE(normalized_float32_and_clipping) {
    // Density 0.5: a row of 25 is then empty (sum 0, nothing to normalise) with probability
    // 3e-8, where the default 0.2 leaves one of 4 rows empty for 1.5 % of seeds.
    const auto v = run<float>("normalized_sparse_uniform_initializer",
                              R"({"seed": 8, "scale": 10.0, "density": 0.5})",
                              {4, 25});
    for (std::size_t post = 0; post < 4; ++post) {
        double sum = 0.0;
        for (std::size_t pre = 0; pre < 25; ++pre) {
            sum += static_cast<double>(v[post * 25 + pre]);
        }
        BOOST_TEST(sum == 10.0, boost::test_tools::tolerance(1e-5));
    }
    // Clipping comes after scaling: with max_value below the largest weight, sums fall short.
    const auto clipped = run<double>("normalized_sparse_uniform_initializer",
                                     R"({"seed": 8, "scale": 10.0, "max_value": 0.5})",
                                     {4, 25});
    BOOST_TEST(*std::max_element(clipped.begin(), clipped.end()) == 0.5);
    // All zeros (density 0): no division by zero, zeros stay.
    BOOST_TEST(non_zero(run<double>(
                   "normalized_sparse_uniform_initializer", R"({"density": 0})", {3, 3})) == 0U);
}

BOOST_AUTO_TEST_CASE(normalized_refuses_what_it_cannot_normalise) {
    const std::string prefix = "spark.normalized_sparse_uniform_initializer 'initializer': "
                               "initialize failed (SPARK_ERR_INVALID_ARGUMENT): ";
    BOOST_TEST(failure<double>("normalized_sparse_uniform_initializer", "{}", {10}) ==
               prefix +
                   "normalized_sparse_uniform_initializer needs a shape of rank >= 2, got (10)");
    BOOST_TEST(failure<std::int32_t>("normalized_sparse_uniform_initializer", "{}", {3, 3}) ==
               prefix + "normalized_sparse_uniform_initializer fills float32 or float64 buffers "
                        "only, got int32");
    BOOST_TEST(
        failure<double>("normalized_sparse_uniform_initializer", R"({"norm_axes": [2]})", {3, 3}) ==
        prefix + "norm_axes entry 2 is out of range for shape (3, 3); use axes in [-2, 2)");
    BOOST_TEST(failure<double>(
                   "normalized_sparse_uniform_initializer", R"({"norm_axes": [1, -1]})", {3, 3}) ==
               prefix + "norm_axes names axis 1 twice; list each axis once");
}

BOOST_AUTO_TEST_CASE(min_above_max_is_refused_with_both_values) {
    BOOST_TEST(failure<double>("uniform_initializer", R"({"min_value": 2, "max_value": 1})", {4}) ==
               "spark.uniform_initializer 'initializer': initialize failed "
               "(SPARK_ERR_INVALID_ARGUMENT): min_value 2.0 is greater than max_value 1.0; make "
               "min_value <= max_value");
    BOOST_TEST(
        failure<float>("constant_initializer", R"({"min_value": 0.5, "max_value": 0.25})", {4}) ==
        "spark.constant_initializer 'initializer': initialize failed "
        "(SPARK_ERR_INVALID_ARGUMENT): min_value 0.5 is greater than max_value 0.25; make "
        "min_value <= max_value");
    // Equal bounds are fine: everything becomes that value.
    BOOST_TEST(run<double>("uniform_initializer", R"({"min_value": 0.5, "max_value": 0.5})", {3}) ==
                   std::vector<double>(3, 0.5),
               boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(density_outside_zero_one_is_refused_by_the_schema_and_the_plugin) {
    const auto found = issues("sparse_uniform_initializer", R"({"density": 1.5})");
    BOOST_TEST_REQUIRE(found.size() == 1U);
    BOOST_TEST(found[0].find("probe/density") == 0U, found[0]);
    BOOST_TEST(found[0].find("1.5") != std::string::npos, found[0]);
    // A module that hands over a copied config with a changed density meets the plugin's check.
    const auto cfg = config("sparse_uniform_initializer");
    std::vector<spark_value_t> values(cfg.abi().values, cfg.abi().values + cfg.abi().count);
    values[3].f = -0.25;
    spark_config_t changed = cfg.abi();
    changed.values = values.data();
    try {
        (void)run_raw<double>(cfg.type(), changed, {4});
        BOOST_FAIL("a density of -0.25 was accepted");
    } catch (const spark::registry::plugin_error& e) {
        BOOST_TEST(std::string(e.what()) ==
                   "spark.sparse_uniform_initializer 'initializer': initialize failed "
                   "(SPARK_ERR_INVALID_ARGUMENT): density must be in [0, 1], got -0.25");
    }
}

BOOST_AUTO_TEST_CASE(forced_fields_by_index_take_effect) {
    // What a delays module does with a copied config: scale at index 0, min_value at index 1.
    const auto cfg = config("uniform_initializer", R"({"seed": 14})");
    std::vector<spark_value_t> values(cfg.abi().values, cfg.abi().values + cfg.abi().count);
    values[0].f = 9.0;
    values[1].f = 1.0;
    spark_config_t changed = cfg.abi();
    changed.values = values.data();
    const auto v = run_raw<std::int32_t>(cfg.type(), changed, {300});
    BOOST_TEST(*std::min_element(v.begin(), v.end()) == 1);
    BOOST_TEST(*std::max_element(v.begin(), v.end()) == 8);
}

BOOST_AUTO_TEST_CASE(an_unknown_or_inconsistent_buffer_is_refused) {
    const auto cfg = config("constant_initializer");
    std::vector<double> data(4);
    spark_buffer_t out{};
    out.data = data.data();
    out.count = 4;
    out.spec.dtype = 99;
    out.spec.shape = shape_of({4});
    try {
        registry.initialize(cfg.type(), cfg.abi(), out);
        BOOST_FAIL("dtype 99 was accepted");
    } catch (const spark::registry::plugin_error& e) {
        BOOST_TEST(std::string(e.what()) ==
                   "spark.constant_initializer 'initializer': initialize failed "
                   "(SPARK_ERR_INVALID_ARGUMENT): output buffer has dtype 99 elements; use uint8, "
                   "int32, float32 or float64");
    }
    out.spec.dtype = SPARK_DTYPE_F64;
    out.count = 3; // the shape says 4
    try {
        registry.initialize(cfg.type(), cfg.abi(), out);
        BOOST_FAIL("a count that disagrees with the shape was accepted");
    } catch (const spark::registry::plugin_error& e) {
        BOOST_TEST(std::string(e.what()) ==
                   "spark.constant_initializer 'initializer': initialize failed "
                   "(SPARK_ERR_INVALID_ARGUMENT): output buffer has 3 elements but its shape (4) "
                   "has 4; give count = the product of the dims");
    }
}

BOOST_AUTO_TEST_SUITE_END()
