// SPDX-License-Identifier: Apache-2.0
// `spark`: the command-line tool. Global options, then a command:
//   spark [--plugin-path P]... [--no-default-plugins] [--log-level L] plugins list
//   spark ... plugins describe NAME
//   spark ... plugins check FILE
// Errors are one line on stderr; exit codes: 0 ok, 1 failure, 2 usage error.
#include <exception>
#include <iostream>
#include <string>
#include <vector>

#include <boost/program_options.hpp>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <spark/abi/version.h>

#include "commands.hpp"

namespace {

namespace po = boost::program_options;
using spark::cli::exit_usage;

constexpr const char* usage = R"(usage: spark [options] <command>

commands:
  plugins list              every module type found: id, kind, version, vendor, file
  plugins describe NAME     a type's provenance, config fields and ports (NAME: vendor.class_ref
                            or a bare class_ref offered by one vendor only)
  plugins check FILE        load one plugin file and run each of its types through every
                            lifecycle stage

)";

/// A usage error: the message, and where to find help.
int usage_error(const std::string& message) {
    std::cerr << "spark: " << message << "; see 'spark --help'\n";
    return exit_usage;
}

int run(int argc, char** argv) {
    po::options_description visible("options");
    visible.add_options() //
        ("plugin-path",
         po::value<std::vector<std::string>>()->composing(),
         "a plugin folder or file to search first (repeatable)") //
        ("no-default-plugins",
         po::bool_switch(),
         "search only --plugin-path: not SPARK_PLUGIN_PATH nor the install's plugin folder") //
        ("log-level",
         po::value<std::string>()->default_value("warn"),
         "trace, debug, info, warn or error (messages go to stderr)") //
        ("help,h", "print this help")                                 //
        ("version", "print the versions of spark and of its plugin ABI");
    po::options_description hidden;
    hidden.add_options()("command", po::value<std::vector<std::string>>());
    po::options_description all;
    all.add(visible).add(hidden);
    po::positional_options_description positional;
    positional.add("command", -1);

    po::variables_map options;
    try {
        po::store(po::command_line_parser(argc, argv).options(all).positional(positional).run(),
                  options);
        po::notify(options);
    } catch (const po::error& e) {
        return usage_error(e.what());
    }
    if (options.count("help") != 0) {
        std::cout << usage << visible;
        return spark::cli::exit_ok;
    }
    if (options.count("version") != 0) {
        std::cout << "spark " << SPARK_VERSION_STRING << " (plugin ABI " << SPARK_ABI_VERSION_MAJOR
                  << '.' << SPARK_ABI_VERSION_MINOR << '.' << SPARK_ABI_VERSION_PATCH << ")\n";
        return spark::cli::exit_ok;
    }

    const std::string level_name = options["log-level"].as<std::string>();
    const auto level = spdlog::level::from_str(level_name);
    const bool known_level = level_name == "trace" || level_name == "debug" ||
                             level_name == "info" || level_name == "warn" || level_name == "error";
    if (!known_level) {
        return usage_error("--log-level must be trace, debug, info, warn or error, got '" +
                           level_name + "'");
    }
    // Logs go to stderr so that stdout carries only the command's output.
    spdlog::set_default_logger(spdlog::stderr_color_mt("spark"));
    spdlog::set_pattern("spark: %l: [%n] %v");
    spdlog::set_level(level);

    spark::cli::plugin_sources sources;
    if (options.count("plugin-path") != 0) {
        for (const auto& path : options["plugin-path"].as<std::vector<std::string>>()) {
            sources.paths.emplace_back(path);
        }
    }
    sources.defaults = !options["no-default-plugins"].as<bool>();

    const auto words = options.count("command") != 0
                           ? options["command"].as<std::vector<std::string>>()
                           : std::vector<std::string>{};
    if (words.empty()) {
        std::cerr << usage;
        return exit_usage;
    }
    if (words[0] != "plugins") {
        return usage_error("unknown command '" + words[0] + "'");
    }
    if (words.size() < 2) {
        return usage_error("'plugins' needs a subcommand: list, describe NAME or check FILE");
    }
    const std::string& sub = words[1];
    const std::size_t operands = words.size() - 2;
    if (sub == "list") {
        if (operands != 0) {
            return usage_error("'plugins list' takes no arguments, got '" + words[2] + "'");
        }
        return spark::cli::plugins_list(sources);
    }
    if (sub == "describe" || sub == "check") {
        const std::string what = sub == "describe" ? "a type name" : "a plugin file";
        if (operands != 1) {
            return usage_error("'plugins " + sub + "' takes exactly one argument, " + what +
                               ", got " + std::to_string(operands));
        }
        return sub == "describe" ? spark::cli::plugins_describe(sources, words[2])
                                 : spark::cli::plugins_check(sources, words[2]);
    }
    return usage_error("unknown subcommand 'plugins " + sub + "'; use list, describe or check");
}

} // namespace

int main(int argc, char** argv) {
    try {
        return run(argc, argv);
    } catch (const std::exception& e) {
        // Anything a command did not handle itself: still one clear line, never a stack trace.
        std::cerr << "spark: " << e.what() << '\n';
        return spark::cli::exit_failure;
    }
}
