// SPDX-License-Identifier: Apache-2.0
#include "npy.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <functional>
#include <iterator>
#include <numeric>
#include <optional>
#include <unistd.h>

#include <spark/registry/errors.hpp>

#include "config/regular_file.hpp"
#include "text.hpp"

namespace spark::cli {

using runtime::detail::errno_text;
namespace {

static_assert(std::endian::native == std::endian::little,
              ".npy files are read and written in the machine's byte order, little-endian here");

constexpr std::array<char, 6> magic = {'\x93', 'N', 'U', 'M', 'P', 'Y'};

// How many bytes of rows npy_writer keeps before handing them to the operating system.
constexpr std::size_t block_bytes = 64 * 1024;

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

namespace {

/// An opened .npy file: its header dict and the stream at the first data byte.
struct npy_opened {
    std::ifstream in;
    std::string header;
    std::uint64_t data_bytes = 0; // what the file holds after the header
};

npy_opened open_npy(const std::filesystem::path& file) {
    // By type before opening: a FIFO would block the open, /dev/zero never ends.
    if (const auto problem = runtime::detail::regular_file_problem(file); !problem.empty()) {
        fail(file, problem);
    }
    npy_opened opened;
    auto& in = opened.in;
    in.open(file, std::ios::binary);
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
    opened.header.assign(header_length, '\0');
    in.read(opened.header.data(), header_length);
    if (in.gcount() != static_cast<std::streamsize>(header_length)) {
        fail(file, "the file ends inside its header");
    }
    if (dict_value(opened.header, "fortran_order", file) != "False") {
        fail(file, "Fortran-order arrays are not supported; save it in C order");
    }
    opened.data_bytes = file_bytes - header_start - header_length;
    return opened;
}

/// Reads product(shape) * item_bytes bytes of data, refused as soon as they pass the data the
/// file holds (so that the product cannot overflow either).
std::vector<char> read_data(npy_opened& opened,
                            const std::vector<std::uint64_t>& shape,
                            std::uint64_t item_bytes,
                            const std::filesystem::path& file) {
    std::uint64_t bytes = item_bytes;
    for (const auto size : shape) {
        if (size != 0 && bytes > opened.data_bytes / size) {
            fail(file,
                 "the file holds " + std::to_string(opened.data_bytes) +
                     " bytes of data, its header's shape needs more");
        }
        bytes *= size;
    }
    std::vector<char> data(static_cast<std::size_t>(bytes));
    opened.in.read(data.data(), static_cast<std::streamsize>(bytes));
    if (static_cast<std::uint64_t>(opened.in.gcount()) != bytes) {
        fail(file,
             "the file holds " + std::to_string(opened.in.gcount()) +
                 " bytes of data, its header says " + std::to_string(bytes));
    }
    return data;
}

/// Reads a quoted Python string ('...' or "...") at `at`, moving past it.
std::string quoted_at(const std::string& text, std::size_t& at, const std::filesystem::path& file) {
    if (at >= text.size() || (text[at] != '\'' && text[at] != '"')) {
        fail(file, "the header's descr '" + text + "' is not a list of (name, type, shape)");
    }
    const char quote = text[at];
    const auto end = text.find(quote, at + 1);
    if (end == std::string::npos) {
        fail(file, "the header's descr '" + text + "' has an unclosed string");
    }
    std::string value = text.substr(at + 1, end - at - 1);
    at = end + 1;
    return value;
}

void skip_spaces(const std::string& text, std::size_t& at) {
    while (at < text.size() && text[at] == ' ') {
        ++at;
    }
}

void expect(const std::string& text, std::size_t& at, char c, const std::filesystem::path& file) {
    skip_spaces(text, at);
    if (at >= text.size() || text[at] != c) {
        fail(file,
             "the header's descr '" + text + "' is not a list of (name, type[, shape]) tuples");
    }
    ++at;
    skip_spaces(text, at);
}

/// The fields of a structured descr "[('a', '|u1', (8,)), ('b', '<f4')]".
std::vector<npy_record_field> record_fields(const std::string& descr,
                                            const std::filesystem::path& file,
                                            std::uint64_t& itemsize) {
    std::vector<npy_record_field> fields;
    std::size_t at = 0;
    expect(descr, at, '[', file);
    itemsize = 0;
    while (at < descr.size() && descr[at] != ']') {
        expect(descr, at, '(', file);
        npy_record_field field;
        field.name = quoted_at(descr, at, file);
        expect(descr, at, ',', file);
        const std::string type = quoted_at(descr, at, file);
        skip_spaces(descr, at);
        if (descr.compare(at, 1, ",") == 0) {
            ++at;
            skip_spaces(descr, at);
            const auto close = descr.find(')', at);
            if (close == std::string::npos) {
                fail(file, "the header's descr '" + descr + "' has an unclosed shape");
            }
            std::string shape = descr.substr(at, close + 1 - at);
            at = close + 1;
            if (shape.front() != '(') { // a bare count, "8": a 1-tuple
                shape = "(" + shape.substr(0, shape.size() - 1) + ",)";
                --at;
            }
            field.shape = shape_of(shape, file);
        }
        expect(descr, at, ')', file);
        if (descr.compare(at, 1, ",") == 0) {
            ++at;
            skip_spaces(descr, at);
        }
        std::uint64_t elements = 1;
        for (const auto d : field.shape) {
            if (d != 0 && elements > UINT32_MAX / d) {
                fail(file, "field '" + field.name + "' has too many elements per row");
            }
            elements *= d;
        }
        if (field.name.empty() && type.size() >= 2 && type[1] == 'V') {
            // NumPy's padding of an aligned dtype ('', '|V4'): bytes to skip.
            itemsize += elements * std::stoull(type.substr(2));
            continue;
        }
        try {
            field.type = type_of("'" + type + "'", file);
        } catch (const spark::error&) {
            fail(file,
                 "field '" + field.name + "' has element type '" + type +
                     "', which is not supported; use uint8 ('u1'), int32 ('<i4'), float32 "
                     "('<f4') or float64 ('<f8')");
        }
        field.offset = itemsize;
        itemsize += elements * npy_type_size(field.type);
        fields.push_back(std::move(field));
    }
    if (at >= descr.size()) {
        fail(file, "the header's descr '" + descr + "' is not a closed list");
    }
    return fields;
}

} // namespace

npy_array read_npy(const std::filesystem::path& file) {
    auto opened = open_npy(file);
    npy_array array;
    const std::string descr = dict_value(opened.header, "descr", file);
    if (!descr.empty() && descr.front() == '[') {
        fail(file,
             "it holds a structured array (one field per name); save a plain array of one "
             "element type");
    }
    array.type = type_of(descr, file);
    array.shape = shape_of(dict_value(opened.header, "shape", file), file);
    array.data = read_data(opened, array.shape, npy_type_size(array.type), file);
    return array;
}

npy_records read_npy_records(const std::filesystem::path& file) {
    auto opened = open_npy(file);
    npy_records records;
    const std::string descr = dict_value(opened.header, "descr", file);
    if (descr.empty() || descr.front() != '[') {
        fail(file,
             "it holds a plain array (descr " + descr +
                 "), not a structured one: save one named field per port, e.g. numpy.zeros(steps, "
                 "dtype=[('in_spikes', 'u1', (8,)), ('out_spikes', 'u1', (8,))])");
    }
    records.fields = record_fields(descr, file, records.itemsize);
    const auto shape = shape_of(dict_value(opened.header, "shape", file), file);
    if (shape.size() != 1) {
        fail(file,
             "its shape has " + std::to_string(shape.size()) +
                 " dimensions; a trace is 1-d, one row per step (shape (steps,)), each field "
                 "holding one step's values");
    }
    if (records.itemsize == 0) {
        fail(file, "its rows hold no bytes; give each port a field");
    }
    records.rows = shape[0];
    records.data = read_data(opened, shape, records.itemsize, file);
    return records;
}

namespace {

/// Writes all of `bytes` at the current offset (pwrite's at `offset` when it is not negative),
/// retrying after a signal. Returns 0, or the errno of the failure (EIO for a write that makes
/// no progress); `written` says how many bytes made it.
int write_all(
    int descriptor, const char* bytes, std::size_t size, std::size_t& written, off_t offset = -1) {
    written = 0;
    while (written < size) {
        const ::ssize_t n = offset < 0 ? ::write(descriptor, bytes + written, size - written)
                                       : ::pwrite(descriptor,
                                                  bytes + written,
                                                  size - written,
                                                  offset + static_cast<off_t>(written));
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0) {
            return errno;
        }
        if (n == 0) {
            return EIO;
        }
        written += static_cast<std::size_t>(n);
    }
    return 0;
}

} // namespace

namespace {

/// "(3,)", "(3, 4)", "()": a Python tuple.
std::string tuple_text(const std::vector<std::uint64_t>& values) {
    std::string text = "(";
    for (std::size_t i = 0; i < values.size(); ++i) {
        text += (i > 0 ? ", " : "") + std::to_string(values[i]);
    }
    return text + (values.size() == 1 ? ",)" : ")");
}

} // namespace

std::string
npy_header(const std::string& descr, const std::vector<std::uint64_t>& shape, std::size_t size) {
    std::string dict =
        "{'descr': " + descr + ", 'fortran_order': False, 'shape': " + tuple_text(shape) + ", }";
    // Magic, 2 version bytes, 2 (1.0) or 4 (2.0) length bytes, then the dict padded with spaces
    // and ended by '\n' so that the data starts 64-byte aligned; 2.0 when the padded dict may
    // pass 1.0's 65535 bytes.
    const std::size_t length_bytes = dict.size() + 64 > 65535 ? 4 : 2;
    const std::size_t lead = magic.size() + 2 + length_bytes;
    std::size_t total = size != 0 ? size : (lead + dict.size() + 1 + 63) / 64 * 64;
    if (total < lead + dict.size() + 1) {
        throw spark::error("a .npy header of " + std::to_string(lead + dict.size() + 1) +
                           " bytes does not fit in " + std::to_string(total));
    }
    const std::size_t dict_size = total - lead;
    dict.resize(dict_size - 1, ' ');
    dict += '\n';
    std::string text(magic.begin(), magic.end());
    text += length_bytes == 2 ? '\x01' : '\x02';
    text += '\x00';
    for (std::size_t b = 0; b < length_bytes; ++b) {
        text += static_cast<char>((dict_size >> (8U * b)) & 0xFFU);
    }
    return text + dict;
}

std::string npy_records_file(const npy_records& records) {
    std::string descr = "[";
    std::uint64_t offset = 0;
    for (std::size_t f = 0; f < records.fields.size(); ++f) {
        const auto& field = records.fields[f];
        if (field.offset != offset) {
            throw spark::error("field '" + field.name + "' is at byte " +
                               std::to_string(field.offset) + " of a row, expected " +
                               std::to_string(offset) + ": rows are written without gaps");
        }
        std::uint64_t elements = 1;
        for (const auto d : field.shape) {
            elements *= d;
        }
        offset += elements * npy_type_size(field.type);
        descr += (f > 0 ? ", " : "") + ("('" + field.name + "', '" + npy_descr(field.type) + "'");
        descr += (field.shape.empty() ? "" : ", " + tuple_text(field.shape)) + ")";
    }
    descr += "]";
    if (offset != records.itemsize || records.data.size() != records.rows * records.itemsize) {
        throw spark::error("the rows hold " + std::to_string(records.data.size()) +
                           " bytes, their fields say " + std::to_string(records.rows * offset));
    }
    return npy_header(descr, {records.rows}) +
           std::string(records.data.begin(), records.data.end());
}

write_error::write_error(std::filesystem::path file, std::string reason)
    : spark::error("cannot write " + file.string() + ": " + reason), file_(std::move(file)),
      reason_(std::move(reason)) {}

npy_writer::npy_writer(const std::filesystem::path& file,
                       npy_type type,
                       std::uint64_t expected_rows,
                       std::vector<std::uint64_t> row_shape)
    : file_(file), type_(type), row_shape_(std::move(row_shape)), expected_rows_(expected_rows),
      row_bytes_(static_cast<std::size_t>(
          std::accumulate(
              row_shape_.begin(), row_shape_.end(), std::uint64_t{1}, std::multiplies<>()) *
          npy_type_size(type))) {
    descriptor_ = ::open(file.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
    if (descriptor_ < 0) {
        throw write_error(file_, "cannot create it: " + errno_text(errno));
    }
    const std::string first = header(expected_rows);
    header_size_ = first.size();
    std::size_t written = 0;
    if (const int failure = write_all(descriptor_, first.data(), first.size(), written);
        failure != 0) {
        ::close(descriptor_);
        descriptor_ = -1;
        throw write_error(file_, errno_text(failure));
    }
    file_bytes_ = header_size_;
    block_.resize(std::max(block_bytes, row_bytes_));
}

npy_writer::~npy_writer() {
    if (descriptor_ >= 0) {
        ::close(descriptor_);
    }
}

std::string npy_writer::header(std::uint64_t rows) const {
    std::vector<std::uint64_t> shape{rows};
    shape.insert(shape.end(), row_shape_.begin(), row_shape_.end());
    // A later rewrite with fewer rows (never more: append refuses them) keeps the first header's
    // size, so it fits in place.
    return npy_header(std::string("'") + npy_descr(type_) + "'", shape, header_size_);
}

void npy_writer::append(const void* row) {
    if (descriptor_ < 0 || failed_) {
        throw write_error(file_, "an earlier write to it failed");
    }
    if (rows_ == expected_rows_) {
        throw write_error(file_,
                          "more rows than the " + std::to_string(expected_rows_) +
                              " its header was written for");
    }
    if (block_used_ + row_bytes_ > block_.size()) {
        write_block();
    }
    std::memcpy(block_.data() + block_used_, row, row_bytes_);
    block_used_ += row_bytes_;
    ++rows_;
}

void npy_writer::write_block() {
    std::size_t written = 0;
    const int failure = write_all(descriptor_, block_.data(), block_used_, written);
    file_bytes_ += written;
    block_used_ = 0;
    if (failure != 0) {
        // What is in the file counts, a row cut short excepted (finish() cuts it).
        failed_ = true;
        rows_ = (file_bytes_ - header_size_) / row_bytes_;
        throw write_error(file_, errno_text(failure));
    }
}

void npy_writer::finish(std::uint64_t max_rows) {
    if (descriptor_ < 0) {
        return;
    }
    std::optional<write_error> first_error;
    if (!failed_ && block_used_ > 0) {
        try {
            write_block();
        } catch (const write_error& e) {
            first_error = e;
        }
    }
    const int descriptor = descriptor_;
    descriptor_ = -1;
    int failure = 0;
    const char* what = "";
    const auto step = [&](const char* doing, int result) {
        if (failure == 0 && result != 0) {
            failure = result;
            what = doing;
        }
    };
    rows_ = std::min(rows_, max_rows);
    // Only whole rows count: a row cut short by a full disk or a size limit is removed.
    const auto data_end = static_cast<off_t>(header_size_ + rows_ * row_bytes_);
    step("cannot cut it to its whole rows", ::ftruncate(descriptor, data_end) == 0 ? 0 : errno);
    const std::string last = header(rows_);
    std::size_t written = 0;
    step("cannot rewrite its header", write_all(descriptor, last.data(), last.size(), written, 0));
    step("cannot flush it to the disk", ::fsync(descriptor) == 0 ? 0 : errno);
    step("cannot close it", ::close(descriptor) == 0 ? 0 : errno);
    if (first_error) {
        throw *first_error;
    }
    if (failure != 0) {
        throw write_error(file_, std::string(what) + ": " + errno_text(failure));
    }
}

} // namespace spark::cli
