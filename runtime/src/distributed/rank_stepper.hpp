// SPDX-License-Identifier: Apache-2.0
// One rank of a partitioned brain (internal): its layout's brain, and the messages it exchanges
// with the other ranks after every step (and after reset), whatever carries them (MPI, or the
// in-process loop of the tests). Exchanging the outputs of step t before step t+1 is exactly the
// cache's semantics: every module reads the others' step-t outputs at step t+1.
#pragma once
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include <spark/runtime/brain.hpp>
#include <spark/runtime/partition.hpp>

#include "distributed/rank_layout.hpp"

namespace spark::runtime::detail {

/// A module's output port or property that one rank (the root) needs after every step, whichever
/// rank steps the module: what `spark run` records on rank 0.
struct observation {
    std::string module;
    std::string name; // the port or property
    bool property = false;
    /// Who computes which elements: the rank stepping the module, or a population's slices
    /// (of a property equal in every slice: the first slice alone).
    std::vector<piece> pieces;
    spark_port_spec_t spec{}; // of the whole value, the same on every rank
};

class rank_stepper {
public:
    rank_stepper(const registry::plugin_registry& registry,
                 const brain_config& config,
                 const partition_plan& plan,
                 int rank,
                 brain_options options = {});

    [[nodiscard]] brain& local() noexcept { return brain_; }
    [[nodiscard]] const brain& local() const noexcept { return brain_; }
    [[nodiscard]] const rank_layout& layout() const noexcept { return layout_; }

    /// After a step or reset, or with `in_step` between the local brain's step_first(
    /// first_modules()) and step_rest(): encodes this rank's pieces of the crossing outputs and
    /// observations. Spikes go as the bytes that changed since the last exchange (index and
    /// value: a spike, its end, an inhibition bit), other payloads whole.
    void encode(bool in_step = false);
    /// Before encode() (which calls it too; the first call of an exchange counts), and where a
    /// failure keeps encode() from running: fixes whether this exchange ends a window, so that
    /// every rank sends and receives alike. finish_exchange() or reset() closes the exchange.
    void begin_exchange(bool in_step = false) noexcept;
    /// The local modules that compute what this rank sends (crossing outputs, observations), in
    /// the local brain's module order: stepped first, their messages travel while the others
    /// step. Fixed by the layout and observe().
    [[nodiscard]] const std::vector<std::size_t>& first_modules() const noexcept {
        return first_modules_;
    }
    /// What encode() prepared for `destination`: at the end of a window every crossing port
    /// this rank computes a piece of and `destination` reads, in layout order, each with its
    /// window's steps; and, to the root, the observations. Empty when there is nothing for it.
    [[nodiscard]] std::vector<std::byte> message_for(int destination) const;
    /// The ranks this rank sends a message at this exchange (they read a crossing output this
    /// rank computes a piece of, at the end of a window; or are the root and observe one), and
    /// those it receives one from, ascending. Fixed by the layout, observe() and the window.
    [[nodiscard]] const std::vector<int>& destinations() const noexcept;
    [[nodiscard]] const std::vector<int>& sources() const noexcept;
    /// Writes what `source` sent into the proxies it feeds here, or, for the steps of a window
    /// already taken, into the modules reading them (brain::write_late_input).
    void receive(int source, std::span<const std::byte> message);
    /// After every receive() of an exchange: this rank's own pieces of the crossing outputs it
    /// reads (a sliced population's) into its proxies, and, inside a window, zeros in place of
    /// the other ranks' pieces, which come late.
    void finish_exchange();

    /// The longest exchange window this rank can take (docs/scaling.md section 3.2): 1 + the
    /// fewest steps late any other rank's piece of a crossing output may reach any module
    /// reading it here; UINT32_MAX when nothing crosses to this rank.
    [[nodiscard]] std::uint32_t longest_window() const noexcept { return longest_window_; }
    /// Exchange crossing outputs once every `steps` steps (at most every rank's
    /// longest_window(); the same on every rank), from the next reset on; observations still
    /// travel after every step. 1 (the default) exchanges after every step.
    void set_window(std::uint32_t steps);
    [[nodiscard]] std::uint32_t window() const noexcept { return window_; }
    /// The local brain's reset, and both ends of every delta start again from zeros.
    void reset();

    /// From now on, `root` receives `list` in every exchange (the messages to it carry them after
    /// the crossing ports). Every rank passes the same list and root.
    void observe(std::vector<observation> list, int root);
    /// On the root: observation `i` (of the list given to observe()) as of the last exchange,
    /// row-major in its spec's dtype.
    [[nodiscard]] std::span<const std::byte> observed(std::size_t i) const;

    /// Bytes encode() produced for all destinations at the last exchange (for reports).
    [[nodiscard]] std::uint64_t last_bytes_sent() const noexcept { return last_bytes_sent_; }

private:
    rank_layout layout_;
    brain brain_;
    std::vector<std::string> labels_; // per crossing port: "module.port", for errors
    std::vector<std::vector<std::uint8_t>> last_sent_; // per crossing port, of the piece here
    /// Per crossing port, of the piece here: the window's steps so far, each a length-prefixed
    /// part, and how many.
    std::vector<std::vector<std::byte>> encoded_;
    std::vector<std::uint32_t> encoded_steps_;
    std::uint64_t last_bytes_sent_ = 0;

    // Exchange windows: their length, whether the exchange at hand ends one, and per crossing
    // port read here the whole array as last received (the values of a window's steps) and who
    // reads which of its elements here.
    struct late_reader {
        std::string module;
        std::string port;
        std::uint64_t offset = 0; // where the crossing's elements start in the port
    };
    std::uint32_t window_ = 1;
    std::uint32_t longest_window_ = UINT32_MAX;
    bool window_ends_ = true;
    bool exchange_open_ = false; // between begin_exchange() and finish_exchange()
    std::vector<std::vector<std::byte>> received_;
    std::vector<std::vector<late_reader>> late_readers_;

    // observe(): every rank's list; the values (on the root) and, where owned here, what was
    // last sent and what encode() prepared for the root.
    struct observed_value {
        observation what;
        std::string label;                   // "module.name", for errors
        std::vector<std::byte> value;        // on the root: the whole value
        std::vector<std::byte> read;         // a property's piece here, as last read
        std::vector<std::uint8_t> last_sent; // spikes: the piece here as last sent
        std::vector<std::byte> encoded;
    };
    std::vector<observed_value> observations_;
    int root_ = 0;
    // At the end of a window (all neighbours) and inside one (the root's observations only).
    std::vector<int> destinations_;
    std::vector<int> sources_;
    std::vector<int> step_destinations_;
    std::vector<int> step_sources_;
    std::vector<std::size_t> first_modules_;

    void find_neighbours();
    void find_late_readers();
};

} // namespace spark::runtime::detail
