// SPDX-License-Identifier: Apache-2.0
// `mpirun -n K spark run` (docs/scaling.md section 5): for K = 2, 3 and 4 the recordings are the
// files one process writes, byte for byte, and the summary's tables are the same; a module failing
// on one rank and a signal sent to one rank stop every rank after the same step, with the
// recordings finalised and nothing left waiting.
#include <chrono>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

#include "cli_child.hpp"
#include "run_fixture.hpp"
#include "run_process.hpp"

namespace {

namespace fs = std::filesystem;
namespace json = boost::json;
using spark::test::process_result;

/// mpirun's own arguments for K ranks: --oversubscribe (CI has 2 cores), --allow-run-as-root (CI
/// runs as root).
std::vector<std::string> launcher(int ranks) {
    return {SPARK_MPIEXEC, "-n", std::to_string(ranks), "--oversubscribe", "--allow-run-as-root"};
}

/// `spark ARGS` with the built-in plugins only, under mpirun with `ranks` ranks (0: no mpirun).
process_result spark_on(int ranks, std::vector<std::string> arguments) {
    const auto plugins = fs::path(SPARK_NEURONS_PLUGIN).parent_path().string();
    arguments.insert(arguments.begin() + 1, "--no-progress");
    arguments.insert(arguments.begin(), {"--no-default-plugins", "--plugin-path=" + plugins});
    if (ranks == 0) {
        return spark::test::run_process(SPARK_CLI_PATH, arguments);
    }
    auto words = launcher(ranks);
    words.emplace_back(SPARK_CLI_PATH);
    words.insert(words.end(), arguments.begin(), arguments.end());
    return spark::test::run_process(words.front(), {words.begin() + 1, words.end()});
}

/// The example brain (Poisson input, excitatory and inhibitory LIF populations, a readout) for
/// `steps` steps, recording spikes, a readout signal, a brain output and two properties.
std::vector<std::string> example_run(const fs::path& out, std::uint64_t steps) {
    return {"run",      SPARK_EXAMPLE_BRAIN,
            "--steps",  std::to_string(steps),
            "--input",  "drive=0.5",
            "--seed",   "7",
            "--record", "input",
            "--record", "excitatory",
            "--record", "inhibitory",
            "--record", "readout",
            "--record", "activity",
            "--record", "excitatory.soma.potential",
            "--record", "inhibitory.inhibition_mask",
            "--out",    out.string()};
}

const std::vector<std::string> recorded_files = {"input.spikes.npy",
                                                 "excitatory.out_spikes.npy",
                                                 "inhibitory.out_spikes.npy",
                                                 "readout.signal.npy",
                                                 "activity.npy",
                                                 "excitatory.soma.potential.npy",
                                                 "inhibitory.inhibition_mask.npy"};

/// The summary's tables: from "spikes" to the line before "recorded".
std::string tables_of(const std::string& out) {
    const auto begin = out.find("\nspikes\n");
    const auto end = out.find("\nrecorded ");
    if (begin == std::string::npos || end == std::string::npos || end < begin) {
        return "(no tables in: " + out + ")";
    }
    return out.substr(begin, end - begin);
}

json::object run_json_of(const fs::path& out) {
    return json::parse(spark::test::read_text(out / "run.json")).as_object();
}

/// The pid of rank `rank` of the spark processes writing into `out` (from /proc), or nullopt.
std::optional<pid_t> rank_process(int rank, const fs::path& out) {
    const std::string wanted_rank = "OMPI_COMM_WORLD_RANK=" + std::to_string(rank);
    for (const auto& entry : fs::directory_iterator("/proc")) {
        const auto name = entry.path().filename().string();
        if (name.find_first_not_of("0123456789") != std::string::npos) {
            continue;
        }
        std::ifstream environ_file(entry.path() / "environ", std::ios::binary);
        std::ifstream command_file(entry.path() / "cmdline", std::ios::binary);
        const std::string environ_text((std::istreambuf_iterator<char>(environ_file)),
                                       std::istreambuf_iterator<char>());
        const std::string command((std::istreambuf_iterator<char>(command_file)),
                                  std::istreambuf_iterator<char>());
        if (command.find(SPARK_CLI_PATH) == 0 && command.find(out.string()) != std::string::npos &&
            environ_text.find(std::string("\0", 1) + wanted_rank + std::string("\0", 1)) !=
                std::string::npos) {
            return static_cast<pid_t>(std::stoi(name));
        }
    }
    return std::nullopt;
}

} // namespace

