// SPDX-License-Identifier: Apache-2.0
// The module adapter and its trampolines, driven through the C ABI on a fake host: descriptors
// from init, typed config access, build checks and pre-filled outputs, lifecycle states,
// exceptions turned into statuses, state arrays and contracts.
#include <algorithm>
#include <cstdint>
#include <new>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <boost/test/unit_test.hpp>

#include <spark/sdk/plugin.hpp>

#include "fake_host.hpp"

namespace sdk = spark::sdk;
using spark::test::buffer;
using spark::test::config_builder;
using spark::test::fake_host;
using spark::test::spec;

namespace {

struct seen {
    double gain = 0;
    std::string label;
    std::vector<std::int64_t> units;
    std::vector<double> weights;
    bool flag = false;
    int count = 0;
    std::size_t scalar_size = 0;
    std::uint64_t seed = 0;
    double dt = 0;
    std::string name;
    int loaded = 0;
};
seen last;

template <typename T>
class probe {
public:
    static constexpr const char* class_ref = "probe";
    static constexpr std::int32_t kind = SPARK_KIND_COMPONENT;
    static constexpr const char* version = "2.0.1";
    static constexpr const char* description = "records what the SDK hands it";

    static void declare(sdk::schema& s) {
        s.field_float("gain", 2.0).positive();
        s.field_string("label", "x");
        s.field_int_array("units", {3});
        s.field_float_array("weights", {0.5});
        s.field_bool("flag", true);
        s.field_int("count", 7);
        s.input("in", SPARK_PAYLOAD_FLOAT, "float_array");
        s.input("mod", SPARK_PAYLOAD_FLOAT, "float_array").optional();
        s.output("out", SPARK_PAYLOAD_FLOAT, "float_array").like_port("in");
        s.output("spikes", SPARK_PAYLOAD_SPIKES, "spike_array").from_field("units");
    }

    probe(const sdk::config_view& cfg, const sdk::instance_info& info) : gain_(cfg.get<T>("gain")) {
        last.gain = cfg.get<double>("gain");
        last.label = cfg.get<std::string>("label");
        last.units = cfg.get<std::vector<std::int64_t>>("units");
        last.weights = cfg.get<std::vector<double>>("weights");
        last.flag = cfg.get<bool>("flag");
        last.count = cfg.get<int>("count");
        last.scalar_size = sizeof(T);
        last.seed = cfg.seed();
        last.dt = cfg.dt();
        last.name = std::string(info.name);
        sdk::report_info(info.host, "created " + last.name);
    }

    void build(sdk::build_context& b) {
        shape_ = b.input(0).shape;
        acc_.assign(sdk::element_count(shape_), T{});
    }
    void reset(const sdk::output_buffers& out) {
        std::fill(acc_.begin(), acc_.end(), T{});
        for (auto& x : out.get<T>(0)) {
            x = T(-1);
        }
    }
    void step(const sdk::step_context& ctx) {
        const auto in = ctx.input<T>(0);
        const auto out = ctx.output<T>(0);
        const auto spikes = ctx.output<std::uint8_t>(1);
        for (std::size_t i = 0; i < acc_.size(); ++i) {
            acc_[i] += gain_ * in[i];
            out[i] = acc_[i];
        }
        for (auto& s : spikes) {
            s = static_cast<std::uint8_t>(ctx.index() % 2);
        }
    }
    void state(sdk::state_list& s) { s.add("acc", acc_, shape_); }
    void state_loaded() { ++last.loaded; }
    const void* extension(std::string_view id) { return id == "t.ext/1" ? &last : nullptr; }

private:
    T gain_;
    spark_shape_t shape_{};
    std::vector<T> acc_;
};

class thrower {
public:
    static constexpr const char* class_ref = "thrower";
    static constexpr std::int32_t kind = SPARK_KIND_NEURON;
    static constexpr const char* version = "1.0.0";
    static constexpr const char* description = "throws from step";

