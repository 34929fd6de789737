// SPDX-License-Identifier: Apache-2.0
#include "cli_child.hpp"

#include <cerrno>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <stdexcept>
#include <thread>
#include <unistd.h>

#include "run_fixture.hpp"

#include <sys/resource.h>
#include <sys/wait.h>

namespace spark::test {

cli_child::cli_child(const std::vector<std::string>& arguments, child_options options)
    : out_file_(options.stdout_file.empty() ? scratch_ / "stdout" : options.stdout_file) {
    // Everything the child needs is prepared before fork(): after it, only async-signal-safe
    // calls until exec.
    std::vector<std::string> words = spark_cli_arguments(arguments);
    std::string program = SPARK_CLI_PATH;
    if (!options.launcher.empty()) {
        words.insert(words.begin(), program);
        words.insert(words.begin(), options.launcher.begin() + 1, options.launcher.end());
        program = options.launcher.front();
    }
    const child_command command(program, words);
    const std::string out = out_file_.string();
    const std::string err = (scratch_ / "stderr").string();
    const bool limited = options.file_size_limit.has_value();
    rlimit limit{};
    if (limited) {
        limit.rlim_cur = static_cast<rlim_t>(*options.file_size_limit);
        limit.rlim_max = static_cast<rlim_t>(*options.file_size_limit);
    }
    pid_ = ::fork();
    if (pid_ < 0) {
        throw std::runtime_error(std::string("fork failed: ") + std::strerror(errno));
    }
    if (pid_ == 0) {
        const int out_fd = ::open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
        const int err_fd = ::open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
        if (out_fd < 0 || err_fd < 0 || ::dup2(out_fd, 1) < 0 || ::dup2(err_fd, 2) < 0) {
            ::_exit(126);
        }
        if (limited) {
            ::signal(SIGXFSZ, SIG_IGN); // kept across exec: writes fail with EFBIG instead
            if (::setrlimit(RLIMIT_FSIZE, &limit) != 0) {
                ::_exit(126);
            }
        }
        ::execve(command.program(), command.argv(), command.envp());
        ::_exit(127);
    }
}

cli_child::~cli_child() {
    if (pid_ > 0) {
        ::kill(pid_, SIGKILL);
        int status = 0;
        ::waitpid(pid_, &status, 0);
    }
}

void cli_child::send(int signal) const {
    if (pid_ > 0) {
        ::kill(pid_, signal);
    }
}

std::optional<int> cli_child::wait(std::chrono::seconds limit) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (pid_ > 0) {
        int status = 0;
        const pid_t ended = ::waitpid(pid_, &status, WNOHANG);
        if (ended == pid_) {
            pid_ = -1;
            return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
        }
        if (ended < 0 && errno != EINTR) {
            throw std::runtime_error(std::string("waitpid failed: ") + std::strerror(errno));
        }
        if (std::chrono::steady_clock::now() > deadline) {
            ::kill(pid_, SIGKILL);
            ::waitpid(pid_, &status, 0);
            pid_ = -1;
            return std::nullopt;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return std::nullopt;
}

std::string cli_child::out() const {
    return read_text(out_file_);
}

std::string cli_child::err() const {
    return read_text(scratch_ / "stderr");
}

bool wait_for_file_size(const std::filesystem::path& file,
                        std::uintmax_t bytes,
                        std::chrono::seconds limit) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < deadline) {
        std::error_code error;
        const auto size = std::filesystem::file_size(file, error);
        if (!error && size >= bytes) {
            return true;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return false;
}

} // namespace spark::test
