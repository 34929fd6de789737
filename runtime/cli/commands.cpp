// SPDX-License-Identifier: Apache-2.0
#include "commands.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <optional>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

#include <spdlog/spdlog.h>

#include "file_names.hpp"

namespace spark::cli {

namespace {

/// SPARK_PLUGIN_PROBE_TIMEOUT, in seconds, when set to a positive number; a bad value is warned
/// about and the registry's default kept.
std::optional<std::chrono::milliseconds> probe_timeout_from_environment() {
    const char* text = std::getenv("SPARK_PLUGIN_PROBE_TIMEOUT");
    if (text == nullptr || *text == '\0') {
        return std::nullopt;
    }
    char* end = nullptr;
    const double seconds = std::strtod(text, &end);
    if (end == text || *end != '\0' || !(seconds > 0.0) || seconds > 86400.0) {
        spdlog::warn(
            "SPARK_PLUGIN_PROBE_TIMEOUT must be a number of seconds > 0 (at most 86400), "
            "got '{}'; using the default of {} s",
            text,
            std::chrono::duration<double>(registry::search_options{}.probe_timeout).count());
        return std::nullopt;
    }
    return std::chrono::milliseconds(std::llround(seconds * 1000.0));
}

} // namespace

registry::search_options search_options_of(const plugin_sources& sources) {
    registry::search_options options;
    options.paths = sources.paths;
    options.use_environment = sources.defaults;
    options.use_install_dir = sources.defaults;
    if (const auto timeout = probe_timeout_from_environment()) {
        options.probe_timeout = std::max(*timeout, std::chrono::milliseconds(1));
    }
    return options;
}

void warn_about_missing_plugin_paths(const plugin_sources& sources) {
    for (const auto& path : sources.paths) {
        std::error_code ec;
        if (!std::filesystem::exists(path, ec)) {
            spdlog::warn("--plugin-path {} does not exist, so no plugin is loaded from it; check "
                         "the path (a folder of plugins or one plugin file)",
                         path.string());
        }
    }
}

void register_neurons(registry::plugin_registry& plugins,
                      const plugin_sources& sources,
                      std::vector<runtime::neuron_file_failure>& failures) {
    for (const auto& [name, file] : sources.neurons) {
        (void)runtime::register_neuron_file(
            plugins, name, file, runtime::config_mode::strict, {}, sources.neuron_file_limits);
    }
    if (sources.defaults) {
        auto found = runtime::register_neuron_files(plugins,
                                                    runtime::neuron_path_from_environment(),
                                                    runtime::config_mode::strict,
                                                    sources.neuron_file_limits);
        failures.insert(failures.end(), found.begin(), found.end());
    }
}

std::unique_ptr<registry::plugin_registry> open_registry(const plugin_sources& sources) {
    warn_about_missing_plugin_paths(sources);
    auto plugins = std::make_unique<registry::plugin_registry>(search_options_of(sources));
    plugins->discover();
    std::vector<runtime::neuron_file_failure> failures; // logged as they happen
    try {
        register_neurons(*plugins, sources, failures);
    } catch (const runtime::config_error& e) {
        print_issues(e);
        return nullptr;
    } catch (const spark::error& e) {
        std::cerr << "spark: " << e.what() << '\n';
        return nullptr;
    }
    return plugins;
}

void print_issues(const runtime::config_error& e) {
    for (const auto& issue : e.issues()) {
        // Paths and messages quote the brain file's names: escaped, as everywhere on a terminal.
        std::cerr << "spark: " << printable(issue.path) << ": " << printable_message(issue.message)
                  << '\n';
    }
}

namespace {

// Columns line up on screen: count characters (UTF-8 code points), not bytes ("GΩ" is 2 wide).
std::size_t display_width(const std::string& text) {
    std::size_t width = 0;
    for (const char c : text) {
        width += (static_cast<unsigned char>(c) & 0xC0U) != 0x80U ? 1 : 0;
    }
    return width;
}

} // namespace

std::string table::render(const std::string& indent) const {
    std::vector<std::size_t> widths;
    for (const auto& row : rows_) {
        widths.resize(std::max(widths.size(), row.size()));
        for (std::size_t c = 0; c < row.size(); ++c) {
            widths[c] = std::max(widths[c], display_width(row[c]));
        }
    }
    std::string text;
    for (const auto& row : rows_) {
        std::string line = indent;
        for (std::size_t c = 0; c < row.size(); ++c) {
            line += row[c];
            if (c + 1 < row.size()) {
                line += std::string(widths[c] - display_width(row[c]) + 2, ' ');
            }
        }
        // A trailing empty cell would leave trailing blanks.
        line.erase(line.find_last_not_of(' ') + 1);
        text += line + '\n';
    }
    return text;
}

namespace {

/// `spark plugins list --manifests`: the same table from the manifests; no library is loaded.
int list_manifests(const registry::plugin_registry& plugins) {
    std::vector<registry::load_failure> problems;
    auto manifests = plugins.read_manifests(problems);
    for (auto& mismatch : plugins.check_manifests()) {
        problems.push_back(std::move(mismatch));
    }
    std::vector<std::pair<std::string, std::vector<std::string>>> rows_by_id;
    for (const auto& m : manifests) {
        const auto library = (m.file.parent_path() / m.library).string();
        for (const auto& t : m.types) {
            rows_by_id.push_back(
                {t.canonical_id(), {t.canonical_id(), t.kind, t.version, t.vendor, library}});
        }
    }
    std::sort(rows_by_id.begin(), rows_by_id.end());
    table rows;
    rows.add({"TYPE", "KIND", "VERSION", "VENDOR", "FILE"});
    for (auto& [id, row] : rows_by_id) {
        rows.add(std::move(row));
    }
    std::cout << rows.render();
    for (const auto& p : problems) {
        // Most messages name their file already; say it once.
        std::cerr << "spark: "
                  << (p.message.find(p.file.string()) == std::string::npos ? p.file.string() + ": "
                                                                           : std::string())
                  << p.message << '\n';
    }
    return rows_by_id.empty() && !problems.empty() ? exit_failure : exit_ok;
}

} // namespace

int plugins_list(const plugin_sources& sources, bool manifests_only) {
    warn_about_missing_plugin_paths(sources);
    registry::plugin_registry plugins(search_options_of(sources));
    if (manifests_only) {
        return list_manifests(plugins);
    }
    {
        // This command lists the failures itself, below the table; the registry's warning for
        // each would say everything twice. More verbose levels keep the registry's messages.
        const auto registry_log = spdlog::get("spark.registry");
        const auto level = registry_log ? registry_log->level() : spdlog::level::off;
        if (registry_log && level == spdlog::level::warn) {
            registry_log->set_level(spdlog::level::err);
        }
        plugins.discover();
        if (registry_log) {
            registry_log->set_level(level);
        }
    }
    std::vector<runtime::neuron_file_failure> neuron_failures;
    try {
        register_neurons(plugins, sources, neuron_failures);
    } catch (const runtime::config_error& e) {
        print_issues(e);
        return exit_failure;
    } catch (const spark::error& e) {
        std::cerr << "spark: " << e.what() << '\n';
        return exit_failure;
    }
    const auto types = plugins.types(); // sorted by canonical id
    table rows;
    rows.add({"TYPE", "KIND", "VERSION", "VENDOR", "FILE"});
    for (const auto* type : types) {
        rows.add({type->canonical_id,
                  std::string(registry::kind_name(type->abi->kind)),
                  type->abi->version != nullptr ? type->abi->version : "",
                  std::string(type->vendor()),
                  type->plugin->file.string()});
    }
    std::cout << rows.render();
    if (types.empty()) {
        std::cerr << "spark: no module types found; searched:";
        for (const auto& place : plugins.search_path()) {
            std::cerr << ' ' << place.string();
        }
        std::cerr << " (add folders or files with --plugin-path)\n";
    }
    for (const auto& failure : plugins.failures()) {
        // Registry messages name the file already; say it once.
        const std::string file = failure.file.string();
        std::cerr << "spark: ";
        if (failure.message.find(file) == std::string::npos) {
            std::cerr << file << ": ";
        }
        std::cerr << failure.message << '\n';
    }
    for (const auto& failure : neuron_failures) {
        std::cerr << "spark: neuron file " << failure.file.string() << ": " << failure.message
                  << '\n';
    }
    return types.empty() && !plugins.failures().empty() ? exit_failure : exit_ok;
}

} // namespace spark::cli