    static void declare(sdk::schema& s) {
        s.field_int("promise", 3);
        s.input("in", SPARK_PAYLOAD_SPIKES, "spike_array");
        s.output("out", SPARK_PAYLOAD_SPIKES, "spike_array").like_port("in");
    }
    explicit thrower(const sdk::config_view& cfg) : promise_(cfg.get<std::uint32_t>("promise")) {}
    void contract(sdk::contract_context& c) {
        c.output(0) =
            sdk::make_spec(SPARK_PAYLOAD_SPIKES, SPARK_DTYPE_U8, sdk::make_shape({promise_}));
    }
    void step(const sdk::step_context& ctx) {
        switch (ctx.index()) {
        case 0:
            throw std::bad_alloc();
        case 1:
            throw sdk::status_error(SPARK_ERR_INVALID_ARGUMENT, "input 2 is negative, got -1");
        case 2:
            throw 42;
        default:
            break;
        }
    }

private:
    std::uint32_t promise_;
};

class bad_type {
public:
    static constexpr const char* class_ref = "bad_type";
    static constexpr std::int32_t kind = SPARK_KIND_COMPONENT;
    static constexpr const char* version = "1.0.0";
    static constexpr const char* description = "a schema mistake";
    static void declare(sdk::schema& s) { s.field_float("tau", -1.0).positive(); }
    explicit bad_type(const sdk::config_view& /*cfg*/) {}
    void step(const sdk::step_context& /*ctx*/) {}
};

/// An initializer type: no instances, fills a buffer from its config.
class fill_constant {
public:
    static constexpr const char* class_ref = "fill_constant";
    static constexpr std::int32_t kind = SPARK_KIND_INITIALIZER;
    static constexpr const char* version = "1.0.0";
    static constexpr const char* description = "fills with one value";
    static void declare(sdk::schema& s) { s.field_float("value", 1.5); }
    static void initialize(const sdk::config_view& cfg, const spark_buffer_t& out) {
        sdk::visit_dtype(out.spec.dtype, [&](auto zero) {
            using T = decltype(zero);
            for (auto& x : sdk::typed<T>(out, "initializer output", "out")) {
                x = cfg.get<T>("value");
            }
        });
    }
};

struct info_d {
    static constexpr const char* vendor = "tv";
};
using plugin_init = sdk::plugin<info_d, fill_constant>;

struct info_a {
    static constexpr const char* vendor = "tv";
};
struct info_b {
    static constexpr const char* vendor = "tv";
};
struct info_c {
    static constexpr const char* vendor = "tv";
};
using plugin_a = sdk::plugin<info_a, sdk::per_dtype<probe>, thrower>;
using plugin_bad = sdk::plugin<info_b, bad_type>;
using plugin_dup = sdk::plugin<info_c, thrower, thrower>;

/// init plugin_a for one test, deinit afterwards.
struct loaded_fixture {
    fake_host host;
    const spark_module_type_t* probe_type = nullptr;
    const spark_module_type_t* thrower_type = nullptr;
    loaded_fixture() {
        BOOST_TEST_REQUIRE(plugin_a::init(host.abi()) == SPARK_OK);
        std::uint32_t n = 0;
        const auto* types = plugin_a::types(&n);
        BOOST_TEST_REQUIRE(n == 2U);
        probe_type = types[0];
        thrower_type = types[1];
    }
    ~loaded_fixture() { plugin_a::deinit(); }
    loaded_fixture(const loaded_fixture&) = delete;
    loaded_fixture& operator=(const loaded_fixture&) = delete;

    static config_builder probe_config() {
        config_builder c;
        c.f(3.0).s("hello").ints({3}).floats({1.5, 2.5}).b(false).i(9);
        return c;
    }
    spark_module_t*
    create(const spark_module_type_t* type, config_builder& c, const char* name = "p1") {
        spark_module_t* m = nullptr;
        const auto status = type->create(type, host.abi(), &c.get(), name, &m);
        BOOST_TEST_REQUIRE(status == SPARK_OK, "create failed: " << host.last_error());
        return m;
    }
    spark_module_t* built_probe(std::int32_t dtype = SPARK_DTYPE_F32) {
        auto c = probe_config();
        c.dtype(dtype);
        auto* m = create(probe_type, c);
        const spark_port_spec_t in[2] = {spec(SPARK_PAYLOAD_FLOAT, dtype, {3}),
                                         spark_port_spec_t{}};
        spark_port_spec_t out[2]{};
        BOOST_TEST_REQUIRE(m->build(m, in, 2, out, 2) == SPARK_OK, host.last_error());
        return m;
    }
};

} // namespace

