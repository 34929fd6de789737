// SPDX-License-Identifier: Apache-2.0
// `spark run`: builds a brain from a .scfg file, feeds its inputs, steps it, counts spikes,
// records chosen ports and properties to .npy files with a run.json of provenance, and prints a
// summary.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <unistd.h>

#include <boost/json.hpp>

#include <spark/runtime/brain.hpp>
#include <spark/runtime/brain_config.hpp>
#include <spark/runtime/module_config.hpp>
#include <spark/sdk/buffers.hpp>

#include "commands.hpp"
#include "config/regular_file.hpp"
#include "config/scfg_file.hpp"
#include "file_names.hpp"
#include "inputs.hpp"
#include "npy.hpp"
#include "recordings.hpp"
#include "run_support.hpp"
#include "step_watchdog.hpp"
#include "stop_signals.hpp"
#include "text.hpp"

namespace spark::cli {
namespace {

namespace json = boost::json;
using runtime::detail::format_number;
using runtime::detail::quoted_alternatives;

std::uint64_t element_count(const spark_port_spec_t& spec) {
    return sdk::element_count(spec.shape);
}

double element_at(const runtime::port_view& view, std::uint64_t i) {
    switch (view.spec.dtype) {
    case SPARK_DTYPE_U8:
        return static_cast<const std::uint8_t*>(view.data)[i];
    case SPARK_DTYPE_I32:
        return static_cast<const std::int32_t*>(view.data)[i];
    case SPARK_DTYPE_F32:
        return static_cast<const float*>(view.data)[i];
    default:
        return static_cast<const double*>(view.data)[i];
    }
}

/// Up to 6 values as "[a, b, ...]" (6 significant digits).
std::string vector_text(const std::vector<double>& values) {
    std::string text = "[";
    for (std::size_t i = 0; i < values.size() && i < 6; ++i) {
        std::array<char, 32> number{};
        std::snprintf(number.data(), number.size(), "%.6g", values[i]);
        text += (i == 0 ? "" : ", ") + std::string(number.data());
    }
    if (values.size() > 6) {
        text += ", ... (" + std::to_string(values.size()) + " values)";
    }
    return text + "]";
}

std::string fixed(double value, int decimals) {
    std::array<char, 64> text{};
    std::snprintf(text.data(), text.size(), "%.*f", decimals, value);
    return text.data();
}

/// Counts the spikes (bit0) a module emits on its spike port.
struct spike_counter {
    std::string module;
    std::string port;
    std::string type_id;
    std::uint64_t units = 0;
    std::string units_text; // "512", or the shape "4x128" for a port of rank > 1
    std::uint64_t spikes = 0;
};

struct output_stats {
    std::string name;
    std::vector<double> sum;
    std::vector<double> last;
};

/// Where the module's name ends in a --record spec: npos when the whole spec is a module's name,
/// else after the longest module name followed by '.' (a name may hold dots), else at the first
/// dot (no module matches; the caller's message splits there).
std::size_t module_name_end(const runtime::brain& brain, const std::string& spec) {
    std::size_t longest = 0;
    for (const auto& m : brain.modules()) {
        if (spec == m.name) {
            return std::string::npos;
        }
        if (spec.size() > m.name.size() && spec.compare(0, m.name.size(), m.name) == 0 &&
            spec[m.name.size()] == '.') {
            longest = std::max(longest, m.name.size());
        }
    }
    return longest > 0 ? longest : spec.find('.');
}

/// "flow_graph executor"; for auto, what it chose: "auto executor, chose in order".
std::string executor_text(const std::string& asked, const std::string& in_use) {
    std::string text = asked + " executor";
    if (asked == "auto") {
        const auto colon = in_use.find(": ");
        text += colon == std::string::npos ? std::string(", still measuring")
                                           : ", chose " + in_use.substr(colon + 2);
    }
    return text;
}

/// "M.P" where M has no output port P: P as a property of M (copied out after every step), when
/// M's type declares it and M can serve it; else the error lists M's outputs and properties.
recording property_record(const runtime::brain& brain,
                          const runtime::module_info& module,
                          const std::string& spec,
                          const std::string& property,
                          const std::vector<std::string>& ports) {
    std::vector<std::string> properties;
    for (const auto& declared : registry::declared_properties(*module.type)) {
        properties.emplace_back(declared.name);
    }
    if (std::find(properties.begin(), properties.end(), property) == properties.end()) {
        throw spark::error("--record " + spec + ": module '" + printable(module.name) +
                           "' has no output port or property '" + property + "'; its outputs are " +
                           quoted_alternatives(ports) +
                           (properties.empty()
                                ? std::string("; it has no properties")
                                : "; its properties are " + quoted_alternatives(properties)));
    }
    const auto property_spec = brain.property_spec(module.name, property);
    if (property_spec.payload_kind == 0) {
        try {
            (void)brain.read_property(module.name, property); // throws the module's reason
        } catch (const spark::error& e) {
            throw spark::error("--record " + spec + ": " + e.what());
        }
    }
    return {module.name + "." + property, module.name, property, property_spec, nullptr, "", true};
}

/// Resolves --record SPECs: "module.port", "module.property" (a property may hold dots, as
/// "A_ex.soma.potential"), "module" (all its outputs) or a brain output name.
std::vector<recording> resolve_records(const runtime::brain& brain,
                                       const std::vector<std::string>& specs) {
    std::vector<recording> records;
    const auto add = [&](recording r) {
        for (const auto& existing : records) {
            if (existing.label == r.label) {
                return; // asked twice: record once
            }
        }
        records.push_back(std::move(r));
    };
    std::vector<std::string> module_names;
    for (const auto& m : brain.modules()) {
        module_names.push_back(printable(m.name));
    }
    std::vector<std::string> output_names;
    for (const auto& o : brain.output_specs()) {
        output_names.push_back(printable(o.first));
    }
    for (const auto& spec : specs) {
        const auto dot = module_name_end(brain, spec);
        const std::string module_name = spec.substr(0, dot);
        const auto module = std::find_if(brain.modules().begin(),
                                         brain.modules().end(),
                                         [&](const auto& m) { return m.name == module_name; });
        if (module != brain.modules().end()) {
            std::vector<std::string> ports;
            for (const auto& [port, port_spec] : module->outputs) {
                ports.push_back(port);
                if (dot == std::string::npos || spec.substr(dot + 1) == port) {
                    add({module->name + "." + port, module->name, port, port_spec, nullptr});
                }
            }
            if (dot != std::string::npos &&
                std::find(ports.begin(), ports.end(), spec.substr(dot + 1)) == ports.end()) {
                add(property_record(brain, *module, spec, spec.substr(dot + 1), ports));
            }
            continue;
        }
        const auto output = std::find_if(brain.output_specs().begin(),
                                         brain.output_specs().end(),
                                         [&](const auto& o) { return o.first == spec; });
        if (output != brain.output_specs().end()) {
            add({spec, "", spec, output->second, nullptr});
            continue;
        }
        std::string message = "--record " + spec + ": the brain has no module '" + module_name +
                              "'" +
                              (dot == std::string::npos ? " and no output '" + spec + "'" : "");
        std::vector<std::string> known = module_names;
        known.insert(known.end(), output_names.begin(), output_names.end());
        const auto close = runtime::detail::closest_names(module_name, known);
        if (!close.empty()) {
            message += "; did you mean " + quoted_alternatives(close) + "?";
        } else {
            message += "; modules: " + quoted_alternatives(module_names);
            if (!output_names.empty()) {
                message += ", outputs: " + quoted_alternatives(output_names);
            }
        }
        throw spark::error(message);
    }
    return records;
}

/// An upstream 1.0 brain stores no input shapes: each --input gives its input's (upstream
/// takes them from the first call). False after printing a usage error.
bool give_input_shapes(runtime::brain_config& config, const std::vector<std::string>& inputs) {
    if (config.schema != runtime::brain_schema::upstream_1_0) {
        return true;
    }
    for (const auto& argument : inputs) {
        const auto equals = argument.find('=');
        if (equals == std::string::npos || equals == 0) {
            continue; // reported with the other --input problems
        }
        const std::string name = argument.substr(0, equals);
        try {
            config.set_input_shape(name, input_source::shape_of(name, argument.substr(equals + 1)));
        } catch (const spark::error& e) {
            std::cerr << "spark: --input " << argument << ": " << e.what() << '\n';
            return false;
        }
    }
    return true;
}

} // namespace

int run_brain(const plugin_sources& sources, const run_request& request) {
    runtime::executor_kind executor{};
    if (request.executor == "auto") {
        executor = runtime::executor_kind::automatic;
    } else if (request.executor == "flow_graph") {
        executor = runtime::executor_kind::flow_graph;
    } else if (request.executor == "sequential") {
        executor = runtime::executor_kind::sequential;
    } else {
        std::cerr << "spark: --executor must be auto, flow_graph or sequential, got '"
                  << printable(request.executor) << "'; see 'spark --help'\n";
        return exit_usage;
    }
    if (executor == runtime::executor_kind::sequential && request.threads != 0) {
        std::cerr << "spark: --threads is for the auto and flow_graph executors; the sequential "
                     "one runs on the calling thread; see 'spark --help'\n";
        return exit_usage;
    }
    const auto opened = open_registry(sources);
    if (!opened) {
        return exit_failure;
    }
    auto& plugins = *opened;

    std::optional<runtime::brain_config> config;
    try {
        config.emplace(runtime::brain_config::from_file(
            request.brain_file,
            request.compat ? runtime::config_mode::compat : runtime::config_mode::strict,
            request.file_limits));
    } catch (const runtime::config_error& e) {
        print_issues(e);
        return exit_failure;
    }
    if (!give_input_shapes(*config, request.inputs)) {
        return exit_usage;
    }
    if (request.seed) {
        config->refresh_seeds(*request.seed); // replaces every seed of the file
    }

    runtime::brain_options options;
    options.executor = executor;
    options.threads = request.threads;
    options.limits = request.brain_limits;
    options.numerics =
        request.strict_numerics ? runtime::numerics_check::error : runtime::numerics_check::report;
    const auto build_start = std::chrono::steady_clock::now();
    std::optional<runtime::brain> brain;
    if (request.checkpoints.resume) {
        brain = resume_brain(plugins, request.checkpoints, *config, options);
        if (!brain) {
            return exit_failure;
        }
    } else {
        try {
            brain.emplace(plugins, *config, options);
        } catch (const runtime::config_error& e) {
            print_issues(e);
            return exit_failure;
        }
    }
    // --steps is the step to reach: a resumed run does what is left (docs/file-format.md
    // section 12.5).
    const std::uint64_t first_step = brain->step_index();
    if (first_step >= request.steps) {
        std::cerr << "spark: the checkpoint is at step " << first_step << ", at or past --steps "
                  << request.steps << "; nothing to run (--steps is the step to reach)\n";
        return exit_failure;
    }
    const std::uint64_t steps_to_run = request.steps - first_step;
    checkpoint_schedule checkpoints(request.checkpoints);
    const double build_seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - build_start).count();

