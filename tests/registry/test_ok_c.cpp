// SPDX-License-Identifier: Apache-2.0
// The full lifecycle of the plain-C `ctest.decay` type through module_instance, with exact
// numbers (trace decays by exp(-dt/tau)), the host-side lifecycle checks, and plugin errors.
#include <cmath>
#include <vector>

#include <boost/test/unit_test.hpp>

#include <spark/registry/plugin_registry.hpp>

#include "fixtures.hpp"
#include "log_capture.hpp"
#include "registry_test_helpers.hpp"
#include "test_plugin_paths.hpp"

namespace tt = boost::test_tools;
using spark::registry::module_instance;
using spark::registry::plugin_error;
using spark::test::error_message;
using spark::test::host_buffer;
using spark::test::port_spec;

namespace {

struct decay_config {
    double tau = 10.0; // [ms]
    std::int32_t dtype = SPARK_DTYPE_F64;
};

struct decay_fixture : spark::test::registry_fixture {
    decay_fixture() { (void)registry.load(spark::test::test_plugin("ok_c")); }

    module_instance make(const char* name, decay_config config = {}) {
        spark::test::config_builder values;
        values.add_float(config.tau);
        return registry.create(
            registry.resolve("decay"), values.get("ctest.decay", config.dtype), name);
    }
};

/// Builds `instance` for float input `spec`; returns the output spec.
spark_port_spec_t build(module_instance& instance, const spark_port_spec_t& spec) {
    const std::vector<spark_port_spec_t> inputs{spec};
    std::vector<spark_port_spec_t> outputs(1);
    instance.build(inputs, outputs);
    return outputs.front();
}

} // namespace

BOOST_FIXTURE_TEST_SUITE(ok_c_lifecycle, decay_fixture)

BOOST_AUTO_TEST_CASE(the_descriptor_is_readable_without_an_instance) {
    const auto& type = registry.resolve("ctest.decay");
    const auto& abi = *type.abi;
    BOOST_TEST(spark::registry::kind_name(abi.kind) == "component");
    BOOST_TEST(std::string(abi.version) == "1.0.0");
    BOOST_TEST_REQUIRE(abi.field_count == 1U);
    BOOST_TEST(std::string(abi.fields[0].name) == "tau");
    BOOST_TEST(spark::registry::field_type_name(abi.fields[0].type) == "float");
    BOOST_TEST(std::string(abi.fields[0].default_json) == "10.0");
    BOOST_TEST(std::string(abi.fields[0].units) == "ms");
    BOOST_TEST_REQUIRE(abi.fields[0].validator_count == 1U);
    BOOST_TEST(abi.fields[0].validators[0].kind == SPARK_VALIDATOR_POSITIVE);
    BOOST_TEST_REQUIRE(abi.port_count == 2U);
    BOOST_TEST(std::string(abi.ports[0].name) == "in");
    BOOST_TEST(abi.ports[0].direction == SPARK_PORT_INPUT);
    BOOST_TEST(std::string(abi.ports[1].name) == "out");
    BOOST_TEST(abi.ports[1].shape_rule == SPARK_SHAPE_LIKE_PORT);
    BOOST_TEST(std::string(abi.ports[1].shape_ref) == "in");
}

