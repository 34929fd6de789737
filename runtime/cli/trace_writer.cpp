// SPDX-License-Identifier: Apache-2.0
#include "trace_writer.hpp"

#include <cstring>
#include <system_error>

#include <spark/abi/types.h>
#include <spark/registry/errors.hpp>

#include "npy.hpp"

namespace spark::cli {

namespace {

/// The element type of a port's values in a file (the reverse of check_command's spark_dtype).
npy_type npy_type_of(const runtime::trace_field& field) {
    switch (field.dtype) {
    case SPARK_DTYPE_U8:
        return npy_type::u8;
    case SPARK_DTYPE_I32:
        return npy_type::i32;
    case SPARK_DTYPE_F32:
        return npy_type::f32;
    case SPARK_DTYPE_F64:
        return npy_type::f64;
    default:
        throw spark::error("port '" + field.name + "' has dtype " + std::to_string(field.dtype) +
                           ", which a trace cannot hold");
    }
}

/// The trace as rows: each row holds every field's values of one step, in the fields' order.
npy_records records_of(const runtime::reference_trace& trace) {
    npy_records records;
    records.rows = trace.steps;
    std::vector<std::uint64_t> step_bytes;
    for (const auto& field : trace.fields) {
        npy_record_field out;
        out.name = field.name;
        out.type = npy_type_of(field);
        out.shape.assign(field.shape.dims, field.shape.dims + field.shape.rank);
        out.offset = records.itemsize;
        std::uint64_t elements = 1;
        for (const auto d : out.shape) {
            elements *= d;
        }
        step_bytes.push_back(elements * npy_type_size(out.type));
        if (field.data.size() != step_bytes.back() * trace.steps) {
            throw spark::error("port '" + field.name + "' recorded " +
                               std::to_string(field.data.size()) + " bytes, expected " +
                               std::to_string(step_bytes.back() * trace.steps));
        }
        records.itemsize += step_bytes.back();
        records.fields.push_back(std::move(out));
    }
    records.data.resize(records.rows * records.itemsize);
    for (std::uint64_t row = 0; row < records.rows; ++row) {
        for (std::size_t f = 0; f < trace.fields.size(); ++f) {
            std::memcpy(records.data.data() + row * records.itemsize + records.fields[f].offset,
                        trace.fields[f].data.data() + row * step_bytes[f],
                        step_bytes[f]);
        }
    }
    return records;
}

void refuse_existing(const std::filesystem::path& file) {
    std::error_code error;
    if (std::filesystem::exists(std::filesystem::symlink_status(file, error))) {
        throw spark::error(file.string() +
                           ": the file exists, and a baseline is never overwritten: remove it "
                           "first to record a new one, or choose another name");
    }
}

} // namespace

trace_writer::trace_writer(std::filesystem::path file) : file_(std::move(file)) {
    refuse_existing(file_);
    try {
        out_.emplace(file_);
    } catch (const runtime::detail::atomic_file_error& e) {
        throw spark::error(file_.string() + ": " + e.reason() +
                           "; choose a folder you can write to");
    }
}

void trace_writer::write(const runtime::reference_trace& trace) {
    const std::string bytes = npy_records_file(records_of(trace));
    out_->write(bytes);
    // Checked again: a file that appeared while the check ran is not replaced either.
    refuse_existing(file_);
    out_->commit();
}

} // namespace spark::cli