BOOST_AUTO_TEST_SUITE(module_adapter)

BOOST_AUTO_TEST_CASE(types_are_empty_before_init_and_after_the_last_deinit) {
    fake_host host;
    std::uint32_t n = 99;
    BOOST_TEST(plugin_a::types(&n) == nullptr);
    BOOST_TEST(n == 0U);
    BOOST_TEST_REQUIRE(plugin_a::init(host.abi()) == SPARK_OK);
    BOOST_TEST_REQUIRE(plugin_a::init(host.abi()) == SPARK_OK); // a second host shares them
    plugin_a::deinit();
    BOOST_TEST(plugin_a::types(&n) != nullptr);
    BOOST_TEST(n == 2U);
    plugin_a::deinit();
    BOOST_TEST(plugin_a::types(&n) == nullptr);
    BOOST_TEST(n == 0U);
    BOOST_TEST(host.messages().empty());
}

BOOST_FIXTURE_TEST_CASE(init_publishes_one_descriptor_per_type, loaded_fixture) {
    const auto& t = *probe_type;
    BOOST_TEST(t.abi_version.major == SPARK_ABI_VERSION_MAJOR);
    BOOST_TEST(t.abi_version.minor == SPARK_ABI_VERSION_MINOR);
    BOOST_TEST(std::string(t.class_ref) == "probe");
    BOOST_TEST(std::string(t.vendor) == "tv");
    BOOST_TEST(std::string(t.version) == "2.0.1");
    BOOST_TEST(t.kind == SPARK_KIND_COMPONENT);
    BOOST_TEST(std::string(t.description) == "records what the SDK hands it");
    BOOST_TEST(t.field_count == 6U);
    BOOST_TEST(std::string(t.fields[0].default_json) == "2.0");
    BOOST_TEST(t.port_count == 4U);
    BOOST_TEST(t.create != nullptr);
    BOOST_TEST(t.initialize == nullptr);
    BOOST_TEST(std::string(thrower_type->class_ref) == "thrower");
    BOOST_TEST(thrower_type->kind == SPARK_KIND_NEURON);
}

BOOST_AUTO_TEST_CASE(init_reports_schema_mistakes) {
    fake_host host;
    BOOST_TEST(plugin_bad::init(host.abi()) == SPARK_ERR_PLUGIN);
    BOOST_TEST(
        host.last_error() ==
        "module type 'tv.bad_type': field 'tau' default -1.0 must be > 0 (its validator positive)");
    std::uint32_t n = 5;
    BOOST_TEST(plugin_bad::types(&n) == nullptr);
    BOOST_TEST(n == 0U);
    BOOST_TEST(plugin_dup::init(host.abi()) == SPARK_ERR_PLUGIN);
    BOOST_TEST(host.last_error() == "module type 'tv.thrower' is declared twice in this plugin; "
                                    "give each type its own class_ref");
}

BOOST_FIXTURE_TEST_CASE(create_hands_the_module_a_typed_config, loaded_fixture) {
    auto c = probe_config();
    c.dtype(SPARK_DTYPE_F64).dt(0.25).seed(1234);
    auto* m = create(probe_type, c, "layer_1");
    BOOST_TEST(last.gain == 3.0);
    BOOST_TEST(last.label == "hello");
    BOOST_TEST(last.units == std::vector<std::int64_t>({3}), boost::test_tools::per_element());
    BOOST_TEST(last.weights == std::vector<double>({1.5, 2.5}), boost::test_tools::per_element());
    BOOST_TEST(!last.flag);
    BOOST_TEST(last.count == 9);
    BOOST_TEST(last.scalar_size == sizeof(double)); // float64 config -> the double instantiation
    BOOST_TEST(last.seed == 1234U);
    BOOST_TEST(last.dt == 0.25);
    BOOST_TEST(last.name == "layer_1");
    BOOST_TEST_REQUIRE(host.messages().size() == 1U);
    BOOST_TEST(host.messages()[0].first == SPARK_SEVERITY_INFO);
    BOOST_TEST(host.messages()[0].second == "created layer_1");
    BOOST_TEST(m->type == probe_type);
    BOOST_TEST(m->contract == nullptr); // probe publishes no contract
    BOOST_TEST(m->get_extension(m, "t.ext/1") == &last);
    BOOST_TEST(m->get_extension(m, "t.other/1") == nullptr);
    m->destroy(m);

    auto f32 = probe_config();
    m = create(probe_type, f32);
    BOOST_TEST(last.scalar_size == sizeof(float));
    m->destroy(m);
}

