// SPDX-License-Identifier: Apache-2.0
// The plugin built against the ABI 1.1.0 headers as released (tests/abi/frozen_plugin_v1_1 with
// tests/abi/v1_1), loaded by the live host next to the 1.0 one: what 1.1 added (type
// extensions, properties, capabilities, a sparse initializer) must keep working for it as the
// live headers evolve. Expected numbers and messages are worked by hand in tests/abi/README.md
// ("The frozen 1.1 plugin").
//
// That a 1.0 host refuses this plugin (its minor is newer) is the rule spark_abi_compatible states
// and tests/registry/test_loading.cpp (refuses_a_newer_minor_version) proves on a live host with a
// plugin one minor ahead; the first test here checks the rule on this plugin's recorded version.
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include <boost/test/unit_test.hpp>

#include <spark/abi/spark_abi.h>
#include <spark/registry/errors.hpp>

#include "fake_host.hpp"
#include "text_lines.hpp"
#include "vendor_models.hpp"

namespace {

using spark::test::port;
using spark::test::running_module;

const auto v1_1_plugin = spark::test::frozen_v1_1_dir / "spark-frozen_abi_v1_1.so";

spark_port_spec_t f64(std::initializer_list<std::uint32_t> dims) {
    return port(SPARK_PAYLOAD_FLOAT, SPARK_DTYPE_F64, dims);
}

/// A float64 buffer over `values` with `spec` (the caller keeps `values` alive).
spark_buffer_t view(std::vector<double>& values, const spark_port_spec_t& spec) {
    return spark::test::buffer(values, spec);
}

/// Property `name` of `m` read into a float64 vector of `count` elements.
std::vector<double> read_f64(running_module& m, const char* name, std::size_t count) {
    std::vector<double> values(count, 99.0);
    const auto index = m.instance.property_index(name);
    m.instance.read_property(index, view(values, m.instance.property_spec(index)));
    return values;
}

std::int32_t read_steps(running_module& m) {
    std::vector<std::int32_t> steps(1, -1);
    const auto index = m.instance.property_index("steps");
    m.instance.read_property(index, spark::test::buffer(steps, m.instance.property_spec(index)));
    return steps[0];
}

void write_gain(running_module& m, std::vector<double> gain) {
    const auto index = m.instance.property_index("gain");
    m.instance.write_property(index, view(gain, m.instance.property_spec(index)));
}

/// The message of the plugin_error `call` throws; fails the test when it throws none.
template <typename Call>
std::string plugin_error_of(Call&& call) {
    try {
        call();
    } catch (const spark::registry::plugin_error& e) {
        return e.what();
    }
    BOOST_FAIL("no plugin_error");
    return {};
}

bool has_line(const std::string& text, const std::string& line) {
    return spark::test::has_line(text, line, spark::test::indent::keep_one);
}

} // namespace

BOOST_FIXTURE_TEST_SUITE(frozen_abi_v1_1, spark::test::vendor_models)

BOOST_AUTO_TEST_CASE(both_frozen_plugins_load_into_one_registry) {
    // The fixture loaded both; each type resolves, and each plugin keeps the ABI it was built for.
    const auto& affine = registry.resolve("frozen.affine");
    const auto& gain_sum = registry.resolve("frozen11.gain_sum");
    BOOST_TEST(affine.plugin->id == "frozen.abi_v1_0");
    BOOST_TEST(gain_sum.plugin->id == "frozen.abi_v1_1");
    BOOST_TEST(registry.resolve("frozen11.every_nth").plugin->id == "frozen.abi_v1_1");
    BOOST_TEST(spark::registry::version_string(affine.plugin->abi_version) == "1.0.0");
    BOOST_TEST(spark::registry::version_string(gain_sum.plugin->abi_version) == "1.1.0");
    // A 1.0 type has no type_extension field: the host sees no properties and no capabilities.
    BOOST_TEST(spark::registry::declared_properties(affine).empty());
    BOOST_TEST(spark::registry::capabilities(affine) == nullptr);
    // This host (1.1 or later) takes the 1.1 plugin; a 1.0 host must not.
    const spark_version_t host_1_0{1, 0, 0};
    BOOST_TEST(spark_abi_compatible(spark_version_t SPARK_ABI_VERSION_INIT,
                                    gain_sum.plugin->abi_version) == 1);
    BOOST_TEST(spark_abi_compatible(host_1_0, gain_sum.plugin->abi_version) == 0);
}

