// SPDX-License-Identifier: Apache-2.0
// `.scfg` files on disk: plain and xz-compressed JSON (detected by magic bytes, checked against
// the `xz` tool as an independent encoder and decoder), atomic writes, and every refused file
// (truncated or corrupt xz, too large, too deeply nested) with its exact message.
#include <filesystem>
#include <string>
#include <vector>

#include <boost/test/unit_test.hpp>

#include <spark/runtime/brain_config.hpp>
#include <spark/runtime/errors.hpp>

#include "fixtures.hpp"
#include "run_process.hpp"

using spark::runtime::brain_config;
using spark::runtime::config_error;
using spark::runtime::file_compression;
using spark::runtime::file_limits;

namespace {

using spark::test::read_text_file;
using spark::test::write_text_file;

/// The one problem from_file reports, as "<path>: <message>".
std::string refusal(const std::filesystem::path& file, const file_limits& limits = {}) {
    try {
        (void)brain_config::from_file(file, spark::runtime::config_mode::strict, limits);
    } catch (const config_error& e) {
        BOOST_TEST_REQUIRE(e.issues().size() == 1U);
        return e.issues()[0].path + ": " + e.issues()[0].message;
    }
    return "(read without error)";
}

/// `xz ARGS < in > out` with Debian's xz tool (xz-utils), our independent codec.
std::string xz_tool(const std::vector<std::string>& arguments, const std::filesystem::path& in) {
    std::vector<std::string> args = arguments;
    args.push_back("--stdout");
    args.push_back(in.string());
    const auto result = spark::test::run_process("/usr/bin/xz", args);
    BOOST_TEST_REQUIRE(result.exit_code == 0, result.err);
    return result.out;
}

const std::string example_brain = SPARK_EXAMPLE_BRAIN;

const std::string truncated_message =
    ": the xz data is truncated: the file ends inside its compressed stream; copy or download "
    "it again";
const std::string corrupt_message =
    ": the xz data is corrupt (it does not decode); copy or download the file again";

} // namespace

BOOST_AUTO_TEST_SUITE(scfg_files)

BOOST_AUTO_TEST_CASE(plain_files_round_trip_and_folders_are_created) {
    const spark::test::scratch_dir dir;
    const brain_config config = brain_config::from_file(example_brain);
    const auto file = dir / "a" / "b" / "brain.scfg";
    config.to_file(file);
    BOOST_TEST(read_text_file(file) == config.to_json());
    BOOST_TEST((brain_config::from_file(file) == config));
}

BOOST_AUTO_TEST_CASE(xz_files_round_trip_and_the_xz_tool_reads_them) {
    const spark::test::scratch_dir dir;
    const brain_config config = brain_config::from_file(example_brain);
    const auto file = dir / "brain.scfg";
    config.to_file(file, file_compression::xz);
    const std::string bytes = read_text_file(file);
    BOOST_TEST(bytes.substr(0, 6) == std::string("\xFD"
                                                 "7zXZ\0",
                                                 6));
    BOOST_TEST(bytes.size() < config.to_json().size() / 5); // it really compresses
    BOOST_TEST(xz_tool({"--decompress"}, file) == config.to_json());
    BOOST_TEST((brain_config::from_file(file) == config));
}

BOOST_AUTO_TEST_CASE(a_file_compressed_by_the_xz_tool_reads_whatever_its_suffix) {
    const spark::test::scratch_dir dir;
    const auto file = dir / "brain.json"; // the magic bytes decide, not the name
    write_text_file(file, xz_tool({"--compress", "--check=crc64"}, example_brain));
    BOOST_TEST((brain_config::from_file(file) == brain_config::from_file(example_brain)));
}

BOOST_AUTO_TEST_CASE(truncated_xz_is_refused_with_the_file_named) {
    const spark::test::scratch_dir dir;
    const std::string xz = xz_tool({"--compress"}, example_brain);
    for (const std::size_t keep : {std::size_t{7}, std::size_t{40}, xz.size() / 2, xz.size() - 1}) {
        const auto file = dir / ("cut" + std::to_string(keep) + ".scfg");
        write_text_file(file, xz.substr(0, keep));
        BOOST_TEST(refusal(file) == file.string() + truncated_message, "kept " << keep);
    }
}

