// SPDX-License-Identifier: Apache-2.0
// brain_bench: how fast the runtime steps brains, in steps per second (median of repeated timed
// blocks after a warm-up), for (a) the example brain, (b) a 4,000-neuron LIF brain with 2%
// connectivity (static weights, eta = 0), (c) the runtime's own cost per module and step with many
// bench.noop modules, (d) the same 4,000-neuron network with LIF, ALIF and AdEx populations,
// static weights and learning on, and (e) upstream's tutorial brain
// (examples/brains/ab_tutorial.scfg); each on the sequential executor and on the flow graph with 1
// and 2 threads. Prints a table and, with --json FILE, writes every result (bench/run.sh reads it
// to compute the ratio against the Brian2 peer).
#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <iostream>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include <spark/registry/plugin_registry.hpp>
#include <spark/runtime/brain.hpp>
#include <spark/runtime/brain_config.hpp>

namespace {

namespace rt = spark::runtime;
using clock_type = std::chrono::steady_clock;

// ---------------------------------------------------------------------------------------------
// .scfg text builders (upstream's schema, as brain_config::from_json reads it)

/// Concatenation by appending: GCC 12 at -O3 warns (-Wrestrict, a false positive) on
/// `"literal" + std::string&&`, and the build treats warnings as errors.
std::string cat(std::initializer_list<std::string_view> parts) {
    std::string text;
    for (const auto part : parts) {
        text.append(part);
    }
    return text;
}

std::string quoted(std::string_view s) {
    return cat({"\"", s, "\""});
}

std::string number(double v) {
    std::array<char, 32> text{};
    std::snprintf(text.data(), text.size(), "%.9g", v);
    return text.data();
}

std::string spec_json(std::string_view payload, std::uint32_t size) {
    return cat({R"({"__type__": "port_specs", "__data__": {"payload_type": {"__payload_type__": ")",
                payload,
                R"("}, "shape": [)",
                std::to_string(size),
                R"(], "dtype": {"__type__": "dtype", "name": "float32"}, "description": null}})"});
}

std::string map_json(std::string_view origin, std::string_view port) {
    return cat({R"({"__type__": "port_map", "__data__": {"origin": )",
                quoted(origin),
                R"(, "port": )",
                quoted(port),
                "}}"});
}

using source = std::pair<std::string, std::string>; // origin module (or "__call__"), port

std::string module_json(std::string_view name,
                        std::string_view class_ref,
                        std::string_view port,
                        const std::vector<source>& sources,
                        std::string_view config) {
    std::string inputs = cat({quoted(port), ": ["});
    for (std::size_t i = 0; i < sources.size(); ++i) {
        inputs.append(i > 0 ? ", " : "").append(map_json(sources[i].first, sources[i].second));
    }
    inputs.append("]");
    return cat({quoted(name),
                R"(: {"__type__": "module_specs", "__data__": {"name": )",
                quoted(name),
                R"(, "module_cls": {"__module_type__": )",
                quoted(class_ref),
                R"(}, "inputs": {)",
                inputs,
                R"(}, "config": )",
                config,
                "}}"});
}

std::string brain_json(std::string_view inputs,
                       std::string_view outputs,
                       const std::vector<std::string>& modules) {
    std::string text = cat({R"({"__type__": "brain_config", "__cfg__": {"input_map": {)",
                            inputs,
                            R"(}, "output_map": {)",
                            outputs,
                            R"(}, "modules_map": {)"});
    for (std::size_t i = 0; i < modules.size(); ++i) {
        text.append(i > 0 ? ", " : "").append(modules[i]);
    }
    return text.append("}}}");
}

/// A neuron type of the per-model bench: the population's class_ref and its learning rule (the
/// type's default rule; set explicitly so that eta reaches it).
struct neuron_model {
    std::string label;     // "lif", "alif", "adex"
    std::string class_ref; // "lif_neuron", ...
    std::string rule;      // "hebbian_rule", "zenke_rule"
    // [pA]: weights U[0, scale) on the kept synapses. LIF: calibrated for ~10 Hz with eta = 0
    // (the network is bistable: at a scale of 150 it saturates near 900 Hz, at 60 it is silent;
    // 4 input synapses per neuron need a strong input). Other models keep the same R * W for
    // their soma's default resistance (adaptive exponential: 0.5 GΩ, so 24 pA).
    double weight_scale = 120.0;
};

/// The E/I LIF network the Brian2 peer (bench/peer/brian2_lif.py) mirrors: input `drive` [n_input]
/// -> poisson_spiker -> A_ex (n_ex, excitatory) and A_in (n_in, inhibitory), each reading
/// [input, A_ex, A_in]; kernels sparse_uniform (density, U[0, scale) pA); delays the lif_neuron
/// default (1..8 steps); leaky soma defaults; Hebbian rule with the given eta. The per-model bench
/// swaps the neuron type (and its rule), keeping everything else, its soma's defaults included.
struct lif_network {
    neuron_model model = {"lif", "lif_neuron", "hebbian_rule"};
    std::uint32_t n_input = 200;
    std::uint32_t n_ex = 3200;
    std::uint32_t n_in = 800;
    double density = 0.02;
    double max_freq = 1000.0; // [Hz] of the Poisson input for a drive of 1 (0.5: p = 0.5)
    double eta = 0.1;         // the Hebbian rule's learning rate; 0 = static weights
};

