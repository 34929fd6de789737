// SPDX-License-Identifier: Apache-2.0
// Helpers for the `spark run` tests: the CLI with only the plugins these tests use, brain files
// written into a scratch folder, and a minimal independent .npy reader.
#pragma once
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "fixtures.hpp"
#include "run_process.hpp"
#include "text_lines.hpp"

namespace spark::test {

/// Runs `spark --no-default-plugins --plugin-path=<neurons> --plugin-path=<test plugins> ARGS`.
process_result spark_cli(std::vector<std::string> arguments);
/// The arguments spark_cli() gives the CLI for ARGS (without the program itself).
std::vector<std::string> spark_cli_arguments(std::vector<std::string> arguments);
/// Runs `spark` with the built-in plugins only (the folder the build puts them in); `run` gets
/// --no-progress.
process_result builtin_cli(std::vector<std::string> arguments);

/// A tagged upstream port_specs object.
std::string port_specs_json(const std::string& payload,
                            const std::vector<std::uint32_t>& shape,
                            const std::string& dtype);

/// One modules_map entry: name, class_ref, inputs as (port, [(origin, port)...]), config object.
struct module_entry {
    std::string name;
    std::string class_ref;
    std::vector<std::pair<std::string, std::vector<std::pair<std::string, std::string>>>> inputs;
    std::string config = "{}";
};

/// A whole .scfg document: input_map and output_map entries are (name, JSON) pairs already
/// rendered (port_specs_json, output_json).
std::string brain_json(const std::vector<std::pair<std::string, std::string>>& input_map,
                       const std::vector<std::pair<std::string, std::string>>& output_map,
                       const std::vector<module_entry>& modules);
std::string
output_json(const std::string& origin, const std::string& port, const std::string& spec);

/// The test brain: brain input `drive` (float32, shape (3,)) -> `soma` (spark leaky_soma with its
/// default config) -> brain output `potential` (soma.potential).
std::string soma_brain(const std::string& soma_config = "{}");

/// The accumulator brain: input `x` (float32, (2,)) -> `acc` (testcpp accumulator) -> output
/// `total` (acc.out).
std::string accumulator_brain();

/// Writes text to a file and returns its path as a string.
std::string write_file(const std::filesystem::path& file, const std::string& text);
std::string read_text(const std::filesystem::path& file);

/// A .npy file, parsed independently of the CLI's reader.
struct npy_file {
    std::string header; // the dict text, trailing blanks and newline removed
    std::vector<unsigned char> data;
};
npy_file read_npy_file(const std::filesystem::path& file);
/// Writes a float64 array of shape (rows, columns) as .npy.
void write_npy_f64(const std::filesystem::path& file,
                   std::uint64_t rows,
                   std::uint64_t columns,
                   const std::vector<double>& values);

/// Lines of `text`, runs of blanks squeezed to one, leading and trailing blanks removed.
std::vector<std::string> squeezed_lines(const std::string& text);
bool has_line(const std::string& text, const std::string& line);
/// The first squeezed line that starts with `prefix`, or "".
std::string line_starting(const std::string& text, const std::string& prefix);
/// The words of a squeezed line (split at single blanks).
std::vector<std::string> words_of(const std::string& line);

/// Lower-case hex SHA-256 of a file (OpenSSL, independent of the CLI's).
std::string sha256_hex(const std::filesystem::path& file);

} // namespace spark::test
