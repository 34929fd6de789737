// SPDX-License-Identifier: Apache-2.0
// What upstream's neurons share (docs/models.md sections 7.1, 7.2), fused and event-driven:
// one step runs n2n_delays -> linear_synapses (the kernel before learning) -> soma -> learning
// rule, then relabels the soma's spikes with the population's inhibition bits. The soma and the
// learning rule are policies, so a neuron type is this template plus its choice of both
// (lif_neuron: leaky soma + Hebbian; alif_neuron: adaptive leaky soma + Zenke). Components are
// read from their own nested configs, so they follow exactly the standalone types' fields.
// Delivery costs per presynaptic spike, never O(pre x post) when activity is sparse; what a rule
// costs is the rule's business (the Hebbian one is event-driven, Zenke's target trace is dense).
// A large delivery splits by postsynaptic range over the host's workers (SPARK_SERVICE_PARALLEL,
// docs/adr/0008-parallel-work-inside-a-module.md), bit-identical to one thread. It also runs as a
// slice of its neurons (spark/abi/slices.h): the kernel, delays and inhibition mask are drawn
// for the whole population and cut to the slice's rows, so O below is then the slice's neurons.
//
// A soma policy S (somas/leaky_dynamics.hpp is the smallest one):
//   static constexpr const char* class_ref;      // the registered component its config names
//   static void declare_fields(sdk::schema&);     // exactly that component's fields
//   explicit S(const sdk::config_view& nested);   // constants from the nested config
//   void build(std::size_t n); void reset();      // per-neuron state, initial values
//   void update(span<const T> current, span<uint8_t> spikes);  // one step; spikes 0/1
//   void state(sdk::state_list&, const spark_shape_t& units); void state_loaded();
// A learning-rule policy R (learning/hebbian_learning.hpp, learning/zenke_learning.hpp):
//   class_ref, declare_fields, explicit R(const sdk::config_view& nested) as a soma's;
//   bool plastic() const;         // false: no weight changes after the first clip, so the
//                                 // neuron leaves zero weights out of delivery
//   void build(const population_shape&); void reset();
//   void presynaptic(previous_slot, slot, const uint8_t* spikes);  // a new ring row (traces)
//   void postsynaptic(span<const uint8_t> spiked);                 // after the soma (traces)
//   void learn(const synapse_step<T>&);                            // writes the weights
//   void state(sdk::state_list&, const population_shape&); void state_loaded();
//
// Data layout (I = presynaptic neurons, O = units, R = B + 1 ring rows, B = longest delay):
//   weights_   T[I*O]      pre-major: W[o][i] at i*O + o; one presynaptic spike touches one
//                          contiguous column
//   delays_                D[o][i] in steps, 0..B: none, per presynaptic neuron, or uint16[I*O]
//                          pre-major like weights_ (synapse_delays.hpp)
//   groups_                per (i, d): the o with D[o][i] == d, contiguous; a full group (every
//                          o) is a contiguous weight column without a list (delay_groups.hpp)
//   listed_weights_        static rules: each listed synapse's weight beside its target;
//                          the grouped layout: the live kernel itself, in list order
//   post_positions_,       the grouped layout (a plastic rule that learns on it, per-synapse
//   post_delays_           delays): per synapse (o, i), post-major, its list position and delay
//   pending_               static, sparse, delayed synapses instead of groups_: per presynaptic
//                          neuron its synapses (o, d, w), and T[R*O] currents on their way,
//                          one row per arrival slot (pending_current.hpp)
//   ring_      uint8[R*I]  the presynaptic spikes of the last R steps (row = ring slot), each
//                          with its inhibition bit at emission (1 or 3): the sign it delivers
//   fired_     uint32[R*I] per ring row, the indices of the neurons that spiked (fired_count_)
//   current_, spiked_      T/uint8 [O]: this step's synaptic current and soma spikes
#pragma once
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include <spark/sdk/parallel.hpp>
#include <spark/sdk/plugin.hpp>

#include "common/component_shapes.hpp"
#include "common/large_vector.hpp"
#include "common/post_rows.hpp"
#include "common/spike_scan.hpp"
#include "common/transpose.hpp"
#include "delays/spike_ring.hpp"
#include "neuron/any_delays.hpp"
#include "neuron/any_synapses.hpp"
#include "neuron/column_add.hpp"
#include "neuron/component_view.hpp"
#include "neuron/delay_groups.hpp"
#include "neuron/inhibitory_mask.hpp"
#include "neuron/neuron_properties.hpp"
#include "neuron/pending_current.hpp"
#include "neuron/synapse_step.hpp"
#include "synapses/sparse_kernel.hpp"
#include "synapses/synapse_kernel.hpp"

namespace spark::neurons {

namespace detail {

/// A policy built from the neuron's config: one that chooses its type itself (any_soma,
/// any_rule) takes the neuron's view; a fixed one takes the view of its own component.
template <typename P>
P make_policy(const sdk::config_view& cfg,
              const char* neuron,
              const char* field,
              const spark_shape_t& units) {
    if constexpr (std::is_constructible_v<P,
                                          const sdk::config_view&,
                                          const char*,
                                          const char*,
                                          const spark_shape_t&>) {
        return P(cfg, neuron, field, units);
    } else {
        return P(policy_view<P>(cfg, neuron, field, units));
    }
}

/// The types a policy's field accepts: those a choosing policy knows (any_soma::accepted), or
/// the one component a fixed policy is.
template <typename P>
std::vector<std::string> accepted_types() {
    if constexpr (requires { P::accepted(); }) {
        return P::accepted();
    } else {
        return {std::string("spark.") + P::class_ref};
    }
}

} // namespace detail

template <typename T, typename Soma, typename Rule>
class population {
public:
    /// The fields and ports of every such neuron; `soma` and `learning_rule` default to the
    /// policies' component types.
    static void declare(sdk::schema& s) { declare(s, Soma::class_ref, Rule::class_ref); }

