// SPDX-License-Identifier: Apache-2.0
#include "run_fixture.hpp"

#include <algorithm>
#include <array>
#include <cstring>
#include <stdexcept>

#include <openssl/evp.h>

#include "test_plugin_paths.hpp"

namespace spark::test {

std::vector<std::string> spark_cli_arguments(std::vector<std::string> arguments) {
    // A slow run (sanitizers) would otherwise print progress lines into the stderr tests compare.
    if (!arguments.empty() && arguments[0] == "run" &&
        std::find(arguments.begin(), arguments.end(), "--progress") == arguments.end()) {
        arguments.insert(arguments.begin() + 1, "--no-progress");
    }
    arguments.insert(arguments.begin(),
                     {"--no-default-plugins",
                      std::string("--plugin-path=") + SPARK_NEURONS_PLUGIN,
                      "--plugin-path=" + test_plugin("ok_cpp").string(),
                      "--plugin-path=" + test_plugin("throws_in_step").string(),
                      "--plugin-path=" + test_plugin("run_hang").string(),
                      "--plugin-path=" + test_plugin("faulty").string()});
    return arguments;
}

process_result spark_cli(std::vector<std::string> arguments) {
    return run_process(SPARK_CLI_PATH, spark_cli_arguments(std::move(arguments)));
}

process_result builtin_cli(std::vector<std::string> arguments) {
    const auto plugins = std::filesystem::path(SPARK_NEURONS_PLUGIN).parent_path().string();
    if (!arguments.empty() && arguments[0] == "run") {
        arguments.emplace_back("--no-progress");
    }
    arguments.insert(arguments.begin(), {"--no-default-plugins", "--plugin-path=" + plugins});
    return run_process(SPARK_CLI_PATH, arguments);
}

std::string port_specs_json(const std::string& payload,
                            const std::vector<std::uint32_t>& shape,
                            const std::string& dtype) {
    std::string dims;
    for (std::size_t i = 0; i < shape.size(); ++i) {
        dims += (i == 0 ? "" : ", ") + std::to_string(shape[i]);
    }
    return R"({"__type__": "port_specs", "__data__": {"payload_type": {"__payload_type__": ")" +
           payload + R"("}, "shape": [)" + dims + R"(], "dtype": {"__type__": "dtype", "name": ")" +
           dtype + R"("}, "description": null}})";
}

std::string
output_json(const std::string& origin, const std::string& port, const std::string& spec) {
    return R"({"input": {"__type__": "port_map", "__data__": {"origin": ")" + origin +
           R"(", "port": ")" + port + R"("}}, "spec": )" + spec + "}";
}

std::string brain_json(const std::vector<std::pair<std::string, std::string>>& input_map,
                       const std::vector<std::pair<std::string, std::string>>& output_map,
                       const std::vector<module_entry>& modules) {
    const auto map = [](const std::vector<std::pair<std::string, std::string>>& entries) {
        std::string text = "{";
        for (std::size_t i = 0; i < entries.size(); ++i) {
            text += (i == 0 ? "\n        \"" : ",\n        \"") + entries[i].first +
                    "\": " + entries[i].second;
        }
        return text + "}";
    };
    std::vector<std::pair<std::string, std::string>> module_texts;
    for (const auto& m : modules) {
        std::string inputs = "{";
        for (std::size_t p = 0; p < m.inputs.size(); ++p) {
            inputs += (p == 0 ? "\"" : ", \"") + m.inputs[p].first + "\": [";
            for (std::size_t s = 0; s < m.inputs[p].second.size(); ++s) {
                inputs += (s == 0 ? "" : ", ") +
                          std::string(R"({"__type__": "port_map", "__data__": {"origin": ")") +
                          m.inputs[p].second[s].first + R"(", "port": ")" +
                          m.inputs[p].second[s].second + "\"}}";
            }
            inputs += "]";
        }
        inputs += "}";
        module_texts.emplace_back(m.name,
                                  R"({"__type__": "module_specs", "__data__": {"name": ")" +
                                      m.name + R"(", "module_cls": {"__module_type__": ")" +
                                      m.class_ref + R"("}, "inputs": )" + inputs +
                                      R"(, "config": )" + m.config + "}}");
    }
    return "{\"__type__\": \"brain_config\", \"__cfg__\": {\n    \"input_map\": " + map(input_map) +
           ",\n    \"output_map\": " + map(output_map) +
           ",\n    \"modules_map\": " + map(module_texts) + "\n}}\n";
}

