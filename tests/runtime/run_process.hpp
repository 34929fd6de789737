// SPDX-License-Identifier: Apache-2.0
// Runs a program and captures its exit code, stdout and stderr (for the CLI tests).
#pragma once
#include <string>
#include <vector>

namespace spark::test {

struct process_result {
    int exit_code = -1; // the exit status, or 128 + signal when it was killed
    std::string out;
    std::string err;
};

/// Runs `program` with `arguments` (no shell), with the current environment minus
/// SPARK_PLUGIN_PATH (so that a developer's setting cannot change what the tests see), and waits.
/// Throws std::runtime_error when it cannot be started.
process_result run_process(const std::string& program, const std::vector<std::string>& arguments);

} // namespace spark::test
