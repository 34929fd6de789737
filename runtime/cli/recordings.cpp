// SPDX-License-Identifier: Apache-2.0
#include "recordings.hpp"

#include <algorithm>
#include <system_error>

#include <spark/sdk/buffers.hpp>

namespace spark::cli {

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

void append_step(const runtime::brain& brain,
                 std::vector<recording>& records,
                 std::vector<std::uint8_t>& spike_row) {
    for (auto& r : records) {
        if (r.property) {
            // Read live after the step, as upstream reads a property.
            r.writer->append(brain.read_property(r.module, r.port).data());
            continue;
        }
        const auto view = r.module.empty() ? brain.output(r.port) : brain.cached(r.module, r.port);
        if (r.spec.payload_kind == SPARK_PAYLOAD_SPIKES) {
            const auto* bytes = static_cast<const std::uint8_t*>(view.data);
            spike_row.resize(std::max<std::size_t>(spike_row.size(), view.count));
            for (std::uint64_t i = 0; i < view.count; ++i) {
                spike_row[i] = bytes[i] & 1U;
            }
            r.writer->append(spike_row.data());
        } else {
            r.writer->append(view.data);
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