    // Recordings first: a wrong --record is a usage error, reported before any note.
    std::vector<recording> records;
    try {
        records = resolve_records(*brain, request.records);
    } catch (const spark::error& e) {
        std::cerr << "spark: " << e.what() << '\n';
        return exit_usage;
    }

    // Inputs: every --input names a brain input; the others stay 0.
    std::vector<std::string> input_names;
    for (const auto& [name, spec] : brain->input_specs()) {
        input_names.push_back(name);
    }
    std::vector<input_source> inputs;
    for (const auto& argument : request.inputs) {
        const auto equals = argument.find('=');
        if (equals == std::string::npos || equals == 0) {
            std::cerr << "spark: --input " << argument
                      << ": expected NAME=VALUE or NAME=FILE; see 'spark --help'\n";
            return exit_usage;
        }
        const std::string name = argument.substr(0, equals);
        const auto spec = std::find_if(brain->input_specs().begin(),
                                       brain->input_specs().end(),
                                       [&](const auto& s) { return s.first == name; });
        if (spec == brain->input_specs().end()) {
            std::cerr << "spark: --input " << argument << ": the brain has no input '" << name
                      << "'; its inputs are "
                      << (input_names.empty() ? std::string("none")
                                              : quoted_alternatives(input_names))
                      << '\n';
            return exit_usage;
        }
        if (std::any_of(
                inputs.begin(), inputs.end(), [&](const auto& i) { return i.name() == name; })) {
            std::cerr << "spark: --input " << argument << ": input '" << name
                      << "' is given twice\n";
            return exit_usage;
        }
        inputs.push_back(input_source::parse(name, argument.substr(equals + 1), spec->second));
    }
    for (const auto& name : input_names) {
        if (std::none_of(
                inputs.begin(), inputs.end(), [&](const auto& i) { return i.name() == name; })) {
            std::cerr << "spark: note: input '" << name << "' is not given (--input " << name
                      << "=VALUE|FILE); it stays 0\n";
        }
    }
    for (const auto& input : inputs) {
        if (input.is_file() && input.rows() < request.steps) {
            std::cerr << "spark: note: input '" << input.name() << "': " << input.file() << " has "
                      << input.rows() << " rows for " << request.steps
                      << " steps; the last row holds from step " << input.rows() << " on\n";
        }
    }