BOOST_FIXTURE_TEST_CASE(create_refuses_a_config_that_does_not_match_the_schema, loaded_fixture) {
    spark_module_t dummy{};
    spark_module_t* m = &dummy; // must be overwritten with null
    config_builder short_config;
    short_config.f(1.0);
    BOOST_TEST(probe_type->create(probe_type, host.abi(), &short_config.get(), "p", &m) ==
               SPARK_ERR_INVALID_ARGUMENT);
    BOOST_TEST(m == nullptr);
    BOOST_TEST(host.last_error() == "config has 1 values but the type declares 6 fields; pass one "
                                    "value per field in schema order");

    config_builder swapped;
    swapped.s("hello").f(3.0).ints({3}).floats({1.5}).b(false).i(9);
    BOOST_TEST(probe_type->create(probe_type, host.abi(), &swapped.get(), "p", &m) ==
               SPARK_ERR_INVALID_ARGUMENT);
    BOOST_TEST(host.last_error() == "config value 0 ('gain') is a string but the field is a float; "
                                    "pass values in schema order");

    auto f16 = probe_config();
    f16.dtype(7);
    BOOST_TEST(probe_type->create(probe_type, host.abi(), &f16.get(), "p", &m) ==
               SPARK_ERR_INVALID_ARGUMENT);
    BOOST_TEST(host.last_error() == "config dtype must be float32 or float64, got dtype 7");

    auto no_dt = probe_config();
    no_dt.dt(0.0);
    BOOST_TEST(probe_type->create(probe_type, host.abi(), &no_dt.get(), "p", &m) ==
               SPARK_ERR_INVALID_ARGUMENT);
    BOOST_TEST(host.last_error() == "config dt must be > 0 ms, got 0.0");
}

BOOST_AUTO_TEST_CASE(config_view_names_wrong_reads) {
    sdk::schema s;
    s.field_string("label", "x");
    s.field_int("count", 300);
    s.finalize("t");
    config_builder c;
    c.s("abc").i(300);
    const sdk::config_view cfg(s.fields(), s.field_count(), c.get());
    BOOST_TEST(cfg.get<std::string_view>("label") == "abc");
    BOOST_TEST(cfg.get<double>("count") == 300.0); // ints read as floats (a safe promotion)
    BOOST_TEST(cfg.has("count"));
    BOOST_TEST(!cfg.has("tau"));
    BOOST_CHECK_EXCEPTION(
        (void)cfg.get<double>("label"), sdk::status_error, [](const sdk::status_error& e) {
            return e.status() == SPARK_ERR_PLUGIN &&
                   std::string(e.what()) == "config field 'label' is a string, read as float";
        });
    BOOST_CHECK_EXCEPTION(
        (void)cfg.get<double>("tau"), sdk::status_error, [](const sdk::status_error& e) {
            return e.status() == SPARK_ERR_PLUGIN &&
                   std::string(e.what()) == "config has no field 'tau' (fields: label, count)";
        });
    BOOST_CHECK_EXCEPTION(
        (void)cfg.get<std::uint8_t>("count"), sdk::status_error, [](const sdk::status_error& e) {
            return e.status() == SPARK_ERR_INVALID_ARGUMENT &&
                   std::string(e.what()) ==
                       "config field 'count' is out of range for this module, got 300";
        });
}

