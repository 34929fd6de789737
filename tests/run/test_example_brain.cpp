// SPDX-License-Identifier: Apache-2.0
// examples/brains/ei_network.scfg, the brain the README's main command runs, with every built-in
// plugin: it validates, stays silent without drive, and with drive 0.5 its Poisson input fires at
// its rate and both LIF populations at sensible rates, bit for bit the same on every executor and
// thread count.
#include <filesystem>
#include <string>
#include <vector>

#include <boost/test/unit_test.hpp>

#include "run_fixture.hpp"

using spark::test::builtin_cli;
using spark::test::line_starting;

namespace {

const std::string example_brain = SPARK_EXAMPLE_BRAIN;

/// The SPIKES and RATE [Hz] columns of a module's summary row.
std::pair<double, double> spikes_and_rate(const std::string& out, const std::string& module) {
    const std::string row = line_starting(out, module + " ");
    BOOST_TEST_REQUIRE(!row.empty(), out);
    const auto words = spark::test::words_of(row);
    BOOST_TEST_REQUIRE(words.size() == 5U, row);
    return {std::stod(words[3]), std::stod(words[4])};
}

} // namespace

BOOST_AUTO_TEST_SUITE(example_ei_network)

BOOST_AUTO_TEST_CASE(validates) {
    const auto result = builtin_cli({"validate", example_brain});
    BOOST_TEST(result.exit_code == 0, result.out + result.err);
    BOOST_TEST(result.out == "OK\n");
}

BOOST_AUTO_TEST_CASE(is_silent_without_drive) {
    const auto result = builtin_cli({"run", example_brain, "--steps", "200", "--input", "drive=0"});
    BOOST_TEST_REQUIRE(result.exit_code == 0, result.err);
    for (const char* module : {"input", "excitatory", "inhibitory"}) {
        BOOST_TEST(spikes_and_rate(result.out, module).first == 0.0, module);
    }
    // Nothing fired, so the readout never left 0.
    BOOST_TEST(line_starting(result.out, "activity ") == "activity [0, 0] [0, 0]");
}

BOOST_AUTO_TEST_CASE(fires_at_sensible_rates_with_drive_bit_identically_on_every_executor) {
    const spark::test::scratch_dir dir;
    const auto run = [&](const std::string& label, const std::vector<std::string>& executor) {
        std::vector<std::string> arguments = {"run",
                                              example_brain,
                                              "--steps",
                                              "1000",
                                              "--input",
                                              "drive=0.5",
                                              "--record",
                                              "excitatory",
                                              "--record",
                                              "inhibitory",
                                              "--record",
                                              "activity",
                                              "--out",
                                              (dir / label).string()};
        arguments.insert(arguments.end(), executor.begin(), executor.end());
        auto result = builtin_cli(arguments);
        BOOST_TEST_REQUIRE(result.exit_code == 0, label << ": " << result.err);
        return result;
    };
    const auto sequential = run("sequential", {"--executor", "sequential"});
    // 200 channels x 1000 steps with p = 0.5 x 50 Hz x 1 ms = 0.025: binomial mean 5000,
    // sd sqrt(200000 x 0.025 x 0.975) = 69.8; 5 sd either side.
    const auto input = spikes_and_rate(sequential.out, "input");
    BOOST_TEST(input.first >= 4651.0);
    BOOST_TEST(input.first <= 5349.0);
    // Both populations are active but far from saturation (1000 Hz at dt = 1 ms).
    for (const char* module : {"excitatory", "inhibitory"}) {
        const double rate = spikes_and_rate(sequential.out, module).second;
        BOOST_TEST(rate >= 1.0, module << " fires at " << rate << " Hz");
        BOOST_TEST(rate <= 50.0, module << " fires at " << rate << " Hz");
    }
    // Every spike and every output value is the same, whatever the executor and thread count.
    // (Not vacuous: a missing file reads as "", so check one's size: a 128-byte header, then
    // 1000 steps x 800 neurons of uint8.)
    BOOST_TEST(spark::test::read_text(dir / "sequential" / "excitatory.out_spikes.npy").size() ==
               128U + 1000U * 800U);
    for (const char* threads : {"1", "2", "4"}) {
        const std::string label = std::string("graph") + threads;
        (void)run(label, {"--executor", "flow_graph", "--threads", threads});
        for (const char* file :
             {"excitatory.out_spikes.npy", "inhibitory.out_spikes.npy", "activity.npy"}) {
            BOOST_TEST(spark::test::read_text(dir / label / file) ==
                           spark::test::read_text(dir / "sequential" / file),
                       file << " with " << threads << " threads");
        }
    }
}

BOOST_AUTO_TEST_SUITE_END()