std::string lif_config(const lif_network& n, std::uint32_t units, double inhibitory_rate) {
    return cat({R"({"units": [)",
                std::to_string(units),
                R"(], "inhibitory_rate": )",
                number(inhibitory_rate),
                R"(, "synapses": {"__class_ref__": "linear_synapses", "kernel": )",
                R"({"__class_ref__": "sparse_uniform_initializer", "scale": )",
                number(n.model.weight_scale),
                R"(, "density": )",
                number(n.density),
                R"(}}, "learning_rule": {"__class_ref__": ")",
                n.model.rule,
                R"(", "eta": )",
                number(n.eta),
                "}}"});
}

std::string lif_network_json(const lif_network& n) {
    const std::vector<source> all = {
        {"input", "spikes"}, {"A_ex", "out_spikes"}, {"A_in", "out_spikes"}};
    return brain_json(
        cat({quoted("drive"), ": ", spec_json("float_array", n.n_input)}),
        "",
        {module_json("input",
                     "poisson_spiker",
                     "signal",
                     {{std::string(rt::brain_input_origin), "drive"}},
                     cat({R"({"max_freq": )", number(n.max_freq), "}"})),
         module_json("A_ex", n.model.class_ref, "in_spikes", all, lif_config(n, n.n_ex, 0.0)),
         module_json("A_in", n.model.class_ref, "in_spikes", all, lif_config(n, n.n_in, 1.0))});
}

std::string noop_name(std::uint32_t k) {
    return cat({"noop_", std::to_string(k)});
}

/// `count` bench.noop modules in a chain: noop_0 reads the brain input, noop_k reads noop_{k-1}
/// (one step of latency each, as every module->module edge). Within a step no module waits for
/// another (everything reads step t-1), so this measures pure per-module overhead.
/// With `with_output`, the last module's output is the brain output "y" (the per-call bench
/// reads it).
std::string noop_chain_json(std::uint32_t count, bool with_output = false) {
    std::vector<std::string> modules;
    for (std::uint32_t k = 0; k < count; ++k) {
        const source from = k == 0 ? source{std::string(rt::brain_input_origin), "x"}
                                   : source{noop_name(k - 1), "out"};
        modules.push_back(module_json(noop_name(k), "noop", "in", {from}, "{}"));
    }
    const std::string output =
        with_output ? cat({R"("y": {"input": {"__type__": "port_map", "__data__": {"origin": ")",
                           noop_name(count - 1),
                           R"(", "port": "out"}}, "spec": )",
                           spec_json("float_array", 1),
                           "}"})
                    : std::string();
    return brain_json(cat({quoted("x"), ": ", spec_json("float_array", 1)}), output, modules);
}

// ---------------------------------------------------------------------------------------------
// Timing

struct executor_setup {
    std::string label; // "sequential", "flow_graph/1", ...
    rt::brain_options options;
};

std::vector<executor_setup> executor_setups() {
    return {{"sequential", {rt::executor_kind::sequential, 1}},
            {"flow_graph/1", {rt::executor_kind::flow_graph, 1}},
            {"flow_graph/2", {rt::executor_kind::flow_graph, 2}}};
}

struct settings {
    double block_seconds = 0.5; // each timed block runs about this long
    int repeats = 5;            // timed blocks; the median is reported
    double warmup_seconds = 0.3;
    std::uint64_t min_warmup_steps = 50;
};

struct result {
    std::string bench;    // "example", "lif_4k", "noop_64", ...
    std::string variant;  // e.g. "learning" / "static"; empty when there is one
    std::string executor; // label of the executor_setup
    unsigned threads = 0;
    std::uint32_t modules = 0;
    std::uint64_t neurons = 0;
    std::uint64_t steps_per_block = 0;
    double build_seconds = 0.0;
    double median_steps_per_s = 0.0;
    double min_steps_per_s = 0.0;
    double max_steps_per_s = 0.0;
    double rate_hz = -1.0; // mean firing rate of the spiking modules during the run; -1 = n/a
};

double seconds_since(clock_type::time_point start) {
    return std::chrono::duration<double>(clock_type::now() - start).count();
}

