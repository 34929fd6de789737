// SPDX-License-Identifier: Apache-2.0
// What `spark run --input NAME=VALUE|FILE` feeds a brain input at each step: a constant broadcast
// to the input's shape, a constant list (0.1,-0.2,0.05,0: one value per element), or a time series
// (CSV: one row per step, one column per element; .npy of shape (T, elements)). When the run has
// more steps than the series has rows, the last row holds.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include <spark/abi/types.h>

namespace spark::cli {

class input_source {
public:
    /// Parses "NAME=VALUE" or "NAME=FILE" for the brain input `name` of spec `spec`.
    /// Throws spark::error with the argument and what is wrong (exact messages: see inputs.cpp).
    static input_source
    parse(const std::string& name, const std::string& value, const spark_port_spec_t& spec);

    /// The shape `value` gives an input whose shape the brain file does not store (upstream
    /// 1.0): (1,) for a number, (n,) for a comma list of n numbers, a .npy file's shape after
    /// its first (step) axis, (columns,) for a CSV file. Throws spark::error naming the argument.
    [[nodiscard]] static std::vector<std::uint32_t> shape_of(const std::string& name,
                                                             const std::string& value);

    /// Writes the value of step `step` into `buffer` (the brain input's buffer). No allocation.
    void fill(const spark_buffer_t& buffer, std::uint64_t step) const noexcept;

    [[nodiscard]] const std::string& name() const noexcept { return name_; }
    /// "constant 1.5" or the file, for summaries and run.json.
    [[nodiscard]] const std::string& description() const noexcept { return description_; }
    [[nodiscard]] bool is_file() const noexcept { return is_file_; }
    [[nodiscard]] const std::string& file() const noexcept { return file_; }
    [[nodiscard]] std::uint64_t rows() const noexcept { return rows_; }

private:
    std::string name_;
    std::string description_;
    std::string file_;
    bool is_file_ = false;
    std::uint64_t rows_ = 1;
    std::size_t row_bytes_ = 0;
    std::vector<char> data_; // rows_ rows, each already in the input's element type
};

} // namespace spark::cli