    /// The same with the default soma and learning rule named (for policies that choose).
    static void declare(sdk::schema& s, const char* soma, const char* learning_rule) {
        s.field_int_array("units", {})
            .required()
            .positive()
            .length(1, SPARK_MAX_RANK)
            .description("shape of the population");
        s.field_float("inhibitory_rate", 0.2)
            .range(0.0, 1.0)
            .description("share of inhibitory neurons: floor(|units| * rate) of them");
        s.field_config("soma", soma)
            .nested_kind(SPARK_KIND_COMPONENT)
            .accepts(detail::accepted_types<Soma>())
            .description(std::string("the soma: any spark soma type (default spark.") + soma + ")");
        s.field_config("synapses", "linear_synapses")
            .nested_kind(SPARK_KIND_COMPONENT)
            .accepts(any_synapses<T>::accepted())
            .description("the synapses: spark.linear_synapses, traced_synapses, "
                         "rd_traced_synapses or rfs_traced_synapses; their kernel is learned");
        s.field_config("delays", "n2n_delays")
            .nullable()
            .nested_kind(SPARK_KIND_COMPONENT)
            .accepts(any_delays::accepted())
            .description("the delays: spark.n2n_delays (per synapse) or spark.n_delays (per "
                         "presynaptic neuron), or null (none: every spike arrives at once)");
        s.field_config("learning_rule", learning_rule)
            .nullable()
            .nested_kind(SPARK_KIND_COMPONENT)
            .accepts(detail::accepted_types<Rule>())
            .description(std::string("the learning rule (default spark.") + learning_rule +
                         "), or null (none: static weights); a third-factor rule reads the "
                         "modulation input");
        s.input("in_spikes", SPARK_PAYLOAD_SPIKES, "spike_array")
            .any()
            .description("presynaptic spikes; bit1 marks an inhibitory presynaptic neuron");
        s.input("modulation", SPARK_PAYLOAD_FLOAT, "float_array")
            .any()
            .optional()
            .description("the third factor of three_factor_hebbian_rule (reward) or "
                         "quadruplet_rule / quadruplet_rule_tensor (modulation): 1 value or one "
                         "per neuron; leave "
                         "unwired for other rules");
        s.output("out_spikes", SPARK_PAYLOAD_SPIKES, "spike_array")
            .from_field("units")
            .description("spikes (bit0) with the neuron's inhibition bit (bit1), also at reset");
        declare_neuron_properties(s);
    }

    /// `neuron` (a string literal: the type's class_ref) names the neuron in messages. A slice of
    /// the population (info.slice, spark/abi/slices.h) is a population of its own neurons whose
    /// draws are the whole population's rows (common/post_rows.hpp); a type that runs in slices
    /// names `units` as its slices_field (neuron/neuron_types.hpp).
    population(const sdk::config_view& cfg, const sdk::instance_info& info, const char* neuron)
        : name_(neuron), host_(info.host), parallel_(info.host), units_(cfg.shape("units")),
          rows_(rows_of(units_, info)), seed_(cfg.seed()),
          inhibitory_rate_(cfg.get<double>("inhibitory_rate")),
          soma_(detail::make_policy<Soma>(cfg, neuron, "soma", units_)),
          synapses_(cfg, neuron, "synapses", units_), delay_(cfg, neuron, "delays", units_),
          rule_(detail::make_policy<Rule>(cfg, neuron, "learning_rule", units_)) {
        shape_.n_post = rows_.count;
        // A slice's neurons are a range of row-major positions: its outputs and states are flat.
        shape_.units =
            rows_.all() ? units_ : sdk::make_shape({static_cast<std::int64_t>(rows_.count)});
    }

    void contract(sdk::contract_context& c) {
        c.output(0) = sdk::make_spec(SPARK_PAYLOAD_SPIKES, SPARK_DTYPE_U8, shape_.units);
    }

    // Everything sized by the population is allocated here, never in the constructor:
    // `spark validate` creates each module to check it, and must not allocate its state.
    void build(sdk::build_context& b) {
        in_shape_ = b.input(0).shape;
        const std::size_t n_pre = count_of(in_shape_);
        const std::size_t n_post = shape_.n_post;
        mask_ = inhibitory_mask(seed_, rows_.whole, inhibitory_rate_); // the whole one's draw ...
        if (!rows_.all()) {
            // ... cut to this slice's neurons
            mask_.erase(mask_.begin() + static_cast<std::ptrdiff_t>(rows_.end()), mask_.end());
            mask_.erase(mask_.begin(), mask_.begin() + static_cast<std::ptrdiff_t>(rows_.first));
            mask_.shrink_to_fit();
        }
        shape_.n_pre = n_pre;
        shape_.rows = static_cast<std::size_t>(delay_.slots()) + 1U;
        shape_.kernel = concat_shapes(shape_.units, in_shape_);
        shape_.history = sdk::make_shape(
            {static_cast<std::int64_t>(shape_.rows), static_cast<std::int64_t>(n_pre)});
        sparse_ = keeps_sparse_kernel();
        load_kernel();
        if (!sparse_) {
            delay_.make(host_, rows_, n_pre, delays_);
        }
        index_synapses();
        ring_.resize(shape_.rows, n_pre);
        fired_.assign(shape_.rows * n_pre, 0);
        fired_count_.assign(shape_.rows, 0);
        slot_of_delay_.assign(shape_.rows, 0);
        current_.assign(n_post, T(0));
        spiked_.assign(n_post, 0);
        post_fired_.assign(n_post, 0);
        synapses_.build(n_post, n_pre);
        soma_.build(n_post);
        rule_.build(shape_);
        check_modulation(b.input(modulation_port));
    }

    // The initial state, kernel included (upstream keeps a learned kernel across reset; ours
    // restores it, like every other state: docs/upstream-differences.md), and the drawn delays
    // after a delays write. Step -1's output is silence carrying the inhibition bits.
    void reset(const sdk::output_buffers& out) {
        if (delay_.written()) {
            delay_.forget(); // the drawn delays again, as the initial kernel
            if (!sparse_) {
                delay_.make(host_, rows_, shape_.n_pre, delays_);
            }
            kernel_learned_ = true; // the lists follow the delays
        }
        if (kernel_learned_) {
            load_kernel();
            index_synapses();
        }
        needs_clip_ = true;
        ring_.clear();
        if (at_emission_) {
            pending_.clear();
        }
        std::fill(fired_count_.begin(), fired_count_.end(), std::uint32_t{0});
        synapses_.reset();
        soma_.reset();
        rule_.reset();
        const auto spikes = out.get<std::uint8_t>(0);
        for (std::size_t o = 0; o < shape_.n_post; ++o) {
            spikes[o] = static_cast<std::uint8_t>(mask_[o] << 1U);
        }
        next_step_ = 0;
    }

    void step(const sdk::step_context& ctx) {
        const auto in = ctx.input<std::uint8_t>(0);
        const auto out = ctx.output<std::uint8_t>(0);
        const std::size_t now = push_presynaptic(in.data());
        deliver(now);
        synapses_.filter(sdk::span<T>(current_));
        soma_.update(sdk::span<const T>(current_), sdk::span<std::uint8_t>(spiked_));
        rule_.postsynaptic(sdk::span<const std::uint8_t>(spiked_));
        const std::size_t post_count = label_spikes(
            spiked_.data(), mask_.data(), shape_.n_post, out.data(), post_fired_.data());
        if (modulated_) {
            const auto m = ctx.input<T>(modulation_port);
            // One value per neuron of the whole population: a slice's own are [first, end).
            rule_.modulate(m.size() > 1 && !rows_.all()
                               ? sdk::span<const T>(m.data() + rows_.first, rows_.count)
                               : m);
        }
        learn(in.data(), post_count);
        next_step_ = ctx.index() + 1;
    }