/// Mean rate [Hz] over every spike port get_spikes_from_cache() reads (bit0), after `steps` more
/// steps (untimed: reading the cache each step costs a little).
double mean_rate_hz(rt::brain& brain, std::uint64_t steps) {
    std::uint64_t spikes = 0;
    std::uint64_t units = 0;
    for (std::uint64_t s = 0; s < steps; ++s) {
        brain.step();
        for (const auto& [module, view] : brain.get_spikes_from_cache()) {
            if (module == "input" || module == "spiker") {
                continue; // the input's rate is what we feed, not the network's
            }
            const auto* bytes = static_cast<const std::uint8_t*>(view.data);
            for (std::uint64_t i = 0; i < view.count; ++i) {
                spikes += bytes[i] & 1U;
            }
            units += s == 0 ? view.count : 0;
        }
    }
    if (units == 0 || steps == 0) {
        return -1.0;
    }
    return static_cast<double>(spikes) / static_cast<double>(units) /
           (static_cast<double>(steps) * brain.dt() * 1e-3);
}

/// Steps for at least s.warmup_seconds and s.min_warmup_steps; returns the steps per second
/// it saw.
double warm_up(rt::brain& brain, const settings& s) {
    std::uint64_t steps = 0;
    const auto start = clock_type::now();
    while (steps < s.min_warmup_steps || seconds_since(start) < s.warmup_seconds) {
        brain.step();
        ++steps;
    }
    return static_cast<double>(steps) / seconds_since(start);
}

result time_brain(const spark::registry::plugin_registry& registry,
                  const rt::brain_config& config,
                  const executor_setup& setup,
                  const std::vector<std::pair<std::string, float>>& feeds,
                  const settings& s,
                  bool measure_rate) {
    result r;
    r.executor = setup.label;
    r.threads = setup.options.executor == rt::executor_kind::sequential ? 1 : setup.options.threads;
    const auto build_start = clock_type::now();
    rt::brain brain(registry, config, setup.options);
    r.build_seconds = seconds_since(build_start);
    r.modules = static_cast<std::uint32_t>(brain.modules().size());
    for (const auto& [module, view] : brain.get_spikes_from_cache()) {
        r.neurons += module == "input" || module == "spiker" ? 0 : view.count;
    }
    // Inputs are constant: written once, seen at every step.
    for (const auto& [name, value] : feeds) {
        for (float& x : brain.input_as<float>(name)) {
            x = value;
        }
    }
    // Warm-up: lets the network settle (and caches, the flow graph's threads) and sizes the
    // blocks from the speed it sees.
    const double warm_rate = warm_up(brain, s);
    r.steps_per_block =
        std::max<std::uint64_t>(10, static_cast<std::uint64_t>(warm_rate * s.block_seconds));
    std::vector<double> rates;
    for (int k = 0; k < s.repeats; ++k) {
        const auto start = clock_type::now();
        for (std::uint64_t i = 0; i < r.steps_per_block; ++i) {
            brain.step();
        }
        rates.push_back(static_cast<double>(r.steps_per_block) / seconds_since(start));
    }
    std::sort(rates.begin(), rates.end());
    r.median_steps_per_s = rates.size() % 2 == 1
                               ? rates[rates.size() / 2]
                               : 0.5 * (rates[rates.size() / 2 - 1] + rates[rates.size() / 2]);
    r.min_steps_per_s = rates.front();
    r.max_steps_per_s = rates.back();
    if (measure_rate) {
        r.rate_hz = mean_rate_hz(brain, 200);
    }
    return r;
}

constexpr std::uint64_t steps_per_call = 10;

struct call_cost {
    double long_us_per_step = 0.0;
    double call_us_per_step = 0.0;
    double fixed_us_per_call = 0.0; // (in calls - long run) per step x steps per call
};

/// A host's loop, as examples/embed's: per call, write every input (drive 0.5), step
/// steps_per_call times, read every output; against the same steps in one long run. Both are
/// the median of s.repeats blocks of ~s.block_seconds, interleaved, on one brain.
call_cost time_calls(const spark::registry::plugin_registry& registry,
                     const rt::brain_config& config,
                     const executor_setup& setup,
                     const settings& s) {
    rt::brain brain(registry, config, setup.options);
    std::vector<std::string> inputs;
    for (const auto& [name, spec] : brain.input_specs()) {
        inputs.push_back(name);
    }
    std::vector<std::string> outputs;
    for (const auto& [name, spec] : brain.output_specs()) {
        outputs.push_back(name);
    }
    const auto feed = [&] {
        for (const auto& name : inputs) {
            for (float& x : brain.input_as<float>(name)) {
                x = 0.5F;
            }
        }
    };
    feed();
    const double warm_rate = warm_up(brain, s);
    const std::uint64_t calls = std::max<std::uint64_t>(
        10, static_cast<std::uint64_t>(warm_rate * s.block_seconds) / steps_per_call);
    std::vector<double> long_runs;
    std::vector<double> in_calls;
    volatile std::uint8_t sink = 0; // the outputs are read
    for (int k = 0; k < s.repeats; ++k) {
        auto start = clock_type::now();
        for (std::uint64_t i = 0; i < calls * steps_per_call; ++i) {
            brain.step();
        }
        long_runs.push_back(seconds_since(start) / static_cast<double>(calls * steps_per_call));
        start = clock_type::now();
        for (std::uint64_t c = 0; c < calls; ++c) {
            feed();
            for (std::uint64_t i = 0; i < steps_per_call; ++i) {
                brain.step();
            }
            for (const auto& name : outputs) {
                const auto view = brain.output(name);
                sink =
                    static_cast<std::uint8_t>(sink + *static_cast<const std::uint8_t*>(view.data));
            }
        }
        in_calls.push_back(seconds_since(start) / static_cast<double>(calls * steps_per_call));
    }
    std::sort(long_runs.begin(), long_runs.end());
    std::sort(in_calls.begin(), in_calls.end());
    call_cost c;
    c.long_us_per_step = 1e6 * long_runs[long_runs.size() / 2];
    c.call_us_per_step = 1e6 * in_calls[in_calls.size() / 2];
    c.fixed_us_per_call =
        (c.call_us_per_step - c.long_us_per_step) * static_cast<double>(steps_per_call);
    return c;
}

