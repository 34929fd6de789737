// SPDX-License-Identifier: Apache-2.0
// The C++ SDK test plugins (ok_cpp, ok_clang, create_fails, throws_in_step) through the registry:
// metadata, full lifecycles with exact numbers, and errors crossing the ABI as plugin_error.
#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <initializer_list>
#include <string>
#include <vector>

#include <boost/test/unit_test.hpp>

#include <spark/registry/plugin_registry.hpp>

#include "fixtures.hpp"
#include "registry_test_helpers.hpp"
#include "test_plugin_paths.hpp"

namespace fs = std::filesystem;
namespace tt = boost::test_tools;
using spark::registry::module_instance;
using spark::registry::plugin_error;
using spark::test::error_message;
using spark::test::host_buffer;
using spark::test::port_spec;
using spark::test::step_context;
using spark::test::test_plugin;

namespace {

/// Runs the accumulator (gain 2, initial 0.5) of `type_id` through reset and two steps.
void check_accumulator(spark::registry::plugin_registry& registry, const std::string& type_id) {
    const auto& type = registry.resolve(type_id);
    const auto& abi = *type.abi;
    BOOST_TEST(abi.kind == SPARK_KIND_CONTROL_INTERFACE);
    BOOST_TEST(std::string(abi.version) == "1.0.0");
    BOOST_TEST_REQUIRE(abi.field_count == 2U);
    BOOST_TEST(std::string(abi.fields[0].name) == "gain");
    BOOST_TEST(abi.fields[0].type == SPARK_FIELD_FLOAT);
    BOOST_TEST_REQUIRE(abi.fields[0].validator_count == 1U);
    BOOST_TEST(abi.fields[0].validators[0].kind == SPARK_VALIDATOR_POSITIVE);
    BOOST_TEST(std::string(abi.fields[1].name) == "initial");
    BOOST_TEST(abi.fields[1].type == SPARK_FIELD_FLOAT);
    BOOST_TEST_REQUIRE(abi.port_count == 2U);
    BOOST_TEST(std::string(abi.ports[0].name) == "in");
    BOOST_TEST(std::string(abi.ports[1].name) == "out");
    BOOST_TEST(abi.ports[1].shape_rule == SPARK_SHAPE_LIKE_PORT);

    spark::test::config_builder values;
    values.add_float(2.0).add_float(0.5);
    auto accumulator = registry.create(type, values.get(type.canonical_id.c_str()), "acc");
    BOOST_TEST(!accumulator.has_contract());
    const std::vector<spark_port_spec_t> inputs{
        port_spec(SPARK_PAYLOAD_FLOAT, SPARK_DTYPE_F64, {3})};
    std::vector<spark_port_spec_t> outputs(1);
    accumulator.build(inputs, outputs);
    BOOST_TEST(outputs[0].payload_kind == SPARK_PAYLOAD_FLOAT);
    BOOST_TEST(outputs[0].dtype == SPARK_DTYPE_F64);
    BOOST_TEST(outputs[0].shape.rank == 1U);
    BOOST_TEST(outputs[0].shape.dims[0] == 3U);

    const host_buffer in(inputs[0]);
    const host_buffer out(outputs[0]);
    const std::vector<spark_buffer_t> ins{in.view()};
    const std::vector<spark_buffer_t> outs{out.view()};
    accumulator.reset(outs);
    BOOST_TEST(out.values<double>() == (std::vector<double>{0.5, 0.5, 0.5}), tt::per_element());
    in.fill<double>({1.0, 2.0, 3.0});
    accumulator.step(step_context(0, 1.0, ins, outs));
    BOOST_TEST(out.values<double>() == (std::vector<double>{2.5, 4.5, 6.5}), tt::per_element());
    in.fill<double>({1.0, 1.0, -1.0});
    accumulator.step(step_context(1, 1.0, ins, outs));
    BOOST_TEST(out.values<double>() == (std::vector<double>{4.5, 6.5, 4.5}), tt::per_element());

    const auto state = accumulator.state();
    BOOST_TEST_REQUIRE(state.size() == 1U);
    BOOST_TEST(std::string(state[0].name) == "total");
    BOOST_TEST(state[0].dtype == SPARK_DTYPE_F64);
    const auto* total = static_cast<const double*>(state[0].data);
    BOOST_TEST((std::vector<double>(total, total + 3)) == (std::vector<double>{4.5, 6.5, 4.5}),
               tt::per_element());

    accumulator.reset(outs);
    in.fill<double>({1.0, 0.0, 0.0});
    accumulator.step(step_context(0, 1.0, ins, outs));
    BOOST_TEST(out.values<double>() == (std::vector<double>{2.5, 0.5, 0.5}), tt::per_element());
}

/// Builds a copying component (create_fails, throws_in_step) for float64 [2].
struct copier {
    module_instance instance;
    host_buffer in{port_spec(SPARK_PAYLOAD_FLOAT, SPARK_DTYPE_F64, {2})};
    host_buffer out{port_spec(SPARK_PAYLOAD_FLOAT, SPARK_DTYPE_F64, {2})};
    std::vector<spark_buffer_t> ins{in.view()};
    std::vector<spark_buffer_t> outs{out.view()};

