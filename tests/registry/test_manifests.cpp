// SPDX-License-Identifier: Apache-2.0
// Plugin manifests: spark_add_plugin() writes spark-<name>.manifest.json next to each built-in
// plugin; `read_manifests()` lists plugins from them without loading code; the registry refuses a
// library whose manifest disagrees with it, is malformed, or has another format, and loads one
// without a manifest as before.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <boost/test/unit_test.hpp>

#include <spark/registry/errors.hpp>
#include <spark/registry/plugin_manifest.hpp>
#include <spark/registry/plugin_registry.hpp>

#include "fixtures.hpp"
#include "registry_test_helpers.hpp"
#include "test_plugin_paths.hpp"
#include "text_match.hpp"

namespace fs = std::filesystem;
using spark::registry::manifest_error;
using spark::registry::plugin_registry;
using spark::registry::read_manifest;
using spark::test::error_message;
using spark::test::file_bytes;
using spark::test::scratch_dir;

using spark::test::contains;

namespace {

const fs::path builtin_dir = SPARK_TEST_INSTALL_PLUGIN_DIR;

/// The built-in initializers plugin copied into a scratch folder with `manifest` as its manifest
/// (none when empty): a library the registry has not seen, with a sidecar the test controls.
struct copied_plugin {
    scratch_dir dir;
    fs::path library = dir.path() / "spark-initializers.so";
    fs::path manifest = dir.path() / "spark-initializers.manifest.json";

    explicit copied_plugin(const std::string& manifest_text) {
        fs::copy_file(builtin_dir / "spark-initializers.so", library);
        if (!manifest_text.empty()) {
            std::ofstream(manifest, std::ios::binary) << manifest_text;
        }
    }
};

std::string builtin_manifest() {
    return file_bytes(builtin_dir / "spark-initializers.manifest.json");
}

/// `text` with the first `from` replaced by `to` (the test fails if `from` is absent).
std::string replaced(std::string text, const std::string& from, const std::string& to) {
    const auto at = text.find(from);
    BOOST_TEST_REQUIRE(at != std::string::npos, "'" << from << "' is not in the manifest");
    return text.replace(at, from.size(), to);
}

} // namespace

BOOST_AUTO_TEST_SUITE(manifests)

BOOST_AUTO_TEST_CASE(every_builtin_plugin_has_a_manifest_describing_its_types) {
    const auto m = read_manifest(builtin_dir / "spark-neurons.manifest.json");
    BOOST_TEST(m.library == "spark-neurons.so");
    BOOST_TEST(m.id == "spark.neurons");
    BOOST_TEST(m.vendor == "spark");
    BOOST_TEST(m.abi_version == "1.2.0");
    const auto lif = std::find_if(m.types.begin(), m.types.end(), [](const auto& t) {
        return t.canonical_id() == "spark.lif_neuron";
    });
    BOOST_TEST_REQUIRE((lif != m.types.end()));
    BOOST_TEST(lif->kind == "neuron");
    BOOST_TEST((lif->inputs == std::vector<std::string>{"in_spikes", "modulation"}),
               "inputs of lif_neuron");
    BOOST_TEST((lif->outputs == std::vector<std::string>{"out_spikes"}));
    BOOST_TEST((std::find(lif->fields.begin(), lif->fields.end(), "units") != lif->fields.end()));
    for (const char* plugin : {"spark-initializers", "spark-interfaces"}) {
        BOOST_TEST(fs::exists(builtin_dir / (std::string(plugin) + ".manifest.json")), plugin);
    }
}

BOOST_AUTO_TEST_CASE(manifests_are_read_without_loading_any_code) {
    copied_plugin copy(builtin_manifest());
    auto options = spark::test::isolated_search();
    options.paths = {copy.dir.path()};
    plugin_registry registry(options);
    std::vector<spark::registry::load_failure> problems;
    const auto manifests = registry.read_manifests(problems);
    BOOST_TEST(problems.empty());
    BOOST_TEST_REQUIRE(manifests.size() == 1U);
    BOOST_TEST(manifests[0].id == "spark.initializers");
    BOOST_TEST(!manifests[0].types.empty());
    BOOST_TEST(registry.plugins().empty(), "reading manifests loaded a library");
    BOOST_TEST(!spark::test::is_loaded(copy.library));
}