/// Whether a loaded plugin offers `class_ref` (resolve throws for an unknown name).
bool has_type(const spark::registry::plugin_registry& registry, const std::string& class_ref) {
    try {
        (void)registry.resolve(class_ref);
        return true;
    } catch (const std::exception&) {
        return false;
    }
}

// ---------------------------------------------------------------------------------------------
// Output

std::string fixed(double v, int decimals) {
    std::array<char, 64> text{};
    std::snprintf(text.data(), text.size(), "%.*f", decimals, v);
    return text.data();
}

void print_header(std::string_view title) {
    std::printf("\n%s\n", std::string(title).c_str());
    std::printf("  %-22s %-13s %8s %12s %22s %11s %9s\n",
                "bench",
                "executor",
                "modules",
                "steps/s",
                "(min..max)",
                "us/step",
                "rate Hz");
}

void print_row(const result& r) {
    const std::string name = r.variant.empty() ? r.bench : cat({r.bench, " (", r.variant, ")"});
    const std::string range =
        cat({"(", fixed(r.min_steps_per_s, 0), "..", fixed(r.max_steps_per_s, 0), ")"});
    std::printf("  %-22s %-13s %8u %12.1f %22s %11.2f %9s\n",
                name.c_str(),
                r.executor.c_str(),
                r.modules,
                r.median_steps_per_s,
                range.c_str(),
                1e6 / r.median_steps_per_s,
                r.rate_hz < 0 ? "-" : fixed(r.rate_hz, 1).c_str());
    std::fflush(stdout);
}

void write_json(const std::filesystem::path& file,
                const std::vector<result>& results,
                const std::string& example_file) {
    std::ofstream out(file);
    out << "{\n  \"tool\": \"brain_bench\",\n  \"example_brain\": " << quoted(example_file)
        << ",\n  \"hardware_threads\": " << std::thread::hardware_concurrency()
        << ",\n  \"results\": [\n";
    for (std::size_t i = 0; i < results.size(); ++i) {
        const auto& r = results[i];
        const double us_per_step = 1e6 / r.median_steps_per_s;
        out << "    {\"bench\": " << quoted(r.bench) << ", \"variant\": " << quoted(r.variant)
            << ", \"executor\": " << quoted(r.executor) << ", \"threads\": " << r.threads
            << ", \"modules\": " << r.modules << ", \"neurons\": " << r.neurons
            << ", \"steps_per_block\": " << r.steps_per_block
            << ", \"build_s\": " << number(r.build_seconds)
            << ", \"steps_per_s\": " << number(r.median_steps_per_s)
            << ", \"steps_per_s_min\": " << number(r.min_steps_per_s)
            << ", \"steps_per_s_max\": " << number(r.max_steps_per_s)
            << ", \"us_per_step\": " << number(us_per_step)
            << ", \"us_per_module_step\": " << number(us_per_step / r.modules)
            << ", \"rate_hz\": " << (r.rate_hz < 0 ? "null" : number(r.rate_hz)) << "}"
            << (i + 1 < results.size() ? "," : "") << "\n";
    }
    out << "  ]\n}\n";
}

struct arguments {
    std::string example = SPARK_BENCH_EXAMPLE_BRAIN;
    std::string tutorial = SPARK_BENCH_TUTORIAL_BRAIN;
    std::optional<std::filesystem::path> json;
    std::optional<std::filesystem::path> write_large;
    std::string only;  // "", "example", "lif", "noop", "calls", "models", "tutorial"
    std::string model; // "": every model of (d); else "lif", "alif" or "adex"
    bool with_learning = false;
    // The per-model bench's "learning" variant: small enough that no model saturates while it is
    // timed (see README.md), large enough that every weight the rule touches changes.
    double learning_eta = 1e-4;
    settings timing;
    // --brain mode (bench/run.sh's side-by-side networks): one brain file, timed in simulated
    // seconds so that the result compares with a peer's seconds per simulated second.
    std::optional<std::filesystem::path> brain;
    std::vector<std::pair<std::string, float>> inputs; // --input NAME=VALUE, constant
    double sim_seconds = 1.0;                          // timed, in 5 blocks
    double warmup_sim_seconds = 0.1;
    double rate_sim_seconds = 1.0; // right after the warm-up, before the timed blocks
    std::vector<std::string> executors = {"sequential", "flow_graph/2"};
};

