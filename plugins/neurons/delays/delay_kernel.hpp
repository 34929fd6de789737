// SPDX-License-Identifier: Apache-2.0
// N2NDelays' configuration (upstream-models.md sections 5.5 and 5.6): the ring size B from
// max_delay, and the per-synapse delay kernel D[post][pre] in whole steps from the `delays`
// initializer, with upstream's init_kwargs (scale = B + 1, min_value = 1) forced on it.
#pragma once
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include <spark/sdk/buffers.hpp>
#include <spark/sdk/guard.hpp>
#include <spark/sdk/initializer.hpp>
#include <spark/sdk/params.hpp>
#include <spark/sdk/schema.hpp>

#include "common/component_shapes.hpp"

namespace spark::neurons {

inline void declare_delay_fields(sdk::schema& s) {
    declare_component_units(s);
    s.field_float("max_delay", 8.0)
        .units("ms")
        .positive()
        .description("longest delay; the ring buffer keeps ceil(max_delay / dt) past steps");
    s.field_initializer("delays", "uniform_initializer", "")
        .nested_kind(SPARK_KIND_INITIALIZER)
        .description("delay of each synapse in steps, in [0, ceil(max_delay / dt)]; an "
                     "initializer gets scale = slots + 1 and min_value = 1 forced, as upstream");
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
        std::vector<std::int32_t> d(n_post * n_pre);
        spark_buffer_t out{};
        out.data = d.data();
        out.count = d.size();
        out.spec = sdk::make_spec(
            SPARK_PAYLOAD_INT,
            SPARK_DTYPE_I32,
            sdk::make_shape({static_cast<std::int64_t>(n_post), static_cast<std::int64_t>(n_pre)}));
        if (d.empty()) {
            return d;
        }
        if (const auto* given = delays.config()) {
            // Upstream's init_kwargs: every initializer type starts with scale, min_value,
            // max_value (the spark.initializers contract), so they are forced by index.
            auto forced = given->clone();
            if (forced->size() >= 2 && forced->value(0).type == SPARK_FIELD_FLOAT &&
                forced->value(1).type == SPARK_FIELD_FLOAT) {
                forced->set_float(0, static_cast<double>(slots) + 1.0);
                forced->set_float(1, 1.0);
            }
            delays.fill(host, out, forced.get());
        } else {
            delays.fill(host, out);
        }
        for (std::size_t k = 0; k < d.size(); ++k) {
            if (d[k] < 0 || static_cast<std::uint32_t>(d[k]) > slots) {
                throw sdk::status_error(
                    SPARK_ERR_INVALID_ARGUMENT,
                    "delays must be whole steps in [0, " + std::to_string(slots) +
                        "] (max_delay / dt), got " + std::to_string(d[k]) + " for synapse (post " +
                        std::to_string(k / n_pre) + ", pre " + std::to_string(k % n_pre) +
                        "); raise max_delay or lower the delays");
            }
        }
        return d;
    }
};

} // namespace spark::neurons
