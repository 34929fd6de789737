// SPDX-License-Identifier: Apache-2.0
// The spark.initializers plugin (docs/models.md section 9, docs/file-format.md section 1.8): the
// shared field layout, every output element type, bounds, density statistics against a binomial
// interval, determinism per (seed, shape), normalisation, and the parameter checks.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <functional>
#include <numeric>
#include <random>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include <boost/test/unit_test.hpp>

#include <spark/abi/spark_abi.h>
#include <spark/registry/plugin_registry.hpp>
#include <spark/runtime/module_config.hpp>
#include <spark/sdk/buffers.hpp>
#include <spark/sdk/random.hpp>

#include "binomial.hpp"
#include "fake_host.hpp"
#include "interfaces_fixture.hpp"

using spark::test::binomial_interval;
using spark::test::shape_of;
using spark::test::str;

namespace {

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
        out.spec.dtype = spark::sdk::dtype_of<E>;
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
    // Values and mask come from separate streams: a kept entry has uniform's value at any
    // density. (Which entries are kept is drawn anew per density: the gaps scale with it.)
    const auto sparse =
        run<double>("sparse_uniform_initializer", R"({"seed": 3, "density": 0.2})", {500});
    const auto denser =
        run<double>("sparse_uniform_initializer", R"({"seed": 3, "density": 0.6})", {500});
    const auto full = run<double>("uniform_initializer", R"({"seed": 3})", {500});
    for (std::size_t i = 0; i < sparse.size(); ++i) {
        if (sparse[i] != 0.0) {
            BOOST_TEST_REQUIRE(full[i] == sparse[i]);
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

// SPARK_EXT_SPARSE_INITIALIZER, called through spark_type_extension() as a neuron plugin calls
// it: fill_rows and values_at give exactly initialize()'s non-zeros and values, bit for bit, in
// every element type, shape and row range; the kept process has the statistics of one
// Bernoulli(density) draw per element; bad requests are refused with a message.
namespace {

template <typename E>
struct sparse_row {
    std::uint64_t row = 0;
    std::vector<std::uint64_t> columns;
    std::vector<E> values;
};

/// A C sink collecting rows, as a neuron plugin's would; it stops the fill with `stop_status`
/// once `stop_after` rows arrived.
template <typename E>
struct row_collector {
    std::vector<sparse_row<E>> rows;
    std::size_t stop_after = SIZE_MAX;
    spark_status stop_status = SPARK_OK;

    static spark_status SPARK_ABI row(void* context,
                                      std::uint64_t row,
                                      const std::uint64_t* columns,
                                      const void* values,
                                      std::uint64_t count) {
        auto& self = *static_cast<row_collector*>(context);
        const auto* typed = static_cast<const E*>(values);
        self.rows.push_back({row,
                             std::vector<std::uint64_t>(columns, columns + count),
                             std::vector<E>(typed, typed + count)});
        return self.rows.size() >= self.stop_after ? self.stop_status : SPARK_OK;
    }
    [[nodiscard]] spark_row_sink_t sink() { return {this, &row}; }
};

/// Whether a and b hold the same bits (so -0.0 and 0.0 differ, and NaN equals itself).
template <typename E>
bool same_bits(const E& a, const E& b) {
    return std::memcmp(&a, &b, sizeof(E)) == 0;
}

std::uint64_t product(std::initializer_list<std::uint32_t> dims) {
    return std::accumulate(dims.begin(), dims.end(), std::uint64_t{1}, std::multiplies<>());
}

struct sparse_fixture : initializer_fixture {
    spark::test::fake_host host; // the SDK tests' double: records every report

    static const spark_sparse_initializer_t&
    sparse_of(const spark::registry::module_type_info& type) {
        const auto* ext = static_cast<const spark_sparse_initializer_t*>(
            spark_type_extension(type.abi, SPARK_EXT_SPARSE_INITIALIZER));
        BOOST_TEST_REQUIRE(ext != nullptr, type.canonical_id << " offers no sparse initializer");
        return *ext;
    }

    template <typename E>
    static spark_port_spec_t spec_of(std::initializer_list<std::uint32_t> dims) {
        return spark::test::port_spec(std::is_floating_point_v<E> ? SPARK_PAYLOAD_FLOAT
                                                                  : SPARK_PAYLOAD_INT,
                                      spark::sdk::dtype_of<E>,
                                      dims);
    }

    /// fill_rows' status for rows [begin, end) of `row_length`, collecting into `rows`.
    template <typename E>
    spark_status try_fill_rows(std::string_view type,
                               std::string_view overrides,
                               std::initializer_list<std::uint32_t> dims,
                               std::uint64_t row_length,
                               std::uint64_t begin,
                               std::uint64_t end,
                               row_collector<E>& rows) {
        const auto cfg = config(type, overrides);
        const auto spec = spec_of<E>(dims);
        const auto sink = rows.sink();
        host.clear();
        return sparse_of(cfg.type())
            .fill_rows(
                cfg.type().abi, host.abi(), &cfg.abi(), &spec, row_length, begin, end, &sink);
    }

    template <typename E>
    std::vector<sparse_row<E>> fill_rows(std::string_view type,
                                         std::string_view overrides,
                                         std::initializer_list<std::uint32_t> dims,
                                         std::uint64_t row_length,
                                         std::uint64_t begin,
                                         std::uint64_t end) {
        row_collector<E> rows;
        const auto status = try_fill_rows<E>(type, overrides, dims, row_length, begin, end, rows);
        BOOST_TEST_REQUIRE(status == SPARK_OK, host.last_error());
        return std::move(rows.rows);
    }

    template <typename E>
    spark_status try_values_at(std::string_view type,
                               std::string_view overrides,
                               std::initializer_list<std::uint32_t> dims,
                               const std::vector<std::uint64_t>& indices,
                               std::vector<E>& out) {
        const auto cfg = config(type, overrides);
        const auto spec = spec_of<E>(dims);
        out.assign(indices.size(), E(77));
        host.clear();
        return sparse_of(cfg.type())
            .values_at(cfg.type().abi,
                       host.abi(),
                       &cfg.abi(),
                       &spec,
                       indices.data(),
                       indices.size(),
                       out.data());
    }

    double density(std::string_view type, std::string_view overrides) {
        const auto cfg = config(type, overrides);
        double out = -1.0;
        BOOST_TEST_REQUIRE(
            sparse_of(cfg.type()).density(cfg.type().abi, host.abi(), &cfg.abi(), &out) == SPARK_OK,
            host.last_error());
        return out;
    }

    /// fill_rows over [begin, end) hands over exactly the dense array's non-zeros of those rows,
    /// bit for bit, one call per row in order; values_at at scattered indices (sorted runs,
    /// repeats, backwards) gives the dense values.
    template <typename E>
    void check_against_dense(std::string_view type,
                             std::string_view overrides,
                             std::initializer_list<std::uint32_t> dims,
                             std::uint64_t row_length) {
        const auto dense = run<E>(type, overrides, dims);
        const std::uint64_t rows = product(dims) / row_length;
        for (const auto& [begin, end] : {std::pair<std::uint64_t, std::uint64_t>{0, rows},
                                         {rows / 2, rows},
                                         {1, rows - rows / 3},
                                         {rows - 1, rows - 1}}) {
            BOOST_TEST_CONTEXT("rows [" << begin << ", " << end << ") of " << row_length) {
                const auto got = fill_rows<E>(type, overrides, dims, row_length, begin, end);
                BOOST_TEST_REQUIRE(got.size() == end - begin);
                for (std::uint64_t r = begin; r < end; ++r) {
                    const auto& row = got[r - begin];
                    BOOST_TEST_REQUIRE(row.row == r);
                    std::vector<std::uint64_t> columns;
                    for (std::uint64_t c = 0; c < row_length; ++c) {
                        if (dense[r * row_length + c] != E(0)) {
                            columns.push_back(c);
                        }
                    }
                    BOOST_TEST_REQUIRE(row.columns == columns, boost::test_tools::per_element());
                    for (std::size_t i = 0; i < columns.size(); ++i) {
                        BOOST_TEST_REQUIRE(
                            same_bits(row.values[i], dense[r * row_length + columns[i]]),
                            "row " << r << " column " << columns[i] << ": " << +row.values[i]
                                   << " instead of " << +dense[r * row_length + columns[i]]);
                    }
                }
            }
        }
        std::mt19937_64 draw(17);
        std::vector<std::uint64_t> indices;
        for (int i = 0; i < 200; ++i) {
            indices.push_back(draw() % dense.size());
        }
        std::sort(indices.begin() + 100, indices.end()); // sorted runs reuse the walk
        indices.push_back(indices.back());
        indices.push_back(0);
        indices.push_back(dense.size() - 1);
        std::vector<E> values;
        BOOST_TEST_REQUIRE(try_values_at<E>(type, overrides, dims, indices, values) == SPARK_OK,
                           host.last_error());
        for (std::size_t i = 0; i < indices.size(); ++i) {
            BOOST_TEST_REQUIRE(same_bits(values[i], dense[indices[i]]),
                               "index " << indices[i] << ": " << +values[i] << " instead of "
                                        << +dense[indices[i]]);
        }
    }

    /// Every row length that cuts `dims` into whole lines, in f32, f64 and i32 (floats only
    /// for the normalised type).
    void check_all(std::string_view type,
                   std::string_view overrides,
                   std::initializer_list<std::uint32_t> dims,
                   std::initializer_list<std::uint64_t> row_lengths,
                   bool integers = true) {
        for (const auto row_length : row_lengths) {
            BOOST_TEST_CONTEXT(type << " " << overrides << " shape of " << dims.size() << " dims, "
                                    << product(dims) << " elements") {
                check_against_dense<float>(type, overrides, dims, row_length);
                check_against_dense<double>(type, overrides, dims, row_length);
                if (integers) {
                    check_against_dense<std::int32_t>(type, overrides, dims, row_length);
                }
            }
        }
    }

    /// How many elements a fill of rows of `dims[1]` keeps, line by line (f64: a kept value is
    /// zero only when its draw is exactly 0, with probability 2^-53).
    std::vector<std::uint64_t> kept_per_row(std::string_view overrides,
                                            std::initializer_list<std::uint32_t> dims) {
        const std::uint64_t length = *(dims.begin() + 1);
        const auto rows = fill_rows<double>(
            "sparse_uniform_initializer", overrides, dims, length, 0, *dims.begin());
        std::vector<std::uint64_t> kept;
        for (const auto& row : rows) {
            kept.push_back(row.columns.size());
        }
        return kept;
    }
};

} // namespace

BOOST_FIXTURE_TEST_SUITE(sparse_initializers, sparse_fixture)

BOOST_AUTO_TEST_CASE(every_initializer_offers_the_extension_and_nothing_else) {
    for (const char* name : {"constant_initializer",
                             "uniform_initializer",
                             "sparse_uniform_initializer",
                             "normalized_sparse_uniform_initializer"}) {
        BOOST_TEST_CONTEXT(name) {
            const auto& type = registry.resolve(name);
            BOOST_TEST(type.abi->abi_version.minor == 2U);
            const auto& ext = sparse_of(type);
            BOOST_TEST(ext.abi_version.major == 1U);
            BOOST_TEST(ext.abi_version.minor == 2U);
            BOOST_TEST(ext.density != nullptr);
            BOOST_TEST(ext.fill_rows != nullptr);
            BOOST_TEST(ext.values_at != nullptr);
            BOOST_TEST(spark_type_extension(type.abi, "spark.ext.sparse_initializer/2") == nullptr);
            BOOST_TEST(spark_type_extension(type.abi, "") == nullptr);
        }
    }
    // A module type that is no initializer fills nothing sparsely (it has capabilities only).
    const auto* spiker = registry.resolve("poisson_spiker").abi;
    BOOST_TEST(spark_type_extension(spiker, SPARK_EXT_SPARSE_INITIALIZER) == nullptr);
    BOOST_TEST(spark_type_extension(spiker, SPARK_EXT_TYPE_CAPABILITIES) != nullptr);
}

BOOST_AUTO_TEST_CASE(constant_rows_and_values_match_the_dense_fill) {
    check_all("constant_initializer", R"({"scale": 2.5})", {50}, {50});
    check_all("constant_initializer", R"({"scale": -1.75})", {7, 13}, {13, 91});
    check_all("constant_initializer", R"({"scale": 2.5})", {4, 5, 6}, {6, 30, 120});
    // Zero after clipping, or after truncation to an integer: empty rows.
    check_all("constant_initializer", R"({"scale": 2.5, "max_value": 0})", {4, 5, 6}, {6});
    check_all("constant_initializer", R"({"scale": 0.5})", {7, 13}, {13});
    BOOST_TEST(
        fill_rows<std::int32_t>("constant_initializer", R"({"scale": 0.5})", {7, 13}, 13, 0, 7)[3]
            .columns.empty());
}

BOOST_AUTO_TEST_CASE(uniform_rows_and_values_match_the_dense_fill) {
    check_all("uniform_initializer", R"({"seed": 5, "scale": 3.0})", {50}, {50});
    check_all("uniform_initializer", R"({"seed": 6, "scale": 3.0})", {7, 13}, {13, 91});
    // Integers truncate some draws to 0 (scale 2: about half), which rows leave out.
    check_all("uniform_initializer", R"({"seed": 7, "scale": 2.0})", {4, 5, 6}, {6, 30, 120});
    check_all("uniform_initializer",
              R"({"seed": 7, "min_value": 0.25, "max_value": 0.5})",
              {4, 5, 6},
              {30});
}

BOOST_AUTO_TEST_CASE(sparse_uniform_rows_and_values_match_the_dense_fill) {
    check_all(
        "sparse_uniform_initializer", R"({"seed": 9, "scale": 2.0, "density": 0.3})", {50}, {50});
    check_all("sparse_uniform_initializer",
              R"({"seed": 10, "scale": 2.0, "density": 0.3})",
              {7, 13},
              {13, 91});
    check_all("sparse_uniform_initializer",
              R"({"seed": 11, "scale": 4.0, "density": 0.15})",
              {4, 5, 6},
              {6, 30, 120});
    check_all("sparse_uniform_initializer",
              R"({"seed": 12, "scale": -3.0, "density": 0.7, "min_value": -2})",
              {7, 13},
              {13});
    // A clip bound that lifts the zeros (min_value 0.5; max_value -0.5): whole rows.
    check_all("sparse_uniform_initializer",
              R"({"seed": 13, "density": 0.2, "min_value": 0.5})",
              {4, 5, 6},
              {30});
    check_all("sparse_uniform_initializer",
              R"({"seed": 13, "density": 0.2, "min_value": -2.0, "max_value": -0.5})",
              {4, 5, 6},
              {30});
    // The defaults.
    check_all("sparse_uniform_initializer", "{}", {7, 13}, {13});
}

BOOST_AUTO_TEST_CASE(normalized_rows_and_values_match_the_dense_fill) {
    // Rows are the normalisation groups: norm_axes the leading axes.
    check_all("normalized_sparse_uniform_initializer",
              R"({"seed": 3, "scale": 2.0, "density": 0.4})",
              {7, 13},
              {13},
              false);
    check_all("normalized_sparse_uniform_initializer",
              R"({"seed": 4, "scale": 2.0, "density": 0.4})",
              {4, 5, 6},
              {30},
              false);
    check_all("normalized_sparse_uniform_initializer",
              R"({"seed": 5, "density": 0.3, "norm_axes": [0, 1]})",
              {4, 5, 6},
              {6},
              false);
    check_all("normalized_sparse_uniform_initializer",
              R"({"seed": 6, "density": 0.5, "norm_axes": [-3, 1]})",
              {4, 5, 6},
              {6},
              false);
    check_all("normalized_sparse_uniform_initializer",
              R"({"seed": 7, "density": 0.05, "norm_axes": []})",
              {7, 13},
              {91},
              false);
    // Clipped, and zeros lifted by min_value.
    check_all("normalized_sparse_uniform_initializer",
              R"({"seed": 8, "scale": 10.0, "max_value": 0.7})",
              {7, 13},
              {13},
              false);
    check_all("normalized_sparse_uniform_initializer",
              R"({"seed": 8, "scale": 1.0, "min_value": 0.01})",
              {4, 5, 6},
              {30},
              false);
}

BOOST_AUTO_TEST_CASE(normalized_rows_sum_to_scale) {
    const auto rows = fill_rows<double>("normalized_sparse_uniform_initializer",
                                        R"({"seed": 21, "scale": 3.0, "density": 0.1})",
                                        {100, 400},
                                        400,
                                        0,
                                        100);
    for (const auto& row : rows) {
        BOOST_TEST_REQUIRE(!row.values.empty());
        BOOST_TEST(std::accumulate(row.values.begin(), row.values.end(), 0.0) == 3.0,
                   boost::test_tools::tolerance(1e-12));
    }
}

BOOST_AUTO_TEST_CASE(density_is_the_share_of_non_zeros_without_drawing) {
    BOOST_TEST(density("constant_initializer", R"({"scale": 2.5})") == 1.0);
    BOOST_TEST(density("constant_initializer", R"({"scale": 0})") == 0.0);
    BOOST_TEST(density("constant_initializer", R"({"scale": 2.5, "max_value": 0})") == 0.0);
    BOOST_TEST(density("constant_initializer", R"({"scale": 0, "min_value": 1})") == 1.0);
    BOOST_TEST(density("uniform_initializer", R"({"seed": 3})") == 1.0);
    for (const char* type :
         {"sparse_uniform_initializer", "normalized_sparse_uniform_initializer"}) {
        BOOST_TEST_CONTEXT(type) {
            BOOST_TEST(density(type, "{}") == 0.2);
            BOOST_TEST(density(type, R"({"density": 0.015})") == 0.015);
            BOOST_TEST(density(type, R"({"density": 0})") == 0.0);
            // clip(0) != 0: every element is non-zero.
            BOOST_TEST(density(type, R"({"density": 0.1, "min_value": 0.5})") == 1.0);
            BOOST_TEST(density(type, R"({"density": 0.1, "min_value": -1, "max_value": -0.5})") ==
                       1.0);
            // A bound that leaves 0 where it is changes nothing.
            BOOST_TEST(density(type, R"({"density": 0.1, "min_value": 0, "max_value": 0.5})") ==
                       0.1);
        }
    }
    // The config's checks run as in initialize().
    const auto cfg = config("sparse_uniform_initializer");
    std::vector<spark_value_t> values(cfg.abi().values, cfg.abi().values + cfg.abi().count);
    values[3].f = 1.5;
    spark_config_t changed = cfg.abi();
    changed.values = values.data();
    double out = -1.0;
    BOOST_TEST(sparse_of(cfg.type()).density(cfg.type().abi, host.abi(), &changed, &out) ==
               SPARK_ERR_INVALID_ARGUMENT);
    BOOST_TEST(host.last_error() == "density must be in [0, 1], got 1.5");
}

BOOST_AUTO_TEST_CASE(sparse_uniform_keeps_the_documented_gaps) {
    // docs/models.md section 9, written out again: in line l (along the last axis, length L),
    // p_j = p_{j-1} + 1 + floor(log(1 - u) / log1p(-density)) with p_{-1} = -1, u = counter
    // (l << 32) | j of stream 1; a kept element k has uniform_initializer's value k.
    for (const double density : {0.05, 0.3, 0.9}) {
        for (const std::initializer_list<std::uint32_t> dims :
             {std::initializer_list<std::uint32_t>{5, 37}, {3, 4, 9}, {40}}) {
            BOOST_TEST_CONTEXT("density " << density << ", " << product(dims) << " elements") {
                const auto overrides =
                    R"({"seed": 77, "density": )" + std::to_string(density) + "}";
                const auto v = run<double>("sparse_uniform_initializer", overrides, dims);
                const auto full = run<double>("uniform_initializer", R"({"seed": 77})", dims);
                const std::int64_t length = *(dims.end() - 1);
                const spark::sdk::counter_stream mask(77, 1);
                std::vector<double> expected(v.size(), 0.0);
                for (std::uint64_t line = 0; line < v.size() / static_cast<std::uint64_t>(length);
                     ++line) {
                    std::int64_t p = -1;
                    for (std::uint64_t j = 0;; ++j) {
                        const double u = mask.uniform((line << 32U) | j);
                        const double gap = std::floor(std::log(1.0 - u) / std::log1p(-density));
                        if (static_cast<double>(p) + 1.0 + gap >= static_cast<double>(length)) {
                            break;
                        }
                        p += 1 + static_cast<std::int64_t>(gap);
                        const auto k = line * static_cast<std::uint64_t>(length) +
                                       static_cast<std::uint64_t>(p);
                        expected[k] = full[k];
                    }
                }
                BOOST_TEST(v == expected, boost::test_tools::per_element());
            }
        }
    }
}

BOOST_AUTO_TEST_CASE(sparse_uniform_keeps_a_binomial_share_everywhere) {
    // 1000 lines of 1000: the share kept, per line and per half line, is that of one
    // Bernoulli(density) draw per element.
    for (const double density : {0.02, 0.15, 0.5}) {
        BOOST_TEST_CONTEXT("density " << density) {
            const auto overrides = R"({"seed": 31, "density": )" + std::to_string(density) + "}";
            constexpr std::uint64_t lines = 1000;
            constexpr std::uint64_t length = 1000;
            const auto rows = fill_rows<double>(
                "sparse_uniform_initializer", overrides, {lines, length}, length, 0, lines);
            std::uint64_t kept = 0;
            std::uint64_t first_half = 0;
            double chi_square = 0.0;
            const double mean = static_cast<double>(length) * density;
            const double variance = mean * (1.0 - density);
            for (const auto& row : rows) {
                kept += row.columns.size();
                first_half += static_cast<std::uint64_t>(
                    std::count_if(row.columns.begin(), row.columns.end(), [](std::uint64_t c) {
                        return c < length / 2;
                    }));
                const double off = static_cast<double>(row.columns.size()) - mean;
                chi_square += off * off / variance;
            }
            const auto [lo, hi] = binomial_interval(lines * length, density, 0.999);
            BOOST_TEST((kept >= lo && kept <= hi),
                       kept << " kept, expected [" << lo << ", " << hi << "]");
            // Each half of the lines holds its share: a walk that runs short, or long, shows.
            const auto [half_lo, half_hi] = binomial_interval(lines * length / 2, density, 0.999);
            for (const std::uint64_t half : {first_half, kept - first_half}) {
                BOOST_TEST((half >= half_lo && half <= half_hi),
                           half << " kept in a half, expected [" << half_lo << ", " << half_hi
                                << "]");
            }
            // Per-line counts spread as binomials: sum of squared z-scores ~ chi-square with 1000
            // degrees of freedom (mean 1000, sd ~sqrt(2000) = 45), bounded at 4 sd. A fixed
            // count per line, or counts twice as spread, fall far outside.
            BOOST_TEST((chi_square > 820.0 && chi_square < 1180.0), "chi-square " << chi_square);
        }
    }
}

BOOST_AUTO_TEST_CASE(sparse_uniform_density_zero_and_one) {
    for (const auto& row :
         fill_rows<float>("sparse_uniform_initializer", R"({"density": 0})", {6, 50}, 50, 0, 6)) {
        BOOST_TEST(row.columns.empty());
    }
    const auto full = run<float>("uniform_initializer", R"({"seed": 2})", {6, 50});
    const auto rows = fill_rows<float>(
        "sparse_uniform_initializer", R"({"seed": 2, "density": 1})", {6, 50}, 50, 0, 6);
    for (const auto& row : rows) {
        BOOST_TEST_REQUIRE(row.columns.size() == 50U);
        for (std::size_t c = 0; c < 50; ++c) {
            BOOST_TEST_REQUIRE(row.columns[c] == c);
            BOOST_TEST_REQUIRE(row.values[c] == full[row.row * 50 + c]);
        }
    }
    // The smallest densities: gaps beyond any integer end the line.
    for (const auto& row : fill_rows<double>(
             "sparse_uniform_initializer", R"({"density": 1e-300})", {3, 1000}, 1000, 0, 3)) {
        BOOST_TEST(row.columns.empty());
    }
}

BOOST_AUTO_TEST_CASE(sparse_uniform_lifted_zeros_make_whole_rows) {
    const auto rows = fill_rows<double>(
        "sparse_uniform_initializer", R"({"seed": 4, "min_value": 0.5})", {20, 30}, 30, 0, 20);
    for (const auto& row : rows) {
        BOOST_TEST_REQUIRE(row.columns.size() == 30U);
        const auto at_min = std::count(row.values.begin(), row.values.end(), 0.5);
        BOOST_TEST(at_min >= 15); // the ~80% not kept, and kept values below 0.5
    }
}

BOOST_AUTO_TEST_CASE(sparse_uniform_serves_an_array_too_large_to_fill_densely) {
    // 2 lines of 2^31 (32 GB of doubles) at density 1e-6: ~2000 draws a line, where a walk
    // element by element would take seconds per line.
    const auto cfg = R"({"seed": 5, "density": 1e-6})";
    std::vector<std::uint64_t> indices{5, 1U << 30U, (1ULL << 31U) - 1};
    std::vector<double> values;
    BOOST_TEST_REQUIRE(
        try_values_at<double>("sparse_uniform_initializer", cfg, {2, 1U << 31U}, indices, values) ==
            SPARK_OK,
        host.last_error());
    // Fill a row of that shape, and ask values_at for its kept elements.
    const auto rows =
        fill_rows<double>("sparse_uniform_initializer", cfg, {2, 1U << 31U}, 1U << 31U, 1, 2);
    BOOST_TEST_REQUIRE(rows.size() == 1U);
    const auto& row = rows[0];
    BOOST_TEST((row.columns.size() > 1900U && row.columns.size() < 2400U), row.columns.size());
    indices.assign(row.columns.begin(), row.columns.end());
    for (auto& index : indices) {
        index += 1ULL << 31U;
    }
    BOOST_TEST_REQUIRE(
        try_values_at<double>("sparse_uniform_initializer", cfg, {2, 1U << 31U}, indices, values) ==
            SPARK_OK,
        host.last_error());
    BOOST_TEST(values == row.values, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(bad_requests_are_refused_with_a_message) {
    row_collector<float> rows;
    const auto fill = [&](std::uint64_t row_length, std::uint64_t begin, std::uint64_t end) {
        return try_fill_rows<float>(
            "sparse_uniform_initializer", "{}", {4, 5, 6}, row_length, begin, end, rows);
    };
    for (const std::uint64_t row_length : std::initializer_list<std::uint64_t>{0, 4, 18, 240}) {
        BOOST_TEST(fill(row_length, 0, 1) == SPARK_ERR_INVALID_ARGUMENT);
        BOOST_TEST(host.last_error() ==
                   "fill_rows got row_length " + std::to_string(row_length) +
                       " for shape (4, 5, 6); use a multiple of the last dimension (6) that "
                       "divides the element count (120)");
    }
    BOOST_TEST(fill(30, 0, 5) == SPARK_ERR_INVALID_ARGUMENT);
    BOOST_TEST(host.last_error() ==
               "fill_rows got rows [0, 5) but shape (4, 5, 6) has 4 rows of 30; "
               "use row_begin <= row_end <= 4");
    BOOST_TEST(fill(30, 3, 2) == SPARK_ERR_INVALID_ARGUMENT);
    BOOST_TEST(host.last_error() ==
               "fill_rows got rows [3, 2) but shape (4, 5, 6) has 4 rows of 30; "
               "use row_begin <= row_end <= 4");
    BOOST_TEST(rows.rows.empty());

    // Normalised rows must be whole normalisation groups.
    const std::string unsupported =
        "normalized_sparse_uniform_initializer fills rows only when each row is one normalisation "
        "group (norm_axes the leading axes 0..m-1, m < rank, row_length the product of the other "
        "dims); got shape (4, 5, 6), ";
    row_collector<double> normalized;
    BOOST_TEST(try_fill_rows<double>("normalized_sparse_uniform_initializer",
                                     R"({"norm_axes": [1]})",
                                     {4, 5, 6},
                                     30,
                                     0,
                                     4,
                                     normalized) == SPARK_ERR_UNSUPPORTED);
    BOOST_TEST(host.last_error() == unsupported + "norm_axes [1], row_length 30");
    BOOST_TEST(try_fill_rows<double>(
                   "normalized_sparse_uniform_initializer", "{}", {4, 5, 6}, 6, 0, 4, normalized) ==
               SPARK_ERR_UNSUPPORTED);
    BOOST_TEST(host.last_error() == unsupported + "norm_axes [0], row_length 6");
    BOOST_TEST(try_fill_rows<double>("normalized_sparse_uniform_initializer",
                                     R"({"norm_axes": [-1]})",
                                     {4, 5, 6},
                                     30,
                                     0,
                                     4,
                                     normalized) == SPARK_ERR_UNSUPPORTED);
    BOOST_TEST(host.last_error() == unsupported + "norm_axes [-1], row_length 30");
    BOOST_TEST(normalized.rows.empty());
    std::vector<double> values;
    BOOST_TEST(try_values_at<double>("normalized_sparse_uniform_initializer",
                                     R"({"norm_axes": [1]})",
                                     {4, 5, 6},
                                     {0, 1},
                                     values) == SPARK_ERR_UNSUPPORTED);
    BOOST_TEST(host.last_error() ==
               "normalized_sparse_uniform_initializer gives values by index only when norm_axes "
               "are the leading axes 0..m-1, m < rank (each group consecutive elements); got "
               "shape (4, 5, 6), norm_axes [1]");
    // Every axis kept: each element is its own group, not a run of whole lines.
    BOOST_TEST(try_values_at<double>("normalized_sparse_uniform_initializer",
                                     R"({"norm_axes": [0, 1]})",
                                     {4, 5},
                                     {0, 1},
                                     values) == SPARK_ERR_UNSUPPORTED);
    // The same checks as initialize().
    std::vector<std::int32_t> integers;
    BOOST_TEST(try_values_at<std::int32_t>(
                   "normalized_sparse_uniform_initializer", "{}", {4, 5}, {0}, integers) ==
               SPARK_ERR_INVALID_ARGUMENT);
    BOOST_TEST(host.last_error() ==
               "normalized_sparse_uniform_initializer fills float32 or float64 buffers only, got "
               "int32");

    // Indices out of range.
    std::vector<float> floats;
    BOOST_TEST(try_values_at<float>("uniform_initializer", "{}", {4, 5}, {3, 20}, floats) ==
               SPARK_ERR_INVALID_ARGUMENT);
    BOOST_TEST(host.last_error() ==
               "values_at got index 20 (entry 1) but shape (4, 5) has 20 elements");
}

BOOST_AUTO_TEST_CASE(null_arguments_and_unknown_dtypes_are_refused) {
    const auto cfg = config("constant_initializer");
    const auto& ext = sparse_of(cfg.type());
    const auto* type = cfg.type().abi;
    auto spec = spec_of<float>({4, 5});
    row_collector<float> rows;
    const auto sink = rows.sink();
    BOOST_TEST(ext.fill_rows(type, host.abi(), &cfg.abi(), &spec, 5, 0, 4, nullptr) ==
               SPARK_ERR_INVALID_ARGUMENT);
    BOOST_TEST(host.last_error() ==
               "fill_rows needs a type, a config, a spec and a sink with a row function");
    const spark_row_sink_t no_function{&rows, nullptr};
    BOOST_TEST(ext.fill_rows(type, host.abi(), &cfg.abi(), &spec, 5, 0, 4, &no_function) ==
               SPARK_ERR_INVALID_ARGUMENT);
    BOOST_TEST(ext.fill_rows(type, host.abi(), nullptr, &spec, 5, 0, 4, &sink) ==
               SPARK_ERR_INVALID_ARGUMENT);
    BOOST_TEST(ext.density(type, host.abi(), &cfg.abi(), nullptr) == SPARK_ERR_INVALID_ARGUMENT);
    BOOST_TEST(host.last_error() == "density needs a type, a config and an out pointer");
    BOOST_TEST(ext.values_at(type, host.abi(), &cfg.abi(), &spec, nullptr, 3, nullptr) ==
               SPARK_ERR_INVALID_ARGUMENT);
    BOOST_TEST(host.last_error() ==
               "values_at needs a type, a config, a spec, and indices and an out "
               "array for count > 0");
    BOOST_TEST(ext.values_at(type, host.abi(), &cfg.abi(), &spec, nullptr, 0, nullptr) == SPARK_OK);
    spec.dtype = 99;
    BOOST_TEST(ext.fill_rows(type, host.abi(), &cfg.abi(), &spec, 5, 0, 4, &sink) ==
               SPARK_ERR_INVALID_ARGUMENT);
    BOOST_TEST(host.last_error() ==
               "fill_rows got a spec of dtype 99 elements; use uint8, int32, float32 or float64");
    spec.dtype = SPARK_DTYPE_F32;
    spec.shape.rank = SPARK_MAX_RANK + 1;
    BOOST_TEST(ext.fill_rows(type, host.abi(), &cfg.abi(), &spec, 5, 0, 4, &sink) ==
               SPARK_ERR_INVALID_ARGUMENT);
    BOOST_TEST(host.last_error() == "fill_rows got a spec of rank 9, more than 8");
    BOOST_TEST(rows.rows.empty());
}

BOOST_AUTO_TEST_CASE(a_sink_that_fails_stops_the_fill_with_its_status) {
    row_collector<double> rows;
    rows.stop_after = 2;
    rows.stop_status = SPARK_ERR_OUT_OF_MEMORY;
    BOOST_TEST(try_fill_rows<double>(
                   "sparse_uniform_initializer", R"({"seed": 3})", {6, 40}, 40, 1, 6, rows) ==
               SPARK_ERR_OUT_OF_MEMORY);
    BOOST_TEST(rows.rows.size() == 2U);
    BOOST_TEST(host.last_error().empty()); // the caller knows why: nothing is reported
}

BOOST_AUTO_TEST_SUITE_END()