void usage() {
    std::cout
        << "usage: brain_bench [--example FILE.scfg] [--tutorial FILE.scfg] [--json FILE]\n"
           "                   [--only example|lif|noop|calls|models|tutorial] [--repeats N]\n"
           "                   [--block-seconds S] [--with-learning] [--learning-eta ETA]\n"
           "                   [--write-large-brain FILE [--model M] [--with-learning]]\n"
           "                   [--model lif|alif|adex]\n"
           "       brain_bench --brain FILE.scfg [--input NAME=VALUE]... [--sim-seconds S]\n"
           "                   [--warmup-seconds W] [--rate-seconds R]\n"
           "                   [--executors sequential,flow_graph/2,...] [--json FILE]\n"
           "  times the example brain, a 4,000-neuron LIF brain (2% connectivity), the\n"
           "  runtime's per-module overhead (bench.noop chains), the 4,000-neuron network with\n"
           "  LIF, ALIF and AdEx populations (static and learning) and the tutorial brain on the\n"
           "  sequential executor and the flow graph with 1 and 2 threads; steps/s is the median\n"
           "  of N timed blocks\n"
           "  --brain: one brain file (inputs constant) after W simulated seconds of warm-up:\n"
           "  every module's firing rate over R simulated seconds, then S simulated seconds in 5\n"
           "  timed blocks (median: seconds per simulated second); start-up = loading the\n"
           "  plugins + building the brain + its first step\n";
}

std::optional<arguments> parse(int argc, char** argv) {
    arguments a;
    const std::vector<std::string> args(argv + 1, argv + argc);
    for (std::size_t i = 0; i < args.size(); ++i) {
        const auto value = [&]() -> std::string {
            if (i + 1 >= args.size()) {
                throw std::runtime_error(cat({args[i], " needs a value"}));
            }
            return args[++i];
        };
        if (args[i] == "--example") {
            a.example = value();
        } else if (args[i] == "--json") {
            a.json = value();
        } else if (args[i] == "--only") {
            a.only = value();
        } else if (args[i] == "--repeats") {
            a.timing.repeats = std::max(1, std::stoi(value()));
        } else if (args[i] == "--block-seconds") {
            a.timing.block_seconds = std::stod(value());
        } else if (args[i] == "--tutorial") {
            a.tutorial = value();
        } else if (args[i] == "--with-learning") {
            a.with_learning = true;
        } else if (args[i] == "--learning-eta") {
            a.learning_eta = std::stod(value());
        } else if (args[i] == "--model") {
            a.model = value();
        } else if (args[i] == "--brain") {
            a.brain = value();
        } else if (args[i] == "--input") {
            const std::string text = value();
            const auto eq = text.find('=');
            if (eq == std::string::npos) {
                throw std::runtime_error(cat({"--input needs NAME=VALUE, got ", text}));
            }
            a.inputs.emplace_back(text.substr(0, eq), std::stof(text.substr(eq + 1)));
        } else if (args[i] == "--sim-seconds") {
            a.sim_seconds = std::stod(value());
        } else if (args[i] == "--warmup-seconds") {
            a.warmup_sim_seconds = std::stod(value());
        } else if (args[i] == "--rate-seconds") {
            a.rate_sim_seconds = std::stod(value());
        } else if (args[i] == "--executors") {
            a.executors.clear();
            std::string list = value();
            for (std::size_t at = 0; at <= list.size();) {
                const auto comma = std::min(list.find(',', at), list.size());
                a.executors.push_back(list.substr(at, comma - at));
                at = comma + 1;
            }
        } else if (args[i] == "--write-large-brain") {
            a.write_large = value();
        } else if (args[i] == "-h" || args[i] == "--help") {
            usage();
            return std::nullopt;
        } else {
            throw std::runtime_error(cat({"unknown argument ", args[i], "; see --help"}));
        }
    }
    return a;
}

// ---------------------------------------------------------------------------------------------
// --brain: one brain file, timed per simulated second (bench/run.sh, side by side with Brian2)

struct file_result {
    std::string executor;
    unsigned threads = 1;
    double build_seconds = 0.0;      // brain construction (plugins already loaded)
    double first_step_seconds = 0.0; // the first step alone (first touches of the state)
    std::vector<double> block_seconds_per_sim_second;
    std::vector<std::pair<std::string, double>> rates_hz; // every module with spikes
    std::vector<std::uint64_t> units;                     // their sizes, in the same order
};

std::uint64_t steps_for(double sim_seconds, double dt_ms) {
    return static_cast<std::uint64_t>(std::llround(sim_seconds * 1000.0 / dt_ms));
}

