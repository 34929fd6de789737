// SPDX-License-Identifier: Apache-2.0
// The ordered search path (explicit, SPARK_PLUGIN_PATH, install folder), discovery of the `*.so`
// files of each folder, each canonical file once, and never the current directory.
#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include <boost/test/unit_test.hpp>

#include <spark/registry/plugin_registry.hpp>

#include "fixtures.hpp"
#include "registry_test_helpers.hpp"
#include "test_plugin_paths.hpp"

namespace fs = std::filesystem;
using spark::registry::plugin_registry;
using spark::registry::search_options;
using spark::test::scoped_env;
using spark::test::scratch_dir;
using spark::test::test_plugin;

namespace {

std::vector<std::string> plugin_ids(const plugin_registry& registry) {
    std::vector<std::string> ids;
    for (const auto& plugin : registry.plugins()) {
        ids.push_back(plugin->id);
    }
    return ids;
}

search_options explicit_only(std::vector<fs::path> paths) {
    auto options = spark::test::isolated_search();
    options.paths = std::move(paths);
    return options;
}

/// A folder holding links to test plugins under chosen names.
void link_into(const fs::path& folder, const std::string& name, const std::string& plugin) {
    fs::create_directories(folder);
    fs::create_symlink(test_plugin(plugin), folder / name);
}

} // namespace

BOOST_AUTO_TEST_SUITE(search_path)

BOOST_AUTO_TEST_CASE(the_install_folder_is_next_to_the_registry_library) {
    BOOST_TEST(plugin_registry::install_plugin_dir() ==
               fs::weakly_canonical(SPARK_TEST_INSTALL_PLUGIN_DIR));
}

