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

/// The argv and envp of a child process, ready before fork() or posix_spawn: `program` and
/// `arguments`, and the current environment minus SPARK_PLUGIN_PATH (so that a developer's
/// setting cannot change what the tests see). The pointers live as long as the object.
class child_command {
public:
    child_command(const std::string& program, const std::vector<std::string>& arguments);
    child_command(const child_command&) = delete;
    child_command& operator=(const child_command&) = delete;

    [[nodiscard]] const char* program() const noexcept { return argv_.front(); }
    [[nodiscard]] char* const* argv() const noexcept { return argv_.data(); }
    [[nodiscard]] char* const* envp() const noexcept { return envp_.data(); }

private:
    std::vector<std::string> words_;
    std::vector<char*> argv_;
    std::vector<char*> envp_;
};

/// Runs `program` with `arguments` (no shell), with the current environment minus
/// SPARK_PLUGIN_PATH (so that a developer's setting cannot change what the tests see), and waits.
/// Throws std::runtime_error when it cannot be started.
process_result run_process(const std::string& program, const std::vector<std::string>& arguments);

} // namespace spark::test
