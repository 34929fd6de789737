// SPDX-License-Identifier: Apache-2.0
// ABI 1.1 properties and type capabilities as the SDK serves them, driven through the C ABI on
// a fake host: the type-level declarations, the per-instance spec/read/write functions with
// their checks, and the declaration mistakes init refuses
// (docs/adr/0013-neurons-as-compositions.md).
#include <cstdint>
#include <cstring>
#include <string>
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

// out[k] = in[k] * gains[k % |gains|]; level (read-only) sums every out so far; gains (writable,
// shaped by the field `units`) start at `scale`; table (writable int, computed 2 x |gains|)
// refuses negative entries.
template <typename T>
class holder {
public:
    static constexpr const char* class_ref = "holder";
    static constexpr std::int32_t kind = SPARK_KIND_COMPONENT;
    static constexpr const char* version = "1.0.0";
    static constexpr const char* description = "keeps three properties";

    static void declare(sdk::schema& s) {
        s.field_int_array("units", {2});
        s.field_float("scale", 1.0);
        s.input("in", SPARK_PAYLOAD_FLOAT, "float_array");
        s.output("out", SPARK_PAYLOAD_FLOAT, "float_array").like_port("in");
        s.property("level", SPARK_PAYLOAD_FLOAT, "float_array")
            .like_port("in")
            .description("sum of every output so far");
        s.property("gains", SPARK_PAYLOAD_FLOAT, "float_array").from_field("units").writable();
        s.property("table", SPARK_PAYLOAD_INT, "integer_array").computed("2 x units").writable();
    }

    explicit holder(const sdk::config_view& cfg)
        : gains_(static_cast<std::size_t>(cfg.get<std::vector<std::int64_t>>("units").at(0)),
                 cfg.get<T>("scale")),
          table_(2 * gains_.size(), 0) {}

    void build(sdk::build_context& b) {
        level_.assign(static_cast<std::size_t>(sdk::element_count(b.input(0).shape)), T(0));
    }
    void step(const sdk::step_context& ctx) {
        const auto in = ctx.input<T>(0);
        const auto out = ctx.output<T>(0);
        for (std::size_t k = 0; k < in.size(); ++k) {
            out[k] = in[k] * gains_[k % gains_.size()];
            level_[k] += out[k];
        }
    }

    [[nodiscard]] spark_port_spec_t property_spec(std::size_t /*index: table*/) const {
        return sdk::make_spec(SPARK_PAYLOAD_INT,
                              SPARK_DTYPE_I32,
                              sdk::make_shape({2, static_cast<std::int64_t>(gains_.size())}));
    }
    void read_property(std::size_t index, void* out) const {
        if (index == 0) {
            std::memcpy(out, level_.data(), level_.size() * sizeof(T));
        } else if (index == 1) {
            std::memcpy(out, gains_.data(), gains_.size() * sizeof(T));
        } else {
            std::memcpy(out, table_.data(), table_.size() * sizeof(std::int32_t));
        }
    }
    void write_property(std::size_t index, const void* in) {
        if (index == 1) {
            std::memcpy(gains_.data(), in, gains_.size() * sizeof(T));
            return;
        }
        std::vector<std::int32_t> t(table_.size());
        std::memcpy(t.data(), in, t.size() * sizeof(std::int32_t));
        for (const auto v : t) {
            if (v < 0) {
                throw sdk::status_error(SPARK_ERR_INVALID_ARGUMENT,
                                        "table entries must be >= 0, got " + std::to_string(v));
            }
        }
        table_ = std::move(t);
    }

private:
    std::vector<T> gains_;
    std::vector<std::int32_t> table_;
    std::vector<T> level_;
};

// No properties, a required field (so no example config of its own) and a contract.
class plain {
public:
    static constexpr const char* class_ref = "plain";
    static constexpr std::int32_t kind = SPARK_KIND_COMPONENT;
    static constexpr const char* version = "1.0.0";
    static constexpr const char* description = "no properties";
    static void declare(sdk::schema& s) {
        s.field_int("size", 1).required();
        s.output("out", SPARK_PAYLOAD_FLOAT, "float_array").computed("size");
    }
    explicit plain(const sdk::config_view& /*cfg*/) {}
    void build(sdk::build_context& b) {
        b.output(0) = sdk::make_spec(SPARK_PAYLOAD_FLOAT, b.dtype(), sdk::make_shape({1}));
    }
    void contract(sdk::contract_context& /*c*/) {}
    void step(const sdk::step_context& /*ctx*/) {}
};

