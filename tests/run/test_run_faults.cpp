// SPDX-License-Identifier: Apache-2.0
// A module that fails mid-run (tests/test_plugins/fault_plugins/step_fault.cpp: an error status,
// an exception, a NaN output under --strict-numerics, a write past its output caught by the
// output guard of debug builds) in a run with checkpoints: the run stops at that step naming
// module, type and step, the recordings hold every step before it, and the last checkpoint
// resumes the run, which repeats the same steps bit for bit up to the same failure. An output
// that turns NaN without --strict-numerics is listed in run.json.
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

#include "run_fixture.hpp"
#include "text_match.hpp"

namespace fs = std::filesystem;
namespace json = boost::json;

using spark::test::contains;

namespace {

constexpr std::uint64_t fault_step = 25;       // the step that fails
constexpr std::uint64_t checkpoint_every = 10; // so the last checkpoint holds step 20
constexpr std::uint64_t row_bytes = 3 * 4;     // a (3,) float32 row

/// drive (float32, (3,)) -> soma (leaky_soma) -> bad (faulty.step_fault) -> output y.
std::string fault_brain(const std::string& fault) {
    using spark::test::port_specs_json;
    const auto spec = port_specs_json("float_array", {3}, "float32");
    return spark::test::brain_json(
        {{"drive", spec}},
        {{"y", spark::test::output_json("bad", "out", spec)}},
        {{"soma", "leaky_soma", {{"current", {{"__call__", "drive"}}}}, "{}"},
         {"bad",
          "faulty.step_fault",
          {{"in", {{"soma", "potential"}}}},
          R"({"fault": ")" + fault + R"(", "at_step": )" + std::to_string(fault_step) + "}"}});
}

spark::test::process_result run(const fs::path& brain,
                                const fs::path& out,
                                const fs::path& checkpoint,
                                const std::vector<std::string>& extra) {
    std::vector<std::string> arguments = {"run",
                                          brain.string(),
                                          "--steps",
                                          "40",
                                          "--input",
                                          "drive=2.5",
                                          "--record",
                                          "soma.potential",
                                          "--out",
                                          out.string(),
                                          "--checkpoint",
                                          checkpoint.string(),
                                          "--checkpoint-every",
                                          std::to_string(checkpoint_every),
                                          "--executor",
                                          "sequential"};
    arguments.insert(arguments.end(), extra.begin(), extra.end());
    return spark::test::spark_cli(arguments);
}

json::object run_json(const fs::path& out) {
    return json::parse(spark::test::read_text(out / "run.json")).as_object();
}

struct fault_case {
    std::string fault;
    std::vector<std::string> options;
};

const std::vector<fault_case> fault_cases = {
    {"error", {}},
    {"throw", {}},
    {"nan", {"--strict-numerics"}},
    {"overrun", {}}, // the tests build Debug, where the output guard is on
};

} // namespace

BOOST_AUTO_TEST_SUITE(run_faults)

BOOST_AUTO_TEST_CASE(a_failing_module_is_named_the_recordings_stay_and_the_checkpoint_resumes) {
    for (const auto& c : fault_cases) {
        BOOST_TEST_CONTEXT("fault " << c.fault) {
            const spark::test::scratch_dir dir;
            const auto brain = spark::test::write_file(dir / "fault.scfg", fault_brain(c.fault));
            const auto checkpoint = dir / "run.ckpt";

            const auto first = run(brain, dir / "first", checkpoint, c.options);
            BOOST_TEST(first.exit_code == 1, first.err);
            BOOST_TEST(contains(first.err, "module 'bad'"), first.err);
            BOOST_TEST(contains(first.err, "faulty.step_fault"), first.err);
            BOOST_TEST(contains(first.err, "step " + std::to_string(fault_step)), first.err);
            const auto stopped = run_json(dir / "first");
            BOOST_TEST(json::value_to<std::string>(stopped.at("stop_reason"))
                           .starts_with("step error in module 'bad' (type faulty.step_fault)"),
                       json::serialize(stopped.at("stop_reason")));
            BOOST_TEST(stopped.at("stop_step").to_number<std::uint64_t>() == fault_step);
            // Every step before the failure is in the file, and no more.
            const auto recorded = spark::test::read_npy_file(dir / "first" / "soma.potential.npy");
            BOOST_TEST(recorded.data.size() == fault_step * row_bytes);

            // The last checkpoint, step 20, goes on from there: the same steps, the same bits,
            // and the same failure at the same step.
            const auto resumed = run(brain, dir / "resumed", dir / "again.ckpt", [&] {
                auto options = c.options;
                options.insert(options.end(), {"--resume", checkpoint.string()});
                return options;
            }());
            BOOST_TEST(resumed.exit_code == 1, resumed.err);
            BOOST_TEST(contains(resumed.err, "module 'bad'"), resumed.err);
            const auto again = run_json(dir / "resumed");
            BOOST_TEST(again.at("first_step").to_number<std::uint64_t>() == 20U);
            BOOST_TEST(again.at("stop_step").to_number<std::uint64_t>() == fault_step);
            const auto tail = spark::test::read_npy_file(dir / "resumed" / "soma.potential.npy");
            const std::vector<unsigned char> expected(
                recorded.data.begin() + static_cast<std::ptrdiff_t>(20 * row_bytes),
                recorded.data.end());
            BOOST_TEST(tail.data == expected);
        }
    }
}

// A leaky_soma with resistance 1e308 in float32: R is +inf, so with the input 0 its potential is
// inf * 0 = NaN from step 0, element 0 (docs/file-format.md section 11.3). Without
// --strict-numerics the run completes and says so on stderr and in run.json.
BOOST_AUTO_TEST_CASE(an_output_turning_nan_is_listed_in_run_json) {
    const spark::test::scratch_dir dir;
    const auto brain = spark::test::write_file(dir / "nan.scfg",
                                               spark::test::soma_brain(R"({"resistance": 1e308})"));
    const auto result = spark::test::spark_cli(
        {"run", brain, "--steps", "5", "--input", "drive=0", "--out", (dir / "out").string()});
    BOOST_TEST(result.exit_code == 0, result.err);
    BOOST_TEST(contains(result.err, "module 'soma'"), result.err);
    const auto run = run_json(dir / "out");
    BOOST_TEST(json::value_to<std::string>(run.at("stop_reason")) == "completed");
    const auto& reports = run.at("non_finite_outputs").as_array();
    BOOST_TEST_REQUIRE(reports.size() == 1U, json::serialize(reports));
    const auto& report = reports[0].as_object();
    BOOST_TEST(json::value_to<std::string>(report.at("module")) == "soma");
    BOOST_TEST(json::value_to<std::string>(report.at("port")) == "potential");
    BOOST_TEST(report.at("step").to_number<std::uint64_t>() == 0U);
    BOOST_TEST(report.at("element").to_number<std::uint64_t>() == 0U);
    BOOST_TEST(json::value_to<std::string>(report.at("value")) == "nan");
}

BOOST_AUTO_TEST_SUITE_END()
