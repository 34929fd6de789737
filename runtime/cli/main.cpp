// SPDX-License-Identifier: Apache-2.0
// `spark`: the command-line tool. Global options, then a command:
//   spark [--plugin-path P]... [--neuron NAME=FILE]... [--no-default-plugins] [--log-level L]
//         plugins list
//   spark ... plugins describe NAME
//   spark ... plugins check FILE [--type NAME] [--set FIELD=VALUE]... [--shape PORT=D1,D2]...
//             [--reference FILE.npy [--tolerance RTOL,ATOL] | --write-reference FILE.npy
//             [--steps N]]
//   spark ... run BRAIN.scfg --steps N [--input NAME=VALUE|FILE]... [--record SPEC]... [...]
//   spark ... validate BRAIN.scfg
//   spark ... convert OLD.scfg NEW.scfg [--plain]
//   spark ... raster FILE.npy [--out FILE.svg] [--dt MS] [--window FIRST:LAST]
// Errors are one line on stderr; exit codes: 0 ok, 1 failure (also: stdout could not be written),
// 2 usage error, 128+N a run stopped by signal N (SIGINT, SIGTERM, SIGHUP).
#include <charconv>
#include <exception>
#include <iostream>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <boost/program_options.hpp>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <spark/abi/version.h>

#include "checked_stdout.hpp"
#include "commands.hpp"
#include "run_world.hpp"
#include "text.hpp"

namespace {

namespace po = boost::program_options;
using spark::cli::exit_usage;

constexpr const char* usage = R"(usage: spark [options] <command>

commands:
  plugins list              every module type found: id, kind, version, vendor, file
                            (--manifests: from the manifests, without loading any code)
  plugins describe NAME     a type's provenance, config fields and ports (NAME: vendor.class_ref
                            or a bare class_ref: Spark's type if Spark offers it, else the
                            type of the one vendor that does)
  plugins check FILE        load one plugin file and run each of its types through every
                            lifecycle stage, in each dtype it offers (check options below)
  run BRAIN.scfg --steps N  run a brain: progress bar, summary (spikes and rates per module,
                            outputs, speed), recordings (--record) as .npy files + run.json
  validate BRAIN.scfg       every problem of a brain file with its path, or OK
  convert OLD.scfg NEW.scfg rewrite an af523a5 brain as an upstream 1.0 brain that runs the
                            same (xz-compressed as upstream 1.0 writes it; --plain: JSON); 1.0
                            files store no input shapes: give them with --input when running it
  raster FILE.npy           draw a recorded spike port as an SVG raster (time x neuron)

)";

/// A usage error: the message, and where to find help.
int usage_error(const std::string& message) {
    std::cerr << "spark: " << message << "; see 'spark --help'\n";
    return exit_usage;
}