    void state(sdk::state_list& s) {
        const std::size_t n_pre = shape_.n_pre;
        const std::size_t n_post = shape_.n_post;
        if (sparse_) {
            // Compressed rows, as kept (synapses/sparse_kernel.hpp).
            s.add("kernel_row_start",
                  sparse_kernel_.row_start,
                  sdk::make_shape({static_cast<std::int64_t>(n_post) + 1}));
            const auto synapses =
                sdk::make_shape({static_cast<std::int64_t>(sparse_kernel_.size())});
            s.add("kernel_column", sparse_kernel_.column, synapses);
            s.add("kernel_value", sparse_kernel_.value, synapses);
        } else {
            // The dense kernel as kept for stepping, pre-major (W[i][o] at i * n_post + o): a
            // checkpoint streams it from here, with no staged copy of the weights.
            settle_weights();
            s.add("kernel_pre_major",
                  weights_,
                  sdk::make_shape(
                      {static_cast<std::int64_t>(n_pre), static_cast<std::int64_t>(n_post)}));
        }
        synapses_.state(s, shape_.units);
        soma_.state(s, shape_.units);
        rule_.state(s, shape_);
        s.add("spike_history", ring_.bytes(), shape_.history);
        s.add("cursor", ring_.cursor(), sdk::make_shape({1}));
    }

    void state_loaded() {
        ring_.check_loaded(name_);
        if (sparse_) {
            check_sparse_kernel(
                sparse_kernel_, shape_.n_pre, std::string(name_) + " state: kernel_");
        }
        synapses_.state_loaded();
        soma_.state_loaded();
        // The lists first: a rule that keeps per-synapse state in the grouped layout's order
        // takes it back in the lists' order, which a delays write changes.
        index_synapses();
        rule_.state_loaded();
        for (std::size_t r = 0; r < shape_.rows; ++r) {
            collect_fired(r);
        }
        if (lazy_) {
            rule_resume();
        }
        kernel_learned_ = true;
        needs_clip_ = true; // what upstream's max(0, W + dt dW) does to every weight anyway
    }

    // --- properties (neuron/neuron_properties.hpp): the computed specs, reads and writes ------

    [[nodiscard]] spark_port_spec_t property_spec(std::size_t index) const {
        if (index == neuron_synapses_kernel) {
            return sdk::make_spec(SPARK_PAYLOAD_FLOAT, sdk::dtype_of<T>, shape_.kernel);
        }
        if (!delay_.present()) {
            return {}; // delays.kernel of a neuron without delays: unavailable
        }
        return sdk::make_spec(
            SPARK_PAYLOAD_INT, SPARK_DTYPE_I32, delay_.per_synapse() ? shape_.kernel : in_shape_);
    }
    [[nodiscard]] std::string property_unavailable(std::size_t /*index: delays.kernel*/) const {
        return "this neuron has no part 'delays'";
    }

    /// Of a slice: whether property `index` holds rows of the whole population's (the kernel,
    /// per-synapse delays) rather than equals it (delays per presynaptic neuron). The SDK answers
    /// for soma.potential and inhibition_mask, which are per neuron.
    [[nodiscard]] bool property_rows(std::size_t index) const {
        return index != neuron_delays_kernel || !delay_.present() || delay_.per_synapse();
    }

    void read_property(std::size_t index, void* out) {
        switch (index) {
        case neuron_soma_potential:
            read_soma_potential<T>(soma_, shape_.units, out);
            break;
        case neuron_synapses_kernel:
            read_kernel(static_cast<T*>(out));
            break;
        case neuron_delays_kernel:
            read_delays(static_cast<std::int32_t*>(out));
            break;
        default:
            std::memcpy(out, mask_.data(), mask_.size());
            break;
        }
    }

    // A write takes effect as a loaded checkpoint would (state() stages every state, then
    // state_loaded() takes it back and rebuilds the delivery lists), so the kernel on its way and
    // the rule's waiting terms stay consistent. A plastic rule clips the written kernel at 0
    // before its next update, as after a checkpoint; static weights stay as written.
    void write_property(std::size_t index, const void* in) {
        const std::size_t n_pre = shape_.n_pre;
        const std::size_t n_post = shape_.n_post;
        if (index == neuron_delays_kernel) {
            const auto* d = static_cast<const std::int32_t*>(in);
            const std::size_t count = delay_.per_synapse() ? n_post * n_pre : n_pre;
            check_promised_delays(d, count);
            delay_.write(std::vector<std::int32_t>(d, d + count), n_pre);
            rewrite([&] {
                if (!sparse_) {
                    delay_.make(host_, rows_, n_pre, delays_);
                }
            });
            return;
        }
        const auto* w = static_cast<const T*>(in);
        rewrite([&] {
            if (sparse_) {
                sparse_kernel_ = compress_rows(w, n_post, n_pre);
            } else {
                transpose_into(w, n_post, n_pre, weights_.data());
            }
        });
    }

    // --- late inputs (spark/abi/late_inputs.h, docs/adr/0024-exchange-windows.md) -------------
    //
    // A presynaptic spike pushed at step s with delay D reaches the soma at step s + D, and
    // nothing else reads it before: not its sign (the ring keeps it from the step it was pushed:
    // a late element's zeros in later inputs sign nothing), and not the rule when it is none (a
    // rule's traces read every spike as it is pushed, so any rule, even a static one, keeps the
    // spikes on time). A spike may so come up to L steps late, L the shortest delay of any synapse
    // from its presynaptic neuron onto this instance's neurons (a zero weight's too, so no kernel
    // write shortens it): write_late() puts it into its step's ring row before any delivery reads
    // it. L is taken from the drawn delay table (and a written one); a later delays write that
    // would shorten it is refused.

    /// How many steps late elements [offset, offset + count) of input `port` may come: 0 for the
    /// modulation, without delays, with a learning rule, else the shortest delay of their
    /// synapses.
    [[nodiscard]] std::uint32_t
    lateness(std::size_t port, std::uint64_t offset, std::uint64_t count) const {
        if (port != 0 || count == 0 || !takes_late_spikes()) {
            return 0;
        }
        const auto& floor = late_floor();
        return *std::min_element(floor.begin() + static_cast<std::ptrdiff_t>(offset),
                                 floor.begin() + static_cast<std::ptrdiff_t>(offset + count));
    }

