// SPDX-License-Identifier: Apache-2.0
// ADR 0012 with a real third-party vendor: acme offers its own `lif_neuron`, and installing it
// must not change what an existing brain file means. A bare name Spark offers is Spark's type; a
// brain's "__vendors__" pins another vendor for its bare names; a qualified name is what it says.
// The installed `spark` checks the example brains, the live registry the C++ API.
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <string>
#include <vector>

#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

#include <spark/registry/errors.hpp>
#include <spark/runtime/brain.hpp>
#include <spark/runtime/brain_config.hpp>
#include <spark/runtime/module_config.hpp>

#include "fixtures.hpp"
#include "test_plugin_paths.hpp"
#include "vendor_models.hpp"

namespace fs = std::filesystem;
namespace json = boost::json;
using spark::test::contains;
using spark::test::installed_spark;

namespace {

const fs::path ei_network = spark::test::source_dir / "examples/brains/ei_network.scfg";

std::string read_text(const fs::path& file) {
    std::ifstream in(file);
    return {std::istreambuf_iterator<char>(in), {}};
}

/// `text` (a brain file) with `"__vendors__": <vendors_json>` as the first key of its "__cfg__".
std::string with_vendors(std::string text, const std::string& vendors_json) {
    const std::string cfg = "\"__cfg__\": {";
    const auto at = text.find(cfg);
    BOOST_TEST_REQUIRE(at != std::string::npos);
    text.insert(at + cfg.size(), "\"__vendors__\": " + vendors_json + ", ");
    return text;
}

/// Each module's type as run.json records it.
std::map<std::string, std::string> recorded_types(const fs::path& run_json) {
    std::map<std::string, std::string> types;
    const auto run = json::parse(read_text(run_json));
    for (const auto& m : run.at("modules").as_array()) {
        types[std::string(m.at("name").as_string())] = std::string(m.at("type").as_string());
    }
    return types;
}

/// A spike input feeding two 3-neuron populations: `pinned` names `lif_neuron` bare, `qualified`
/// names `spark.lif_neuron`.
std::string two_populations(const std::string& vendors_json = "") {
    const std::string input = R"({"__type__": "port_map", "__data__": {"origin": "__call__",
                                 "port": "drive"}})";
    const auto population = [&](const std::string& name, const std::string& type) {
        return "\"" + name + R"(": {"__type__": "module_specs", "__data__": {"name": ")" + name +
               R"(", "module_cls": {"__module_type__": ")" + type +
               R"("}, "inputs": {"in_spikes": [)" + input + R"(]}, "config": {"units": [3]}}})";
    };
    const std::string text =
        R"({"__type__": "brain_config", "__cfg__": {"input_map": {"drive": {"__type__":
            "port_specs", "__data__": {"payload_type": {"__payload_type__": "spike_array"},
            "shape": [4], "dtype": {"__type__": "dtype", "name": "uint8"}, "description": null}}},
            "output_map": {}, "modules_map": {)" +
        population("pinned", "lif_neuron") + ", " + population("qualified", "spark.lif_neuron") +
        "}}}";
    return vendors_json.empty() ? text : with_vendors(text, vendors_json);
}

/// The type each module of `brain` was built with.
std::map<std::string, std::string> built_types(const spark::runtime::brain& brain) {
    std::map<std::string, std::string> types;
    for (const auto& module : brain.modules()) {
        types[module.name] = module.type->canonical_id;
    }
    return types;
}

} // namespace

BOOST_AUTO_TEST_SUITE(vendor_precedence)

BOOST_AUTO_TEST_CASE(the_example_brain_means_sparks_neurons_with_acme_installed) {
    const auto validated = installed_spark(
        {"--plugin-path", spark::test::acme_dir.string(), "validate", ei_network.string()});
    BOOST_TEST(validated.out == "OK\n");
    spark::test::scratch_dir out;
    (void)installed_spark({"--plugin-path",
                           spark::test::acme_dir.string(),
                           "run",
                           ei_network.string(),
                           "--steps",
                           "200",
                           "--input",
                           "drive=0.5",
                           "--no-progress",
                           "--out",
                           out.path().string()});
    const auto types = recorded_types(out / "run.json");
    BOOST_TEST(types.at("excitatory") == "spark.lif_neuron");
    BOOST_TEST(types.at("inhibitory") == "spark.lif_neuron");
    BOOST_TEST(types.at("input") == "spark.poisson_spiker");
}

BOOST_AUTO_TEST_CASE(validate_names_a_preferred_vendor_nothing_provides) {
    spark::test::scratch_dir dir;
    std::ofstream(dir / "typo.scfg") << with_vendors(read_text(ei_network), R"(["acem"])");
    const auto result = installed_spark(
        {"--plugin-path", spark::test::acme_dir.string(), "validate", (dir / "typo.scfg").string()},
        1);
    BOOST_TEST(contains(result.out,
                        "brain/__vendors__[0]: no loaded plugin provides the vendor 'acem' (did "
                        "you mean 'acme'? loaded vendors: acme, spark); add the folder of its "
                        "plugin to the search path (--plugin-path or SPARK_PLUGIN_PATH), or "
                        "remove it from \"__vendors__\"\n"),
               result.out);
    BOOST_TEST(contains(result.out, "\n1 problem in "), result.out);
}