// An example config of its own and a nested field limited to two types.
class chooser {
public:
    static constexpr const char* class_ref = "chooser";
    static constexpr std::int32_t kind = SPARK_KIND_NEURON;
    static constexpr const char* version = "1.0.0";
    static constexpr const char* description = "limits a nested field";
    static constexpr const char* example_config = R"({"size": 8})";
    static void declare(sdk::schema& s) {
        s.field_int("size", 1).required();
        s.field_config("part", "plain").accepts({"tp.plain", "other.plain"});
    }
    explicit chooser(const sdk::config_view& /*cfg*/) {}
    void step(const sdk::step_context& /*ctx*/) {}
};

struct info_ok {
    static constexpr const char* vendor = "tp";
};
using plugin_ok = sdk::plugin<info_ok, sdk::per_dtype<holder>, plain, chooser>;

// A computed property named like a part's ("part.table", int (2)) that only an instance
// with `present` true can serve; the other says why.
class gapped {
public:
    static constexpr const char* class_ref = "gapped";
    static constexpr std::int32_t kind = SPARK_KIND_COMPONENT;
    static constexpr const char* version = "1.0.0";
    static constexpr const char* description = "a property some instances cannot serve";
    static void declare(sdk::schema& s) {
        s.field_bool("present", true);
        s.property("part.table", SPARK_PAYLOAD_INT, "integer_array").computed("(2)").writable();
    }
    explicit gapped(const sdk::config_view& cfg) : present_(cfg.get<bool>("present")) {}
    void step(const sdk::step_context& /*ctx*/) {}
    [[nodiscard]] spark_port_spec_t property_spec(std::size_t /*index*/) const {
        return present_ ? sdk::make_spec(SPARK_PAYLOAD_INT, SPARK_DTYPE_I32, sdk::make_shape({2}))
                        : spark_port_spec_t{};
    }
    [[nodiscard]] std::string property_unavailable(std::size_t /*index*/) const {
        return "this instance has no part 'part'";
    }
    void read_property(std::size_t /*index*/, void* out) const {
        std::memcpy(out, table_, sizeof table_);
    }
    void write_property(std::size_t /*index*/, const void* in) {
        std::memcpy(table_, in, sizeof table_);
    }

private:
    bool present_;
    std::int32_t table_[2] = {4, 5};
};

/// The declaration mistakes init must refuse, one type each.
class twice {
public:
    static constexpr const char* class_ref = "twice";
    static constexpr std::int32_t kind = SPARK_KIND_COMPONENT;
    static constexpr const char* version = "1.0.0";
    static constexpr const char* description = "a property declared twice";
    static void declare(sdk::schema& s) {
        s.input("in", SPARK_PAYLOAD_FLOAT, "float_array");
        s.property("p", SPARK_PAYLOAD_FLOAT, "float_array").like_port("in");
        s.property("p", SPARK_PAYLOAD_FLOAT, "float_array").like_port("in");
    }
    explicit twice(const sdk::config_view& /*cfg*/) {}
    void step(const sdk::step_context& /*ctx*/) {}
    void read_property(std::size_t /*index*/, void* /*out*/) {}
};
class any_payload : public twice {
public:
    static constexpr const char* class_ref = "any_payload";
    static void declare(sdk::schema& s) {
        s.input("in", SPARK_PAYLOAD_FLOAT, "float_array");
        s.property("p", SPARK_PAYLOAD_ANY, "any").like_port("in");
    }
    using twice::twice;
};
class missing_port : public twice {
public:
    static constexpr const char* class_ref = "missing_port";
    static void declare(sdk::schema& s) {
        s.property("p", SPARK_PAYLOAD_FLOAT, "float_array").like_port("nowhere");
    }
    using twice::twice;
};
class unreadable {
public:
    static constexpr const char* class_ref = "unreadable";
    static constexpr std::int32_t kind = SPARK_KIND_COMPONENT;
    static constexpr const char* version = "1.0.0";
    static constexpr const char* description = "declares a property it cannot read";
    static void declare(sdk::schema& s) {
        s.field_int_array("units", {2});
        s.property("p", SPARK_PAYLOAD_FLOAT, "float_array").from_field("units");
    }
    explicit unreadable(const sdk::config_view& /*cfg*/) {}
    void step(const sdk::step_context& /*ctx*/) {}
};
class unwritable : public twice {
public:
    static constexpr const char* class_ref = "unwritable";
    static void declare(sdk::schema& s) {
        s.input("in", SPARK_PAYLOAD_FLOAT, "float_array");
        s.property("p", SPARK_PAYLOAD_FLOAT, "float_array").like_port("in").writable();
    }
    using twice::twice;
};
class bad_accepts : public twice {
public:
    static constexpr const char* class_ref = "bad_accepts";
    static void declare(sdk::schema& s) { s.field_config("part", "plain").accepts({"plain"}); }
    using twice::twice;
};

