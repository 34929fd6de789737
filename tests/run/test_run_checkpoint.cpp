// SPDX-License-Identifier: Apache-2.0
// `spark run --checkpoint/--resume` (docs/file-format.md section 12.5): the tutorial brain (Poisson
// input, ALIF populations with learning) run 120 steps straight, and run 50 steps with
// --checkpoint then resumed with the same command line plus --resume, record the same bits: the
// two recordings concatenated are the straight one, for every recorded port. --steps is the step
// to reach; a checkpoint at or past it is refused; a checkpoint of another brain is refused.
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

#include "run_fixture.hpp"

using spark::test::builtin_cli;
namespace json = boost::json;

namespace {

const std::vector<std::string> recorded = {"spiker", "A_ex", "A_in", "B_ex", "B_in", "action"};

/// `spark run` of the tutorial brain to step `steps`, recording into `out`, plus `extra`.
spark::test::process_result run(const std::filesystem::path& input_file,
                                const std::string& steps,
                                const std::filesystem::path& out,
                                const std::vector<std::string>& extra) {
    std::vector<std::string> arguments = {"run",
                                          SPARK_AB_TUTORIAL_BRAIN,
                                          "--steps",
                                          steps,
                                          "--input",
                                          "drive=" + input_file.string(),
                                          "--seed",
                                          "7",
                                          "--out",
                                          out.string()};
    for (const auto& name : recorded) {
        arguments.push_back("--record");
        arguments.push_back(name);
    }
    arguments.insert(arguments.end(), extra.begin(), extra.end());
    return builtin_cli(arguments);
}

/// A drive that changes every step (row t: four values from t, period 13 steps, which 50 is
/// not a multiple of), so that a resumed run reading
/// the wrong rows would differ.
std::filesystem::path drive_file(const std::filesystem::path& folder) {
    const auto file = folder / "drive.csv";
    std::ofstream out(file);
    for (int t = 0; t < 120; ++t) {
        for (int i = 0; i < 4; ++i) {
            out << (i > 0 ? "," : "") << static_cast<double>((t * 7 + i * 3) % 13) / 13.0;
        }
        out << '\n';
    }
    return file;
}

} // namespace

BOOST_AUTO_TEST_SUITE(run_checkpoint)

BOOST_AUTO_TEST_CASE(an_interrupted_run_resumed_records_the_bits_of_a_straight_run) {
    const spark::test::scratch_dir dir;
    const auto input = drive_file(dir.path());
    const auto straight = run(input, "120", dir / "straight", {});
    BOOST_TEST_INFO(straight.err);
    BOOST_TEST_REQUIRE(straight.exit_code == 0);

    const auto checkpoint = (dir / "job.ckpt").string();
    // The job as first started: interrupted at step 50 (here: --steps 50), writing a checkpoint
    // every 20 steps and at the end.
    const auto first =
        run(input,
            "50",
            dir / "first",
            {"--checkpoint", checkpoint, "--checkpoint-every", "20", "--executor", "sequential"});
    BOOST_TEST_INFO(first.err);
    BOOST_TEST_REQUIRE(first.exit_code == 0);
    // The same job resumed: --steps is the step to reach; another executor on purpose.
    const auto second = run(input,
                            "120",
                            dir / "second",
                            {"--resume", checkpoint, "--executor", "flow_graph", "--threads", "2"});
    BOOST_TEST_INFO(second.err);
    BOOST_TEST_REQUIRE(second.exit_code == 0);

    std::size_t files = 0;
    for (const auto& entry : std::filesystem::directory_iterator(dir / "straight")) {
        const auto name = entry.path().filename();
        if (name.extension() != ".npy") {
            continue;
        }
        ++files;
        BOOST_TEST_CONTEXT(name.string()) {
            const auto whole = spark::test::read_npy_file(entry.path());
            const auto a = spark::test::read_npy_file(dir / "first" / name);
            const auto b = spark::test::read_npy_file(dir / "second" / name);
            BOOST_TEST_REQUIRE(a.data.size() + b.data.size() == whole.data.size());
            BOOST_TEST_REQUIRE(a.data.size() * 70 == b.data.size() * 50); // 50 rows, then 70
            std::vector<unsigned char> joined = a.data;
            joined.insert(joined.end(), b.data.begin(), b.data.end());
            BOOST_TEST((joined == whole.data));
        }
    }
    BOOST_TEST(files >= recorded.size());

    const auto run_json =
        json::parse(spark::test::read_text(dir / "second" / "run.json")).as_object();
    BOOST_TEST(run_json.at("first_step").to_number<std::uint64_t>() == 50U);
    BOOST_TEST(run_json.at("completed_steps").to_number<std::uint64_t>() == 70U);
}

BOOST_AUTO_TEST_CASE(a_checkpoint_at_or_past_steps_is_refused) {
    const spark::test::scratch_dir dir;
    const auto input = drive_file(dir.path());
    const auto checkpoint = (dir / "job.ckpt").string();
    BOOST_TEST_REQUIRE(run(input, "30", dir / "a", {"--checkpoint", checkpoint}).exit_code == 0);
    const auto again = run(input, "30", dir / "b", {"--resume", checkpoint});
    BOOST_TEST(again.exit_code == 1);
    BOOST_TEST(
        again.err.find("the checkpoint is at step 30, at or past --steps 30; nothing to run") !=
        std::string::npos);
}