BOOST_AUTO_TEST_CASE(validate_names_a_malformed_vendor_list_with_its_path) {
    spark::test::scratch_dir dir;
    std::ofstream(dir / "malformed.scfg") << with_vendors(read_text(ei_network), R"("acme")");
    const auto result = installed_spark({"--plugin-path",
                                         spark::test::acme_dir.string(),
                                         "validate",
                                         (dir / "malformed.scfg").string()},
                                        1);
    BOOST_TEST(result.out == "brain/__vendors__: must be an array of vendor names, e.g. "
                             "[\"acme\"], got a string\n1 problem in " +
                                 (dir / "malformed.scfg").string() + "\n");
}

BOOST_FIXTURE_TEST_CASE(a_brain_without_vendors_builds_sparks_lif_neuron,
                        spark::test::vendor_models) {
    const auto config = spark::runtime::brain_config::from_json(two_populations());
    BOOST_TEST(config.vendor_preference.empty());
    const auto types = built_types(spark::runtime::brain(registry, config));
    BOOST_TEST(types.at("pinned") == "spark.lif_neuron");
    BOOST_TEST(types.at("qualified") == "spark.lif_neuron");
}

BOOST_FIXTURE_TEST_CASE(vendors_pin_acme_for_bare_names_and_a_qualified_name_still_wins,
                        spark::test::vendor_models) {
    const auto config = spark::runtime::brain_config::from_json(two_populations(R"(["acme"])"));
    BOOST_TEST(config.vendor_preference == std::vector<std::string>{"acme"},
               boost::test_tools::per_element());
    BOOST_TEST(config.validate(registry).empty());
    const auto types = built_types(spark::runtime::brain(registry, config));
    BOOST_TEST(types.at("pinned") == "acme.lif_neuron");
    BOOST_TEST(types.at("qualified") == "spark.lif_neuron");
    // Written back, the preference means the same brain.
    const auto again = spark::runtime::brain_config::from_json(config.to_json());
    BOOST_TEST(again.vendor_preference == config.vendor_preference,
               boost::test_tools::per_element());
    BOOST_TEST((again == config));
}

BOOST_FIXTURE_TEST_CASE(a_bare_name_two_third_parties_offer_stays_an_error_naming_both,
                        spark::test::vendor_models) {
    // vx and vy both offer `shared_name`, Spark does not (tests/test_plugins/c_plugins/vendor.c).
    (void)registry.load(spark::test::test_plugin("vendor_x"));
    (void)registry.load(spark::test::test_plugin("vendor_y"));
    std::string message;
    try {
        (void)registry.resolve("shared_name");
        BOOST_FAIL("shared_name resolved with two third parties offering it");
    } catch (const spark::registry::resolve_error& e) {
        message = e.what();
    }
    for (const char* plugin : {"vendor_x", "vendor_y"}) {
        BOOST_TEST(contains(message, fs::canonical(spark::test::test_plugin(plugin)).string()),
                   message);
    }
    BOOST_TEST(contains(message, "2 vendors offer it: vx.shared_name (from "), message);
    BOOST_TEST(contains(message, "vy.shared_name (from "), message);
    BOOST_TEST(contains(message, "qualify the name as vendor.class_ref"), message);
    BOOST_TEST(contains(message, R"(with "__vendors__": ["vx"])"), message);
}

BOOST_FIXTURE_TEST_CASE(pins_reach_the_names_a_brain_writes_not_a_schemas_defaults,
                        spark::test::vendor_models) {
    // vw offers a `n2n_delays` of its own (tests/test_plugins/c_plugins/vendor.c); Spark's
    // neurons name theirs bare as the default of `delays`.
    (void)registry.load(spark::test::test_plugin("vendor_w"));
    const auto& lif = registry.resolve("spark.lif_neuron");
    const std::vector<std::string> vw = {"vw"};
    const auto delays_type = [&](const std::string& overrides,
                                 const std::vector<std::string>& preference) {
        const spark::runtime::module_config config(
            registry, lif, overrides, "n", spark::runtime::config_mode::strict, preference);
        return config.nested("delays")->type().canonical_id;
    };
    BOOST_TEST(delays_type(R"({"units": [3]})", vw) == "spark.n2n_delays");
    BOOST_TEST(delays_type(R"({"units": [3], "delays": {"max_delay": 3}})", vw) ==
               "spark.n2n_delays");
    const std::string named = R"({"units": [3], "delays": {"__class_ref__": "n2n_delays"}})";
    BOOST_TEST(delays_type(named, vw) == "vw.n2n_delays");
    BOOST_TEST(delays_type(named, {}) == "spark.n2n_delays");
}

BOOST_AUTO_TEST_SUITE_END()
