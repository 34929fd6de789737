// SPDX-License-Identifier: Apache-2.0
// Options of `.scfg` files, for brain and module configs alike: how they are written, and how much
// a reader accepts.
#pragma once
#include <cstdint>

namespace spark::runtime {

/// How `to_file` writes a `.scfg` file. Readers detect xz by its magic bytes, whatever the suffix.
enum class file_compression {
    none, // plain JSON (upstream af523a5)
    xz,   // xz-compressed JSON (upstream HEAD's `to_file(..., compress=True)`)
};

/// What a reader accepts before it refuses a file (a brain file is kilobytes to a few MiB;
/// the limits stop a damaged or hostile file from exhausting memory).
struct file_limits {
    std::uint64_t max_file_bytes = 64ULL * 1024 * 1024;  // the file on disk
    std::uint64_t max_text_bytes = 256ULL * 1024 * 1024; // its JSON, after decompression
    std::uint32_t max_depth = 64;                        // JSON nesting (arrays and objects)
};

} // namespace spark::runtime
