// SPDX-License-Identifier: Apache-2.0
// The SDK-built test plugins (ok_cpp, ok_clang, create_fails, throws_in_step) loaded as real
// libraries and driven through their entry on a fake host: exactly the behaviour other areas
// rely on (each plugin's header comment in tests/test_plugins/sdk_plugins/), one exported symbol
// each, and ok_clang really built by clang.
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

#include <boost/dll/library_info.hpp>
#include <boost/dll/shared_library.hpp>
#include <boost/test/unit_test.hpp>

#include <spark/abi/spark_abi.h>

#include "fake_host.hpp"
#include "test_plugin_paths.hpp"

using spark::test::buffer;
using spark::test::config_builder;
using spark::test::fake_host;
using spark::test::spec;

namespace {

template <typename T>
constexpr std::int32_t dtype_v = std::is_same_v<T, double> ? SPARK_DTYPE_F64 : SPARK_DTYPE_F32;

/// One loaded plugin: library, entry, init on a fake host; deinit on destruction.
struct loaded_plugin {
    boost::dll::shared_library library;
    const spark_plugin_entry_t* entry = nullptr;
    fake_host host;
    bool initialized = false;

    explicit loaded_plugin(const char* name)
        : library(spark::test::test_plugin(name),
                  boost::dll::load_mode::rtld_now | boost::dll::load_mode::rtld_local) {
        entry = &library.get<const spark_plugin_entry_t>(SPARK_PLUGIN_ENTRY_SYMBOL);
        BOOST_TEST_REQUIRE(
            spark_abi_compatible(spark_version_t SPARK_ABI_VERSION_INIT, entry->abi_version) == 1);
        BOOST_TEST_REQUIRE(entry->init(host.abi()) == SPARK_OK, host.last_error());
        initialized = true;
    }
    ~loaded_plugin() {
        if (initialized) {
            entry->deinit();
        }
    }
    loaded_plugin(const loaded_plugin&) = delete;
    loaded_plugin& operator=(const loaded_plugin&) = delete;