    /// The spikes of elements [offset, offset + count) of in_spikes at step `step`, which was
    /// stepped with zeros in their place, at most lateness() steps back: into that step's ring row,
    /// as push_presynaptic() stores them. Delivery at emission rebuilds its future currents from
    /// the ring, in the order of the on-time scatter, so they are the same bits.
    void write_late(std::size_t port,
                    std::uint64_t step,
                    std::uint64_t offset,
                    std::uint64_t count,
                    const void* values) {
        if (count == 0) {
            return;
        }
        const std::string elements =
            std::string(name_) + " input '" + (port == 0 ? "in_spikes" : "modulation") +
            "' elements [" + std::to_string(offset) + ", " + std::to_string(offset + count) + ")";
        const std::uint32_t late = lateness(port, offset, count);
        if (late == 0) {
            throw sdk::status_error(
                SPARK_ERR_INVALID_ARGUMENT,
                elements + " must arrive on time (lateness 0: " + on_time_reason(port) +
                    "); got a value for step " + std::to_string(step));
        }
        const std::uint64_t first = next_step_ > late ? next_step_ - late : 0;
        if (step >= next_step_ || step < first) {
            const std::string allowed = next_step_ == 0
                                            ? std::string(", but no step was taken since reset")
                                            : ": after step " + std::to_string(next_step_ - 1) +
                                                  ", steps [" + std::to_string(first) + ", " +
                                                  std::to_string(next_step_) + ")";
            throw sdk::status_error(SPARK_ERR_INVALID_ARGUMENT,
                                    elements + " may come up to " + std::to_string(late) +
                                        " steps late" + allowed + "; got step " +
                                        std::to_string(step));
        }
        const std::size_t slot = ring_.slot_before(static_cast<std::size_t>(next_step_ - 1 - step));
        std::uint8_t* row = ring_.row(slot);
        const auto* bytes = static_cast<const std::uint8_t*>(values);
        for (std::uint64_t k = 0; k < count; ++k) {
            row[offset + k] = spike_with_sign(bytes[k]);
        }
        collect_fired(slot);
        if (at_emission_) {
            needs_rebuild_ = true; // the late spikes' currents on their way
        }
    }

private:
    // Whether in_spikes may come late at all: delays, and a rule that reads no spike.
    [[nodiscard]] bool takes_late_spikes() const {
        return delay_.present() && shape_.rows > 1 && rule_reads_no_spikes();
    }

    [[nodiscard]] std::string on_time_reason(std::size_t port) const {
        if (port != 0) {
            return "the third factor is read in its step";
        }
        if (!delay_.present()) {
            return "no delays";
        }
        if (!rule_reads_no_spikes()) {
            return "the learning rule reads every spike as it comes";
        }
        return "a synapse of theirs has delay 0";
    }

    // Per presynaptic neuron, the shortest delay of its synapses onto this instance's neurons,
    // over every (o, i) of the drawn table and of a written one. Drawn on the first lateness()
    // only, so a neuron that is never asked pays nothing.
    const std::vector<std::uint32_t>& late_floor() const {
        if (late_floor_.empty()) {
            const std::size_t n_pre = shape_.n_pre;
            late_floor_.assign(n_pre, delay_.slots());
            const auto take = [&](const std::vector<std::int32_t>& d) {
                for (std::size_t k = 0; k < d.size(); ++k) { // (o, i) row-major, or (i)
                    std::uint32_t& floor = late_floor_[k % n_pre];
                    floor = std::min(floor, static_cast<std::uint32_t>(d[k]));
                }
            };
            take(delay_.drawn_table(host_, rows_, n_pre));
            if (delay_.written()) {
                take(delay_.table(host_, rows_, n_pre));
            }
        }
        return late_floor_;
    }

    // A delays write (laid out as the delays' table) must not shorten a delay below what
    // lateness() may have promised: late values would then come after their delivery.
    void check_promised_delays(const std::int32_t* d, std::size_t count) const {
        if (late_floor_.empty() || !takes_late_spikes()) {
            return;
        }
        const std::size_t n_pre = shape_.n_pre;
        for (std::size_t k = 0; k < count; ++k) {
            if (d[k] < static_cast<std::int64_t>(late_floor_[k % n_pre])) {
                throw sdk::status_error(
                    SPARK_ERR_INVALID_ARGUMENT,
                    std::string(name_) + " delays.kernel: delay " + std::to_string(d[k]) +
                        " of presynaptic neuron " + std::to_string(k % n_pre) +
                        " is shorter than the " + std::to_string(late_floor_[k % n_pre]) +
                        " steps its spikes may come late (lateness); keep it at least that");
            }
        }
    }

    [[nodiscard]] bool rule_reads_no_spikes() const {
        if constexpr (requires { rule_.reads_no_spikes(); }) {
            return rule_.reads_no_spikes();
        } else {
            return false;
        }
    }

    // weights_ brought up to date: the rule's waiting terms applied, and the grouped layout's
    // live weights (listed_weights_) copied back.
    void settle_weights() {
        if (lazy_) {
            rule_settle(step_view(nullptr, 0));
        }
        if (grouped_) {
            groups_.for_each_listed([&](std::size_t i, std::size_t o, std::size_t k) {
                weights_[i * shape_.n_post + o] = listed_weights_[k];
            });
        }
    }

    // W[o][i] post-major, every entry (a sparse kernel's absent synapses are 0).
    void read_kernel(T* w) {
        const std::size_t n_pre = shape_.n_pre;
        const std::size_t n_post = shape_.n_post;
        if (sparse_) {
            std::fill(w, w + n_post * n_pre, T(0));
            for (std::size_t o = 0; o < n_post; ++o) {
                for (auto k = static_cast<std::size_t>(sparse_kernel_.row_start[o]);
                     k < static_cast<std::size_t>(sparse_kernel_.row_start[o + 1]);
                     ++k) {
                    w[o * n_pre + static_cast<std::size_t>(sparse_kernel_.column[k])] =
                        sparse_kernel_.value[k];
                }
            }
            return;
        }
        settle_weights();
        transpose_into(weights_.data(), n_pre, n_post, w);
    }

    // The compressed rows of a post-major kernel: its non-zero entries (a static sparse kernel
    // never delivers a zero weight, so leaving them out changes no current).
    static sparse_kernel<T> compress_rows(const T* w, std::size_t n_post, std::size_t n_pre) {
        sparse_kernel<T> k;
        k.row_start.assign(n_post + 1, 0);
        for (std::size_t o = 0; o < n_post; ++o) {
            for (std::size_t i = 0; i < n_pre; ++i) {
                if (w[o * n_pre + i] != T(0)) {
                    k.column.push_back(static_cast<std::int32_t>(i));
                    k.value.push_back(w[o * n_pre + i]);
                }
            }
            k.row_start[o + 1] = static_cast<std::int32_t>(k.value.size());
        }
        return k;
    }

    // D as the delay component's `kernel` property lays it out: the delays in use, or, for a
    // sparse kernel (which keeps the delays of its synapses only), the table they came from.
    void read_delays(std::int32_t* d) const {
        const std::size_t n_pre = shape_.n_pre;
        const std::size_t n_post = shape_.n_post;
        if (!delay_.per_synapse()) {
            for (std::size_t i = 0; i < n_pre; ++i) {
                d[i] = static_cast<std::int32_t>(delays_.of(0, i));
            }
        } else if (sparse_) {
            const auto table = delay_.table(host_, rows_, n_pre);
            std::copy(table.begin(), table.end(), d);
        } else {
            for (std::size_t o = 0; o < n_post; ++o) {
                for (std::size_t i = 0; i < n_pre; ++i) {
                    d[o * n_pre + i] = static_cast<std::int32_t>(delays_.of(i * n_post + o, i));
                }
            }
        }
    }

