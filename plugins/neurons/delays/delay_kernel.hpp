// SPDX-License-Identifier: Apache-2.0
// NDelays' and N2NDelays' configuration (docs/models.md sections 5.5 and 5.6): the ring size
// B from max_delay, and the delays in whole steps (per presynaptic neuron, or the per-synapse
// kernel D[post][pre]) from the `delays` initializer, with upstream's init_kwargs
// (scale = B + 1, min_value = 1) forced on it.
#pragma once
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <numeric>
#include <optional>
#include <string>
#include <vector>

#include <spark/sdk/buffers.hpp>
#include <spark/sdk/guard.hpp>
#include <spark/sdk/initializer.hpp>
#include <spark/sdk/params.hpp>
#include <spark/sdk/schema.hpp>

#include "common/component_shapes.hpp"
#include "common/post_rows.hpp"

namespace spark::neurons {

/// NDelays' fields (section 5.5): max_delay, then the delays of each `per` ("synapse",
/// "presynaptic neuron").
inline void declare_max_delay_and_delays(sdk::schema& s, const std::string& per) {
    s.field_float("max_delay", 8.0)
        .units("ms")
        .positive()
        .description("longest delay; the ring buffer keeps ceil(max_delay / dt) past steps");
    s.field_initializer("delays", "uniform_initializer", "")
        .nested_kind(SPARK_KIND_INITIALIZER)
        .description("delay of each " + per +
                     " in steps, in [0, ceil(max_delay / dt)]; an "
                     "initializer gets scale = slots + 1 and min_value = 1 forced, as upstream");
}

/// N2NDelays' fields (section 5.6): units, then NDelays' fields per synapse.
inline void declare_delay_fields(sdk::schema& s) {
    declare_component_units(s);
    declare_max_delay_and_delays(s, "synapse");
}

/// The longest delay in steps, B = ceil(max_delay / dt) (upstream's number of buffer slots).
[[nodiscard]] inline std::uint32_t delay_slots(double max_delay, double dt) {
    const double b = std::ceil(max_delay / dt);
    // 65535 keeps the ring (B + 1 rows per presynaptic neuron) and uint16 arithmetic in reach.
    if (!(b >= 1.0 && b <= 65535.0)) {
        throw sdk::status_error(SPARK_ERR_INVALID_ARGUMENT,
                                "max_delay / dt must give 1 to 65535 steps, got " +
                                    sdk::detail::json_number_or_inf(max_delay) + " ms / " +
                                    sdk::detail::json_number_or_inf(dt) + " ms; change max_delay");
    }
    return static_cast<std::uint32_t>(b);
}

struct delay_config {
    std::uint32_t slots = 1; // B: the longest delay in steps
    sdk::initializer_value delays;

    explicit delay_config(const sdk::config_view& cfg)
        : slots(delay_slots(cfg.get<double>("max_delay"), cfg.dt())), delays(cfg, "delays") {}

    /// D[post][pre] in steps (row-major (n_post, n_pre)), each checked to lie in [0, B].
    /// Upstream reads D == B as a zero delay (its ring has B rows); ours keeps B + 1 rows, so D is
    /// always the delay in steps (docs/upstream-differences.md).
    [[nodiscard]] std::vector<std::int32_t>
    make(const spark_host_t* host, std::size_t n_post, std::size_t n_pre) const {
        auto d = fill(
            host,
            sdk::make_shape({static_cast<std::int64_t>(n_post), static_cast<std::int64_t>(n_pre)}));
        const std::size_t k = first_out_of_range(d);
        if (k < d.size()) {
            fail(d[k],
                 "synapse (post " + std::to_string(k / n_pre) + ", pre " +
                     std::to_string(k % n_pre) + ")");
        }
        return d;
    }