BOOST_AUTO_TEST_CASE(a_library_that_agrees_with_its_manifest_loads) {
    copied_plugin copy(builtin_manifest());
    plugin_registry registry(spark::test::isolated_search());
    BOOST_TEST(registry.load(copy.library).id == "spark.initializers");
}

BOOST_AUTO_TEST_CASE(a_library_without_a_manifest_loads_as_before) {
    copied_plugin copy("");
    plugin_registry registry(spark::test::isolated_search());
    BOOST_TEST(registry.load(copy.library).id == "spark.initializers");
}

BOOST_AUTO_TEST_CASE(a_manifest_that_disagrees_is_refused_with_every_difference) {
    // A stale manifest: one type's version changed, one type missing, and a type the library
    // does not offer.
    auto text =
        replaced(builtin_manifest(),
                 R"("class_ref": "constant_initializer", "vendor": "spark", "version": "1.1.0")",
                 R"("class_ref": "constant_initializer", "vendor": "spark", "version": "0.9.0")");
    text = replaced(
        text, R"("class_ref": "uniform_initializer")", R"("class_ref": "old_initializer")");
    copied_plugin copy(text);
    plugin_registry registry(spark::test::isolated_search());
    const auto message = error_message<manifest_error>([&] { (void)registry.load(copy.library); });
    BOOST_TEST(contains(message,
                        "cannot load plugin " + fs::canonical(copy.library).string() +
                            ": its manifest " + fs::canonical(copy.manifest).string() +
                            " disagrees with the library (3 differences):"),
               message);
    BOOST_TEST(contains(message,
                        "type spark.constant_initializer version: '0.9.0' in the manifest, "
                        "'1.1.0' in the library"),
               message);
    BOOST_TEST(contains(message,
                        "type spark.old_initializer: in the manifest, not offered by the library"),
               message);
    BOOST_TEST(contains(message,
                        "type spark.uniform_initializer: offered by the library, not in the "
                        "manifest"),
               message);
    BOOST_TEST(contains(message,
                        "the manifest is stale or belongs to another build: relink the plugin "
                        "(spark_add_plugin() writes the manifest whenever it links the library, "
                        "e.g. cmake --build <dir> --clean-first), or delete the manifest"),
               message);
    // Nothing of the refused library stays: no plugin, no type, not even the file mapped.
    BOOST_TEST(registry.plugins().empty());
    BOOST_TEST(registry.types().empty());
    BOOST_TEST(!spark::test::is_loaded(copy.library));
}

BOOST_AUTO_TEST_CASE(a_malformed_manifest_is_refused_naming_the_file) {
    for (const auto& [text, problem] : std::vector<std::pair<std::string, std::string>>{
             {"{\"manifest_version\": 1, \"library\": ", "is not valid JSON"},
             {"[1, 2]", "has the manifest that is not an object"},
             {R"({"manifest_version": 7})",
              "has manifest_version 7; this registry reads version 1"},
             {R"({"manifest_version": 1, "library": "spark-initializers.so"})",
              "lacks 'plugin' in the manifest"}}) {
        BOOST_TEST_CONTEXT(text) {
            copied_plugin copy(text);
            plugin_registry registry(spark::test::isolated_search());
            const auto message =
                error_message<manifest_error>([&] { (void)registry.load(copy.library); });
            BOOST_TEST(contains(message,
                                "plugin manifest " + fs::canonical(copy.manifest).string() + " " +
                                    problem),
                       message);
            BOOST_TEST(registry.plugins().empty());
        }
    }
}

/// check_manifests() for a registry that searches `folder` only.
std::vector<spark::registry::load_failure> mismatches_in(const fs::path& folder) {
    auto options = spark::test::isolated_search();
    options.paths = {folder};
    return plugin_registry(options).check_manifests();
}