BOOST_AUTO_TEST_CASE(the_1_1_types_declare_properties_and_capabilities_through_the_host) {
    const auto& type = registry.resolve("frozen11.gain_sum");
    const auto declared = spark::registry::declared_properties(type);
    BOOST_TEST_REQUIRE(declared.size() == 3U);
    const char* names[] = {"total", "gain", "steps"};
    const std::int32_t payloads[] = {SPARK_PAYLOAD_FLOAT, SPARK_PAYLOAD_FLOAT, SPARK_PAYLOAD_INT};
    const std::int32_t rules[] = {
        SPARK_SHAPE_LIKE_PORT, SPARK_SHAPE_FROM_FIELD, SPARK_SHAPE_COMPUTED};
    const char* refs[] = {"in", "units", "(1,)"};
    for (std::size_t p = 0; p < 3; ++p) {
        BOOST_TEST_CONTEXT("property " << p) {
            BOOST_TEST(std::string(declared[p].name) == names[p]);
            BOOST_TEST(declared[p].payload_kind == payloads[p]);
            BOOST_TEST(declared[p].shape_rule == rules[p]);
            BOOST_TEST(std::string(declared[p].shape_ref) == refs[p]);
            BOOST_TEST(declared[p].writable == (p == 1));
        }
    }
    const auto* caps = spark::registry::capabilities(type);
    BOOST_TEST_REQUIRE(caps != nullptr);
    BOOST_TEST(caps->has_contract);
    BOOST_TEST(std::string(caps->example_config) == R"({"units": [8]})");
    BOOST_TEST_REQUIRE(caps->nested_count == 1U);
    BOOST_TEST(std::string(caps->nested[0].field) == "gain_init");
    BOOST_TEST_REQUIRE(caps->nested[0].count == 2U);
    BOOST_TEST(std::string(caps->nested[0].class_refs[0]) == "frozen11.every_nth");
    BOOST_TEST(std::string(caps->nested[0].class_refs[1]) == "frozen.ramp");

    // The example config creates, publishes its contract, builds and steps with an (8) input.
    running_module m(*this,
                     "frozen11.gain_sum",
                     caps->example_config,
                     {port(SPARK_PAYLOAD_FLOAT, SPARK_DTYPE_F32, {8})},
                     1);
    BOOST_TEST(m.instance.has_contract());
    std::vector<spark_port_spec_t> promised(1);
    m.instance.contract(promised);
    BOOST_TEST(promised[0].shape.rank == 1U);
    BOOST_TEST(promised[0].shape.dims[0] == 8U);
    m.step(0);

    // The initializer declares neither; it offers the sparse initializer extension instead.
    const auto& every_nth = registry.resolve("frozen11.every_nth");
    BOOST_TEST(spark::registry::declared_properties(every_nth).empty());
    BOOST_TEST(spark::registry::capabilities(every_nth) == nullptr);
    BOOST_TEST(spark_type_extension(every_nth.abi, SPARK_EXT_SPARSE_INITIALIZER) != nullptr);
}

