// SPDX-License-Identifier: Apache-2.0
#include "config/scfg_file.hpp"

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <fcntl.h>
#include <fstream>
#include <lzma.h>
#include <system_error>
#include <unistd.h>
#include <vector>

#include <spark/runtime/errors.hpp>

#include "atomic_file.hpp"
#include "config/message_text.hpp"
#include "config/regular_file.hpp"
#include "text.hpp"

#include <sys/stat.h>

namespace spark::runtime::detail {
namespace {

constexpr std::string_view xz_magic("\xFD"
                                    "7zXZ\0",
                                    6);

[[noreturn]] void fail(const std::filesystem::path& file, const std::string& message) {
    throw config_error({{file.string(), message}});
}

/// An lzma_stream that ends itself.
struct lzma_session {
    lzma_stream stream = LZMA_STREAM_INIT;
    lzma_session() = default;
    lzma_session(const lzma_session&) = delete;
    lzma_session& operator=(const lzma_session&) = delete;
    ~lzma_session() { lzma_end(&stream); }
};

std::string
xz_decompress(const std::filesystem::path& file, std::string_view data, const file_limits& limits) {
    lzma_session session;
    lzma_stream& z = session.stream;
    // A memory limit keeps a hostile header from reserving gigabytes; CONCATENATED reads every
    // stream of the file (as xz -d does).
    constexpr std::uint64_t decoder_memory = 256ULL * 1024 * 1024;
    if (lzma_stream_decoder(&z, decoder_memory, LZMA_CONCATENATED) != LZMA_OK) {
        fail(file, "cannot start the xz decoder (out of memory?)");
    }
    std::string text;
    std::array<char, 64 * 1024> chunk{};
    z.next_in = reinterpret_cast<const std::uint8_t*>(data.data());
    z.avail_in = data.size();
    for (;;) {
        z.next_out = reinterpret_cast<std::uint8_t*>(chunk.data());
        z.avail_out = chunk.size();
        const lzma_ret status = lzma_code(&z, LZMA_FINISH); // all input is here already
        const std::size_t produced = chunk.size() - z.avail_out;
        // Checked before the text grows, and the text grows by doubling only up to the limit:
        // an xz bomb costs at most the limit and one chunk, never the doubling past it.
        if (text.size() + produced > limits.max_text_bytes) {
            fail(file,
                 "decompresses to more than " + size_text(limits.max_text_bytes) +
                     " of JSON, the limit for a brain file's text; " +
                     raise_hint("max-json-size", "file_limits::max_text_bytes"));
        }
        if (text.size() + produced > text.capacity()) {
            text.reserve(static_cast<std::size_t>(std::min<std::uint64_t>(
                std::max<std::uint64_t>(2 * text.capacity(), text.size() + produced),
                limits.max_text_bytes)));
        }
        text.append(chunk.data(), produced);
        switch (status) {
        case LZMA_OK:
            continue;
        case LZMA_STREAM_END:
            return text;
        case LZMA_BUF_ERROR:
            fail(file,
                 "the xz data is truncated: the file ends inside its compressed stream; copy or "
                 "download it again");
        case LZMA_DATA_ERROR:
            fail(file,
                 "the xz data is corrupt (it does not decode); copy or download the file again");
        case LZMA_FORMAT_ERROR:
            fail(file, "starts like xz but has no valid xz header; the file is damaged");
        case LZMA_OPTIONS_ERROR:
            fail(file, "uses xz options this reader does not support; recompress it with `xz`");
        case LZMA_MEMLIMIT_ERROR:
            fail(file,
                 "needs more than " + size_text(decoder_memory) +
                     " to decompress; recompress it with a lower preset (`xz -6`)");
        case LZMA_MEM_ERROR:
            fail(file, "out of memory while decompressing");
        default:
            fail(file,
                 "the xz data failed its integrity check (xz status " +
                     std::to_string(static_cast<int>(status)) +
                     "); copy or download the file again");
        }
    }
}

/// At most `limit` + 1 bytes of the open regular file `descriptor` (one more than allowed tells
/// a file that grew since its size was read).
std::string read_bounded(const std::filesystem::path& file, int descriptor, std::uint64_t limit) {
    std::string bytes;
    std::array<char, 64 * 1024> chunk{};
    for (;;) {
        const std::uint64_t room = limit + 1 - bytes.size();
        const ::ssize_t n =
            ::read(descriptor,
                   chunk.data(),
                   static_cast<std::size_t>(std::min<std::uint64_t>(chunk.size(), room)));
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0) {
            fail(file, "cannot read the file: " + errno_text(errno));
        }
        if (n == 0) {
            return bytes;
        }
        bytes.append(chunk.data(), static_cast<std::size_t>(n));
        if (bytes.size() > limit) {
            return bytes;
        }
    }
}

/// Closes a file descriptor when it goes.
struct descriptor_guard {
    int descriptor;
    explicit descriptor_guard(int d) : descriptor(d) {}
    descriptor_guard(const descriptor_guard&) = delete;
    descriptor_guard& operator=(const descriptor_guard&) = delete;
    ~descriptor_guard() { ::close(descriptor); }
};

} // namespace

