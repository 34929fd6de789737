// SPDX-License-Identifier: Apache-2.0
// examples/brains/mixed-vendors.scfg run by the installed `spark` with the acme plugin on the
// plugin path: Spark's Poisson input, acme's QIF and conductance-based LIF populations, Spark's
// LIF population (the same bare class_ref as acme's, told apart by vendor; bare, it is Spark's)
// and acme's rate decoder. run.json records where every module's type came from.
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <string>

#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

#include "fixtures.hpp"
#include "vendor_fixture.hpp"

namespace fs = std::filesystem;
namespace json = boost::json;
using spark::test::contains;
using spark::test::installed_spark;

namespace {

const fs::path vendors_brain_file = spark::test::source_dir / "examples/brains/mixed-vendors.scfg";
const fs::path acme_library = spark::test::acme_dir / "spark-acme.so";

json::value read_json(const fs::path& file) {
    std::ifstream in(file);
    return json::parse(std::string(std::istreambuf_iterator<char>(in), {}));
}

std::string sha256(const fs::path& file) {
    return spark::test::run_process("/usr/bin/sha256sum", {file.string()}).out.substr(0, 64);
}

} // namespace

BOOST_AUTO_TEST_SUITE(mixed_vendors)

BOOST_AUTO_TEST_CASE(the_brain_runs_and_records_each_types_provenance) {
    spark::test::scratch_dir out;
    const auto result = installed_spark({"--plugin-path",
                                         spark::test::acme_dir.string(),
                                         "run",
                                         vendors_brain_file.string(),
                                         "--steps",
                                         "2000",
                                         "--input",
                                         "drive=0.5",
                                         "--record",
                                         "rates",
                                         "--no-progress",
                                         "--out",
                                         out.path().string()});
    const auto run = read_json(out.path() / "run.json");
    std::map<std::string, json::object> modules;
    for (const auto& m : run.at("modules").as_array()) {
        modules[std::string(m.at("name").as_string())] = m.as_object();
    }
    const auto neurons = spark::test::installed_plugins / "spark-neurons.so";
    const std::map<std::string, std::tuple<std::string, fs::path, std::string>> expected = {
        {"input",
         {"spark.poisson_spiker",
          spark::test::installed_plugins / "spark-interfaces.so",
          "spark.interfaces"}},
        {"qif", {"acme.qif_neuron", acme_library, "acme.models"}},
        {"conductance", {"acme.lif_neuron", acme_library, "acme.models"}},
        {"leaky", {"spark.lif_neuron", neurons, "spark.neurons"}},
        {"rates", {"acme.rate_decoder", acme_library, "acme.models"}}};
    BOOST_TEST(modules.size() == expected.size());
    for (const auto& [name, provenance] : expected) {
        BOOST_TEST_CONTEXT(name) {
            BOOST_TEST_REQUIRE(modules.count(name) == 1U);
            const auto& m = modules[name];
            const auto& [type, file, plugin] = provenance;
            BOOST_TEST(m.at("type").as_string() == type);
            BOOST_TEST(m.at("plugin_file").as_string() == fs::canonical(file).string());
            BOOST_TEST(m.at("plugin_id").as_string() == plugin);
            BOOST_TEST(m.at("plugin_sha256").as_string() == sha256(file));
            BOOST_TEST(m.at("abi_version").as_string() == "1.2.0");
        }
    }
    BOOST_TEST(modules["conductance"].at("plugin_version").as_string() == "1.0.0");
    // Driven at half intensity, every population fires: the summary names each module's rate.
    BOOST_TEST(fs::exists(out.path() / "rates.rates.npy"), result.out);
    for (const char* module : {"qif", "conductance", "leaky"}) {
        BOOST_TEST(contains(result.out, module), result.out);
    }
}

BOOST_AUTO_TEST_CASE(the_bare_name_lif_neuron_means_sparks_here) {
    // The same brain naming `lif_neuron` without a vendor: Spark's type, as before acme was
    // installed (ADR 0012). acme's lif_neuron has no `synapses` or `learning_rule`, so the
    // leaky population's config validates only as Spark's.
    std::ifstream in(vendors_brain_file);
    std::string text{std::istreambuf_iterator<char>(in), {}};
    const std::string qualified = "\"spark.lif_neuron\"";
    BOOST_TEST_REQUIRE(contains(text, qualified));
    text.replace(text.find(qualified), qualified.size(), "\"lif_neuron\"");
    spark::test::scratch_dir dir;
    std::ofstream(dir / "bare.scfg") << text;
    const auto result = installed_spark({"--plugin-path",
                                         spark::test::acme_dir.string(),
                                         "validate",
                                         (dir / "bare.scfg").string()});
    BOOST_TEST(result.out == "OK\n");
}

BOOST_AUTO_TEST_SUITE_END()