BOOST_AUTO_TEST_CASE(config_view_reads_config_fields_that_may_hold_none) {
    sdk::schema s;
    s.field_config_or_none("delays");
    s.field_config("rule", "inner").nullable();
    s.field_config("soma", "inner");
    s.field_float("gain", 1.0);
    s.finalize("t");
    config_builder inner;
    inner.class_ref("test.inner");
    config_builder c;
    c.nested(nullptr).nested(&inner.get()).nested(&inner.get()).f(2.0);
    const sdk::config_view cfg(s.fields(), s.field_count(), c.get());
    BOOST_TEST(!cfg.has_config("delays"));
    BOOST_TEST(cfg.has_config("rule"));
    BOOST_TEST(cfg.has_config("soma"));
    BOOST_TEST(std::string(cfg.nested("rule").class_ref) == "test.inner");
    BOOST_CHECK_EXCEPTION(
        (void)cfg.nested("delays"), sdk::status_error, [](const sdk::status_error& e) {
            return e.status() == SPARK_ERR_PLUGIN &&
                   std::string(e.what()) ==
                       "config field 'delays' holds none; check has_config() first";
        });
    BOOST_CHECK_EXCEPTION(
        (void)cfg.has_config("gain"), sdk::status_error, [](const sdk::status_error& e) {
            return e.status() == SPARK_ERR_PLUGIN &&
                   std::string(e.what()) == "config field 'gain' is a float, read as nested config";
        });

    // Only a nullable field may hold none: the host broke the contract otherwise.
    config_builder bad;
    bad.nested(nullptr).nested(nullptr).nested(nullptr).f(2.0);
    BOOST_CHECK_EXCEPTION((void)sdk::config_view(s.fields(), s.field_count(), bad.get()),
                          sdk::status_error,
                          [](const sdk::status_error& e) {
                              return e.status() == SPARK_ERR_INVALID_ARGUMENT &&
                                     std::string(e.what()) ==
                                         "config value 'soma' holds none but the field is not "
                                         "nullable; pass its nested config";
                          });
}

BOOST_FIXTURE_TEST_CASE(build_prefills_outputs_from_the_ports, loaded_fixture) {
    config_builder c;
    c.f(3.0).s("hello").ints({2, 5}).floats({1.5}).b(false).i(9);
    auto* m = create(probe_type, c);
    const spark_port_spec_t in[2] = {spec(SPARK_PAYLOAD_FLOAT, SPARK_DTYPE_F32, {3, 1}),
                                     spark_port_spec_t{}};
    spark_port_spec_t out[2]{};
    BOOST_TEST_REQUIRE(m->build(m, in, 2, out, 2) == SPARK_OK, host.last_error());
    // out: like port "in" (float, config dtype); spikes: from field "units", uint8.
    BOOST_TEST(out[0].payload_kind == SPARK_PAYLOAD_FLOAT);
    BOOST_TEST(out[0].dtype == SPARK_DTYPE_F32);
    BOOST_TEST(out[0].shape.rank == 2U);
    BOOST_TEST(out[0].shape.dims[0] == 3U);
    BOOST_TEST(out[0].shape.dims[1] == 1U);
    BOOST_TEST(out[1].payload_kind == SPARK_PAYLOAD_SPIKES);
    BOOST_TEST(out[1].dtype == SPARK_DTYPE_U8);
    BOOST_TEST(out[1].shape.rank == 2U);
    BOOST_TEST(out[1].shape.dims[0] == 2U);
    BOOST_TEST(out[1].shape.dims[1] == 5U);
    BOOST_TEST(m->build(m, in, 2, out, 2) == SPARK_ERR_STATE);
    BOOST_TEST(host.last_error() == "build called twice; create a new instance instead");
    m->destroy(m);
}

BOOST_FIXTURE_TEST_CASE(build_checks_every_input_against_its_port, loaded_fixture) {
    struct bad_case {
        spark_port_spec_t in0;
        std::uint32_t count;
        const char* message;
    };
    const bad_case cases[] = {
        {spark_port_spec_t{},
         2,
         "input port 'in' is required but unwired; connect a float source to it"},
        {spec(SPARK_PAYLOAD_SPIKES, SPARK_DTYPE_U8, {3}),
         2,
         "input port 'in' takes float, got spikes"},
        {spec(SPARK_PAYLOAD_FLOAT, SPARK_DTYPE_F64, {3}),
         2,
         "input port 'in' carries float64 elements, expected float32 (the module's config dtype)"},
        {spec(SPARK_PAYLOAD_FLOAT, SPARK_DTYPE_F32, {3}),
         1,
         "build takes 2 input specs (ports: in, mod), got 1"},
    };
    for (const auto& bad : cases) {
        auto c = probe_config();
        auto* m = create(probe_type, c);
        const spark_port_spec_t in[2] = {bad.in0, spark_port_spec_t{}};
        spark_port_spec_t out[2]{};
        BOOST_TEST(m->build(m, in, bad.count, out, 2) == SPARK_ERR_INVALID_ARGUMENT);
        BOOST_TEST(host.last_error() == bad.message);
        m->destroy(m);
    }
}

