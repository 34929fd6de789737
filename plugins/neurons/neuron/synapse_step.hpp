// SPDX-License-Identifier: Apache-2.0
// What a neuron's learning-rule policy sees (neuron/population.hpp): the population's sizes, and
// per step a borrowed view of the synapses in the neuron's event-driven layout, with helpers for
// the two ways a rule can stay sparse: the rows of the postsynaptic neurons that fired, and the
// synapses that delivered a spike this step.
#pragma once
#include <algorithm>
#include <cstddef>
#include <cstdint>

#include <spark/abi/types.h>
#include <spark/sdk/parallel.hpp>

#include "delays/spike_ring.hpp"
#include "neuron/delay_groups.hpp"
#include "neuron/synapse_delays.hpp"

namespace spark::neurons {

/// The sizes and shapes of a built population (I presynaptic, O postsynaptic neurons, R ring rows).
struct population_shape {
    std::size_t n_pre = 0;
    std::size_t n_post = 0;
    std::size_t rows = 1;    // R = B + 1: one per delay 0..B
    spark_shape_t units{};   // O's shape
    spark_shape_t kernel{};  // units ⊕ presynaptic shape
    spark_shape_t history{}; // (R, I): one row of presynaptic values per ring slot
    // The grouped layout (below): per synapse (o, i), post-major, its list position, for a
    // rule's per-synapse state kept in the kernel's order; nullptr: pre-major (i * n_post + o).
    const std::uint32_t* grouped_positions = nullptr;
    bool grouped = false; // the kernel is kept in the grouped layout
};

/// The grouped layout (neuron/population.hpp): a plastic kernel kept in the delivery lists' order
/// (delay_groups.hpp, every group listed), so that a presynaptic spike's arrivals at one delay are
/// one contiguous run of weights, and a postsynaptic neuron's synapses are found through a
/// post-major index.
template <typename T>
struct grouped_kernel {
    T* weights;                          // per list position: the live W
    const std::uint32_t* post_positions; // [o * n_pre + i]: the list position of synapse (o, i)
    const std::uint16_t* post_delays;    // [o * n_pre + i]: its delay D[o][i]
};

/// One step's synapses, all arrays pre-major (synapse (o, i) at i * n_post + o) unless `grouped`
/// says otherwise. Valid during the rule's learn() only.
template <typename T>
struct synapse_step {
    std::size_t n_pre;
    std::size_t n_post;
    std::size_t rows;
    T* weights;                          // W[o][i]; the rule writes the updated weights here
    const synapse_delays* delays;        // D[o][i] in steps, 0..B
    const delay_groups* groups;          // per (i, d): the o with D[o][i] == d that carry current
    const spike_ring* ring;              // presynaptic spikes (0, 1, 3) of the last R steps
    const std::uint32_t* fired;          // per ring slot, the presynaptic neurons that spiked ...
    const std::uint32_t* fired_count;    // ... and how many
    const std::size_t* slot_of_delay;    // the ring slot that delay d reads this step
    const std::uint8_t* post_spiked;     // [n_post]: 1 where the soma fired this step
    const std::uint32_t* post_fired;     // the postsynaptic neurons that fired ...
    std::size_t post_count;              // ... and how many
    const std::uint8_t* in_spikes;       // [n_pre]: this step's input bytes (bit1: inhibitory)
    const std::uint8_t* post_inhibitory; // [n_post]: 1 for an inhibitory postsynaptic neuron
    const grouped_kernel<T>* grouped;    // non-null: the live kernel is there, not in `weights`
    const sdk::parallel* parallel;       // the host's workers, for per-synapse work (never null)

    /// The ring slot synapse `at` = i * n_post + o reads this step (its presynaptic spike of
    /// D[o][i] steps ago).
    [[nodiscard]] std::size_t slot(std::size_t at, std::size_t i) const noexcept {
        return slot_of_delay[delays->of(at, i)];
    }
    /// Whether presynaptic neuron i's spike reached synapse `at` this step (its delayed s_pre).
    [[nodiscard]] bool arrived(std::size_t at, std::size_t i) const noexcept {
        return ring->row(slot(at, i))[i] != 0;
    }
    static constexpr std::ptrdiff_t prefetch_ahead = 16; // list entries