BOOST_AUTO_TEST_CASE(explicit_paths_then_the_environment_then_the_install_folder) {
    const scoped_env env("SPARK_PLUGIN_PATH", "/env/one::/env/two:");
    search_options options;
    options.paths = {"/explicit/folder", "/explicit/file.so"};
    const plugin_registry registry(options);
    const std::vector<fs::path> expected{"/explicit/folder",
                                         "/explicit/file.so",
                                         "/env/one",
                                         "/env/two",
                                         plugin_registry::install_plugin_dir()};
    BOOST_TEST(registry.search_path() == expected, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(the_environment_and_the_install_folder_can_be_left_out) {
    const scoped_env env("SPARK_PLUGIN_PATH", "/env/one");
    search_options options;
    options.paths = {"/explicit"};
    options.use_environment = false;
    options.use_install_dir = false;
    const plugin_registry registry(options);
    BOOST_TEST(registry.search_path() == std::vector<fs::path>{"/explicit"},
               boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(never_the_current_directory_implicitly) {
    // The working directory is full of plugins, and empty entries in SPARK_PLUGIN_PATH (which
    // mean "." to a shell) are set: still nothing is loaded.
    const spark::test::scoped_cwd cwd(spark::test::test_plugin_dir());
    const scoped_env env("SPARK_PLUGIN_PATH", ":");
    search_options options;
    options.use_install_dir = false;
    plugin_registry registry(options);
    BOOST_TEST(registry.search_path().empty());
    registry.discover();
    BOOST_TEST(registry.plugins().empty());
    BOOST_TEST(registry.failures().empty());
}

BOOST_AUTO_TEST_CASE(discovery_loads_the_so_files_of_a_folder_but_not_its_subfolders) {
    const scratch_dir dir;
    link_into(dir.path(), "b_vendor_x.so", "vendor_x");
    link_into(dir.path(), "a_ok_c.so", "ok_c");
    link_into(dir.path(), "vendor_y.so.disabled", "vendor_y");
    link_into(dir / "nested", "dup_a.so", "dup_a");
    plugin_registry registry(explicit_only({dir.path()}));
    registry.discover();
    // Sorted by file name: a_ok_c.so before b_vendor_x.so.
    BOOST_TEST(plugin_ids(registry) == (std::vector<std::string>{"test.c_ok", "vx.plugin"}),
               boost::test_tools::per_element());
    BOOST_TEST(registry.failures().empty());
}

BOOST_AUTO_TEST_CASE(earlier_search_path_entries_win) {
    // dup_a and dup_b both claim dup.twin: whichever is found first is kept.
    const scratch_dir dir;
    link_into(dir / "one", "twin.so", "dup_a");
    link_into(dir / "two", "twin.so", "dup_b");
    {
        plugin_registry registry(explicit_only({dir / "two", dir / "one"}));
        registry.discover();
        BOOST_TEST(plugin_ids(registry) == std::vector<std::string>{"test.dup_b"},
                   boost::test_tools::per_element());
        BOOST_TEST_REQUIRE(registry.failures().size() == 1U);
        BOOST_TEST(registry.failures().front().file == fs::canonical(test_plugin("dup_a")));
    }
    {
        plugin_registry registry(explicit_only({dir / "one", dir / "two"}));
        registry.discover();
        BOOST_TEST(plugin_ids(registry) == std::vector<std::string>{"test.dup_a"},
                   boost::test_tools::per_element());
    }
}

BOOST_AUTO_TEST_CASE(spark_plugin_path_is_searched_in_order_after_explicit_paths) {
    const scratch_dir dir;
    link_into(dir / "one", "twin.so", "dup_a");
    link_into(dir / "two", "twin.so", "dup_b");
    {
        const scoped_env env("SPARK_PLUGIN_PATH",
                             (dir / "two").string() + ":" + (dir / "one").string());
        search_options options;
        options.use_install_dir = false;
        plugin_registry registry(options);
        registry.discover();
        BOOST_TEST(plugin_ids(registry) == std::vector<std::string>{"test.dup_b"},
                   boost::test_tools::per_element());
    }
    {
        const scoped_env env("SPARK_PLUGIN_PATH", (dir / "two").string());
        search_options options;
        options.paths = {dir / "one"};
        options.use_install_dir = false;
        plugin_registry registry(options);
        registry.discover();
        BOOST_TEST(plugin_ids(registry) == std::vector<std::string>{"test.dup_a"},
                   boost::test_tools::per_element());
    }
}

BOOST_AUTO_TEST_CASE(each_canonical_file_is_loaded_once) {
    // The same library through a folder (twice), a symlink and the file itself.
    const scratch_dir dir;
    link_into(dir / "folder", "ok_c.so", "ok_c");
    link_into(dir / "folder", "other_name.so", "ok_c");
    plugin_registry registry(explicit_only(
        {dir / "folder", test_plugin("ok_c"), dir / "folder" / "ok_c.so", dir / "folder"}));
    registry.discover();
    BOOST_TEST(plugin_ids(registry) == std::vector<std::string>{"test.c_ok"},
               boost::test_tools::per_element());
    BOOST_TEST(registry.failures().empty());
}

BOOST_AUTO_TEST_CASE(discovery_records_failures_and_goes_on) {
    const scratch_dir dir;
    link_into(dir.path(), "1_not_a_library.so", "not_a_library");
    link_into(dir.path(), "2_ok_c.so", "ok_c");
    link_into(dir.path(), "3_init_fails.so", "init_fails");
    link_into(dir.path(), "4_vendor_x.so", "vendor_x");
    plugin_registry registry(explicit_only({dir.path(), dir / "does_not_exist"}));
    registry.discover();
    BOOST_TEST(plugin_ids(registry) == (std::vector<std::string>{"test.c_ok", "vx.plugin"}),
               boost::test_tools::per_element());
    const auto& failures = registry.failures();
    BOOST_TEST_REQUIRE(failures.size() == 2U);
    BOOST_TEST(failures[0].file == fs::canonical(test_plugin("not_a_library")));
    BOOST_TEST(failures[1].file == fs::canonical(test_plugin("init_fails")));
    // The same message load() throws.
    plugin_registry other(spark::test::isolated_search());
    const auto thrown = spark::test::error_message<spark::registry::load_error>(
        [&] { (void)other.load(test_plugin("init_fails")); });
    BOOST_TEST(failures[1].message == thrown);
}

BOOST_AUTO_TEST_SUITE_END()