    // Spike counts: per module, the port get_spikes_from_cache() reads.
    std::vector<spike_counter> counters;
    for (const auto& [module, view] : brain->get_spikes_from_cache()) {
        spike_counter counter;
        counter.module = module;
        counter.units = view.count;
        counter.units_text = std::to_string(view.count);
        if (view.spec.shape.rank > 1) {
            std::string dims;
            for (std::uint32_t d = 0; d < view.spec.shape.rank; ++d) {
                if (d > 0) {
                    dims += 'x';
                }
                dims += std::to_string(view.spec.shape.dims[d]);
            }
            counter.units_text = dims;
        }
        for (const auto& m : brain->modules()) {
            if (m.name == module) {
                counter.type_id = m.type->canonical_id;
                for (const auto& [port, spec] : m.outputs) {
                    if (spec.payload_kind == SPARK_PAYLOAD_SPIKES &&
                        (port == "spikes" || (counter.port.empty() && port == "out_spikes"))) {
                        counter.port = port;
                    }
                }
            }
        }
        if (!counter.port.empty()) {
            counters.push_back(std::move(counter));
        }
    }
    std::vector<output_stats> outputs;
    for (const auto& [name, spec] : brain->output_specs()) {
        outputs.push_back({name,
                           std::vector<double>(element_count(spec), 0.0),
                           std::vector<double>(element_count(spec), 0.0)});
    }

