// SPDX-License-Identifier: Apache-2.0
// `spark plugins check FILE [--type NAME] [--set FIELD=VALUE]... [--shape PORT=D1,D2]...
// [--reference FILE.npy [--tolerance RTOL,ATOL] | --write-reference FILE.npy [--steps N]]`: the
// options turned into check_options (the reference read from its structured .npy file), the
// report printed one line per stage, and a recorded trace written.
#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstring>
#include <iostream>
#include <string>
#include <vector>

#include <spark/runtime/plugin_check.hpp>

#include "commands.hpp"
#include "npy.hpp"
#include "text.hpp"
#include "tools/host_buffer.hpp"
#include "trace_writer.hpp"

namespace spark::cli {

namespace {

/// A request that cannot be understood; what() is the whole message.
class bad_request : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/// "NAME=VALUE" split at the first '='; throws bad_request for anything else.
std::pair<std::string, std::string>
split_assignment(const std::string& given, const std::string& option, const std::string& example) {
    const auto equals = given.find('=');
    if (equals == std::string::npos || equals == 0 || equals + 1 == given.size()) {
        throw bad_request("--" + option + " must be " + example + ", got '" + given + "'");
    }
    return {given.substr(0, equals), given.substr(equals + 1)};
}

std::vector<std::uint64_t> parse_dims(const std::string& port, const std::string& text) {
    std::vector<std::uint64_t> dims;
    std::size_t at = 0;
    while (at <= text.size()) {
        const auto comma = std::min(text.find(',', at), text.size());
        std::uint64_t value = 0;
        const auto result = std::from_chars(text.data() + at, text.data() + comma, value);
        if (result.ec != std::errc{} || result.ptr != text.data() + comma || value == 0 ||
            value > UINT32_MAX || dims.size() == SPARK_MAX_RANK) {
            throw bad_request("--shape " + port + "=" + text + ": a shape is 1 to " +
                              std::to_string(SPARK_MAX_RANK) +
                              " whole numbers >= 1 separated by commas, e.g. --shape " + port +
                              "=8,8");
        }
        dims.push_back(value);
        at = comma + 1;
    }
    return dims;
}

runtime::float_tolerance parse_tolerance(const std::string& text) {
    const auto comma = text.find(',');
    const auto number = [&](std::string_view part, double& value) {
        const auto result = std::from_chars(part.data(), part.data() + part.size(), value);
        return result.ec == std::errc{} && result.ptr == part.data() + part.size() &&
               std::isfinite(value) && value >= 0;
    };
    runtime::float_tolerance tolerance;
    if (comma == std::string::npos ||
        !number(std::string_view(text).substr(0, comma), tolerance.rtol) ||
        !number(std::string_view(text).substr(comma + 1), tolerance.atol)) {
        throw bad_request("--tolerance must be RTOL,ATOL, two numbers >= 0 (floats agree when "
                          "|got - expected| <= ATOL + RTOL * |expected|), e.g. --tolerance "
                          "1e-5,1e-7, got '" +
                          text + "'");
    }
    return tolerance;
}

// Steps a recorded trace has without --steps: as many as the "steps (random inputs)" stage runs.
constexpr std::uint32_t default_record_steps = 20;

std::uint32_t parse_steps(const std::string& text) {
    std::uint32_t steps = 0;
    const auto result = std::from_chars(text.data(), text.data() + text.size(), steps);
    if (result.ec != std::errc{} || result.ptr != text.data() + text.size() || steps == 0) {
        throw bad_request("--steps must be a whole number from 1 to " + std::to_string(UINT32_MAX) +
                          " (the steps to record), got '" + text + "', e.g. --steps 50");
    }
    return steps;
}

std::int32_t spark_dtype(npy_type type) {
    switch (type) {
    case npy_type::u8:
    case npy_type::b1:
        return SPARK_DTYPE_U8;
    case npy_type::i32:
        return SPARK_DTYPE_I32;
    case npy_type::f32:
        return SPARK_DTYPE_F32;
    case npy_type::f64:
        return SPARK_DTYPE_F64;
    case npy_type::i64:
        break;
    }
    return 0;
}

/// The trace a structured .npy file holds, one field per port (docs/writing-a-plugin.md).
runtime::reference_trace read_trace(const std::filesystem::path& file) {
    npy_records records;
    try {
        records = read_npy_records(file);
    } catch (const spark::error& e) {
        throw bad_request(std::string("--reference ") + e.what());
    }
    runtime::reference_trace trace;
    trace.file = file;
    trace.steps = records.rows;
    for (const auto& field : records.fields) {
        runtime::trace_field out;
        out.name = field.name;
        out.dtype = spark_dtype(field.type);
        if (out.dtype == 0) {
            throw bad_request("--reference " + file.string() + ": field '" + field.name +
                              "' is int64; store int ports as int32 ('<i4')");
        }
        if (field.shape.size() > SPARK_MAX_RANK) {
            throw bad_request("--reference " + file.string() + ": field '" + field.name + "' has " +
                              std::to_string(field.shape.size()) +
                              " dimensions per step; a port has at most " +
                              std::to_string(SPARK_MAX_RANK));
        }
        out.shape.rank = static_cast<std::uint32_t>(field.shape.size());
        std::uint64_t elements = 1;
        for (std::size_t d = 0; d < field.shape.size(); ++d) {
            out.shape.dims[d] = static_cast<std::uint32_t>(field.shape[d]);
            elements *= field.shape[d];
        }
        // Rows interleave the fields: gather this one's bytes step after step.
        const std::size_t bytes = static_cast<std::size_t>(elements * npy_type_size(field.type));
        out.data.resize(bytes * records.rows);
        for (std::uint64_t row = 0; row < records.rows; ++row) {
            std::memcpy(out.data.data() + row * bytes,
                        records.data.data() + row * records.itemsize + field.offset,
                        bytes);
        }
        if (field.type == npy_type::b1) {
            for (auto& value : out.data) { // NumPy's bools are 0/1 already; keep them so
                value = static_cast<std::byte>(std::to_integer<unsigned>(value) != 0 ? 1 : 0);
            }
        }
        trace.fields.push_back(std::move(out));
    }
    return trace;
}

runtime::check_options options_of(const check_request& request) {
    if (request.reference && request.write_reference) {
        throw bad_request("--reference and --write-reference: give one or the other (--reference "
                          "compares against a trace, --write-reference records one)");
    }
    runtime::check_options options;
    options.type = request.type;
    for (const auto& given : request.settings) {
        options.settings.push_back(
            split_assignment(given, "set", "FIELD=VALUE (e.g. --set tau=10 or --set mode=linear)"));
    }
    for (const auto& given : request.shapes) {
        const auto [port, dims] = split_assignment(given, "shape", "PORT=D1,D2,... (e.g. in=8,8)");
        options.shapes.emplace_back(port, parse_dims(port, dims));
    }
    if (request.tolerance && !request.reference) {
        throw bad_request("--tolerance is for --reference: give the trace to compare against");
    }
    if (request.reference) {
        options.reference = read_trace(*request.reference);
    }
    if (request.tolerance) {
        options.tolerance = parse_tolerance(*request.tolerance);
    }
    if (request.steps && !request.write_reference) {
        throw bad_request("--steps is for --write-reference: give the file to record into");
    }
    if (request.write_reference) {
        options.record_steps = request.steps ? parse_steps(*request.steps) : default_record_steps;
    }
    return options;
}

void print_report(const runtime::plugin_check_report& report) {
    std::cout << "checking " << report.file.string() << '\n';
    for (const auto& type : report.types) {
        std::cout << '\n' << type.type_id << '\n';
        std::size_t width = 0;
        std::size_t dtype_width = 0;
        for (const auto& stage : type.stages) {
            width = std::max(width, stage.name.size());
            dtype_width = std::max(dtype_width, stage.dtype.size());
        }
        for (const auto& stage : type.stages) {
            std::string head = "  " + std::string(runtime::outcome_name(stage.outcome));
            head.resize(8, ' ');
            head += stage.dtype;
            head.resize(8 + dtype_width + 2, ' ');
            head += stage.name;
            // Further lines of a message line up under its first line.
            const std::string indent(8 + dtype_width + 2 + width + 2, ' ');
            head.resize(indent.size(), ' ');
            std::string line = head;
            for (const char c : stage.message) {
                line += c;
                if (c == '\n') {
                    line += indent;
                }
            }
            line.erase(line.find_last_not_of(' ') + 1);
            std::cout << line << '\n';
        }
    }
    const std::size_t failures = report.failures();
    std::cout << '\n'
              << report.types.size() << (report.types.size() == 1 ? " type" : " types")
              << " checked, " << failures << (failures == 1 ? " failure" : " failures") << '\n';
}

/// Writes the trace the check recorded, only when every stage passed: a baseline of a type that
/// fails its check would make later runs pass against the failure. Returns the exit status.
int write_trace(trace_writer& out, const runtime::plugin_check_report& report) {
    if (!report.passed() || report.types.empty() || !report.types.front().recorded) {
        std::cout << out.file().string()
                  << " not written: the check failed; fix the failures above first\n";
        return exit_failure;
    }
    try {
        out.write(*report.types.front().recorded);
    } catch (const spark::error& e) {
        std::cerr << "spark: --write-reference " << e.what() << '\n';
        return exit_failure;
    }
    const auto& recorded = *report.types.front().recorded;
    std::vector<std::string> fields;
    for (const auto& field : recorded.fields) {
        fields.push_back(field.name + " " + std::string(registry::dtype_name(field.dtype)) + " " +
                         runtime::detail::shape_text(field.shape));
    }
    std::cout << "wrote " << out.file().string() << ": " << recorded.steps << " steps of "
              << runtime::detail::join(fields, ", ") << '\n';
    return exit_ok;
}

} // namespace

int plugins_check(const plugin_sources& sources,
                  const std::filesystem::path& file,
                  const check_request& request) {
    runtime::check_options options;
    std::optional<trace_writer> trace_out;
    try {
        options = options_of(request);
        if (request.write_reference) {
            try {
                trace_out.emplace(*request.write_reference);
            } catch (const spark::error& e) {
                throw bad_request(std::string("--write-reference ") + e.what());
            }
        }
    } catch (const bad_request& e) {
        std::cerr << "spark: " << e.what() << '\n';
        return exit_usage;
    }
    warn_about_missing_plugin_paths(sources);
    registry::plugin_registry plugins(search_options_of(sources));
    const auto report = runtime::check_plugin(plugins, file, options);
    if (!report.load_error.empty()) {
        std::cerr << "spark: " << report.load_error << '\n';
        std::cout << "0 types checked, 1 failure\n";
        return exit_failure;
    }
    if (!report.request_error.empty()) {
        std::cerr << "spark: " << report.request_error << '\n';
        return exit_usage;
    }
    print_report(report);
    if (trace_out) {
        return write_trace(*trace_out, report);
    }
    return report.passed() ? exit_ok : exit_failure;
}

} // namespace spark::cli