BOOST_AUTO_TEST_CASE(a_checkpoint_of_another_brain_is_refused) {
    const spark::test::scratch_dir dir;
    const auto input = drive_file(dir.path());
    const auto checkpoint = (dir / "job.ckpt").string();
    BOOST_TEST_REQUIRE(run(input, "10", dir / "a", {"--checkpoint", checkpoint}).exit_code == 0);
    // Another --seed makes another brain.
    auto arguments = std::vector<std::string>{
        "run", SPARK_AB_TUTORIAL_BRAIN, "--steps", "20", "--seed", "8", "--resume", checkpoint};
    const auto other = builtin_cli(arguments);
    BOOST_TEST(other.exit_code == 1);
    BOOST_TEST(other.err.find("holds another brain than the brain file as this command line gives "
                              "it") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(an_upstream_1_0_brain_with_a_neuron_file_resumes_bit_for_bit) {
    // Upstream 1.0's tutorial: its file stores no input shapes (the --input values give them) and
    // its populations are the neuron file's type file.alif_mod_neuron.
    const auto data = std::filesystem::path(SPARK_TEST_DATA_DIR) / "upstream-v1";
    const auto neuron = "alif_mod_neuron=" + (data / "alif_mod_neuron.scfg").string();
    const spark::test::scratch_dir dir;
    const auto checkpoint = (dir / "v1.ckpt").string();
    const auto v1_run = [&](const std::string& steps,
                            const std::string& out,
                            const std::vector<std::string>& extra) {
        std::vector<std::string> arguments = {"--neuron", neuron,
                                              "run",      (data / "ab_brain.scfg").string(),
                                              "--steps",  steps,
                                              "--input",  "signal=0.1,-0.2,0.05,0",
                                              "--input",  "mod_a_ex=0",
                                              "--input",  "mod_b_ex=0",
                                              "--input",  "mod_a_in=0",
                                              "--input",  "mod_b_in=0",
                                              "--out",    (dir / out).string(),
                                              "--record", "spiker.spikes",
                                              "--record", "A_excitatory.out_spikes",
                                              "--record", "B_inhibitory.out_spikes",
                                              "--record", "action"};
        arguments.insert(arguments.end(), extra.begin(), extra.end());
        return builtin_cli(arguments);
    };
    const auto straight = v1_run("40", "straight", {});
    BOOST_TEST_INFO(straight.err);
    BOOST_TEST_REQUIRE(straight.exit_code == 0);
    const auto first = v1_run("15", "first", {"--checkpoint", checkpoint});
    BOOST_TEST_INFO(first.err);
    BOOST_TEST_REQUIRE(first.exit_code == 0);
    const auto second = v1_run("40", "second", {"--resume", checkpoint});
    BOOST_TEST_INFO(second.err);
    BOOST_TEST_REQUIRE(second.exit_code == 0);
    for (const std::string name : {"spiker.spikes.npy",
                                   "A_excitatory.out_spikes.npy",
                                   "B_inhibitory.out_spikes.npy",
                                   "action.npy"}) {
        BOOST_TEST_CONTEXT(name) {
            const auto whole = spark::test::read_npy_file(dir / "straight" / name);
            auto joined = spark::test::read_npy_file(dir / "first" / name).data;
            const auto b = spark::test::read_npy_file(dir / "second" / name).data;
            joined.insert(joined.end(), b.begin(), b.end());
            BOOST_TEST((joined == whole.data));
        }
    }

    // Without the neuron file, its type is missing: named, with what to load.
    const auto missing = builtin_cli({"run",
                                      (data / "ab_brain.scfg").string(),
                                      "--steps",
                                      "40",
                                      "--input",
                                      "signal=0.1,-0.2,0.05,0",
                                      "--input",
                                      "mod_a_ex=0",
                                      "--input",
                                      "mod_b_ex=0",
                                      "--input",
                                      "mod_a_in=0",
                                      "--input",
                                      "mod_b_in=0",
                                      "--resume",
                                      checkpoint});
    BOOST_TEST(missing.exit_code == 1);
    BOOST_TEST_INFO(missing.err);
    BOOST_TEST(missing.err.find("(file.alif_mod_neuron) has type 'file.alif_mod_neuron', which no "
                                "loaded plugin provides") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(checkpoint_options_are_checked) {
    const auto every =
        builtin_cli({"run", SPARK_AB_TUTORIAL_BRAIN, "--steps", "5", "--checkpoint-every", "2"});
    BOOST_TEST(every.exit_code == 2);
    BOOST_TEST(every.err.find("--checkpoint-every needs --checkpoint FILE") != std::string::npos);
    const auto accept =
        builtin_cli({"run", SPARK_AB_TUTORIAL_BRAIN, "--steps", "5", "--accept-other-builds"});
    BOOST_TEST(accept.exit_code == 2);
    BOOST_TEST(accept.err.find("--accept-other-builds is for --resume") != std::string::npos);
    const auto elsewhere = builtin_cli({"validate", SPARK_AB_TUTORIAL_BRAIN, "--resume", "x"});
    BOOST_TEST(elsewhere.exit_code == 2);
}

BOOST_AUTO_TEST_SUITE_END()
