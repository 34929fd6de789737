// SPDX-License-Identifier: Apache-2.0
// LinearSynapses' configuration (docs/models.md section 5.1): the kernel W of shape
// units ⊕ presynaptic shape [pA] from the `kernel` initializer, with upstream's init_kwargs
// (norm_axes = the postsynaptic axes) forced on a normalised initializer.
#pragma once
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include <spark/sdk/buffers.hpp>
#include <spark/sdk/initializer.hpp>
#include <spark/sdk/parallel.hpp>
#include <spark/sdk/params.hpp>
#include <spark/sdk/schema.hpp>

#include "common/component_shapes.hpp"
#include "common/large_vector.hpp"
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
