// SPDX-License-Identifier: Apache-2.0
#include "recordings.hpp"

#include <algorithm>
#include <system_error>

#include <spark/registry/module_type_info.hpp>
#include <spark/sdk/buffers.hpp>

#include "file_names.hpp"
#include "text.hpp"

namespace spark::cli {
namespace {

using runtime::detail::quoted_alternatives;

/// Where the module's name ends in a --record spec: npos when the whole spec is a module's name,
/// else after the longest module name followed by '.' (a name may hold dots), else at the first
/// dot (no module matches; the caller's message splits there).
std::size_t module_name_end(const run_target& brain, const std::string& spec) {
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

/// "M.P" where M has no output port P: P as a property of M (copied out after every step), when
/// M's type declares it and M can serve it; else the error lists M's outputs and properties.
recording property_record(const run_target& brain,
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
    try {
        return {module.name + "." + property,
                module.name,
                property,
                brain.property_spec(module.name, property),
                nullptr,
                "",
                true};
    } catch (const spark::error& e) {
        throw spark::error("--record " + spec + ": " + e.what());
    }
}

} // namespace

std::vector<recording> resolve_records(const run_target& brain,
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

npy_type npy_type_of(const spark_port_spec_t& spec) {
    if (spec.payload_kind == SPARK_PAYLOAD_BOOL_MASK) {
        return npy_type::b1;
    }
    switch (spec.dtype) {
    case SPARK_DTYPE_U8:
        return npy_type::u8;
    case SPARK_DTYPE_I32:
        return npy_type::i32;
    case SPARK_DTYPE_F32:
        return npy_type::f32;
    default:
        return npy_type::f64;
    }
}

void open_recordings(std::vector<recording>& records,
                     const std::filesystem::path& out_dir,
                     std::uint64_t steps) {
    std::error_code error;
    std::filesystem::create_directories(out_dir, error);
    if (error) {
        throw write_error(out_dir, "cannot create the folder: " + error.message());
    }
    for (auto& r : records) {
        // Each row keeps the port's shape: (steps, 4, 128) for a (4, 128) port.
        r.writer = std::make_unique<npy_writer>(
            out_dir / r.file,
            npy_type_of(r.spec),
            steps,
            std::vector<std::uint64_t>(r.spec.shape.dims, r.spec.shape.dims + r.spec.shape.rank));
    }
}

std::vector<watched_value> watched_values(const std::vector<recording>& records) {
    std::vector<watched_value> values;
    for (const auto& r : records) {
        values.push_back({r.module, r.port, r.property});
    }
    return values;
}

void append_step(run_target& brain,
                 std::vector<recording>& records,
                 std::vector<std::uint8_t>& spike_row) {
    for (std::size_t k = 0; k < records.size(); ++k) {
        auto& r = records[k];
        const void* data = brain.watched(k);
        if (!r.property && r.spec.payload_kind == SPARK_PAYLOAD_SPIKES) {
            const auto count = sdk::element_count(r.spec.shape);
            const auto* bytes = static_cast<const std::uint8_t*>(data);
            spike_row.resize(std::max<std::size_t>(spike_row.size(), count));
            for (std::uint64_t i = 0; i < count; ++i) {
                spike_row[i] = bytes[i] & 1U;
            }
            r.writer->append(spike_row.data());
        } else {
            r.writer->append(data);
        }
    }
}

std::vector<write_error> finish_recordings(std::vector<recording>& records,
                                           std::uint64_t steps) noexcept {
    std::vector<write_error> errors;
    for (auto& r : records) {
        if (!r.writer) {
            continue;
        }
        try {
            r.writer->finish(steps);
        } catch (const write_error& e) {
            errors.push_back(e);
        }
    }
    return errors;
}

} // namespace spark::cli
