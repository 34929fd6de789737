// SPDX-License-Identifier: Apache-2.0
// NumPy's .npy files (format versions 1.0 to 3.0, little-endian, C order): what `spark run`
// records and reads as input time series, and what `spark raster` draws. Standard tools read
// them (numpy.load), so recordings need no Spark code to analyse.
#pragma once
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

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

/// Writes an array of shape (rows, *row_shape) one row at a time, without holding it in memory. The
/// header is written first for `expected_rows`; finish() rewrites it when fewer rows came (a run
/// that stopped early still leaves a valid file).
class npy_writer {
public:
    npy_writer(const std::filesystem::path& file,
               npy_type type,
               std::uint64_t expected_rows,
               std::vector<std::uint64_t> row_shape);
    /// Appends one row (product of row_shape elements) of the writer's type.
    void append(const void* row);
    /// Fixes the header to the rows written and closes the file. Throws spark::error on I/O errors.
    void finish();
    [[nodiscard]] std::uint64_t rows() const noexcept { return rows_; }
    [[nodiscard]] const std::filesystem::path& file() const noexcept { return file_; }

private:
    [[nodiscard]] std::string header(std::uint64_t rows) const;

    std::filesystem::path file_;
    npy_type type_;
    std::vector<std::uint64_t> row_shape_;
    std::uint64_t rows_ = 0;
    std::size_t row_bytes_;
    std::size_t header_size_ = 0;
    std::ofstream out_;
};

} // namespace spark::cli
