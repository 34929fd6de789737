// SPDX-License-Identifier: Apache-2.0
// The host service SPARK_SERVICE_INITIALIZERS: a module runs an initializer type of any loaded
// plugin by canonical id, gets its numbers, and a failing initializer becomes the module's error.
#include <array>
#include <string>
#include <vector>

#include <boost/test/unit_test.hpp>

#include <spark/registry/plugin_registry.hpp>
#include <spark/runtime/module_config.hpp>

#include "fixtures.hpp"
#include "test_plugin_paths.hpp"

namespace {

struct service_fixture : spark::test::registry_fixture {
    service_fixture() { registry.load(spark::test::test_plugin("runtime_initializers")); }

    /// Builds `rt.weighted` from `overrides` for four float64 inputs, steps once with all
    /// inputs 1 and returns the outputs (= the weights).
    std::vector<double> weights(const std::string& overrides) {
        const spark::runtime::module_config config(
            registry, registry.resolve("rt.weighted"), overrides, "w");
        auto module = registry.create(config.type(), config.abi(), "w");
        spark_port_spec_t in{};
        in.payload_kind = SPARK_PAYLOAD_FLOAT;
        in.dtype = SPARK_DTYPE_F64;
        in.shape.rank = 1;
        in.shape.dims[0] = 4;
        std::array<spark_port_spec_t, 1> out{};
        module.build(std::span<const spark_port_spec_t>(&in, 1), out);
        std::array<double, 4> x{1, 1, 1, 1};
        std::array<double, 4> y{};
        const spark_buffer_t input{x.data(), 4, in};
        const spark_buffer_t output{y.data(), 4, out[0]};
        module.reset(std::span<const spark_buffer_t>(&output, 1));
        spark_step_context_t context{0, 1.0, &input, 1, &output, 1};
        module.step(context);
        return {y.begin(), y.end()};
    }
};

} // namespace

BOOST_FIXTURE_TEST_SUITE(initializer_service, service_fixture)

BOOST_AUTO_TEST_CASE(a_module_runs_the_default_initializer_of_another_type) {
    // ramp_initializer defaults: start 1, slope 0.5.
    BOOST_TEST(weights("{}") == (std::vector<double>{1.0, 1.5, 2.0, 2.5}),
               boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(the_initializer_config_comes_from_the_module_config) {
    BOOST_TEST(weights(R"({"weights": {"__class_ref__": "ramp_initializer", "start": 2,
                                      "slope": 0}})") == (std::vector<double>{2, 2, 2, 2}),
               boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(a_plain_number_needs_no_service) {
    BOOST_TEST(weights(R"({"weights": 3})") == (std::vector<double>{3, 3, 3, 3}),
               boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(a_failing_initializer_fails_the_calling_module_with_its_message) {
    try {
        (void)weights(R"({"weights": {"__class_ref__": "ramp_initializer", "start": -1}})");
        BOOST_FAIL("build succeeded although the initializer failed");
    } catch (const spark::registry::plugin_error& e) {
        BOOST_TEST(std::string(e.what()) ==
                   "rt.weighted 'w': build failed (SPARK_ERR_INVALID_ARGUMENT): "
                   "rt.ramp_initializer failed (SPARK_ERR_INVALID_ARGUMENT): start must be >= 0 "
                   "in this test initializer");
    }
}

BOOST_AUTO_TEST_SUITE_END()
