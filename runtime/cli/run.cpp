// SPDX-License-Identifier: Apache-2.0
// `spark run`: builds a brain from a .scfg file, feeds its inputs, steps it, counts spikes,
// records chosen ports and properties to .npy files with a run.json of provenance, and prints a
// summary.
#include <algorithm>
#include <chrono>
#include <iostream>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <unistd.h>

#include <spark/runtime/brain.hpp>
#include <spark/runtime/brain_config.hpp>
#include <spark/runtime/module_config.hpp>
#include <spark/runtime/partition.hpp>
#include <spark/sdk/buffers.hpp>

#include "commands.hpp"
#include "config/regular_file.hpp"
#include "config/scfg_file.hpp"
#include "file_names.hpp"
#include "inputs.hpp"
#include "npy.hpp"
#include "recordings.hpp"
#include "run_record.hpp"
#include "run_summary.hpp"
#include "run_support.hpp"
#include "run_world.hpp"
#include "step_watchdog.hpp"
#include "stop_signals.hpp"
#include "text.hpp"

namespace spark::cli {
namespace {

using runtime::detail::format_number;
using runtime::detail::quoted_alternatives;

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

/// Every --input ("NAME=VALUE" or "NAME=FILE") for the brain inputs `specs`, with a note for each
/// input not given and each series shorter than the run. exit_ok, or the exit status after
/// printing what is wrong.
int parse_inputs(const std::vector<std::string>& arguments,
                 std::uint64_t steps,
                 const std::vector<std::pair<std::string, spark_port_spec_t>>& specs,
                 std::vector<input_source>& inputs) {
    // Inputs: every --input names a brain input; the others stay 0.
    std::vector<std::string> input_names;
    for (const auto& [name, spec] : specs) {
        input_names.push_back(name);
    }
    for (const auto& argument : arguments) {
        const auto equals = argument.find('=');
        if (equals == std::string::npos || equals == 0) {
            std::cerr << "spark: --input " << argument
                      << ": expected NAME=VALUE or NAME=FILE; see 'spark --help'\n";
            return exit_usage;
        }
        const std::string name = argument.substr(0, equals);
        const auto spec = std::find_if(
            specs.begin(), specs.end(), [&](const auto& s) { return s.first == name; });
        if (spec == specs.end()) {
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
        try {
            inputs.push_back(input_source::parse(name, argument.substr(equals + 1), spec->second));
        } catch (const std::exception& e) {
            std::cerr << "spark: " << e.what() << '\n';
            return exit_failure;
        }
    }
    for (const auto& name : input_names) {
        if (std::none_of(
                inputs.begin(), inputs.end(), [&](const auto& i) { return i.name() == name; })) {
            std::cerr << "spark: note: input '" << name << "' is not given (--input " << name
                      << "=VALUE|FILE); it stays 0\n";
        }
    }
    for (const auto& input : inputs) {
        if (input.is_file() && input.rows() < steps) {
            std::cerr << "spark: note: input '" << input.name() << "': " << input.file() << " has "
                      << input.rows() << " rows for " << steps
                      << " steps; the last row holds from step " << input.rows() << " on\n";
        }
    }

    return exit_ok;
}

} // namespace

int run_brain(const plugin_sources& sources, const run_request& request, run_world& world) {
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
    if (world.ranks() > 1 && (request.checkpoints.file || request.checkpoints.resume)) {
        std::cerr << "spark: --checkpoint and --resume are for a run in one process; a brain run "
                     "over "
                  << world.ranks()
                  << " ranks (mpirun) is not checkpointed yet (docs/scaling.md section 5)\n";
        return exit_usage;
    }

    // Up to the brain, every rank does the same; one that fails (a plugin or file missing on its
    // node) stops them all before the first collective step (run_world::all_ok).
    std::unique_ptr<registry::plugin_registry> opened;
    std::optional<runtime::brain_config> config;
    const auto load = [&] {
        opened = open_registry(sources);
        if (!opened) {
            return exit_failure;
        }
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
        return exit_ok;
    };
    if (const int status = load(); !world.all_ok(status == exit_ok)) {
        return status == exit_ok ? exit_failure : status;
    }
    auto& plugins = *opened;
    if (request.partition_report || world.ranks() > 1) {
        // Partitioning checks only what it needs; a broken brain gets validate()'s whole list, as
        // a brain's constructor gives it (docs/adr/0025-one-validation-pass.md).
        if (auto issues = config->validate(plugins, request.brain_limits); !issues.empty()) {
            print_issues(runtime::config_error(std::move(issues)));
            return exit_failure;
        }
        try {
            const auto plan = runtime::plan_partition(plugins, *config, world.ranks());
            if (request.partition_report && world.leader()) {
                std::cout << runtime::partition_report(plan) << std::flush;
            }
        } catch (const runtime::config_error& e) {
            print_issues(e);
            return exit_failure;
        } catch (const spark::error& e) { // more ranks than the brain can use
            std::cerr << "spark: " << e.what() << '\n';
            return exit_failure;
        }
    }

    runtime::brain_options options;
    options.executor = executor;
    options.threads = request.threads;
    options.limits = request.brain_limits;
    options.numerics =
        request.strict_numerics ? runtime::numerics_check::error : runtime::numerics_check::report;
    const auto build_start = std::chrono::steady_clock::now();
    std::unique_ptr<run_target> brain;
    if (request.checkpoints.resume) {
        auto resumed = resume_brain(plugins, request.checkpoints, *config, options);
        if (!resumed) {
            return exit_failure;
        }
        brain = run_world::whole(std::move(*resumed));
    } else {
        try {
            brain = world.build(plugins, *config, options);
        } catch (const runtime::config_error& e) {
            print_issues(e);
            return exit_failure;
        } catch (const spark::error& e) { // under mpirun: the same on every rank
            std::cerr << "spark: " << e.what() << '\n';
            return exit_failure;
        }
    }
    // --steps is the step to reach: a resumed run does what is left (docs/file-format.md
    // section 12.5).
    const std::uint64_t first_step = brain->local().step_index();
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

    std::vector<input_source> inputs;
    if (const int status =
            parse_inputs(request.inputs, request.steps, brain->input_specs(), inputs);
        !world.all_ok(status == exit_ok)) {
        return status == exit_ok ? exit_failure : status;
    }

    auto counters = spike_counters(brain->local()); // this rank's modules
    std::vector<output_stats> outputs;
    for (const auto& [name, spec] : brain->output_specs()) {
        outputs.push_back({name,
                           spec,
                           std::vector<double>(sdk::element_count(spec.shape), 0.0),
                           std::vector<double>(sdk::element_count(spec.shape), 0.0)});
    }
    // The leader reads the records, then the brain outputs, after every step.
    auto watched = watched_values(records);
    for (const auto& o : outputs) {
        watched.push_back({"", o.name, false});
    }
    brain->watch(watched);

    const bool files_wanted = !records.empty() || request.out_dir_given;
    if (files_wanted) {
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
    const bool write_files = files_wanted && world.leader();

    // From here on every way out finalises the files: SIGINT, SIGTERM and SIGHUP only ask the
    // loop to stop after the step in progress (under mpirun: every rank after the same step).
    const stop_signals signals;
    stop_cause cause;
    std::mutex files_mutex; // the rows and the finalisation: the loop and the step watchdog
    bool finalised = false;
    run_facts facts; // what run.json says besides the request
    facts.first_step = first_step;
    facts.build_seconds = build_seconds;
    facts.numerics = brain->local().numerics_reports();
    const auto start = std::chrono::steady_clock::now();
    const auto elapsed = [&] {
        return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
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
            facts.completed_steps = done;
            facts.seconds = elapsed();
            runtime::detail::write_file_atomically(
                file, pretty_json(run_json(request, *brain, inputs, records, cause, facts)));
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
        const auto& local = brain->local();
        for (const auto& name : local.modules_in_step()) {
            const auto module =
                std::find_if(local.modules().begin(),
                             local.modules().end(),
                             [&](const runtime::module_info& m) { return m.name == name; });
            stuck.push_back("module '" + name + "' (type " +
                            (module != local.modules().end() ? module->type->canonical_id
                                                             : std::string("unknown")) +
                            ")");
        }
        std::string who =
            stuck.empty() ? std::string("a module") : runtime::detail::join(stuck, ", ");
        if (world.ranks() > 1) {
            who += " on rank " + std::to_string(world.rank());
        }
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

    // The run. Only the leader records; a write error there stops every rank after the next
    // step (one process: at once).
    bool recording = write_files;
    if (write_files) {
        try {
            open_recordings(records, request.out_dir, steps_to_run);
        } catch (const write_error& e) {
            cause.reason = "write error on " + e.file().string() + ": " + e.reason();
            cause.message = e.what();
        }
    }
    const bool can_run = world.all_ok(cause.completed());
    const bool tty = ::isatty(STDERR_FILENO) != 0;
    progress_bar progress(world.leader() && request.progress != 0,
                          request.progress == 1,
                          tty || request.progress == 1 ? progress_bar::style::bar
                                                       : progress_bar::style::lines,
                          steps_to_run);
    std::uint64_t done = 0;
    std::vector<std::uint8_t> spike_row; // bit0 only, reused every step
    try {
        while (can_run && done < steps_to_run) {
            if (const int signal = stop_signals::received(); signal != 0) {
                brain->request_stop(signal);
            }
            if (const auto stop = brain->stop_agreed()) {
                if (*stop != 0) {
                    cause.signal = *stop;
                    cause.reason = std::string("interrupted by ") + signal_name(*stop);
                } else if (cause.completed()) {
                    cause.reason = "stopped by another rank";
                    cause.message = "another rank stopped the run (rank 0 says why)";
                }
                break;
            }
            for (const auto& input : inputs) {
                input.fill(brain->local().input(input.name()), first_step + done);
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
            count_spikes(brain->local(), counters);
            if (world.leader()) {
                for (std::size_t o = 0; o < outputs.size(); ++o) {
                    outputs[o].add(brain->watched(records.size() + o));
                }
            }
            if (recording) {
                try {
                    append_step(*brain, records, spike_row);
                } catch (const write_error& e) {
                    if (world.ranks() == 1) {
                        throw;
                    }
                    cause.reason = "write error on " + e.file().string() + ": " + e.reason();
                    cause.message = e.what();
                    recording = false;
                    brain->request_stop(0);
                }
            }
            ++done;
            progress.update(done);
            checkpoints.after_step(brain->local());
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
            checkpoints.at_end(brain->local());
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
    // Every rank's share of the summary and of run.json, on the leader.
    counters = merge_spike_counts(world.gather(spike_counts_text(counters)), brain->modules());
    facts.numerics = merge_numerics(world.gather(numerics_text(brain->local().numerics_reports())));
    const auto [bytes_sent, seconds_waiting] = brain->exchange_cost();
    facts.ranks = rank_facts(world.gather(rank_text(
        world.rank(), brain->local(), bytes_sent, seconds_waiting, brain->exchange_window())));
    if (!world.leader()) { // the leader speaks for every rank
        return cause.completed() ? exit_ok
                                 : (cause.signal != 0 ? 128 + cause.signal : exit_failure);
    }
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

    for (const auto& r : facts.numerics) {
        std::cerr << "spark: warning: module '" << printable(r.module) << "' (" << r.type_id
                  << ") output '" << printable(r.port) << "' held " << format_number(r.value)
                  << " from step " << r.step << " (element " << r.element
                  << "); --strict-numerics stops the run there\n";
    }
    const double dt = brain->local().dt();
    const double steps_per_second = seconds > 0 ? static_cast<double>(done) / seconds : 0.0;
    const double simulated_ms = static_cast<double>(done) * dt;

    // The summary.
    std::cout << "ran " << done << " steps of " << format_number(dt) << " ms ("
              << format_number(simulated_ms) << " ms simulated) in " << fixed(seconds, 3) << " s\n";
    std::cout << "speed: " << fixed(steps_per_second, 1) << " steps/s, "
              << fixed(seconds > 0 ? simulated_ms / 1000.0 / seconds : 0.0, 2)
              << "x real time (build " << fixed(build_seconds, 3) << " s, "
              << executor_text(request.executor, brain->local().executor_in_use()) << ", "
              << (executor == runtime::executor_kind::sequential ? std::string("1 thread")
                  : request.threads == 0                         ? std::string("all cores")
                                                                 : std::to_string(request.threads) +
                                               (request.threads == 1 ? " thread" : " threads"))
              << (world.ranks() > 1 ? " per rank, " + std::to_string(world.ranks()) + " ranks"
                                    : std::string())
              << ")\n";
    if (world.ranks() > 1) {
        std::cout << exchange_text(facts.ranks, done) << '\n';
    }
    print_summary(counters, outputs, done, dt);
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
        std::cout << printable(issue.path) << ": " << printable_message(issue.message) << '\n';
    }
    std::cout << issues.size() << (issues.size() == 1 ? " problem" : " problems") << " in "
              << brain_file.string() << '\n';
    return exit_failure;
}

} // namespace spark::cli
