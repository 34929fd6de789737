// SPDX-License-Identifier: Apache-2.0
// A static kernel kept per synapse instead of per (post, pre) pair (docs/models.md section 5.1,
// "Sparse kernels"). A network of N neurons at a fixed in-degree k has N * k synapses, but a
// dense kernel costs N^2 entries: 256 GB of floats at N = 256k. When the kernel's initializer can
// fill sparsely (ABI 1.1, docs/adr/0011-type-extensions-and-sparse-initializers.md), a neuron
// with static weights builds only the non-zero entries, at a cost per synapse, and keeps them
// post-major as compressed rows (scipy.sparse's CSR): row o holds its presynaptic neurons
// (ascending) and weights. Its state exports exactly these three arrays.
#pragma once
#include <cstddef>
#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <spark/sdk/guard.hpp>
#include <spark/sdk/initializer.hpp>

#include "common/component_shapes.hpp"
#include "common/large_vector.hpp"
#include "common/post_rows.hpp"

namespace spark::neurons {

/// Post-major compressed rows. int32 throughout: state arrays carry int32, not wider integers.
template <typename T>
struct sparse_kernel {
    std::vector<std::int32_t> row_start; // n_post + 1: row o is [row_start[o], row_start[o + 1])
    large_vector<std::int32_t> column;   // per synapse: its presynaptic neuron, ascending per row
    large_vector<T> value;               // per synapse: its weight