BOOST_AUTO_TEST_CASE(create_build_reset_step_state_with_exact_numbers) {
    auto decay = make("d1", {.tau = 10.0});
    BOOST_TEST(decay.name() == "d1");
    BOOST_TEST(!decay.has_contract());
    const auto out_spec = build(decay, port_spec(SPARK_PAYLOAD_FLOAT, SPARK_DTYPE_F64, {2}));
    BOOST_TEST(out_spec.payload_kind == SPARK_PAYLOAD_FLOAT);
    BOOST_TEST(out_spec.dtype == SPARK_DTYPE_F64);
    BOOST_TEST(out_spec.shape.rank == 1U);
    BOOST_TEST(out_spec.shape.dims[0] == 2U);

    const host_buffer in(port_spec(SPARK_PAYLOAD_FLOAT, SPARK_DTYPE_F64, {2}));
    const host_buffer out(out_spec);
    const std::vector<spark_buffer_t> ins{in.view()};
    const std::vector<spark_buffer_t> outs{out.view()};
    decay.reset(outs);
    BOOST_TEST(out.values<double>() == (std::vector<double>{0.0, 0.0}), tt::per_element());

    const double e = std::exp(-1.0 / 10.0); // dt = 1 ms, tau = 10 ms
    in.fill<double>({1.0, 2.0});
    decay.step(spark::test::step_context(0, 1.0, ins, outs));
    BOOST_TEST(out.values<double>() == (std::vector<double>{1.0, 2.0}), tt::per_element());
    in.fill<double>({0.0, 0.0});
    decay.step(spark::test::step_context(1, 1.0, ins, outs));
    spark::test::check_close(out.values<double>(), std::vector<double>{e, 2.0 * e}, 1e-12);
    in.fill<double>({0.5, -1.0});
    decay.step(spark::test::step_context(2, 1.0, ins, outs));
    const std::vector<double> expected{e * e + 0.5, 2.0 * e * e - 1.0};
    spark::test::check_close(out.values<double>(), expected, 1e-12);

    // The state is the trace; writing it and calling state_loaded restores a checkpoint.
    auto state = decay.state();
    BOOST_TEST_REQUIRE(state.size() == 1U);
    BOOST_TEST(std::string(state[0].name) == "trace");
    BOOST_TEST(state[0].dtype == SPARK_DTYPE_F64);
    BOOST_TEST(state[0].shape.rank == 1U);
    BOOST_TEST(state[0].shape.dims[0] == 2U);
    auto* trace = static_cast<double*>(state[0].data);
    BOOST_TEST(trace[0] == expected[0], tt::tolerance(1e-12));
    BOOST_TEST(trace[1] == expected[1], tt::tolerance(1e-12));
    trace[0] = 10.0;
    trace[1] = 20.0;
    decay.state_loaded();
    in.fill<double>({0.0, 0.0});
    decay.step(spark::test::step_context(3, 2.0, ins, outs)); // dt = 2 ms this time
    const double e2 = std::exp(-2.0 / 10.0);
    spark::test::check_close(
        out.values<double>(), std::vector<double>{10.0 * e2, 20.0 * e2}, 1e-12);

    // Reset forgets everything.
    decay.reset(outs);
    BOOST_TEST(out.values<double>() == (std::vector<double>{0.0, 0.0}), tt::per_element());
    in.fill<double>({1.0, 1.0});
    decay.step(spark::test::step_context(0, 1.0, ins, outs));
    BOOST_TEST(out.values<double>() == (std::vector<double>{1.0, 1.0}), tt::per_element());
}

BOOST_AUTO_TEST_CASE(float32_and_a_rank_two_shape) {
    auto decay = make("d32", {.tau = 4.0, .dtype = SPARK_DTYPE_F32});
    const auto out_spec = build(decay, port_spec(SPARK_PAYLOAD_FLOAT, SPARK_DTYPE_F32, {2, 3}));
    BOOST_TEST(out_spec.dtype == SPARK_DTYPE_F32);
    BOOST_TEST(out_spec.shape.rank == 2U);
    BOOST_TEST(out_spec.shape.dims[1] == 3U);
    const host_buffer in(port_spec(SPARK_PAYLOAD_FLOAT, SPARK_DTYPE_F32, {2, 3}));
    const host_buffer out(out_spec);
    const std::vector<spark_buffer_t> ins{in.view()};
    const std::vector<spark_buffer_t> outs{out.view()};
    decay.reset(outs);
    in.fill<float>({1.0F, 1.0F, 1.0F, 1.0F, 1.0F, 1.0F});
    const double e = std::exp(-0.5 / 4.0);
    double expected = 0.0;
    for (std::uint64_t step = 0; step < 3; ++step) {
        decay.step(spark::test::step_context(step, 0.5, ins, outs));
        expected = expected * e + 1.0;
    }
    for (const float value : out.values<float>()) {
        BOOST_TEST(value == expected, tt::tolerance(1e-6));
    }
}

BOOST_AUTO_TEST_CASE(a_failing_create_is_a_plugin_error_with_the_plugins_message) {
    try {
        (void)make("bad", {.tau = -1.0});
        BOOST_FAIL("create succeeded");
    } catch (const plugin_error& e) {
        BOOST_TEST(
            std::string(e.what()) ==
            "ctest.decay 'bad': create failed (SPARK_ERR_INVALID_ARGUMENT): tau must be > 0, "
            "got -1");
        BOOST_TEST(e.status() == SPARK_ERR_INVALID_ARGUMENT);
        BOOST_TEST(e.type_id() == "ctest.decay");
        BOOST_TEST(e.instance_name() == "bad");
    }
}