template <typename Type>
struct lone {
    struct info {
        static constexpr const char* vendor = "tp";
    };
    using plugin = sdk::plugin<info, Type>;
};

/// init's error for a plugin of one type.
template <typename Type>
std::string init_error() {
    fake_host host;
    const auto status = lone<Type>::plugin::init(host.abi());
    if (status == SPARK_OK) {
        lone<Type>::plugin::deinit();
        return "init succeeded";
    }
    return host.last_error();
}

struct loaded {
    fake_host host;
    const spark_module_type_t* holder_type = nullptr;
    const spark_module_type_t* plain_type = nullptr;
    const spark_module_type_t* chooser_type = nullptr;
    loaded() {
        BOOST_TEST_REQUIRE(plugin_ok::init(host.abi()) == SPARK_OK, host.last_error());
        std::uint32_t n = 0;
        const auto* types = plugin_ok::types(&n);
        BOOST_TEST_REQUIRE(n == 3U);
        holder_type = types[0];
        plain_type = types[1];
        chooser_type = types[2];
    }
    ~loaded() { plugin_ok::deinit(); }
    loaded(const loaded&) = delete;
    loaded& operator=(const loaded&) = delete;

    /// A holder with units [2], scale 2, built for an input of 3 float32 elements.
    spark_module_t* built_holder() {
        config_builder c;
        c.ints({2}).f(2.0);
        spark_module_t* m = nullptr;
        BOOST_TEST_REQUIRE(holder_type->create(holder_type, host.abi(), &c.get(), "h", &m) ==
                               SPARK_OK,
                           host.last_error());
        const spark_port_spec_t in = spec(SPARK_PAYLOAD_FLOAT, SPARK_DTYPE_F32, {3});
        spark_port_spec_t out{};
        BOOST_TEST_REQUIRE(m->build(m, &in, 1, &out, 1) == SPARK_OK, host.last_error());
        return m;
    }
};

const spark_properties_t& access_of(spark_module_t* m) {
    const auto* access =
        static_cast<const spark_properties_t*>(m->get_extension(m, SPARK_EXT_PROPERTIES));
    BOOST_TEST_REQUIRE(access != nullptr);
    return *access;
}

} // namespace

BOOST_AUTO_TEST_SUITE(properties)

BOOST_FIXTURE_TEST_CASE(a_type_declares_its_properties_without_an_instance, loaded) {
    const auto* declared = static_cast<const spark_type_properties_t*>(
        spark_type_extension(holder_type, SPARK_EXT_TYPE_PROPERTIES));
    BOOST_TEST_REQUIRE(declared != nullptr);
    BOOST_TEST(declared->abi_version.minor == 2U);
    BOOST_TEST_REQUIRE(declared->count == 3U);
    const auto& level = declared->properties[0];
    BOOST_TEST(std::string(level.name) == "level");
    BOOST_TEST(level.payload_kind == SPARK_PAYLOAD_FLOAT);
    BOOST_TEST(std::string(level.payload_type) == "float_array");
    BOOST_TEST(level.shape_rule == SPARK_SHAPE_LIKE_PORT);
    BOOST_TEST(std::string(level.shape_ref) == "in");
    BOOST_TEST(!level.writable);
    BOOST_TEST(std::string(level.description) == "sum of every output so far");
    BOOST_TEST(std::string(declared->properties[1].name) == "gains");
    BOOST_TEST(declared->properties[1].shape_rule == SPARK_SHAPE_FROM_FIELD);
    BOOST_TEST(declared->properties[1].writable);
    BOOST_TEST(std::string(declared->properties[2].name) == "table");
    BOOST_TEST(declared->properties[2].payload_kind == SPARK_PAYLOAD_INT);
    BOOST_TEST(declared->properties[2].shape_rule == SPARK_SHAPE_COMPUTED);
    // A type without properties offers neither the declaration nor the instance access.
    BOOST_TEST(spark_type_extension(plain_type, SPARK_EXT_TYPE_PROPERTIES) == nullptr);
    config_builder c;
    c.i(4);
    spark_module_t* m = nullptr;
    BOOST_TEST_REQUIRE(plain_type->create(plain_type, host.abi(), &c.get(), "p", &m) == SPARK_OK);
    BOOST_TEST(m->get_extension(m, SPARK_EXT_PROPERTIES) == nullptr);
    m->destroy(m);
}

