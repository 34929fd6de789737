// SPDX-License-Identifier: Apache-2.0
// examples/brains/mixed-parts.scfg run by the installed `spark`: Spark's lif_neuron whose soma is
// acme's qif_soma, so the neuron runs from its parts (Spark's delays, synapses and Hebbian rule
// around acme's soma; docs/adr/0013-neurons-as-compositions.md). Without acme on the plugin path
// the brain is refused, naming the missing part and the fix.
#include <filesystem>
#include <sstream>
#include <string>

#include <boost/test/unit_test.hpp>

#include "fixtures.hpp"
#include "vendor_fixture.hpp"

namespace fs = std::filesystem;
using spark::test::contains;
using spark::test::installed_spark;

namespace {

const fs::path brain_file = spark::test::source_dir / "examples/brains/mixed-parts.scfg";

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
                                         brain_file.string(),
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
}

BOOST_AUTO_TEST_CASE(without_acme_the_missing_part_is_named_with_the_fix) {
    const auto result = installed_spark({"validate", brain_file.string()}, 1);
    BOOST_TEST(contains(result.out + result.err, "brain/qif/soma"), result.out << result.err);
    BOOST_TEST(contains(result.out + result.err, "unknown module type 'acme.qif_soma'"),
               result.out << result.err);
    BOOST_TEST(contains(result.out + result.err, "SPARK_PLUGIN_PATH"), result.out << result.err);
}

BOOST_AUTO_TEST_SUITE_END()