    [[nodiscard]] std::vector<const spark_module_type_t*> types() const {
        std::uint32_t n = 0;
        const auto* list = entry->types(&n);
        return {list, list + n};
    }
    [[nodiscard]] const spark_module_type_t& type(const std::string& class_ref) const {
        for (const auto* t : types()) {
            if (class_ref == t->class_ref) {
                return *t;
            }
        }
        throw std::runtime_error("no type " + class_ref);
    }
};

std::string str(const char* s) {
    return s != nullptr ? s : "<null>";
}

/// Runs the accumulator of `p` on input {1, 2} for three steps, in float32 or float64.
template <typename T>
void check_accumulator(loaded_plugin& p) {
    const auto& t = p.type("accumulator");
    config_builder c;
    c.f(2.0).f(0.5).dtype(dtype_v<T>);
    spark_module_t* m = nullptr;
    BOOST_TEST_REQUIRE(t.create(&t, p.host.abi(), &c.get(), "acc", &m) == SPARK_OK,
                       p.host.last_error());
    BOOST_TEST(m->contract == nullptr);
    const spark_port_spec_t in = spec(SPARK_PAYLOAD_FLOAT, dtype_v<T>, {2});
    spark_port_spec_t out{};
    BOOST_TEST_REQUIRE(m->build(m, &in, 1, &out, 1) == SPARK_OK, p.host.last_error());
    BOOST_TEST(out.payload_kind == SPARK_PAYLOAD_FLOAT);
    BOOST_TEST(out.dtype == dtype_v<T>);
    BOOST_TEST(out.shape.rank == 1U);
    BOOST_TEST(out.shape.dims[0] == 2U);
    std::vector<T> input{T(1), T(2)};
    std::vector<T> output(2, T(99));
    const spark_buffer_t ib = buffer(input, in);
    const spark_buffer_t ob = buffer(output, out);
    BOOST_TEST_REQUIRE(m->reset(m, &ob, 1) == SPARK_OK, p.host.last_error());
    BOOST_TEST(output == std::vector<T>({T(0.5), T(0.5)}), boost::test_tools::per_element());
    for (std::uint64_t k = 0; k < 3; ++k) {
        const spark_step_context_t ctx{k, 1.0, &ib, 1, &ob, 1};
        BOOST_TEST_REQUIRE(m->step(m, &ctx) == SPARK_OK, p.host.last_error());
    }
    BOOST_TEST(output == std::vector<T>({T(6.5), T(12.5)}), boost::test_tools::per_element());
    std::uint32_t n = 0;
    spark_state_array_t state{};
    BOOST_TEST_REQUIRE(m->state(m, &state, 1, &n) == SPARK_OK);
    BOOST_TEST(n == 1U);
    BOOST_TEST(str(state.name) == "total");
    BOOST_TEST(state.dtype == dtype_v<T>);
    BOOST_TEST(static_cast<T*>(state.data)[1] == T(12.5));
    m->destroy(m);
}

void check_accumulator_descriptor(const spark_module_type_t& t, const std::string& vendor) {
    BOOST_TEST(str(t.vendor) == vendor);
    BOOST_TEST(t.kind == SPARK_KIND_CONTROL_INTERFACE);
    BOOST_TEST(str(t.version) == "1.0.0");
    BOOST_TEST_REQUIRE(t.field_count == 2U);
    BOOST_TEST(str(t.fields[0].name) == "gain");
    BOOST_TEST(t.fields[0].type == SPARK_FIELD_FLOAT);
    BOOST_TEST(str(t.fields[0].default_json) == "1.0");
    BOOST_TEST(str(t.fields[0].units) == "");
    BOOST_TEST(str(t.fields[0].description) == "factor applied to each input");
    BOOST_TEST_REQUIRE(t.fields[0].validator_count == 1U);
    BOOST_TEST(t.fields[0].validators[0].kind == SPARK_VALIDATOR_POSITIVE);
    BOOST_TEST(str(t.fields[1].name) == "initial");
    BOOST_TEST(str(t.fields[1].default_json) == "0.0");
    BOOST_TEST(str(t.fields[1].description) == "value of the running total after reset");
    BOOST_TEST(t.fields[1].validator_count == 0U);
    BOOST_TEST_REQUIRE(t.port_count == 2U);
    BOOST_TEST(str(t.ports[0].name) == "in");
    BOOST_TEST(t.ports[0].direction == SPARK_PORT_INPUT);
    BOOST_TEST(t.ports[0].payload_kind == SPARK_PAYLOAD_FLOAT);
    BOOST_TEST(str(t.ports[0].payload_type) == "float_array");
    BOOST_TEST(t.ports[0].shape_rule == SPARK_SHAPE_ANY);
    BOOST_TEST(t.ports[0].required);
    BOOST_TEST(str(t.ports[1].name) == "out");
    BOOST_TEST(t.ports[1].direction == SPARK_PORT_OUTPUT);
    BOOST_TEST(t.ports[1].shape_rule == SPARK_SHAPE_LIKE_PORT);
    BOOST_TEST(str(t.ports[1].shape_ref) == "in");
}

/// The bytes of an ELF64 section, read by hand (Boost.DLL lists sections, not their contents).
std::string elf_section(const std::filesystem::path& file, const std::string& wanted) {
    std::ifstream in(file, std::ios::binary);
    const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    BOOST_TEST_REQUIRE(bytes.size() > 64U);
    BOOST_TEST_REQUIRE(bytes.compare(0,
                                     4,
                                     "\x7f"
                                     "ELF") == 0);
    BOOST_TEST_REQUIRE(static_cast<int>(bytes[4]) == 2); // ELFCLASS64
    auto read = [&](std::size_t offset, auto value) {
        BOOST_TEST_REQUIRE(offset + sizeof(value) <= bytes.size());
        std::memcpy(&value, bytes.data() + offset, sizeof(value));
        return value;
    };
    const auto shoff = read(0x28, std::uint64_t{});
    const auto shentsize = read(0x3A, std::uint16_t{});
    const auto shnum = read(0x3C, std::uint16_t{});
    const auto shstrndx = read(0x3E, std::uint16_t{});
    auto section = [&](std::size_t i) { return static_cast<std::size_t>(shoff) + i * shentsize; };
    const auto names = read(section(shstrndx) + 0x18, std::uint64_t{});
    for (std::size_t i = 0; i < shnum; ++i) {
        const auto name = read(section(i), std::uint32_t{});
        const std::string section_name(bytes.c_str() + names + name);
        if (section_name == wanted) {
            const auto offset = read(section(i) + 0x18, std::uint64_t{});
            const auto size = read(section(i) + 0x20, std::uint64_t{});
            BOOST_TEST_REQUIRE(offset + size <= bytes.size());
            return bytes.substr(static_cast<std::size_t>(offset), static_cast<std::size_t>(size));
        }
    }
    return {};
}

} // namespace

