// SPDX-License-Identifier: Apache-2.0
// Names to types: canonical ids always, bare class_refs when unambiguous or decided by preferred
// vendors, the candidates when ambiguous, suggestions when unknown, and collisions naming both
// files. Spark's own types winning bare names is tested with a real vendor in
// tests/vendor/test_acme.cpp.
#include <filesystem>
#include <string>
#include <vector>

#include <boost/test/unit_test.hpp>

#include <spark/registry/plugin_registry.hpp>

#include "fixtures.hpp"
#include "registry_test_helpers.hpp"
#include "test_plugin_paths.hpp"

namespace fs = std::filesystem;
using spark::registry::collision_error;
using spark::registry::resolve_error;
using spark::test::error_message;
using spark::test::test_plugin;

namespace {

std::string canonical(const char* plugin) {
    return fs::canonical(test_plugin(plugin)).string();
}

constexpr const char* spelling_help =
    "); check the spelling, or add the folder of the plugin that provides it to the search path "
    "(SPARK_PLUGIN_PATH)";

struct vendors_fixture : spark::test::registry_fixture {
    vendors_fixture() {
        (void)registry.load(test_plugin("ok_c"));
        (void)registry.load(test_plugin("vendor_x"));
        (void)registry.load(test_plugin("vendor_y"));
    }
};

} // namespace

BOOST_FIXTURE_TEST_SUITE(resolution, vendors_fixture)

BOOST_AUTO_TEST_CASE(canonical_ids_and_unambiguous_bare_names_resolve) {
    const auto& only_x = registry.resolve("vx.only_x");
    BOOST_TEST(only_x.canonical_id == "vx.only_x");
    BOOST_TEST(&registry.resolve("only_x") == &only_x);
    BOOST_TEST(registry.resolve("vx.shared_name").canonical_id == "vx.shared_name");
    BOOST_TEST(registry.resolve("vy.shared_name").canonical_id == "vy.shared_name");
    BOOST_TEST(registry.resolve("vy.shared_name").plugin->file ==
               fs::canonical(test_plugin("vendor_y")));
    BOOST_TEST(&registry.resolve("decay") == &registry.resolve("ctest.decay"));
}

BOOST_AUTO_TEST_CASE(upstream_class_name_spellings_resolve_like_the_registry_name) {
    // Upstream normalises names: "_" before a capitalised word (also after an acronym) and
    // between lower and upper case, spaces and hyphens as "_", lower case.
    const auto& only_x = registry.resolve("vx.only_x");
    BOOST_TEST(&registry.resolve("OnlyX") == &only_x);
    BOOST_TEST(&registry.resolve("Only-X") == &only_x);
    // "ONLYX" is "onlyx", no type: the error names what the user wrote.
    BOOST_TEST(error_message<resolve_error>([&] {
                   (void)registry.resolve("ONLYX");
               }).rfind("unknown module type 'ONLYX' (", 0) == 0U);
    // An upstream spelling of an ambiguous name is just as ambiguous.
    BOOST_TEST(error_message<resolve_error>([&] {
                   (void)registry.resolve("SharedName");
               }).rfind("module type 'SharedName' is ambiguous: 2 vendors offer it", 0) == 0U);
}