    const bool write_files = !records.empty() || request.out_dir_given;
    if (write_files) {
        // Labels come from the brain file: each becomes a file name that cannot leave --out.
        std::map<std::string, std::string> label_of_file;
        for (auto& r : records) {
            r.file = safe_file_name(r.label, ".npy");
            const auto [other, fresh] = label_of_file.emplace(r.file, r.label);
            if (!fresh) {
                std::cerr << "spark: --record: '" << printable(r.label) << "' and '"
                          << printable(other->second) << "' would both be written to "
                          << (request.out_dir / other->first).string()
                          << " (a name's characters outside A-Z a-z 0-9 . _ - become '_'); "
                             "rename one of them in the brain file\n";
                return exit_failure;
            }
        }
    }

    // From here on every way out finalises the files: SIGINT, SIGTERM and SIGHUP only ask the
    // loop to stop after the step in progress.
    const stop_signals signals;
    stop_cause cause;
    std::mutex files_mutex; // the rows and the finalisation: the loop and the step watchdog
    bool finalised = false;
    const auto start = std::chrono::steady_clock::now();
    const auto elapsed = [&] {
        return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    };

    // run.json: what ran, from what, and why and where it stopped. `done` steps are in the files.
    const auto run_json = [&](std::uint64_t done, double seconds) {
        json::object run;
        json::array command;
        for (const auto& word : request.command) {
            command.emplace_back(word);
        }
        run["command"] = std::move(command);
        run["spark_version"] = SPARK_VERSION_STRING;
        run["brain_file"] = std::filesystem::weakly_canonical(request.brain_file).string();
        run["brain_sha256"] = sha256_of_file(request.brain_file);
        run["steps"] = request.steps;
        run["completed_steps"] = done;
        run["stop_reason"] = cause.reason;
        run["stop_step"] = first_step + done; // the brain's step count when it stopped
        run["first_step"] = first_step;
        if (request.checkpoints.resume) {
            run["resumed_from"] =
                std::filesystem::weakly_canonical(*request.checkpoints.resume).string();
        }
        if (!cause.message.empty()) {
            run["stop_message"] = cause.message;
        }
        run["dt_ms"] = brain->dt();
        run["executor"] = request.executor;
        run["executor_in_use"] = brain->executor_in_use();
        run["threads"] = request.threads;
        run["seed"] = request.seed ? json::value(*request.seed) : json::value(nullptr);
        json::array input_list;
        for (const auto& input : inputs) {
            json::object entry{{"name", input.name()}};
            if (input.is_file()) {
                entry["file"] = std::filesystem::weakly_canonical(input.file()).string();
                entry["sha256"] = sha256_of_file(input.file());
                entry["rows"] = input.rows();
            } else {
                entry["value"] = input.description();
            }
            input_list.push_back(std::move(entry));
        }
        run["inputs"] = std::move(input_list);
        json::array module_list;
        for (const auto& m : brain->modules()) {
            const auto& plugin = *m.type->plugin;
            json::array parts; // a neuron run from its parts: where each part came from
            for (const auto& [field, type] : m.parts) {
                parts.push_back(json::object{{"part", field},
                                             {"type", type->canonical_id},
                                             {"plugin_file", type->plugin->file.string()},
                                             {"plugin_sha256", type->plugin->sha256},
                                             {"plugin_id", type->plugin->id},
                                             {"plugin_version", type->plugin->version}});
            }
            module_list.push_back(json::object{
                {"name", m.name},
                {"type", m.type->canonical_id},
                {"seed", m.seed},
                {"plugin_file", plugin.file.string()},
                {"plugin_sha256", plugin.sha256},
                {"plugin_id", plugin.id},
                {"plugin_version", plugin.version},
                {"type_version", m.type->abi->version != nullptr ? m.type->abi->version : ""},
                {"abi_version", registry::version_string(plugin.abi_version)},
            });
            if (!parts.empty()) {
                module_list.back().as_object()["parts"] = std::move(parts);
            }
        }
        run["modules"] = std::move(module_list);
        json::array record_list;
        for (const auto& r : records) {
            record_list.push_back(json::object{
                {"name", r.label},
                {"kind", r.property ? "property" : "port"},
                {"file", r.file},
                {"payload", std::string(registry::payload_kind_name(r.spec.payload_kind))},
                {"dtype", npy_descr(npy_type_of(r.spec))},
                {"shape",
                 json::array{r.writer ? r.writer->rows() : std::uint64_t{0},
                             element_count(r.spec)}},
            });
        }
        run["records"] = std::move(record_list);
        // Outputs that turned NaN or infinite (brain::numerics_reports): once per port, the first
        // step and element, the value as text (JSON has no NaN).
        json::array numerics;
        for (const auto& r : brain->numerics_reports()) {
            numerics.push_back(json::object{{"module", r.module},
                                            {"type", r.type_id},
                                            {"port", r.port},
                                            {"step", r.step},
                                            {"element", r.element},
                                            {"value", format_number(r.value)}});
        }
        run["non_finite_outputs"] = std::move(numerics);
        run["wall_seconds"] = seconds;
        run["build_seconds"] = build_seconds;
        run["steps_per_second"] = seconds > 0 ? static_cast<double>(done) / seconds : 0.0;
        return run;
    };