BOOST_FIXTURE_TEST_CASE(specs_come_from_ports_fields_or_the_module_after_build, loaded) {
    config_builder c;
    c.ints({2}).f(2.0);
    spark_module_t* m = nullptr;
    BOOST_TEST_REQUIRE(holder_type->create(holder_type, host.abi(), &c.get(), "h", &m) == SPARK_OK);
    const auto& access = access_of(m);
    spark_port_spec_t s{};
    BOOST_TEST(access.spec(m, 0, &s) == SPARK_ERR_STATE);
    BOOST_TEST(host.last_error() == "property spec called before build; call build first");
    const spark_port_spec_t in = spec(SPARK_PAYLOAD_FLOAT, SPARK_DTYPE_F32, {3});
    spark_port_spec_t out{};
    BOOST_TEST_REQUIRE(m->build(m, &in, 1, &out, 1) == SPARK_OK);
    BOOST_TEST_REQUIRE(access.spec(m, 0, &s) == SPARK_OK); // level: like port "in"
    BOOST_TEST(s.payload_kind == SPARK_PAYLOAD_FLOAT);
    BOOST_TEST(s.dtype == SPARK_DTYPE_F32);
    BOOST_TEST(s.shape.rank == 1U);
    BOOST_TEST(s.shape.dims[0] == 3U);
    BOOST_TEST_REQUIRE(access.spec(m, 1, &s) == SPARK_OK); // gains: from field units [2]
    BOOST_TEST(s.shape.rank == 1U);
    BOOST_TEST(s.shape.dims[0] == 2U);
    BOOST_TEST_REQUIRE(access.spec(m, 2, &s) == SPARK_OK); // table: the module's (2, 2)
    BOOST_TEST(s.dtype == SPARK_DTYPE_I32);
    BOOST_TEST(s.shape.rank == 2U);
    BOOST_TEST(s.shape.dims[1] == 2U);
    BOOST_TEST(access.spec(m, 3, &s) == SPARK_ERR_INVALID_ARGUMENT);
    BOOST_TEST(host.last_error() == "property index 3 is out of range, the type has 3 properties");
    m->destroy(m);
}

BOOST_FIXTURE_TEST_CASE(reads_copy_the_value_and_writes_take_effect_at_the_next_step, loaded) {
    auto* m = built_holder();
    const auto& access = access_of(m);
    std::vector<float> x = {1, 2, 3};
    std::vector<float> y(3, -1);
    const spark_port_spec_t s3 = spec(SPARK_PAYLOAD_FLOAT, SPARK_DTYPE_F32, {3});
    spark_buffer_t in = buffer(x, s3);
    spark_buffer_t out = buffer(y, s3);
    BOOST_TEST_REQUIRE(m->reset(m, &out, 1) == SPARK_OK);
    // gains start at scale 2: out = [2, 4, 6]; write gains [0.5, -1]: out = [0.5, -2, 1.5].
    spark_step_context_t ctx{0, 1.0, &in, 1, &out, 1};
    BOOST_TEST_REQUIRE(m->step(m, &ctx) == SPARK_OK);
    BOOST_TEST(y == std::vector<float>({2, 4, 6}), boost::test_tools::per_element());
    std::vector<float> gains = {0.5F, -1.0F};
    const spark_buffer_t g = buffer(gains, spec(SPARK_PAYLOAD_FLOAT, SPARK_DTYPE_F32, {2}));
    BOOST_TEST_REQUIRE(access.write(m, 1, &g) == SPARK_OK, host.last_error());
    gains = {9, 9}; // the module took a copy
    ctx.step_index = 1;
    BOOST_TEST_REQUIRE(m->step(m, &ctx) == SPARK_OK);
    BOOST_TEST(y == std::vector<float>({0.5F, -2.0F, 1.5F}), boost::test_tools::per_element());
    std::vector<float> level(3, 0);
    const spark_buffer_t level_out = buffer(level, s3);
    BOOST_TEST_REQUIRE(access.read(m, 0, &level_out) == SPARK_OK);
    BOOST_TEST(level == std::vector<float>({2.5F, 2.0F, 7.5F}), boost::test_tools::per_element());
    std::vector<float> read_gains(2, 0);
    const spark_buffer_t gains_out =
        buffer(read_gains, spec(SPARK_PAYLOAD_FLOAT, SPARK_DTYPE_F32, {2}));
    BOOST_TEST_REQUIRE(access.read(m, 1, &gains_out) == SPARK_OK);
    BOOST_TEST(read_gains == std::vector<float>({0.5F, -1.0F}), boost::test_tools::per_element());
    m->destroy(m);
}