BOOST_AUTO_TEST_CASE(a_failing_build_leaves_the_instance_buildable) {
    auto decay = make("d");
    const auto message = error_message<plugin_error>(
        [&] { (void)build(decay, port_spec(SPARK_PAYLOAD_SPIKES, SPARK_DTYPE_U8, {3})); });
    BOOST_TEST(message == "ctest.decay 'd': build failed (SPARK_ERR_INVALID_ARGUMENT): input 'in' "
                          "must carry float32 or float64 values, got payload kind 1 with dtype 1");
    BOOST_TEST(build(decay, port_spec(SPARK_PAYLOAD_FLOAT, SPARK_DTYPE_F64, {3})).shape.dims[0] ==
               3U);
}

BOOST_AUTO_TEST_CASE(the_host_checks_lifecycle_order_before_calling_the_plugin) {
    auto decay = make("d");
    const host_buffer buffer(port_spec(SPARK_PAYLOAD_FLOAT, SPARK_DTYPE_F64, {2}));
    const std::vector<spark_buffer_t> one{buffer.view()};
    const auto context = spark::test::step_context(0, 1.0, one, one);
    BOOST_TEST(error_message<spark::error>([&] { decay.step(context); }) ==
               "ctest.decay 'd': step called before build; call build, then reset");
    BOOST_TEST(error_message<spark::error>([&] { decay.reset(one); }) ==
               "ctest.decay 'd': reset called before build; call build first");
    BOOST_TEST(error_message<spark::error>([&] { (void)decay.state(); }) ==
               "ctest.decay 'd': state requested before build; call build first");
    BOOST_TEST(error_message<spark::error>([&] { decay.state_loaded(); }) ==
               "ctest.decay 'd': state_loaded called before build; call build first");
    std::vector<spark_port_spec_t> outputs(1);
    BOOST_TEST(error_message<spark::error>([&] { decay.contract(outputs); }) ==
               "ctest.decay 'd': the type publishes no output contract, so it cannot be part of a "
               "cycle");

    (void)build(decay, port_spec(SPARK_PAYLOAD_FLOAT, SPARK_DTYPE_F64, {2}));
    BOOST_TEST(error_message<spark::error>([&] { decay.step(context); }) ==
               "ctest.decay 'd': step called before reset; call reset first");
    BOOST_TEST(error_message<spark::error>([&] {
                   (void)build(decay, port_spec(SPARK_PAYLOAD_FLOAT, SPARK_DTYPE_F64, {2}));
               }) ==
               "ctest.decay 'd': build called twice; create a new instance to build with other "
               "input specs");
}

BOOST_AUTO_TEST_CASE(span_sizes_are_checked_against_the_port_counts) {
    auto decay = make("d");
    const std::vector<spark_port_spec_t> two_inputs(
        2, port_spec(SPARK_PAYLOAD_FLOAT, SPARK_DTYPE_F64, {2}));
    std::vector<spark_port_spec_t> one_output(1);
    std::vector<spark_port_spec_t> no_output;
    BOOST_TEST(error_message<spark::error>([&] { decay.build(two_inputs, one_output); }) ==
               "ctest.decay 'd': build got 2 input specs, expected 1 (one per input port of the "
               "type, in port order)");
    const std::vector<spark_port_spec_t> one_input(1, two_inputs.front());
    BOOST_TEST(error_message<spark::error>([&] { decay.build(one_input, no_output); }) ==
               "ctest.decay 'd': build got 0 output specs, expected 1 (one per output port of the "
               "type, in port order)");
    decay.build(one_input, one_output);

    const host_buffer buffer(one_output.front());
    const std::vector<spark_buffer_t> one{buffer.view()};
    const std::vector<spark_buffer_t> none;
    BOOST_TEST(error_message<spark::error>([&] { decay.reset(none); }) ==
               "ctest.decay 'd': reset got 0 output buffers, expected 1 (one per output port of "
               "the type, in port order)");
    decay.reset(one);
    BOOST_TEST(error_message<spark::error>(
                   [&] { decay.step(spark::test::step_context(0, 1.0, none, one)); }) ==
               "ctest.decay 'd': step got 0 input buffers, expected 1 (one per input port of the "
               "type, in port order)");
}

