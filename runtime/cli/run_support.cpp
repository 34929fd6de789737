// SPDX-License-Identifier: Apache-2.0
#include "run_support.hpp"

#include <array>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>

#include <boost/json/serialize.hpp>
#include <openssl/evp.h>

#include <spark/registry/errors.hpp>

namespace spark::cli {

progress_bar::progress_bar(bool enabled, bool forced, style how, std::uint64_t total)
    : enabled_(enabled), forced_(forced), style_(how), total_(total),
      start_(std::chrono::steady_clock::now()), last_(start_) {}

void progress_bar::maybe_draw(std::uint64_t done) {
    const auto now = std::chrono::steady_clock::now();
    // At most 10 redraws a second; an automatic bar waits half a second so that short runs stay
    // quiet.
    if (now - last_ < std::chrono::milliseconds(100) ||
        (!forced_ && !shown_ && now - start_ < std::chrono::milliseconds(500))) {
        return;
    }
    if (style_ == style::lines) {
        if (done * 10 < next_tenth_ * total_) {
            return;
        }
        next_tenth_ = done * 10 / total_ + 1;
    }
    last_ = now;
    draw(done, std::chrono::duration<double>(now - start_).count());
}

void progress_bar::draw(std::uint64_t done, double elapsed) {
    constexpr int width = 30;
    const double fraction =
        total_ == 0 ? 1.0 : static_cast<double>(done) / static_cast<double>(total_);
    const int filled = static_cast<int>(fraction * width);
    const double rate = elapsed > 0 ? static_cast<double>(done) / elapsed : 0.0;
    std::string bar(static_cast<std::size_t>(filled), '#');
    bar.resize(width, '-');
    std::array<char, 160> line{};
    const double remaining = rate > 0 ? static_cast<double>(total_ - done) / rate : 0.0;
    std::snprintf(line.data(),
                  line.size(),
                  "[%s] %3d%%  %llu/%llu steps  %.0f steps/s  ETA %.1f s ",
                  bar.c_str(),
                  static_cast<int>(fraction * 100),
                  static_cast<unsigned long long>(done),
                  static_cast<unsigned long long>(total_),
                  rate,
                  remaining);
    if (style_ == style::bar) {
        std::cerr << '\r' << line.data() << std::flush;
    } else {
        std::cerr << line.data() << '\n' << std::flush;
    }
    shown_ = true;
}

void progress_bar::finish(std::uint64_t done) {
    if (!enabled_ || !(shown_ || forced_)) {
        return;
    }
    if (style_ == style::lines) {
        if (done * 10 >= next_tenth_ * total_) { // the last line is not out yet
            draw(done,
                 std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count());
        }
        return;
    }
    draw(done, std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count());
    std::cerr << '\n' << std::flush;
}

std::string sha256_of_file(const std::filesystem::path& file) {
    std::ifstream in(file, std::ios::binary);
    const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (!in && !in.eof()) {
        throw spark::error("cannot read " + file.string() + " to compute its SHA-256");
    }
    std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
    unsigned int length = 0;
    if (EVP_Digest(bytes.data(), bytes.size(), digest.data(), &length, EVP_sha256(), nullptr) !=
        1) {
        throw spark::error("SHA-256 (OpenSSL EVP) failed for " + file.string());
    }
    static constexpr const char* hex_digits = "0123456789abcdef";
    std::string hex;
    for (unsigned int i = 0; i < length; ++i) {
        hex.push_back(hex_digits[digest[i] >> 4U]);
        hex.push_back(hex_digits[digest[i] & 0x0FU]);
    }
    return hex;
}

namespace {

void pretty(std::ostream& out, const boost::json::value& value, const std::string& indent) {
    switch (value.kind()) {
    case boost::json::kind::object: {
        const auto& object = value.get_object();
        if (object.empty()) {
            out << "{}";
            return;
        }
        out << "{\n";
        const std::string inner = indent + "  ";
        bool first = true;
        for (const auto& entry : object) {
            out << (first ? "" : ",\n") << inner << boost::json::serialize(entry.key()) << ": ";
            pretty(out, entry.value(), inner);
            first = false;
        }
        out << '\n' << indent << '}';
        return;
    }
    case boost::json::kind::array: {
        const auto& array = value.get_array();
        // Short arrays of scalars (shapes, versions) stay on one line.
        bool scalars = array.size() <= 8;
        for (const auto& item : array) {
            scalars = scalars && !item.is_object() && !item.is_array();
        }
        if (array.empty() || scalars) {
            out << boost::json::serialize(value);
            return;
        }
        out << "[\n";
        const std::string inner = indent + "  ";
        bool first = true;
        for (const auto& item : array) {
            out << (first ? "" : ",\n") << inner;
            pretty(out, item, inner);
            first = false;
        }
        out << '\n' << indent << ']';
        return;
    }
    default:
        out << boost::json::serialize(value);
    }
}

} // namespace

std::string pretty_json(const boost::json::value& value) {
    std::ostringstream out;
    pretty(out, value, "");
    out << '\n';
    return out.str();
}

} // namespace spark::cli