BOOST_AUTO_TEST_SUITE(sdk_test_plugins)

BOOST_AUTO_TEST_CASE(ok_cpp_declares_its_entry_and_types) {
    loaded_plugin p("ok_cpp");
    BOOST_TEST(str(p.entry->id) == "test.cpp_ok");
    BOOST_TEST(str(p.entry->vendor) == "testcpp");
    BOOST_TEST(str(p.entry->version) == "1.2.3");
    BOOST_TEST(str(p.entry->description) == "test plugin built with the C++ SDK");
    const auto types = p.types();
    BOOST_TEST_REQUIRE(types.size() == 2U);
    BOOST_TEST(str(types[0]->class_ref) == "accumulator");
    BOOST_TEST(str(types[1]->class_ref) == "echo_spikes");
    check_accumulator_descriptor(*types[0], "testcpp");
    const auto& echo = *types[1];
    BOOST_TEST(str(echo.vendor) == "testcpp");
    BOOST_TEST(echo.kind == SPARK_KIND_NEURON);
    BOOST_TEST(str(echo.version) == "1.0.0");
    BOOST_TEST_REQUIRE(echo.field_count == 1U);
    BOOST_TEST(str(echo.fields[0].name) == "units");
    BOOST_TEST(echo.fields[0].type == SPARK_FIELD_INT_ARRAY);
    BOOST_TEST(str(echo.fields[0].default_json) == "[4]");
    BOOST_TEST(echo.fields[0].validators[0].kind == SPARK_VALIDATOR_POSITIVE);
    BOOST_TEST_REQUIRE(echo.port_count == 2U);
    BOOST_TEST(str(echo.ports[0].name) == "in_spikes");
    BOOST_TEST(echo.ports[0].payload_kind == SPARK_PAYLOAD_SPIKES);
    BOOST_TEST(str(echo.ports[0].payload_type) == "spike_array");
    BOOST_TEST(echo.ports[0].shape_rule == SPARK_SHAPE_ANY);
    BOOST_TEST(str(echo.ports[1].name) == "out_spikes");
    BOOST_TEST(echo.ports[1].shape_rule == SPARK_SHAPE_FROM_FIELD);
    BOOST_TEST(str(echo.ports[1].shape_ref) == "units");
}

BOOST_AUTO_TEST_CASE(ok_cpp_accumulates_in_float32_and_float64) {
    loaded_plugin p("ok_cpp");
    check_accumulator<float>(p);
    check_accumulator<double>(p);
}