    // Finalises the recordings and writes run.json, once, whoever stops the run (the loop, or
    // the step watchdog while a step hangs). Returns false after printing what failed.
    const auto finalise = [&](std::uint64_t done) {
        if (finalised || !write_files) {
            return true;
        }
        finalised = true;
        bool ok = true;
        for (const auto& e : finish_recordings(records, done)) {
            std::cerr << "spark: " << printable(e.what()) << '\n';
            if (cause.completed()) {
                cause.reason = "write error on " + e.file().string() + ": " + e.reason();
                cause.message = e.what();
            }
            ok = false;
        }
        const auto file = request.out_dir / "run.json";
        try {
            runtime::detail::write_file_atomically(file, pretty_json(run_json(done, elapsed())));
        } catch (const std::exception& e) {
            std::cerr << "spark: " << printable(e.what()) << '\n';
            ok = false;
        }
        return ok;
    };

    // --step-timeout: a step that never returns is named, the files are finalised up to the
    // last completed step, and the process ends (the stuck step cannot be stopped).
    step_watchdog watchdog(request.step_timeout, [&](std::uint64_t step) {
        const std::lock_guard lock(files_mutex);
        if (!watchdog.running(step)) {
            return; // it returned while the lock was taken
        }
        std::vector<std::string> stuck;
        for (const auto& name : brain->modules_in_step()) {
            const auto module =
                std::find_if(brain->modules().begin(),
                             brain->modules().end(),
                             [&](const runtime::module_info& m) { return m.name == name; });
            stuck.push_back("module '" + name + "' (type " +
                            (module != brain->modules().end() ? module->type->canonical_id
                                                              : std::string("unknown")) +
                            ")");
        }
        const std::string who =
            stuck.empty() ? std::string("a module") : runtime::detail::join(stuck, ", ");
        cause.reason = "step timeout in " + who;
        cause.message = who + " did not finish step " + std::to_string(first_step + step) +
                        " within " + format_number(request.step_timeout) + " s (--step-timeout)";
        // On a terminal the progress bar's line may be open: the message starts a line of its own.
        std::cerr << (::isatty(STDERR_FILENO) != 0 ? "\n" : "")
                  << "spark: " << printable(cause.message) << '\n';
        const bool ok = finalise(step);
        if (ok && write_files) {
            std::cerr << "spark: the files in " << request.out_dir.string() << " hold the " << step
                      << " steps before the timeout\n";
        }
        std::_Exit(exit_failure);
    });

