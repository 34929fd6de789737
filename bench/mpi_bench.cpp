// SPDX-License-Identifier: Apache-2.0
// mpi_bench: strong scaling of one brain over MPI ranks (issue 15; docs/scaling.md section 6).
// Under `mpirun -n K` every rank loads the built-in plugins, reads the same brain file and builds
// its part of a spark::runtime::distributed_brain (sequential executor, one thread per rank), feeds
// the brain inputs constants, warms up, counts spikes over a window, then times steps in blocks.
// Per rank: wall time per step, the time spent waiting for the other ranks' messages, what is left
// (its modules' step plus encoding and decoding the exchange), bytes sent per step, and the
// spikes of its modules that another rank reads. Rank 0 prints the partition, a line per rank and
// a summary row (speedup against a 1-rank result given with --baseline) and writes --json.
// `mpi_bench --latency` (2 or more ranks) measures the MPI transport itself: ping-pong latency and
// bandwidth between ranks 0 and 1, and distributed_brain's exchange (messages and status
// reduction).
#include <algorithm>
#include <array>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <mpi.h>
#include <optional>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include <boost/json.hpp>
#include <spdlog/spdlog.h>

#include <spark/registry/plugin_registry.hpp>
#include <spark/runtime/brain.hpp>
#include <spark/runtime/brain_config.hpp>
#include <spark/runtime/distributed_brain.hpp>
#include <spark/runtime/partition.hpp>