BOOST_FIXTURE_TEST_CASE(wrong_buffers_read_only_properties_and_refused_values_fail_cleanly,
                        loaded) {
    auto* m = built_holder();
    const auto& access = access_of(m);
    std::vector<double> wide(3, 0);
    const spark_buffer_t wide_out = buffer(wide, spec(SPARK_PAYLOAD_FLOAT, SPARK_DTYPE_F64, {3}));
    BOOST_TEST(access.read(m, 0, &wide_out) == SPARK_ERR_INVALID_ARGUMENT);
    BOOST_TEST(host.last_error() == "read of property 'level' got a buffer of float float64 (3) "
                                    "(3 elements); the property is float float32 (3)");
    std::vector<float> level(3, 0);
    const spark_buffer_t level_in = buffer(level, spec(SPARK_PAYLOAD_FLOAT, SPARK_DTYPE_F32, {3}));
    BOOST_TEST(access.write(m, 0, &level_in) == SPARK_ERR_UNSUPPORTED);
    BOOST_TEST(host.last_error() == "property 'level' is read-only; an effect cannot write it");
    BOOST_TEST(access.read(m, 0, nullptr) == SPARK_ERR_INVALID_ARGUMENT);
    // A value the module refuses leaves the old one in place.
    const spark_port_spec_t t = spec(SPARK_PAYLOAD_INT, SPARK_DTYPE_I32, {2, 2});
    std::vector<std::int32_t> table = {1, 2, 3, 4};
    const spark_buffer_t table_in = buffer(table, t);
    BOOST_TEST_REQUIRE(access.write(m, 2, &table_in) == SPARK_OK);
    std::vector<std::int32_t> bad = {5, -6, 7, 8};
    const spark_buffer_t bad_in = buffer(bad, t);
    BOOST_TEST(access.write(m, 2, &bad_in) == SPARK_ERR_INVALID_ARGUMENT);
    BOOST_TEST(host.last_error() == "table entries must be >= 0, got -6");
    std::vector<std::int32_t> now(4, 0);
    const spark_buffer_t now_out = buffer(now, t);
    BOOST_TEST_REQUIRE(access.read(m, 2, &now_out) == SPARK_OK);
    BOOST_TEST(now == table, boost::test_tools::per_element());
    m->destroy(m);
}