std::string xz_compress(std::string_view text, const std::filesystem::path& file) {
    lzma_session session;
    lzma_stream& z = session.stream;
    if (lzma_easy_encoder(&z, 6, LZMA_CHECK_CRC64) != LZMA_OK) {
        fail(file, "cannot start the xz encoder (out of memory?)");
    }
    std::string out;
    std::array<char, 64 * 1024> chunk{};
    z.next_in = reinterpret_cast<const std::uint8_t*>(text.data());
    z.avail_in = text.size();
    for (;;) {
        z.next_out = reinterpret_cast<std::uint8_t*>(chunk.data());
        z.avail_out = chunk.size();
        const lzma_ret status = lzma_code(&z, LZMA_FINISH);
        out.append(chunk.data(), chunk.size() - z.avail_out);
        if (status == LZMA_STREAM_END) {
            return out;
        }
        if (status != LZMA_OK) {
            fail(file,
                 "cannot compress the text (xz status " + std::to_string(static_cast<int>(status)) +
                     ")");
        }
    }
}

std::string read_scfg_text(const std::filesystem::path& file, const file_limits& limits) {
    // By type before opening: /dev/zero never ends and opening a FIFO blocks until a writer
    // comes.
    if (const auto problem = regular_file_problem(file); !problem.empty()) {
        fail(file, problem);
    }
    // O_NONBLOCK: a file swapped for a FIFO since the check still cannot block; fstat then
    // refuses it.
    const int descriptor = ::open(file.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (descriptor < 0) {
        fail(file, "cannot open the file: " + errno_text(errno) + "; check its permissions");
    }
    const descriptor_guard guard{descriptor};
    struct stat info {};
    if (::fstat(descriptor, &info) != 0 || !S_ISREG(info.st_mode)) {
        fail(file, "is not a regular file (it changed while being opened); give a regular file");
    }
    const auto too_large = [&](const std::string& size) {
        fail(file,
             "is " + size + ", more than the " + size_text(limits.max_file_bytes) +
                 " a brain file may have; " +
                 raise_hint("max-file-size", "file_limits::max_file_bytes"));
    };
    if (static_cast<std::uint64_t>(info.st_size) > limits.max_file_bytes) {
        too_large(size_text(static_cast<std::uint64_t>(info.st_size)));
    }
    const std::string bytes = read_bounded(file, descriptor, limits.max_file_bytes);
    if (bytes.size() > limits.max_file_bytes) {
        too_large("larger than its size said (it grows while being read)");
    }
    if (std::string_view(bytes).substr(0, xz_magic.size()) == xz_magic) {
        return xz_decompress(file, bytes, limits);
    }
    if (bytes.size() > limits.max_text_bytes) {
        fail(file,
             "holds more than " + size_text(limits.max_text_bytes) +
                 " of JSON, the limit for a brain file's text; " +
                 raise_hint("max-json-size", "file_limits::max_text_bytes"));
    }
    return bytes;
}

void write_file_atomically(const std::filesystem::path& file, std::string_view bytes) {
    try {
        atomic_file_writer writer(file);
        writer.write(bytes);
        writer.commit();
    } catch (const atomic_file_error& e) {
        fail(file, e.reason());
    }
}

void write_scfg_text(const std::filesystem::path& file,
                     std::string_view text,
                     file_compression compression) {
    if (compression == file_compression::xz) {
        write_file_atomically(file, xz_compress(text, file));
    } else {
        write_file_atomically(file, text);
    }
}

} // namespace spark::runtime::detail