    /// D of the synapses at `indices` (row-major positions o * n_pre + i in D[post][pre]), each
    /// checked as make()'s: what make() gives there, without the other n_post * n_pre entries.
    /// nullopt when the initializer cannot give single elements (ABI 1.0): call make() then.
    [[nodiscard]] std::optional<std::vector<std::int32_t>>
    make_at(const spark_host_t* host,
            std::size_t n_post,
            std::size_t n_pre,
            sdk::span<const std::uint64_t> indices) const {
        std::vector<std::int32_t> d(indices.size());
        if (const auto config = forced()) {
            if (!sdk::sparse_density(host, config->abi())) {
                return std::nullopt;
            }
            const auto shape = sdk::make_shape(
                {static_cast<std::int64_t>(n_post), static_cast<std::int64_t>(n_pre)});
            sdk::initializer_values_at(host, config->abi(), shape, indices, d.data());
        } else if (!d.empty()) {
            spark_buffer_t out{};
            out.data = d.data();
            out.count = d.size();
            out.spec = sdk::make_spec(SPARK_PAYLOAD_INT,
                                      SPARK_DTYPE_I32,
                                      sdk::make_shape({static_cast<std::int64_t>(d.size())}));
            delays.fill(host, out); // a number: the same everywhere
        }
        const std::size_t k = first_out_of_range(d);
        if (k < d.size()) {
            fail(d[k],
                 "synapse (post " + std::to_string(indices[k] / n_pre) + ", pre " +
                     std::to_string(indices[k] % n_pre) + ")");
        }
        return d;
    }
    /// Rows `rows` of make(host, rows.whole, n_pre), row-major (rows.count, n_pre), for a slice
    /// of the population (spark/abi/slices.h): drawn only there when the initializer gives single
    /// elements (a block of rows at a time, so the indices asked for stay small), else cut from
    /// the whole draw.
    [[nodiscard]] std::vector<std::int32_t>
    make_rows(const spark_host_t* host, const post_rows& rows, std::size_t n_pre) const {
        if (rows.all()) {
            return make(host, rows.whole, n_pre);
        }
        std::vector<std::int32_t> d;
        d.reserve(rows.count * n_pre);
        const std::size_t block =
            std::max<std::size_t>(1, indices_per_block / std::max<std::size_t>(1, n_pre));
        std::vector<std::uint64_t> at;
        for (std::size_t o = rows.first; o < rows.end(); o += block) {
            const std::size_t last = std::min(rows.end(), o + block);
            at.resize((last - o) * n_pre);
            std::iota(at.begin(), at.end(), std::uint64_t{o} * n_pre);
            auto part = make_at(host, rows.whole, n_pre, sdk::span<const std::uint64_t>(at));
            if (!part) { // ABI 1.0: only the whole table
                const auto whole = make(host, rows.whole, n_pre);
                return {whole.begin() + static_cast<std::ptrdiff_t>(rows.first * n_pre),
                        whole.begin() + static_cast<std::ptrdiff_t>(rows.end() * n_pre)};
            }
            d.insert(d.end(), part->begin(), part->end());
        }
        return d;
    }
    /// D[i] in steps for each of n presynaptic neurons (upstream's NDelays: shape (n,)), each
    /// checked to lie in [0, B] as make()'s.
    [[nodiscard]] std::vector<std::int32_t> make_per_neuron(const spark_host_t* host,
                                                            std::size_t n) const {
        auto d = fill(host, sdk::make_shape({static_cast<std::int64_t>(n)}));
        const std::size_t k = first_out_of_range(d);
        if (k < d.size()) {
            fail(d[k], "presynaptic neuron " + std::to_string(k));
        }
        return d;
    }

    /// The first position of `d` outside [0, B], or d.size() when all are in range.
    [[nodiscard]] std::size_t first_out_of_range(const std::vector<std::int32_t>& d) const {
        for (std::size_t k = 0; k < d.size(); ++k) {
            if (d[k] < 0 || static_cast<std::uint32_t>(d[k]) > slots) {
                return k;
            }
        }
        return d.size();
    }

    /// Refuses delay `d` of `what` (e.g. "synapse (post 3, pre 5)") with the allowed range.
    [[noreturn]] void fail(std::int32_t d, const std::string& what) const {
        throw sdk::status_error(SPARK_ERR_INVALID_ARGUMENT,
                                "delays must be whole steps in [0, " + std::to_string(slots) +
                                    "] (max_delay / dt), got " + std::to_string(d) + " for " +
                                    what + "; raise max_delay or lower the delays");
    }

private:
    // make_rows() asks for about this many delays at a time.
    static constexpr std::size_t indices_per_block = std::size_t{1} << 16U;

    [[nodiscard]] std::vector<std::int32_t> fill(const spark_host_t* host,
                                                 const spark_shape_t& shape) const {
        std::vector<std::int32_t> d(static_cast<std::size_t>(sdk::element_count(shape)));
        spark_buffer_t out{};
        out.data = d.data();
        out.count = d.size();
        out.spec = sdk::make_spec(SPARK_PAYLOAD_INT, SPARK_DTYPE_I32, shape);
        if (d.empty()) {
            return d;
        }
        const auto config = forced();
        delays.fill(host, out, config.get());
        return d;
    }

    /// The initializer config with upstream's init_kwargs: every initializer type starts with
    /// scale, min_value, max_value (the spark.initializers contract), so they are forced by
    /// index. nullptr for a number.
    [[nodiscard]] std::unique_ptr<sdk::owned_config> forced() const {
        const auto* given = delays.config();
        if (given == nullptr) {
            return nullptr;
        }
        auto config = given->clone();
        if (config->size() >= 2 && config->value(0).type == SPARK_FIELD_FLOAT &&
            config->value(1).type == SPARK_FIELD_FLOAT) {
            config->set_float(0, static_cast<double>(slots) + 1.0);
            config->set_float(1, 1.0);
        }
        return config;
    }
};

} // namespace spark::neurons