BOOST_AUTO_TEST_CASE(a_status_from_a_direct_abi_call_becomes_a_plugin_error) {
    auto decay = make("d");
    (void)build(decay, port_spec(SPARK_PAYLOAD_FLOAT, SPARK_DTYPE_F64, {2}));
    const host_buffer out(port_spec(SPARK_PAYLOAD_FLOAT, SPARK_DTYPE_F64, {2}));
    const host_buffer wrong(port_spec(SPARK_PAYLOAD_FLOAT, SPARK_DTYPE_F64, {5}));
    const std::vector<spark_buffer_t> outs{out.view()};
    const std::vector<spark_buffer_t> ins{wrong.view()};
    decay.reset(outs);
    // An executor's hot path: the raw call, then check().
    const auto context = spark::test::step_context(0, 1.0, ins, outs);
    const auto status = decay.abi().step(&decay.abi(), &context);
    BOOST_TEST(status == SPARK_ERR_INVALID_ARGUMENT);
    BOOST_TEST(
        error_message<plugin_error>([&] { decay.check(status, "step"); }) ==
        "ctest.decay 'd': step failed (SPARK_ERR_INVALID_ARGUMENT): step needs one input and "
        "one output of 2 elements");
    // The message was consumed: a later failure without a message says so.
    BOOST_TEST(error_message<plugin_error>([&] { decay.check(SPARK_ERR_UNSUPPORTED, "custom"); }) ==
               "ctest.decay 'd': custom failed (SPARK_ERR_UNSUPPORTED): the plugin reported no "
               "message");
    BOOST_CHECK_NO_THROW(decay.check(SPARK_OK, "step"));
}

BOOST_AUTO_TEST_CASE(the_config_must_match_the_schema_size) {
    const spark::test::config_builder empty;
    BOOST_TEST(error_message<spark::error>([&] {
                   (void)registry.create(registry.resolve("decay"), empty.get("ctest.decay"), "d");
               }) ==
               "ctest.decay 'd': the config holds 0 values, expected 1 (one per schema field, "
               "in schema order)");
}

BOOST_AUTO_TEST_CASE(a_type_from_another_registry_is_refused) {
    spark::registry::plugin_registry other(spark::test::isolated_search());
    (void)other.load(spark::test::test_plugin("vendor_x"));
    spark::test::config_builder none;
    BOOST_TEST(error_message<spark::error>([&] {
                   (void)registry.create(other.resolve("only_x"), none.get("vx.only_x"), "x");
               }) == "module type 'vx.only_x' was not loaded by this registry; resolve it through "
                     "the registry that creates its instances");
}

BOOST_AUTO_TEST_CASE(each_instance_reports_through_its_own_host) {
    const auto from = spark::test::captured_log().records().size();
    {
        auto first = make("first");
        auto second = make("second");
    }
    const auto& log = spark::test::captured_log();
    BOOST_TEST(log.find("spark.plugin.ctest.decay",
                        "'first': created 'first' (tau 10 ms, debug messages wanted: yes)",
                        from) != spark::test::log_capture_sink::npos);
    BOOST_TEST(log.find("spark.plugin.ctest.decay",
                        "'second': created 'second' (tau 10 ms, debug messages wanted: yes)",
                        from) != spark::test::log_capture_sink::npos);
}

BOOST_AUTO_TEST_CASE(wants_honours_the_level_of_the_types_logger) {
    auto logger = spdlog::get("spark.plugin.ctest.decay");
    if (!logger) {
        (void)make("warm_up"); // creates the logger
        logger = spdlog::get("spark.plugin.ctest.decay");
    }
    BOOST_TEST_REQUIRE(logger != nullptr);
    const auto from = spark::test::captured_log().records().size();
    logger->set_level(spdlog::level::info);
    { auto quiet = make("quiet"); }
    logger->set_level(spdlog::level::trace);
    const auto& log = spark::test::captured_log();
    BOOST_TEST(log.find("spark.plugin.ctest.decay",
                        "created 'quiet' (tau 10 ms, debug messages wanted: no)",
                        from) != spark::test::log_capture_sink::npos);
    BOOST_TEST(log.find("spark.plugin.ctest.decay", "destroy 'quiet'", from) ==
               spark::test::log_capture_sink::npos);
}

BOOST_AUTO_TEST_SUITE_END()