    // The run.
    const bool tty = ::isatty(STDERR_FILENO) != 0;
    progress_bar progress(request.progress != 0,
                          request.progress == 1,
                          tty || request.progress == 1 ? progress_bar::style::bar
                                                       : progress_bar::style::lines,
                          steps_to_run);
    std::uint64_t done = 0;
    std::vector<std::uint8_t> spike_row; // bit0 only, reused every step
    try {
        if (write_files) {
            open_recordings(records, request.out_dir, steps_to_run);
        }
        for (; done < steps_to_run; ++done) {
            if (const int signal = stop_signals::received(); signal != 0) {
                cause.signal = signal;
                cause.reason = std::string("interrupted by ") + signal_name(signal);
                break;
            }
            for (const auto& input : inputs) {
                input.fill(brain->input(input.name()), first_step + done);
            }
            watchdog.started(done);
            try {
                brain->step();
            } catch (...) {
                // Under the lock, so that the watchdog, if it has just fired, sees the step ended
                // and leaves the stop cause to this thread.
                const std::lock_guard lock(files_mutex);
                watchdog.ended();
                throw;
            }
            const std::lock_guard lock(files_mutex);
            watchdog.ended();
            for (auto& counter : counters) {
                const auto spikes = brain->cached(counter.module, counter.port).as<std::uint8_t>();
                std::uint64_t count = 0;
                for (const std::uint8_t s : spikes) {
                    count += s & 1U;
                }
                counter.spikes += count;
            }
            for (auto& stats : outputs) {
                const auto view = brain->output(stats.name);
                for (std::uint64_t i = 0; i < view.count && i < stats.sum.size(); ++i) {
                    const double x = element_at(view, i);
                    stats.sum[i] += x;
                    stats.last[i] = x;
                }
            }
            append_step(*brain, records, spike_row);
            progress.update(done + 1);
            checkpoints.after_step(*brain);
        }
    } catch (const runtime::step_error& e) {
        cause.reason = "step error in module '" + e.module() + "' (type " + e.type_id() + ")";
        // Built from the parts: what() ends at a NUL in the module's name.
        cause.message = "module '" + e.module() + "' (" + e.type_id() + ") failed at step " +
                        std::to_string(e.step_index()) + ": " + e.message();
    } catch (const write_error& e) {
        cause.reason = "write error on " + e.file().string() + ": " + e.reason();
        cause.message = e.what();
    } catch (const checkpoint_write_error& e) {
        cause.reason = "checkpoint write error";
        cause.message = e.what();
    } catch (const std::exception& e) {
        cause.reason = "error";
        cause.message = e.what();
    }
    const std::lock_guard lock(files_mutex);
    watchdog.ended();
    // A run that completed or was interrupted by a signal ends between steps: its last step is
    // saved, so that --resume goes on from there (a failed step leaves no brain to save).
    if (cause.completed() || cause.signal != 0) {
        try {
            checkpoints.at_end(*brain);
        } catch (const checkpoint_write_error& e) {
            if (cause.completed()) {
                cause.reason = "checkpoint write error";
                cause.message = e.what();
            } else {
                std::cerr << "spark: " << printable(e.what()) << '\n';
            }
        }
    }
    const double seconds = elapsed();
    progress.finish(done);
    if (!cause.completed()) {
        std::cerr << "spark: "
                  << (cause.signal != 0 ? cause.reason + " after " + std::to_string(done) + " steps"
                                        : printable(cause.message))
                  << '\n';
    }
    const bool finalised_ok = finalise(done);
    if (!cause.completed()) {
        const bool every_row = std::all_of(records.begin(), records.end(), [&](const auto& r) {
            return r.writer && r.writer->rows() == done;
        });
        if (write_files && finalised_ok && every_row) {
            std::cerr << "spark: the files in " << request.out_dir.string() << " hold the " << done
                      << " steps before the " << (cause.signal != 0 ? "signal" : "failure") << '\n';
        } else if (write_files) {
            std::cerr << "spark: the files in " << request.out_dir.string()
                      << " hold the rows written before the failure; run.json gives each "
                         "file's shape\n";
        }
        return cause.signal != 0 ? 128 + cause.signal : exit_failure;
    }
    if (!finalised_ok) {
        return exit_failure;
    }