BOOST_FIXTURE_TEST_CASE(calls_out_of_lifecycle_order_are_state_errors, loaded_fixture) {
    auto c = probe_config();
    auto* m = create(probe_type, c);
    const spark_step_context_t ctx{0, 1.0, nullptr, 0, nullptr, 0};
    BOOST_TEST(m->step(m, &ctx) == SPARK_ERR_STATE);
    BOOST_TEST(host.last_error() == "step called before build; call build, then reset");
    std::uint32_t n = 0;
    BOOST_TEST(m->state(m, nullptr, 0, &n) == SPARK_ERR_STATE);
    BOOST_TEST(host.last_error() == "state called before build; call build first");
    BOOST_TEST(m->reset(m, nullptr, 0) == SPARK_ERR_STATE);
    m->destroy(m);

    m = built_probe();
    BOOST_TEST(m->step(m, &ctx) == SPARK_ERR_STATE);
    BOOST_TEST(host.last_error() == "step called before reset; call reset after build");
    m->destroy(m);
}

BOOST_FIXTURE_TEST_CASE(reset_and_step_run_on_typed_buffers, loaded_fixture) {
    for (const auto dtype : {SPARK_DTYPE_F32, SPARK_DTYPE_F64}) {
        auto* m = built_probe(dtype);
        std::vector<double> in64{1.0, 2.0, 3.0};
        std::vector<float> in32{1.0F, 2.0F, 3.0F};
        std::vector<double> out64(3, 9.0);
        std::vector<float> out32(3, 9.0F);
        std::vector<std::uint8_t> spikes(3, 7);
        const auto fspec = spec(SPARK_PAYLOAD_FLOAT, dtype, {3});
        const spark_buffer_t outputs[2] = {
            dtype == SPARK_DTYPE_F64 ? buffer(out64, fspec) : buffer(out32, fspec),
            buffer(spikes, spec(SPARK_PAYLOAD_SPIKES, SPARK_DTYPE_U8, {3}))};
        const spark_buffer_t inputs[2] = {
            dtype == SPARK_DTYPE_F64 ? buffer(in64, fspec) : buffer(in32, fspec), spark_buffer_t{}};
        BOOST_TEST_REQUIRE(m->reset(m, outputs, 2) == SPARK_OK, host.last_error());
        // reset zero-fills first, then the module writes its own step -1 outputs
        BOOST_TEST(spikes == std::vector<std::uint8_t>(3, 0), boost::test_tools::per_element());
        for (std::uint64_t k = 0; k < 2; ++k) {
            const spark_step_context_t ctx{k, 1.0, inputs, 2, outputs, 2};
            BOOST_TEST_REQUIRE(m->step(m, &ctx) == SPARK_OK, host.last_error());
        }
        const std::vector<double> expected{6.0, 12.0, 18.0}; // gain 3, two steps
        for (std::size_t i = 0; i < 3; ++i) {
            const double got = dtype == SPARK_DTYPE_F64 ? out64[i] : static_cast<double>(out32[i]);
            BOOST_TEST(got == expected[i]);
        }
        BOOST_TEST(spikes == std::vector<std::uint8_t>(3, 1), boost::test_tools::per_element());
        m->destroy(m);
    }
}