    /// Calls f(i, o, slot) for every synapse in the delivery groups whose delayed presynaptic
    /// spike arrives this step. With a plastic rule every synapse is in a group.
    template <typename F>
    void for_each_arrival(F&& f) const {
        for_each_arriving_group([&](std::size_t i,
                                    std::size_t s,
                                    const std::uint32_t* first,
                                    const std::uint32_t* last) {
            const T* column = weights + i * n_post;
            for (const std::uint32_t* o = first; o != last; ++o) {
                // The rule writes the weight of each arrival: scattered over the column,
                // which no hardware prefetcher follows.
                if (last - o > prefetch_ahead) {
                    __builtin_prefetch(&column[o[prefetch_ahead]], 1);
                }
                f(i, static_cast<std::size_t>(*o), s);
            }
        });
    }

    /// Per-synapse work worth splitting over the host's workers: a hand-off costs a few
    /// microseconds.
    static constexpr std::size_t parallel_synapses = 65536;

    /// row(o) for every postsynaptic neuron o that fired this step, in parts on the host's
    /// workers when the rows (n_pre synapses each) are long enough. A row must write only its
    /// own synapses.
    template <typename Row>
    void for_each_fired_row(const Row& row) const noexcept {
        const auto parts = static_cast<std::uint32_t>(std::min<std::size_t>(
            post_count, parallel->parts(post_count * n_pre, parallel_synapses)));
        parallel->for_each_chunk(parts, [&](std::uint32_t part) noexcept {
            for (std::size_t k = post_count * part / parts; k < post_count * (part + 1U) / parts;
                 ++k) {
                row(static_cast<std::size_t>(post_fired[k]));
            }
        });
    }

    /// f(run, targets, count) for every arriving group in the grouped layout (`grouped` is set):
    /// its contiguous weights and its `count` ascending targets. In parts on the host's workers
    /// when the arrivals are many. A part takes the groups whose first arrival falls in its
    /// share of all arrivals, so parts write disjoint synapses (a group's own), each group stays
    /// whole (no cache line of a group is written by two threads at once) and the shares are
    /// even.
    template <typename F>
    void for_each_arriving_run(const F& f) const noexcept {
        std::size_t arrivals = 0;
        if (parallel->workers() > 1) { // only a split needs the total: one pass fewer otherwise
            for_each_arriving_group([&](std::size_t,
                                        std::size_t,
                                        const std::uint32_t* first,
                                        const std::uint32_t* last) {
                arrivals += static_cast<std::size_t>(last - first);
            });
        }
        const std::uint32_t parts = parallel->parts(arrivals, parallel_synapses);
        parallel->for_each_chunk(parts, [&](std::uint32_t part) noexcept {
            const std::size_t from = arrivals * part / parts;
            const std::size_t to = part + 1U == parts ? SIZE_MAX : arrivals * (part + 1U) / parts;
            std::size_t before = 0; // the arrivals of the groups before this one
            for_each_arriving_group([&](std::size_t,
                                        std::size_t,
                                        const std::uint32_t* first,
                                        const std::uint32_t* last) {
                const auto count = static_cast<std::size_t>(last - first);
                if (before >= from && before < to) {
                    f(grouped->weights + groups->position(first), first, count);
                }
                before += count;
            });
        });
    }

    /// Calls f(i, slot, first, last) for every delivery group whose presynaptic spike arrives
    /// this step: the presynaptic neuron, the ring slot its spike was stored in and the group's
    /// targets [first, last). In the grouped layout the group's weights are contiguous from
    /// groups->position(first).
    template <typename F>
    void for_each_arriving_group(F&& f) const {
        for (std::size_t d = 0; d < rows; ++d) {
            const std::size_t s = slot_of_delay[d];
            const std::uint32_t* list = fired + s * n_pre;
            for (std::uint32_t k = 0; k < fired_count[s]; ++k) {
                const std::size_t i = list[k];
                f(i, s, groups->first(i, d), groups->last(i, d));
            }
        }
    }
};

} // namespace spark::neurons
