// SPDX-License-Identifier: Apache-2.0
// concat, concat_reshape and sampler (docs/models.md section 8.3): any payload in, the same
// payload out; spikes keep their inhibition bits (upstream loses them, models §12.12), floats
// their dtype; the sampler's picks are fixed at build, reproducible from the seed and uniform.
#include <cstdint>
#include <set>
#include <span>
#include <string>
#include <vector>

#include <boost/test/unit_test.hpp>

#include "binomial.hpp"
#include "interfaces_fixture.hpp"

using spark::test::interfaces_fixture;
using spark::test::one_to_one;
using spark::test::port_spec;

namespace {

/// A built, reset sampler over `in_spec` with host-owned buffers (output 0: picks, 1: indices).
template <typename In>
struct running_sampler {
    spark::runtime::module_config cfg;
    spark::registry::module_instance instance;
    std::vector<In> in;
    std::vector<In> out;
    std::vector<std::int32_t> indices;
    spark_buffer_t in_buffer{};
    spark_buffer_t out_buffers[2]{};

    running_sampler(interfaces_fixture& f, const std::string& overrides, spark_port_spec_t in_spec)
        : cfg(f.config("sampler", overrides)),
          instance(f.registry.create(cfg.type(), cfg.abi(), "sampler")) {
        spark_port_spec_t out_specs[2]{};
        instance.build(std::span(&in_spec, 1), std::span(out_specs, 2));
        in.assign(in_spec.shape.dims[0], In{});
        out.assign(out_specs[0].shape.dims[0], In{});
        indices.assign(out_specs[1].shape.dims[0], -1);
        in_buffer = {in.data(), in.size(), in_spec};
        out_buffers[0] = {out.data(), out.size(), out_specs[0]};
        out_buffers[1] = {indices.data(), indices.size(), out_specs[1]};
        instance.reset(std::span(out_buffers, 2));
    }

    void step(std::uint64_t k) {
        const spark_step_context_t ctx{k, 1.0, &in_buffer, 1, out_buffers, 2};
        instance.step(ctx);
    }
};

} // namespace

BOOST_FIXTURE_TEST_SUITE(control_interfaces, interfaces_fixture)

BOOST_AUTO_TEST_CASE(concat_passes_spikes_with_their_inhibition_bits) {
    one_to_one<std::uint8_t, std::uint8_t> m(
        *this, "concat", "{}", port_spec(SPARK_PAYLOAD_SPIKES, SPARK_DTYPE_U8, {5}));
    BOOST_TEST(m.out_spec.payload_kind == SPARK_PAYLOAD_SPIKES);
    BOOST_TEST(m.out_spec.dtype == SPARK_DTYPE_U8);
    BOOST_TEST(m.out_spec.shape.rank == 1U);
    BOOST_TEST(m.out_spec.shape.dims[0] == 5U);
    // spike, silent inhibitory, inhibitory spike, silent, spike
    m.in = {1, 2, 3, 0, 1};
    m.step(0);
    BOOST_TEST(m.out == (std::vector<std::uint8_t>{1, 2, 3, 0, 1}),
               boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(concat_reshape_keeps_float64_values_in_the_new_shape) {
    one_to_one<double, double> m(*this,
                                 "concat_reshape",
                                 R"({"reshape": [2, 3]})",
                                 port_spec(SPARK_PAYLOAD_FLOAT, SPARK_DTYPE_F64, {6}));
    BOOST_TEST(m.out_spec.payload_kind == SPARK_PAYLOAD_FLOAT);
    BOOST_TEST(m.out_spec.dtype == SPARK_DTYPE_F64);
    BOOST_TEST(m.out_spec.shape.rank == 2U);
    BOOST_TEST(m.out_spec.shape.dims[0] == 2U);
    BOOST_TEST(m.out_spec.shape.dims[1] == 3U);
    m.in = {0.5, -1.25, 3.0, 1e-300, 7.0, -0.0};
    m.step(0);
    BOOST_TEST(m.out == m.in, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(concat_reshape_refuses_a_shape_of_another_size) {
    const auto cfg = config("concat_reshape", R"({"reshape": [4, 4]})");
    auto instance = registry.create(cfg.type(), cfg.abi(), "r");
    const auto in = port_spec(SPARK_PAYLOAD_FLOAT, SPARK_DTYPE_F32, {6});
    spark_port_spec_t out{};
    try {
        instance.build(std::span(&in, 1), std::span(&out, 1));
        BOOST_FAIL("a reshape of 16 elements must not accept 6");
    } catch (const spark::error& e) {
        BOOST_TEST(std::string(e.what()).find(
                       "reshape (4, 4) holds 16 elements but the inputs hold 6; give a shape "
                       "with as many elements") != std::string::npos,
                   e.what());
    }
    BOOST_TEST(
        issues("concat_reshape", "{}") ==
            std::vector<std::string>{"probe/reshape: reshape is required and has no default"},
        boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(sampler_picks_fixed_elements_with_their_bits_and_reports_them) {
    running_sampler<std::uint8_t> s(*this,
                                    R"({"sample_size": 6, "seed": 11})",
                                    port_spec(SPARK_PAYLOAD_SPIKES, SPARK_DTYPE_U8, {4}));
    BOOST_TEST_REQUIRE(s.indices.size() == 6U);
    for (const auto i : s.indices) {
        BOOST_TEST((i >= 0 && i < 4)); // reported at reset, before any step
    }
    const auto picks = s.indices;
    for (std::uint64_t k = 0; k < 3; ++k) {
        s.in = {static_cast<std::uint8_t>(k % 2), 2, 3, 1};
        s.step(k);
        for (std::size_t j = 0; j < picks.size(); ++j) {
            BOOST_TEST(s.out[j] == s.in[static_cast<std::size_t>(picks[j])]);
        }
        BOOST_TEST(s.indices == picks, boost::test_tools::per_element()); // fixed
    }
    // The same seed picks the same elements; another seed (very likely) others.
    running_sampler<std::uint8_t> again(*this,
                                        R"({"sample_size": 6, "seed": 11})",
                                        port_spec(SPARK_PAYLOAD_SPIKES, SPARK_DTYPE_U8, {4}));
    BOOST_TEST(again.indices == picks, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(sampler_picks_uniformly_with_replacement) {
    // 20,000 picks of 10 elements: each count is Binomial(20000, 0.1); with replacement, so a
    // sample larger than the input is fine.
    running_sampler<float> s(*this,
                             R"({"sample_size": 20000, "seed": 5})",
                             port_spec(SPARK_PAYLOAD_FLOAT, SPARK_DTYPE_F32, {10}));
    std::vector<std::uint64_t> counts(10, 0);
    for (const auto i : s.indices) {
        ++counts[static_cast<std::size_t>(i)];
    }
    const auto [low, high] = spark::test::binomial_interval(20000, 0.1, 0.999);
    for (const auto c : counts) {
        BOOST_TEST((c >= low && c <= high), c << " not in [" << low << ", " << high << "]");
    }
}

BOOST_AUTO_TEST_SUITE_END()
