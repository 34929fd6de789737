// SPDX-License-Identifier: Apache-2.0
// examples/brains/mixed-parts.scfg run by the installed `spark`: Spark's lif_neuron whose soma is
// acme's qif_soma, so the neuron runs from its parts (Spark's delays, synapses and Hebbian rule
// around acme's soma; docs/adr/0013-neurons-as-compositions.md). Without acme on the plugin path
// the brain is refused, naming the missing part and the fix.
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>

#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

#include "fixtures.hpp"
#include "vendor_fixture.hpp"

namespace fs = std::filesystem;
using spark::test::contains;
using spark::test::installed_spark;

namespace {

const fs::path parts_brain_file = spark::test::source_dir / "examples/brains/mixed-parts.scfg";

/// The rate the run's summary gives a module ("  qif  spark.lif_neuron  100  3542  17.71").
double summary_rate(const std::string& out, const std::string& module) {
    std::istringstream lines(out);
    std::string line;
    while (std::getline(lines, line)) {
        std::istringstream words(line);
        std::string name;
        std::string type;
        double units = 0;
        double spikes = 0;
        double rate = -1;
        if ((words >> name >> type >> units >> spikes >> rate) && name == module) {
            return rate;
        }
    }
    return -1;
}

} // namespace

BOOST_AUTO_TEST_SUITE(mixed_parts)

BOOST_AUTO_TEST_CASE(a_spark_neuron_runs_with_acmes_soma) {
    spark::test::scratch_dir out;
    const auto result = installed_spark({"--plugin-path",
                                         spark::test::acme_dir.string(),
                                         "run",
                                         parts_brain_file.string(),
                                         "--steps",
                                         "2000",
                                         "--input",
                                         "drive=0.5",
                                         "--no-progress",
                                         "--out",
                                         out.path().string()});
    BOOST_TEST_REQUIRE(result.exit_code == 0, result.out << result.err);
    // 100 Poisson channels at 25 Hz into 100 QIF neurons (R 0.1 GOhm, weights up to 400 pA at
    // density 0.1): the population fires, well below saturation (1 spike a step is 1000 Hz).
    const double input = summary_rate(result.out, "input");
    const double qif = summary_rate(result.out, "qif");
    BOOST_TEST(input > 20.0);
    BOOST_TEST(input < 30.0);
    BOOST_TEST(qif > 2.0, result.out);
    BOOST_TEST(qif < 100.0, result.out);
    BOOST_TEST(contains(result.out, "spark.lif_neuron"), result.out);
    // run.json says where each part of the neuron came from.
    std::ifstream in(out.path() / "run.json");
    const auto run = boost::json::parse(std::string(std::istreambuf_iterator<char>(in), {}));
    const boost::json::object* qif_module = nullptr;
    for (const auto& m : run.at("modules").as_array()) {
        if (m.at("name").as_string() == "qif") {
            qif_module = &m.as_object();
        }
    }
    BOOST_TEST_REQUIRE(qif_module != nullptr);
    BOOST_TEST(qif_module->at("type").as_string() == "spark.lif_neuron");
    const auto& parts = qif_module->at("parts").as_array();
    BOOST_TEST_REQUIRE(parts.size() == 4U);
    const char* expected[][2] = {{"delays", "spark.n2n_delays"},
                                 {"synapses", "spark.linear_synapses"},
                                 {"soma", "acme.qif_soma"},
                                 {"learning_rule", "spark.hebbian_rule"}};
    for (std::size_t k = 0; k < 4; ++k) {
        BOOST_TEST(parts[k].at("part").as_string() == expected[k][0]);
        BOOST_TEST(parts[k].at("type").as_string() == expected[k][1]);
    }
    const auto acme = fs::canonical(spark::test::acme_dir / "spark-acme.so");
    BOOST_TEST(parts[2].at("plugin_file").as_string() == acme.string());
    BOOST_TEST(parts[2].at("plugin_id").as_string() == "acme.models");
    BOOST_TEST(parts[2].at("plugin_sha256").as_string().size() == 64U);
}

BOOST_AUTO_TEST_CASE(without_acme_the_missing_part_is_named_with_the_fix) {
    const auto result = installed_spark({"validate", parts_brain_file.string()}, 1);
    BOOST_TEST(contains(result.out + result.err, "brain/qif/soma"), result.out << result.err);
    BOOST_TEST(contains(result.out + result.err, "unknown module type 'acme.qif_soma'"),
               result.out << result.err);
    BOOST_TEST(contains(result.out + result.err, "SPARK_PLUGIN_PATH"), result.out << result.err);
}

BOOST_AUTO_TEST_SUITE_END()