/// "64GiB", "512MiB", "2GB", "1048576": bytes (KiB, MiB, GiB, TiB are powers of 1024; KB, MB,
/// GB, TB of 1000); false when `text` is none of these or does not fit 64 bits.
bool parse_size(const std::string& text, std::uint64_t& bytes) {
    std::uint64_t number = 0;
    const auto result = std::from_chars(text.data(), text.data() + text.size(), number);
    if (result.ec != std::errc{} || result.ptr == text.data()) {
        return false;
    }
    const std::string_view unit(result.ptr,
                                static_cast<std::size_t>(text.data() + text.size() - result.ptr));
    const std::map<std::string_view, std::uint64_t> units = {{"", 1},
                                                             {"B", 1},
                                                             {"KiB", 1ULL << 10U},
                                                             {"MiB", 1ULL << 20U},
                                                             {"GiB", 1ULL << 30U},
                                                             {"TiB", 1ULL << 40U},
                                                             {"KB", 1000ULL},
                                                             {"MB", 1000'000ULL},
                                                             {"GB", 1000'000'000ULL},
                                                             {"TB", 1000'000'000'000ULL}};
    const auto found = units.find(unit);
    return found != units.end() && !__builtin_mul_overflow(number, found->second, &bytes);
}

/// The limit options given: every --max-* of `options` into `files` and `brain`. Returns an
/// error message for a malformed value, else "".
std::string read_limits(const po::variables_map& options,
                        spark::runtime::file_limits& files,
                        spark::runtime::brain_limits& brain) {
    const std::vector<std::pair<const char*, std::uint64_t*>> sizes = {
        {"max-file-size", &files.max_file_bytes},
        {"max-json-size", &files.max_text_bytes},
        {"max-json-string", &files.max_string_bytes},
        {"max-memory", &brain.max_memory_bytes}};
    for (const auto& [name, target] : sizes) {
        if (options.count(name) != 0) {
            const auto text = options[name].as<std::string>();
            if (!parse_size(text, *target) || *target == 0) {
                return std::string("--") + name +
                       " must be a size > 0 such as 64GiB, 512MiB or 2000000 (bytes), got '" +
                       text + "'";
            }
        }
    }
    const std::vector<std::pair<const char*, std::uint64_t*>> counts = {
        {"max-json-values", &files.max_values},
        {"max-neurons", &brain.max_neurons},
        {"max-synapses", &brain.max_synapses}};
    for (const auto& [name, target] : counts) {
        if (options.count(name) != 0) {
            const auto text = options[name].as<std::string>();
            const auto result = std::from_chars(text.data(), text.data() + text.size(), *target);
            if (result.ec != std::errc{} || result.ptr != text.data() + text.size() ||
                *target == 0) {
                return std::string("--") + name + " must be a whole number > 0, got '" + text + "'";
            }
        }
    }
    return {};
}

int run(int argc, char** argv) {
    po::options_description visible("options");
    visible.add_options() //
        ("plugin-path",
         po::value<std::vector<std::string>>()->composing(),
         "a plugin folder or file to search first (repeatable)") //
        ("no-default-plugins",
         po::bool_switch(),
         "search only --plugin-path and --neuron: not SPARK_PLUGIN_PATH, the install's plugin "
         "folder nor SPARK_NEURON_PATH") //
        ("neuron",
         po::value<std::vector<std::string>>()->composing(),
         "NAME=FILE: register the upstream 1.0 neuron file FILE as the neuron type NAME, as "
         "upstream's register_neuron_from_config_file (repeatable; SPARK_NEURON_PATH lists "
         "folders whose *.scfg neuron files register under their file names)") //
        ("log-level",
         po::value<std::string>()->default_value("warn"),
         "trace, debug, info, warn or error (messages go to stderr)") //
        ("help,h", "print this help")                                 //
        ("version", "print the versions of spark and of its plugin ABI");
    po::options_description run_options("run options");
    run_options.add_options() //
        ("steps",
         po::value<std::string>(),
         "run: number of steps to run (required); plugins check: steps to record with "
         "--write-reference (default 20)") //
        ("input",
         po::value<std::vector<std::string>>()->composing(),
         "NAME=VALUE (a constant broadcast to the input's shape), NAME=V1,V2,... (one value per "
         "element) or NAME=FILE (a .csv with one row per step and one column per element, or a "
         ".npy of shape (steps, elements); the last row holds when the run is longer); inputs "
         "not given stay 0 (repeatable). An upstream 1.0 brain file stores no input shapes: "
         "these give them (a number: (1,), a list of n: (n,), a file: its row's shape); "
         "validate takes them too") //
        ("record",
         po::value<std::vector<std::string>>()->composing(),
         "MODULE.PORT, MODULE (all its outputs) or a brain output name: written to "
         "OUT/<name>.npy, shape (steps, elements), spikes as 0/1 uint8 (repeatable)")     //
        ("threads", po::value<int>(), "auto and flow graph threads (default: all cores)") //
        ("step-timeout",
         po::value<double>(),
         "SECONDS: a step running longer (a module that hangs) is named, the recordings and "
         "run.json are finalised up to the last completed step and the run ends with exit "
         "status 1") //
        ("executor",
         po::value<std::string>()->default_value("auto"),
         "auto (measures the first steps on one thread, in order on all threads and on the "
         "flow graph, and keeps the fastest), flow_graph or sequential (one thread)") //
        ("out",
         po::value<std::string>(),
         "run: the folder for recordings and run.json (default spark-run-out; written only with "
         "--record or --out); raster: the SVG file (default FILE with .svg)") //
        ("seed",
         po::value<std::string>(),
         "derive every module's seed from this number (replaces the file's seeds)") //
        ("progress",
         po::bool_switch(),
         "show the redrawn bar even when stderr is not a terminal (there, by default, a line "
         "per tenth of a run longer than half a second)")                 //
        ("no-progress", po::bool_switch(), "never show the progress bar") //
        ("checkpoint",
         po::value<std::string>(),
         "write the brain (every module's state, the cache, the step counter) to this file when "
         "the run ends, and every --checkpoint-every steps; written atomically, replacing the "
         "file") //
        ("checkpoint-every",
         po::value<long long>(),
         "with --checkpoint: also write it after every N steps (at step indices divisible by "
         "N)") //
        ("resume",
         po::value<std::string>(),
         "continue the run a checkpoint holds, with the same command line: --steps is the step "
         "to reach, so an interrupted job finishes with what it had left") //
        ("accept-other-builds",
         po::bool_switch(),
         "with --resume: load state written by other builds of its plugins (another SHA-256 "
         "or version), warning about each, instead of refusing") //
        ("compat",
         po::bool_switch(),
         "run, validate, convert: read the brain file as upstream Spark writes it: a key it does "
         "not "
         "declare is dropped with a warning instead of being an error") //
        ("plain",
         po::bool_switch(),
         "convert: write plain JSON instead of xz-compressed JSON") //
        ("manifests",
         po::bool_switch(),
         "plugins list: read the plugins' manifests (spark-<name>.manifest.json) instead of "
         "loading their code")                                                 //
        ("dt", po::value<double>(), "raster: the time step in ms (default 1)") //
        ("window",
         po::value<std::string>(),
         "raster: FIRST:LAST, the steps to draw (LAST excluded; either may be left out)");
    po::options_description check_options("plugins check options");
    check_options.add_options() //
        ("type",
         po::value<std::string>(),
         "NAME: check only this type of the file (canonical id or class_ref); needed for --set, "
         "--shape and --reference when the file has several types") //
        ("set",
         po::value<std::vector<std::string>>()->composing(),
         "FIELD=VALUE: a config field's value, as JSON (a plain word is a string: "
         "--set mode=linear; --set units=[4,4]); base fields seed, dtype and dt too (dtype: "
         "check only that dtype); a__b for field b of nested config a (repeatable)") //
        ("shape",
         po::value<std::vector<std::string>>()->composing(),
         "PORT=D1,D2,...: the shape of an input (any-shape inputs; an optional input is then "
         "wired), e.g. --shape in_spikes=8,8 (repeatable)") //
        ("reference",
         po::value<std::string>(),
         "FILE.npy: a structured array, one row per step and one field per port: the inputs to "
         "feed and the outputs to expect (its float fields choose the dtype)") //
        ("tolerance",
         po::value<std::string>(),
         "RTOL,ATOL: with --reference, floats agree when |got - expected| <= ATOL + RTOL * "
         "|expected| (default: 1e-4,1e-6 in float32, 1e-9,1e-12 in float64)") //
        ("write-reference",
         po::value<std::string>(),
         "FILE.npy: record the type's outputs for --steps N random inputs (default 20) as a trace "
         "--reference reads: a regression baseline of what the type does now (float32 unless "
         "--set dtype; never overwrites a file)");
    po::options_description limit_options(
        "limits of run and validate (defaults fit a 24 GiB machine; SIZE: 64GiB, 512MiB, 2GB or "
        "bytes)");
    limit_options.add_options()                                                                   //
        ("max-file-size", po::value<std::string>(), "SIZE: a brain file on disk (default 64MiB)") //
        ("max-json-size",
         po::value<std::string>(),
         "SIZE: a brain file's JSON after xz decompression (default 256MiB)") //
        ("max-json-string",
         po::value<std::string>(),
         "SIZE: one JSON string or key (default 16MiB)") //
        ("max-json-values",
         po::value<std::string>(),
         "N: JSON values in one file, so also the elements of one array (default 16777216; each "
         "takes about 16 bytes once read)") //
        ("max-neurons",
         po::value<std::string>(),
         "N: neurons of all modules, from their planned shapes (default 100000000)") //
        ("max-synapses",
         po::value<std::string>(),
         "N: synapses of all kernels, input x output elements of each (default 2000000000)") //
        ("max-memory",
         po::value<std::string>(),
         "SIZE: what the brain is estimated to allocate: port buffers and 4 bytes a synapse "
         "(default 16GiB)") //
        ("strict-numerics",
         po::bool_switch(),
         "run: a module output holding NaN or an infinity stops the run with an error (by "
         "default each such port is reported once)") //
        ("partition-report",
         po::bool_switch(),
         "run: print, before running, what each rank holds and the expected balance (under "
         "mpirun -n K the brain is split over K ranks; docs/scaling.md)");
    po::options_description hidden;
    hidden.add_options()("command", po::value<std::vector<std::string>>());
    po::options_description all;
    all.add(visible).add(run_options).add(check_options).add(limit_options).add(hidden);
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
        std::cout << usage << visible << '\n'
                  << run_options << '\n'
                  << check_options << '\n'
                  << limit_options;
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
    if (options.count("neuron") != 0) {
        for (const auto& given : options["neuron"].as<std::vector<std::string>>()) {
            const auto equals = given.find('=');
            if (equals == std::string::npos || equals == 0 || equals + 1 == given.size()) {
                return usage_error("--neuron must be NAME=FILE (e.g. alif_mod_neuron="
                                   "alif_mod_neuron.scfg), got '" +
                                   given + "'");
            }
            sources.neurons.emplace_back(given.substr(0, equals), given.substr(equals + 1));
        }
    }

    const auto words = options.count("command") != 0
                           ? options["command"].as<std::vector<std::string>>()
                           : std::vector<std::string>{};
    if (words.empty()) {
        std::cerr << usage;
        return exit_usage;
    }
    const std::string& command = words[0];
    // Options that belong to one command are refused elsewhere: a misplaced option is a mistake.
    const std::map<std::string, std::set<std::string>> option_commands = {
        {"steps", {"run", "plugins"}},
        {"input", {"run", "validate"}},
        {"record", {"run"}},
        {"threads", {"run"}},
        {"step-timeout", {"run"}},
        {"seed", {"run"}},
        {"progress", {"run"}},
        {"no-progress", {"run"}},
        {"checkpoint", {"run"}},
        {"checkpoint-every", {"run"}},
        {"resume", {"run"}},
        {"accept-other-builds", {"run"}},
        {"compat", {"run", "validate", "convert"}},
        {"plain", {"convert"}},
        {"manifests", {"plugins"}},
        {"type", {"plugins"}},
        {"set", {"plugins"}},
        {"shape", {"plugins"}},
        {"reference", {"plugins"}},
        {"tolerance", {"plugins"}},
        {"write-reference", {"plugins"}},
        {"out", {"run", "raster"}},
        {"dt", {"raster"}},
        {"window", {"raster"}},
        {"max-file-size", {"run", "validate"}},
        {"max-json-size", {"run", "validate"}},
        {"max-json-string", {"run", "validate"}},
        {"max-json-values", {"run", "validate"}},
        {"max-neurons", {"run", "validate"}},
        {"max-synapses", {"run", "validate"}},
        {"max-memory", {"run", "validate"}},
        {"strict-numerics", {"run"}},
        {"partition-report", {"run"}},
    };
    for (const auto& [name, commands] : option_commands) {
        const bool given = options.count(name) != 0 && !options[name].defaulted() &&
                           !((name.find("progress") != std::string::npos ||
                              name == "strict-numerics" || name == "accept-other-builds") &&
                             !options[name].as<bool>());
        if (given && commands.count(command) == 0) {
            // "'run'", "'plugins' or 'run'", "'convert', 'run' or 'validate'".
            std::string owners;
            std::size_t index = 0;
            for (const auto& owner : commands) {
                owners += (index == 0                     ? ""
                           : index + 1 == commands.size() ? " or "
                                                          : ", ") +
                          ("'" + owner + "'");
                ++index;
            }
            return usage_error("--" + name + " is an option of " + owners + ", not of '" + command +
                               "'");
        }
    }
    if (command == "run" || command == "validate" || command == "raster") {
        if (words.size() != 2) {
            return usage_error("'" + command + "' takes exactly one argument, " +
                               (command == "raster" ? "a .npy file" : "a brain file") + ", got " +
                               std::to_string(words.size() - 1));
        }
    }
    if (command == "convert") {
        if (words.size() != 3) {
            return usage_error("'convert' takes exactly two arguments, the af523a5 brain file "
                               "and the file to write, got " +
                               std::to_string(words.size() - 1));
        }
        return spark::cli::convert_brain(
            sources, words[1], words[2], options["plain"].as<bool>(), options["compat"].as<bool>());
    }
    spark::runtime::file_limits file_limits;
    spark::runtime::brain_limits brain_limits;
    if (const auto problem = read_limits(options, file_limits, brain_limits); !problem.empty()) {
        return usage_error(problem);
    }
    sources.neuron_file_limits = file_limits; // the --neuron files obey the same limits
    if (command == "validate") {
        const auto inputs = options.count("input") != 0
                                ? options["input"].as<std::vector<std::string>>()
                                : std::vector<std::string>{};
        return spark::cli::validate_brain(
            sources, words[1], options["compat"].as<bool>(), inputs, file_limits, brain_limits);
    }
    if (command == "raster") {
        std::filesystem::path out = words[1];
        out.replace_extension(".svg");
        if (options.count("out") != 0) {
            out = options["out"].as<std::string>();
        }
        const double dt = options.count("dt") != 0 ? options["dt"].as<double>() : 1.0;
        spark::cli::step_window window;
        if (options.count("window") != 0) {
            const std::string text = options["window"].as<std::string>();
            const auto colon = text.find(':');
            const auto read = [&](std::string_view part, std::uint64_t& value) {
                const auto result = std::from_chars(part.data(), part.data() + part.size(), value);
                return result.ec == std::errc{} && result.ptr == part.data() + part.size();
            };
            const std::string_view given(text);
            const std::string_view head = given.substr(0, colon);
            const std::string_view tail =
                colon == std::string::npos ? std::string_view() : given.substr(colon + 1);
            std::uint64_t last = 0;
            if (colon == std::string::npos || (!head.empty() && !read(head, window.first)) ||
                (!tail.empty() && !read(tail, last))) {
                return usage_error("--window must be FIRST:LAST in steps (e.g. 0:1000, 500:, "
                                   ":2000), got '" +
                                   text + "'");
            }
            if (!tail.empty()) {
                window.last = last;
            }
        }
        return spark::cli::raster(words[1], out, dt, window);
    }
    if (command == "run") {
        spark::cli::run_request request;
        request.brain_file = words[1];
        if (options.count("steps") == 0) {
            return usage_error("'run' needs --steps N");
        }
        const std::string steps_text = options["steps"].as<std::string>();
        long long steps = 0;
        const auto parsed =
            std::from_chars(steps_text.data(), steps_text.data() + steps_text.size(), steps);
        if (parsed.ec != std::errc{} || parsed.ptr != steps_text.data() + steps_text.size()) {
            return usage_error("--steps must be a whole number >= 1 (the steps to run), got '" +
                               steps_text + "'");
        }
        if (steps < 1) {
            return usage_error("--steps must be at least 1, got " + std::to_string(steps));
        }
        request.steps = static_cast<std::uint64_t>(steps);
        if (options.count("input") != 0) {
            request.inputs = options["input"].as<std::vector<std::string>>();
        }
        if (options.count("record") != 0) {
            request.records = options["record"].as<std::vector<std::string>>();
        }
        if (options.count("threads") != 0) {
            const int threads = options["threads"].as<int>();
            if (threads < 1) {
                return usage_error("--threads must be at least 1, got " + std::to_string(threads));
            }
            request.threads = static_cast<unsigned>(threads);
        }
        if (options.count("step-timeout") != 0) {
            const double timeout = options["step-timeout"].as<double>();
            if (!(timeout > 0) || timeout > 1e6) {
                return usage_error("--step-timeout must be a number of seconds in (0, 1e6], got " +
                                   spark::runtime::detail::format_number(timeout));
            }
            request.step_timeout = timeout;
        }
        request.executor = options["executor"].as<std::string>();
        if (options.count("out") != 0) {
            request.out_dir = options["out"].as<std::string>();
            request.out_dir_given = true;
        }
        if (options.count("seed") != 0) {
            const std::string text = options["seed"].as<std::string>();
            std::uint64_t seed = 0;
            const auto result = std::from_chars(text.data(), text.data() + text.size(), seed);
            if (result.ec != std::errc{} || result.ptr != text.data() + text.size()) {
                return usage_error("--seed must be an integer in [0, 2^64), got '" + text + "'");
            }
            request.seed = seed;
        }
        if (options["progress"].as<bool>() && options["no-progress"].as<bool>()) {
            return usage_error("--progress and --no-progress exclude each other");
        }
        request.progress =
            options["progress"].as<bool>() ? 1 : (options["no-progress"].as<bool>() ? 0 : -1);
        request.command.assign(argv, argv + argc);
        request.compat = options["compat"].as<bool>();
        request.file_limits = file_limits;
        request.brain_limits = brain_limits;
        request.strict_numerics = options["strict-numerics"].as<bool>();
        auto& checkpoints = request.checkpoints;
        if (options.count("checkpoint") != 0) {
            checkpoints.file = options["checkpoint"].as<std::string>();
        }
        if (options.count("checkpoint-every") != 0) {
            const long long every = options["checkpoint-every"].as<long long>();
            if (!checkpoints.file) {
                return usage_error("--checkpoint-every needs --checkpoint FILE");
            }
            if (every < 1) {
                return usage_error("--checkpoint-every must be at least 1, got " +
                                   std::to_string(every));
            }
            checkpoints.every = static_cast<std::uint64_t>(every);
        }
        if (options.count("resume") != 0) {
            checkpoints.resume = options["resume"].as<std::string>();
        }
        checkpoints.accept_other_builds = options["accept-other-builds"].as<bool>();
        if (checkpoints.accept_other_builds && !checkpoints.resume) {
            return usage_error("--accept-other-builds is for --resume");
        }
        request.partition_report = options["partition-report"].as<bool>();
        // Under mpirun every rank runs this: one brain over all of them (run_world.hpp).
        const auto ranks = spark::cli::launcher_ranks();
        if (ranks == 1) {
            return spark::cli::run_brain(sources, request, *spark::cli::single_process());
        }
#ifdef SPARK_CLI_MPI
        const auto world = spark::cli::mpi_world();
        try {
            return spark::cli::run_brain(sources, request, *world);
        } catch (const std::exception& e) {
            world->abort(e.what()); // the other ranks would wait for this one forever
        }
        return spark::cli::exit_failure;
#else
        std::cerr << "spark: mpirun (or another launcher) started " << ranks
                  << " processes, but this spark was built without MPI, so each would run the "
                     "whole brain into the same files; build it with Open MPI installed "
                     "(libopenmpi-dev turns the SPARK_MPI option on), or run it without mpirun\n";
        return spark::cli::exit_usage;
#endif
    }
    if (command != "plugins") {
        return usage_error("unknown command '" + command + "'");
    }
    if (words.size() < 2) {
        return usage_error("'plugins' needs a subcommand: list, describe NAME or check FILE");
    }
    const std::string& sub = words[1];
    const std::size_t operands = words.size() - 2;
    for (const char* name :
         {"type", "set", "shape", "reference", "tolerance", "write-reference", "steps"}) {
        if (options.count(name) != 0 && sub != "check") {
            return usage_error(std::string("--") + name +
                               " is an option of 'plugins check', not of "
                               "'plugins " +
                               sub + "'");
        }
    }
    if (sub == "list") {
        if (operands != 0) {
            return usage_error("'plugins list' takes no arguments, got '" + words[2] + "'");
        }
        return spark::cli::plugins_list(sources, options["manifests"].as<bool>());
    }
    if (sub == "describe" || sub == "check") {
        const std::string what = sub == "describe" ? "a type name" : "a plugin file";
        if (operands != 1) {
            return usage_error("'plugins " + sub + "' takes exactly one argument, " + what +
                               ", got " + std::to_string(operands));
        }
        if (sub == "describe") {
            return spark::cli::plugins_describe(sources, words[2]);
        }
        spark::cli::check_request request;
        if (options.count("type") != 0) {
            request.type = options["type"].as<std::string>();
        }
        for (const char* name : {"set", "shape"}) {
            if (options.count(name) != 0) {
                (std::string_view(name) == "set" ? request.settings : request.shapes) =
                    options[name].as<std::vector<std::string>>();
            }
        }
        if (options.count("reference") != 0) {
            request.reference = options["reference"].as<std::string>();
        }
        if (options.count("tolerance") != 0) {
            request.tolerance = options["tolerance"].as<std::string>();
        }
        if (options.count("write-reference") != 0) {
            request.write_reference = options["write-reference"].as<std::string>();
        }
        if (options.count("steps") != 0) {
            request.steps = options["steps"].as<std::string>();
        }
        return spark::cli::plugins_check(sources, words[2], request);
    }
    return usage_error("unknown subcommand 'plugins " + sub + "'; use list, describe or check");
}

} // namespace

int main(int argc, char** argv) {
    // Output to a full disk or /dev/full fails when the buffer is written, often only at the
    // end: an error then, never exit status 0 for output that was lost.
    spark::cli::checked_stdout out;
    int status = spark::cli::exit_failure;
    try {
        status = run(argc, argv);
    } catch (const std::exception& e) {
        // Anything a command did not handle itself: still one clear line, never a stack trace.
        std::cerr << "spark: " << e.what() << '\n';
    }
    if (!out.flush()) {
        std::cerr << "spark: cannot write to standard output: " << out.reason() << '\n';
        if (status == spark::cli::exit_ok) {
            status = spark::cli::exit_failure;
        }
    }
    return status;
}
