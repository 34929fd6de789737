// SPDX-License-Identifier: Apache-2.0
#include "npy.hpp"

#include <array>
#include <bit>
#include <cstring>
#include <functional>
#include <iterator>
#include <numeric>

#include <spark/registry/errors.hpp>

namespace spark::cli {
namespace {

static_assert(std::endian::native == std::endian::little,
              ".npy files are read and written in the machine's byte order, little-endian here");

constexpr std::array<char, 6> magic = {'\x93', 'N', 'U', 'M', 'P', 'Y'};

[[noreturn]] void fail(const std::filesystem::path& file, const std::string& what) {
    throw spark::error(file.string() + ": " + what);
}

/// The value of `key` in the header dict, as its raw text up to the next top-level ',' or '}'.
std::string
dict_value(const std::string& header, const std::string& key, const std::filesystem::path& file) {
    const std::string quoted = "'" + key + "'";
    auto at = header.find(quoted);
    if (at == std::string::npos) {
        fail(file, "the header has no '" + key + "' entry");
    }
    at = header.find(':', at + quoted.size());
    if (at == std::string::npos) {
        fail(file, "the header's '" + key + "' entry has no value");
    }
    ++at;
    int depth = 0;
    std::string value;
    for (; at < header.size(); ++at) {
        const char c = header[at];
        if (c == '(' || c == '[') {
            ++depth;
        } else if (c == ')' || c == ']') {
            --depth;
        } else if ((c == ',' || c == '}') && depth == 0) {
            break;
        }
        value += c;
    }
    const auto first = value.find_first_not_of(" \t");
    const auto last = value.find_last_not_of(" \t");
    return first == std::string::npos ? std::string{} : value.substr(first, last - first + 1);
}

npy_type type_of(std::string descr, const std::filesystem::path& file) {
    if (descr.size() >= 2 && (descr.front() == '\'' || descr.front() == '"')) {
        descr = descr.substr(1, descr.size() - 2);
    }
    if (descr == "|u1" || descr == "<u1" || descr == "u1") {
        return npy_type::u8;
    }
    if (descr == "|b1" || descr == "b1") {
        return npy_type::b1;
    }
    if (descr == "<i4") {
        return npy_type::i32;
    }
    if (descr == "<i8") {
        return npy_type::i64;
    }
    if (descr == "<f4") {
        return npy_type::f32;
    }
    if (descr == "<f8") {
        return npy_type::f64;
    }
    fail(file,
         "element type '" + descr +
             "' is not supported; save it as float32, float64, int32, int64, uint8 or bool");
}

std::vector<std::uint64_t> shape_of(const std::string& text, const std::filesystem::path& file) {
    if (text.size() < 2 || text.front() != '(' || text.back() != ')') {
        fail(file, "the header's shape '" + text + "' is not a tuple");
    }
    std::vector<std::uint64_t> shape;
    std::string number;
    const auto flush = [&] {
        if (number.empty()) {
            return;
        }
        std::uint64_t value = 0;
        for (const char c : number) {
            const auto digit = static_cast<std::uint64_t>(c - '0');
            // A size beyond 2^64 - 1 would wrap around to a small one that the data then matches.
            if (c < '0' || c > '9' || value > (UINT64_MAX - digit) / 10) {
                fail(file, "the header's shape '" + text + "' is not a tuple of sizes");
            }
            value = value * 10 + digit;
        }
        shape.push_back(value);
        number.clear();
    };
    for (std::size_t i = 1; i + 1 < text.size(); ++i) {
        const char c = text[i];
        if (c == ',') {
            flush();
        } else if (c != ' ' && c != 'L') {
            number += c;
        }
    }
    flush();
    return shape;
}

} // namespace

std::uint32_t npy_type_size(npy_type type) noexcept {
    switch (type) {
    case npy_type::u8:
    case npy_type::b1:
        return 1;
    case npy_type::i32:
    case npy_type::f32:
        return 4;
    case npy_type::i64:
    case npy_type::f64:
        return 8;
    }
    return 0;
}

const char* npy_descr(npy_type type) noexcept {
    switch (type) {
    case npy_type::u8:
        return "|u1";
    case npy_type::b1:
        return "|b1";
    case npy_type::i32:
        return "<i4";
    case npy_type::i64:
        return "<i8";
    case npy_type::f32:
        return "<f4";
    case npy_type::f64:
        return "<f8";
    }
    return "";
}

std::uint64_t npy_array::count() const noexcept {
    std::uint64_t n = 1;
    for (const auto d : shape) {
        n *= d;
    }
    return n;
}

double npy_array::at(std::uint64_t i) const noexcept {
    const char* p = data.data() + i * npy_type_size(type);
    switch (type) {
    case npy_type::u8:
    case npy_type::b1:
        return static_cast<double>(static_cast<unsigned char>(*p));
    case npy_type::i32: {
        std::int32_t v = 0;
        std::memcpy(&v, p, sizeof v);
        return static_cast<double>(v);
    }
    case npy_type::i64: {
        std::int64_t v = 0;
        std::memcpy(&v, p, sizeof v);
        return static_cast<double>(v);
    }
    case npy_type::f32: {
        float v = 0;
        std::memcpy(&v, p, sizeof v);
        return static_cast<double>(v);
    }
    case npy_type::f64: {
        double v = 0;
        std::memcpy(&v, p, sizeof v);
        return v;
    }
    }
    return 0;
}

npy_array read_npy(const std::filesystem::path& file) {
    std::ifstream in(file, std::ios::binary);
    if (!in) {
        fail(file, "cannot open it");
    }
    // The header's lengths are checked against the file's size before anything is allocated: a
    // few bytes claiming a 4 GiB header or a petabyte of data must not exhaust memory.
    std::error_code size_error;
    const std::uint64_t file_bytes = std::filesystem::file_size(file, size_error);
    if (size_error) {
        fail(file, "cannot read its size (" + size_error.message() + ")");
    }
    std::array<char, 8> lead{};
    in.read(lead.data(), lead.size());
    if (in.gcount() != static_cast<std::streamsize>(lead.size()) ||
        !std::equal(magic.begin(), magic.end(), lead.begin())) {
        fail(file, "not a .npy file (it does not start with \\x93NUMPY)");
    }
    const auto major = static_cast<unsigned char>(lead[6]);
    std::uint32_t header_length = 0;
    if (major == 1) {
        std::array<unsigned char, 2> n{};
        in.read(reinterpret_cast<char*>(n.data()), 2);
        header_length = n[0] | (static_cast<std::uint32_t>(n[1]) << 8U);
    } else if (major == 2 || major == 3) {
        std::array<unsigned char, 4> n{};
        in.read(reinterpret_cast<char*>(n.data()), 4);
        header_length = n[0] | (static_cast<std::uint32_t>(n[1]) << 8U) |
                        (static_cast<std::uint32_t>(n[2]) << 16U) |
                        (static_cast<std::uint32_t>(n[3]) << 24U);
    } else {
        fail(file,
             ".npy format version " + std::to_string(major) + " is not supported (1 to 3 are)");
    }
    const std::uint64_t header_start = lead.size() + (major == 1 ? 2U : 4U);
    if (file_bytes < header_start + header_length) {
        fail(file, "the file ends inside its header");
    }
    std::string header(header_length, '\0');
    in.read(header.data(), header_length);
    if (in.gcount() != static_cast<std::streamsize>(header_length)) {
        fail(file, "the file ends inside its header");
    }
    npy_array array;
    array.type = type_of(dict_value(header, "descr", file), file);
    if (dict_value(header, "fortran_order", file) != "False") {
        fail(file, "Fortran-order arrays are not supported; save it in C order");
    }
    array.shape = shape_of(dict_value(header, "shape", file), file);
    // product(shape) * element size, refused as soon as it passes the data the file holds (so
    // that it cannot overflow either).
    const std::uint64_t data_bytes = file_bytes - header_start - header_length;
    std::uint64_t bytes = npy_type_size(array.type);
    for (const auto size : array.shape) {
        if (size != 0 && bytes > data_bytes / size) {
            fail(file,
                 "the file holds " + std::to_string(data_bytes) +
                     " bytes of data, its header's shape needs more");
        }
        bytes *= size;
    }
    array.data.resize(static_cast<std::size_t>(bytes));
    in.read(array.data.data(), static_cast<std::streamsize>(bytes));
    if (static_cast<std::uint64_t>(in.gcount()) != bytes) {
        fail(file,
             "the file holds " + std::to_string(in.gcount()) + " bytes of data, its header says " +
                 std::to_string(bytes));
    }
    return array;
}

npy_writer::npy_writer(const std::filesystem::path& file,
                       npy_type type,
                       std::uint64_t expected_rows,
                       std::vector<std::uint64_t> row_shape)
    : file_(file), type_(type), row_shape_(std::move(row_shape)),
      row_bytes_(static_cast<std::size_t>(
          std::accumulate(
              row_shape_.begin(), row_shape_.end(), std::uint64_t{1}, std::multiplies<>()) *
          npy_type_size(type))),
      out_(file, std::ios::binary | std::ios::trunc) {
    if (!out_) {
        fail(file, "cannot create it");
    }
    const std::string first = header(expected_rows);
    header_size_ = first.size();
    out_.write(first.data(), static_cast<std::streamsize>(first.size()));
}

std::string npy_writer::header(std::uint64_t rows) const {
    std::string dict = std::string("{'descr': '") + npy_descr(type_) +
                       "', 'fortran_order': False, 'shape': (" + std::to_string(rows);
    for (const auto d : row_shape_) {
        dict += ", " + std::to_string(d);
    }
    dict += "), }";
    // Version 1.0: magic, 2 version bytes, 2 length bytes, then the dict padded with spaces and
    // ended by '\n' so that the data starts 64-byte aligned. A later rewrite with fewer rows
    // keeps the first header's size.
    std::size_t total = magic.size() + 4 + dict.size() + 1;
    total = (total + 63) / 64 * 64;
    if (header_size_ != 0) {
        total = header_size_;
    }
    const std::size_t dict_size = total - magic.size() - 4;
    dict.resize(dict_size - 1, ' ');
    dict += '\n';
    std::string text(magic.begin(), magic.end());
    text += '\x01';
    text += '\x00';
    text += static_cast<char>(dict_size & 0xFFU);
    text += static_cast<char>((dict_size >> 8U) & 0xFFU);
    return text + dict;
}

void npy_writer::append(const void* row) {
    out_.write(static_cast<const char*>(row), static_cast<std::streamsize>(row_bytes_));
    ++rows_;
}

void npy_writer::finish() {
    if (!out_.is_open()) {
        return;
    }
    out_.seekp(0);
    const std::string last = header(rows_);
    out_.write(last.data(), static_cast<std::streamsize>(last.size()));
    out_.close();
    if (out_.fail()) {
        fail(file_, "cannot write it (disk full?)");
    }
}

} // namespace spark::cli