    explicit copier(module_instance created) : instance(std::move(created)) {
        const std::vector<spark_port_spec_t> inputs{
            port_spec(SPARK_PAYLOAD_FLOAT, SPARK_DTYPE_F64, {2})};
        std::vector<spark_port_spec_t> outputs(1);
        instance.build(inputs, outputs);
        instance.reset(outs);
    }
    void step(std::uint64_t index, std::initializer_list<double> values) {
        in.fill<double>(values);
        instance.step(step_context(index, 1.0, ins, outs));
    }
};

} // namespace

BOOST_FIXTURE_TEST_SUITE(sdk_plugins, spark::test::registry_fixture)

BOOST_AUTO_TEST_CASE(ok_cpp_metadata) {
    const auto& info = registry.load(test_plugin("ok_cpp"));
    BOOST_TEST(info.id == "test.cpp_ok");
    BOOST_TEST(info.vendor == "testcpp");
    BOOST_TEST(info.version == "1.2.3");
    BOOST_TEST(info.description == "test plugin built with the C++ SDK");
    BOOST_TEST(info.sha256 == spark::test::sha256sum(test_plugin("ok_cpp")));
    std::vector<std::string> ids;
    for (const auto* type : registry.types()) {
        ids.push_back(type->canonical_id);
    }
    BOOST_TEST(ids == (std::vector<std::string>{"testcpp.accumulator", "testcpp.echo_spikes"}),
               tt::per_element());
}

BOOST_AUTO_TEST_CASE(ok_cpp_accumulator_lifecycle) {
    (void)registry.load(test_plugin("ok_cpp"));
    check_accumulator(registry, "testcpp.accumulator");
}

BOOST_AUTO_TEST_CASE(ok_cpp_echo_spikes_lifecycle_and_contract) {
    (void)registry.load(test_plugin("ok_cpp"));
    const auto& type = registry.resolve("echo_spikes");
    BOOST_TEST(type.abi->kind == SPARK_KIND_NEURON);
    BOOST_TEST_REQUIRE(type.abi->port_count == 2U);
    BOOST_TEST(type.abi->ports[1].shape_rule == SPARK_SHAPE_FROM_FIELD);
    BOOST_TEST(std::string(type.abi->ports[1].shape_ref) == "units");

    spark::test::config_builder values;
    values.add_ints({4});
    auto echo = registry.create(type, values.get("testcpp.echo_spikes"), "echo");
    BOOST_TEST_REQUIRE(echo.has_contract());
    std::vector<spark_port_spec_t> promised(1);
    echo.contract(promised);
    BOOST_TEST(promised[0].payload_kind == SPARK_PAYLOAD_SPIKES);
    BOOST_TEST(promised[0].dtype == SPARK_DTYPE_U8);
    BOOST_TEST(promised[0].shape.rank == 1U);
    BOOST_TEST(promised[0].shape.dims[0] == 4U);

    const std::vector<spark_port_spec_t> inputs{
        port_spec(SPARK_PAYLOAD_SPIKES, SPARK_DTYPE_U8, {3})};
    std::vector<spark_port_spec_t> outputs(1);
    echo.build(inputs, outputs);
    BOOST_TEST(outputs[0].payload_kind == SPARK_PAYLOAD_SPIKES);
    BOOST_TEST(outputs[0].dtype == SPARK_DTYPE_U8);
    BOOST_TEST(outputs[0].shape.dims[0] == 4U);
    const host_buffer in(inputs[0]);
    const host_buffer out(outputs[0]);
    const std::vector<spark_buffer_t> ins{in.view()};
    const std::vector<spark_buffer_t> outs{out.view()};
    echo.reset(outs);
    // bit0 is the spike, bit1 the inhibition flag: 0b11 is a spike, 0b10 a silent neuron.
    in.fill<std::uint8_t>({1, 2, 3});
    echo.step(step_context(0, 1.0, ins, outs));
    BOOST_TEST(out.values<std::uint8_t>() == (std::vector<std::uint8_t>{1, 0, 1, 0}),
               tt::per_element());
    BOOST_TEST(echo.state().empty());
}

