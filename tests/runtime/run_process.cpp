// SPDX-License-Identifier: Apache-2.0
#include "run_process.hpp"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <spawn.h>
#include <sstream>
#include <stdexcept>
#include <unistd.h>

#include "fixtures.hpp"

#include <sys/wait.h>

extern char** environ;

namespace spark::test {
namespace {

std::string slurp(const std::filesystem::path& file) {
    std::ifstream in(file, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

} // namespace

child_command::child_command(const std::string& program, const std::vector<std::string>& arguments)
    : words_{program} {
    words_.insert(words_.end(), arguments.begin(), arguments.end());
    for (auto& word : words_) {
        argv_.push_back(word.data());
    }
    argv_.push_back(nullptr);
    for (char** entry = environ; *entry != nullptr; ++entry) {
        if (std::strncmp(*entry, "SPARK_PLUGIN_PATH=", 18) != 0) {
            envp_.push_back(*entry);
        }
    }
    envp_.push_back(nullptr);
}

process_result run_process(const std::string& program, const std::vector<std::string>& arguments) {
    // Output goes to files rather than pipes: no risk of a full pipe blocking the child.
    const scratch_dir scratch;
    const std::string out_file = (scratch / "stdout").string();
    const std::string err_file = (scratch / "stderr").string();

    const child_command command(program, arguments);

    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(
        &actions, 1, out_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    posix_spawn_file_actions_addopen(
        &actions, 2, err_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    pid_t pid = 0;
    const int started =
        posix_spawn(&pid, program.c_str(), &actions, nullptr, command.argv(), command.envp());
    posix_spawn_file_actions_destroy(&actions);
    if (started != 0) {
        throw std::runtime_error("cannot start " + program + ": " + std::strerror(started));
    }
    int status = 0;
    while (waitpid(pid, &status, 0) < 0) {
        if (errno != EINTR) {
            throw std::runtime_error("waitpid failed for " + program + ": " + std::strerror(errno));
        }
    }
    process_result result;
    result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    result.out = slurp(out_file);
    result.err = slurp(err_file);
    return result;
}

} // namespace spark::test
