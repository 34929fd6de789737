// SPDX-License-Identifier: Apache-2.0
// The readers under fuzzing take file paths (they check sizes, magic bytes and permissions
// before parsing), so each input is written to one scratch file per fuzzing process and read
// back through the real reader: what is fuzzed is exactly what `spark` runs on a user's file.
#pragma once
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <unistd.h>

namespace spark::fuzz {

/// Writes `data` to this process's scratch file named `suffix` and returns its path. libFuzzer
/// runs inputs one at a time per process, so one file per process and suffix is enough.
inline std::filesystem::path
write_input(const std::uint8_t* data, std::size_t size, const std::string& suffix) {
    const auto path = std::filesystem::temp_directory_path() /
                      ("spark-fuzz-" + std::to_string(::getpid()) + suffix);
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
    out.close();
    if (!out) {
        // A full /tmp is the machine's problem, not a finding: stop loudly instead of fuzzing
        // nothing.
        std::abort();
    }
    return path;
}

} // namespace spark::fuzz