BOOST_AUTO_TEST_CASE(gain_sum_gives_its_worked_numbers_through_the_registry) {
    // tests/abi/README.md, worked example 2: units [2, 2], float64, gain from the 1.0 plugin's
    // frozen.ramp (start 0.5, step 0.5) through the host's initializer service.
    running_module m(*this,
                     "frozen11.gain_sum",
                     R"({"units": [2, 2], "dtype": "float64",
                         "gain_init": {"__class_ref__": "frozen.ramp", "start": 0.5, "step": 0.5}})",
                     {f64({2, 2})},
                     1);
    const auto spec = m.instance.property_spec(m.instance.property_index("gain"));
    BOOST_TEST(spec.payload_kind == SPARK_PAYLOAD_FLOAT);
    BOOST_TEST(spec.dtype == SPARK_DTYPE_F64);
    BOOST_TEST(spec.shape.rank == 2U);
    BOOST_TEST(spec.shape.dims[0] == 2U);
    BOOST_TEST(spec.shape.dims[1] == 2U);
    const auto steps_spec = m.instance.property_spec(m.instance.property_index("steps"));
    BOOST_TEST(steps_spec.payload_kind == SPARK_PAYLOAD_INT);
    BOOST_TEST(steps_spec.dtype == SPARK_DTYPE_I32);
    BOOST_TEST(steps_spec.shape.rank == 1U);
    BOOST_TEST(steps_spec.shape.dims[0] == 1U);

    using values = std::vector<double>;
    BOOST_TEST(read_f64(m, "gain", 4) == (values{0.5, 1, 1.5, 2}),
               boost::test_tools::per_element());
    BOOST_TEST(read_f64(m, "total", 4) == (values{0, 0, 0, 0}), boost::test_tools::per_element());
    BOOST_TEST(read_steps(m) == 0);
    const values in = {2, -2, 4, 1};
    const auto feed = [&] {
        for (std::size_t i = 0; i < 4; ++i) {
            m.in<double>(0)[i] = in[i];
        }
    };
    const auto out = [&] {
        const auto y = m.out<double>(0);
        return values(y.begin(), y.end());
    };

    feed();
    m.step(0);
    BOOST_TEST(out() == (values{1, -2, 6, 2}), boost::test_tools::per_element());
    BOOST_TEST(read_f64(m, "total", 4) == (values{1, -2, 6, 2}), boost::test_tools::per_element());
    BOOST_TEST(read_steps(m) == 1);

    write_gain(m, {1, 1, 1, -1});
    BOOST_TEST(read_f64(m, "gain", 4) == (values{1, 1, 1, -1}), boost::test_tools::per_element());
    m.step(1);
    BOOST_TEST(out() == (values{2, -2, 4, -1}), boost::test_tools::per_element());
    BOOST_TEST(read_f64(m, "total", 4) == (values{3, -4, 10, 1}), boost::test_tools::per_element());
    BOOST_TEST(read_steps(m) == 2);

    // A checkpoint holds the written gain: restoring it undoes a later write.
    const auto saved = m.checkpoint();
    write_gain(m, {5, 5, 5, 5});
    m.restore(saved);
    BOOST_TEST(read_f64(m, "gain", 4) == (values{1, 1, 1, -1}), boost::test_tools::per_element());

    // reset zeroes total and steps, not gain.
    m.reset();
    BOOST_TEST(read_f64(m, "total", 4) == (values{0, 0, 0, 0}), boost::test_tools::per_element());
    BOOST_TEST(read_steps(m) == 0);
    BOOST_TEST(read_f64(m, "gain", 4) == (values{1, 1, 1, -1}), boost::test_tools::per_element());
    m.step(0);
    BOOST_TEST(out() == (values{2, -2, 4, -1}), boost::test_tools::per_element());
    BOOST_TEST(read_f64(m, "total", 4) == (values{2, -2, 4, -1}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(gain_sum_defaults_in_float32_and_gain_from_every_nth) {
    // Worked example 1: the defaults (gain 1) in float32, units [3].
    running_module m(*this,
                     "frozen11.gain_sum",
                     R"({"units": [3]})",
                     {port(SPARK_PAYLOAD_FLOAT, SPARK_DTYPE_F32, {3})},
                     1);
    const std::vector<float> in = {1.0F, -2.0F, 0.5F};
    for (std::uint64_t k = 0; k < 2; ++k) {
        for (std::size_t i = 0; i < 3; ++i) {
            m.in<float>(0)[i] = in[i];
        }
        m.step(k);
        BOOST_TEST(m.out<float>(0)[1] == -2.0F);
    }
    std::vector<float> total(3, 99.0F);
    const auto index = m.instance.property_index("total");
    m.instance.read_property(index, spark::test::buffer(total, m.instance.property_spec(index)));
    BOOST_TEST(total == (std::vector<float>{2.0F, -4.0F, 1.0F}), boost::test_tools::per_element());
    BOOST_TEST(read_steps(m) == 2);

    // Worked example 3: gain from the plugin's own every_nth (every 3, value 2), units [4].
    running_module n(*this,
                     "frozen11.gain_sum",
                     R"({"units": [4], "dtype": "float64",
                         "gain_init": {"__class_ref__": "frozen11.every_nth", "value": 2.0}})",
                     {f64({4})},
                     1);
    for (std::size_t i = 0; i < 4; ++i) {
        n.in<double>(0)[i] = 1.0;
    }
    n.step(0);
    const auto y = n.out<double>(0);
    BOOST_TEST((std::vector<double>(y.begin(), y.end())) == (std::vector<double>{2, 0, 0, 2}),
               boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(property_errors_reach_the_host_as_plugin_errors) {
    running_module m(*this,
                     "frozen11.gain_sum",
                     R"({"units": [2, 2], "dtype": "float64",
                         "gain_init": {"__class_ref__": "frozen.ramp", "start": 0.5, "step": 0.5}})",
                     {f64({2, 2})},
                     1);
    const std::string where = "frozen11.gain_sum 'probe': ";
    // A buffer of another spec: SPARK_ERR_INVALID_ARGUMENT.
    std::vector<float> narrow(4);
    const auto total = m.instance.property_index("total");
    BOOST_TEST(
        plugin_error_of([&] {
            m.instance.read_property(
                total,
                spark::test::buffer(narrow, port(SPARK_PAYLOAD_FLOAT, SPARK_DTYPE_F32, {2, 2})));
        }) == where + "read property 'total' failed (SPARK_ERR_INVALID_ARGUMENT): read of "
                      "property 'total' takes a buffer of float float64 (2, 2) with 4 "
                      "elements, got float float32 (2, 2) with 4 elements; pass a buffer of "
                      "the spec spec() gives");
    std::vector<double> flat(4);
    BOOST_TEST(
        plugin_error_of([&] {
            m.instance.write_property(m.instance.property_index("gain"), view(flat, f64({4})));
        }) == where + "write property 'gain' failed (SPARK_ERR_INVALID_ARGUMENT): write of "
                      "property 'gain' takes a buffer of float float64 (2, 2) with 4 elements, "
                      "got float float64 (4) with 4 elements; pass a buffer of the spec spec() "
                      "gives");
    // A read-only property: SPARK_ERR_UNSUPPORTED.
    std::vector<double> zeros(4, 0.0);
    BOOST_TEST(plugin_error_of([&] {
                   m.instance.write_property(total, view(zeros, f64({2, 2})));
               }) ==
               where + "write property 'total' failed (SPARK_ERR_UNSUPPORTED): property 'total' is "
                       "read-only (the running sum of out since reset); of gain_sum's properties "
                       "only 'gain' can be written");
    // A value the type cannot take: refused, the old gain stays.
    std::vector<double> bad = {1, std::numeric_limits<double>::infinity(), 1, 1};
    BOOST_TEST(plugin_error_of([&] { write_gain(m, bad); }) ==
               where + "write property 'gain' failed (SPARK_ERR_INVALID_ARGUMENT): gain[1] must be "
                       "finite, got inf; the old gain is kept");
    BOOST_TEST(read_f64(m, "gain", 4) == (std::vector<double>{0.5, 1, 1.5, 2}),
               boost::test_tools::per_element());

    // The registry refuses an index out of range and a call before build itself, before the
    // plugin sees them; the plugin's own answers are checked on the raw instance, and reach the
    // host the same way (module_instance::check turns a status into a plugin_error).
    const auto* access = static_cast<const spark_properties_t*>(
        m.instance.abi().get_extension(&m.instance.abi(), SPARK_EXT_PROPERTIES));
    BOOST_TEST_REQUIRE(access != nullptr);
    spark_port_spec_t spec{};
    const auto out_of_range = access->spec(&m.instance.abi(), 3, &spec);
    BOOST_TEST(out_of_range == SPARK_ERR_INVALID_ARGUMENT);
    BOOST_TEST(plugin_error_of([&] { m.instance.check(out_of_range, "property spec"); }) ==
               where + "property spec failed (SPARK_ERR_INVALID_ARGUMENT): spec of property 3: "
                       "gain_sum has 3 properties, 0 total, 1 gain and 2 steps; pass one of those "
                       "indices");

    auto cfg = config("frozen11.gain_sum", R"({"units": [2]})");
    auto unbuilt = registry.create(cfg.type(), cfg.abi(), "unbuilt");
    const auto* unbuilt_access = static_cast<const spark_properties_t*>(
        unbuilt.abi().get_extension(&unbuilt.abi(), SPARK_EXT_PROPERTIES));
    BOOST_TEST_REQUIRE(unbuilt_access != nullptr);
    std::vector<float> two(2);
    const spark_buffer_t two_view =
        spark::test::buffer(two, port(SPARK_PAYLOAD_FLOAT, SPARK_DTYPE_F32, {2}));
    const auto early = unbuilt_access->read(&unbuilt.abi(), 1, &two_view);
    BOOST_TEST(early == SPARK_ERR_STATE);
    BOOST_TEST(plugin_error_of([&] { unbuilt.check(early, "read property 'gain'"); }) ==
               "frozen11.gain_sum 'unbuilt': read property 'gain' failed (SPARK_ERR_STATE): read "
               "of property 'gain' before build; call build first");
}