file_result time_brain_file(const spark::registry::plugin_registry& registry,
                            const rt::brain_config& config,
                            const std::string& executor,
                            const arguments& a) {
    file_result r;
    r.executor = executor;
    rt::brain_options options{rt::executor_kind::sequential, 1};
    // A benchmark builds the network it is given: the size limits guard a user against a typo,
    // and they count a sparse kernel (scale_256k's) as dense, input x output synapses.
    options.limits = {UINT64_MAX, UINT64_MAX, UINT64_MAX};
    // "flow_graph/K" and "auto/K": that executor on K threads (auto: the runtime's default, which
    // measures the flow graph against running in order, on all threads and on one, and keeps
    // the fastest).
    const bool automatic = executor.rfind("auto", 0) == 0;
    if (automatic || executor.rfind("flow_graph", 0) == 0) {
        options.executor = automatic ? rt::executor_kind::automatic : rt::executor_kind::flow_graph;
        const auto slash = executor.find('/');
        options.threads = slash == std::string::npos
                              ? 1U
                              : static_cast<unsigned>(std::stoul(executor.substr(slash + 1)));
        r.threads = options.threads;
    } else if (executor != "sequential") {
        throw std::runtime_error(cat({"unknown executor ", executor}));
    }
    auto start = clock_type::now();
    rt::brain brain(registry, config, options);
    r.build_seconds = seconds_since(start);
    for (const auto& [name, value] : a.inputs) {
        for (float& x : brain.input_as<float>(name)) {
            x = value;
        }
    }
    start = clock_type::now();
    brain.step();
    r.first_step_seconds = seconds_since(start);
    const double dt = brain.dt();
    for (std::uint64_t s = 1; s < steps_for(a.warmup_sim_seconds, dt); ++s) {
        brain.step();
    }
    // Rates right after the warm-up (untimed, as the peer's window): bit0 of every module's
    // spike port (inputs included).
    const std::uint64_t rate_steps = std::max<std::uint64_t>(1, steps_for(a.rate_sim_seconds, dt));
    std::vector<std::uint64_t> counts;
    for (std::uint64_t s = 0; s < rate_steps; ++s) {
        brain.step();
        const auto spikes = brain.get_spikes_from_cache();
        counts.resize(spikes.size(), 0);
        for (std::size_t m = 0; m < spikes.size(); ++m) {
            const auto* bytes = static_cast<const std::uint8_t*>(spikes[m].second.data);
            for (std::uint64_t i = 0; i < spikes[m].second.count; ++i) {
                counts[m] += bytes[i] & 1U;
            }
        }
    }
    constexpr int blocks = 5;
    const std::uint64_t block_steps =
        std::max<std::uint64_t>(1, steps_for(a.sim_seconds, dt) / blocks);
    const double block_sim_seconds = static_cast<double>(block_steps) * dt * 1e-3;
    for (int b = 0; b < blocks; ++b) {
        start = clock_type::now();
        for (std::uint64_t s = 0; s < block_steps; ++s) {
            brain.step();
        }
        r.block_seconds_per_sim_second.push_back(seconds_since(start) / block_sim_seconds);
    }
    const auto spikes = brain.get_spikes_from_cache();
    for (std::size_t m = 0; m < spikes.size(); ++m) {
        const double units = static_cast<double>(spikes[m].second.count);
        r.units.push_back(spikes[m].second.count);
        r.rates_hz.emplace_back(spikes[m].first,
                                static_cast<double>(counts[m]) / units /
                                    (static_cast<double>(rate_steps) * dt * 1e-3));
    }
    return r;
}

double median_of(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v.size() % 2 == 1 ? v[v.size() / 2] : 0.5 * (v[v.size() / 2 - 1] + v[v.size() / 2]);
}

