// SPDX-License-Identifier: Apache-2.0
// Output that does not reach its place is an error: every command that prints fails (exit 1, the
// reason on stderr) when stdout cannot be written, and `spark raster` never writes its picture
// over the recording it reads, however the path is spelled.
#include <filesystem>
#include <string>
#include <vector>

#include <boost/test/unit_test.hpp>

#include "cli_child.hpp"
#include "run_fixture.hpp"

namespace fs = std::filesystem;
using spark::test::spark_cli;

namespace {

/// A recording of the soma's spikes (5 steps) in `dir`, for raster.
fs::path spikes_recording(const spark::test::scratch_dir& dir) {
    const auto brain = spark::test::write_file(dir / "soma.scfg", spark::test::soma_brain());
    const auto result = spark_cli({"run",
                                   brain,
                                   "--steps",
                                   "5",
                                   "--input",
                                   "drive=1",
                                   "--record",
                                   "soma.spikes",
                                   "--out",
                                   (dir / "rec").string()});
    BOOST_TEST_REQUIRE(result.exit_code == 0, result.err);
    return dir / "rec" / "soma.spikes.npy";
}

} // namespace

BOOST_AUTO_TEST_SUITE(output_errors)

BOOST_AUTO_TEST_CASE(every_command_that_prints_fails_when_stdout_cannot_be_written) {
    const spark::test::scratch_dir dir;
    const auto brain = spark::test::write_file(dir / "soma.scfg", spark::test::soma_brain());
    const auto npy = spikes_recording(dir);
    const std::vector<std::vector<std::string>> commands{
        {"plugins", "list"},
        {"plugins", "describe", "leaky_soma"},
        {"validate", brain},
        {"run", brain, "--steps", "5", "--input", "drive=1"},
        {"raster", npy.string(), "--out", (dir / "raster.svg").string()},
    };
    for (const auto& command : commands) {
        BOOST_TEST_CONTEXT("spark " << command[0] << ' ' << command[1]) {
            // The same command succeeds when stdout can be written: the failure is stdout's.
            const auto fine = spark_cli(command);
            BOOST_TEST(fine.exit_code == 0, fine.err);
            BOOST_TEST(!fine.out.empty());
            spark::test::child_options options;
            options.stdout_file = "/dev/full";
            spark::test::cli_child child(command, options);
            const auto status = child.wait(std::chrono::seconds(60));
            BOOST_TEST_REQUIRE(status.has_value());
            BOOST_TEST(*status == 1);
            BOOST_TEST(child.err().find(
                           "spark: cannot write to standard output: No space left on device\n") !=
                           std::string::npos,
                       child.err());
        }
    }
}

BOOST_AUTO_TEST_CASE(raster_refuses_to_overwrite_its_own_input) {
    const spark::test::scratch_dir dir;
    const auto npy = spikes_recording(dir);
    const auto hash = spark::test::sha256_hex(npy);
    fs::create_directories(dir / "elsewhere");
    fs::create_symlink(npy, dir / "elsewhere" / "link.svg");
    fs::create_hard_link(npy, dir / "elsewhere" / "hard.svg");
    const std::vector<fs::path> same{
        npy,                                                  // the same spelling
        dir / "rec" / ".." / "rec" / "." / "soma.spikes.npy", // another spelling
        dir / "elsewhere" / "link.svg",                       // a symbolic link to it
        dir / "elsewhere" / "hard.svg",                       // a hard link to it
    };
    for (const auto& out : same) {
        BOOST_TEST_CONTEXT("--out " << out.string()) {
            const auto result = spark_cli({"raster", npy.string(), "--out", out.string()});
            BOOST_TEST(result.exit_code == 2);
            BOOST_TEST(result.err == "spark: --out " + out.string() + " is the recording " +
                                         npy.string() +
                                         " itself; write the raster to another file (e.g. one "
                                         "ending in .svg)\n");
            BOOST_TEST(result.out.empty());
            BOOST_TEST(spark::test::sha256_hex(npy) == hash);
            BOOST_TEST(fs::is_symlink(dir / "elsewhere" / "link.svg"));
        }
    }
    // Another file is fine, and the recording stays as it was.
    const auto result =
        spark_cli({"raster", npy.string(), "--out", (dir / "elsewhere" / "x.svg").string()});
    BOOST_TEST(result.exit_code == 0, result.err);
    BOOST_TEST(result.out.find("wrote " + (dir / "elsewhere" / "x.svg").string()) == 0U);
    BOOST_TEST(spark::test::read_text(dir / "elsewhere" / "x.svg").find("</svg>") !=
               std::string::npos);
    BOOST_TEST(spark::test::sha256_hex(npy) == hash);
}

BOOST_AUTO_TEST_SUITE_END()
