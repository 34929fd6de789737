// SPDX-License-Identifier: Apache-2.0
#include "inputs.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <optional>

#include <spark/registry/errors.hpp>
#include <spark/sdk/buffers.hpp>

#include "config/regular_file.hpp"
#include "npy.hpp"
#include "text.hpp"

namespace spark::cli {
namespace {

using runtime::detail::format_number;

/// The whole text as a number, or false (from_chars also reads "inf" and "nan").
bool parse_number(std::string_view text, double& value) {
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) {
        text.remove_prefix(1);
    }
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\r')) {
        text.remove_suffix(1);
    }
    if (!text.empty() && text.front() == '+') {
        text.remove_prefix(1);
    }
    if (text.empty()) {
        return false;
    }
    const auto result = std::from_chars(text.data(), text.data() + text.size(), value);
    return result.ec == std::errc{} && result.ptr == text.data() + text.size();
}

/// Why `value` cannot go into an input of `spec`, or "" when it can.
std::string value_problem(double value, const spark_port_spec_t& spec, const std::string& name) {
    if (!std::isfinite(value)) {
        // A NaN or an infinity fed in spreads through every module it reaches.
        return "input '" + name + "' takes finite numbers only, got " + format_number(value);
    }
    switch (spec.payload_kind) {
    case SPARK_PAYLOAD_SPIKES:
    case SPARK_PAYLOAD_BOOL_MASK:
        if (value != 0.0 && value != 1.0) {
            return "input '" + name + "' carries " +
                   (spec.payload_kind == SPARK_PAYLOAD_SPIKES ? "spikes" : "a bool mask") +
                   ": use 0 or 1, got " + format_number(value);
        }
        return {};
    case SPARK_PAYLOAD_INT:
        if (value != std::trunc(value) || value < std::numeric_limits<std::int32_t>::min() ||
            value > std::numeric_limits<std::int32_t>::max()) {
            return "input '" + name + "' carries int32 values: got " + format_number(value);
        }
        return {};
    default:
        return {};
    }
}

/// Stores `value` as element `i` of a row of the input's element type.
void store(char* row, std::uint64_t i, double value, std::int32_t dtype) {
    switch (dtype) {
    case SPARK_DTYPE_U8:
        row[i] = static_cast<char>(value != 0.0 ? 1 : 0);
        break;
    case SPARK_DTYPE_I32: {
        const auto v = static_cast<std::int32_t>(value);
        std::memcpy(row + i * sizeof v, &v, sizeof v);
        break;
    }
    case SPARK_DTYPE_F32: {
        const auto v = static_cast<float>(value);
        std::memcpy(row + i * sizeof v, &v, sizeof v);
        break;
    }
    default: {
        std::memcpy(row + i * sizeof value, &value, sizeof value);
        break;
    }
    }
}

/// The numbers of a comma list "0.1,-0.2,0.05,0", or nothing when `text` is not one.
std::optional<std::vector<double>> parse_list(const std::string& text) {
    if (text.find(',') == std::string::npos) {
        return std::nullopt;
    }
    std::vector<double> values;
    std::string_view rest(text);
    for (;;) {
        const auto comma = rest.find(',');
        double x = 0;
        if (!parse_number(rest.substr(0, comma), x)) {
            return std::nullopt;
        }
        values.push_back(x);
        if (comma == std::string_view::npos) {
            return values;
        }
        rest.remove_prefix(comma + 1);
    }
}

/// The cells of the first data row of a CSV file.
std::uint64_t csv_columns(const std::filesystem::path& file) {
    std::ifstream in(file);
    std::string line;
    while (std::getline(in, line)) {
        if (line.find_first_not_of(" \t\r") == std::string::npos || line[0] == '#') {
            continue;
        }
        return static_cast<std::uint64_t>(std::count(line.begin(), line.end(), ',')) + 1;
    }
    throw spark::error(file.string() + ": no rows; expected one row per step");
}

std::string shape_text(const std::vector<std::uint64_t>& shape) {
    std::string text = "(";
    for (std::size_t i = 0; i < shape.size(); ++i) {
        text += (i == 0 ? "" : ", ") + std::to_string(shape[i]);
    }
    return text + (shape.size() == 1 ? ",)" : ")");
}

} // namespace