namespace {

namespace rt = spark::runtime;
using clock_type = std::chrono::steady_clock;

double seconds_since(clock_type::time_point start) {
    return std::chrono::duration<double>(clock_type::now() - start).count();
}

std::string number(double v) {
    std::array<char, 32> text{};
    std::snprintf(text.data(), text.size(), "%.9g", v);
    return text.data();
}

std::string json_string(const std::string& s) {
    return boost::json::serialize(boost::json::value(s));
}

/// The system's load averages (1, 5, 15 minutes), as /proc/loadavg gives them; "?" elsewhere.
std::string load_average() {
    std::ifstream in("/proc/loadavg");
    std::string one;
    std::string five;
    std::string fifteen;
    if (!(in >> one >> five >> fifteen)) {
        return "?";
    }
    return one + " " + five + " " + fifteen;
}

struct arguments {
    std::optional<std::filesystem::path> brain;
    std::string name;                                  // the network's name (default: file stem)
    std::vector<std::pair<std::string, float>> inputs; // --input NAME=VALUE, constant
    std::vector<std::filesystem::path> plugin_paths;   // searched before the built-in plugins
    std::uint64_t warmup_steps = 1000;
    std::uint64_t count_steps = 1000; // spikes counted (untimed), after the warm-up
    std::uint64_t steps = 1000;       // timed, in `blocks` blocks
    int blocks = 5;
    std::optional<std::filesystem::path> baseline; // a 1-rank --json result of the same network
    std::optional<std::filesystem::path> json;
    std::optional<std::filesystem::path> trace; // PREFIX: PREFIX.rank<R>.csv, one row per step
    // The brain's limits, checked from planned shapes: a sparse kernel counts as input x output
    // synapses there (scale_256k: 65.5 G synapses, 244 GiB), so large sparse brains raise them.
    rt::brain_limits limits;
    bool latency = false;
    int messages = 20000; // --latency: round trips per size
};

void usage() {
    std::cout
        << "usage: mpirun -n K mpi_bench --brain FILE.scfg [--name NAME] [--input NAME=VALUE]...\n"
           "                   [--warmup-steps W] [--count-steps C] [--steps S] [--blocks B]\n"
           "                   [--baseline ONE_RANK.json] [--json FILE] [--plugin-path DIR]...\n"
           "                   [--max-synapses N] [--max-memory SIZE] [--trace PREFIX]\n"
           "       mpirun -n K mpi_bench --latency [--messages N] [--json FILE]\n"
           "  --brain: one brain over K ranks (distributed_brain, sequential executor, 1 thread\n"
           "  per rank), brain inputs constant. W warm-up steps; C steps with every module's\n"
           "  spikes counted (rates, crossing spikes, bytes per crossing spike); then S timed\n"
           "  steps in B blocks: wall ms/step = the median block's, on the slowest rank; per rank\n"
           "  the waiting time (distributed_brain::seconds_waiting), the rest (its modules' step,\n"
           "  encoding and decoding) and the bytes it sent. --baseline: the 1-rank result of the\n"
           "  same network (its --json), for the speedup. Defaults: W 1000, C 1000, S 1000, B 5.\n"
           "  --max-synapses, --max-memory (e.g. 64GiB): the brain's limits (brain_limits; as\n"
           "  `spark run`'s), which count a sparse kernel as input x output synapses.\n"
           "  --trace: each rank writes PREFIX.rank<R>.csv, one row per timed step (its end since\n"
           "  the timed steps began, its seconds, of which waiting, bytes sent, and the spikes of\n"
           "  the rank's modules, counted after the step, outside its time, followed by a\n"
           "  barrier so that the count does not show as another rank's waiting).\n"
           "  --latency (K >= 2): ping-pong between ranks 0 and 1 (1 B, 1 KiB, 64 KiB, 1 MiB;\n"
           "  half the round trip) and distributed_brain's exchange with 1-byte messages when\n"
           "  every rank reads every other (the status MPI_Iallreduce, one message to every other\n"
           "  rank and one from each), whole and in its two parts, N times each (default 20000;\n"
           "  large ping-pong sizes fewer).\n";
}

std::uint64_t count_of(const std::string& flag, const std::string& text) {
    std::size_t used = 0;
    unsigned long long value = 0;
    try {
        value = std::stoull(text, &used);
    } catch (const std::exception&) {
        used = 0;
    }
    if (used != text.size() || text.empty() || text[0] == '-') {
        throw std::runtime_error(flag + " needs a whole number, got '" + text + "'");
    }
    return value;
}

/// "64GiB", "512MiB", "4KiB" or a byte count.
std::uint64_t size_of(const std::string& flag, const std::string& text) {
    const std::vector<std::pair<std::string, std::uint64_t>> units = {
        {"GiB", 1ULL << 30}, {"MiB", 1ULL << 20}, {"KiB", 1ULL << 10}};
    for (const auto& [suffix, scale] : units) {
        if (text.size() > suffix.size() && text.ends_with(suffix)) {
            return count_of(flag, text.substr(0, text.size() - suffix.size())) * scale;
        }
    }
    return count_of(flag, text);
}

std::optional<arguments> parse(int argc, char** argv) {
    arguments a;
    const std::vector<std::string> args(argv + 1, argv + argc);
    for (std::size_t i = 0; i < args.size(); ++i) {
        const auto value = [&]() -> std::string {
            if (i + 1 >= args.size()) {
                throw std::runtime_error(args[i] + " needs a value");
            }
            return args[++i];
        };
        const std::string& flag = args[i];
        if (flag == "--brain") {
            a.brain = value();
        } else if (flag == "--name") {
            a.name = value();
        } else if (flag == "--input") {
            const std::string text = value();
            const auto eq = text.find('=');
            float v = 0;
            std::size_t used = 0;
            try {
                v = std::stof(text.substr(eq == std::string::npos ? 0 : eq + 1), &used);
            } catch (const std::exception&) {
                used = 0;
            }
            if (eq == std::string::npos || eq == 0 || used == 0 || eq + 1 + used != text.size()) {
                throw std::runtime_error("--input needs NAME=VALUE (a number), got '" + text + "'");
            }
            a.inputs.emplace_back(text.substr(0, eq), v);
        } else if (flag == "--plugin-path") {
            a.plugin_paths.emplace_back(value());
        } else if (flag == "--warmup-steps") {
            a.warmup_steps = count_of(flag, value());
        } else if (flag == "--count-steps") {
            a.count_steps = count_of(flag, value());
        } else if (flag == "--steps") {
            a.steps = count_of(flag, value());
        } else if (flag == "--blocks") {
            a.blocks = static_cast<int>(std::min<std::uint64_t>(count_of(flag, value()), 1000));
        } else if (flag == "--max-synapses") {
            a.limits.max_synapses = count_of(flag, value());
        } else if (flag == "--max-memory") {
            a.limits.max_memory_bytes = size_of(flag, value());
        } else if (flag == "--baseline") {
            a.baseline = value();
        } else if (flag == "--trace") {
            a.trace = value();
        } else if (flag == "--json") {
            a.json = value();
        } else if (flag == "--latency") {
            a.latency = true;
        } else if (flag == "--messages") {
            a.messages =
                static_cast<int>(std::min<std::uint64_t>(count_of(flag, value()), 1U << 30));
        } else if (flag == "-h" || flag == "--help") {
            return std::nullopt;
        } else {
            throw std::runtime_error("unknown argument " + flag + "; see --help");
        }
    }
    if (!a.latency && !a.brain) {
        throw std::runtime_error("give --brain FILE.scfg (or --latency); see --help");
    }
    if (!a.latency &&
        (a.steps == 0 || a.blocks < 1 || a.steps < static_cast<std::uint64_t>(a.blocks))) {
        throw std::runtime_error("--steps must be at least --blocks (" + std::to_string(a.blocks) +
                                 "), and --blocks at least 1");
    }
    if (a.latency && a.messages < 1) {
        throw std::runtime_error("--messages must be at least 1");
    }
    if (a.brain && a.name.empty()) {
        a.name = a.brain->stem().string();
    }
    return a;
}

// ---------------------------------------------------------------------------------------------
// Agreement between ranks: an error on any rank stops every rank, reported once.

int world_rank() {
    int rank = 0;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    return rank;
}

int world_size() {
    int ranks = 1;
    MPI_Comm_size(MPI_COMM_WORLD, &ranks);
    return ranks;
}

/// Collective: the lowest rank whose `error` is not empty prints it (with its rank when there
/// are several); true when some rank had one, on every rank.
bool any_failed(const std::string& error) {
    const int rank = world_rank();
    const int ranks = world_size();
    const int mine = error.empty() ? ranks : rank;
    int lowest = ranks;
    MPI_Allreduce(&mine, &lowest, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD);
    if (lowest == rank) {
        std::cerr << "mpi_bench: " << (ranks > 1 ? "rank " + std::to_string(rank) + ": " : "")
                  << error << '\n';
    }
    return lowest < ranks;
}

/// Collective: every rank's `mine`, in rank order, on rank 0 (empty elsewhere).
std::vector<std::string> gather_texts(const std::string& mine) {
    auto texts = spark::runtime::gather_texts(MPI_COMM_WORLD, mine);
    if (world_rank() != 0) {
        texts.clear();
    }
    return texts;
}

/// Collective: every rank's values (the same count on each), rank after rank, on rank 0.
std::vector<double> gather_values(const std::vector<double>& mine) {
    std::vector<double> all(mine.size() * static_cast<std::size_t>(world_size()), 0.0);
    MPI_Gather(mine.data(),
               static_cast<int>(mine.size()),
               MPI_DOUBLE,
               all.data(),
               static_cast<int>(mine.size()),
               MPI_DOUBLE,
               0,
               MPI_COMM_WORLD);
    return all;
}

double median_of(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v.size() % 2 == 1 ? v[v.size() / 2] : 0.5 * (v[v.size() / 2 - 1] + v[v.size() / 2]);
}

// ---------------------------------------------------------------------------------------------
// --brain

/// The modules (or population slices) on rank `me` whose outputs a module on another rank reads.
std::set<std::string>
crossing_modules(const rt::brain_config& config, const rt::partition_plan& plan, int me) {
    std::set<std::string> crossing;
    for (const auto& module : config.modules_map) {
        const auto& reader = plan.placement_of(module.name);
        for (const auto& [port, sources] : module.inputs) {
            for (const auto& source : sources) {
                if (source.origin == rt::brain_input_origin ||
                    !plan.placement_of(source.origin).runs_on(me)) {
                    continue;
                }
                for (int r = 0; r < plan.ranks; ++r) {
                    if (r != me && reader.runs_on(r)) {
                        crossing.insert(source.origin);
                    }
                }
            }
        }
    }
    return crossing;
}

/// Adds the spikes of the last step (bit 0 of every local module's spike port) to `counts` (one
/// per module, in get_spikes_from_cache() order); returns their sum.
std::uint64_t count_spikes(const rt::distributed_brain& brain, std::vector<std::uint64_t>& counts) {
    const auto spikes = brain.local().get_spikes_from_cache();
    counts.resize(spikes.size(), 0);
    std::uint64_t total = 0;
    for (std::size_t m = 0; m < spikes.size(); ++m) {
        const auto* bytes = static_cast<const std::uint8_t*>(spikes[m].second.data);
        std::uint64_t n = 0;
        for (std::uint64_t i = 0; i < spikes[m].second.count; ++i) {
            n += bytes[i] & 1U;
        }
        counts[m] += n;
        total += n;
    }
    return total;
}

/// One rank's measurement.
struct rank_result {
    std::vector<double> block_seconds;  // each timed block's wall time
    double timed_seconds = 0;           // all timed steps
    double waiting_seconds = 0;         // of which waiting for other ranks' messages
    double bytes_timed = 0;             // sent over the timed steps
    double bytes_counted = 0;           // sent over the counted steps
    double crossing_spikes_counted = 0; // spikes of local modules another rank reads
    std::string module_lines;           // "module\tspikes\tunits\tcrossing\n" per local module
    std::vector<std::array<double, 5>>
        trace; // per timed step: end, seconds, waiting, bytes, spikes
};

/// --trace: this rank's steps as PREFIX.rank<R>.csv; an error message, or "".
std::string write_trace(const std::filesystem::path& prefix, int rank, const rank_result& r) {
    const auto file = prefix.string() + ".rank" + std::to_string(rank) + ".csv";
    std::ofstream out(file);
    out << "step,end_s,step_s,waiting_s,bytes_sent,spikes\n";
    for (std::size_t s = 0; s < r.trace.size(); ++s) {
        out << s << ',' << number(r.trace[s][0]) << ',' << number(r.trace[s][1]) << ','
            << number(r.trace[s][2]) << ',' << number(r.trace[s][3]) << ',' << number(r.trace[s][4])
            << '\n';
    }
    out.flush();
    return out ? "" : "cannot write " + file;
}

rank_result
measure(rt::distributed_brain& brain, const rt::brain_config& config, const arguments& a) {
    rank_result r;
    for (std::uint64_t s = 0; s < a.warmup_steps; ++s) {
        brain.step();
    }
    // Spikes (bit 0 of every local module's spike port) and bytes over C untimed steps.
    const auto crossing = crossing_modules(config, brain.partition(), brain.rank());
    std::vector<std::uint64_t> counts;
    for (std::uint64_t s = 0; s < a.count_steps; ++s) {
        brain.step();
        r.bytes_counted += static_cast<double>(brain.last_bytes_sent());
        (void)count_spikes(brain, counts);
    }
    const auto spikes = brain.local().get_spikes_from_cache();
    counts.resize(spikes.size(), 0);
    for (std::size_t m = 0; m < spikes.size(); ++m) {
        const bool crosses = crossing.contains(spikes[m].first);
        if (crosses) {
            r.crossing_spikes_counted += static_cast<double>(counts[m]);
        }
        r.module_lines += spikes[m].first + "\t" + std::to_string(counts[m]) + "\t" +
                          std::to_string(spikes[m].second.count) + "\t" + (crosses ? "1" : "0") +
                          "\n";
    }
    // Timed: B blocks, every rank starting together. A block's time is the sum of its steps'
    // (each timed alone: two clock reads, ~50 ns, on steps of 0.1 ms and more), so that what
    // --trace does after each step stays out of it.
    const std::uint64_t block_steps = a.steps / static_cast<std::uint64_t>(a.blocks);
    const double waiting_before = brain.seconds_waiting();
    MPI_Barrier(MPI_COMM_WORLD);
    const auto timed_start = clock_type::now();
    std::vector<std::uint64_t> ignored;
    for (int b = 0; b < a.blocks; ++b) {
        double block = 0;
        for (std::uint64_t s = 0; s < block_steps; ++s) {
            const auto step_start = clock_type::now();
            const double waited = brain.seconds_waiting();
            brain.step();
            const double seconds = seconds_since(step_start);
            block += seconds;
            const double bytes = static_cast<double>(brain.last_bytes_sent());
            r.bytes_timed += bytes;
            const double waiting = brain.seconds_waiting() - waited;
            double fired = 0;
            if (a.trace) {
                // Outside the step's time, and every rank starts the next step together, so
                // that no rank's count shows up as another rank's waiting.
                fired = static_cast<double>(count_spikes(brain, ignored));
                MPI_Barrier(MPI_COMM_WORLD);
            }
            r.trace.push_back({seconds_since(timed_start), seconds, waiting, bytes, fired});
        }
        r.block_seconds.push_back(block);
        r.timed_seconds += block;
    }
    r.waiting_seconds = brain.seconds_waiting() - waiting_before;
    return r;
}

/// The wall ms/step of a 1-rank --json result, for the speedup; throws naming the file.
double baseline_ms(const std::filesystem::path& file, const std::string& network) {
    std::ifstream in(file);
    if (!in) {
        throw std::runtime_error("cannot read the baseline " + file.string());
    }
    std::stringstream text;
    text << in.rdbuf();
    boost::system::error_code ec;
    const auto value = boost::json::parse(text.str(), ec);
    const auto* object = value.if_object();
    if (ec || object == nullptr || !object->contains("wall_ms_per_step") ||
        !object->contains("network") || !object->at("wall_ms_per_step").is_number()) {
        throw std::runtime_error("the baseline " + file.string() +
                                 " is not an mpi_bench --json result");
    }
    const std::string theirs(object->at("network").as_string());
    if (theirs != network) {
        throw std::runtime_error("the baseline " + file.string() + " is of network " + theirs +
                                 ", not " + network);
    }
    return object->at("wall_ms_per_step").to_number<double>();
}

int brain_bench(const arguments& a, const spark::registry::plugin_registry& registry) {
    const int rank = world_rank();
    const int ranks = world_size();
    const std::string load = load_average();
    // Read the brain and the baseline on every rank; any rank's error stops all of them.
    std::string error;
    std::optional<rt::brain_config> config;
    double baseline = 0;
    try {
        if (!std::filesystem::is_regular_file(*a.brain)) {
            throw std::runtime_error("no brain file " + a.brain->string());
        }
        config = rt::brain_config::from_file(a.brain->string());
        if (a.baseline && rank == 0) {
            baseline = baseline_ms(*a.baseline, a.name);
        }
    } catch (const std::exception& e) {
        error = e.what();
    }
    if (any_failed(error)) {
        return 1;
    }
    // Collective: a rank that cannot build its part makes every rank throw the same error.
    std::optional<rt::distributed_brain> brain;
    const auto build_start = clock_type::now();
    try {
        brain.emplace(registry,
                      *config,
                      MPI_COMM_WORLD,
                      rt::brain_options{rt::executor_kind::sequential, 1, a.limits});
    } catch (const std::exception& e) {
        if (rank == 0) {
            std::cerr << "mpi_bench: " << e.what() << '\n';
        }
        return 1;
    }
    const double build_seconds = seconds_since(build_start);
    try {
        for (const auto& input : a.inputs) {
            const auto& specs = brain->local().input_specs();
            const auto spec = std::find_if(
                specs.begin(), specs.end(), [&](const auto& s) { return s.first == input.first; });
            if (spec != specs.end() && spec->second.dtype != SPARK_DTYPE_F32) {
                throw std::runtime_error("brain input '" + input.first + "' is not float32");
            }
            // input() throws naming the brain's inputs for a name it does not have.
            for (float& x : brain->local().input_as<float>(input.first)) {
                x = input.second;
            }
        }
    } catch (const std::exception& e) {
        error = e.what();
    }
    if (any_failed(error)) {
        return 1;
    }
    rank_result r;
    try {
        r = measure(*brain, *config, a);
    } catch (const std::exception& e) { // collective: every rank throws the same step error
        if (rank == 0) {
            std::cerr << "mpi_bench: " << e.what() << '\n';
        }
        return 1;
    }
    if (a.trace && any_failed(write_trace(*a.trace, rank, r))) {
        return 1;
    }

    // Rank 0 gathers every rank's numbers (fixed fields, then its block times) and reports.
    enum field : std::size_t {
        timed_s,
        waiting_s,
        bytes_timed,
        bytes_counted,
        crossing_counted,
        build_s,
        median_step_s,
        p90_step_s,
        fields
    };
    std::vector<double> step_seconds;
    for (const auto& step : r.trace) {
        step_seconds.push_back(step[1]);
    }
    std::sort(step_seconds.begin(), step_seconds.end());
    std::vector<double> mine(fields, 0.0);
    mine[timed_s] = r.timed_seconds;
    mine[waiting_s] = r.waiting_seconds;
    mine[bytes_timed] = r.bytes_timed;
    mine[bytes_counted] = r.bytes_counted;
    mine[crossing_counted] = r.crossing_spikes_counted;
    mine[build_s] = build_seconds;
    mine[median_step_s] = median_of(step_seconds);
    mine[p90_step_s] = step_seconds[step_seconds.size() * 9 / 10];
    mine.insert(mine.end(), r.block_seconds.begin(), r.block_seconds.end());
    const auto values = gather_values(mine);
    const auto module_texts = gather_texts(r.module_lines);
    if (rank != 0) {
        return 0;
    }
    const std::string load_after = load_average();
    const double steps = static_cast<double>(step_seconds.size());
    const double counted = static_cast<double>(std::max<std::uint64_t>(a.count_steps, 1));
    const std::size_t stride = fields + r.block_seconds.size();
    const auto at = [&](int rk, std::size_t f) {
        return values[static_cast<std::size_t>(rk) * stride + f];
    };
    // A block's wall time is its slowest rank's; wall ms/step is the median block's.
    std::vector<double> block_ms;
    for (std::size_t b = 0; b < r.block_seconds.size(); ++b) {
        double slowest = 0;
        for (int rk = 0; rk < ranks; ++rk) {
            slowest = std::max(slowest, at(rk, fields + b));
        }
        block_ms.push_back(slowest * 1e3 / (steps / static_cast<double>(a.blocks)));
    }
    const double wall_ms = median_of(block_ms);
    const double dt = brain->local().dt();
    double total_bytes = 0;
    double total_bytes_counted = 0;
    double total_crossing = 0;
    double max_waiting_ms = 0;
    double median_step_ms = 0;
    for (int rk = 0; rk < ranks; ++rk) {
        total_bytes += at(rk, bytes_timed) / steps;
        total_bytes_counted += at(rk, bytes_counted);
        total_crossing += at(rk, crossing_counted);
        max_waiting_ms = std::max(max_waiting_ms, at(rk, waiting_s) * 1e3 / steps);
        median_step_ms = std::max(median_step_ms, at(rk, median_step_s) * 1e3);
    }
    const double imbalance = brain->partition().imbalance();
    const auto fixed = [](double v, const char* format) {
        std::array<char, 32> text{};
        std::snprintf(text.data(), text.size(), format, v);
        return std::string(text.data());
    };

    std::printf("mpi_bench: %s on %d rank%s (%s), dt %g ms: %llu warm-up steps, %llu counted, "
                "%llu timed in %d blocks; build %.2f s (rank 0); load average %s at the start, "
                "%s at the end\n",
                a.name.c_str(),
                ranks,
                ranks == 1 ? "" : "s",
                a.brain->string().c_str(),
                dt,
                static_cast<unsigned long long>(a.warmup_steps),
                static_cast<unsigned long long>(a.count_steps),
                static_cast<unsigned long long>(step_seconds.size()),
                a.blocks,
                build_seconds,
                load.c_str(),
                load_after.c_str());
    std::printf("%s", rt::partition_report(brain->partition()).c_str());
    std::printf("  %-4s %9s %9s %9s %11s %11s %11s %12s %13s\n",
                "rank",
                "ms/step",
                "compute",
                "waiting",
                "median step",
                "p90 step",
                "bytes/step",
                "cross spikes",
                "B/cross spike");
    for (int rk = 0; rk < ranks; ++rk) {
        std::printf("  %-4d %9.4f %9.4f %9.4f %11.4f %11.4f %11.1f %12.1f %13s\n",
                    rk,
                    at(rk, timed_s) * 1e3 / steps,
                    (at(rk, timed_s) - at(rk, waiting_s)) * 1e3 / steps,
                    at(rk, waiting_s) * 1e3 / steps,
                    at(rk, median_step_s) * 1e3,
                    at(rk, p90_step_s) * 1e3,
                    at(rk, bytes_timed) / steps,
                    at(rk, crossing_counted) / counted,
                    at(rk, crossing_counted) > 0
                        ? fixed(at(rk, bytes_counted) / at(rk, crossing_counted), "%.2f").c_str()
                        : "-");
    }
    std::printf("  (ms per timed step; compute = ms/step - waiting: the rank's modules, encoding "
                "and decoding the exchange; cross spikes per step: spikes of the rank's modules "
                "that another rank reads, and bytes sent per cross spike, over the counted "
                "steps)\n");
    std::string rates_json;
    std::string units_json;
    std::printf("  rates:");
    for (int rk = 0; rk < ranks; ++rk) {
        std::istringstream lines(module_texts[static_cast<std::size_t>(rk)]);
        for (std::string line; std::getline(lines, line);) {
            std::istringstream parts(line);
            std::string module;
            std::uint64_t count = 0;
            std::uint64_t units = 0;
            int crosses = 0;
            std::getline(parts, module, '\t');
            parts >> count >> units >> crosses;
            const double rate = units > 0 ? static_cast<double>(count) /
                                                static_cast<double>(units) / (counted * dt * 1e-3)
                                          : 0.0;
            std::printf(" %s %.2f Hz (%llu, rank %d%s)",
                        module.c_str(),
                        rate,
                        static_cast<unsigned long long>(units),
                        rk,
                        crosses != 0 ? ", crosses" : "");
            rates_json +=
                (rates_json.empty() ? "" : ", ") + json_string(module) + ": " + number(rate);
            units_json += (units_json.empty() ? "" : ", ") + json_string(module) + ": " +
                          std::to_string(units);
        }
    }
    std::printf("\n");
    const double speedup = a.baseline ? baseline / wall_ms : 0.0;
    std::printf("| network | ranks | wall ms/step | median step ms | speedup vs 1 rank | waiting "
                "ms/step (max rank) | bytes/step (all ranks) | expected imbalance |\n");
    std::printf("| %s | %d | %.4f | %.4f | %s | %.4f | %.0f | %.2f |\n",
                a.name.c_str(),
                ranks,
                wall_ms,
                median_step_ms,
                a.baseline ? fixed(speedup, "%.2f").c_str() : "-",
                max_waiting_ms,
                total_bytes,
                imbalance);
    std::fflush(stdout);

    if (a.json) {
        std::ofstream out(*a.json);
        out << "{\"tool\": \"mpi_bench\", \"network\": " << json_string(a.name)
            << ", \"brain\": " << json_string(a.brain->string()) << ", \"ranks\": " << ranks
            << ", \"dt_ms\": " << number(dt) << ", \"warmup_steps\": " << a.warmup_steps
            << ", \"count_steps\": " << a.count_steps << ", \"steps\": " << step_seconds.size()
            << ", \"blocks\": " << a.blocks << ", \"load_average_start\": " << json_string(load)
            << ", \"load_average_end\": " << json_string(load_after)
            << ", \"wall_ms_per_step\": " << number(wall_ms) << ", \"block_ms_per_step\": [";
        for (std::size_t b = 0; b < block_ms.size(); ++b) {
            out << (b > 0 ? ", " : "") << number(block_ms[b]);
        }
        out << "], \"median_step_ms\": " << number(median_step_ms)
            << ", \"speedup\": " << (a.baseline ? number(speedup) : "null")
            << ", \"max_waiting_ms_per_step\": " << number(max_waiting_ms)
            << ", \"bytes_per_step\": " << number(total_bytes)
            << ", \"crossing_spikes_per_step\": " << number(total_crossing / counted)
            << ", \"bytes_per_crossing_spike\": "
            << (total_crossing > 0 ? number(total_bytes_counted / total_crossing) : "null")
            << ", \"imbalance\": " << number(imbalance) << ", \"window\": " << brain->window()
            << ", \"rates_hz\": {" << rates_json << "}, \"units\": {" << units_json
            << "}, \"per_rank\": [\n";
        for (int rk = 0; rk < ranks; ++rk) {
            std::string modules;
            for (const auto& placement : brain->partition().modules) {
                if (placement.runs_on(rk)) {
                    modules += (modules.empty() ? "" : ", ") + json_string(placement.module);
                }
            }
            out << "  {\"rank\": " << rk << ", \"modules\": [" << modules
                << "], \"estimated_cost\": "
                << number(brain->partition().rank_cost[static_cast<std::size_t>(rk)])
                << ", \"ms_per_step\": " << number(at(rk, timed_s) * 1e3 / steps)
                << ", \"waiting_ms_per_step\": " << number(at(rk, waiting_s) * 1e3 / steps)
                << ", \"compute_ms_per_step\": "
                << number((at(rk, timed_s) - at(rk, waiting_s)) * 1e3 / steps)
                << ", \"median_step_ms\": " << number(at(rk, median_step_s) * 1e3)
                << ", \"p90_step_ms\": " << number(at(rk, p90_step_s) * 1e3)
                << ", \"bytes_per_step\": " << number(at(rk, bytes_timed) / steps)
                << ", \"crossing_spikes_per_step\": " << number(at(rk, crossing_counted) / counted)
                << ", \"build_s\": " << number(at(rk, build_s)) << "}"
                << (rk + 1 < ranks ? "," : "") << "\n";
        }
        out << "]}\n";
        out.flush();
        if (!out) {
            std::cerr << "mpi_bench: cannot write " << a.json->string() << '\n';
            return 1;
        }
    }
    return 0;
}

// ---------------------------------------------------------------------------------------------
// --latency

constexpr int latency_tag = 0x1a;

/// Ping-pong between ranks 0 and 1 (the others idle): seconds per one-way message, half the
/// mean round trip over `count` round trips after `count / 10` untimed ones.
double ping_pong(std::size_t bytes, int count) {
    const int rank = world_rank();
    std::vector<char> buffer(std::max<std::size_t>(bytes, 1), 'x');
    const int size = static_cast<int>(bytes);
    double seconds = 0;
    MPI_Barrier(MPI_COMM_WORLD);
    for (int round = 0; round < 2; ++round) { // an untimed warm-up, then the timed run
        const int n = round == 0 ? std::max(count / 10, 1) : count;
        const auto start = clock_type::now();
        for (int i = 0; i < n; ++i) {
            if (rank == 0) {
                MPI_Send(buffer.data(), size, MPI_CHAR, 1, latency_tag, MPI_COMM_WORLD);
                MPI_Recv(buffer.data(),
                         size,
                         MPI_CHAR,
                         1,
                         latency_tag,
                         MPI_COMM_WORLD,
                         MPI_STATUS_IGNORE);
            } else if (rank == 1) {
                MPI_Recv(buffer.data(),
                         size,
                         MPI_CHAR,
                         0,
                         latency_tag,
                         MPI_COMM_WORLD,
                         MPI_STATUS_IGNORE);
                MPI_Send(buffer.data(), size, MPI_CHAR, 0, latency_tag, MPI_COMM_WORLD);
            }
        }
        seconds = seconds_since(start) / (2.0 * n);
    }
    MPI_Bcast(&seconds, 1, MPI_DOUBLE, 0, MPI_COMM_WORLD);
    return seconds;
}

/// distributed_brain's exchange with 1-byte messages, as when every rank reads every other: the
/// status reduction started (MPI_Iallreduce, minimum of two ints), one MPI_Isend to every other
/// rank, MPI_Probe/MPI_Recv of one from each in rank order, then MPI_Waitall and the reduction's
/// MPI_Wait. `messages` and `reduction` choose the parts (both: the whole pattern). Seconds per
/// exchange (the slowest rank's mean), over `count` exchanges after `count / 10` untimed ones.
double exchange_round(int count, bool messages, bool reduction) {
    const int rank = world_rank();
    const int ranks = world_size();
    double seconds = 0;
    std::vector<char> out(static_cast<std::size_t>(ranks), 'x');
    std::vector<char> in(static_cast<std::size_t>(ranks), 0);
    std::vector<MPI_Request> requests(static_cast<std::size_t>(ranks));
    std::array<int, 2> status{rank, rank};
    std::array<int, 2> agreed{};
    MPI_Barrier(MPI_COMM_WORLD);
    for (int round = 0; round < 2; ++round) {
        const int n = round == 0 ? std::max(count / 10, 1) : count;
        const auto start = clock_type::now();
        for (int i = 0; i < n; ++i) {
            MPI_Request reduce = MPI_REQUEST_NULL;
            if (reduction) {
                MPI_Iallreduce(
                    status.data(), agreed.data(), 2, MPI_INT, MPI_MIN, MPI_COMM_WORLD, &reduce);
            }
            int pending = 0;
            for (int d = 0; messages && d < ranks; ++d) {
                if (d != rank) {
                    MPI_Isend(&out[static_cast<std::size_t>(d)],
                              1,
                              MPI_CHAR,
                              d,
                              latency_tag,
                              MPI_COMM_WORLD,
                              &requests[static_cast<std::size_t>(pending++)]);
                }
            }
            for (int s = 0; messages && s < ranks; ++s) {
                if (s != rank) {
                    MPI_Status probed;
                    MPI_Probe(s, latency_tag, MPI_COMM_WORLD, &probed);
                    MPI_Recv(&in[static_cast<std::size_t>(s)],
                             1,
                             MPI_CHAR,
                             s,
                             latency_tag,
                             MPI_COMM_WORLD,
                             MPI_STATUS_IGNORE);
                }
            }
            MPI_Waitall(pending, requests.data(), MPI_STATUSES_IGNORE);
            MPI_Wait(&reduce, MPI_STATUS_IGNORE); // returns at once for MPI_REQUEST_NULL
        }
        seconds = seconds_since(start) / n;
    }
    double slowest = 0;
    MPI_Allreduce(&seconds, &slowest, 1, MPI_DOUBLE, MPI_MAX, MPI_COMM_WORLD);
    return slowest;
}

int latency_bench(const arguments& a) {
    const int rank = world_rank();
    const int ranks = world_size();
    if (ranks < 2) {
        if (rank == 0) {
            std::cerr << "mpi_bench: --latency needs at least 2 ranks (mpirun -n 2 ...)\n";
        }
        return 1;
    }
    const std::string load = load_average();
    struct point {
        std::size_t bytes;
        int count;
        double seconds;
    };
    std::vector<point> points;
    for (const std::size_t bytes :
         {std::size_t{1}, std::size_t{1024}, std::size_t{65536}, std::size_t{1} << 20}) {
        // Fewer round trips for the large sizes: about as many bytes as 20,000 of 64 KiB / 16.
        const int count =
            bytes >= 65536 ? std::max(a.messages / static_cast<int>(bytes / 4096), 10) : a.messages;
        points.push_back({bytes, count, ping_pong(bytes, count)});
    }
    const double exchange = exchange_round(a.messages, true, true);
    const double messages_only = exchange_round(a.messages, true, false);
    const double reduction_only = exchange_round(a.messages, false, true);
    if (rank != 0) {
        return 0;
    }
    std::printf("mpi_bench --latency: %d ranks; load average at start %s\n", ranks, load.c_str());
    std::printf("  ping-pong rank 0 <-> 1 (one way = half the round trip):\n");
    for (const auto& p : points) {
        std::printf("    %8zu B: %9.3f us one way, %8.3f GB/s (%d round trips)\n",
                    p.bytes,
                    p.seconds * 1e6,
                    static_cast<double>(p.bytes) / p.seconds * 1e-9,
                    p.count);
    }
    std::printf("  exchange pattern, every rank reading every other (the status MPI_Iallreduce, %d "
                "Isend + Probe/Recv of 1 B, Waitall, Wait): %.3f us per exchange (slowest rank); "
                "the messages alone %.3f us, the reduction alone %.3f us\n",
                ranks - 1,
                exchange * 1e6,
                messages_only * 1e6,
                reduction_only * 1e6);
    std::fflush(stdout);
    if (a.json) {
        std::ofstream out(*a.json);
        out << "{\"tool\": \"mpi_bench --latency\", \"ranks\": " << ranks
            << ", \"load_average\": " << json_string(load) << ", \"ping_pong\": [";
        for (std::size_t i = 0; i < points.size(); ++i) {
            out << (i > 0 ? ", " : "") << "{\"bytes\": " << points[i].bytes
                << ", \"one_way_us\": " << number(points[i].seconds * 1e6)
                << ", \"round_trips\": " << points[i].count << "}";
        }
        out << "], \"exchange_us\": " << number(exchange * 1e6)
            << ", \"messages_us\": " << number(messages_only * 1e6)
            << ", \"reduction_us\": " << number(reduction_only * 1e6) << "}\n";
        if (!out) {
            std::cerr << "mpi_bench: cannot write " << a.json->string() << '\n';
            return 1;
        }
    }
    return 0;
}

/// The built-in plugins (found as brain_bench finds them) after every --plugin-path. Opened
/// before MPI_Init: each plugin library is first loaded in a forked probe process (ADR 0018), and
/// MPI implementations do not promise that fork() works after MPI_Init.
std::unique_ptr<spark::registry::plugin_registry> open_registry(const arguments& a) {
    spark::registry::search_options search;
    search.paths = a.plugin_paths;
    search.paths.emplace_back(SPARK_BENCH_BUILTIN_PLUGIN_DIR);
    search.use_environment = false;
    search.use_install_dir = false;
    auto registry = std::make_unique<spark::registry::plugin_registry>(search);
    registry->discover();
    return registry;
}

} // namespace