BOOST_AUTO_TEST_SUITE(mpi_run)

BOOST_AUTO_TEST_CASE(every_rank_count_writes_the_files_and_tables_of_one_process) {
    const spark::test::scratch_dir dir;
    const auto alone = spark_on(0, example_run(dir / "alone", 200));
    BOOST_TEST_INFO(alone.err);
    BOOST_TEST_REQUIRE(alone.exit_code == 0);
    for (const int ranks : {1, 2, 3, 4}) {
        const auto out = dir / ("ranks" + std::to_string(ranks));
        auto arguments = example_run(out, 200);
        arguments.emplace_back("--partition-report");
        const auto split = spark_on(ranks, arguments);
        BOOST_TEST_INFO("ranks " << ranks << ": " << split.err);
        BOOST_TEST_REQUIRE(split.exit_code == 0);
        BOOST_TEST(tables_of(split.out) == tables_of(alone.out), "ranks " << ranks);
        BOOST_TEST(split.out.find("partition over " + std::to_string(ranks) +
                                  (ranks == 1 ? " rank\n" : " ranks\n")) != std::string::npos,
                   split.out);
        for (const auto& file : recorded_files) {
            BOOST_TEST((spark::test::read_text(out / file) ==
                        spark::test::read_text(dir / "alone" / file)),
                       "ranks " << ranks << ": " << file);
        }
        const auto run = run_json_of(out);
        BOOST_TEST(run.at("completed_steps").to_number<std::uint64_t>() == 200U);
        if (ranks > 1) {
            // Every rank listed with what it steps and what its exchange cost: each module
            // whole on one rank, or a population in slices that cover it, one per rank.
            const auto& listed = run.at("ranks").as_array();
            BOOST_TEST(listed.size() == static_cast<std::size_t>(ranks));
            std::map<std::string, int> whole;
            std::map<std::string, std::vector<std::pair<std::uint64_t, std::uint64_t>>> sliced;
            for (const auto& r : listed) {
                const auto& slices = r.at("slices").as_object();
                for (const auto& name : r.at("modules").as_array()) {
                    const std::string module(name.as_string());
                    if (const auto* range = slices.if_contains(module)) {
                        sliced[module].emplace_back(
                            range->as_array().at(0).to_number<std::uint64_t>(),
                            range->as_array().at(1).to_number<std::uint64_t>());
                    } else {
                        ++whole[module];
                    }
                }
            }
            BOOST_TEST(whole.size() + sliced.size() == 4U);
            for (const auto& [module, count] : whole) {
                BOOST_TEST(count == 1, module);
            }
            for (auto& [module, ranges] : sliced) {
                std::sort(ranges.begin(), ranges.end());
                BOOST_TEST(ranges.front().first == 0U, module);
                for (std::size_t i = 1; i < ranges.size(); ++i) {
                    BOOST_TEST(ranges[i].first == ranges[i - 1].second, module);
                }
            }
            // The readout (an interface) reads the excitatory population across ranks, and
            // takes no late inputs: spikes travel after every step.
            BOOST_TEST(run.at("exchange_window").to_number<std::uint32_t>() == 1U);
            // The example brain's populations are larger than a rank's share from 2 ranks on.
            BOOST_TEST(sliced.count("excitatory") == 1U);
            BOOST_TEST(split.out.find("excitatory neurons [0, ") != std::string::npos, split.out);
            BOOST_TEST(split.out.find("exchange: ") != std::string::npos, split.out);
        }
    }
    // Nothing is printed twice: one summary, from rank 0.
    const auto twice = spark_on(3, example_run(dir / "once", 20));
    BOOST_TEST(twice.out.find("ran 20 steps") == twice.out.rfind("ran 20 steps"), twice.out);
}

