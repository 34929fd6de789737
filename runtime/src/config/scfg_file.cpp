// SPDX-License-Identifier: Apache-2.0
#include "config/scfg_file.hpp"

#include <array>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <lzma.h>
#include <system_error>
#include <vector>

#include <spark/runtime/errors.hpp>

#include "atomic_file.hpp"

namespace spark::runtime::detail {
namespace {

constexpr std::string_view xz_magic("\xFD"
                                    "7zXZ\0",
                                    6);

[[noreturn]] void fail(const std::filesystem::path& file, const std::string& message) {
    throw config_error({{file.string(), message}});
}

std::string mebibytes(std::uint64_t bytes) {
    return std::to_string(bytes / (1024 * 1024)) + " MiB";
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
        text.append(chunk.data(), chunk.size() - z.avail_out);
        if (text.size() > limits.max_text_bytes) {
            fail(file,
                 "decompresses to more than " + mebibytes(limits.max_text_bytes) +
                     " of JSON; a brain file is far smaller (raise file_limits::max_text_bytes "
                     "if it really is this large)");
        }
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
                 "needs more than " + mebibytes(decoder_memory) +
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
    std::error_code error;
    const auto status = std::filesystem::status(file, error);
    if (error || !std::filesystem::exists(status)) {
        fail(file, "cannot open the file; check the path");
    }
    if (std::filesystem::is_directory(status)) {
        fail(file, "is a folder, not a brain file");
    }
    const auto size = std::filesystem::file_size(file, error);
    if (!error && size > limits.max_file_bytes) {
        fail(file,
             "is " + mebibytes(size) + ", more than the " + mebibytes(limits.max_file_bytes) +
                 " a brain file may have (raise file_limits::max_file_bytes if it really is this "
                 "large)");
    }
    std::ifstream in(file, std::ios::binary);
    if (!in) {
        fail(file, "cannot open the file; check its permissions");
    }
    std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (in.bad()) {
        fail(file, "cannot read the file");
    }
    if (std::string_view(bytes).substr(0, xz_magic.size()) == xz_magic) {
        return xz_decompress(file, bytes, limits);
    }
    if (bytes.size() > limits.max_text_bytes) {
        fail(file, "holds more than " + mebibytes(limits.max_text_bytes) + " of JSON");
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
