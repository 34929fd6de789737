// SPDX-License-Identifier: Apache-2.0
// `spark` started as a child process that the test controls while it runs: signals sent in the
// middle of a run, a file size limit (RLIMIT_FSIZE) that makes its writes fail, stdout sent to a
// chosen file such as /dev/full, and a bounded wait, so that a broken CLI fails the test instead
// of hanging it.
#pragma once
#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "fixtures.hpp"

#include <sys/types.h>

namespace spark::test {

struct child_options {
    /// When set, the child's file size limit in bytes, with SIGXFSZ ignored: a write beyond it
    /// fails with EFBIG instead of killing the process.
    std::optional<std::uint64_t> file_size_limit;
    /// Where the child's stdout goes; a scratch file (see out()) when empty.
    std::filesystem::path stdout_file;
    /// A program that starts spark, and its arguments before spark's path ("mpirun", "-n",
    /// "2"); empty to start spark itself.
    std::vector<std::string> launcher;
};

class cli_child {
public:
    /// Starts the spark CLI (through options.launcher, when given) with
    /// spark_cli_arguments(arguments). Throws std::runtime_error when it cannot be started.
    explicit cli_child(const std::vector<std::string>& arguments, child_options options = {});
    ~cli_child(); // kills the child if it still runs
    cli_child(const cli_child&) = delete;
    cli_child& operator=(const cli_child&) = delete;

    void send(int signal) const;
    [[nodiscard]] pid_t pid() const noexcept { return pid_; }
    /// Waits for the child to end: its exit status, 128 + N when signal N killed it, or
    /// std::nullopt when it still ran after `limit` (it is then killed).
    std::optional<int> wait(std::chrono::seconds limit);
    [[nodiscard]] std::string out() const;
    [[nodiscard]] std::string err() const;

private:
    scratch_dir scratch_;
    std::filesystem::path out_file_;
    pid_t pid_ = -1;
};

/// Waits up to `limit` until `file` exists and holds at least `bytes` bytes.
bool wait_for_file_size(const std::filesystem::path& file,
                        std::uintmax_t bytes,
                        std::chrono::seconds limit);

} // namespace spark::test
