// SPDX-License-Identifier: Apache-2.0
// Where tests/vendor/CMakeLists.txt put the install and the examples built against it, and how
// the tests run the installed tools.
#pragma once
#include <cstddef>
#include <filesystem>
#include <string>
#include <vector>

#include <boost/test/unit_test.hpp>

#include "check_close.hpp"
#include "run_process.hpp"
#include "text_match.hpp"

namespace spark::test {

inline const std::filesystem::path install_prefix = SPARK_TEST_PREFIX;
inline const std::filesystem::path install_libdir = install_prefix / SPARK_TEST_LIBDIR;
inline const std::filesystem::path installed_plugins = install_libdir / "spark" / "plugins";
inline const std::filesystem::path installed_cli = install_prefix / "bin" / "spark";
inline const std::filesystem::path source_dir = SPARK_TEST_SOURCE_DIR;
inline const std::filesystem::path acme_dir = SPARK_TEST_ACME_DIR;
inline const std::filesystem::path cdemo_dir = SPARK_TEST_CDEMO_DIR;
inline const std::filesystem::path frozen_dir = SPARK_TEST_FROZEN_DIR;
inline const std::filesystem::path frozen_v1_1_dir = SPARK_TEST_FROZEN_V1_1_DIR;
inline const std::filesystem::path embed_program = SPARK_TEST_EMBED;

/// The installed `spark` with `arguments`; fails the test unless it exits with `expected_exit`.
inline process_result installed_spark(const std::vector<std::string>& arguments,
                                      int expected_exit = 0) {
    auto result = run_process(installed_cli.string(), arguments);
    std::string command = "spark";
    for (const auto& a : arguments) {
        command += " " + a;
    }
    BOOST_TEST(result.exit_code == expected_exit,
               command << " exited with " << result.exit_code << "\nstdout:\n"
                       << result.out << "\nstderr:\n"
                       << result.err);
    return result;
}

} // namespace spark::test
