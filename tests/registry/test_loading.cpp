// SPDX-License-Identifier: Apache-2.0
// Loading one file: the good plain-C plugin and its provenance, and every broken file refused
// with a message that names the file, what was expected and what was found.
#include <cstdlib>
#include <elf.h>
#include <filesystem>
#include <fstream>
#include <string>

#include <boost/test/unit_test.hpp>

#include <spark/registry/plugin_registry.hpp>

#include "fixtures.hpp"
#include "log_capture.hpp"
#include "registry_test_helpers.hpp"
#include "test_plugin_paths.hpp"

namespace fs = std::filesystem;
using spark::registry::abi_error;
using spark::registry::load_error;
using spark::test::captured_log;
using spark::test::error_message;
using spark::test::test_plugin;

namespace {

std::string refused(const fs::path& file, const std::string& problem) {
    return "cannot load plugin " + fs::canonical(file).string() + ": " + problem;
}

} // namespace

BOOST_FIXTURE_TEST_SUITE(loading, spark::test::registry_fixture)

BOOST_AUTO_TEST_CASE(loads_the_plain_c_plugin_with_its_provenance) {
    const auto file = test_plugin("ok_c");
    const auto& info = registry.load(file);
    BOOST_TEST(info.file == fs::canonical(file));
    BOOST_TEST(info.id == "test.c_ok");
    BOOST_TEST(info.vendor == "ctest");
    BOOST_TEST(info.version == "0.3.0");
    BOOST_TEST(info.description == "a plain C11 test plugin with one decaying-trace component");
    BOOST_TEST(info.abi_version.major == SPARK_ABI_VERSION_MAJOR);
    BOOST_TEST(info.abi_version.minor == SPARK_ABI_VERSION_MINOR);
    BOOST_TEST(info.abi_version.patch == SPARK_ABI_VERSION_PATCH);
    BOOST_TEST(info.sha256 == spark::test::sha256sum(file));
    BOOST_TEST(info.sha256.size() == 64U);

    const auto types = registry.types();
    BOOST_TEST_REQUIRE(types.size() == 1U);
    const auto& decay = *types.front();
    BOOST_TEST(decay.canonical_id == "ctest.decay");
    BOOST_TEST(decay.class_ref() == "decay");
    BOOST_TEST(decay.vendor() == "ctest");
    BOOST_TEST(decay.plugin.get() == &info);
    BOOST_TEST(registry.plugins().size() == 1U);
    BOOST_TEST(registry.plugins().front().get() == &info);
    BOOST_TEST(captured_log().contains(
        "spark.registry", "loaded plugin 'test.c_ok' 0.3.0 (1 types) from " + info.file.string()));
}

BOOST_AUTO_TEST_CASE(the_sha256_is_that_of_the_file_bytes) {
    // A copy with one extra byte at the end still loads, and its digest differs from the
    // original's exactly as sha256sum says: the digest is of the bytes, not of the name.
    const spark::test::scratch_dir dir;
    const auto copy = dir / "spark-test_ok_c_padded.so";
    fs::copy_file(test_plugin("ok_c"), copy);
    std::ofstream(copy, std::ios::binary | std::ios::app).put('\0');
    const auto& info = registry.load(copy);
    BOOST_TEST(info.sha256 == spark::test::sha256sum(copy));
    BOOST_TEST(info.sha256 != spark::test::sha256sum(test_plugin("ok_c")));
}

BOOST_AUTO_TEST_CASE(loading_the_same_file_again_returns_the_loaded_plugin) {
    const spark::test::scratch_dir dir;
    const auto link = dir / "linked.so";
    fs::create_symlink(test_plugin("ok_c"), link);
    const auto& first = registry.load(test_plugin("ok_c"));
    const auto& again = registry.load(test_plugin("ok_c"));
    const auto& through_link = registry.load(link);
    BOOST_TEST(&first == &again);
    BOOST_TEST(&first == &through_link);
    BOOST_TEST(registry.plugins().size() == 1U);
    BOOST_TEST(registry.types().size() == 1U);
}

BOOST_AUTO_TEST_CASE(refuses_a_newer_major_version_before_running_any_plugin_code) {
    const auto file = test_plugin("bad_abi_major");
    const auto message = error_message<abi_error>([&] { (void)registry.load(file); });
    BOOST_TEST(message == refused(file,
                                  "expected ABI 1.2 (major 1, minor <= 2), found 2.2.0; "
                                  "rebuild the plugin against Spark SDK ABI 1.2"));
    BOOST_TEST(!captured_log().contains("ran although its ABI is refused"));
    // Not even its static initialisers: the version was read from the file, before dlopen.
    BOOST_TEST(std::getenv("SPARK_TEST_STATIC_INIT_RAN") == nullptr);
    BOOST_TEST(!spark::test::is_loaded(fs::canonical(file)));
    BOOST_TEST(registry.plugins().empty());
    BOOST_TEST(registry.types().empty());
}