    // state(), `change` (to the staged kernel, the sparse kernel or the delays), state_loaded().
    template <typename Change>
    void rewrite(const Change& change) {
        sdk::state_list staged;
        state(staged);
        change();
        const bool clip = needs_clip_;
        state_loaded();
        needs_clip_ = clip || rule_.plastic();
    }

    // The neurons of a population of `units` an instance holds: all, or a slice's.
    static post_rows rows_of(const spark_shape_t& units, const sdk::instance_info& info) {
        const std::size_t whole = count_of(units);
        if (!info.slice) {
            return post_rows::all_of(whole);
        }
        return {static_cast<std::size_t>(info.slice->begin),
                static_cast<std::size_t>(info.slice->end - info.slice->begin),
                whole};
    }

    static constexpr std::size_t modulation_port = 1; // input
    // deliver_by_groups(): this step's arriving runs.
    struct arriving_run {
        const std::uint32_t* first; // its targets
        std::uint32_t i;
        std::uint32_t d;
        std::uint32_t slot;
        std::uint32_t count;
    };
    // Deliveries of at least this many synaptic events split over the host's workers: below it
    // a task's hand-off (a few microseconds) costs more than the additions it spares.
    static constexpr std::size_t parallel_events = 65536;
    // deliver_by_groups(): at most this many postsynaptic ranges (one per parallel_events
    // arrivals): each walks every arriving run, so more ranges cost more lower_bound()s.
    static constexpr std::size_t max_group_parts = 4;
    // Indexed weights are prefetched this many list entries ahead.
    static constexpr std::ptrdiff_t prefetch_ahead = 16;
    // Chunk bounds fall on multiples of 16 neurons: 64 bytes of float current, so two workers
    // never write one cache line.
    static constexpr std::size_t chunk_align = 16;

    /// The third factor's input must be wired exactly when the rule has one, with 1 value or one
    /// per neuron.
    void check_modulation(const spark_port_spec_t& spec) {
        const char* factor = nullptr;
        if constexpr (requires { rule_.third_factor(); }) {
            factor = rule_.third_factor();
        }
        const bool wired = spec.payload_kind != 0;
        const std::string prefix = std::string(name_) + " input 'modulation'";
        if (factor == nullptr && wired) {
            throw sdk::status_error(SPARK_ERR_INVALID_ARGUMENT,
                                    prefix + " is wired, but its learning rule has no third "
                                             "factor; unwire it or choose "
                                             "three_factor_hebbian_rule, quadruplet_rule or "
                                             "quadruplet_rule_tensor");
        }
        if (factor != nullptr && !wired) {
            throw sdk::status_error(SPARK_ERR_INVALID_ARGUMENT,
                                    prefix + " is unwired, but its learning rule reads its " +
                                        factor + " from it; wire a float source to it");
        }
        const std::size_t n = wired ? count_of(spec.shape) : 0;
        if (wired && n != 1 && n != rows_.whole) { // a slice reads the whole population's
            throw sdk::status_error(SPARK_ERR_INVALID_ARGUMENT,
                                    prefix + " holds " + std::to_string(n) +
                                        " values; give 1 (for every neuron) or " +
                                        std::to_string(rows_.whole) + " (one per neuron)");
        }
        modulated_ = wired;
    }

    // A plastic rule may grow a zero weight (upstream's rules are dense), so every synapse joins
    // the delivery groups. A static one never changes a weight after the first clip, so a zero
    // weight can never carry current: such synapses stay out, and a spike costs per existing
    // synapse (per the kernel's density), not per postsynaptic neuron.
    //
    // Static, sparse and delayed synapses deliver at emission instead (neuron/pending_current.hpp):
    // one visit per spike rather than one per (spike, delay).
    //
    // A plastic rule with per-synapse delays visits a presynaptic spike's synapses one delay at a
    // time: in a pre-major kernel such a group is scattered over the whole column, and each of
    // the column's cache lines is read once per delay, in delivery and again in learning. When
    // the rule can learn on it, the kernel is kept in the groups' order instead (the grouped
    // layout): a group is a contiguous run. A postsynaptic row is then reached through a
    // post-major index of list positions, contiguous itself. The per-synapse arithmetic and its
    // order stay the same, so the results are the same bits; the kernel is written back to the
    // pre-major copy only when the state is read.
    void index_synapses() {
        if (sparse_) {
            index_sparse_synapses();
            return;
        }
        at_emission_ = !rule_.plastic() && shape_.rows > 1 &&
                       pending_current<T>::fits(shape_.rows, shape_.n_post) &&
                       mostly_zero(weights_);
        if (at_emission_) {
            groups_.clear();
            listed_weights_ = {};
            pending_.build(delays_, weights_.data(), shape_.n_pre, shape_.n_post, shape_.rows);
            needs_rebuild_ = true;
            return;
        }
        grouped_ = rule_.plastic() && rule_learns_grouped() &&
                   delays_.stored() == synapse_delays::kind::per_synapse &&
                   shape_.n_pre * shape_.n_post <= UINT32_MAX;
        shape_.grouped = grouped_;
        lazy_ = grouped_ && rule_settles_arrivals();
        groups_.build(delays_,
                      shape_.n_pre,
                      shape_.n_post,
                      shape_.rows,
                      rule_.plastic() ? nullptr : weights_.data(),
                      grouped_);
        copy_listed_weights();
        index_postsynaptic_rows();
    }

    // A sparse kernel (synapses/sparse_kernel.hpp) is delivered like a static dense one, from
    // lists built in the synapses' presynaptic order: at emission with delays, by groups
    // otherwise (every group listed, since no weight column exists).
    void index_sparse_synapses() {
        const std::size_t n_pre = shape_.n_pre;
        const std::size_t n_post = shape_.n_post;
        const presynaptic_order order = by_presynaptic(sparse_kernel_, n_pre);
        delay_.make_listed(host_, rows_, n_pre, order, delays_);
        large_vector<T> weight(order.source.size());
        for (std::size_t k = 0; k < weight.size(); ++k) {
            weight[k] = sparse_kernel_.value[order.source[k]];
        }
        grouped_ = false;
        lazy_ = false;
        shape_.grouped = false;
        post_positions_ = {};
        post_delays_ = {};
        shape_.grouped_positions = nullptr;
        at_emission_ = shape_.rows > 1 && pending_current<T>::fits(shape_.rows, n_post);
        if (at_emission_) {
            groups_.clear();
            listed_weights_ = {};
            pending_.build_listed(delays_, order.offset, order.target, weight, n_post, shape_.rows);
            needs_rebuild_ = true;
            return;
        }
        large_vector<std::uint32_t> placed;
        groups_.build_listed(delays_, order.offset, order.target, n_post, shape_.rows, placed);
        listed_weights_.resize(weight.size());
        for (std::size_t k = 0; k < weight.size(); ++k) {
            listed_weights_[placed[k]] = weight[k];
        }
    }