    for (const auto& r : brain->numerics_reports()) {
        std::cerr << "spark: warning: module '" << printable(r.module) << "' (" << r.type_id
                  << ") output '" << printable(r.port) << "' held "
                  << runtime::detail::format_number(r.value) << " from step " << r.step
                  << " (element " << r.element << "); --strict-numerics stops the run there\n";
    }
    const double dt = brain->dt();
    const double steps_per_second = seconds > 0 ? static_cast<double>(done) / seconds : 0.0;
    const double simulated_ms = static_cast<double>(done) * dt;

    // The summary.
    std::cout << "ran " << done << " steps of " << format_number(dt) << " ms ("
              << format_number(simulated_ms) << " ms simulated) in " << fixed(seconds, 3) << " s\n";
    std::cout << "speed: " << fixed(steps_per_second, 1) << " steps/s, "
              << fixed(seconds > 0 ? simulated_ms / 1000.0 / seconds : 0.0, 2)
              << "x real time (build " << fixed(build_seconds, 3) << " s, "
              << executor_text(request.executor, brain->executor_in_use()) << ", "
              << (executor == runtime::executor_kind::sequential ? std::string("1 thread")
                  : request.threads == 0                         ? std::string("all cores")
                                                                 : std::to_string(request.threads) +
                                               (request.threads == 1 ? " thread" : " threads"))
              << ")\n";
    if (!counters.empty()) {
        table rows;
        rows.add({"MODULE", "TYPE", "UNITS", "SPIKES", "RATE [Hz]"});
        for (const auto& c : counters) {
            const double denominator =
                static_cast<double>(c.units) * static_cast<double>(done) * dt / 1000.0;
            rows.add(
                {printable(c.module),
                 c.type_id,
                 c.units_text,
                 std::to_string(c.spikes),
                 fixed(denominator > 0 ? static_cast<double>(c.spikes) / denominator : 0.0, 2)});
        }
        std::cout << "\nspikes\n" << rows.render("  ");
    }
    if (!outputs.empty()) {
        table rows;
        rows.add({"OUTPUT", "FINAL", "MEAN"});
        for (auto& o : outputs) {
            std::vector<double> mean = o.sum;
            for (auto& m : mean) {
                m = done > 0 ? m / static_cast<double>(done) : 0.0;
            }
            rows.add({printable(o.name), vector_text(o.last), vector_text(mean)});
        }
        std::cout << "\noutputs\n" << rows.render("  ");
    }
    if (write_files) {
        const auto properties = static_cast<std::size_t>(
            std::count_if(records.begin(), records.end(), [](auto& r) { return r.property; }));
        const std::size_t ports = records.size() - properties;
        std::cout << "\nrecorded " << ports << (ports == 1 ? " port" : " ports");
        if (properties > 0) {
            std::cout << " and " << properties << (properties == 1 ? " property" : " properties");
        }
        std::cout << " in " << request.out_dir.string() << " (run.json has the provenance)\n";
    }
    return exit_ok;
}