BOOST_AUTO_TEST_CASE(refuses_a_newer_minor_version) {
    const auto file = test_plugin("newer_minor");
    const auto message = error_message<abi_error>([&] { (void)registry.load(file); });
    BOOST_TEST(message == refused(file,
                                  "expected ABI 1.2 (major 1, minor <= 2), found 1.3.0; "
                                  "rebuild the plugin against Spark SDK ABI 1.2"));
    BOOST_TEST(!captured_log().contains("ran although its ABI is refused"));
    BOOST_TEST(std::getenv("SPARK_TEST_STATIC_INIT_RAN") == nullptr);
}

BOOST_AUTO_TEST_CASE(the_error_names_the_file) {
    const auto file = test_plugin("newer_minor");
    try {
        (void)registry.load(file);
        BOOST_FAIL("newer_minor loaded");
    } catch (const abi_error& e) {
        BOOST_TEST(e.file() == fs::canonical(file));
    }
}

BOOST_AUTO_TEST_CASE(refuses_a_library_without_the_entry_symbol) {
    const auto file = test_plugin("no_entry_symbol");
    const auto message = error_message<load_error>([&] { (void)registry.load(file); });
    BOOST_TEST(message == refused(file,
                                  "expected the exported symbol 'spark_plugin_entry', found "
                                  "only spark_not_an_entry; a Spark plugin defines it with "
                                  "SPARK_EXPORT (see spark/abi/entry.h)"));
    BOOST_TEST(!spark::test::is_loaded(fs::canonical(file)));
}

BOOST_AUTO_TEST_CASE(refuses_a_text_file_without_running_anything) {
    const auto file = test_plugin("not_a_library");
    const auto message = error_message<load_error>([&] { (void)registry.load(file); });
    // The parenthesis carries Boost.DLL's own words, which may change between Boost versions.
    BOOST_TEST(message.starts_with(refused(file,
                                           "expected an ELF shared library, found a file that "
                                           "does not start with the ELF magic bytes (")));
}

BOOST_AUTO_TEST_CASE(refuses_a_truncated_library) {
    // The exact numbers come from the intact library: where its section headers end.
    Elf64_Ehdr header{};
    std::ifstream(test_plugin("ok_c"), std::ios::binary)
        .read(reinterpret_cast<char*>(&header), sizeof(header));
    const auto end = header.e_shoff + std::uint64_t{header.e_shnum} * sizeof(Elf64_Shdr);
    BOOST_TEST_REQUIRE(fs::file_size(test_plugin("truncated")) == 4096U);

    const auto file = test_plugin("truncated");
    const auto message = error_message<load_error>([&] { (void)registry.load(file); });
    BOOST_TEST(message == refused(file,
                                  "the file is truncated: its section headers end at byte " +
                                      std::to_string(end) + ", found only 4096 bytes"));
}

BOOST_AUTO_TEST_CASE(refuses_a_plugin_whose_init_fails_with_its_message) {
    const auto file = test_plugin("init_fails");
    const auto message = error_message<load_error>([&] { (void)registry.load(file); });
    BOOST_TEST(message == refused(file,
                                  "init of plugin 'test.init_fails' failed (SPARK_ERR_PLUGIN): "
                                  "license file /nonexistent/acme.lic not found"));
    BOOST_TEST(captured_log().contains("spark.plugin.test.init_fails",
                                       "license file /nonexistent/acme.lic not found"));
    BOOST_TEST(!spark::test::is_loaded(fs::canonical(file)));
    BOOST_TEST(registry.plugins().empty());
}

BOOST_AUTO_TEST_CASE(refuses_a_malformed_descriptor_and_deinits_the_plugin) {
    const auto file = test_plugin("bad_descriptor");
    const auto before = captured_log().records().size();
    const auto message = error_message<load_error>([&] { (void)registry.load(file); });
    BOOST_TEST(message == refused(file,
                                  "type 'test.broken' is malformed: field 'weight' has unknown "
                                  "type 99 (expected 1..8, a SPARK_FIELD_* value); fix the "
                                  "plugin's descriptor"));
    // Its init ran, so its deinit must run too, and nothing of it stays.
    BOOST_TEST(captured_log().find("spark.plugin.test.bad_descriptor",
                                   "deinit of test.bad_descriptor",
                                   before) != spark::test::log_capture_sink::npos);
    BOOST_TEST(!spark::test::is_loaded(fs::canonical(file)));
    BOOST_TEST(registry.types().empty());
    BOOST_TEST(registry.plugins().empty());
}

BOOST_AUTO_TEST_CASE(refuses_the_nullable_flag_on_a_field_that_is_not_a_config) {
    const auto file = test_plugin("bad_nullable_float");
    const auto message = error_message<load_error>([&] { (void)registry.load(file); });
    BOOST_TEST(message == refused(file,
                                  "type 'test.broken_flags' is malformed: field 'gain' has type "
                                  "float and the flag SPARK_FIELD_NULLABLE (only a config field "
                                  "may hold none; drop the flag); fix the plugin's descriptor"));
    BOOST_TEST(registry.types().empty());
}