BOOST_AUTO_TEST_CASE(check_manifests_finds_nothing_when_each_manifest_describes_its_library) {
    // The manifest spark_manifest wrote at build time against what the library offers when
    // loaded in a probe process: two independent readings of the same library agree.
    copied_plugin copy(builtin_manifest());
    BOOST_TEST(mismatches_in(copy.dir.path()).empty());
    BOOST_TEST(!spark::test::is_loaded(copy.library)); // probed in a child, never loaded here
}

BOOST_AUTO_TEST_CASE(check_manifests_flags_a_library_whose_types_differ) {
    copied_plugin copy(
        replaced(builtin_manifest(),
                 R"("class_ref": "constant_initializer", "vendor": "spark", "version": "1.1.0")",
                 R"("class_ref": "constant_initializer", "vendor": "spark", "version": "0.9.0")"));
    const auto found = mismatches_in(copy.dir.path());
    BOOST_TEST_REQUIRE(found.size() == 1U);
    BOOST_TEST(found[0].file == fs::canonical(copy.library));
    BOOST_TEST(found[0].message ==
               "manifest " + fs::canonical(copy.manifest).string() +
                   " does not match its library " + fs::canonical(copy.library).string() +
                   ": 1 difference\n  type spark.constant_initializer version: '0.9.0' in the "
                   "manifest, '1.1.0' in the library\n  relink the plugin (spark_add_plugin() "
                   "writes the manifest whenever it links the library) or reinstall it, or "
                   "delete the manifest");
    BOOST_TEST(!spark::test::is_loaded(copy.library));
}

BOOST_AUTO_TEST_CASE(check_manifests_flags_a_manifest_naming_another_library_file) {
    copied_plugin copy(replaced(builtin_manifest(),
                                R"("library": "spark-initializers.so")",
                                R"("library": "spark-initialisers.so")"));
    const auto found = mismatches_in(copy.dir.path());
    BOOST_TEST_REQUIRE(found.size() == 2U);
    // The manifest names a file that is not there...
    BOOST_TEST(contains(found[0].message,
                        "describes the library spark-initialisers.so, which is not in " +
                            copy.dir.path().string()),
               found[0].message);
    // ...and the library next to it has another name than the manifest records.
    BOOST_TEST(contains(found[1].message,
                        "library file: 'spark-initialisers.so' in the manifest, "
                        "'spark-initializers.so' in the library"),
               found[1].message);
}

BOOST_AUTO_TEST_CASE(check_manifests_flags_a_manifest_whose_library_is_missing) {
    copied_plugin copy(builtin_manifest());
    fs::remove(copy.library);
    const auto found = mismatches_in(copy.dir.path());
    BOOST_TEST_REQUIRE(found.size() == 1U);
    BOOST_TEST(found[0].file == copy.manifest);
    BOOST_TEST(found[0].message ==
               "manifest " + copy.manifest.string() +
                   " describes the library spark-initializers.so, which is not in " +
                   copy.dir.path().string() +
                   "; relink the plugin (spark_add_plugin() writes the manifest whenever it links "
                   "the library) or reinstall it, or delete the manifest");
}

BOOST_AUTO_TEST_CASE(check_manifests_flags_a_library_that_crashes_while_loading) {
    scratch_dir dir;
    const auto library = dir.path() / "spark-crashes.so";
    fs::copy_file(spark::test::test_plugin("load_init_segv"), library);
    std::ofstream(dir.path() / "spark-crashes.manifest.json")
        << R"({"manifest_version": 1, "library": "spark-crashes.so",
  "plugin": {"id": "test.init_segv", "vendor": "init_segv", "version": "1.0.0",
             "abi_version": "1.1.0", "description": "a plugin that misbehaves while it loads"},
  "types": []})";
    const auto found = mismatches_in(dir.path());
    BOOST_TEST_REQUIRE(found.size() == 1U);
    BOOST_TEST(contains(found[0].message,
                        "does not match its library " + fs::canonical(library).string() +
                            ": the library was killed by signal SIGSEGV (Segmentation fault) in "
                            "its plugin entry's init (in a probe process)"),
               found[0].message);
}

BOOST_AUTO_TEST_SUITE_END()
