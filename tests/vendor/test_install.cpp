// SPDX-License-Identifier: Apache-2.0
// What `cmake --install` lays out, and the installed runtime used as a third party uses it: the
// `spark` CLI finds its own plugins, lists them from their manifests, and the embed example (built
// against the install with find_package(Spark COMPONENTS runtime)) runs a brain.
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include <boost/test/unit_test.hpp>

#include "vendor_fixture.hpp"

namespace fs = std::filesystem;
using spark::test::contains;
using spark::test::install_libdir;
using spark::test::install_prefix;
using spark::test::installed_plugins;
using spark::test::installed_spark;

BOOST_AUTO_TEST_SUITE(install)

BOOST_AUTO_TEST_CASE(the_install_lays_out_sdk_runtime_cli_and_plugins) {
    for (const fs::path& file : {
             fs::path("include/spark/abi/spark_abi.h"),
             fs::path("include/spark/abi/entry.h"),
             fs::path("include/spark/sdk/plugin.hpp"),
             fs::path("include/spark/registry/plugin_registry.hpp"),
             fs::path("include/spark/registry/plugin_manifest.hpp"),
             fs::path("include/spark/runtime/brain.hpp"),
             fs::path("bin/spark"),
         }) {
        BOOST_TEST(fs::is_regular_file(install_prefix / file), file);
    }
    for (const char* file : {"libspark_runtime.so",
                             "libspark_registry.so",
                             "cmake/Spark/SparkConfig.cmake",
                             "cmake/Spark/SparkConfigVersion.cmake",
                             "cmake/Spark/SparkSdkTargets.cmake",
                             "cmake/Spark/SparkRuntimeTargets.cmake",
                             "cmake/Spark/SparkPlugin.cmake",
                             "cmake/Spark/spark_manifest.c"}) {
        BOOST_TEST(fs::exists(install_libdir / file), file);
    }
    for (const char* plugin : {"spark-neurons", "spark-interfaces", "spark-initializers"}) {
        BOOST_TEST(fs::is_regular_file(installed_plugins / (std::string(plugin) + ".so")), plugin);
        BOOST_TEST(
            fs::is_regular_file(installed_plugins / (std::string(plugin) + ".manifest.json")),
            plugin);
    }
    // Nothing of the build tree leaks into the package: an install is relocatable.
    std::ifstream in(install_libdir / "cmake/Spark/SparkSdkTargets.cmake");
    const std::string targets{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    BOOST_TEST(!contains(targets, spark::test::source_dir.string()));
}

BOOST_AUTO_TEST_CASE(the_installed_cli_finds_the_installed_plugins_by_itself) {
    // run_process drops SPARK_PLUGIN_PATH, so only the install's own plugin folder is searched.
    const auto listed = installed_spark({"plugins", "list"});
    BOOST_TEST(contains(listed.out, "spark.lif_neuron"), listed.out);
    BOOST_TEST(contains(listed.out, (installed_plugins / "spark-neurons.so").string()), listed.out);
    BOOST_TEST(listed.err.empty(), listed.err);
}

BOOST_AUTO_TEST_CASE(the_installed_manifests_list_the_same_types_without_loading) {
    const auto loaded = installed_spark({"plugins", "list"});
    const auto from_manifests = installed_spark({"plugins", "list", "--manifests"});
    BOOST_TEST(from_manifests.out == loaded.out);
}

BOOST_AUTO_TEST_CASE(the_embed_example_runs_a_brain_with_the_installed_runtime) {
    const auto result = spark::test::run_process(
        spark::test::embed_program.string(),
        {(spark::test::source_dir / "examples/brains/ei_network.scfg").string(),
         "--steps",
         "500",
         "--input",
         "drive=0.5"});
    BOOST_TEST_REQUIRE(result.exit_code == 0, result.err);
    BOOST_TEST(contains(result.out,
                        "module excitatory = spark.lif_neuron from " +
                            (installed_plugins / "spark-neurons.so").string()),
               result.out);
    BOOST_TEST(contains(result.out, "steps 500\n"), result.out);
    // The readout of a brain driven at half intensity is active: a mean above zero.
    const auto at = result.out.find("output activity mean ");
    BOOST_TEST_REQUIRE(at != std::string::npos, result.out);
    BOOST_TEST(std::stod(result.out.substr(at + 21)) > 0.0, result.out);
}

BOOST_AUTO_TEST_CASE(the_installed_cli_passes_every_type_of_every_vendor_plugin) {
    // `spark plugins check` as the guide tells a vendor to run it, on each plugin built against
    // the install (acme's neurons need `units`, which check probes with [8]).
    for (const auto& file : {spark::test::acme_dir / "spark-acme.so",
                             spark::test::cdemo_dir / "spark-cdemo.so",
                             spark::test::frozen_dir / "spark-frozen_abi.so",
                             spark::test::frozen_v1_1_dir / "spark-frozen_abi_v1_1.so"}) {
        const auto result = installed_spark({"plugins", "check", file.string()});
        BOOST_TEST(contains(result.out, " checked, 0 failures"), result.out);
    }
    const auto acme =
        installed_spark({"plugins", "check", (spark::test::acme_dir / "spark-acme.so").string()});
    BOOST_TEST(contains(acme.out, "4 types checked, 0 failures"), acme.out);
}

BOOST_AUTO_TEST_CASE(manifests_of_vendor_plugins_list_their_types_without_loading) {
    const auto result = installed_spark(
        {"--plugin-path", spark::test::acme_dir.string(), "plugins", "list", "--manifests"});
    BOOST_TEST(contains(result.out, "acme.qif_neuron"), result.out);
    BOOST_TEST(contains(result.out, "acme.lif_neuron"), result.out);
    BOOST_TEST(contains(result.out, "spark.lif_neuron"), result.out);
}

BOOST_AUTO_TEST_SUITE_END()