BOOST_AUTO_TEST_CASE(types_are_sorted_by_canonical_id) {
    std::vector<std::string> ids;
    for (const auto* type : registry.types()) {
        ids.push_back(type->canonical_id);
    }
    BOOST_TEST(ids == (std::vector<std::string>{
                          "ctest.decay", "vx.only_x", "vx.shared_name", "vy.shared_name"}),
               boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(an_ambiguous_bare_name_lists_every_candidate_and_how_to_qualify) {
    const auto message =
        error_message<resolve_error>([&] { (void)registry.resolve("shared_name"); });
    BOOST_TEST(message ==
               "module type 'shared_name' is ambiguous: 2 vendors offer it: vx.shared_name "
               "(from " +
                   canonical("vendor_x") + "), vy.shared_name (from " + canonical("vendor_y") +
                   "); qualify the name as vendor.class_ref, e.g. 'vx.shared_name', or pin the "
                   "vendor for the whole brain file with \"__vendors__\": [\"vx\"]");
}

BOOST_AUTO_TEST_CASE(the_first_preferred_vendor_that_offers_a_bare_name_wins) {
    const std::vector<std::string> y_first = {"vy", "vx"};
    const std::vector<std::string> x_first = {"vx", "vy"};
    BOOST_TEST(registry.resolve("shared_name", y_first).canonical_id == "vy.shared_name");
    BOOST_TEST(registry.resolve("shared_name", x_first).canonical_id == "vx.shared_name");
    // A preferred vendor that does not offer the name is passed over, not a stop.
    const std::vector<std::string> ctest_then_y = {"ctest", "vy"};
    BOOST_TEST(registry.resolve("shared_name", ctest_then_y).canonical_id == "vy.shared_name");
    // Upstream's spelling of the name finds the preferred vendor's type too.
    BOOST_TEST(registry.resolve("SharedName", y_first).canonical_id == "vy.shared_name");
}

BOOST_AUTO_TEST_CASE(a_bare_name_no_preferred_vendor_offers_resolves_as_without_a_preference) {
    const std::vector<std::string> y_only = {"vy"};
    BOOST_TEST(registry.resolve("only_x", y_only).canonical_id == "vx.only_x");
    BOOST_TEST(registry.resolve("decay", y_only).canonical_id == "ctest.decay");
    const std::vector<std::string> ctest_only = {"ctest"};
    BOOST_TEST(error_message<resolve_error>([&] {
                   (void)registry.resolve("shared_name", ctest_only);
               }).rfind("module type 'shared_name' is ambiguous: 2 vendors offer it", 0) == 0U);
    // A vendor nothing loaded provides changes nothing here (brain_config::validate reports it).
    const std::vector<std::string> unknown = {"nosuch"};
    BOOST_TEST(registry.resolve("only_x", unknown).canonical_id == "vx.only_x");
}

BOOST_AUTO_TEST_CASE(a_qualified_name_ignores_the_preference) {
    const std::vector<std::string> y_only = {"vy"};
    BOOST_TEST(registry.resolve("vx.shared_name", y_only).canonical_id == "vx.shared_name");
    BOOST_TEST(error_message<resolve_error>([&] {
                   (void)registry.resolve("vy.only_x", y_only);
               }).rfind("unknown module type 'vy.only_x' (did you mean vx.only_x?", 0) == 0U);
}

BOOST_AUTO_TEST_CASE(an_unknown_name_suggests_the_closest_known_names) {
    BOOST_TEST(error_message<resolve_error>([&] { (void)registry.resolve("decya"); }) ==
               std::string("unknown module type 'decya' (did you mean ctest.decay?") +
                   spelling_help);
    BOOST_TEST(error_message<resolve_error>([&] { (void)registry.resolve("shared_nam"); }) ==
               std::string("unknown module type 'shared_nam' (did you mean vx.shared_name or "
                           "vy.shared_name?") +
                   spelling_help);
    BOOST_TEST(error_message<resolve_error>([&] { (void)registry.resolve("vz.shared_name"); }) ==
               std::string("unknown module type 'vz.shared_name' (did you mean vx.shared_name or "
                           "vy.shared_name?") +
                   spelling_help);
    BOOST_TEST(error_message<resolve_error>([&] { (void)registry.resolve("vx.only_y"); }) ==
               std::string("unknown module type 'vx.only_y' (did you mean vx.only_x?") +
                   spelling_help);
}

BOOST_AUTO_TEST_CASE(an_unknown_name_without_close_names_says_so) {
    BOOST_TEST(error_message<resolve_error>([&] { (void)registry.resolve("lif_neuron"); }) ==
               std::string("unknown module type 'lif_neuron' (no loaded type has a similar name, "
                           "4 types loaded") +
                   spelling_help);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_FIXTURE_TEST_SUITE(collisions, spark::test::registry_fixture)

BOOST_AUTO_TEST_CASE(the_same_canonical_id_from_two_files_names_both) {
    (void)registry.load(test_plugin("dup_a"));
    const auto message =
        error_message<collision_error>([&] { (void)registry.load(test_plugin("dup_b")); });
    BOOST_TEST(message == "cannot load plugin " + canonical("dup_b") +
                              ": it claims type 'dup.twin', already provided by " +
                              canonical("dup_a") +
                              "; remove one of the two files from the search path");
    // Nothing of the second file is kept ...
    BOOST_TEST(registry.plugins().size() == 1U);
    BOOST_TEST(registry.types().size() == 1U);
    BOOST_TEST(!spark::test::is_loaded(fs::canonical(test_plugin("dup_b"))));
    // ... and the contested id no longer resolves silently to either file.
    const auto expected = "module type 'dup.twin' is claimed by 2 files: " + canonical("dup_a") +
                          " and " + canonical("dup_b") +
                          "; remove all but one of them from the search path";
    BOOST_TEST(error_message<collision_error>([&] { (void)registry.resolve("dup.twin"); }) ==
               expected);
    BOOST_TEST(error_message<collision_error>([&] { (void)registry.resolve("twin"); }) == expected);
}

BOOST_AUTO_TEST_CASE(the_error_carries_the_refused_file) {
    (void)registry.load(test_plugin("dup_a"));
    try {
        (void)registry.load(test_plugin("dup_b"));
        BOOST_FAIL("dup_b loaded");
    } catch (const collision_error& e) {
        BOOST_TEST(e.file() == fs::canonical(test_plugin("dup_b")));
    }
}

BOOST_AUTO_TEST_CASE(discovery_records_a_collision_as_a_failure) {
    const spark::test::scratch_dir dir;
    fs::create_symlink(test_plugin("dup_a"), dir / "a.so");
    fs::create_symlink(test_plugin("dup_b"), dir / "b.so");
    auto options = spark::test::isolated_search();
    options.paths = {dir.path()};
    spark::registry::plugin_registry discovering(options);
    discovering.discover();
    BOOST_TEST(discovering.plugins().size() == 1U);
    BOOST_TEST_REQUIRE(discovering.failures().size() == 1U);
    BOOST_TEST(discovering.failures().front().file == fs::canonical(test_plugin("dup_b")));
    BOOST_TEST(discovering.failures().front().message ==
               "cannot load plugin " + canonical("dup_b") +
                   ": it claims type 'dup.twin', already "
                   "provided by " +
                   canonical("dup_a") + "; remove one of the two files from the search path");
    BOOST_CHECK_THROW((void)discovering.resolve("twin"), collision_error);
}

BOOST_AUTO_TEST_CASE(the_same_plugin_id_from_two_files_is_a_collision) {
    const spark::test::scratch_dir dir;
    const auto copy = dir / "copy_of_ok_c.so";
    fs::copy_file(test_plugin("ok_c"), copy);
    (void)registry.load(test_plugin("ok_c"));
    const auto message = error_message<collision_error>([&] { (void)registry.load(copy); });
    BOOST_TEST(message == "cannot load plugin " + fs::canonical(copy).string() +
                              ": its plugin id 'test.c_ok' is already loaded from " +
                              canonical("ok_c") +
                              "; remove one of the two files from the search path");
    BOOST_TEST(registry.plugins().size() == 1U);
    BOOST_TEST(!spark::test::is_loaded(fs::canonical(copy)));
    BOOST_TEST(registry.resolve("decay").plugin->file == fs::canonical(test_plugin("ok_c")));
}

BOOST_AUTO_TEST_SUITE_END()