    // Whether this neuron keeps its kernel sparse: its rule never reads the kernel (static, no
    // per-synapse state) and its initializer fills sparsely a kernel that is mostly zero (the
    // same bound as delivery at emission's). Decided from the config alone, so the state's
    // arrays are known before any draw.
    [[nodiscard]] bool keeps_sparse_kernel() const {
        if (!rule_kernel_free()) {
            return false;
        }
        const auto config = kernel_config(synapses_.kernel(), units_);
        if (!config) {
            return false; // a number: every weight the same
        }
        const auto density = sdk::sparse_density(host_, config->abi());
        return density && *density <= 0.5;
    }

    [[nodiscard]] bool rule_kernel_free() const {
        if constexpr (requires { rule_.kernel_free(); }) {
            return rule_.kernel_free();
        } else {
            return false;
        }
    }

    [[nodiscard]] bool rule_reads_rows() const {
        if constexpr (requires { rule_.reads_rows(); }) {
            return rule_.reads_rows();
        } else {
            return true;
        }
    }

    [[nodiscard]] bool rule_settles_arrivals() const {
        if constexpr (requires { rule_.settles_arrivals(); }) {
            return rule_.settles_arrivals();
        } else {
            return false;
        }
    }

    void rule_settle_arrivals(std::size_t i,
                              std::size_t d,
                              std::size_t slot,
                              T* w,
                              const std::uint32_t* targets,
                              std::size_t n) const {
        if constexpr (requires { rule_.settle_arrivals(i, d, slot, w, targets, n); }) {
            rule_.settle_arrivals(i, d, slot, w, targets, n);
        }
    }

    void rule_settle(const synapse_step<T>& net) {
        if constexpr (requires { rule_.settle(net); }) {
            rule_.settle(net);
        }
    }

    void rule_resume() {
        if constexpr (requires { rule_.resume(ring_); }) {
            rule_.resume(ring_);
        }
    }

    [[nodiscard]] bool rule_learns_grouped() const {
        if constexpr (requires { rule_.learns_grouped(); }) {
            return rule_.learns_grouped();
        } else {
            return false;
        }
    }

    // The grouped layout's post-major index: where each synapse (o, i) lies in the lists, for a
    // rule that walks postsynaptic rows.
    void index_postsynaptic_rows() {
        if (!grouped_ || !rule_reads_rows()) {
            post_positions_ = {};
            post_delays_ = {};
            shape_.grouped_positions = nullptr;
            return;
        }
        const std::size_t n_pre = shape_.n_pre;
        const std::size_t n_post = shape_.n_post;
        post_positions_.resize(n_pre * n_post);
        post_delays_.resize(n_pre * n_post);
        groups_.for_each_listed([&](std::size_t i, std::size_t o, std::size_t k) {
            post_positions_[o * n_pre + i] = static_cast<std::uint32_t>(k);
            post_delays_[o * n_pre + i] = static_cast<std::uint16_t>(delays_.of(i * n_post + o, i));
        });
        shape_.grouped_positions = post_positions_.data();
    }

    // Static weights: each listed synapse's weight also sits beside its target, so delivery
    // streams 8 bytes per event instead of missing the cache on a scattered kernel entry. A
    // plastic rule changes the kernel every step, so it delivers from the kernel itself.
    void copy_listed_weights() {
        if (at_emission_) {
            pending_.refresh_weights(weights_.data());
            needs_rebuild_ = true; // the spikes on their way carry the old weights
            return;
        }
        if (rule_.plastic() && !grouped_) {
            listed_weights_.clear();
            listed_weights_.shrink_to_fit();
            return;
        }
        listed_weights_.resize(groups_.list_size());
        const std::size_t n_post = shape_.n_post;
        groups_.for_each_listed([&](std::size_t i, std::size_t o, std::size_t k) {
            listed_weights_[k] = weights_[i * n_post + o];
        });
    }

    void load_kernel() {
        kernel_learned_ = false;
        if (sparse_) {
            const auto config = kernel_config(synapses_.kernel(), units_);
            sparse_kernel_ =
                fill_sparse_kernel<T>(host_, config->abi(), units_, in_shape_, rows_, name_);
            return;
        }
        weights_ =
            to_pre_major(make_kernel_rows<T>(synapses_.kernel(), host_, units_, in_shape_, rows_),
                         shape_.n_post,
                         shape_.n_pre,
                         parallel_);
    }

    // Delays: this step's presynaptic spikes go into the next ring row (and the rule's traces).
    std::size_t push_presynaptic(const std::uint8_t* in) {
        const std::size_t previous = static_cast<std::size_t>(ring_.cursor()[0]);
        const std::size_t now = ring_.advance();
        std::uint8_t* row = ring_.row(now);
        fired_count_[now] = copy_spikes(in, row, shape_.n_pre, &fired_[now * shape_.n_pre]);
        rule_.presynaptic(previous, now, row);
        return now;
    }

    void collect_fired(std::size_t slot) {
        fired_count_[slot] =
            list_spikes(ring_.row(slot), shape_.n_pre, &fired_[slot * shape_.n_pre]);
    }

    /// Whether at most half of the weights are not zero.
    static bool mostly_zero(const large_vector_for_overwrite<T>& weights) noexcept {
        std::size_t non_zero = 0;
        for (const T w : weights) {
            non_zero += w != T(0) ? 1U : 0U;
        }
        return 2 * non_zero <= weights.size();
    }

    // Synapses: every spike that arrives now. Every way of delivering sums a neuron's current in
    // one order: oldest emission first (the longest delay), then by presynaptic index, as
    // delivery at emission does (pending_current.hpp) and as the synapse component does when its
    // delays are wired (synapses/synapse_component.hpp), so a neuron run from its parts gives
    // the same bits (docs/adr/0013-neurons-as-compositions.md).
    void deliver(std::size_t now) {
        if (at_emission_) {
            deliver_at_emission(now);
            return;
        }
        if (lazy_) {
            deliver_by_groups(now);
            return;
        }
        const std::size_t rows = shape_.rows;
        const std::size_t n_post = shape_.n_post;
        // Large deliveries split the postsynaptic range over the host's workers. Each neuron's
        // current sums the same terms in the same order in any split, so results do not depend
        // on the thread count.
        const std::uint32_t workers = n_post >= 2 * chunk_align ? parallel_.workers() : 1U;
        std::size_t events = 0;
        for (std::size_t d = 0; d < rows && workers > 1 && events < parallel_events; ++d) {
            const std::size_t slot = (now + rows - d) % rows;
            const std::uint32_t* list = &fired_[slot * shape_.n_pre];
            for (std::uint32_t k = 0; k < fired_count_[slot] && events < parallel_events; ++k) {
                events +=
                    static_cast<std::size_t>(groups_.last(list[k], d) - groups_.first(list[k], d));
            }
        }
        for_postsynaptic_ranges(
            events >= parallel_events ? workers : 1U,
            [&](std::size_t o0, std::size_t o1) noexcept { deliver_range(now, o0, o1); });
    }