BOOST_AUTO_TEST_CASE(delayed_spikes_travel_once_per_window_with_the_same_files) {
    // Static synapses with 3 ms delays between the populations and no readout: every module
    // reading across ranks takes spikes up to 3 steps late, so they travel every 4th step.
    const spark::test::scratch_dir dir;
    const auto run = [&](int ranks, const fs::path& out) {
        return spark_on(ranks,
                        {"run",
                         SPARK_DELAYED_BRAIN,
                         "--steps",
                         "300",
                         "--input",
                         "drive=0.5",
                         "--record",
                         "excitatory",
                         "--record",
                         "inhibitory",
                         "--record",
                         "excitatory.soma.potential",
                         "--out",
                         out.string()});
    };
    const auto alone = run(0, dir / "alone");
    BOOST_TEST_INFO(alone.err);
    BOOST_TEST_REQUIRE(alone.exit_code == 0);
    for (const int ranks : {2, 3}) {
        const auto out = dir / ("ranks" + std::to_string(ranks));
        const auto split = run(ranks, out);
        BOOST_TEST_INFO("ranks " << ranks << ": " << split.err);
        BOOST_TEST_REQUIRE(split.exit_code == 0);
        BOOST_TEST(tables_of(split.out) == tables_of(alone.out), "ranks " << ranks);
        for (const char* file : {"excitatory.out_spikes.npy",
                                 "inhibitory.out_spikes.npy",
                                 "excitatory.soma.potential.npy"}) {
            BOOST_TEST((spark::test::read_text(out / file) ==
                        spark::test::read_text(dir / "alone" / file)),
                       "ranks " << ranks << ": " << file);
        }
        BOOST_TEST(run_json_of(out).at("exchange_window").to_number<std::uint32_t>() == 4U);
        BOOST_TEST(split.out.find("spikes once every 4 steps") != std::string::npos, split.out);
    }
}

BOOST_AUTO_TEST_CASE(an_upstream_1_0_brain_runs_over_ranks_as_in_one_process) {
    // The tutorial brain in 1.0's schema, with its neuron file: the topological spiker's output
    // shape is decided at its build, so it stays with its readers; the integrator can go apart.
    const spark::test::scratch_dir dir;
    const auto v1 = fs::path(SPARK_TEST_DATA_DIR) / "upstream-v1";
    const auto run = [&](int ranks, const fs::path& out) {
        return spark_on(ranks,
                        {"run",      (v1 / "ab_brain.scfg").string(),
                         "--steps",  "150",
                         "--input",  "signal=0.1,-0.2,0.05,0",
                         "--input",  "mod_a_ex=0.3",
                         "--input",  "mod_b_ex=0",
                         "--input",  "mod_a_in=0",
                         "--input",  "mod_b_in=0",
                         "--record", "A_excitatory",
                         "--record", "integrator",
                         "--record", "A_excitatory.soma.potential",
                         "--out",    out.string(),
                         "--neuron", "alif_mod_neuron=" + (v1 / "alif_mod_neuron.scfg").string()});
    };
    const auto alone = run(0, dir / "alone");
    BOOST_TEST_REQUIRE(alone.exit_code == 0, alone.err);
    const auto split = run(2, dir / "split");
    BOOST_TEST_REQUIRE(split.exit_code == 0, split.err);
    BOOST_TEST(tables_of(split.out) == tables_of(alone.out));
    for (const char* file : {"A_excitatory.out_spikes.npy",
                             "integrator.signal.npy",
                             "A_excitatory.soma.potential.npy"}) {
        BOOST_TEST((spark::test::read_text(dir / "split" / file) ==
                    spark::test::read_text(dir / "alone" / file)),
                   file);
    }
    // Its 6 modules form 2 groups: a third rank would hold nothing, which is refused.
    const auto three = run(3, dir / "three");
    BOOST_TEST(three.exit_code != 0);
    BOOST_TEST(three.err.find("can be placed on at most 2 ranks") != std::string::npos, three.err);
}

