// SPDX-License-Identifier: Apache-2.0
#include "tools/check_runs.hpp"

#include <algorithm>
#include <cstring>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include <spark/registry/errors.hpp>
#include <spark/sdk/buffers.hpp>

#include "text.hpp"
#include "tools/check_request.hpp"
#include "tools/output_compare.hpp"

namespace spark::runtime::detail {

namespace {

constexpr float_tolerance exact{0.0, 0.0};

/// The indices of the wired spike inputs of `specs`.
std::vector<std::size_t> spike_inputs(const std::vector<spark_port_spec_t>& specs) {
    std::vector<std::size_t> found;
    for (std::size_t i = 0; i < specs.size(); ++i) {
        if (specs[i].payload_kind == SPARK_PAYLOAD_SPIKES && specs[i].dtype == SPARK_DTYPE_U8) {
            found.push_back(i);
        }
    }
    return found;
}

void copy_inputs(const step_io& from, step_io& to) {
    for (std::size_t i = 0; i < from.inputs.size(); ++i) {
        std::memcpy(to.inputs[i].data(), from.inputs[i].data(), from.inputs[i].bytes());
    }
}

std::string names_of(const std::vector<const spark_port_desc_t*>& ports,
                     const std::vector<std::size_t>& indices) {
    std::vector<std::string> names;
    for (const auto i : indices) {
        names.emplace_back(ports[i]->name);
    }
    return join(names, ", ");
}

/// "[i]: got A, expected B" as "[i]: got A in float32, expected B in float64".
std::string in_dtypes(std::string difference) {
    difference.insert(difference.find(", expected "), " in float32");
    return difference + " in float64";
}

stage_result failed(std::string message) {
    return {check_outcome::failed, std::move(message)};
}

} // namespace

stage_result check_inhibition_bit(registry::plugin_registry& registry,
                                  const registry::module_type_info& type,
                                  const module_setup& setup,
                                  const check_options& options) {
    const auto inputs = ports_of(*type.abi, SPARK_PORT_INPUT);
    const auto outputs = ports_of(*type.abi, SPARK_PORT_OUTPUT);
    const auto spikes = spike_inputs(setup.input_specs);
    if (spikes.empty()) {
        return {check_outcome::skipped, "the type has no spike input"};
    }
    const std::uint32_t steps = std::max<std::uint32_t>(options.random_steps, 1);
    const double dt = setup.config.dt();
    step_io plain(setup.input_specs, setup.output_specs);
    step_io again(setup.input_specs, setup.output_specs);
    step_io marked(setup.input_specs, setup.output_specs);
    problems found;
    try {
        auto first = fresh_instance(registry, type, setup, plain);
        auto second = fresh_instance(registry, type, setup, again);
        auto third = fresh_instance(registry, type, setup, marked);
        std::mt19937_64 random(options.seed);
        std::vector<bool> reported(outputs.size(), false);
        for (std::uint32_t k = 0; k < steps; ++k) {
            fill_random(plain.inputs, random);
            // The odd elements of each spike input are inhibitory neurons for the whole run: a
            // spike of theirs is 3, of the others 1; silent they are 0 here (2 in `marked`).
            for (const auto i : spikes) {
                auto& buffer = plain.inputs[i];
                for (std::uint64_t e = 0; e < buffer.count(); ++e) {
                    const bool spike = (std::to_integer<unsigned>(buffer.data()[e]) & 1U) != 0;
                    buffer.data()[e] = static_cast<std::byte>(spike ? (e % 2 == 1 ? 3U : 1U) : 0U);
                }
            }
            copy_inputs(plain, again);
            copy_inputs(plain, marked);
            for (const auto i : spikes) {
                auto& buffer = marked.inputs[i];
                for (std::uint64_t e = 1; e < buffer.count(); e += 2) {
                    buffer.data()[e] |= std::byte{2}; // a silent inhibitory neuron: bit1 alone
                }
            }
            first.step(plain.context(k, dt));
            second.step(again.context(k, dt));
            third.step(marked.context(k, dt));
            if (plain.snapshot() != again.snapshot()) {
                return {check_outcome::skipped,
                        "two instances with the same config and inputs gave different outputs at "
                        "step " +
                            std::to_string(k) + ", so bit1 cannot be told apart from chance"};
            }
            for (std::size_t p = 0; p < outputs.size(); ++p) {
                const auto& spec = setup.output_specs[p];
                const comparison how{exact, spec.payload_kind == SPARK_PAYLOAD_SPIKES};
                const auto difference = first_difference(marked.outputs[p].data(),
                                                         spec.dtype,
                                                         plain.outputs[p].data(),
                                                         spec.dtype,
                                                         spec.shape,
                                                         how);
                if (difference && !reported[p]) {
                    reported[p] = true;
                    // "[i]: got A, expected B": A with the 2s, B as the 0s gave it.
                    std::string text = *difference;
                    text.insert(text.find(", expected "),
                                " with 2 on the silent odd elements of " +
                                    names_of(inputs, spikes));
                    found.add("step " + std::to_string(k) + ", " + outputs[p]->name + text +
                              " as with 0 there (2 is bit1 alone: a silent inhibitory neuron, "
                              "not a spike)" +
                              (how.spike_bit0_only ? "; spike outputs compared in bit0" : ""));
                }
            }
        }
    } catch (const std::exception& e) {
        return failed(e.what());
    }
    if (!found.empty()) {
        return failed(found.text());
    }
    return {check_outcome::passed,
            std::to_string(steps) + " steps: 2 instead of 0 on the silent odd elements of " +
                names_of(inputs, spikes) + " changed no output (spike outputs compared in bit0)"};
}

stage_result compare_dtypes(registry::plugin_registry& registry,
                            const registry::module_type_info& type,
                            const module_setup& single,
                            const module_setup& twice,
                            const check_options& options) {
    const auto outputs = ports_of(*type.abi, SPARK_PORT_OUTPUT);
    const auto tolerance = dtype_agreement_tolerance();
    const std::string rules =
        "floats: " + tolerance_text(tolerance) + "; spikes (bit0), masks and ints exactly";
    for (std::size_t p = 0; p < outputs.size(); ++p) {
        const auto& a = single.output_specs[p];
        const auto& b = twice.output_specs[p];
        if (a.payload_kind != b.payload_kind || !sdk::same_shape(a.shape, b.shape)) {
            return failed(std::string(outputs[p]->name) + ": built as " + spec_text(a) +
                          " in float32 but " + spec_text(b) + " in float64");
        }
    }
    const std::uint32_t steps = options.zero_steps + options.random_steps;
    step_io io32(single.input_specs, single.output_specs);
    step_io io64(twice.input_specs, twice.output_specs);
    problems found;
    try {
        auto a = fresh_instance(registry, type, single, io32);
        auto b = fresh_instance(registry, type, twice, io64);
        std::mt19937_64 random32(options.seed);
        std::mt19937_64 random64(options.seed);
        std::vector<bool> reported(outputs.size(), false);
        for (std::uint32_t k = 0; k < steps; ++k) {
            if (k >= options.zero_steps) {
                fill_random(io32.inputs, random32);
                fill_random(io64.inputs, random64);
            }
            a.step(io32.context(k, single.config.dt()));
            b.step(io64.context(k, twice.config.dt()));
            // Spikes first: once a neuron crosses its threshold in one dtype and not in the
            // other, every later value of it may differ legitimately.
            for (std::size_t p = 0; p < outputs.size(); ++p) {
                const auto& spec = single.output_specs[p];
                if (spec.payload_kind != SPARK_PAYLOAD_SPIKES) {
                    continue;
                }
                const auto difference = first_difference(io32.outputs[p].data(),
                                                         spec.dtype,
                                                         io64.outputs[p].data(),
                                                         spec.dtype,
                                                         spec.shape,
                                                         comparison{exact, true});
                if (difference) {
                    const std::string note =
                        "at step " + std::to_string(k) + " " + outputs[p]->name +
                        in_dtypes(*difference) +
                        ": a threshold crossing within float32 "
                        "rounding diverges legitimately, so later steps are not compared";
                    if (!found.empty()) {
                        return failed(found.text() + "\n(" + rules + ")");
                    }
                    return {check_outcome::passed,
                            (k == 0 ? std::string("no step compared")
                                    : "steps 0.." + std::to_string(k - 1) + " agree") +
                                " (" + rules + "); " + note};
                }
            }
            for (std::size_t p = 0; p < outputs.size(); ++p) {
                const auto& spec = single.output_specs[p];
                if (spec.payload_kind == SPARK_PAYLOAD_SPIKES || reported[p]) {
                    continue;
                }
                const auto difference = first_difference(io32.outputs[p].data(),
                                                         spec.dtype,
                                                         io64.outputs[p].data(),
                                                         twice.output_specs[p].dtype,
                                                         spec.shape,
                                                         comparison{tolerance, false});
                if (difference) {
                    reported[p] = true;
                    found.add("step " + std::to_string(k) + ", " + outputs[p]->name +
                              in_dtypes(*difference));
                }
            }
        }
    } catch (const std::exception& e) {
        return failed(e.what());
    }
    if (!found.empty()) {
        return failed(found.text() + "\n(" + rules + ")");
    }
    return {check_outcome::passed, std::to_string(steps) + " steps agree (" + rules + ")"};
}

stage_result check_reference(registry::plugin_registry& registry,
                             const registry::module_type_info& type,
                             const module_setup& setup,
                             const check_options& options) {
    const auto& trace = *options.reference;
    const std::string file = trace.file.string();
    const auto inputs = ports_of(*type.abi, SPARK_PORT_INPUT);
    const auto outputs = ports_of(*type.abi, SPARK_PORT_OUTPUT);
    const auto tolerance = options.tolerance.value_or(reference_tolerance(setup.config.dtype()));
    const std::string rules =
        "floats: " + tolerance_text(tolerance) + "; spikes, masks and ints exactly";
    // Shapes: the inputs were built with the trace's shapes where the ports let them; the others
    // and the outputs follow the config.
    std::vector<const trace_field*> fed(inputs.size(), nullptr);
    std::vector<const trace_field*> expected(outputs.size(), nullptr);
    for (std::size_t i = 0; i < inputs.size(); ++i) {
        fed[i] = reference_field_named(trace, inputs[i]->name);
        if (fed[i] != nullptr && !sdk::same_shape(fed[i]->shape, setup.input_specs[i].shape)) {
            return failed(file + ": field '" + fed[i]->name + "' has shape " +
                          shape_text(fed[i]->shape) + " per step, but input '" + inputs[i]->name +
                          "' of " + type.canonical_id + " is " +
                          shape_text(setup.input_specs[i].shape) +
                          " with this config: write the field with that shape per step, or "
                          "choose the config that gives its shape (--set)");
        }
    }
    for (std::size_t p = 0; p < outputs.size(); ++p) {
        expected[p] = reference_field_named(trace, outputs[p]->name);
        if (!sdk::same_shape(expected[p]->shape, setup.output_specs[p].shape)) {
            return failed(file + ": field '" + expected[p]->name + "' has shape " +
                          shape_text(expected[p]->shape) + " per step, but output '" +
                          outputs[p]->name + "' of " + type.canonical_id + " is built as " +
                          shape_text(setup.output_specs[p].shape) +
                          " with these inputs and config: write the field with that shape per "
                          "step, or choose the config or input shapes that give its shape "
                          "(--set, --shape)");
        }
    }
    step_io io(setup.input_specs, setup.output_specs);
    // The first differing step of each output, in step order.
    std::multimap<std::uint64_t, std::string> differences;
    std::vector<bool> reported(outputs.size(), false);
    try {
        auto instance = fresh_instance(registry, type, setup, io);
        for (std::uint64_t k = 0; k < trace.steps; ++k) {
            for (std::size_t i = 0; i < inputs.size(); ++i) {
                if (fed[i] != nullptr) {
                    const std::size_t bytes = io.inputs[i].bytes();
                    std::memcpy(io.inputs[i].data(), fed[i]->data.data() + k * bytes, bytes);
                }
            }
            instance.step(io.context(k, setup.config.dt()));
            for (std::size_t p = 0; p < outputs.size(); ++p) {
                if (reported[p]) {
                    continue;
                }
                const auto& spec = setup.output_specs[p];
                const std::size_t bytes = static_cast<std::size_t>(sdk::element_count(spec.shape)) *
                                          spark_dtype_size(expected[p]->dtype);
                const auto difference = first_difference(io.outputs[p].data(),
                                                         spec.dtype,
                                                         expected[p]->data.data() + k * bytes,
                                                         expected[p]->dtype,
                                                         spec.shape,
                                                         comparison{tolerance, false});
                if (difference) {
                    reported[p] = true;
                    differences.emplace(
                        k, "step " + std::to_string(k) + ", " + outputs[p]->name + *difference);
                }
            }
        }
    } catch (const std::exception& e) {
        return failed(e.what());
    }
    if (!differences.empty()) {
        std::string message = file + " differs (" + rules + "):";
        for (const auto& [step, text] : differences) {
            message += "\n" + text;
        }
        return failed(message);
    }
    return {check_outcome::passed,
            std::to_string(trace.steps) + " steps match " + file + " (" + rules + ")"};
}

stage_result record_trace(registry::plugin_registry& registry,
                          const registry::module_type_info& type,
                          const module_setup& setup,
                          const check_options& options,
                          const std::string& dtype_note,
                          std::optional<reference_trace>& recorded) {
    const auto inputs = ports_of(*type.abi, SPARK_PORT_INPUT);
    const auto outputs = ports_of(*type.abi, SPARK_PORT_OUTPUT);
    const std::uint32_t steps = options.record_steps.value_or(0);
    step_io io(setup.input_specs, setup.output_specs);
    // One field per wired input, then one per output: the fields a reference needs, no more (an
    // unwired optional input stays out, so the reference leaves it unwired too).
    reference_trace trace;
    trace.steps = steps;
    std::vector<const host_buffer*> sources;
    const auto add = [&](const spark_port_desc_t& port, const host_buffer& buffer) {
        trace_field field;
        field.name = port.name;
        field.dtype = buffer.spec().dtype;
        field.shape = buffer.spec().shape;
        field.data.reserve(buffer.bytes() * steps);
        trace.fields.push_back(std::move(field));
        sources.push_back(&buffer);
    };
    for (std::size_t i = 0; i < inputs.size(); ++i) {
        if (setup.input_specs[i].payload_kind != 0) {
            add(*inputs[i], io.inputs[i]);
        }
    }
    for (std::size_t p = 0; p < outputs.size(); ++p) {
        add(*outputs[p], io.outputs[p]);
    }
    try {
        auto instance = fresh_instance(registry, type, setup, io);
        std::mt19937_64 random(options.seed);
        for (std::uint32_t k = 0; k < steps; ++k) {
            fill_random(io.inputs, random);
            instance.step(io.context(k, setup.config.dt()));
            for (std::size_t f = 0; f < trace.fields.size(); ++f) {
                const auto* data = sources[f]->data();
                trace.fields[f].data.insert(
                    trace.fields[f].data.end(), data, data + sources[f]->bytes());
            }
        }
    } catch (const std::exception& e) {
        return failed(e.what());
    }
    recorded = std::move(trace);
    return {check_outcome::passed,
            std::to_string(steps) + " steps of random inputs recorded in " +
                std::string(registry::dtype_name(setup.config.dtype())) + " (" + dtype_note + ")"};
}

} // namespace spark::runtime::detail