BOOST_AUTO_TEST_CASE(ok_cpp_echo_spikes_keeps_its_contract) {
    loaded_plugin p("ok_cpp");
    const auto& t = p.type("echo_spikes");
    config_builder c;
    c.ints({4});
    spark_module_t* m = nullptr;
    BOOST_TEST_REQUIRE(t.create(&t, p.host.abi(), &c.get(), "echo", &m) == SPARK_OK,
                       p.host.last_error());
    BOOST_TEST_REQUIRE(m->contract != nullptr);
    spark_port_spec_t promised{};
    BOOST_TEST_REQUIRE(m->contract(m, &promised, 1) == SPARK_OK);
    BOOST_TEST(promised.payload_kind == SPARK_PAYLOAD_SPIKES);
    BOOST_TEST(promised.dtype == SPARK_DTYPE_U8);
    BOOST_TEST(promised.shape.rank == 1U);
    BOOST_TEST(promised.shape.dims[0] == 4U);
    const spark_port_spec_t in = spec(SPARK_PAYLOAD_SPIKES, SPARK_DTYPE_U8, {3});
    spark_port_spec_t out{};
    BOOST_TEST_REQUIRE(m->build(m, &in, 1, &out, 1) == SPARK_OK, p.host.last_error());
    BOOST_TEST(out.shape.dims[0] == 4U);
    std::vector<std::uint8_t> input{1, 2, 3}; // spike, silent inhibitory, inhibitory spike
    std::vector<std::uint8_t> output(4, 9);
    const spark_buffer_t ib = buffer(input, in);
    const spark_buffer_t ob = buffer(output, out);
    BOOST_TEST_REQUIRE(m->reset(m, &ob, 1) == SPARK_OK);
    BOOST_TEST(output == std::vector<std::uint8_t>(4, 0), boost::test_tools::per_element());
    const spark_step_context_t ctx{0, 1.0, &ib, 1, &ob, 1};
    BOOST_TEST_REQUIRE(m->step(m, &ctx) == SPARK_OK, p.host.last_error());
    BOOST_TEST(output == std::vector<std::uint8_t>({1, 0, 1, 0}), boost::test_tools::per_element());
    std::uint32_t n = 7;
    BOOST_TEST(m->state(m, nullptr, 0, &n) == SPARK_OK);
    BOOST_TEST(n == 0U);
    m->destroy(m);
}

BOOST_AUTO_TEST_CASE(ok_clang_is_the_accumulator_built_by_clang) {
    loaded_plugin p("ok_clang");
    BOOST_TEST(str(p.entry->id) == "test.clang_ok");
    BOOST_TEST(str(p.entry->vendor) == "testclang");
    BOOST_TEST(str(p.entry->version) == "1.0.0");
    const auto types = p.types();
    BOOST_TEST_REQUIRE(types.size() == 1U);
    BOOST_TEST(str(types[0]->class_ref) == "accumulator");
    check_accumulator_descriptor(*types[0], "testclang");
    check_accumulator<float>(p);
    check_accumulator<double>(p);

    // The object files record their compiler in .comment: clang for ok_clang; ok_cpp is built by
    // the project's compiler, which is gcc in the dev preset (no clang in it) and clang in the
    // asan preset, where only ok_clang's side can be told apart.
    const auto clang_comment = elf_section(spark::test::test_plugin("ok_clang"), ".comment");
    BOOST_TEST(clang_comment.find("clang version") != std::string::npos,
               "ok_clang .comment: " << clang_comment);
#if !defined(__clang__)
    const auto gcc_comment = elf_section(spark::test::test_plugin("ok_cpp"), ".comment");
    BOOST_TEST(gcc_comment.find("GCC") != std::string::npos);
    BOOST_TEST(gcc_comment.find("clang") == std::string::npos);
#endif
}

