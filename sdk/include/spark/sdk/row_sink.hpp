// SPDX-License-Identifier: Apache-2.0
// The caller's row sink as an initializer type's fill_rows sees it (SPARK_EXT_SPARSE_INITIALIZER,
// spark/abi/sparse_initializer.h): a non-OK status from the caller stops the fill by an exception
// that the SDK's trampoline turns back into that status.
#pragma once
#include <cstdint>

#include <spark/abi/sparse_initializer.h>
#include <spark/sdk/guard.hpp>

namespace spark::sdk {

class row_sink {
public:
    /// Borrows `sink` (checked by the SDK: its row function is set) for the fill.
    explicit row_sink(const spark_row_sink_t& sink) noexcept : sink_(sink) {}

    /// Hands over row `row`: `count` non-zero elements at `columns` (ascending positions within
    /// the row) with `values` (`count` elements of the spec's dtype), both borrowed for the call.
    /// Throws already_reported with the caller's status when the caller stops the fill: the
    /// caller knows why, so nothing is reported to the host.
    void row(std::uint64_t row,
             const std::uint64_t* columns,
             const void* values,
             std::uint64_t count) const {
        const spark_status status = sink_.row(sink_.context, row, columns, values, count);
        if (status != SPARK_OK) {
            throw already_reported(status);
        }
    }

private:
    const spark_row_sink_t& sink_;
};

} // namespace spark::sdk