BOOST_AUTO_TEST_CASE(gain_sum_refuses_what_it_cannot_take_with_a_message) {
    // A gain_init of a type its capabilities do not list.
    auto other =
        config("frozen11.gain_sum",
               R"({"units": [2], "gain_init": {"__class_ref__": "spark.constant_initializer"}})");
    BOOST_TEST(plugin_error_of([&] { (void)registry.create(other.type(), other.abi(), "gain"); }) ==
               "frozen11.gain_sum 'gain': create failed (SPARK_ERR_INVALID_ARGUMENT): gain_init "
               "takes a number, frozen11.every_nth or frozen.ramp (the type's capabilities), got "
               "spark.constant_initializer; give one of those");
    // An input of the other dtype.
    auto cfg = config("frozen11.gain_sum", R"({"units": [2, 2], "dtype": "float64"})");
    auto instance = registry.create(cfg.type(), cfg.abi(), "gain");
    std::vector<spark_port_spec_t> in = {port(SPARK_PAYLOAD_FLOAT, SPARK_DTYPE_F32, {2, 2})};
    std::vector<spark_port_spec_t> out(1);
    BOOST_TEST(plugin_error_of([&] { instance.build(in, out); }) ==
               "frozen11.gain_sum 'gain': build failed (SPARK_ERR_INVALID_ARGUMENT): input 'in' "
               "takes float float64 (2, 2) (the config's dtype, shaped like units), got float "
               "float32 (2, 2)");
}

