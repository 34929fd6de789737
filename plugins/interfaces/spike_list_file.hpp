// SPDX-License-Identifier: Apache-2.0
// Spike lists from files for `spike_generator` (docs/models.md section 8.4): a `.npy` integer
// array of shape (k, 2) or a CSV file with the header `step,index`, one spike per row. The reader
// only parses; the generator checks steps and indices against its units. Plugins see only the
// SDK, so this is the plugin's own small reader (the CLI's .npy reader lives in the runtime).
#pragma once
#include <charconv>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <limits>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include <spark/sdk/guard.hpp>

namespace spark::interfaces {

/// One spike as a list gives it, and where: a CSV line (from 1), a .npy row (from 0) or a
/// position in the config arrays (from 0).
struct listed_spike {
    std::int64_t step = 0;
    std::int64_t index = 0;
    std::uint64_t place = 0;
};

/// Spikes in the order their list gives them, with what messages call their source.
struct spike_list {
    std::vector<listed_spike> spikes;
    std::string source;     // "file 'stim.csv'" or "the config"
    std::string place_word; // "line", "row" or "spike"

    /// "file 'stim.csv' line 4", "file 'stim.npy' row 3", "the config's spike 2 (steps[2],
    /// indices[2])".
    [[nodiscard]] std::string where(const listed_spike& s) const {
        const std::string n = std::to_string(s.place);
        if (place_word == "spike") {
            return source + "'s spike " + n + " (steps[" + n + "], indices[" + n + "])";
        }
        return source + " " + place_word + " " + n;
    }
};

namespace detail {

[[noreturn]] inline void bad_file(const std::string& source, const std::string& what) {
    throw sdk::status_error(SPARK_ERR_INVALID_ARGUMENT, source + ": " + what);
}

[[nodiscard]] inline std::string_view trimmed(std::string_view text) {
    const auto first = text.find_first_not_of(" \t\r");
    if (first == std::string_view::npos) {
        return {};
    }
    const auto last = text.find_last_not_of(" \t\r");
    return text.substr(first, last - first + 1);
}

/// A whole decimal number, or nullopt-like failure through `ok`.
[[nodiscard]] inline bool parse_integer(std::string_view text, std::int64_t& value) {
    const char* begin = text.data();
    const char* end = text.data() + text.size();
    if (begin != end && *begin == '+') {
        ++begin;
    }
    const auto [ptr, ec] = std::from_chars(begin, end, value);
    return begin != end && ec == std::errc() && ptr == end;
}

/// The raw text of `key`'s value in a .npy header dict, up to the next top-level ',' or '}'.
[[nodiscard]] inline std::string
npy_dict_value(std::string_view header, std::string_view key, const std::string& source) {
    const std::string quoted = "'" + std::string(key) + "'";
    auto at = header.find(quoted);
    if (at == std::string_view::npos) {
        bad_file(source, "the .npy header has no '" + std::string(key) + "' entry");
    }
    at = header.find(':', at + quoted.size());
    if (at == std::string_view::npos) {
        bad_file(source, "the .npy header's '" + std::string(key) + "' entry has no value");
    }
    int depth = 0;
    std::string value;
    for (++at; at < header.size(); ++at) {
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
    return std::string(trimmed(value));
}

/// An integer element type of a .npy file: its size and byte order.
struct npy_integer {
    std::size_t size = 0;
    bool is_signed = true;
    bool big_endian = false;
};

[[nodiscard]] inline npy_integer npy_integer_type(std::string descr, const std::string& source) {
    if (descr.size() >= 2 && (descr.front() == '\'' || descr.front() == '"')) {
        descr = descr.substr(1, descr.size() - 2);
    }
    const std::string fix = "; save the spikes as integers, e.g. np.save(file, "
                            "np.asarray(spikes, dtype=np.int64))";
    if (descr.size() < 3 ||
        (descr[0] != '<' && descr[0] != '>' && descr[0] != '|' && descr[0] != '=')) {
        bad_file(source, "element type '" + descr + "' is not an integer type" + fix);
    }
    const char kind = descr[1];
    if (kind == 'f' || kind == 'c') {
        bad_file(source,
                 "element type '" + descr +
                     "' holds floats; the columns are step indices, not times, so save them as "
                     "integers (times t in ms become steps round(t / dt))" +
                     fix);
    }
    std::int64_t size = 0;
    if ((kind != 'i' && kind != 'u') || !parse_integer(std::string_view(descr).substr(2), size) ||
        (size != 1 && size != 2 && size != 4 && size != 8)) {
        bad_file(source, "element type '" + descr + "' is not an integer type" + fix);
    }
    return {static_cast<std::size_t>(size), kind == 'i', descr[0] == '>'};
}

[[nodiscard]] inline std::vector<std::uint64_t> npy_shape(const std::string& text,
                                                          const std::string& source) {
    if (text.size() < 2 || text.front() != '(' || text.back() != ')') {
        bad_file(source, "the .npy header's shape '" + text + "' is not a tuple");
    }
    std::vector<std::uint64_t> shape;
    std::string_view inside(text);
    inside = inside.substr(1, inside.size() - 2);
    while (!trimmed(inside).empty()) {
        const auto comma = inside.find(',');
        const auto item = trimmed(inside.substr(0, comma));
        std::int64_t size = 0;
        if (!parse_integer(item, size) || size < 0) {
            bad_file(source, "the .npy header's shape '" + text + "' is not a tuple of sizes");
        }
        shape.push_back(static_cast<std::uint64_t>(size));
        inside = comma == std::string_view::npos ? std::string_view() : inside.substr(comma + 1);
    }
    return shape;
}

/// Element `i` of the data as a signed 64-bit integer (false: an unsigned one beyond it).
[[nodiscard]] inline bool
npy_element(std::string_view data, const npy_integer& type, std::uint64_t i, std::int64_t& out) {
    const auto* p = reinterpret_cast<const unsigned char*>(data.data()) + i * type.size;
    std::uint64_t bits = 0;
    for (std::size_t b = 0; b < type.size; ++b) {
        const std::size_t from = type.big_endian ? b : type.size - 1 - b;
        bits = (bits << 8U) | p[from];
    }
    if (type.is_signed) {
        const unsigned shift = static_cast<unsigned>(64 - 8 * type.size);
        // Sign-extend through the top bits (two's complement, as numpy stores it).
        const auto wide = static_cast<std::int64_t>(bits << shift);
        out = shift == 0 ? wide : wide / (std::int64_t{1} << shift);
        return true;
    }
    if (bits > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
        return false;
    }
    out = static_cast<std::int64_t>(bits);
    return true;
}

} // namespace detail

/// The spikes of a .npy file's bytes: an integer array of shape (k, 2), columns step and index,
/// in C or Fortran order. `source` names the file in messages.
[[nodiscard]] inline spike_list parse_spike_npy(std::string_view bytes, const std::string& source) {
    using detail::bad_file;
    constexpr std::string_view magic("\x93NUMPY", 6);
    if (bytes.substr(0, magic.size()) != magic || bytes.size() < 10) {
        bad_file(source,
                 "is not a .npy file (it does not start with \\x93NUMPY); save it with "
                 "numpy.save, or give a .csv file");
    }
    const auto major = static_cast<unsigned char>(bytes[6]);
    if (major < 1 || major > 3) {
        bad_file(source,
                 ".npy format version " + std::to_string(major) + " is not supported (1 to 3 are)");
    }
    const auto byte = [&](std::size_t i) {
        return static_cast<std::uint64_t>(static_cast<unsigned char>(bytes[i]));
    };
    const std::size_t header_start = major == 1 ? 10 : 12;
    if (bytes.size() < header_start) {
        bad_file(source, "the file ends inside its .npy header");
    }
    const std::uint64_t header_length =
        major == 1 ? byte(8) | (byte(9) << 8U)
                   : byte(8) | (byte(9) << 8U) | (byte(10) << 16U) | (byte(11) << 24U);
    if (bytes.size() - header_start < header_length) {
        bad_file(source, "the file ends inside its .npy header");
    }
    const auto header = bytes.substr(header_start, static_cast<std::size_t>(header_length));
    const auto type =
        detail::npy_integer_type(detail::npy_dict_value(header, "descr", source), source);
    const std::string order = detail::npy_dict_value(header, "fortran_order", source);
    if (order != "False" && order != "True") {
        bad_file(source, "the .npy header's fortran_order '" + order + "' is not True or False");
    }
    const std::string shape_text = detail::npy_dict_value(header, "shape", source);
    const auto shape = detail::npy_shape(shape_text, source);
    if (shape.size() != 2 || shape[1] != 2) {
        bad_file(source,
                 "has shape " + shape_text +
                     "; a spike list has shape (k, 2): one row per spike, columns step and index "
                     "(np.column_stack([steps, indices]))");
    }
    const std::uint64_t rows = shape[0];
    const auto data = bytes.substr(header_start + static_cast<std::size_t>(header_length));
    if (rows > data.size() / (2 * type.size) || data.size() != rows * 2 * type.size) {
        bad_file(source,
                 "holds " + std::to_string(data.size()) + " bytes of data; its header's shape " +
                     shape_text + " needs " + std::to_string(rows * 2 * type.size) +
                     " (the file is cut short or not one array)");
    }
    spike_list list{{}, source, "row"};
    list.spikes.reserve(static_cast<std::size_t>(rows));
    const bool fortran = order == "True";
    for (std::uint64_t r = 0; r < rows; ++r) {
        listed_spike s;
        s.place = r;
        const std::uint64_t at_step = fortran ? r : 2 * r;
        const std::uint64_t at_index = fortran ? rows + r : 2 * r + 1;
        if (!detail::npy_element(data, type, at_step, s.step) ||
            !detail::npy_element(data, type, at_index, s.index)) {
            bad_file(source, "row " + std::to_string(r) + " holds a value beyond 2^63 - 1");
        }
        list.spikes.push_back(s);
    }
    return list;
}

/// The spikes of a CSV text: the header `step,index`, then one `step,index` pair of whole
/// numbers per line; blank lines are skipped. `source` names the file in messages.
[[nodiscard]] inline spike_list parse_spike_csv(std::string_view text, const std::string& source) {
    using detail::bad_file;
    using detail::trimmed;
    constexpr std::string_view bom("\xEF\xBB\xBF", 3); // spreadsheets write one
    if (text.substr(0, bom.size()) == bom) {
        text.remove_prefix(bom.size());
    }
    spike_list list{{}, source, "line"};
    const std::string format = "; write one spike per line as 'step,index' (whole numbers) under "
                               "the header 'step,index'";
    std::uint64_t line_number = 0;
    bool header_seen = false;
    while (!text.empty()) {
        const auto end = text.find('\n');
        const auto line = text.substr(0, end);
        text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
        ++line_number;
        const std::string where = "line " + std::to_string(line_number);
        const auto comma = line.find(',');
        if (!header_seen) {
            const bool header = comma != std::string_view::npos &&
                                trimmed(line.substr(0, comma)) == "step" &&
                                trimmed(line.substr(comma + 1)) == "index";
            if (!header) {
                bad_file(source,
                         "line 1 is '" + std::string(trimmed(line)) +
                             "', not the header 'step,index'" + format);
            }
            header_seen = true;
            continue;
        }
        if (trimmed(line).empty()) {
            continue;
        }
        if (comma == std::string_view::npos ||
            line.find(',', comma + 1) != std::string_view::npos) {
            bad_file(source,
                     where + " is '" + std::string(trimmed(line)) + "', not two fields" + format);
        }
        listed_spike s;
        s.place = line_number;
        const auto step = trimmed(line.substr(0, comma));
        const auto index = trimmed(line.substr(comma + 1));
        if (!detail::parse_integer(step, s.step)) {
            bad_file(source,
                     where + ": step '" + std::string(step) + "' is not a whole number" + format);
        }
        if (!detail::parse_integer(index, s.index)) {
            bad_file(source,
                     where + ": index '" + std::string(index) + "' is not a whole number" + format);
        }
        list.spikes.push_back(s);
    }
    if (!header_seen) {
        bad_file(source, "is empty" + format);
    }
    return list;
}

/// The spikes of the file at `path` (absolute when it comes from a config: the host resolves a
/// path field, SPARK_FIELD_PATH), by its extension: `.npy` or `.csv`.
[[nodiscard]] inline spike_list read_spike_file(const std::string& path) {
    const std::string source = "file '" + path + "'";
    const std::filesystem::path file(path);
    const auto extension = file.extension().string();
    if (extension != ".npy" && extension != ".csv") {
        detail::bad_file(source,
                         "has neither a .npy nor a .csv extension; give a .npy array of shape "
                         "(k, 2) or a CSV file with the header 'step,index'");
    }
    std::error_code error;
    const auto status = std::filesystem::status(file, error);
    if (!std::filesystem::exists(status)) {
        detail::bad_file(source,
                         "does not exist (a relative path starts from the folder of the brain "
                         "file, or from the working directory, " +
                             std::filesystem::current_path(error).string() +
                             ", for a config made in code); give the path of an existing file");
    }
    // By type before opening: a FIFO would block the open, a device may never end.
    if (!std::filesystem::is_regular_file(status)) {
        detail::bad_file(source, "is not a regular file; give the path of a .npy or .csv file");
    }
    std::ifstream in(file, std::ios::binary);
    const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (!in.good() && !in.eof()) {
        detail::bad_file(source, "cannot be read; check its permissions");
    }
    return extension == ".npy" ? parse_spike_npy(bytes, source) : parse_spike_csv(bytes, source);
}

} // namespace spark::interfaces
