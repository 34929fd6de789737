// SPDX-License-Identifier: Apache-2.0
#include "atomic_file.hpp"

#include <cerrno>
#include <fcntl.h>
#include <system_error>
#include <unistd.h>
#include <utility>

#include "text.hpp"

#include <sys/file.h>
#include <sys/stat.h>

namespace spark::runtime::detail {

atomic_file_error::atomic_file_error(std::filesystem::path file, std::string reason)
    : spark::error(file.string() + ": " + reason), file_(std::move(file)),
      reason_(std::move(reason)) {}

std::filesystem::path temporary_path_of(const std::filesystem::path& file) {
    auto temporary = file;
    temporary += ".partial";
    return temporary;
}

atomic_file_writer::atomic_file_writer(std::filesystem::path file)
    : file_(std::move(file)), temporary_(temporary_path_of(file_)) {
    std::error_code error;
    const auto folder = file_.parent_path();
    if (!folder.empty()) {
        std::filesystem::create_directories(folder, error);
        if (error) {
            throw atomic_file_error(file_, "cannot create its folder: " + error.message());
        }
    }
    // Write next to the target (a rename is atomic only within one file system). The lock tells
    // a live writer of the same file from a dead one's leftover, which is taken over; after
    // locking, the name must still be the file locked (another writer may have renamed it away
    // in between), else try again.
    for (int attempt = 0; attempt < 100; ++attempt) {
        const int descriptor = ::open(temporary_.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0666);
        if (descriptor < 0) {
            throw atomic_file_error(file_,
                                    "cannot create the temporary file " + temporary_.string() +
                                        ": " + errno_text(errno) +
                                        " (no permission for its folder?)");
        }
        if (::flock(descriptor, LOCK_EX | LOCK_NB) != 0) {
            const int code = errno;
            ::close(descriptor);
            if (code == EWOULDBLOCK) {
                throw atomic_file_error(file_,
                                        "another process is writing it (" + temporary_.string() +
                                            " is locked); wait for it or write another file");
            }
            throw atomic_file_error(file_,
                                    "cannot lock the temporary file " + temporary_.string() + ": " +
                                        errno_text(code));
        }
        struct ::stat opened {};
        struct ::stat named {};
        if (::fstat(descriptor, &opened) == 0 && ::stat(temporary_.c_str(), &named) == 0 &&
            opened.st_dev == named.st_dev && opened.st_ino == named.st_ino) {
            if (::ftruncate(descriptor, 0) != 0) {
                const int code = errno;
                ::close(descriptor);
                throw atomic_file_error(file_,
                                        "cannot empty the temporary file " + temporary_.string() +
                                            ": " + errno_text(code));
            }
            descriptor_ = descriptor;
            return;
        }
        ::close(descriptor);
    }
    throw atomic_file_error(file_,
                            "cannot take the temporary file " + temporary_.string() +
                                ": other writers keep replacing it");
}

atomic_file_writer::~atomic_file_writer() {
    if (descriptor_ >= 0) {
        // Removed while still locked, so that no other writer takes it over in between.
        std::error_code ignored;
        std::filesystem::remove(temporary_, ignored);
        ::close(descriptor_);
    }
}

void atomic_file_writer::abandon(const std::string& reason) {
    std::error_code ignored;
    std::filesystem::remove(temporary_, ignored);
    ::close(descriptor_);
    descriptor_ = -1;
    throw atomic_file_error(file_, reason);
}

void atomic_file_writer::write(const void* data, std::size_t size) {
    if (descriptor_ < 0) {
        throw atomic_file_error(file_,
                                "cannot write the file: the writer was abandoned or committed");
    }
    const auto* bytes = static_cast<const char*>(data);
    for (std::size_t done = 0; done < size;) {
        const ::ssize_t n = ::write(descriptor_, bytes + done, size - done);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            const int code = n < 0 ? errno : ENOSPC;
            abandon("cannot write the file: " + errno_text(code) + " (disk full?)");
        }
        done += static_cast<std::size_t>(n);
        written_ += static_cast<std::uint64_t>(n);
    }
}

void atomic_file_writer::commit() {
    if (descriptor_ < 0) {
        throw atomic_file_error(file_,
                                "cannot commit the file: the writer was abandoned or committed");
    }
    if (::fsync(descriptor_) != 0) {
        abandon("cannot flush the file to the disk: " + errno_text(errno));
    }
    std::error_code error;
    std::filesystem::rename(temporary_, file_, error);
    if (error) {
        abandon("cannot replace the file: " + error.message());
    }
    // Closed only now, so that the lock covers the temporary until it is the target. fsync has
    // flushed every byte, so close has nothing left to report.
    ::close(descriptor_);
    descriptor_ = -1;
    // Make the rename itself durable. Best effort: the new file is in place whatever happens here,
    // so a failure must not be reported as a failed write.
    const auto folder =
        file_.parent_path().empty() ? std::filesystem::path(".") : file_.parent_path();
    if (const int folder_descriptor = ::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        folder_descriptor >= 0) {
        ::fsync(folder_descriptor);
        ::close(folder_descriptor);
    }
}

} // namespace spark::runtime::detail
