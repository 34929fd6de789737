// SPDX-License-Identifier: Apache-2.0
// NumPy's .npy files (format versions 1.0 to 3.0, little-endian, C order): what `spark run`
// records and reads as input time series, and what `spark raster` draws. Standard tools read
// them (numpy.load), so recordings need no Spark code to analyse.
#pragma once
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include <spark/registry/errors.hpp>

namespace spark::cli {

/// The element types we read and write, by their NumPy descr ("<f4", "|u1", ...).
enum class npy_type { u8, b1, i32, i64, f32, f64 };

[[nodiscard]] std::uint32_t npy_type_size(npy_type type) noexcept;
[[nodiscard]] const char* npy_descr(npy_type type) noexcept;

/// A whole .npy file in memory.
struct npy_array {
    npy_type type = npy_type::f64;
    std::vector<std::uint64_t> shape;
    std::vector<char> data; // row-major, little-endian, product(shape) * npy_type_size(type) bytes

    [[nodiscard]] std::uint64_t count() const noexcept;
    /// Element i converted to double.
    [[nodiscard]] double at(std::uint64_t i) const noexcept;
};

/// Reads a .npy file. Throws spark::error naming the file and what is wrong with it.
[[nodiscard]] npy_array read_npy(const std::filesystem::path& file);

/// One named field of a structured array's rows.
struct npy_record_field {
    std::string name;
    npy_type type = npy_type::f64;
    std::vector<std::uint64_t> shape; // each row's shape of this field; empty: one element
    std::uint64_t offset = 0;         // bytes from a row's start
};

/// A whole 1-d structured .npy file in memory (a trace: one row per step, one field per port).
struct npy_records {
    std::uint64_t rows = 0;
    std::vector<npy_record_field> fields; // NumPy's padding fields ('', '|V..') left out
    std::uint64_t itemsize = 0;           // bytes per row
    std::vector<char> data;               // rows * itemsize bytes
};

/// Reads a 1-d structured .npy file whose fields are uint8, bool, int32, int64, float32 or
/// float64, each with a sub-shape or none. Throws spark::error naming the file and the problem.
[[nodiscard]] npy_records read_npy_records(const std::filesystem::path& file);

/// A .npy header (magic, version, length, dict) for `descr` (the dict's value as Python text: a
/// quoted type "'<f4'" or a structured list "[('in', '<f4', (8,))]") and `shape`, padded with
/// spaces so that the data starts 64-byte aligned, or to exactly `size` bytes when it is not 0
/// (a header rewritten in place; it must be large enough). Version 1.0, or 2.0 when the dict
/// needs more than 1.0's 65535 bytes.
[[nodiscard]] std::string
npy_header(const std::string& descr, const std::vector<std::uint64_t>& shape, std::size_t size = 0);

/// The whole .npy file of a 1-d structured array, the reverse of read_npy_records: its fields in
/// order, at their offsets (which must leave no gaps, as trace rows do), rows after the header.
[[nodiscard]] std::string npy_records_file(const npy_records& records);

/// Writing a file failed: the file and the operating system's reason ("No space left on
/// device", "File too large"). what() is "cannot write FILE: REASON".
class write_error : public spark::error {
public:
    write_error(std::filesystem::path file, std::string reason);
    [[nodiscard]] const std::filesystem::path& file() const noexcept { return file_; }
    [[nodiscard]] const std::string& reason() const noexcept { return reason_; }

private:
    std::filesystem::path file_;
    std::string reason_;
};

/// Writes an array of shape (rows, *row_shape) one row at a time, without holding it in memory.
/// Rows go to the operating system in blocks of about 64 KiB (a system call per row would cost
/// more than a small brain's step), so a full disk or a file size limit is reported by the append
/// that fills a block: at most 64 KiB of rows after the last row that fits. The header is written
/// first for `expected_rows`, padded to a fixed length so that finish() can rewrite it in place
/// with the rows the file really holds: a run that stops early, for whatever reason, still leaves
/// a file numpy reads.
class npy_writer {
public:
    /// Creates (or truncates) `file`. Throws write_error when it cannot be created or written.
    npy_writer(const std::filesystem::path& file,
               npy_type type,
               std::uint64_t expected_rows,
               std::vector<std::uint64_t> row_shape);
    npy_writer(const npy_writer&) = delete;
    npy_writer& operator=(const npy_writer&) = delete;
    ~npy_writer(); // closes the file without fixing the header when finish() was not called

    /// Appends one row (product of row_shape elements) of the writer's type. Throws write_error
    /// when writing a block fails (rows() then counts only the rows wholly written before the
    /// failure, and later appends fail too) or when more rows come than the header was sized for.
    void append(const void* row);
    /// Writes the rows still in memory, keeps at most `max_rows` rows (a run's steps that all
    /// files completed), cuts a partly written row, rewrites the header with rows(), flushes the
    /// file to the disk and closes it; later calls do nothing. Always closes; throws write_error
    /// for the first part that failed.
    void finish(std::uint64_t max_rows = UINT64_MAX);
    /// The rows appended (after a write error: the rows wholly in the file).
    [[nodiscard]] std::uint64_t rows() const noexcept { return rows_; }
    [[nodiscard]] const std::filesystem::path& file() const noexcept { return file_; }

private:
    [[nodiscard]] std::string header(std::uint64_t rows) const;
    /// Writes the block in memory; on failure keeps count of what reached the file and throws.
    void write_block();

    std::filesystem::path file_;
    npy_type type_;
    std::vector<std::uint64_t> row_shape_;
    std::uint64_t expected_rows_;
    std::uint64_t rows_ = 0;
    std::size_t row_bytes_;
    std::size_t header_size_ = 0;
    std::vector<char> block_;      // rows not yet handed to the operating system
    std::size_t block_used_ = 0;   // bytes of block_ in use
    std::uint64_t file_bytes_ = 0; // bytes in the file, header included
    bool failed_ = false;          // a write failed: no more writes, finish() only cuts and closes
    int descriptor_ = -1;
};

} // namespace spark::cli
