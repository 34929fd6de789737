// SPDX-License-Identifier: Apache-2.0
// Standard output that reports its failures: std::cout through a buffer of ours that remembers
// the first write error (ENOSPC on a full disk or /dev/full, EPIPE, EIO) with its reason, so that
// the CLI can end with an error instead of exit status 0 when its output was lost.
#pragma once
#include <streambuf>
#include <string>
#include <vector>

namespace spark::cli {

/// While it lives, std::cout writes through it to file descriptor 1: line by line on a terminal
/// (output appears as it is printed), in 64 KiB blocks otherwise.
class checked_stdout : private std::streambuf {
public:
    checked_stdout();
    ~checked_stdout() override; // flushes, and gives std::cout its own buffer back
    checked_stdout(const checked_stdout&) = delete;
    checked_stdout& operator=(const checked_stdout&) = delete;

    /// Writes what is buffered. True when everything printed so far reached stdout; otherwise
    /// false, and reason() says why.
    bool flush();
    /// The operating system's reason for the first failed write ("No space left on device").
    [[nodiscard]] const std::string& reason() const noexcept { return reason_; }

private:
    int_type overflow(int_type c) override;
    std::streamsize xsputn(const char* text, std::streamsize count) override;
    int sync() override;
    void write_out();

    std::vector<char> buffer_;
    bool line_buffered_;
    std::string reason_; // empty while every write succeeded
    std::streambuf* previous_;
};

} // namespace spark::cli
