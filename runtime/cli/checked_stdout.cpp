// SPDX-License-Identifier: Apache-2.0
#include "checked_stdout.hpp"

#include <algorithm>
#include <cerrno>
#include <iostream>
#include <unistd.h>

#include "text.hpp"

namespace spark::cli {
namespace {

constexpr std::size_t block_bytes = 64 * 1024;

} // namespace

checked_stdout::checked_stdout()
    : line_buffered_(::isatty(STDOUT_FILENO) != 0), previous_(std::cout.rdbuf(this)) {
    buffer_.reserve(block_bytes);
}

checked_stdout::~checked_stdout() {
    (void)flush();
    std::cout.rdbuf(previous_);
}

bool checked_stdout::flush() {
    write_out();
    return reason_.empty();
}

void checked_stdout::write_out() {
    std::size_t written = 0;
    while (written < buffer_.size() && reason_.empty()) {
        const ::ssize_t n =
            ::write(STDOUT_FILENO, buffer_.data() + written, buffer_.size() - written);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            reason_ = n < 0 ? runtime::detail::errno_text(errno) : "the write made no progress";
            break;
        }
        written += static_cast<std::size_t>(n);
    }
    // After a failure the rest is dropped: it cannot reach stdout either, and the error is kept.
    buffer_.clear();
}

checked_stdout::int_type checked_stdout::overflow(int_type c) {
    if (!traits_type::eq_int_type(c, traits_type::eof())) {
        const char ch = traits_type::to_char_type(c);
        (void)xsputn(&ch, 1);
    }
    return traits_type::not_eof(c);
}

std::streamsize checked_stdout::xsputn(const char* text, std::streamsize count) {
    buffer_.insert(buffer_.end(), text, text + count);
    const bool line_done = line_buffered_ && std::find(text, text + count, '\n') != text + count;
    if (line_done || buffer_.size() >= block_bytes) {
        write_out();
    }
    return count; // the stream stays good: the failure is reported once, at the end
}

int checked_stdout::sync() {
    write_out();
    return 0;
}

} // namespace spark::cli