std::string soma_brain(const std::string& soma_config) {
    return brain_json(
        {{"drive", port_specs_json("float_array", {3}, "float32")}},
        {{"potential",
          output_json("soma", "potential", port_specs_json("float_array", {3}, "float32"))}},
        {{"soma", "leaky_soma", {{"current", {{"__call__", "drive"}}}}, soma_config}});
}

std::string accumulator_brain() {
    return brain_json(
        {{"x", port_specs_json("float_array", {2}, "float32")}},
        {{"total", output_json("acc", "out", port_specs_json("float_array", {2}, "float32"))}},
        {{"acc", "accumulator", {{"in", {{"__call__", "x"}}}}, "{}"}});
}

std::string write_file(const std::filesystem::path& file, const std::string& text) {
    write_text_file(file, text);
    return file.string();
}

std::string read_text(const std::filesystem::path& file) {
    return read_text_file(file);
}

npy_file read_npy_file(const std::filesystem::path& file) {
    const std::string bytes = read_text(file);
    if (bytes.size() < 10 || bytes.compare(0, 6, "\x93NUMPY") != 0 || bytes[6] != 1) {
        throw std::runtime_error(file.string() + " is not a version 1 .npy file");
    }
    const std::size_t length =
        static_cast<unsigned char>(bytes[8]) |
        (static_cast<std::size_t>(static_cast<unsigned char>(bytes[9])) << 8U);
    if ((10 + length) % 64 != 0) {
        throw std::runtime_error(file.string() + ": data is not 64-byte aligned");
    }
    npy_file npy;
    npy.header = bytes.substr(10, length);
    if (npy.header.empty() || npy.header.back() != '\n') {
        throw std::runtime_error(file.string() + ": header does not end with a newline");
    }
    npy.header.erase(npy.header.find_last_not_of(" \n") + 1);
    npy.data.assign(bytes.begin() + static_cast<std::ptrdiff_t>(10 + length), bytes.end());
    return npy;
}

void write_npy_f64(const std::filesystem::path& file,
                   std::uint64_t rows,
                   std::uint64_t columns,
                   const std::vector<double>& values) {
    std::string dict = "{'descr': '<f8', 'fortran_order': False, 'shape': (" +
                       std::to_string(rows) + ", " + std::to_string(columns) + "), }";
    // Pad with blanks so that magic (6) + version (2) + length (2) + dict + '\n' is a multiple
    // of 64, as numpy writes it.
    const std::size_t total = (10 + dict.size() + 1 + 63) / 64 * 64;
    dict.resize(total - 10 - 1, ' ');
    dict += '\n';
    std::string bytes = "\x93NUMPY";
    bytes += '\x01';
    bytes += '\x00';
    bytes += static_cast<char>(dict.size());
    bytes += '\x00';
    bytes += dict;
    bytes.append(reinterpret_cast<const char*>(values.data()), values.size() * sizeof(double));
    write_file(file, bytes);
}

std::vector<std::string> squeezed_lines(const std::string& text) {
    return squeezed_lines(text, indent::drop);
}

bool has_line(const std::string& text, const std::string& line) {
    return has_line(text, line, indent::drop);
}

std::string line_starting(const std::string& text, const std::string& prefix) {
    for (const auto& candidate : squeezed_lines(text)) {
        if (candidate.compare(0, prefix.size(), prefix) == 0) {
            return candidate;
        }
    }
    return {};
}

std::vector<std::string> words_of(const std::string& line) {
    std::vector<std::string> words;
    for (std::size_t at = 0; at < line.size();) {
        const auto end = line.find(' ', at);
        words.push_back(line.substr(at, end - at));
        at = end == std::string::npos ? line.size() : end + 1;
    }
    return words;
}

std::string sha256_hex(const std::filesystem::path& file) {
    const std::string bytes = read_text(file);
    std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
    unsigned int length = 0;
    EVP_Digest(bytes.data(), bytes.size(), digest.data(), &length, EVP_sha256(), nullptr);
    std::string hex;
    for (unsigned int i = 0; i < length; ++i) {
        static constexpr const char* digits = "0123456789abcdef";
        hex += digits[digest[i] >> 4U];
        hex += digits[digest[i] & 15U];
    }
    return hex;
}

} // namespace spark::test
