// SPDX-License-Identifier: Apache-2.0
// The Brain: build (order, contracts, shapes), the double-buffered cache, and the two executors.
//
// Cache: every module output port has two host buffers. `front_` names the one holding the
// outputs of the last completed step (the cache); a step reads module->module edges from front_
// and writes into the other one, then flips front_. Each module gets two prepared step contexts,
// one per value of front_, so a step only picks a context and sets its step index: no allocation,
// no copies except the gathering of ports with several sources (memcpy into a per-port buffer).
#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <cstring>
#include <memory>
#include <mutex>
#include <optional>
#include <utility>

#include <oneapi/tbb/flow_graph.h>
#include <oneapi/tbb/task_arena.h>
#include <oneapi/tbb/task_group.h>

#include <spark/registry/errors.hpp>
#include <spark/registry/module_instance.hpp>
#include <spark/runtime/brain.hpp>
#include <spark/sdk/buffers.hpp>

#include "brain/brain_checks.hpp"
#include "brain/brain_plan.hpp"
#include "brain/checkpoint_access.hpp"
#include "brain/executor_choice.hpp"
#include "brain/happens_before.hpp"
#include "brain/neuron_parts.hpp"
#include "brain/parallel_workers.hpp"
#include "log.hpp"
#include "text.hpp"
#include "tools/host_buffer.hpp"

namespace spark::runtime {
namespace {

namespace flow = oneapi::tbb::flow;
using detail::host_buffer;

std::string step_error_text(const std::string& module,
                            const std::string& type_id,
                            std::uint64_t step_index,
                            const std::string& message) {
    return "module '" + module + "' (" + type_id + ") failed at step " +
           std::to_string(step_index) + ": " + message;
}

/// The plugin's part of a plugin_error (its what() starts with "<type id> '<name>': ").
std::string
without_prefix(const std::string& text, const std::string& type_id, const std::string& name) {
    const std::string prefix = type_id + " '" + name + "': ";
    return text.compare(0, prefix.size(), prefix) == 0 ? text.substr(prefix.size()) : text;
}

// Output guards: debug builds (and SPARK_OUTPUT_GUARDS) put a region filled with a canary after
// each module output buffer and check it after the module's step, so that a plugin writing past
// its output is a step_error naming the port instead of silent damage to its neighbour's memory.
// Release builds allocate and check nothing.
#if !defined(NDEBUG) || defined(SPARK_OUTPUT_GUARDS)
constexpr std::size_t output_guard_bytes = 64;
#else
constexpr std::size_t output_guard_bytes = 0;
#endif
constexpr unsigned char guard_canary = 0xA5;

void arm_guard(const host_buffer& buffer) {
    std::memset(buffer.data() + buffer.bytes(), guard_canary, output_guard_bytes);
}

bool guard_intact(const host_buffer& buffer) {
    const auto* guard = buffer.data() + buffer.bytes();
    return std::all_of(guard, guard + output_guard_bytes, [](std::byte b) {
        return b == std::byte{guard_canary};
    });
}

bool same_spec(const spark_port_spec_t& a, const spark_port_spec_t& b) {
    if (a.payload_kind != b.payload_kind || a.dtype != b.dtype || a.shape.rank != b.shape.rank) {
        return false;
    }
    return std::equal(a.shape.dims,
                      a.shape.dims + std::min(a.shape.rank, std::uint32_t{SPARK_MAX_RANK}),
                      b.shape.dims);
}

/// The index of the first element of `count` values at `data` whose exponent bits are all ones
/// (NaN or an infinity), or `count` when none is. `Bits` is the float's width as an integer: the
/// first pass is integer tests only, so it vectorises; only a port that has one is searched.
template <typename Bits>
std::uint64_t first_non_finite(const std::byte* data, std::uint64_t count, Bits exponent) {
    Bits any = 0;
    for (std::uint64_t i = 0; i < count; ++i) {
        Bits bits = 0;
        std::memcpy(&bits, data + i * sizeof(Bits), sizeof(Bits));
        any |= static_cast<Bits>((bits & exponent) == exponent);
    }
    if (any == 0) {
        return count;
    }
    for (std::uint64_t i = 0; i < count; ++i) {
        Bits bits = 0;
        std::memcpy(&bits, data + i * sizeof(Bits), sizeof(Bits));
        if ((bits & exponent) == exponent) {
            return i;
        }
    }
    return count;
}

/// A float output port the numerics check scans after every step.
struct scanned_port {
    std::size_t module = 0;
    std::uint32_t port = 0;
    bool reported = false; // report mode: once per port
};

struct module_runtime {
    std::string name;
    std::string type_id;
    registry::module_instance instance;
    std::vector<spark_port_spec_t> in_specs;       // merged (1-D) input specs, port order
    std::vector<spark_port_spec_t> out_specs;      // port order
    std::array<std::vector<host_buffer>, 2> cache; // [parity][output port]
    std::vector<host_buffer> gather;               // one per input port with several sources

    struct copy {
        std::byte* to;
        const std::byte* from;
        std::size_t bytes;
    };
    // Indexed by front_ (the parity the step reads from).
    std::array<std::vector<copy>, 2> copies;
    std::array<std::vector<spark_buffer_t>, 2> inputs;
    std::array<std::vector<spark_buffer_t>, 2> outputs;
    std::array<spark_step_context_t, 2> context{};