BOOST_FIXTURE_TEST_CASE(step_refuses_buffers_that_do_not_match_the_build, loaded_fixture) {
    auto* m = built_probe();
    std::vector<float> in{1.0F, 2.0F};
    std::vector<float> out(3);
    std::vector<std::uint8_t> spikes(3);
    const spark_buffer_t outputs[2] = {
        buffer(out, spec(SPARK_PAYLOAD_FLOAT, SPARK_DTYPE_F32, {3})),
        buffer(spikes, spec(SPARK_PAYLOAD_SPIKES, SPARK_DTYPE_U8, {3}))};
    const spark_buffer_t inputs[2] = {buffer(in, spec(SPARK_PAYLOAD_FLOAT, SPARK_DTYPE_F32, {2})),
                                      spark_buffer_t{}};
    BOOST_TEST_REQUIRE(m->reset(m, outputs, 2) == SPARK_OK);
    const spark_step_context_t ctx{0, 1.0, inputs, 2, outputs, 2};
    BOOST_TEST(m->step(m, &ctx) == SPARK_ERR_INVALID_ARGUMENT);
    BOOST_TEST(host.last_error() ==
               "input port 'in' got a buffer of 2 float32 elements, built for 3 float32");
    const spark_step_context_t short_ctx{0, 1.0, inputs, 1, outputs, 2};
    BOOST_TEST(m->step(m, &short_ctx) == SPARK_ERR_INVALID_ARGUMENT);
    BOOST_TEST(host.last_error() == "step takes 2 input buffers (ports: in, mod), got 1");
    m->destroy(m);
}

BOOST_FIXTURE_TEST_CASE(exceptions_in_step_become_statuses, loaded_fixture) {
    config_builder c;
    c.i(3);
    auto* m = create(thrower_type, c);
    const spark_port_spec_t in = spec(SPARK_PAYLOAD_SPIKES, SPARK_DTYPE_U8, {3});
    spark_port_spec_t out{};
    BOOST_TEST_REQUIRE(m->build(m, &in, 1, &out, 1) == SPARK_OK, host.last_error());
    std::vector<std::uint8_t> data(3);
    const spark_buffer_t b = buffer(data, in);
    BOOST_TEST_REQUIRE(m->reset(m, &b, 1) == SPARK_OK);
    const spark_status expected[] = {
        SPARK_ERR_OUT_OF_MEMORY, SPARK_ERR_INVALID_ARGUMENT, SPARK_ERR_PLUGIN, SPARK_OK};
    const char* messages[] = {
        "out of memory", "input 2 is negative, got -1", "unknown exception", ""};
    for (std::uint64_t k = 0; k < 4; ++k) {
        host.clear();
        const spark_step_context_t ctx{k, 1.0, &b, 1, &b, 1};
        BOOST_TEST(m->step(m, &ctx) == expected[k]);
        BOOST_TEST(host.last_error() == messages[k]);
    }
    m->destroy(m);
}

BOOST_FIXTURE_TEST_CASE(state_arrays_are_views_into_the_module, loaded_fixture) {
    auto* m = built_probe();
    std::uint32_t n = 0;
    BOOST_TEST_REQUIRE(m->state(m, nullptr, 0, &n) == SPARK_OK);
    BOOST_TEST_REQUIRE(n == 1U);
    spark_state_array_t arrays[1]{};
    BOOST_TEST_REQUIRE(m->state(m, arrays, 1, &n) == SPARK_OK);
    BOOST_TEST(std::string(arrays[0].name) == "acc");
    BOOST_TEST(arrays[0].dtype == SPARK_DTYPE_F32);
    BOOST_TEST(arrays[0].shape.rank == 1U);
    BOOST_TEST(arrays[0].shape.dims[0] == 3U);
    static_cast<float*>(arrays[0].data)[1] = 5.0F; // restore a checkpoint
    const int loaded = last.loaded;
    BOOST_TEST(m->state_loaded(m) == SPARK_OK);
    BOOST_TEST(last.loaded == loaded + 1);

    std::vector<float> in{0.0F, 1.0F, 0.0F};
    std::vector<float> out(3);
    std::vector<std::uint8_t> spikes(3);
    const spark_buffer_t outputs[2] = {
        buffer(out, spec(SPARK_PAYLOAD_FLOAT, SPARK_DTYPE_F32, {3})),
        buffer(spikes, spec(SPARK_PAYLOAD_SPIKES, SPARK_DTYPE_U8, {3}))};
    const spark_buffer_t inputs[2] = {buffer(in, spec(SPARK_PAYLOAD_FLOAT, SPARK_DTYPE_F32, {3})),
                                      spark_buffer_t{}};
    // reset clears the loaded value; load again after reset, then step continues from it
    BOOST_TEST_REQUIRE(m->reset(m, outputs, 2) == SPARK_OK);
    BOOST_TEST_REQUIRE(m->state(m, arrays, 1, &n) == SPARK_OK);
    static_cast<float*>(arrays[0].data)[1] = 5.0F;
    const spark_step_context_t ctx{0, 1.0, inputs, 2, outputs, 2};
    BOOST_TEST_REQUIRE(m->step(m, &ctx) == SPARK_OK);
    BOOST_TEST(out[1] == 8.0F);
    m->destroy(m);
}