BOOST_AUTO_TEST_CASE(every_nth_fills_densely_and_sparsely_with_the_same_values) {
    // Worked example 4: every 3, value 2.5, shape (2, 4).
    auto cfg = config("frozen11.every_nth", R"({"every": 3, "value": 2.5})");
    std::vector<double> dense(8, 99.0);
    registry.initialize(cfg.type(), cfg.abi(), view(dense, f64({2, 4})));
    BOOST_TEST(dense == (std::vector<double>{2.5, 0, 0, 2.5, 0, 0, 2.5, 0}),
               boost::test_tools::per_element());

    const auto* sparse = static_cast<const spark_sparse_initializer_t*>(
        spark_type_extension(cfg.type().abi, SPARK_EXT_SPARSE_INITIALIZER));
    BOOST_TEST_REQUIRE(sparse != nullptr);
    spark::test::fake_host host;
    double density = -1.0;
    BOOST_TEST(sparse->density(cfg.type().abi, host.abi(), &cfg.abi(), &density) == SPARK_OK);
    BOOST_TEST(density == 1.0 / 3.0);

    struct row {
        std::uint64_t index;
        std::vector<std::uint64_t> columns;
        std::vector<double> values;
    };
    std::vector<row> rows;
    const spark_row_sink_t sink{&rows,
                                [](void* context,
                                   std::uint64_t r,
                                   const std::uint64_t* columns,
                                   const void* values,
                                   std::uint64_t count) -> spark_status {
                                    const auto* v = static_cast<const double*>(values);
                                    static_cast<std::vector<row>*>(context)->push_back(
                                        {r, {columns, columns + count}, {v, v + count}});
                                    return SPARK_OK;
                                }};
    const auto spec = f64({2, 4});
    BOOST_TEST_REQUIRE(
        sparse->fill_rows(cfg.type().abi, host.abi(), &cfg.abi(), &spec, 4, 0, 2, &sink) ==
            SPARK_OK,
        host.last_error());
    BOOST_TEST_REQUIRE(rows.size() == 2U);
    BOOST_TEST(rows[0].index == 0U);
    BOOST_TEST(rows[0].columns == (std::vector<std::uint64_t>{0, 3}),
               boost::test_tools::per_element());
    BOOST_TEST(rows[0].values == (std::vector<double>{2.5, 2.5}), boost::test_tools::per_element());
    BOOST_TEST(rows[1].index == 1U);
    BOOST_TEST(rows[1].columns == (std::vector<std::uint64_t>{2}),
               boost::test_tools::per_element());
    BOOST_TEST(rows[1].values == (std::vector<double>{2.5}), boost::test_tools::per_element());

    const std::vector<std::uint64_t> indices = {6, 1, 0};
    std::vector<double> at(3, 99.0);
    BOOST_TEST(sparse->values_at(
                   cfg.type().abi, host.abi(), &cfg.abi(), &spec, indices.data(), 3, at.data()) ==
               SPARK_OK);
    BOOST_TEST(at == (std::vector<double>{2.5, 0, 2.5}), boost::test_tools::per_element());
    const std::uint64_t outside = 8;
    BOOST_TEST(
        sparse->values_at(cfg.type().abi, host.abi(), &cfg.abi(), &spec, &outside, 1, at.data()) ==
        SPARK_ERR_INVALID_ARGUMENT);
    BOOST_TEST(host.last_error() == "values_at: index 8 is outside the array of 8 elements");
}