int main(int argc, char** argv) {
    std::optional<arguments> a;
    std::string error;
    bool help = false;
    std::unique_ptr<spark::registry::plugin_registry> registry;
    std::vector<std::string> load_failures;
    // Warnings and errors only: the registry's info lines, once per rank, would bury the report.
    spdlog::set_level(spdlog::level::warn);
    try {
        a = parse(argc, argv);
        help = !a;
        if (a && !a->latency) {
            registry = open_registry(*a);
            for (const auto& f : registry->failures()) {
                load_failures.push_back(f.file.string() + ": " + f.message);
            }
        }
    } catch (const std::exception& e) {
        error = e.what();
    }
    MPI_Init(nullptr, nullptr);
    int code = 1;
    try {
        if (world_rank() == 0) {
            for (const auto& failure : load_failures) {
                std::cerr << "mpi_bench: could not load " << failure << '\n';
            }
            if (help) {
                usage();
            }
        }
        if (help) {
            code = 0;
        } else if (!any_failed(error)) {
            code = a->latency ? latency_bench(*a) : brain_bench(*a, *registry);
        }
    } catch (const std::exception& e) {
        std::cerr << "mpi_bench: rank " << world_rank() << ": " << e.what() << '\n';
        MPI_Abort(MPI_COMM_WORLD, 1);
    }
    // Every rank returns the same code (errors are agreed on); MPI_Finalize is collective.
    MPI_Finalize();
    return code;
}