BOOST_AUTO_TEST_CASE(refuses_field_flags_it_does_not_know) {
    const auto file = test_plugin("bad_field_flags");
    const auto message = error_message<load_error>([&] { (void)registry.load(file); });
    BOOST_TEST(message == refused(file,
                                  "type 'test.broken_flags' is malformed: field 'delays' has "
                                  "unknown flag bits 12 (the flags are SPARK_FIELD_NULLABLE = 1 "
                                  "and SPARK_FIELD_PATH = 2; clear the other bits); fix the "
                                  "plugin's descriptor"));
    BOOST_TEST(registry.types().empty());
}

BOOST_AUTO_TEST_CASE(refuses_a_path_flag_on_a_field_that_is_not_a_string) {
    const auto file = test_plugin("bad_path_float");
    const auto message = error_message<load_error>([&] { (void)registry.load(file); });
    BOOST_TEST(message == refused(file,
                                  "type 'test.broken_flags' is malformed: field 'gain' has type "
                                  "float and the flag SPARK_FIELD_PATH (only a string field holds "
                                  "a path; drop the flag); fix the plugin's descriptor"));
    BOOST_TEST(registry.types().empty());
}

BOOST_AUTO_TEST_CASE(refuses_a_validator_kind_newer_than_the_type_s_abi) {
    const auto file = test_plugin("negative_in_1_1");
    const auto message = error_message<load_error>([&] { (void)registry.load(file); });
    BOOST_TEST(message == refused(file,
                                  "type 'test.broken_validators' is malformed: field 'reset' "
                                  "validator 0 has unknown kind 7 (expected 1..6, a "
                                  "SPARK_VALIDATOR_* value of ABI 1.0 and 1.1); fix the plugin's "
                                  "descriptor"));
    BOOST_TEST(registry.types().empty());
}

BOOST_AUTO_TEST_CASE(refuses_a_rule_that_does_not_parse_or_reads_no_field) {
    const auto syntax = test_plugin("bad_rule_syntax");
    BOOST_TEST(error_message<load_error>([&] { (void)registry.load(syntax); }) ==
               refused(syntax,
                       "type 'test.broken_validators' is malformed: field 'reset' validator 0 "
                       "(rule 'omega * (dt < pi') at 17: expected ')'; fix the plugin's "
                       "descriptor"));
    const auto field = test_plugin("bad_rule_field");
    BOOST_TEST(error_message<load_error>([&] { (void)registry.load(field); }) ==
               refused(field,
                       "type 'test.broken_validators' is malformed: field 'reset' validator 0 "
                       "(rule 'omega * speed < pi') 'speed' is not an int, float, bool or array "
                       "field of this config; fix the plugin's descriptor"));
    BOOST_TEST(registry.types().empty());
}

BOOST_AUTO_TEST_CASE(a_property_name_is_identifiers_joined_by_single_dots) {
    const auto file = test_plugin("bad_property_name");
    const auto message = error_message<load_error>([&] { (void)registry.load(file); });
    BOOST_TEST(message == refused(file,
                                  "type 'test.named' is malformed: a property has the name "
                                  "'soma..potential' (expected an identifier, or identifiers "
                                  "joined by '.'); fix the plugin's descriptor"));
    // A neuron offers its parts' properties as upstream 1.0 names them: "soma.potential".
    const auto& dotted = registry.load(test_plugin("dotted_property"));
    BOOST_TEST(dotted.id == "test.dotted");
    const auto declared = spark::registry::declared_properties(registry.resolve("test.named"));
    BOOST_TEST_REQUIRE(declared.size() == 1U);
    BOOST_TEST(std::string(declared[0].name) == "soma.potential");
}

BOOST_AUTO_TEST_CASE(a_type_in_slices_names_the_int_array_field_of_its_neurons) {
    const auto file = test_plugin("bad_slices");
    const auto message = error_message<load_error>([&] { (void)registry.load(file); });
    BOOST_TEST(message == refused(file,
                                  "type 'test.sliced' is malformed: its slices extension names "
                                  "field 'units', which is not an int-array field of the type; "
                                  "fix the plugin's descriptor"));
    BOOST_TEST(registry.types().empty());
}

BOOST_AUTO_TEST_CASE(refuses_a_missing_file) {
    const fs::path file = "/nonexistent/spark-acme.so";
    const auto message = error_message<load_error>([&] { (void)registry.load(file); });
    BOOST_TEST(message ==
               "cannot load plugin /nonexistent/spark-acme.so: No such file or directory; "
               "check the path or the search path");
}

BOOST_AUTO_TEST_CASE(a_refused_file_leaves_the_registry_usable) {
    for (const char* broken : {"bad_abi_major",
                               "no_entry_symbol",
                               "not_a_library",
                               "truncated",
                               "init_fails",
                               "bad_descriptor",
                               "bad_nullable_float",
                               "bad_field_flags"}) {
        BOOST_CHECK_THROW((void)registry.load(test_plugin(broken)), load_error);
    }
    BOOST_TEST(registry.plugins().empty());
    BOOST_TEST(registry.load(test_plugin("ok_c")).id == "test.c_ok");
    BOOST_TEST(registry.resolve("decay").canonical_id == "ctest.decay");
}

BOOST_AUTO_TEST_SUITE_END()