BOOST_FIXTURE_TEST_CASE(a_contract_is_a_promise_build_must_keep, loaded_fixture) {
    config_builder c;
    c.i(4);
    auto* m = create(thrower_type, c);
    BOOST_TEST_REQUIRE(m->contract != nullptr);
    spark_port_spec_t promised{};
    BOOST_TEST_REQUIRE(m->contract(m, &promised, 1) == SPARK_OK, host.last_error());
    BOOST_TEST(promised.payload_kind == SPARK_PAYLOAD_SPIKES);
    BOOST_TEST(promised.dtype == SPARK_DTYPE_U8);
    BOOST_TEST(promised.shape.rank == 1U);
    BOOST_TEST(promised.shape.dims[0] == 4U);
    BOOST_TEST(m->contract(m, &promised, 2) == SPARK_ERR_INVALID_ARGUMENT);
    BOOST_TEST(host.last_error() == "contract takes 1 output specs (ports: out), got 2");

    const spark_port_spec_t in = spec(SPARK_PAYLOAD_SPIKES, SPARK_DTYPE_U8, {3});
    spark_port_spec_t out{};
    BOOST_TEST(m->build(m, &in, 1, &out, 1) == SPARK_ERR_PLUGIN);
    BOOST_TEST(
        host.last_error() ==
        "output port 'out' breaks its contract: promised spikes uint8 (4), built spikes uint8 (3)");
    m->destroy(m);
}

BOOST_AUTO_TEST_CASE(initializer_types_fill_buffers_and_create_nothing) {
    fake_host host;
    BOOST_TEST_REQUIRE(plugin_init::init(host.abi()) == SPARK_OK);
    std::uint32_t n = 0;
    const auto& t = *plugin_init::types(&n)[0];
    BOOST_TEST(t.kind == SPARK_KIND_INITIALIZER);
    BOOST_TEST(t.create == nullptr);
    BOOST_TEST_REQUIRE(t.initialize != nullptr);
    config_builder c;
    c.f(2.5);
    std::vector<double> data(3);
    const spark_buffer_t out = buffer(data, spec(SPARK_PAYLOAD_FLOAT, SPARK_DTYPE_F64, {3}));
    BOOST_TEST(t.initialize(&t, host.abi(), &c.get(), &out) == SPARK_OK);
    BOOST_TEST(data == std::vector<double>(3, 2.5), boost::test_tools::per_element());
    std::vector<std::int32_t> ints(2);
    const spark_buffer_t bad = buffer(ints, spec(SPARK_PAYLOAD_INT, SPARK_DTYPE_I32, {2}));
    BOOST_TEST(t.initialize(&t, host.abi(), &c.get(), &bad) == SPARK_ERR_INVALID_ARGUMENT);
    BOOST_TEST(host.last_error() == "dtype must be float32 or float64, got int32");
    plugin_init::deinit();
}

BOOST_AUTO_TEST_CASE(null_instances_are_refused_without_crashing) {
    using t = sdk::trampolines<thrower>;
    BOOST_TEST(t::step(nullptr, nullptr) == SPARK_ERR_INVALID_ARGUMENT);
    BOOST_TEST(t::build(nullptr, nullptr, 0, nullptr, 0) == SPARK_ERR_INVALID_ARGUMENT);
    BOOST_TEST(t::get_extension(nullptr, "x") == nullptr);
    t::destroy(nullptr);
    fake_host host;
    BOOST_TEST(t::create(nullptr, host.abi(), nullptr, "x", nullptr) == SPARK_ERR_INVALID_ARGUMENT);
    BOOST_TEST(host.last_error() == "create needs a type, a config and an out pointer");
}

BOOST_AUTO_TEST_SUITE_END()