    module_runtime(std::string n, registry::module_instance i)
        : name(std::move(n)), type_id(i.type().canonical_id), instance(std::move(i)) {}

    // True while this module's step() runs: brain::modules_in_step() reads it from another
    // thread (a watchdog naming a module that hangs), so it is atomic; relaxed, as it orders
    // nothing else and costs two plain stores per step.
    std::atomic<bool> stepping{false};

    /// One step reading parity `front`. Throws what the plugin's failure becomes.
    void run(unsigned front) {
        for (const auto& c : copies[front]) {
            std::memcpy(c.to, c.from, c.bytes);
        }
        stepping.store(true, std::memory_order_relaxed);
        struct clear_on_exit {
            std::atomic<bool>& flag;
            ~clear_on_exit() { flag.store(false, std::memory_order_relaxed); }
        } const clear{stepping};
        instance.step(context[front]);
    }
};

} // namespace

step_error::step_error(std::string module,
                       std::string type_id,
                       std::uint64_t step_index,
                       const std::string& message)
    : spark::error(step_error_text(module, type_id, step_index, message)),
      module_(std::move(module)), type_id_(std::move(type_id)), step_index_(step_index),
      message_(message) {}

struct brain::impl {
    brain_options options;
    detail::brain_plan plan;
    brain_config config; // the plan points into it
    std::vector<std::vector<std::string>> order;
    // Before the modules: every instance's host offers its table until the instance is gone.
    detail::parallel_workers workers;
    detail::executor_choice choice;                       // executor_kind::automatic
    std::vector<std::unique_ptr<module_runtime>> modules; // config order
    std::vector<module_info> infos;
    std::vector<host_buffer> inputs; // brain inputs, input_map order
    std::vector<std::pair<std::string, spark_port_spec_t>> input_specs;
    std::vector<std::pair<std::string, spark_port_spec_t>> output_specs;

    std::vector<scanned_port> scanned; // numerics_check report or error: every float output
    std::vector<numerics_report> reports;

    unsigned front = 0;
    std::uint64_t step_index = 0;
    bool broken = false;             // a step or a reset failed: only reset() may follow
    bool in_parts = false;           // between step_first() and step_rest()
    std::vector<bool> stepped_first; // per module: step_first() stepped it

    // The first failure of a flow-graph step; node bodies never throw.
    std::mutex failure_mutex;
    std::atomic<bool> failed{false};
    std::size_t failed_module = 0;
    std::string failure_message;

    // Declared last, destroyed first: nodes, then the graph, then its context and arena.
    std::unique_ptr<oneapi::tbb::task_arena> arena;
    std::unique_ptr<oneapi::tbb::task_group_context> graph_context;
    std::unique_ptr<flow::graph> graph;
    std::unique_ptr<flow::broadcast_node<flow::continue_msg>> start;
    std::vector<std::unique_ptr<flow::continue_node<flow::continue_msg>>> nodes;
    // The flow graph's edges for ThreadSanitizer (brain/happens_before.hpp): the step's start to
    // every node body, every node body to the step's end.
    const char graph_started = 0;
    const char graph_finished = 0;

    void record_failure(std::size_t m, std::string message) {
        const std::lock_guard lock(failure_mutex);
        if (!failed.exchange(true)) {
            failed_module = m;
            failure_message = std::move(message);
        }
    }

    /// Throws when no step may start now.
    void check_can_step() const {
        if (broken) {
            throw spark::error("the brain is stopped by an earlier failure at step " +
                               std::to_string(step_index) + "; call reset() before stepping");
        }
        if (in_parts) {
            throw spark::error("step " + std::to_string(step_index) +
                               " is in parts: call step_rest() before another step");
        }
    }

    void begin_step() {
        for (auto& module : modules) {
            module->context[front].step_index = step_index;
        }
    }

    /// Runs `list` (module indices) in order on this thread, each module still splitting its
    /// own work over the workers (a step in parts, which ranks take; stops early after a
    /// failure). Not on the flow graph: its nodes run fixed groups of modules.
    void run_modules(const std::vector<std::size_t>& list) {
        for (const auto m : list) {
            if (!run_guarded(m)) {
                break;
            }
        }
    }

    /// After every module ran: throws the step's failure, or checks the numerics and makes this
    /// step's outputs the cache.
    void finish_step() {
        if (failed.load()) {
            broken = true;
            failed.store(false);
            const auto& module = *modules[failed_module];
            throw step_error(module.name, module.type_id, step_index, failure_message);
        }
        if (!scanned.empty()) {
            check_numerics(1 - front); // this step's outputs, before they become the cache
        }
        front = 1 - front;
        ++step_index;
    }

    /// Runs module m; never throws (a node body). Returns false after recording a failure.
    bool run_guarded(std::size_t m) noexcept {
        auto& module = *modules[m];
        try {
            module.run(front);
            if constexpr (output_guard_bytes > 0) {
                check_output_guards(m);
            }
            return true;
        } catch (const registry::plugin_error& e) {
            record_failure(m, without_prefix(e.what(), module.type_id, module.name));
        } catch (const std::exception& e) {
            record_failure(m, e.what());
        } catch (...) {
            record_failure(m, "unknown exception");
        }
        return false;
    }

