// SPDX-License-Identifier: Apache-2.0
// `spark convert OLD NEW`: an af523a5 brain file rewritten as an upstream 1.0 brain file that runs
// the same (brain_config::to_upstream_1_0, docs/file-format.md section 2.6.7).
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>
#include <system_error>

#include <spark/runtime/brain_config.hpp>

#include "commands.hpp"

namespace spark::cli {
namespace {

/// Whether `a` and `b` name one file (also through links or another spelling of the path).
bool same_file(const std::filesystem::path& a, const std::filesystem::path& b) {
    std::error_code error;
    if (std::filesystem::equivalent(a, b, error)) {
        return true;
    }
    return std::filesystem::weakly_canonical(a, error) ==
           std::filesystem::weakly_canonical(b, error);
}

std::string plural(std::uint64_t n, const std::string& word) {
    return std::to_string(n) + " " + word + (n == 1 ? "" : "s");
}

/// "inputs drive (200 values): give its shape with --input": 1.0 files store no input shapes,
/// and the af523a5 brain read each input flattened, so its element count is the shape to give.
std::string inputs_text(const runtime::brain_config& from, const runtime::brain_config& to) {
    if (to.input_map.empty()) {
        return "no inputs";
    }
    std::string text = to.input_map.size() == 1 ? "input " : "inputs ";
    for (std::size_t i = 0; i < to.input_map.size(); ++i) {
        const auto& name = to.input_map[i].first;
        text += (i > 0 ? ", " : "") + name;
        for (const auto& [old_name, spec] : from.input_map) {
            if (old_name == name) {
                std::uint64_t count = 1;
                for (const auto d : spec.shape) {
                    count *= d;
                }
                text += " (" + plural(count, "value") + ")";
            }
        }
    }
    return text + (to.input_map.size() == 1 ? ": give its shape with --input"
                                            : ": give their shapes with --input");
}

} // namespace

int convert_brain(const plugin_sources& sources,
                  const std::filesystem::path& from,
                  const std::filesystem::path& to,
                  bool plain,
                  bool compat) {
    if (std::ifstream probe(from); !probe) {
        std::cerr << "spark: " << from.string() << ": cannot open the file; check the path\n";
        return exit_failure;
    }
    if (same_file(from, to)) {
        std::cerr << "spark: " << to.string() << " is " << from.string()
                  << " itself; write the converted brain to another file (the original stays as "
                     "it is)\n";
        return exit_usage;
    }
    const auto opened = open_registry(sources);
    if (!opened) {
        return exit_failure;
    }
    try {
        const auto config = runtime::brain_config::from_file(
            from, compat ? runtime::config_mode::compat : runtime::config_mode::strict);
        if (config.schema == runtime::brain_schema::upstream_1_0) {
            std::cerr << "spark: " << from.string()
                      << " is already an upstream 1.0 brain; there is nothing to convert\n";
            return exit_failure;
        }
        const auto converted = config.to_upstream_1_0(*opened);
        converted.to_file(to,
                          plain ? runtime::file_compression::none : runtime::file_compression::xz);
        std::cout << "wrote " << to.string() << " (upstream 1.0, " << (plain ? "plain" : "xz")
                  << "): " << plural(converted.modules_map.size(), "module") << ", "
                  << inputs_text(config, converted) << '\n';
    } catch (const runtime::config_error& e) {
        print_issues(e);
        std::cerr << "spark: " << from.string() << " was not converted ("
                  << plural(e.issues().size(), "problem") << ")\n";
        return exit_failure;
    }
    return exit_ok;
}

} // namespace spark::cli
