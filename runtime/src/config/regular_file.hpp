// SPDX-License-Identifier: Apache-2.0
// Reading only regular files: a special file (/dev/zero, a FIFO, a socket, a device) has no end or
// blocks the reader, so every file the runtime and the CLI read (brain, module config and neuron
// files, .npy and CSV inputs) is checked by type before it is opened.
#pragma once
#include <filesystem>
#include <string>

namespace spark::runtime::detail {

/// Why `file` cannot be read as a file, or "" when it is a regular file (after following
/// symbolic links): "does not exist; check the path", "is a folder, not a file", "is a FIFO
/// (named pipe), not a regular file; ...". Never opens the file, so a FIFO cannot block.
[[nodiscard]] std::string regular_file_problem(const std::filesystem::path& file);

} // namespace spark::runtime::detail