    /// Throws naming the first output port of module m whose guard the last step changed.
    void check_output_guards(std::size_t m) const {
        const auto& written = modules[m]->cache[1 - front]; // what run(front) writes
        for (std::size_t o = 0; o < written.size(); ++o) {
            if (!guard_intact(written[o])) {
                throw spark::error("wrote past the end of its output port '" +
                                   std::string(plan.modules[m].outputs[o]->name) + "' (" +
                                   detail::spec_text(written[o].spec()) + ", " +
                                   std::to_string(written[o].bytes()) +
                                   " bytes): the guard after the buffer changed; the plugin's "
                                   "step writes more elements than the port's shape holds");
            }
        }
    }

    // Before build: modules may split their build's work (a dense kernel's draw) on its threads.
    void make_arena();
    void build(const registry::plugin_registry& registry);
    void allocate();
    void make_graph();
    /// After a step that wrote parity `written`: reports (or, in error mode, throws step_error
    /// for) the first output port newly holding NaN or an infinity.
    void check_numerics(unsigned written);
    // Flow-graph nodes per thread of the arena (make_graph groups modules into at most this
    // many nodes per thread).
    static constexpr std::size_t nodes_per_thread = 4;
    [[nodiscard]] std::size_t module_index(std::string_view name) const;
};

namespace {

std::string names_of(const std::vector<std::pair<std::string, spark_port_spec_t>>& entries) {
    std::vector<std::string> names;
    for (const auto& entry : entries) {
        names.push_back(entry.first);
    }
    return names.empty() ? "none" : detail::quoted_alternatives(names);
}

} // namespace

void brain::impl::build(const registry::plugin_registry& registry) {
    std::vector<config_issue> issues;
    plan = detail::analyse(registry, config, issues);
    // Before any module exists: a plugin's create may already size its state by the config.
    detail::check_limits(plan, options.limits, issues);
    if (!issues.empty()) {
        // The list validate() gives (docs/adr/0025-one-validation-pass.md): the modules that
        // can be created still are, once each, so that their create errors come in this list too.
        detail::check_instances(registry, plan, options.limits, issues);
        detail::order_issues(config, issues);
        throw config_error(std::move(issues));
    }
    // Every module is created even after one fails, for the same reason.
    std::vector<std::optional<bool>> has_contract(plan.modules.size());
    for (std::size_t m = 0; m < plan.modules.size(); ++m) {
        const auto& module = plan.modules[m];
        std::vector<registry::host_service> services{{SPARK_SERVICE_PARALLEL, workers.table()}};
        const auto& slice = module.specs->slice;
        try {
            modules.push_back(std::make_unique<module_runtime>(
                module.specs->name,
                slice ? registry.create_slice(module.config->type(),
                                              module.config->abi(),
                                              module.specs->name,
                                              slice->begin,
                                              slice->end,
                                              std::move(services))
                      : detail::create_module(
                            registry, *module.config, module.specs->name, std::move(services))));
            has_contract[m] = modules.back()->instance.has_contract();
        } catch (const spark::error& e) {
            issues.push_back({detail::module_path(module.specs->name), e.what()});
        }
    }
    if (!issues.empty()) {
        detail::check_cycles(plan, has_contract, issues);
        detail::order_issues(config, issues);
        throw config_error(std::move(issues));
    }
    const auto components = detail::components(plan);
    for (const auto& component : components) {
        if (!detail::is_cycle(plan, component)) {
            continue;
        }
        for (const auto m : component) {
            if (!modules[m]->instance.has_contract()) {
                throw graph_error(detail::contractless_cycle_message(plan, component, m));
            }
        }
    }
    const std::size_t n = modules.size();
    std::vector<bool> built(n, false);
    std::vector<std::vector<spark_port_spec_t>> promised(n);
    for (const auto& component : components) {
        std::vector<std::string> names;
        const bool cycle = detail::is_cycle(plan, component);
        for (const auto m : component) {
            names.push_back(modules[m]->name);
            if (cycle) {
                promised[m].resize(plan.modules[m].outputs.size());
                modules[m]->instance.contract(promised[m]);
            }
        }
        order.push_back(std::move(names));
        for (const auto m : component) {
            const auto& planned = plan.modules[m];
            auto& module = *modules[m];
            module.in_specs.assign(planned.inputs.size(), spark_port_spec_t{});
            for (std::size_t p = 0; p < planned.inputs.size(); ++p) {
                const auto& sources = planned.sources[p];
                if (sources.empty()) {
                    continue; // unwired optional input: payload kind 0, rank 0
                }
                std::uint64_t total = 0;
                std::optional<spark_port_spec_t> first;
                std::string first_name;
                for (const auto& source : sources) {
                    spark_port_spec_t spec{};
                    if (source.brain_input) {
                        spec = plan.inputs[source.index];
                    } else if (built[source.index]) {
                        spec = modules[source.index]->out_specs[source.port];
                    } else {
                        // Same component (dependencies are built first): its contract.
                        spec = promised[source.index][source.port];
                    }
                    const auto name = detail::source_name(plan, config, source);
                    if (!first) {
                        first = spec;
                        first_name = name;
                    } else if (spec.dtype != first->dtype) {
                        throw graph_error(
                            "input port '" + module.name + "." + planned.inputs[p]->name +
                            "' concatenates sources of different element types: " + first_name +
                            " is " + std::string(registry::dtype_name(first->dtype)) + ", " + name +
                            " is " + std::string(registry::dtype_name(spec.dtype)) +
                            "; give both modules the same dtype");
                    }
                    total += sdk::element_count(spec.shape);
                }
                if (total > 0xffffffffULL) {
                    throw graph_error("input port '" + module.name + "." + planned.inputs[p]->name +
                                      "' would hold " + std::to_string(total) +
                                      " elements, more than a dimension can hold (2^32 - 1)");
                }
                // af523a5 flattens and concatenates every input port, even with one source;
                // upstream 1.0 hands a single source on as it is.
                if (sources.size() == 1 && config.schema == brain_schema::upstream_1_0) {
                    module.in_specs[p] = *first;
                    continue;
                }
                spark_port_spec_t merged{};
                merged.payload_kind = first->payload_kind;
                merged.dtype = first->dtype;
                merged.shape.rank = 1;
                merged.shape.dims[0] = static_cast<std::uint32_t>(total);
                module.in_specs[p] = merged;
            }
            module.out_specs.assign(planned.outputs.size(), spark_port_spec_t{});
            module.instance.build(module.in_specs, module.out_specs);
            if (cycle) {
                for (std::size_t o = 0; o < module.out_specs.size(); ++o) {
                    if (!same_spec(module.out_specs[o], promised[m][o])) {
                        throw graph_error("module '" + module.name + "' (" + module.type_id +
                                          ") built output port '" + planned.outputs[o]->name +
                                          "' as " + detail::spec_text(module.out_specs[o]) +
                                          " but its contract promised " +
                                          detail::spec_text(promised[m][o]) +
                                          "; its peers in the cycle were built against the "
                                          "contract");
                    }
                }
            }
            built[m] = true;
        }
    }
    for (std::size_t i = 0; i < config.input_map.size(); ++i) {
        input_specs.emplace_back(config.input_map[i].first, plan.inputs[i]);
    }
    for (std::size_t o = 0; o < config.output_map.size(); ++o) {
        const auto& [name, output] = config.output_map[o];
        const auto& source = *plan.outputs[o];
        const auto& spec = modules[source.module]->out_specs[source.port];
        const auto& declared = output.spec.shape;
        const bool same = declared.size() == spec.shape.rank &&
                          std::equal(declared.begin(), declared.end(), spec.shape.dims);
        if (!declared.empty() && !same) {
            std::vector<std::string> dims;
            for (const auto d : declared) {
                dims.push_back(std::to_string(d));
            }
            throw graph_error("shape mismatch: brain output '" + name + "' is declared (" +
                              detail::join(dims, ", ") + ") but " + output.input.origin + "." +
                              output.input.port + " was built as " +
                              detail::shape_text(spec.shape));
        }
        // An any-payload output is known only now.
        const std::int32_t declared_kind = detail::payload_kind_of(output.spec.payload_type);
        if (declared_kind != 0 && declared_kind != spec.payload_kind) {
            throw graph_error("payload kind mismatch: brain output '" + name + "' is declared " +
                              std::string(registry::payload_kind_name(declared_kind)) + " but " +
                              output.input.origin + "." + output.input.port + " was built as " +
                              std::string(registry::payload_kind_name(spec.payload_kind)));
        }
        output_specs.emplace_back(name, spec);
    }
    for (std::size_t m = 0; m < n; ++m) {
        module_info info;
        info.name = modules[m]->name;
        info.type = &modules[m]->instance.type();
        info.seed = plan.modules[m].config->seed();
        info.parts = detail::parts_of(*plan.modules[m].config);
        for (std::size_t p = 0; p < plan.modules[m].inputs.size(); ++p) {
            info.inputs.emplace_back(plan.modules[m].inputs[p]->name, modules[m]->in_specs[p]);
        }
        for (std::size_t o = 0; o < plan.modules[m].outputs.size(); ++o) {
            info.outputs.emplace_back(plan.modules[m].outputs[o]->name, modules[m]->out_specs[o]);
        }
        infos.push_back(std::move(info));
    }
}

void brain::impl::allocate() {
    for (const auto& spec : plan.inputs) {
        inputs.emplace_back(spec);
    }
    for (auto& module : modules) {
        for (auto& side : module->cache) {
            for (const auto& spec : module->out_specs) {
                arm_guard(side.emplace_back(spec, output_guard_bytes));
            }
        }
    }
    // Every buffer exists now; the views below point at storage that never moves again.
    for (std::size_t m = 0; m < modules.size(); ++m) {
        auto& module = *modules[m];
        const auto& planned = plan.modules[m];
        module.gather.reserve(planned.inputs.size());
        for (unsigned f = 0; f < 2; ++f) {
            module.inputs[f].assign(planned.inputs.size(), spark_buffer_t{});
            module.outputs[f].clear();
            for (const auto& buffer : module.cache[1 - f]) {
                module.outputs[f].push_back(buffer.view());
            }
        }
        for (std::size_t p = 0; p < planned.inputs.size(); ++p) {
            const auto& sources = planned.sources[p];
            const auto source_buffer = [&](const detail::planned_source& s,
                                           unsigned f) -> const host_buffer& {
                return s.brain_input ? inputs[s.index] : modules[s.index]->cache[f][s.port];
            };
            if (sources.size() == 1) {
                // One source: flattening is only a new spec over the same row-major bytes.
                for (unsigned f = 0; f < 2; ++f) {
                    auto view = source_buffer(sources.front(), f).view();
                    view.spec = module.in_specs[p];
                    module.inputs[f][p] = view;
                }
            } else if (sources.size() > 1) {
                const auto& gathered = module.gather.emplace_back(module.in_specs[p]);
                for (unsigned f = 0; f < 2; ++f) {
                    std::size_t offset = 0;
                    for (const auto& source : sources) {
                        const auto& from = source_buffer(source, f);
                        module.copies[f].push_back(
                            {gathered.data() + offset, from.data(), from.bytes()});
                        offset += from.bytes();
                    }
                    module.inputs[f][p] = gathered.view();
                }
            }
        }
        if (options.numerics != numerics_check::off) {
            for (std::uint32_t o = 0; o < module.out_specs.size(); ++o) {
                const auto dtype = module.out_specs[o].dtype;
                if (dtype == SPARK_DTYPE_F32 || dtype == SPARK_DTYPE_F64) {
                    scanned.push_back({m, o, false});
                }
            }
        }
        for (unsigned f = 0; f < 2; ++f) {
            auto& context = module.context[f];
            context.dt = plan.dt;
            context.inputs = module.inputs[f].empty() ? nullptr : module.inputs[f].data();
            context.input_count = static_cast<std::uint32_t>(module.inputs[f].size());
            context.outputs = module.outputs[f].empty() ? nullptr : module.outputs[f].data();
            context.output_count = static_cast<std::uint32_t>(module.outputs[f].size());
        }
    }
}

void brain::impl::check_numerics(unsigned written) {
    for (auto& scan : scanned) {
        if (scan.reported) {
            continue;
        }
        const auto& module = *modules[scan.module];
        const auto& buffer = module.cache[written][scan.port];
        const bool f64 = buffer.spec().dtype == SPARK_DTYPE_F64;
        const std::uint64_t at =
            f64 ? first_non_finite<std::uint64_t>(
                      buffer.data(), buffer.count(), 0x7FF0000000000000ULL)
                : first_non_finite<std::uint32_t>(buffer.data(), buffer.count(), 0x7F800000U);
        if (at == buffer.count()) {
            continue;
        }
        double value = 0;
        if (f64) {
            std::memcpy(&value, buffer.data() + at * sizeof(double), sizeof(double));
        } else {
            float single = 0;
            std::memcpy(&single, buffer.data() + at * sizeof(float), sizeof(float));
            value = static_cast<double>(single);
        }
        const std::string port = plan.modules[scan.module].outputs[scan.port]->name;
        const std::string what = "output port '" + port + "' holds " +
                                 detail::format_number(value) + " (element " + std::to_string(at) +
                                 " of " + std::to_string(buffer.count()) + ")";
        if (options.numerics == numerics_check::error) {
            broken = true;
            throw step_error(module.name,
                             module.type_id,
                             step_index,
                             what + "; its state is no longer finite (the run stops here: "
                                    "--strict-numerics, numerics_check::error)");
        }
        scan.reported = true;
        reports.push_back({module.name, module.type_id, port, step_index, at, value});
        detail::logger().warn("module '{}' ({}) {} after step {}; reported once per port",
                              module.name,
                              module.type_id,
                              what,
                              step_index);
    }
}

void brain::impl::make_arena() {
    if (options.executor == executor_kind::sequential) {
        return; // one thread in all: no arena, and modules split no work
    }
    arena = options.threads == 0
                ? std::make_unique<oneapi::tbb::task_arena>()
                : std::make_unique<oneapi::tbb::task_arena>(static_cast<int>(options.threads));
    workers.use(arena.get());
}

void brain::impl::make_graph() {
    if (!arena) {
        return;
    }
    graph_context = std::make_unique<oneapi::tbb::task_group_context>();
    // A graph runs its tasks in the arena it was created in.
    arena->execute([this] {
        graph = std::make_unique<flow::graph>(*graph_context);
        start = std::make_unique<flow::broadcast_node<flow::continue_msg>>(*graph);
        // Within a step the modules are independent (all read front_, each writes its own
        // buffers), so every node hangs off the start node and they run in any order. A node
        // runs a group of consecutive modules: a node costs the graph ~0.4 us per step on two
        // threads, more than a small module's own step, and a few nodes per thread are enough
        // to keep every thread busy. Brains of at most nodes_per_thread x threads modules keep
        // one node per module.
        const std::size_t threads = static_cast<std::size_t>(arena->max_concurrency());
        const std::size_t groups = std::min(modules.size(), nodes_per_thread * threads);
        for (std::size_t g = 0; g < groups; ++g) {
            const std::size_t first = modules.size() * g / groups;
            const std::size_t last = modules.size() * (g + 1) / groups;
            nodes.push_back(std::make_unique<flow::continue_node<flow::continue_msg>>(
                *graph, [this, first, last](const flow::continue_msg&) {
                    detail::happens_after(&graph_started);
                    for (std::size_t m = first; m < last; ++m) {
                        if (failed.load(std::memory_order_relaxed) || !run_guarded(m)) {
                            graph->cancel();
                            break;
                        }
                    }
                    detail::happens_before(&graph_finished);
                    return flow::continue_msg();
                }));
            flow::make_edge(*start, *nodes.back());
        }
    });
}

std::size_t brain::impl::module_index(std::string_view name) const {
    for (std::size_t m = 0; m < modules.size(); ++m) {
        if (modules[m]->name == name) {
            return m;
        }
    }
    std::vector<std::string> names;
    for (const auto& module : modules) {
        names.push_back(module->name);
    }
    throw spark::error("the brain has no module '" + std::string(name) + "'; its modules are " +
                       detail::quoted_alternatives(names));
}

brain::brain(const registry::plugin_registry& registry,
             const brain_config& config,
             brain_options options)
    : impl_(std::make_unique<impl>()) {
    impl_->options = options;
    impl_->config = config;
    impl_->make_arena();
    impl_->build(registry);
    impl_->allocate();
    impl_->make_graph();
    auto& log = detail::logger();
    if (log.should_log(spdlog::level::debug)) {
        std::vector<std::string> parts;
        for (const auto& component : impl_->order) {
            // Appended piece by piece: "{" + ... + "}" trips GCC 12's false -Wrestrict at -O3.
            std::string part = "{";
            part += detail::join(component, ", ");
            part += '}';
            parts.push_back(std::move(part));
        }
        log.debug("brain of {} modules, initialization order {}",
                  impl_->modules.size(),
                  detail::join(parts, ", "));
    }
    reset();
}

brain::brain(brain&&) noexcept = default;
brain& brain::operator=(brain&&) noexcept = default;
brain::~brain() = default;

std::vector<std::vector<std::string>>
brain::resolve_initialization_order(const registry::plugin_registry& registry,
                                    const brain_config& config) {
    std::vector<config_issue> issues;
    const auto plan = detail::analyse(registry, config, issues);
    if (!issues.empty()) {
        // The list validate() gives, create errors included (docs/adr/0025-one-validation-pass.md).
        detail::check_instances(registry, plan, brain_limits{}, issues);
        detail::order_issues(config, issues);
        throw config_error(std::move(issues));
    }
    std::vector<std::vector<std::string>> order;
    for (const auto& component : detail::components(plan)) {
        std::vector<std::string> names;
        for (const auto m : component) {
            const auto& module = plan.modules[m];
            if (detail::is_cycle(plan, component)) {
                const auto instance =
                    detail::create_module(registry, *module.config, module.specs->name);
                if (!instance.has_contract()) {
                    throw graph_error(detail::contractless_cycle_message(plan, component, m));
                }
            }
            names.push_back(module.specs->name);
        }
        order.push_back(std::move(names));
    }
    return order;
}

const std::vector<std::vector<std::string>>& brain::initialization_order() const noexcept {
    return impl_->order;
}

spark_buffer_t brain::input(std::string_view name) {
    for (std::size_t i = 0; i < impl_->input_specs.size(); ++i) {
        if (impl_->input_specs[i].first == name) {
            return impl_->inputs[i].view();
        }
    }
    throw spark::error("the brain has no input '" + std::string(name) + "'; its inputs are " +
                       names_of(impl_->input_specs));
}

void brain::step() {
    auto& self = *impl_;
    self.check_can_step();
    self.begin_step();
    using way = detail::executor_choice::way;
    const bool automatic = self.options.executor == executor_kind::automatic;
    const bool measuring = automatic && !self.choice.decided();
    const auto started =
        measuring ? std::chrono::steady_clock::now() : std::chrono::steady_clock::time_point{};
    const way next = automatic ? self.choice.next() : way::graph;
    const bool in_order =
        self.options.executor == executor_kind::sequential || (automatic && next != way::graph);
    // The automatic executor's one_thread way: the modules' chunks run on this thread too, as
    // with the sequential executor.
    const bool one_thread = automatic && next == way::one_thread;
    if (in_order) {
        if (one_thread) {
            self.workers.use(nullptr);
        }
        for (std::size_t m = 0; m < self.modules.size(); ++m) {
            if (!self.run_guarded(m)) {
                break;
            }
        }
        if (one_thread) {
            self.workers.use(self.arena.get());
        }
    } else {
        detail::happens_before(&self.graph_started);
        self.arena->execute([&self] {
            self.start->try_put(flow::continue_msg());
            self.graph->wait_for_all();
        });
        detail::happens_after(&self.graph_finished);
    }
    if (measuring) {
        self.choice.ran(
            std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
    } else if (automatic) {
        self.choice.ran(0.0); // counts the steps until the choice is measured again
    }
    self.finish_step();
}

void brain::step_first(std::span<const std::size_t> first) {
    auto& self = *impl_;
    self.check_can_step();
    self.stepped_first.assign(self.modules.size(), false);
    for (const auto m : first) {
        if (m >= self.modules.size() || self.stepped_first[m]) {
            throw spark::error(
                "step_first() got module index " + std::to_string(m) +
                (m >= self.modules.size()
                     ? " of a brain with " + std::to_string(self.modules.size()) + " modules"
                     : " twice"));
        }
        self.stepped_first[m] = true;
    }
    self.begin_step();
    self.run_modules({first.begin(), first.end()});
    if (self.failed.load()) {
        self.finish_step(); // throws
    }
    self.in_parts = true;
}

void brain::step_rest() {
    auto& self = *impl_;
    if (!self.in_parts) {
        throw spark::error("step_rest() needs a step_first() before it");
    }
    std::vector<std::size_t> rest;
    for (std::size_t m = 0; m < self.modules.size(); ++m) {
        if (!self.stepped_first[m]) {
            rest.push_back(m);
        }
    }
    self.in_parts = false;
    self.run_modules(rest);
    self.finish_step();
}

port_view brain::stepped(std::string_view module, std::string_view port) const {
    const auto& self = *impl_;
    const std::size_t m = self.module_index(module);
    if (!self.in_parts || !self.stepped_first[m]) {
        throw spark::error("module '" + std::string(module) +
                           "' has no output of a step in parts: stepped() reads a module that "
                           "step_first() stepped, before step_rest()");
    }
    const auto view = cached(module, port); // finds the port, or names the ones there are
    const auto& outputs = self.plan.modules[m].outputs;
    const auto o = static_cast<std::size_t>(
        std::find_if(
            outputs.begin(), outputs.end(), [&](const auto* desc) { return port == desc->name; }) -
        outputs.begin());
    const auto& buffer = self.modules[m]->cache[1 - self.front][o];
    return {buffer.data(), view.count, buffer.spec()};
}

void brain::reset() {
    auto& self = *impl_;
    self.in_parts = false;
    self.broken = true; // until every module has reset
    if (self.graph) {
        // A cancelled run can leave nodes half-counted; reset() runs rarely, so always clean.
        self.arena->execute([&self] { self.graph->reset(); });
    }
    self.failed.store(false);
    self.reports.clear();
    for (auto& scan : self.scanned) {
        scan.reported = false;
    }
    for (auto& input : self.inputs) {
        std::memset(input.data(), 0, input.bytes());
    }
    self.front = 0;
    self.step_index = 0;
    for (auto& module : self.modules) {
        // Step 0 reads front 0: the reset outputs ("step -1") go there.
        std::vector<spark_buffer_t> views;
        for (auto& buffer : module->cache[0]) {
            std::memset(buffer.data(), 0, buffer.bytes());
            views.push_back(buffer.view());
        }
        for (const auto& side : module->cache) {
            for (const auto& buffer : side) {
                arm_guard(buffer); // a step that failed on an overrun left one changed
            }
        }
        module->instance.reset(views);
    }
    self.broken = false;
}

std::string brain::executor_in_use() const {
    switch (impl_->options.executor) {
    case executor_kind::sequential:
        return "sequential";
    case executor_kind::flow_graph:
        return "flow_graph";
    case executor_kind::automatic:
        break;
    }
    if (!impl_->choice.chose()) {
        return "automatic (measuring)";
    }
    switch (impl_->choice.chosen()) {
    case detail::executor_choice::way::one_thread:
        return "automatic: one thread";
    case detail::executor_choice::way::in_order:
        return "automatic: in order";
    case detail::executor_choice::way::graph:
        break;
    }
    return "automatic: flow_graph";
}

std::uint64_t brain::step_index() const noexcept {
    return impl_->step_index;
}

double brain::dt() const noexcept {
    return impl_->plan.dt;
}

port_view brain::output(std::string_view name) const {
    const auto& self = *impl_;
    for (std::size_t o = 0; o < self.output_specs.size(); ++o) {
        if (self.output_specs[o].first == name) {
            const auto& source = *self.plan.outputs[o];
            const auto& buffer = self.modules[source.module]->cache[self.front][source.port];
            return {buffer.data(), buffer.count(), buffer.spec()};
        }
    }
    throw spark::error("the brain has no output '" + std::string(name) + "'; its outputs are " +
                       names_of(self.output_specs));
}

port_view brain::cached(std::string_view module, std::string_view port) const {
    const auto& self = *impl_;
    const std::size_t m = self.module_index(module);
    const auto& outputs = self.plan.modules[m].outputs;
    for (std::size_t o = 0; o < outputs.size(); ++o) {
        if (port == outputs[o]->name) {
            const auto& buffer = self.modules[m]->cache[self.front][o];
            return {buffer.data(), buffer.count(), buffer.spec()};
        }
    }
    std::vector<std::string> names;
    for (const auto* desc : outputs) {
        names.emplace_back(desc->name);
    }
    throw spark::error("module '" + std::string(module) + "' has no output port '" +
                       std::string(port) + "'; its output ports are " +
                       (names.empty() ? std::string("none") : detail::quoted_alternatives(names)));
}

std::vector<std::pair<std::string, port_view>> brain::get_spikes_from_cache() const {
    const auto& self = *impl_;
    std::vector<std::pair<std::string, port_view>> spikes;
    for (std::size_t m = 0; m < self.modules.size(); ++m) {
        const auto& outputs = self.plan.modules[m].outputs;
        std::optional<std::size_t> chosen;
        for (const std::string_view wanted : {"spikes", "out_spikes"}) {
            for (std::size_t o = 0; o < outputs.size() && !chosen; ++o) {
                if (wanted == outputs[o]->name) {
                    chosen = o;
                }
            }
        }
        if (chosen) {
            const auto& buffer = self.modules[m]->cache[self.front][*chosen];
            spikes.emplace_back(self.modules[m]->name,
                                port_view{buffer.data(), buffer.count(), buffer.spec()});
        }
    }
    return spikes;
}

const std::vector<numerics_report>& brain::numerics_reports() const noexcept {
    return impl_->reports;
}

const std::vector<module_info>& brain::modules() const noexcept {
    return impl_->infos;
}

std::vector<std::string> brain::modules_in_step() const {
    std::vector<std::string> names;
    for (const auto& module : impl_->modules) {
        if (module->stepping.load(std::memory_order_relaxed)) {
            names.push_back(module->name);
        }
    }
    return names;
}

const std::vector<std::pair<std::string, spark_port_spec_t>>& brain::input_specs() const noexcept {
    return impl_->input_specs;
}

const std::vector<std::pair<std::string, spark_port_spec_t>>& brain::output_specs() const noexcept {
    return impl_->output_specs;
}

namespace {

// The index of `property` among the properties module `m`'s type declares; throws naming the
// module, its type and every property it has.
std::uint32_t property_index(const module_runtime& m, std::string_view property) {
    const auto declared = registry::declared_properties(m.instance.type());
    std::vector<std::string> names;
    for (std::uint32_t i = 0; i < declared.size(); ++i) {
        if (property == declared[i].name) {
            return i;
        }
        names.emplace_back(declared[i].name);
    }
    throw spark::error("module '" + m.name + "' (" + m.type_id + ") has no property '" +
                       std::string(property) + "'; " +
                       (names.empty()
                            ? std::string("its type declares no properties")
                            : "its properties are " + detail::quoted_alternatives(names)));
}

} // namespace

spark_port_spec_t brain::property_spec(std::string_view module, std::string_view property) const {
    auto& m = *impl_->modules[impl_->module_index(module)];
    return m.instance.property_spec(property_index(m, property));
}

std::vector<std::byte> brain::read_property(std::string_view module,
                                            std::string_view property) const {
    auto& m = *impl_->modules[impl_->module_index(module)];
    const auto index = property_index(m, property);
    const auto spec = m.instance.property_spec(index);
    if (spec.payload_kind == 0) {
        m.instance.read_property(index, spark_buffer_t{}); // refused: throws the module's reason
        throw spark::error("module '" + m.name + "' (" + m.type_id + ") gives property '" +
                           std::string(property) + "' no spec, but reads it");
    }
    const host_buffer value(spec); // aligned as the ABI promises
    m.instance.read_property(index, value.view());
    return {value.data(), value.data() + value.bytes()};
}

namespace {

/// The index of input port `port` among module `m`'s input ports; throws naming them.
std::uint32_t input_index(const detail::planned_module& m, std::string_view port) {
    for (std::size_t p = 0; p < m.inputs.size(); ++p) {
        if (port == m.inputs[p]->name) {
            return static_cast<std::uint32_t>(p);
        }
    }
    std::vector<std::string> names;
    for (const auto* desc : m.inputs) {
        names.emplace_back(desc->name);
    }
    throw spark::error("module '" + m.specs->name + "' has no input port '" + std::string(port) +
                       "'; its input ports are " +
                       (names.empty() ? std::string("none") : detail::quoted_alternatives(names)));
}

} // namespace

std::uint32_t brain::input_lateness(std::string_view module,
                                    std::string_view port,
                                    std::uint64_t offset,
                                    std::uint64_t count) const {
    const std::size_t m = impl_->module_index(module);
    return impl_->modules[m]->instance.lateness(
        input_index(impl_->plan.modules[m], port), offset, count);
}

void brain::write_late_input(std::string_view module,
                             std::string_view port,
                             std::uint64_t step,
                             std::uint64_t offset,
                             std::uint64_t count,
                             const void* values) {
    const std::size_t m = impl_->module_index(module);
    impl_->modules[m]->instance.write_late(
        input_index(impl_->plan.modules[m], port), step, offset, count, values);
}

bool brain::property_rows(std::string_view module, std::string_view property) const {
    auto& m = *impl_->modules[impl_->module_index(module)];
    return m.instance.property_rows(property_index(m, property));
}

// What checkpoints read and restore (runtime/src/brain/checkpoint_access.hpp).
const brain_config& brain::config() const noexcept {
    return impl_->config;
}

namespace detail {

registry::module_instance& checkpoint_access::instance(const brain& b, std::size_t m) {
    return b.impl_->modules.at(m)->instance;
}

std::vector<spark_buffer_t> checkpoint_access::cached_outputs(const brain& b, std::size_t m) {
    std::vector<spark_buffer_t> views;
    for (const auto& buffer : b.impl_->modules.at(m)->cache[b.impl_->front]) {
        views.push_back(buffer.view());
    }
    return views;
}

std::vector<spark_buffer_t> checkpoint_access::inputs(const brain& b) {
    std::vector<spark_buffer_t> views;
    for (const auto& buffer : b.impl_->inputs) {
        views.push_back(buffer.view());
    }
    return views;
}

bool checkpoint_access::stopped(const brain& b) {
    return b.impl_->broken;
}

void checkpoint_access::resume_at(brain& b, std::uint64_t step_index) {
    // Which buffer of each pair is the cache is no state: a step writes every element of the
    // other one (spark_step_context_t), so only the front's contents matter.
    b.impl_->step_index = step_index;
}

} // namespace detail

} // namespace spark::runtime
