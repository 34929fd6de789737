// SPDX-License-Identifier: Apache-2.0
#include "config/regular_file.hpp"

#include <sys/stat.h>

namespace spark::runtime::detail {

std::string regular_file_problem(const std::filesystem::path& file) {
    struct stat info {};
    if (::stat(file.c_str(), &info) != 0) { // follows symbolic links, opens nothing
        return "cannot open the file; check the path";
    }
    const auto mode = info.st_mode;
    if (S_ISREG(mode)) {
        return {};
    }
    const std::string fix = "; give a regular file (special files have no end or block the reader)";
    if (S_ISDIR(mode)) {
        return "is a folder, not a file; give a file in it";
    }
    if (S_ISFIFO(mode)) {
        return "is a FIFO (named pipe), not a regular file" + fix;
    }
    if (S_ISCHR(mode)) {
        return "is a character device, not a regular file" + fix;
    }
    if (S_ISBLK(mode)) {
        return "is a block device, not a regular file" + fix;
    }
    if (S_ISSOCK(mode)) {
        return "is a socket, not a regular file" + fix;
    }
    return "is not a regular file" + fix;
}

} // namespace spark::runtime::detail