BOOST_AUTO_TEST_CASE(a_property_the_instance_cannot_serve_has_no_spec_and_is_refused) {
    fake_host host;
    BOOST_TEST_REQUIRE(lone<gapped>::plugin::init(host.abi()) == SPARK_OK, host.last_error());
    std::uint32_t n = 0;
    const auto* type = lone<gapped>::plugin::types(&n)[0];
    const auto make = [&](bool present) {
        config_builder c;
        c.b(present);
        spark_module_t* m = nullptr;
        BOOST_TEST_REQUIRE(type->create(type, host.abi(), &c.get(), "g", &m) == SPARK_OK,
                           host.last_error());
        BOOST_TEST_REQUIRE(m->build(m, nullptr, 0, nullptr, 0) == SPARK_OK, host.last_error());
        return m;
    };
    const spark_port_spec_t two = spec(SPARK_PAYLOAD_INT, SPARK_DTYPE_I32, {2});
    std::vector<std::int32_t> value = {0, 0};
    const spark_buffer_t b = buffer(value, two);
    // Served: the spec and the value the module keeps.
    auto* served = make(true);
    spark_port_spec_t s{};
    BOOST_TEST_REQUIRE(access_of(served).spec(served, 0, &s) == SPARK_OK);
    BOOST_TEST(s.payload_kind == SPARK_PAYLOAD_INT);
    BOOST_TEST_REQUIRE(access_of(served).read(served, 0, &b) == SPARK_OK, host.last_error());
    BOOST_TEST(value == std::vector<std::int32_t>({4, 5}), boost::test_tools::per_element());
    served->destroy(served);
    // Not served: spec succeeds with payload kind 0; read and write say why.
    auto* gap = make(false);
    s = two;
    BOOST_TEST_REQUIRE(access_of(gap).spec(gap, 0, &s) == SPARK_OK);
    BOOST_TEST(s.payload_kind == 0);
    BOOST_TEST(access_of(gap).read(gap, 0, &b) == SPARK_ERR_UNSUPPORTED);
    BOOST_TEST(host.last_error() == "property 'part.table' is unavailable in this instance: this "
                                    "instance has no part 'part'");
    BOOST_TEST(access_of(gap).write(gap, 0, &b) == SPARK_ERR_UNSUPPORTED);
    BOOST_TEST(host.last_error() == "property 'part.table' is unavailable in this instance: this "
                                    "instance has no part 'part'");
    gap->destroy(gap);
    lone<gapped>::plugin::deinit();
}

BOOST_FIXTURE_TEST_CASE(capabilities_say_contract_example_and_accepted_types, loaded) {
    const auto caps = [](const spark_module_type_t* type) {
        const auto* c = static_cast<const spark_type_capabilities_t*>(
            spark_type_extension(type, SPARK_EXT_TYPE_CAPABILITIES));
        BOOST_TEST_REQUIRE(c != nullptr);
        return c;
    };
    const auto* h = caps(holder_type);
    BOOST_TEST(!h->has_contract);
    BOOST_TEST(std::string(h->example_config) == "{}"); // every field has a default
    BOOST_TEST(h->nested_count == 0U);
    const auto* p = caps(plain_type);
    BOOST_TEST(p->has_contract);
    BOOST_TEST(p->example_config == nullptr); // a required field and no example of its own
    const auto* c = caps(chooser_type);
    BOOST_TEST(std::string(c->example_config) == R"({"size": 8})");
    BOOST_TEST_REQUIRE(c->nested_count == 1U);
    BOOST_TEST(std::string(c->nested[0].field) == "part");
    BOOST_TEST_REQUIRE(c->nested[0].count == 2U);
    BOOST_TEST(std::string(c->nested[0].class_refs[0]) == "tp.plain");
    BOOST_TEST(std::string(c->nested[0].class_refs[1]) == "other.plain");
    BOOST_TEST(spark_type_extension(holder_type, "spark.type.capabilities/2") == nullptr);
}

BOOST_AUTO_TEST_CASE(init_refuses_property_declarations_that_cannot_work) {
    BOOST_TEST(init_error<twice>() ==
               "module type 'tp.twice': property 'p' is declared twice; property names must be "
               "unique");
    BOOST_TEST(init_error<any_payload>() ==
               "module type 'tp.any_payload': property 'p' has payload kind 5; use a concrete "
               "SPARK_PAYLOAD_* value (not any)");
    BOOST_TEST(init_error<missing_port>() ==
               "module type 'tp.missing_port': property 'p' has the shape of port 'nowhere', "
               "which is not a port of this type");
    BOOST_TEST(init_error<unreadable>() == "module type 'tp.unreadable' declares properties but no "
                                           "read_property(std::size_t, void*)");
    BOOST_TEST(init_error<unwritable>() ==
               "module type 'tp.unwritable' declares a writable property but no "
               "write_property(std::size_t, const void*)");
    BOOST_TEST(init_error<bad_accepts>() ==
               "module type 'tp.bad_accepts': field 'part' accepts 'plain'; name accepted types "
               "as vendor.class_ref, e.g. 'spark.leaky_soma'");
}

BOOST_AUTO_TEST_SUITE_END()