    [[nodiscard]] std::size_t size() const noexcept { return value.size(); }
};

/// The kernel's synapses in presynaptic order (by presynaptic neuron, then ascending
/// postsynaptic neuron), as delivery visits them: synapse k of the list is entry source[k] of
/// the compressed rows, from postsynaptic neuron target[k].
struct presynaptic_order {
    std::vector<std::size_t> offset;    // n_pre + 1: presynaptic neuron i's synapses
    large_vector<std::uint32_t> target; // per listed synapse: its postsynaptic neuron
    large_vector<std::uint32_t> source; // per listed synapse: its index in the compressed rows
};

/// A counting sort of the compressed rows by presynaptic neuron; rows are visited in order, so
/// each presynaptic neuron's synapses come out by ascending postsynaptic neuron.
template <typename T>
[[nodiscard]] presynaptic_order by_presynaptic(const sparse_kernel<T>& kernel, std::size_t n_pre) {
    presynaptic_order order;
    order.offset.assign(n_pre + 1, 0);
    for (const std::int32_t i : kernel.column) {
        ++order.offset[static_cast<std::size_t>(i) + 1];
    }
    for (std::size_t i = 0; i < n_pre; ++i) {
        order.offset[i + 1] += order.offset[i];
    }
    order.target.resize(kernel.size());
    order.source.resize(kernel.size());
    std::vector<std::size_t> next(order.offset.begin(), order.offset.end() - 1);
    const std::size_t n_post = kernel.row_start.size() - 1;
    for (std::size_t o = 0; o < n_post; ++o) {
        for (auto e = static_cast<std::size_t>(kernel.row_start[o]);
             e < static_cast<std::size_t>(kernel.row_start[o + 1]);
             ++e) {
            const std::size_t k = next[static_cast<std::size_t>(kernel.column[e])]++;
            order.target[k] = static_cast<std::uint32_t>(o);
            order.source[k] = static_cast<std::uint32_t>(e);
        }
    }
    return order;
}

/// What a kernel must satisfy before a neuron uses it (a loaded state, or another vendor's
/// initializer): rows that start at 0, never shrink and end at the synapse count, and
/// presynaptic neurons in range and ascending in each row. Throws naming the first offending
/// entry, after `where` (e.g. "lif_neuron state: kernel_").
template <typename T>
void check_sparse_kernel(const sparse_kernel<T>& kernel,
                         std::size_t n_pre,
                         const std::string& where) {
    const std::size_t n_post = kernel.row_start.size() - 1;
    if (kernel.row_start[0] != 0 ||
        static_cast<std::size_t>(kernel.row_start[n_post]) != kernel.size()) {
        throw sdk::status_error(SPARK_ERR_INVALID_ARGUMENT,
                                where + "row_start must start at 0 and end at " +
                                    std::to_string(kernel.size()) +
                                    " (the synapse count); load a state saved from this brain");
    }
    for (std::size_t o = 0; o < n_post; ++o) {
        const std::int32_t first = kernel.row_start[o];
        const std::int32_t last = kernel.row_start[o + 1];
        if (last < first) {
            throw sdk::status_error(SPARK_ERR_INVALID_ARGUMENT,
                                    where + "row_start decreases at row " + std::to_string(o) +
                                        "; it must be non-decreasing");
        }
        for (std::int32_t e = first; e < last; ++e) {
            const std::int32_t i = kernel.column[static_cast<std::size_t>(e)];
            const bool ascending = e == first || i > kernel.column[static_cast<std::size_t>(e) - 1];
            if (i < 0 || static_cast<std::size_t>(i) >= n_pre || !ascending) {
                throw sdk::status_error(SPARK_ERR_INVALID_ARGUMENT,
                                        where + "column[" + std::to_string(e) +
                                            "] = " + std::to_string(i) + " in row " +
                                            std::to_string(o) + ": columns must lie in [0, " +
                                            std::to_string(n_pre) + ") and ascend within a row");
            }
        }
    }
}

/// Rows `rows` of the kernel of shape units ⊕ pre (units: the whole population's) from `config`
/// (the kernel's initializer, its norm_axes forced as make_kernel() forces them), filled
/// sparsely: row o of the (rows.count, n_pre) view is postsynaptic neuron rows.first + o (all of
/// them unless a slice of the population holds the rows, spark/abi/slices.h).
template <typename T>
[[nodiscard]] sparse_kernel<T> fill_sparse_kernel(const spark_host_t* host,
                                                  const spark_config_t& config,
                                                  const spark_shape_t& units,
                                                  const spark_shape_t& pre,
                                                  const post_rows& rows,
                                                  const char* neuron) {
    const std::size_t n_post = rows.count;
    const std::size_t n_pre = count_of(pre);
    constexpr auto limit = static_cast<std::size_t>(std::numeric_limits<std::int32_t>::max());
    if (n_pre > limit || n_post > limit) {
        throw sdk::status_error(SPARK_ERR_INVALID_ARGUMENT,
                                std::string(neuron) + ": a sparse kernel holds at most " +
                                    std::to_string(limit) + " neurons on each side, got " +
                                    std::to_string(n_post) + " x " + std::to_string(n_pre));
    }
    sparse_kernel<T> kernel;
    kernel.row_start.assign(n_post + 1, 0);
    std::uint64_t next_row = 0; // of the kept rows, from 0
    sdk::fill_sparse_rows<T>(
        host,
        config,
        concat_shapes(units, pre),
        n_pre,
        rows.first,
        rows.end(),
        [&](std::uint64_t r, const std::uint64_t* columns, const T* values, std::uint64_t count) {
            // Another vendor's initializer may break the row contract: never write out of place.
            const std::uint64_t o = r - rows.first; // wraps around below rows.first
            if (r < rows.first || o >= n_post || o < next_row ||
                (count > 0 && (columns == nullptr || values == nullptr))) {
                throw sdk::status_error(
                    SPARK_ERR_PLUGIN,
                    std::string(neuron) + ": the kernel initializer gave row " + std::to_string(r) +
                        " after row " + std::to_string(rows.first + next_row) + " of " +
                        (rows.all() ? std::to_string(n_post)
                                    : "[" + std::to_string(rows.first) + ", " +
                                          std::to_string(rows.end()) + ")") +
                        " (rows must come once each, in order, with their entries)");
            }
            for (; next_row < o; ++next_row) { // rows it left out are empty
                kernel.row_start[next_row + 1] = static_cast<std::int32_t>(kernel.size());
            }
            next_row = o + 1;
            if (kernel.size() + count > limit) {
                throw sdk::status_error(SPARK_ERR_INVALID_ARGUMENT,
                                        std::string(neuron) + ": a sparse kernel holds at most " +
                                            std::to_string(limit) +
                                            " synapses; lower the kernel's density");
            }
            for (std::uint64_t c = 0; c < count; ++c) {
                if (columns[c] >= n_pre) {
                    throw sdk::status_error(
                        SPARK_ERR_PLUGIN,
                        std::string(neuron) + ": the kernel initializer gave column " +
                            std::to_string(columns[c]) + " in row " + std::to_string(r) +
                            ", beyond the " + std::to_string(n_pre) + " presynaptic neurons");
                }
                kernel.column.push_back(static_cast<std::int32_t>(columns[c]));
                kernel.value.push_back(values[c]);
            }
            kernel.row_start[o + 1] = static_cast<std::int32_t>(kernel.size());
        });
    kernel.column.shrink_to_fit();
    kernel.value.shrink_to_fit();
    for (; next_row < n_post; ++next_row) {
        kernel.row_start[next_row + 1] = static_cast<std::int32_t>(kernel.size());
    }
    // Columns in range and ascending.
    check_sparse_kernel(kernel, n_pre, std::string(neuron) + ": the kernel initializer gave ");
    return kernel;
}

} // namespace spark::neurons