BOOST_AUTO_TEST_CASE(the_installed_cli_checks_and_describes_the_1_1_plugin) {
    const auto checked = spark::test::installed_spark({"plugins", "check", v1_1_plugin.string()});
    BOOST_TEST(spark::test::contains(checked.out, "2 types checked, 0 failures"), checked.out);
    // The stages 1.1 makes possible run and pass: the contract, and the sparse fill.
    BOOST_TEST(has_line(checked.out, " OK float64 contract"), checked.out);
    BOOST_TEST(has_line(checked.out,
                        " OK float64 sparse fill fill_rows and values_at give initialize()'s "
                        "values (6 x 5 x 7)"),
               checked.out);

    const auto described = spark::test::installed_spark({"--plugin-path",
                                                         spark::test::frozen_v1_1_dir.string(),
                                                         "plugins",
                                                         "describe",
                                                         "frozen11.gain_sum"});
    const std::string& out = described.out;
    BOOST_TEST(has_line(out, " plugin frozen.abi_v1_1 1.1.0"), out);
    BOOST_TEST(has_line(out, " abi 1.1.0"), out);
    BOOST_TEST(has_line(out, "properties"), out);
    BOOST_TEST(has_line(out, " NAME PAYLOAD SHAPE ACCESS DESCRIPTION"), out);
    BOOST_TEST(has_line(out,
                        " total float (float_array) like port in read the running sum of out "
                        "since reset"),
               out);
    BOOST_TEST(has_line(out,
                        " gain float (float_array) from field units read, write factor on each "
                        "element of in; a write takes effect at the next step and survives reset"),
               out);
    BOOST_TEST(has_line(out,
                        " steps int (int_array) computed: (1,) read the number of steps since "
                        "reset"),
               out);
    BOOST_TEST(has_line(out, "capabilities"), out);
    BOOST_TEST(has_line(out, " contract yes (can be part of a cycle)"), out);
    BOOST_TEST(has_line(out, R"( example config {"units": [8]})"), out);
    BOOST_TEST(has_line(out, " field gain_init takes frozen11.every_nth, frozen.ramp"), out);
}

BOOST_AUTO_TEST_SUITE_END()