    // The grouped layout with a rule that settles arrivals (learning/hebbian_pending.hpp): each
    // arriving run is settled, then delivered from L1, while the next run is prefetched (a run
    // starts anywhere in the kernel, too short for the hardware prefetcher to ramp up). Large
    // deliveries split by postsynaptic range: each part walks every arriving run and takes the
    // sub-run of its targets (a group's targets ascend, so it is contiguous). A settle is per
    // synapse, so a sub-run settles as the run's elements would, and each neuron's current sums
    // the same terms in the same order in any split (and in any slice): the same bits.
    void deliver_by_groups(std::size_t now) {
        const std::size_t rows = shape_.rows;
        arriving_.clear();
        std::size_t events = 0;
        for (std::size_t age = 0; age < rows; ++age) { // oldest emission first
            const std::size_t d = rows - 1 - age;
            const std::size_t slot = (now + rows - d) % rows;
            const std::uint32_t* list = &fired_[slot * shape_.n_pre];
            for (std::uint32_t k = 0; k < fired_count_[slot]; ++k) {
                const std::uint32_t i = list[k];
                const std::uint32_t* first = groups_.first(i, d);
                const auto count = static_cast<std::uint32_t>(groups_.last(i, d) - first);
                if (count != 0) {
                    arriving_.push_back({first,
                                         i,
                                         static_cast<std::uint32_t>(d),
                                         static_cast<std::uint32_t>(slot),
                                         count});
                    events += count;
                }
            }
        }
        const auto parts = static_cast<std::uint32_t>(std::min<std::size_t>(
            max_group_parts, std::max<std::size_t>(1, events / parallel_events)));
        for_postsynaptic_ranges(
            parts, [&](std::size_t o0, std::size_t o1) noexcept { deliver_runs(o0, o1); });
    }

    // The current of postsynaptic neurons [o0, o1): each arriving run's sub-run of targets in
    // that range settled, then delivered.
    void deliver_runs(std::size_t o0, std::size_t o1) noexcept {
        std::fill(current_.begin() + static_cast<std::ptrdiff_t>(o0),
                  current_.begin() + static_cast<std::ptrdiff_t>(o1),
                  T(0));
        const bool whole = o0 == 0 && o1 == shape_.n_post;
        const auto sub_run = [&](const arriving_run& run) noexcept {
            const std::uint32_t* first = run.first;
            const std::uint32_t* last = first + run.count;
            if (!whole) {
                first = std::lower_bound(first, last, static_cast<std::uint32_t>(o0));
                last = std::lower_bound(first, last, static_cast<std::uint32_t>(o1));
            }
            return std::pair<const std::uint32_t*, const std::uint32_t*>(first, last);
        };
        const std::size_t runs = arriving_.size();
        auto next = runs != 0 ? sub_run(arriving_[0])
                              : std::pair<const std::uint32_t*, const std::uint32_t*>();
        if (runs != 0) {
            prefetch_run(next.first, next.second);
        }
        for (std::size_t r = 0; r < runs; ++r) {
            const auto [first, last] = next;
            if (r + 1 < runs) {
                next = sub_run(arriving_[r + 1]);
                prefetch_run(next.first, next.second);
            }
            const auto count = static_cast<std::size_t>(last - first);
            if (count == 0) {
                continue;
            }
            const arriving_run& run = arriving_[r];
            T* w = listed_weights_.data() + groups_.position(first);
            rule_settle_arrivals(run.i, run.d, run.slot, w, first, count);
            const bool inhibitory = (ring_.row(run.slot)[run.i] & 2U) != 0; // at emission
            for (std::size_t k = 0; k < count; ++k) {
                current_[first[k]] += inhibitory ? -w[k] : w[k];
            }
        }
    }

    // The weights and targets of the (sub-)run [first, last).
    void prefetch_run(const std::uint32_t* first, const std::uint32_t* last) const noexcept {
        const T* w = listed_weights_.data() + groups_.position(first);
        const auto count = static_cast<std::size_t>(last - first);
        constexpr std::size_t line = 64;
        for (std::size_t b = 0; b < count * sizeof(T); b += line) {
            __builtin_prefetch(reinterpret_cast<const char*>(w) + b, 1);
        }
        for (std::size_t b = 0; b < count * sizeof(std::uint32_t); b += line) {
            __builtin_prefetch(reinterpret_cast<const char*>(first) + b, 0);
        }
    }

    /// Calls range(o0, o1) over [0, n_post) split into `chunks` ranges, on the host's workers
    /// when chunks > 1. Bounds fall on multiples of chunk_align.
    template <typename Range>
    void for_postsynaptic_ranges(std::uint32_t chunks, const Range& range) {
        const std::size_t n_post = shape_.n_post;
        if (chunks <= 1) {
            range(0, n_post);
            return;
        }
        parallel_.for_each_chunk(chunks, [&](std::uint32_t c) noexcept {
            const auto bound = [&](std::uint32_t b) {
                const std::size_t o = n_post * b / chunks / chunk_align * chunk_align;
                return b == chunks ? n_post : o;
            };
            range(bound(c), bound(c + 1));
        });
    }

    // Delivery at emission: this step's spikes go into the future rows, with the signs of their
    // ring bytes, and the current is the row of this step. The future rows are rebuilt from the
    // spike history when the weights or a past row changed (pending_current.hpp says why).
    void deliver_at_emission(std::size_t now) {
        pending_.next_step();
        const bool rebuild = needs_rebuild_;
        needs_rebuild_ = false;
        const std::size_t n_post = shape_.n_post;
        const std::uint32_t workers = n_post >= 2 * chunk_align ? parallel_.workers() : 1U;
        std::size_t events = 0;
        const std::uint32_t* list = &fired_[now * shape_.n_pre];
        for (std::uint32_t k = 0; k < fired_count_[now] && workers > 1; ++k) {
            events += pending_.synapses_of(list[k]);
        }
        const std::uint32_t chunks = (rebuild || events >= parallel_events) ? workers : 1U;
        for_postsynaptic_ranges(chunks, [&](std::size_t o0, std::size_t o1) noexcept {
            if (rebuild) {
                pending_.zero(o0, o1);
                for (std::size_t age = shape_.rows - 1; age >= 1; --age) { // oldest first
                    const std::size_t slot = (now + shape_.rows - age) % shape_.rows;
                    const std::uint32_t* old = &fired_[slot * shape_.n_pre];
                    const std::uint8_t* bytes = ring_.row(slot);
                    for (std::uint32_t k = 0; k < fired_count_[slot]; ++k) {
                        pending_.scatter(old[k], age, (bytes[old[k]] & 2U) != 0, o0, o1);
                    }
                }
            }
            const std::uint8_t* bytes = ring_.row(now);
            for (std::uint32_t k = 0; k < fired_count_[now]; ++k) {
                pending_.scatter(list[k], 0, (bytes[list[k]] & 2U) != 0, o0, o1);
            }
            pending_.take(current_.data(), o0, o1);
        });
    }