input_source input_source::parse(const std::string& name,
                                 const std::string& value,
                                 const spark_port_spec_t& spec) {
    input_source source;
    source.name_ = name;
    const std::uint64_t elements = sdk::element_count(spec.shape);
    const std::uint32_t size = spark_dtype_size(spec.dtype);
    source.row_bytes_ = static_cast<std::size_t>(elements * size);
    const std::string argument = "--input " + name + "=" + value;

    if (const auto list = parse_list(value)) {
        if (list->size() != elements) {
            throw spark::error(argument + ": " + std::to_string(list->size()) +
                               " values for input '" + name + "', which holds " +
                               std::to_string(elements));
        }
        source.description_ = "constant " + value;
        source.data_.resize(source.row_bytes_);
        for (std::uint64_t i = 0; i < elements; ++i) {
            const double x = (*list)[i];
            if (const auto problem = value_problem(x, spec, name); !problem.empty()) {
                throw spark::error(argument + ": value " + std::to_string(i + 1) + ": " + problem);
            }
            store(source.data_.data(), i, x, spec.dtype);
        }
        return source;
    }
    double constant = 0;
    if (parse_number(value, constant)) {
        if (const auto problem = value_problem(constant, spec, name); !problem.empty()) {
            throw spark::error(argument + ": " + problem);
        }
        source.description_ = "constant " + format_number(constant);
        source.data_.resize(source.row_bytes_);
        for (std::uint64_t i = 0; i < elements; ++i) {
            store(source.data_.data(), i, constant, spec.dtype);
        }
        return source;
    }

    const std::filesystem::path file(value);
    if (!std::filesystem::exists(file)) {
        throw spark::error(argument + ": '" + value + "' is neither a number nor an existing file");
    }
    if (const auto problem = runtime::detail::regular_file_problem(file); !problem.empty()) {
        throw spark::error(argument + ": " + value + " " + problem);
    }
    source.is_file_ = true;
    source.file_ = value;
    source.description_ = value;
    const std::string extension = file.extension().string();
    const std::string per_row = std::to_string(elements) + (elements == 1 ? " value" : " values");

    if (extension == ".npy") {
        const npy_array array = read_npy(file);
        std::uint64_t row_elements = 1;
        for (std::size_t d = 1; d < array.shape.size(); ++d) {
            row_elements *= array.shape[d];
        }
        if (array.shape.empty() || row_elements != elements || array.shape[0] == 0) {
            throw spark::error(value + ": shape " + shape_text(array.shape) +
                               " does not fit input '" + name + "': expected (steps, " +
                               std::to_string(elements) + ") with steps > 0");
        }
        source.rows_ = array.shape[0];
        source.data_.resize(static_cast<std::size_t>(source.rows_) * source.row_bytes_);
        for (std::uint64_t r = 0; r < source.rows_; ++r) {
            char* row = source.data_.data() + r * source.row_bytes_;
            for (std::uint64_t i = 0; i < elements; ++i) {
                const double x = array.at(r * elements + i);
                if (const auto problem = value_problem(x, spec, name); !problem.empty()) {
                    throw spark::error(value + ": row " + std::to_string(r) + ", element " +
                                       std::to_string(i) + ": " + problem);
                }
                store(row, i, x, spec.dtype);
            }
        }
        return source;
    }
    if (extension != ".csv") {
        throw spark::error(argument + ": unknown file type '" + extension +
                           "'; use a .csv or .npy file");
    }

    std::ifstream in(file);
    std::string line;
    std::uint64_t line_number = 0;
    std::uint64_t rows = 0;
    while (std::getline(in, line)) {
        ++line_number;
        if (line.find_first_not_of(" \t\r") == std::string::npos || line[0] == '#') {
            continue; // blank lines and comments
        }
        const std::string where = value + ":" + std::to_string(line_number) + ": ";
        std::vector<std::string_view> cells;
        std::string_view rest(line);
        for (;;) {
            const auto comma = rest.find(',');
            cells.push_back(rest.substr(0, comma));
            if (comma == std::string_view::npos) {
                break;
            }
            rest.remove_prefix(comma + 1);
        }
        if (cells.size() != elements) {
            throw spark::error(where + "expected " + per_row + " (one per element of input '" +
                               name + "'), got " + std::to_string(cells.size()));
        }
        source.data_.resize(source.data_.size() + source.row_bytes_);
        char* row = source.data_.data() + rows * source.row_bytes_;
        for (std::uint64_t i = 0; i < elements; ++i) {
            double x = 0;
            if (!parse_number(cells[i], x)) {
                throw spark::error(where + "value " + std::to_string(i + 1) + " ('" +
                                   std::string(cells[i]) + "') is not a number");
            }
            if (const auto problem = value_problem(x, spec, name); !problem.empty()) {
                throw spark::error(where + "value " + std::to_string(i + 1) + ": " + problem);
            }
            store(row, i, x, spec.dtype);
        }
        ++rows;
    }
    if (rows == 0) {
        throw spark::error(value + ": no rows; expected one row per step with " + per_row +
                           " each");
    }
    source.rows_ = rows;
    return source;
}

std::vector<std::uint32_t> input_source::shape_of(const std::string& name,
                                                  const std::string& value) {
    const auto dims = [&](std::uint64_t n) {
        if (n == 0 || n > 0xffffffffULL) {
            throw spark::error("--input " + name + "=" + value + ": " + std::to_string(n) +
                               " elements cannot be an input's shape");
        }
        return std::vector<std::uint32_t>{static_cast<std::uint32_t>(n)};
    };
    if (const auto list = parse_list(value)) {
        return dims(list->size());
    }
    double constant = 0;
    if (parse_number(value, constant)) {
        return {1};
    }
    const std::filesystem::path file(value);
    if (!std::filesystem::exists(file)) {
        throw spark::error("--input " + name + "=" + value +
                           ": neither a number, a comma list of numbers nor an existing file");
    }
    if (const auto problem = runtime::detail::regular_file_problem(file); !problem.empty()) {
        throw spark::error("--input " + name + "=" + value + ": " + value + " " + problem);
    }
    if (file.extension() == ".npy") {
        const npy_array array = read_npy(file);
        std::vector<std::uint32_t> shape;
        for (std::size_t d = 1; d < array.shape.size(); ++d) {
            shape.push_back(dims(array.shape[d]).front());
        }
        return shape.empty() ? std::vector<std::uint32_t>{1} : shape;
    }
    return dims(csv_columns(file));
}

void input_source::fill(const spark_buffer_t& buffer, std::uint64_t step) const noexcept {
    const std::uint64_t row = step < rows_ ? step : rows_ - 1;
    std::memcpy(buffer.data, data_.data() + row * row_bytes_, row_bytes_);
}

} // namespace spark::cli