int brain_file_bench(const arguments& a,
                     const spark::registry::plugin_registry& registry,
                     double plugins_seconds) {
    const auto parse_start = clock_type::now();
    const auto config = rt::brain_config::from_file(a.brain->string());
    const double parse_seconds = seconds_since(parse_start);
    std::vector<file_result> results;
    for (const auto& executor : a.executors) {
        results.push_back(time_brain_file(registry, config, executor, a));
        const auto& r = results.back();
        std::printf("%-13s %10.4f s per simulated s (min %.4f, max %.4f); build %.3f s, first "
                    "step %.4f s; rates",
                    r.executor.c_str(),
                    median_of(r.block_seconds_per_sim_second),
                    *std::min_element(r.block_seconds_per_sim_second.begin(),
                                      r.block_seconds_per_sim_second.end()),
                    *std::max_element(r.block_seconds_per_sim_second.begin(),
                                      r.block_seconds_per_sim_second.end()),
                    r.build_seconds,
                    r.first_step_seconds);
        for (const auto& [module, rate] : r.rates_hz) {
            std::printf(" %s %.2f Hz", module.c_str(), rate);
        }
        std::printf("\n");
        std::fflush(stdout);
    }
    if (a.json) {
        std::ofstream out(*a.json);
        out << "{\"tool\": \"brain_bench\", \"brain\": " << quoted(a.brain->string())
            << ", \"sim_seconds\": " << number(a.sim_seconds)
            << ", \"warmup_sim_seconds\": " << number(a.warmup_sim_seconds)
            << ", \"rate_sim_seconds\": " << number(a.rate_sim_seconds)
            << ", \"plugins_s\": " << number(plugins_seconds)
            << ", \"parse_s\": " << number(parse_seconds) << ", \"executors\": [\n";
        for (std::size_t i = 0; i < results.size(); ++i) {
            const auto& r = results[i];
            out << "  {\"executor\": " << quoted(r.executor) << ", \"threads\": " << r.threads
                << ", \"build_s\": " << number(r.build_seconds)
                << ", \"first_step_s\": " << number(r.first_step_seconds) << ", \"startup_s\": "
                << number(plugins_seconds + parse_seconds + r.build_seconds + r.first_step_seconds)
                << ", \"s_per_sim_s\": " << number(median_of(r.block_seconds_per_sim_second))
                << ", \"blocks_s_per_sim_s\": [";
            for (std::size_t b = 0; b < r.block_seconds_per_sim_second.size(); ++b) {
                out << (b > 0 ? ", " : "") << number(r.block_seconds_per_sim_second[b]);
            }
            out << "], \"rates_hz\": {";
            for (std::size_t m = 0; m < r.rates_hz.size(); ++m) {
                out << (m > 0 ? ", " : "") << quoted(r.rates_hz[m].first) << ": "
                    << number(r.rates_hz[m].second);
            }
            out << "}, \"units\": {";
            for (std::size_t m = 0; m < r.rates_hz.size(); ++m) {
                out << (m > 0 ? ", " : "") << quoted(r.rates_hz[m].first) << ": " << r.units[m];
            }
            out << "}}" << (i + 1 < results.size() ? "," : "") << "\n";
        }
        out << "]}\n";
    }
    return 0;
}

