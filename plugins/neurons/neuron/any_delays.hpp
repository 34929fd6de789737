// SPDX-License-Identifier: Apache-2.0
// A neuron's delays chosen by their config: n2n_delays (one delay per synapse, upstream's
// default), n_delays (one per presynaptic neuron, shared by its synapses) or none (null). Either
// way the neuron gets D[o][i] in steps for its ring (neuron/population.hpp), stored per kind
// (neuron/synapse_delays.hpp): drawn from the config, or a table written through the neuron's
// `delays.kernel` property (neuron/neuron_properties.hpp) until the neuron resets.
#pragma once
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <spark/sdk/plugin.hpp>

#include "common/post_rows.hpp"
#include "delays/delay_kernel.hpp"
#include "delays/n2n_delays.hpp"
#include "delays/n_delays.hpp"
#include "neuron/component_view.hpp"
#include "neuron/synapse_delays.hpp"
#include "synapses/sparse_kernel.hpp"

namespace spark::neurons {

class any_delays {
public:
    /// The delay types the fused population knows (none is `null`, not a type).
    static std::vector<std::string> accepted() {
        return {std::string("spark.") + n2n_delays::class_ref,
                std::string("spark.") + n_delays::class_ref};
    }

    any_delays(const sdk::config_view& cfg,
               const char* neuron,
               const char* field,
               const spark_shape_t& units)
        : config_(configure(cfg, neuron, field, units, per_synapse_)) {}

    /// B: the longest delay in steps (the ring keeps B + 1 rows); 0 without delays.
    [[nodiscard]] std::uint32_t slots() const noexcept { return config_ ? config_->slots : 0U; }
    /// Whether the neuron has delays (null: none).
    [[nodiscard]] bool present() const noexcept { return config_.has_value(); }
    /// n2n_delays (D[post][pre]) rather than n_delays (D[pre]).
    [[nodiscard]] bool per_synapse() const noexcept { return per_synapse_; }

    /// D as the delay component's `kernel` property lays it out: row-major (rows.count, n_pre)
    /// per synapse (the rows of the population's D[post][pre] this neuron holds), (n_pre) per
    /// presynaptic neuron (the same in every slice); the written table, else the config's draw.
    [[nodiscard]] std::vector<std::int32_t>
    table(const spark_host_t* host, const post_rows& rows, std::size_t n_pre) const {
        if (written_) {
            return *written_;
        }
        return per_synapse_ ? config_->make_rows(host, rows, n_pre)
                            : config_->make_per_neuron(host, n_pre);
    }
    /// table() as the config draws it, whatever was written.
    [[nodiscard]] std::vector<std::int32_t>
    drawn_table(const spark_host_t* host, const post_rows& rows, std::size_t n_pre) const {
        return per_synapse_ ? config_->make_rows(host, rows, n_pre)
                            : config_->make_per_neuron(host, n_pre);
    }
    /// Makes `d` (laid out as table()) the delays make() and make_listed() give until forget().
    /// A delay outside [0, B] is refused, as the delay components refuse it, before anything
    /// changes.
    void write(std::vector<std::int32_t> d, std::size_t n_pre) {
        const std::size_t k = config_->first_out_of_range(d);
        if (k < d.size()) {
            config_->fail(d[k],
                          (per_synapse_ ? "synapse (post " + std::to_string(k / n_pre) + ", pre " +
                                              std::to_string(k % n_pre) + ")"
                                        : "presynaptic neuron " + std::to_string(k)) +
                              " of the kernel written");
        }
        written_ = std::move(d);
    }
    [[nodiscard]] bool written() const noexcept { return written_.has_value(); }
    /// Back to the config's draw (at reset).
    void forget() noexcept { written_.reset(); }

    /// D[o][i] in steps into `delays`, stored as compactly as the kind allows: nothing without
    /// delays, per presynaptic neuron for n_delays, per synapse for n2n_delays.
    void make(const spark_host_t* host,
              const post_rows& rows,
              std::size_t n_pre,
              synapse_delays& delays) const {
        if (!config_) {
            delays.assign_none();
        } else if (written_) {
            if (per_synapse_) {
                delays.assign_per_synapse(*written_, rows.count, n_pre);
            } else {
                delays.assign_per_presynaptic(*written_);
            }
        } else if (per_synapse_) {
            delays.assign_per_synapse(config_->make_rows(host, rows, n_pre), rows.count, n_pre);
        } else {
            delays.assign_per_presynaptic(config_->make_per_neuron(host, n_pre));
        }
    }

    /// The same for the synapses of a sparse kernel, in its presynaptic order: per-synapse delays
    /// are drawn only where a synapse exists (at a cost per synapse, through the initializer's
    /// values_at), or taken from the dense draw when the initializer cannot give single values.
    void make_listed(const spark_host_t* host,
                     const post_rows& rows,
                     std::size_t n_pre,
                     const presynaptic_order& order,
                     synapse_delays& delays) const {
        if (!config_ || !per_synapse_) {
            make(host, rows, n_pre, delays);
            return;
        }
        // Positions in the whole population's D[post][pre]: a target is a row of this neuron's.
        std::vector<std::uint64_t> at(order.target.size());
        for (std::size_t i = 0; i < n_pre; ++i) {
            for (std::size_t k = order.offset[i]; k < order.offset[i + 1]; ++k) {
                at[k] = (std::uint64_t{order.target[k]} + rows.first) * n_pre + i;
            }
        }
        auto listed =
            written_
                ? std::nullopt
                : config_->make_at(host, rows.whole, n_pre, sdk::span<const std::uint64_t>(at));
        if (!listed) {
            const auto dense = table(host, rows, n_pre); // this neuron's rows
            const std::uint64_t skipped = std::uint64_t{rows.first} * n_pre;
            listed.emplace(at.size());
            for (std::size_t k = 0; k < at.size(); ++k) {
                (*listed)[k] = dense[at[k] - skipped];
            }
        }
        delays.assign_per_listed_synapse(*listed);
    }

private:
    static std::optional<delay_config> configure(const sdk::config_view& cfg,
                                                 const char* neuron,
                                                 const char* field,
                                                 const spark_shape_t& units,
                                                 bool& per_synapse) {
        if (!cfg.has_config(field)) {
            return std::nullopt; // none: upstream's delays=None
        }
        const spark_config_t& nested = cfg.nested(field);
        const std::string ref = nested.class_ref != nullptr ? nested.class_ref : "";
        per_synapse = ref == std::string("spark.") + n2n_delays::class_ref;
        if (per_synapse) {
            return delay_config(detail::component_view<n2n_delays>(cfg, neuron, field, units));
        }
        if (ref == std::string("spark.") + n_delays::class_ref) {
            return delay_config(detail::component_view<n_delays>(cfg, neuron, field, units));
        }
        throw sdk::status_error(SPARK_ERR_INVALID_ARGUMENT,
                                std::string(neuron) + "." + field + " is " + ref + "; a " + neuron +
                                    " takes spark.n2n_delays or spark.n_delays here");
    }

    bool per_synapse_ = true; // declared first: configure() sets it while building config_
    std::optional<delay_config> config_;               // none: no delays
    std::optional<std::vector<std::int32_t>> written_; // laid out as table(); none: the draw
};

} // namespace spark::neurons
