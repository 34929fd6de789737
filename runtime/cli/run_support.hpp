// SPDX-License-Identifier: Apache-2.0
// Pieces of `spark run` that are not about the brain: a progress bar, file hashing and JSON text.
#pragma once
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <string>

#include <boost/json/value.hpp>

namespace spark::cli {

/// Progress on stderr. On a terminal (or when forced) a one-line bar redrawn at most 10 times a
/// second; otherwise (a log, CI) one line at every tenth of the run. In automatic mode nothing
/// appears before a run has lasted half a second, so short runs print nothing.
class progress_bar {
public:
    enum class style { bar, lines };
    progress_bar(bool enabled, bool forced, style how, std::uint64_t total);
    /// `done` steps are complete. Cheap when nothing is drawn: one clock read.
    void update(std::uint64_t done) {
        if (enabled_) {
            maybe_draw(done);
        }
    }
    /// Draws the final state (when the bar was shown) and ends the line.
    void finish(std::uint64_t done);

private:
    void maybe_draw(std::uint64_t done);
    void draw(std::uint64_t done, double elapsed);

    bool enabled_;
    bool forced_;
    style style_;
    bool shown_ = false;
    std::uint64_t total_;
    std::uint64_t next_tenth_ = 1; // lines style: the next tenth of the run that prints a line
    std::chrono::steady_clock::time_point start_;
    std::chrono::steady_clock::time_point last_;
};

/// Lower-case hex SHA-256 of a file's bytes. Throws spark::error when it cannot be read.
[[nodiscard]] std::string sha256_of_file(const std::filesystem::path& file);

/// JSON text indented by 2 spaces per level, keys in insertion order, ending with a newline.
[[nodiscard]] std::string pretty_json(const boost::json::value& value);

} // namespace spark::cli