BOOST_AUTO_TEST_CASE(create_fails_refuses_a_limit_above_ten) {
    loaded_plugin p("create_fails");
    BOOST_TEST(str(p.entry->id) == "test.create_fails");
    BOOST_TEST(str(p.entry->vendor) == "test");
    BOOST_TEST(str(p.entry->version) == "1.0.0");
    const auto& t = p.type("create_fails");
    BOOST_TEST(t.kind == SPARK_KIND_COMPONENT);
    BOOST_TEST_REQUIRE(t.field_count == 1U);
    BOOST_TEST(str(t.fields[0].name) == "limit");
    BOOST_TEST(t.fields[0].type == SPARK_FIELD_INT);
    BOOST_TEST(str(t.fields[0].default_json) == "12");
    BOOST_TEST_REQUIRE(t.port_count == 2U);
    BOOST_TEST(t.ports[1].shape_rule == SPARK_SHAPE_LIKE_PORT);

    for (const std::int64_t limit : {12, 11, 1000}) {
        config_builder c;
        c.i(limit);
        spark_module_t* m = nullptr;
        BOOST_TEST(t.create(&t, p.host.abi(), &c.get(), "cf", &m) == SPARK_ERR_INVALID_ARGUMENT);
        BOOST_TEST(m == nullptr);
        BOOST_TEST(p.host.last_error() == "limit must be <= 10, got " + std::to_string(limit));
    }
    config_builder ok;
    ok.i(10);
    spark_module_t* m = nullptr;
    BOOST_TEST_REQUIRE(t.create(&t, p.host.abi(), &ok.get(), "cf", &m) == SPARK_OK);
    const spark_port_spec_t in = spec(SPARK_PAYLOAD_FLOAT, SPARK_DTYPE_F32, {2});
    spark_port_spec_t out{};
    BOOST_TEST_REQUIRE(m->build(m, &in, 1, &out, 1) == SPARK_OK);
    std::vector<float> input{1.5F, -2.0F};
    std::vector<float> output(2);
    const spark_buffer_t ib = buffer(input, in);
    const spark_buffer_t ob = buffer(output, out);
    BOOST_TEST_REQUIRE(m->reset(m, &ob, 1) == SPARK_OK);
    const spark_step_context_t ctx{0, 1.0, &ib, 1, &ob, 1};
    BOOST_TEST_REQUIRE(m->step(m, &ctx) == SPARK_OK);
    BOOST_TEST(output == input, boost::test_tools::per_element());
    m->destroy(m);
}

BOOST_AUTO_TEST_CASE(throws_in_step_fails_step_three_only) {
    loaded_plugin p("throws_in_step");
    BOOST_TEST(str(p.entry->id) == "test.throws_in_step");
    BOOST_TEST(str(p.entry->vendor) == "test");
    const auto& t = p.type("throws_in_step");
    BOOST_TEST(t.kind == SPARK_KIND_COMPONENT);
    BOOST_TEST(t.field_count == 0U);
    config_builder c;
    spark_module_t* m = nullptr;
    BOOST_TEST_REQUIRE(t.create(&t, p.host.abi(), &c.get(), "t", &m) == SPARK_OK);
    const spark_port_spec_t in = spec(SPARK_PAYLOAD_FLOAT, SPARK_DTYPE_F32, {1});
    spark_port_spec_t out{};
    BOOST_TEST_REQUIRE(m->build(m, &in, 1, &out, 1) == SPARK_OK);
    std::vector<float> input{4.0F};
    std::vector<float> output(1);
    const spark_buffer_t ib = buffer(input, in);
    const spark_buffer_t ob = buffer(output, out);
    BOOST_TEST_REQUIRE(m->reset(m, &ob, 1) == SPARK_OK);
    for (std::uint64_t k = 0; k < 6; ++k) {
        p.host.clear();
        input[0] = static_cast<float>(k);
        const spark_step_context_t ctx{k, 1.0, &ib, 1, &ob, 1};
        if (k == 3) {
            BOOST_TEST(m->step(m, &ctx) == SPARK_ERR_PLUGIN);
            BOOST_TEST(p.host.last_error() == "step 3 exploded: simulated failure");
        } else {
            BOOST_TEST(m->step(m, &ctx) == SPARK_OK);
            BOOST_TEST(output[0] == static_cast<float>(k));
            BOOST_TEST(p.host.messages().empty());
        }
    }
    m->destroy(m);
}

BOOST_AUTO_TEST_CASE(each_plugin_exports_exactly_its_entry) {
    for (const char* name : {"ok_cpp", "ok_clang", "create_fails", "throws_in_step"}) {
        BOOST_TEST_CONTEXT(name) {
            boost::dll::library_info info(spark::test::test_plugin(name));
            const auto symbols = info.symbols();
            BOOST_TEST(symbols == std::vector<std::string>{"spark_plugin_entry"},
                       boost::test_tools::per_element());
        }
    }
}

BOOST_AUTO_TEST_SUITE_END()