BOOST_AUTO_TEST_CASE(a_module_failing_on_one_rank_stops_every_rank_at_that_step) {
    const spark::test::scratch_dir dir;
    const auto brain = spark::test::write_file(
        dir / "boom.scfg",
        spark::test::brain_json(
            {{"x", spark::test::port_specs_json("float_array", {4}, "float32")}},
            {},
            {{"boom", "throws_in_step", {{"in", {{"__call__", "x"}}}}, "{}"},
             {"sum", "accumulator", {{"in", {{"boom", "out"}}}}, "{}"},
             {"sum2", "accumulator", {{"in", {{"sum", "out"}}}}, "{}"}}));
    const auto out = dir / "out";
    auto words = launcher(2);
    words.emplace_back(SPARK_CLI_PATH);
    const auto arguments = spark::test::spark_cli_arguments(
        {"run", brain, "--steps", "50", "--record", "sum2", "--out", out.string()});
    words.insert(words.end(), arguments.begin(), arguments.end());
    const auto result = spark::test::run_process(words.front(), {words.begin() + 1, words.end()});
    BOOST_TEST_INFO(result.err);
    BOOST_TEST(result.exit_code != 0);
    // The test plugin throws at step 3: one message, from rank 0, naming the rank it ran on.
    const std::string failed = "module 'boom' (test.throws_in_step) failed at step 3: rank ";
    BOOST_TEST(result.err.find(failed) != std::string::npos);
    BOOST_TEST(result.err.find(failed) == result.err.rfind(failed));
    BOOST_TEST(result.err.find("step 3 exploded") != std::string::npos);
    const auto run = run_json_of(out);
    BOOST_TEST(run.at("stop_reason").as_string() ==
               "step error in module 'boom' (type test.throws_in_step)");
    BOOST_TEST(run.at("completed_steps").to_number<std::uint64_t>() == 3U);
    BOOST_TEST(spark::test::read_npy_file(out / "sum2.out.npy").header.find("'shape': (3, 4)") !=
               std::string::npos);
}

BOOST_AUTO_TEST_CASE(a_signal_to_one_rank_stops_every_rank_after_the_same_step) {
    const spark::test::scratch_dir dir;
    const auto out = dir / "out";
    spark::test::child_options options;
    options.launcher = launcher(2);
    auto arguments = example_run(out, 10'000'000);
    // spark_cli_arguments() (used by cli_child) gives the test plugins; the example needs the
    // built-in ones as well.
    arguments.insert(arguments.begin() + 1,
                     "--plugin-path=" + fs::path(SPARK_NEURONS_PLUGIN).parent_path().string());
    spark::test::cli_child child(arguments, options);
    // Rows go out in blocks of 64 KiB: a block of excitatory spikes (800 bytes a row) is there
    // after ~82 steps.
    BOOST_TEST_REQUIRE(spark::test::wait_for_file_size(
        out / "excitatory.out_spikes.npy", 64 * 1024, std::chrono::seconds(60)));
    const auto rank1 = rank_process(1, out);
    BOOST_TEST_REQUIRE(rank1.has_value());
    BOOST_TEST_REQUIRE(::kill(*rank1, SIGTERM) == 0);
    const auto status = child.wait(std::chrono::seconds(60));
    BOOST_TEST_INFO(child.err());
    BOOST_TEST_REQUIRE(status.has_value()); // nothing hangs
    BOOST_TEST(*status != 0);
    const auto run = run_json_of(out);
    BOOST_TEST(run.at("stop_reason").as_string() == "interrupted by SIGTERM");
    const auto steps = run.at("completed_steps").to_number<std::uint64_t>();
    BOOST_TEST(steps > 0U);
    // Every file holds the same steps, and they are those of a run of that many steps alone.
    const auto alone = spark_on(0, example_run(dir / "alone", steps));
    BOOST_TEST_REQUIRE(alone.exit_code == 0, alone.err);
    for (const auto& file : recorded_files) {
        BOOST_TEST(
            (spark::test::read_text(out / file) == spark::test::read_text(dir / "alone" / file)),
            file << " after " << steps << " steps");
    }
}

BOOST_AUTO_TEST_CASE(checkpoints_are_refused_over_several_ranks) {
    const spark::test::scratch_dir dir;
    const auto result = spark_on(
        2, {"run", SPARK_EXAMPLE_BRAIN, "--steps", "5", "--checkpoint", (dir / "c.ckpt").string()});
    BOOST_TEST(result.exit_code != 0);
    BOOST_TEST(result.err.find("spark: --checkpoint and --resume are for a run in one process") !=
                   std::string::npos,
               result.err);
    BOOST_TEST(!fs::exists(dir / "c.ckpt"));
}

BOOST_AUTO_TEST_SUITE_END()