BOOST_AUTO_TEST_CASE(ok_clang_was_built_by_clang_and_behaves_like_ok_cpp) {
    // The .comment section of an ELF file names the compilers that produced it.
    const auto bytes = spark::test::file_bytes(test_plugin("ok_clang"));
    BOOST_TEST(bytes.find("clang version") != std::string::npos);
    const auto& info = registry.load(test_plugin("ok_clang"));
    BOOST_TEST(info.id == "test.clang_ok");
    BOOST_TEST(info.vendor == "testclang");
    BOOST_TEST(info.version == "1.0.0");
    check_accumulator(registry, "testclang.accumulator");
}

BOOST_AUTO_TEST_CASE(two_vendors_of_accumulator_make_the_bare_name_ambiguous) {
    (void)registry.load(test_plugin("ok_cpp"));
    (void)registry.load(test_plugin("ok_clang"));
    const auto message = error_message<spark::registry::resolve_error>(
        [&] { (void)registry.resolve("accumulator"); });
    BOOST_TEST(message ==
               "module type 'accumulator' is ambiguous: 2 vendors offer it: testclang.accumulator "
               "(from " +
                   fs::canonical(test_plugin("ok_clang")).string() +
                   "), testcpp.accumulator (from " + fs::canonical(test_plugin("ok_cpp")).string() +
                   "); qualify the name as vendor.class_ref, e.g. 'testclang.accumulator', or "
                   "pin the vendor for the whole brain file with \"__vendors__\": "
                   "[\"testclang\"]");
    check_accumulator(registry, "testcpp.accumulator");
}

BOOST_AUTO_TEST_CASE(create_fails_reports_the_plugins_message_and_status) {
    (void)registry.load(test_plugin("create_fails"));
    const auto& type = registry.resolve("test.create_fails");
    spark::test::config_builder twelve;
    twelve.add_int(12);
    try {
        (void)registry.create(type, twelve.get("test.create_fails"), "cf");
        BOOST_FAIL("create succeeded with limit 12");
    } catch (const plugin_error& e) {
        BOOST_TEST(std::string(e.what()) ==
                   "test.create_fails 'cf': create failed "
                   "(SPARK_ERR_INVALID_ARGUMENT): limit must be <= 10, got 12");
        BOOST_TEST(e.status() == SPARK_ERR_INVALID_ARGUMENT);
    }
    spark::test::config_builder ten;
    ten.add_int(10);
    copier ok(registry.create(type, ten.get("test.create_fails"), "ok"));
    ok.step(0, {1.5, -2.0});
    BOOST_TEST(ok.out.values<double>() == (std::vector<double>{1.5, -2.0}), tt::per_element());
}

BOOST_AUTO_TEST_CASE(a_throwing_step_becomes_a_plugin_error_and_reset_recovers) {
    (void)registry.load(test_plugin("throws_in_step"));
    const spark::test::config_builder none;
    copier t(
        registry.create(registry.resolve("throws_in_step"), none.get("test.throws_in_step"), "t"));
    for (std::uint64_t index = 0; index < 3; ++index) {
        t.step(index, {static_cast<double>(index), 1.0});
        BOOST_TEST(t.out.values<double>() == (std::vector<double>{static_cast<double>(index), 1.0}),
                   tt::per_element());
    }
    try {
        t.step(3, {7.0, 7.0});
        BOOST_FAIL("step 3 did not fail");
    } catch (const plugin_error& e) {
        BOOST_TEST(std::string(e.what()) ==
                   "test.throws_in_step 't': step failed (SPARK_ERR_PLUGIN): step 3 exploded: "
                   "simulated failure");
        BOOST_TEST(e.status() == SPARK_ERR_PLUGIN);
        BOOST_TEST(e.type_id() == "test.throws_in_step");
        BOOST_TEST(e.instance_name() == "t");
    }
    t.instance.reset(t.outs);
    t.step(0, {4.0, 5.0});
    BOOST_TEST(t.out.values<double>() == (std::vector<double>{4.0, 5.0}), tt::per_element());
}

BOOST_AUTO_TEST_SUITE_END()