int validate_brain(const plugin_sources& sources,
                   const std::filesystem::path& brain_file,
                   bool compat,
                   const std::vector<std::string>& inputs,
                   const runtime::file_limits& file_limits,
                   const runtime::brain_limits& brain_limits) {
    // By type, never by opening: opening a FIFO would block until a writer comes.
    if (const auto problem = runtime::detail::regular_file_problem(brain_file); !problem.empty()) {
        std::cerr << "spark: " << brain_file.string() << ": " << problem << '\n';
        return exit_failure;
    }
    const auto opened = open_registry(sources);
    if (!opened) {
        return exit_failure;
    }
    auto& plugins = *opened;
    std::vector<runtime::config_issue> issues;
    try {
        auto config = runtime::brain_config::from_file(brain_file,
                                                       compat ? runtime::config_mode::compat
                                                              : runtime::config_mode::strict,
                                                       file_limits);
        if (!give_input_shapes(config, inputs)) {
            return exit_usage;
        }
        issues = config.validate(plugins, brain_limits);
    } catch (const runtime::config_error& e) {
        issues = e.issues();
    }
    if (issues.empty()) {
        std::cout << "OK\n";
        return exit_ok;
    }
    for (const auto& issue : issues) {
        // Paths and messages quote the brain file's names: escaped, as everywhere on a terminal.
        std::cout << printable(issue.path) << ": " << printable(issue.message) << '\n';
    }
    std::cout << issues.size() << (issues.size() == 1 ? " problem" : " problems") << " in "
              << brain_file.string() << '\n';
    return exit_failure;
}

} // namespace spark::cli
