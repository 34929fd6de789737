// SPDX-License-Identifier: Apache-2.0
// brain.run(steps, inputs, record): steps without the GIL, feeding each input a constant, a row
// per step of a (rows, ...) array (the last row holds, as `spark run --input FILE` does) or what a
// Python callable returns for the step, and records ports, outputs and properties as `spark run
// --record` does, into arrays of shape (steps, *port shape). Every 20 ms of wall time it takes the
// GIL to let Python handle signals (Ctrl-C stops the run after the step in progress, and the brain
// stays usable) and to report progress.
#include <chrono>
#include <cstring>
#include <string>
#include <vector>

#include "arrays.hpp"
#include "brain_handle.hpp"

#include <pybind11/stl.h>

namespace spark::python {
namespace {

/// How often a run takes the GIL back: Ctrl-C is seen within this much wall time after the step
/// in progress.
constexpr auto signal_interval = std::chrono::milliseconds(20);

struct fed_input {
    spark_buffer_t buffer{};
    py::array values; // one row, or rows
    std::uint64_t rows = 0;
    std::size_t row_bytes = 0;
    py::object callable;
    std::string what;
};

struct recorded {
    std::string label;
    std::string module; // empty for a brain output
    std::string port;
    bool property = false;
    spark_port_spec_t spec{};
    py::array rows;
    std::byte* data = nullptr;
    std::size_t row_bytes = 0;
};

std::vector<fed_input> inputs_of(runtime::brain& brain, const py::dict& inputs) {
    std::vector<fed_input> fed;
    for (const auto& [key, value] : inputs) {
        const auto name = py::str(key).cast<std::string>();
        const auto& spec = input_spec(brain, name);
        fed_input input;
        input.buffer = brain.input(name);
        input.what = "input '" + name + "'";
        if (PyCallable_Check(value.ptr()) != 0) {
            input.callable = py::reinterpret_borrow<py::object>(value);
        } else {
            input.values = port_array(input.what, spec, value, true);
            input.rows = input.values.ndim() > static_cast<py::ssize_t>(spec.shape.rank)
                             ? static_cast<std::uint64_t>(input.values.shape(0))
                             : 0;
            input.row_bytes = port_bytes(spec);
        }
        fed.push_back(std::move(input));
    }
    return fed;
}

recorded output_record(const std::string& label,
                       const std::string& module,
                       const std::string& port,
                       const spark_port_spec_t& spec,
                       bool property) {
    return {label, module, port, property, spec, {}, nullptr, port_bytes(spec)};
}

/// What `spark run --record SPEC` records: MODULE.PORT, MODULE (each of its outputs),
/// MODULE.PROPERTY or a brain output's name.
std::vector<recorded> records_of(const runtime::brain& brain,
                                 const std::vector<std::string>& wanted) {
    std::vector<recorded> records;
    for (const auto& spec : wanted) {
        const auto dot = spec.find('.');
        const std::string module_name = spec.substr(0, dot);
        const auto& modules = brain.modules();
        const auto module = std::find_if(
            modules.begin(), modules.end(), [&](const auto& m) { return m.name == module_name; });
        if (module != modules.end()) {
            const std::string port = dot == std::string::npos ? "" : spec.substr(dot + 1);
            bool found = false;
            for (const auto& [name, port_spec] : module->outputs) {
                if (port.empty() || port == name) {
                    records.push_back(output_record(
                        module->name + "." + name, module->name, name, port_spec, false));
                    found = true;
                }
            }
            if (!found) {
                const auto property = brain.property_spec(module->name, port);
                if (property.payload_kind == 0) {
                    (void)brain.read_property(module->name, port); // throws, saying why
                }
                records.push_back(output_record(spec, module->name, port, property, true));
            }
            continue;
        }
        const auto& outputs = brain.output_specs();
        const auto output = std::find_if(
            outputs.begin(), outputs.end(), [&](const auto& o) { return o.first == spec; });
        if (output == outputs.end()) {
            std::string names;
            for (const auto& m : modules) {
                names += (names.empty() ? "'" : ", '") + m.name + "'";
            }
            for (const auto& o : outputs) {
                names += (names.empty() ? "'" : ", '") + o.first + "'";
            }
            throw py::key_error("record '" + spec +
                                "': the brain has no module or output of that name; its modules "
                                "and outputs are " +
                                names);
        }
        records.push_back(output_record(spec, "", spec, output->second, false));
    }
    return records;
}

void record_step(const runtime::brain& brain, recorded& r, std::uint64_t step) {
    auto* row = r.data + step * r.row_bytes;
    if (r.property) {
        const auto bytes = brain.read_property(r.module, r.port);
        std::memcpy(row, bytes.data(), std::min(bytes.size(), r.row_bytes));
        return;
    }
    const auto view = r.module.empty() ? brain.output(r.port) : brain.cached(r.module, r.port);
    write_row(view.data, r.spec, row);
}

py::dict results_of(std::vector<recorded>& records, std::uint64_t completed) {
    py::dict out;
    for (auto& r : records) {
        out[py::str(r.label)] = r.rows[py::slice(0, static_cast<py::ssize_t>(completed), 1)];
    }
    return out;
}

} // namespace

py::dict run_steps(brain_handle& handle,
                   std::uint64_t steps,
                   const py::dict& inputs,
                   const std::vector<std::string>& record,
                   const py::object& progress) {
    const exclusive_use in_use(handle);
    auto& brain = handle.brain;
    auto fed = inputs_of(brain, inputs);
    auto records = records_of(brain, record);
    for (auto& r : records) {
        auto shape = numpy_shape(r.spec);
        shape.insert(shape.begin(), static_cast<py::ssize_t>(steps));
        r.rows = py::array(numpy_dtype(r.spec.dtype), shape);
        r.data = static_cast<std::byte*>(r.rows.mutable_data());
    }
    for (const auto& input : fed) {
        if (!input.callable && input.rows == 0) {
            copy_into(input.buffer, input.values.data()); // a constant: it stays in the buffer
        }
    }
    std::uint64_t completed = 0;
    auto last_check = std::chrono::steady_clock::now();
    // Called with the GIL held: Python's signal handlers run (KeyboardInterrupt is raised here,
    // with what was recorded so far attached), then the progress callback.
    const auto check = [&] {
        if (PyErr_CheckSignals() != 0) {
            py::error_already_set interrupted;
            if (interrupted.matches(PyExc_KeyboardInterrupt)) {
                interrupted.value().attr("recorded") = results_of(records, completed);
            }
            throw interrupted;
        }
        if (!progress.is_none()) {
            progress(completed);
        }
    };
    {
        py::gil_scoped_release unlocked;
        for (std::uint64_t t = 0; t < steps; ++t) {
            bool has_callables = false;
            for (const auto& input : fed) {
                if (input.rows > 0) {
                    const auto row = std::min(t, input.rows - 1);
                    copy_into(input.buffer,
                              static_cast<const std::byte*>(input.values.data()) +
                                  row * input.row_bytes);
                }
                has_callables = has_callables || static_cast<bool>(input.callable);
            }
            if (has_callables) {
                const py::gil_scoped_acquire locked;
                for (const auto& input : fed) {
                    if (input.callable) {
                        const auto value = port_array(input.what + " (its callable at step " +
                                                          std::to_string(t) + ")",
                                                      input.buffer.spec,
                                                      input.callable(t));
                        copy_into(input.buffer, value.data());
                    }
                }
            }
            brain.step();
            for (auto& r : records) {
                record_step(brain, r, t);
            }
            completed = t + 1;
            const auto now = std::chrono::steady_clock::now();
            if (now - last_check >= signal_interval) {
                last_check = now;
                const py::gil_scoped_acquire locked;
                check();
            }
        }
    }
    if (!progress.is_none()) {
        progress(completed);
    }
    return results_of(records, completed);
}

} // namespace spark::python
