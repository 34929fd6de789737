// SPDX-License-Identifier: Apache-2.0
// LinearSynapses' configuration (docs/models.md section 5.1): the kernel W of shape
// units ⊕ presynaptic shape [pA] from the `kernel` initializer, with upstream's init_kwargs
// (norm_axes = the postsynaptic axes) forced on a normalised initializer.
#pragma once
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <spark/sdk/buffers.hpp>
#include <spark/sdk/initializer.hpp>
#include <spark/sdk/parallel.hpp>
#include <spark/sdk/params.hpp>
#include <spark/sdk/schema.hpp>

#include "common/component_shapes.hpp"
#include "common/large_vector.hpp"
#include "common/post_rows.hpp"
#include "common/transpose.hpp"

namespace spark::neurons {

inline void declare_synapse_fields(sdk::schema& s) {
    declare_component_units(s);
    s.field_initializer("kernel", "sparse_uniform_initializer", "")
        .units("pA")
        .nested_kind(SPARK_KIND_INITIALIZER)
        .description("synaptic weights W[post, pre]; a number sets every weight");
    // Upstream reads this from the payload; our port specs carry no such flag, so it is said here.
    s.field_bool("async_spikes", false)
        .description("input spikes are per synapse, shaped units ⊕ presynaptic shape (as "
                     "n2n_delays emits them); false: one spike per presynaptic neuron");
}

/// The kernel initializer's config as the neuron runs it: upstream passes norm_axes = the
/// postsynaptic axes, which only the normalised initializer has (after scale, min_value,
/// max_value, density: index 4 in spark.initializers), so that one gets a forced copy. nullptr
/// for a number.
[[nodiscard]] inline std::unique_ptr<sdk::owned_config>
kernel_config(const sdk::initializer_value& init, const spark_shape_t& units) {
    const auto* given = init.config();
    if (given == nullptr) {
        return nullptr;
    }
    auto config = given->clone();
    constexpr std::string_view normalized = "normalized_sparse_uniform_initializer";
    if (given->class_ref().size() >= normalized.size() &&
        given->class_ref().substr(given->class_ref().size() - normalized.size()) == normalized &&
        given->size() > 4 && given->value(4).type == SPARK_FIELD_INT_ARRAY) {
        std::vector<std::int64_t> axes;
        for (std::uint32_t a = 0; a < units.rank; ++a) {
            axes.push_back(a);
        }
        config->set_ints(4, std::move(axes));
    }
    return config;
}

/// The kernel of shape units ⊕ pre, row-major (post-major: W[o][i] at o * n_pre + i). The
/// initializer writes every element (a built-in one in chunks on the host's workers).
template <typename T>
[[nodiscard]] large_vector_for_overwrite<T> make_kernel(const sdk::initializer_value& init,
                                                        const spark_host_t* host,
                                                        const spark_shape_t& units,
                                                        const spark_shape_t& pre) {
    const spark_shape_t shape = concat_shapes(units, pre);
    large_vector_for_overwrite<T> w(count_of(shape));
    if (w.empty()) {
        return w;
    }
    spark_buffer_t out{};
    out.data = w.data();
    out.count = w.size();
    out.spec = sdk::make_spec(SPARK_PAYLOAD_FLOAT, sdk::dtype_of<T>, shape);
    const auto config = kernel_config(init, units);
    init.fill(host, out, config.get());
    return w;
}

/// Rows `rows` of make_kernel(init, host, units, pre) (units: the whole population's, which a
/// normalised initializer's norm_axes and every draw depend on), post-major: W[o][i] at
/// (o - rows.first) * n_pre + i, bit for bit what the whole kernel holds there, for a slice of
/// the population (spark/abi/slices.h). An initializer that fills sparsely draws only these
/// rows (the others it leaves out are zero); any other fills the whole kernel, cut to the rows.
template <typename T>
[[nodiscard]] large_vector_for_overwrite<T> make_kernel_rows(const sdk::initializer_value& init,
                                                             const spark_host_t* host,
                                                             const spark_shape_t& units,
                                                             const spark_shape_t& pre,
                                                             const post_rows& rows) {
    if (rows.all()) {
        return make_kernel<T>(init, host, units, pre);
    }
    const std::size_t n_pre = count_of(pre);
    large_vector_for_overwrite<T> w(rows.count * n_pre);
    if (w.empty()) {
        return w;
    }
    const auto config = kernel_config(init, units);
    if (!config) { // a number: every weight the same
        spark_buffer_t out{};
        out.data = w.data();
        out.count = w.size();
        out.spec = sdk::make_spec(SPARK_PAYLOAD_FLOAT,
                                  sdk::dtype_of<T>,
                                  sdk::make_shape({static_cast<std::int64_t>(w.size())}));
        init.fill(host, out);
        return w;
    }
    if (!sdk::sparse_density(host, config->abi())) { // ABI 1.0: only the whole kernel
        const auto whole = make_kernel<T>(init, host, units, pre);
        std::copy(whole.begin() + static_cast<std::ptrdiff_t>(rows.first * n_pre),
                  whole.begin() + static_cast<std::ptrdiff_t>(rows.end() * n_pre),
                  w.begin());
        return w;
    }
    std::fill(w.begin(), w.end(), T(0));
    sdk::fill_sparse_rows<T>(
        host,
        config->abi(),
        concat_shapes(units, pre),
        n_pre,
        rows.first,
        rows.end(),
        [&](std::uint64_t o, const std::uint64_t* columns, const T* values, std::uint64_t count) {
            // Another vendor's initializer may break the row contract: never write out of place.
            if (o < rows.first || o >= rows.end() || (count > 0 && columns == nullptr) ||
                (count > 0 && values == nullptr)) {
                throw sdk::status_error(SPARK_ERR_PLUGIN,
                                        "the kernel initializer gave row " + std::to_string(o) +
                                            ", asked for rows [" + std::to_string(rows.first) +
                                            ", " + std::to_string(rows.end()) + ")");
            }
            T* row = &w[(o - rows.first) * n_pre];
            for (std::uint64_t c = 0; c < count; ++c) {
                if (columns[c] >= n_pre) {
                    throw sdk::status_error(SPARK_ERR_PLUGIN,
                                            "the kernel initializer gave column " +
                                                std::to_string(columns[c]) + " in row " +
                                                std::to_string(o) + ", beyond the " +
                                                std::to_string(n_pre) + " presynaptic neurons");
                }
                row[columns[c]] = values[c];
            }
        });
    return w;
}

/// W[o][i] (post-major) to W[i][o] (pre-major), so that one presynaptic neuron's weights are
/// contiguous. A square kernel turns in place; any other takes a second buffer. Large kernels
/// turn in chunks on the host's workers (`parallel`), tile rows interleaved so that the chunks
/// of the in-place triangle get about the same work.
template <typename T>
[[nodiscard]] large_vector_for_overwrite<T> to_pre_major(large_vector_for_overwrite<T> post_major,
                                                         std::size_t n_post,
                                                         std::size_t n_pre,
                                                         const sdk::parallel& parallel = {}) {
    constexpr std::size_t parallel_elements = std::size_t{1} << 20U;
    const std::uint32_t chunks = parallel.parts(post_major.size(), parallel_elements, 8);
    if (n_post == n_pre) {
        parallel.for_each_chunk(chunks, [&](std::uint32_t c) noexcept {
            transpose_square_tile_rows(post_major.data(), n_post, c, chunks);
        });
        return post_major;
    }
    large_vector_for_overwrite<T> t(post_major.size());
    parallel.for_each_chunk(chunks, [&](std::uint32_t c) noexcept {
        transpose_tile_rows_into(post_major.data(), n_post, n_pre, t.data(), c, chunks);
    });
    return t;
}

} // namespace spark::neurons