    // The current of postsynaptic neurons [o0, o1): every spike that arrives now, with the kernel
    // before this step's learning. The sign is the presynaptic neuron's inhibition bit at the
    // spike's emission, kept in its ring byte (upstream's delays broadcast the current mask to
    // spikes in flight: docs/upstream-differences.md).
    void deliver_range(std::size_t now, std::size_t o0, std::size_t o1) noexcept {
        const std::size_t rows = shape_.rows;
        std::fill(current_.begin() + static_cast<std::ptrdiff_t>(o0),
                  current_.begin() + static_cast<std::ptrdiff_t>(o1),
                  T(0));
        const bool whole = o0 == 0 && o1 == shape_.n_post;
        column_batcher<T> full_columns(current_.data(), o0, o1);
        for (std::size_t age = 0; age < rows; ++age) { // oldest emission first
            const std::size_t d = rows - 1 - age;
            const std::size_t slot = (now + rows - d) % rows;
            const std::uint32_t* list = &fired_[slot * shape_.n_pre];
            const std::uint8_t* bytes = ring_.row(slot);
            for (std::uint32_t k = 0; k < fired_count_[slot]; ++k) {
                const std::size_t i = list[k];
                const bool inhibitory = (bytes[i] & 2U) != 0;
                if (groups_.full(i, d)) {
                    // contiguous, vectorised (column_add.hpp)
                    full_columns.push(&weights_[i * shape_.n_post], inhibitory);
                    continue;
                }
                full_columns.flush(); // their additions come first
                // A group's targets ascend: this range's part of it is contiguous.
                const std::uint32_t* first = groups_.first(i, d);
                const std::uint32_t* last = groups_.last(i, d);
                if (!whole) {
                    first = std::lower_bound(first, last, static_cast<std::uint32_t>(o0));
                    last = std::lower_bound(first, last, static_cast<std::uint32_t>(o1));
                }
                if (sparse_ || !listed_weights_.empty()) {
                    const T* lw = listed_weights_.data() + groups_.position(first);
                    for (const std::uint32_t* o = first; o != last; ++o, ++lw) {
                        current_[*o] += inhibitory ? -*lw : *lw;
                    }
                    continue;
                }
                // A plastic kernel is read where the list points: scattered over the column,
                // which no hardware prefetcher follows.
                const T* w = &weights_[i * shape_.n_post];
                for (const std::uint32_t* o = first; o != last; ++o) {
                    if (last - o > prefetch_ahead) {
                        __builtin_prefetch(&w[o[prefetch_ahead]], 0);
                    }
                    current_[*o] += inhibitory ? -w[*o] : w[*o];
                }
            }
        }
        full_columns.flush();
    }

    // Upstream's first clip on a sparse kernel: the lists are built again only when a weight was
    // negative (an initializer's draws are usually not). Whether one was.
    bool clip_sparse_kernel() {
        bool clipped = false;
        for (T& w : sparse_kernel_.value) {
            clipped = clipped || w < T(0);
            w = w > T(0) ? w : T(0);
        }
        if (clipped) {
            index_sparse_synapses();
        }
        return clipped;
    }

    // The rule on the delayed (per-synapse) presynaptic spikes and the soma's spikes.
    void learn(const std::uint8_t* in, std::size_t post_count) {
        if (needs_clip_) {
            needs_clip_ = false;
            if (sparse_) {
                // An unchanged kernel needs no fresh draw at the next reset.
                kernel_learned_ = clip_sparse_kernel() || kernel_learned_;
            } else {
                kernel_learned_ = true;
                for (T& w : weights_) {
                    w = w > T(0) ? w : T(0);
                }
                copy_listed_weights(); // the clipped weights
            }
        }
        if (rule_.plastic()) {
            kernel_learned_ = true;
        }
        const synapse_step<T> net = step_view(in, post_count);
        rule_.learn(net);
    }

    // The rule's view of the synapses at the latest step.
    synapse_step<T> step_view(const std::uint8_t* in, std::size_t post_count) {
        for (std::size_t d = 0; d < shape_.rows; ++d) {
            slot_of_delay_[d] = ring_.slot_before(d);
        }
        grouped_view_ =
            grouped_kernel<T>{listed_weights_.data(), post_positions_.data(), post_delays_.data()};
        return synapse_step<T>{shape_.n_pre,
                               shape_.n_post,
                               shape_.rows,
                               weights_.data(),
                               &delays_,
                               &groups_,
                               &ring_,
                               fired_.data(),
                               fired_count_.data(),
                               slot_of_delay_.data(),
                               spiked_.data(),
                               post_fired_.data(),
                               post_count,
                               in,
                               mask_.data(),
                               grouped_ ? &grouped_view_ : nullptr,
                               &parallel_};
    }

    const char* name_;
    const spark_host_t* host_;
    sdk::parallel parallel_; // the host's workers, for large deliveries and per-synapse work
    spark_shape_t units_;    // the whole population's, which its draws and normalisation are over
    post_rows rows_;         // its neurons this instance holds (all but in a slice)
    std::uint64_t seed_;
    double inhibitory_rate_;
    std::vector<std::uint8_t> mask_; // 1 = inhibitory, drawn at build from seed_
    Soma soma_;
    any_synapses<T> synapses_;
    any_delays delay_;
    Rule rule_;
    bool modulated_ = false; // the rule reads a third factor this step

    spark_shape_t in_shape_{};
    population_shape shape_{};
    large_vector_for_overwrite<T> weights_; // empty when sparse_
    bool sparse_ = false; // the kernel is kept per synapse (keeps_sparse_kernel() says when)
    sparse_kernel<T> sparse_kernel_;
    large_vector<T>
        listed_weights_; // static rules: the weights of the listed synapses, in list order
    synapse_delays delays_;
    delay_groups groups_;
    bool grouped_ = false; // the live kernel is listed_weights_ (index_synapses() says when)
    bool lazy_ = false;    // ... and the rule settles each arriving run before delivery
    grouped_kernel<T> grouped_view_{nullptr, nullptr, nullptr};
    large_vector<std::uint32_t> post_positions_;
    large_vector<std::uint16_t> post_delays_;
    bool at_emission_ = false; // static, sparse and delayed: pending_ delivers, not groups_
    pending_current<T> pending_;
    bool needs_rebuild_ = true; // pending_'s future rows must be rebuilt from the spike history
    std::vector<std::size_t> slot_of_delay_; // learn(): the ring row of each delay this step
    spike_ring ring_;
    std::vector<std::uint32_t> fired_;
    std::vector<std::uint32_t> fired_count_;
    std::vector<T> current_;
    std::vector<arriving_run> arriving_;
    std::vector<std::uint8_t> spiked_;
    std::vector<std::uint32_t> post_fired_;
    bool needs_clip_ = true;
    bool kernel_learned_ = false;
    std::uint64_t next_step_ = 0;                   // the index of the next step (0 after reset)
    mutable std::vector<std::uint32_t> late_floor_; // late_floor(): empty until asked
};

} // namespace spark::neurons