int run(const arguments& a) {
    const auto plugins_start = clock_type::now();
    spark::registry::search_options search;
    search.paths = {SPARK_BENCH_BUILTIN_PLUGIN_DIR, SPARK_BENCH_NOOP_PLUGIN};
    search.use_environment = false;
    search.use_install_dir = false;
    spark::registry::plugin_registry registry(search);
    registry.discover();
    for (const auto& f : registry.failures()) {
        std::cerr << "brain_bench: could not load " << f.file << ": " << f.message << '\n';
    }
    if (a.brain) {
        return brain_file_bench(a, registry, seconds_since(plugins_start));
    }

    lif_network learning;
    lif_network fixed_weights = learning;
    fixed_weights.eta = 0.0;
    const std::vector<neuron_model> models = {{"lif", "lif_neuron", "hebbian_rule"},
                                              {"alif", "alif_neuron", "zenke_rule"},
                                              {"adex", "ad_ex_neuron", "hebbian_rule", 24.0}};
    if (a.write_large) {
        // The network of (b), or of (d) with --model; learning on with --with-learning.
        lif_network network = fixed_weights;
        for (const auto& model : models) {
            network.model = model.label == a.model ? model : network.model;
        }
        if (!a.model.empty() && network.model.label != a.model) {
            throw std::runtime_error(cat({"unknown --model ", a.model}));
        }
        network.eta = a.with_learning ? a.learning_eta : 0.0;
        std::ofstream(*a.write_large) << lif_network_json(network);
        std::cout << "wrote " << a.write_large->string() << " (" << network.model.class_ref
                  << ", eta " << number(network.eta) << ")\n";
        return 0;
    }

    std::printf("brain_bench: %u hardware threads; steps/s = median of %d blocks of ~%.2f s after "
                "a warm-up\n",
                std::thread::hardware_concurrency(),
                a.timing.repeats,
                a.timing.block_seconds);
    std::vector<result> results;
    const auto record = [&](result r, std::string bench, std::string variant) {
        r.bench = std::move(bench);
        r.variant = std::move(variant);
        print_row(r);
        results.push_back(std::move(r));
    };

    if (a.only.empty() || a.only == "example") {
        print_header(cat({"(a) example brain: ", a.example, ", input drive = 0.5"}));
        if (std::filesystem::exists(a.example)) {
            const auto config = rt::brain_config::from_file(a.example);
            for (const auto& setup : executor_setups()) {
                record(time_brain(registry, config, setup, {{"drive", 0.5F}}, a.timing, true),
                       "example",
                       "");
            }
        } else {
            std::printf("  (skipped: %s does not exist)\n", a.example.c_str());
        }
    }

    if (a.only.empty() || a.only == "lif") {
        print_header(
            "(b) 4,000 LIF neurons (3,200 exc + 800 inh), 200 Poisson inputs at 500 Hz, 2% "
            "connectivity, weights U[0, 120) pA, eta 0 (static)");
        // Static weights only by default: with eta 0.1 the potentiation-only rule drives this
        // network into saturation (~900 Hz, a few steps/s) within a second (see README.md).
        std::vector<std::pair<std::string, lif_network>> variants = {{"static", fixed_weights}};
        if (a.with_learning) {
            variants.emplace_back("learning", learning);
        }
        for (const auto& [variant, network] : variants) {
            const auto config = rt::brain_config::from_json(lif_network_json(network), "lif_4k");
            for (const auto& setup : executor_setups()) {
                record(time_brain(registry, config, setup, {{"drive", 0.5F}}, a.timing, true),
                       "lif_4k",
                       variant);
            }
        }
    }

    if (a.only.empty() || a.only == "noop") {
        print_header("(c) runtime overhead: chains of bench.noop modules (float[1])");
        for (const std::uint32_t count : {1U, 64U, 256U}) {
            const auto config =
                rt::brain_config::from_json(noop_chain_json(count), noop_name(count));
            for (const auto& setup : executor_setups()) {
                record(time_brain(registry, config, setup, {{"x", 1.0F}}, a.timing, false),
                       noop_name(count),
                       "");
            }
        }
        std::printf("\n  us per module-step (us/step / modules):\n");
        std::printf(
            "  %-10s %14s %14s %14s\n", "modules", "sequential", "flow_graph/1", "flow_graph/2");
        for (const std::uint32_t count : {1U, 64U, 256U}) {
            std::printf("  %-10u", count);
            for (const auto& r : results) {
                if (r.bench == noop_name(count)) {
                    std::printf(" %14.3f", 1e6 / r.median_steps_per_s / r.modules);
                }
            }
            std::printf("\n");
        }
    }

    if (a.only.empty() || a.only == "calls") {
        std::printf(
            "\n(c2) per-call cost: a host that writes the input, steps %llu times and reads "
            "the output, per call, against the same steps in one long run\n",
            static_cast<unsigned long long>(steps_per_call));
        std::vector<executor_setup> setups = executor_setups();
        setups.push_back({"auto/2", {rt::executor_kind::automatic, 2}});
        for (const std::uint32_t count : {1U, 64U}) {
            const auto config =
                rt::brain_config::from_json(noop_chain_json(count, true), noop_name(count));
            for (const auto& setup : setups) {
                const call_cost c = time_calls(registry, config, setup, a.timing);
                std::printf("  %-9s %-14s long run %8.3f us/step, in calls %8.3f us/step: %6.2f "
                            "us fixed per call\n",
                            noop_name(count).c_str(),
                            setup.label.c_str(),
                            c.long_us_per_step,
                            c.call_us_per_step,
                            c.fixed_us_per_call);
            }
        }
    }

    if (a.only.empty() || a.only == "models") {
        print_header(cat({"(d) per model: the network of (b) with LIF, ALIF and AdEx populations, "
                          "each with its soma's defaults; static (eta 0) and learning (eta ",
                          number(a.learning_eta),
                          ")"}));
        for (const auto& model : models) {
            if (!a.model.empty() && a.model != model.label) {
                continue;
            }
            if (!has_type(registry, model.class_ref)) {
                std::printf("  NOTE: %s skipped: no loaded plugin offers '%s' (not registered in "
                            "this build)\n",
                            model.label.c_str(),
                            model.class_ref.c_str());
                std::fflush(stdout);
                continue;
            }
            for (const double eta : {0.0, a.learning_eta}) {
                lif_network network = fixed_weights;
                network.model = model;
                network.eta = eta;
                const auto config = rt::brain_config::from_json(
                    lif_network_json(network), cat({"model_", model.label, "_4k"}));
                for (const auto& setup : executor_setups()) {
                    record(time_brain(registry, config, setup, {{"drive", 0.5F}}, a.timing, true),
                           cat({"model_", model.label, "_4k"}),
                           eta == 0.0 ? "static" : "learning");
                }
            }
        }
    }

    if (a.only.empty() || a.only == "tutorial") {
        print_header(cat({"(e) tutorial brain: ", a.tutorial, ", input drive = 0.5"}));
        if (std::filesystem::exists(a.tutorial)) {
            const auto config = rt::brain_config::from_file(a.tutorial);
            for (const auto& setup : executor_setups()) {
                record(time_brain(registry, config, setup, {{"drive", 0.5F}}, a.timing, true),
                       "tutorial",
                       "");
            }
        } else {
            std::printf("  NOTE: tutorial skipped: %s does not exist\n", a.tutorial.c_str());
        }
    }

    if (a.json) {
        write_json(*a.json, results, a.example);
        std::printf("\nwrote %s\n", a.json->string().c_str());
    }
    return 0;
}

} // namespace

int main(int argc, char** argv) {
    try {
        const auto a = parse(argc, argv);
        return a ? run(*a) : 0;
    } catch (const std::exception& e) {
        std::cerr << "brain_bench: " << e.what() << '\n';
    }
    return 1;
}