BOOST_AUTO_TEST_CASE(corrupt_xz_is_refused_with_the_file_named) {
    const spark::test::scratch_dir dir;
    const std::string xz = xz_tool({"--compress"}, example_brain);
    // A flipped byte in the compressed data, in the stream header (CRC32-protected) and in the
    // trailing check (CRC64 of the text): each is caught.
    for (const std::size_t at : {xz.size() / 2, std::size_t{8}, xz.size() - 20}) {
        std::string damaged = xz;
        damaged[at] = static_cast<char>(damaged[at] ^ 0x5A);
        const auto file = dir / ("flip" + std::to_string(at) + ".scfg");
        write_text_file(file, damaged);
        const std::string message = refusal(file);
        BOOST_TEST((message == file.string() + corrupt_message ||
                    message.find(file.string() + ": the xz data failed its integrity check") == 0),
                   "flipped byte " << at << ": " << message);
    }
}

BOOST_AUTO_TEST_CASE(files_beyond_the_limits_are_refused_before_parsing) {
    const spark::test::scratch_dir dir;
    const auto big = dir / "big.scfg";
    write_text_file(big, std::string(3 * 1024 * 1024, ' '));
    file_limits small;
    small.max_file_bytes = 2 * 1024 * 1024;
    BOOST_TEST(refusal(big, small) ==
               big.string() + ": is 3 MiB, more than the 2 MiB a brain file may have; raise it "
                              "with --max-file-size (file_limits::max_file_bytes in the API) if "
                              "it really is this large");
    // A small xz file that expands beyond the text limit (a "zip bomb") stops at the limit.
    const auto bomb = dir / "bomb.scfg";
    write_text_file(bomb, xz_tool({"--compress"}, big));
    BOOST_TEST(read_text_file(bomb).size() < 4096U);
    file_limits text_limit;
    text_limit.max_text_bytes = 1024 * 1024;
    BOOST_TEST(refusal(bomb, text_limit) ==
               bomb.string() +
                   ": decompresses to more than 1 MiB of JSON, the limit for a brain file's text; "
                   "raise it with --max-json-size (file_limits::max_text_bytes in the API) if it "
                   "really is this large");
}

BOOST_AUTO_TEST_CASE(deeply_nested_json_is_refused_with_line_and_column) {
    const spark::test::scratch_dir dir;
    const auto file = dir / "deep.scfg";
    write_text_file(file, "{\"a\":\n" + std::string(100, '[') + std::string(100, ']') + "}");
    BOOST_TEST(refusal(file) ==
               file.string() +
                   ": JSON nested more than 64 levels deep at line 2, column 64; a brain file is "
                   "far shallower (raise file_limits::max_depth in the API if it really is this "
                   "deep)");
    file_limits deeper;
    deeper.max_depth = 200;
    // Deep enough now: the JSON parses and the envelope check speaks instead.
    BOOST_CHECK_EXCEPTION(
        (void)brain_config::from_file(file, spark::runtime::config_mode::strict, deeper),
        config_error,
        [](const config_error& e) {
            for (const auto& issue : e.issues()) {
                if (issue.message.find("nested") != std::string::npos) {
                    return false;
                }
            }
            return !e.issues().empty();
        });
}

BOOST_AUTO_TEST_CASE(a_failed_write_leaves_the_old_file_and_no_temporary) {
    const spark::test::scratch_dir dir;
    const brain_config config = brain_config::from_file(example_brain);
    // The target is a folder with content: the final rename cannot replace it.
    const auto target = dir / "taken.scfg";
    std::filesystem::create_directory(target);
    write_text_file(target / "keep", "kept");
    BOOST_CHECK_EXCEPTION(config.to_file(target), config_error, [&](const config_error& e) {
        return e.issues().size() == 1U && e.issues()[0].path == target.string() &&
               e.issues()[0].message.find("cannot replace the file: ") == 0;
    });
    BOOST_TEST(read_text_file(target / "keep") == "kept");
    std::size_t entries = 0;
    for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator(dir.path())) {
        ++entries;
    }
    BOOST_TEST(entries == 1U); // no temporary file left behind
}

BOOST_AUTO_TEST_CASE(a_missing_file_or_a_folder_is_named) {
    const spark::test::scratch_dir dir;
    BOOST_TEST(refusal(dir / "none.scfg") ==
               (dir / "none.scfg").string() + ": cannot open the file; check the path");
    BOOST_TEST(refusal(dir.path()) ==
               dir.path().string() + ": is a folder, not a file; give a file in it");
}

BOOST_AUTO_TEST_SUITE_END()
