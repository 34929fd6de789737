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
/// the limits stop a damaged or hostile file from exhausting memory: docs/file-format.md
/// section 11). Each is checked while reading, before the memory it guards is allocated; each
/// refusal names the file, the limit and the `spark` flag that raises it (in parentheses).
/// Parsed JSON takes about 16 bytes per value, so max_values, not the text size, bounds the
/// memory of a file of many small numbers (256 MiB of "0," would be 2 GiB of values).
struct file_limits {
    std::uint64_t max_file_bytes = 64ULL * 1024 * 1024;  // the file on disk (--max-file-size)
    std::uint64_t max_text_bytes = 256ULL * 1024 * 1024; // its JSON, decompressed (--max-json-size)
    std::uint32_t max_depth = 64;                        // JSON nesting (arrays and objects)
    std::uint64_t max_string_bytes =
        16ULL * 1024 * 1024;                        // any one string or key (--max-json-string)
    std::uint64_t max_values = 16ULL * 1024 * 1024; // JSON values in one file, so also the elements
                                                    // of any one array (--max-json-values)
};

} // namespace spark::runtime
