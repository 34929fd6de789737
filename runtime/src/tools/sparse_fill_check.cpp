// SPDX-License-Identifier: Apache-2.0
#include "tools/sparse_fill_check.hpp"

#include <bit>
#include <cstdint>
#include <string>
#include <type_traits>
#include <vector>

#include <spark/abi/module.h>
#include <spark/abi/sparse_initializer.h>

namespace spark::runtime::detail {
namespace {

/// Bit-for-bit equality (a fill must give initialize()'s very bits: -0 is not 0, a NaN's payload
/// counts), spelled with bit_cast rather than memcmp so that it says so.
template <typename T>
bool same_bits(const T& a, const T& b) noexcept {
    using bits =
        std::conditional_t<sizeof(T) == sizeof(std::uint64_t), std::uint64_t, std::uint32_t>;
    static_assert(sizeof(T) == sizeof(bits));
    return std::bit_cast<bits>(a) == std::bit_cast<bits>(b);
}

/// A host for calling the extension directly: it keeps the last error message.
struct recording_host {
    spark_host_t abi{};
    std::string last_error;

    recording_host() {
        abi.abi_version = spark_version_t SPARK_ABI_VERSION_INIT;
        abi.host_data = this;
        abi.report = [](const spark_host_t* self, std::int32_t severity, const char* message) {
            if (severity >= SPARK_SEVERITY_ERROR && message != nullptr) {
                static_cast<recording_host*>(self->host_data)->last_error = message;
            }
        };
        abi.wants = [](const spark_host_t*, std::int32_t) -> std::int32_t { return 1; };
        abi.get_service = [](const spark_host_t*, const char*) -> const void* { return nullptr; };
    }

    [[nodiscard]] std::string failed(const char* call, spark_status status) const {
        return std::string(call) + " failed (status " + std::to_string(status) +
               "): " + (last_error.empty() ? "no message" : last_error);
    }
};

/// The rows as fill_rows gives them: each row's columns and values, in the order of the calls.
template <typename T>
struct collected_rows {
    std::vector<std::uint64_t> rows;
    std::vector<std::vector<std::uint64_t>> columns;
    std::vector<std::vector<T>> values;
};

template <typename T>
std::string compare(const spark_module_type_t& abi,
                    const spark_sparse_initializer_t& ext,
                    const spark_config_t& config,
                    const host_buffer& dense) {
    recording_host host;
    const spark_port_spec_t& spec = dense.spec();
    const std::uint64_t row_length = dense.count() / spec.shape.dims[0];
    const std::uint64_t n_rows = spec.shape.dims[0];
    const auto* expected = reinterpret_cast<const T*>(dense.data());

    collected_rows<T> got;
    const spark_row_sink_t sink{&got,
                                [](void* c,
                                   std::uint64_t row,
                                   const std::uint64_t* columns,
                                   const void* values,
                                   std::uint64_t count) -> spark_status {
                                    auto& rows = *static_cast<collected_rows<T>*>(c);
                                    const auto* v = static_cast<const T*>(values);
                                    rows.rows.push_back(row);
                                    rows.columns.emplace_back(columns, columns + count);
                                    rows.values.emplace_back(v, v + count);
                                    return SPARK_OK;
                                }};
    // Two calls, the second starting mid-array, as a neuron's chunks would ask.
    const std::uint64_t split = n_rows / 3;
    for (const auto& [begin, end] :
         {std::pair{std::uint64_t{0}, split}, std::pair{split, n_rows}}) {
        const spark_status status =
            ext.fill_rows(&abi, &host.abi, &config, &spec, row_length, begin, end, &sink);
        if (status != SPARK_OK) {
            return host.failed("fill_rows", status);
        }
    }
    if (got.rows.size() != n_rows) {
        return "fill_rows gave " + std::to_string(got.rows.size()) + " rows for " +
               std::to_string(n_rows) + "; give every row once, in order, also an empty one";
    }
    for (std::uint64_t r = 0; r < n_rows; ++r) {
        if (got.rows[r] != r) {
            return "fill_rows gave row " + std::to_string(got.rows[r]) + " where row " +
                   std::to_string(r) + " was due; give every row once, in order";
        }
        std::size_t k = 0;
        for (std::uint64_t c = 0; c < row_length; ++c) {
            const T want = expected[r * row_length + c];
            const bool listed = k < got.columns[r].size() && got.columns[r][k] == c;
            if (want == T(0) && !listed) {
                continue;
            }
            if (!listed || !same_bits(got.values[r][k], want)) {
                return "row " + std::to_string(r) + ", column " + std::to_string(c) +
                       ": initialize() wrote " + std::to_string(want) + ", fill_rows gave " +
                       (listed ? std::to_string(got.values[r][k]) : std::string("no entry")) +
                       "; the two must agree bit for bit";
            }
            ++k;
        }
        if (k != got.columns[r].size()) {
            return "row " + std::to_string(r) + ": fill_rows gave " +
                   std::to_string(got.columns[r].size() - k) +
                   " entries that are zero, out of order or beyond the row in initialize()'s fill";
        }
    }
    // Every third element, last first: values_at takes any order.
    std::vector<std::uint64_t> indices;
    for (std::uint64_t i = dense.count(); i-- > 0;) {
        if (i % 3 == 0) {
            indices.push_back(i);
        }
    }
    std::vector<T> at(indices.size());
    const spark_status status =
        ext.values_at(&abi, &host.abi, &config, &spec, indices.data(), indices.size(), at.data());
    if (status != SPARK_OK) {
        return host.failed("values_at", status);
    }
    for (std::size_t k = 0; k < indices.size(); ++k) {
        if (!same_bits(at[k], expected[indices[k]])) {
            return "values_at(" + std::to_string(indices[k]) + ") gave " + std::to_string(at[k]) +
                   ", initialize() wrote " + std::to_string(expected[indices[k]]);
        }
    }
    double density = -1.0;
    if (ext.density(&abi, &host.abi, &config, &density) != SPARK_OK || !(density >= 0.0) ||
        density > 1.0) {
        return "density gave " + std::to_string(density) + "; give a share in [0, 1]";
    }
    return {};
}

} // namespace

std::optional<std::string> check_sparse_fill(const registry::module_type_info& type,
                                             const spark_config_t& config,
                                             const host_buffer& dense) {
    const auto* ext = static_cast<const spark_sparse_initializer_t*>(
        spark_type_extension(type.abi, SPARK_EXT_SPARSE_INITIALIZER));
    if (ext == nullptr) {
        return std::nullopt;
    }
    if (ext->density == nullptr || ext->fill_rows == nullptr || ext->values_at == nullptr) {
        return std::string("the extension lacks density, fill_rows or values_at (NULL)");
    }
    return dense.spec().dtype == SPARK_DTYPE_F64 ? compare<double>(*type.abi, *ext, config, dense)
                                                 : compare<float>(*type.abi, *ext, config, dense);
}

} // namespace spark::runtime::detail
