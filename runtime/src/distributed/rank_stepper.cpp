// SPDX-License-Identifier: Apache-2.0
#include "distributed/rank_stepper.hpp"

#include <algorithm>
#include <cstring>
#include <set>
#include <string>

namespace spark::runtime::detail {
namespace {

std::uint64_t byte_count(const spark_port_spec_t& spec) {
    std::uint64_t count = spark_dtype_size(spec.dtype);
    for (std::uint32_t d = 0; d < spec.shape.rank; ++d) {
        count *= spec.shape.dims[d];
    }
    return count;
}

template <typename T>
void append(std::vector<std::byte>& out, const T& value) {
    const auto* bytes = reinterpret_cast<const std::byte*>(&value);
    out.insert(out.end(), bytes, bytes + sizeof(T));
}

template <typename T>
T take(std::span<const std::byte>& in, const std::string& what) {
    if (in.size() < sizeof(T)) {
        throw spark::error("a message between ranks ends early (" + what +
                           "): the ranks disagree on the brain or its partition");
    }
    T value;
    std::memcpy(&value, in.data(), sizeof(T));
    in = in.subspan(sizeof(T));
    return value;
}

std::uint64_t element_size(const spark_port_spec_t& spec) {
    return spark_dtype_size(spec.dtype);
}

/// Appends `now`, the elements [p.begin, p.end) of an array of `spec`, as they travel: spikes as
/// the (u32 index in the whole array, u8 value) of every byte that differs from `last` (the
/// piece's previous values, which then holds `now`), other payloads whole.
void encode_values(const std::byte* now,
                   const spark_port_spec_t& spec,
                   const piece& p,
                   std::vector<std::uint8_t>& last,
                   std::vector<std::byte>& out) {
    const auto count = p.end - p.begin;
    if (spec.payload_kind == SPARK_PAYLOAD_SPIKES) {
        const auto* values = reinterpret_cast<const std::uint8_t*>(now);
        for (std::uint64_t i = 0; i < count; ++i) {
            if (values[i] != last[i]) {
                append(out, static_cast<std::uint32_t>(p.begin + i));
                append(out, values[i]);
                last[i] = values[i];
            }
        }
    } else {
        out.insert(out.end(), now, now + count * element_size(spec));
    }
}

/// Writes what encode_values() produced for piece `p` into `target` (the whole array of `spec`,
/// holding the previous values). `what` and `source` name the array and the sender in errors.
void decode_values(std::span<const std::byte> payload,
                   const spark_port_spec_t& spec,
                   const piece& p,
                   std::byte* target,
                   const std::string& what,
                   int source) {
    if (spec.payload_kind == SPARK_PAYLOAD_SPIKES) {
        while (!payload.empty()) {
            const auto index = take<std::uint32_t>(payload, what);
            const auto value = take<std::uint8_t>(payload, what);
            if (index < p.begin || index >= p.end) {
                throw spark::error("rank " + std::to_string(source) + " sent element " +
                                   std::to_string(index) + " of " + what + ", whose elements [" +
                                   std::to_string(p.begin) + ", " + std::to_string(p.end) +
                                   ") it computes");
            }
            target[index] = static_cast<std::byte>(value);
        }
        return;
    }
    const auto bytes = (p.end - p.begin) * element_size(spec);
    if (payload.size() != bytes) {
        throw spark::error("rank " + std::to_string(source) + " sent " +
                           std::to_string(payload.size()) + " bytes of " + what + ", expected " +
                           std::to_string(bytes));
    }
    std::memcpy(target + p.begin * element_size(spec), payload.data(), bytes);
}

/// The piece of `pieces` that `rank` computes, or nullptr.
const piece* piece_on(const std::vector<piece>& pieces, int rank) {
    for (const auto& p : pieces) {
        if (p.rank == rank) {
            return &p;
        }
    }
    return nullptr;
}

/// One length-prefixed part of a message: the next payload, which `message` then skips.
std::span<const std::byte> next_part(std::span<const std::byte>& message, const std::string& what) {
    const auto size = take<std::uint64_t>(message, what);
    if (size > message.size()) {
        throw spark::error("a message between ranks ends early (" + what +
                           "): the ranks disagree on the brain or its partition");
    }
    const auto part = message.subspan(0, size);
    message = message.subspan(size);
    return part;
}

void append_part(std::vector<std::byte>& message, const std::vector<std::byte>& part) {
    append(message, static_cast<std::uint64_t>(part.size()));
    message.insert(message.end(), part.begin(), part.end());
}

} // namespace

rank_stepper::rank_stepper(const registry::plugin_registry& registry,
                           const brain_config& config,
                           const partition_plan& plan,
                           int rank,
                           brain_options options)
    : layout_(layout_rank(registry, config, plan, rank)), brain_(registry, layout_.config, options),
      last_sent_(layout_.crossing.size()), encoded_(layout_.crossing.size()),
      encoded_steps_(layout_.crossing.size(), 0), received_(layout_.crossing.size()),
      late_readers_(layout_.crossing.size()) {
    for (std::size_t c = 0; c < layout_.crossing.size(); ++c) {
        const auto& crossing = layout_.crossing[c];
        labels_.push_back(crossing.module + "." + crossing.port);
        const auto* mine = crossing.piece_on(rank);
        if (mine != nullptr && crossing.spec.payload_kind == SPARK_PAYLOAD_SPIKES) {
            last_sent_[c].assign(mine->end - mine->begin, 0);
        }
    }
    find_neighbours();
    find_late_readers();
}

void rank_stepper::begin_exchange(bool in_step) noexcept {
    if (exchange_open_) {
        return; // already begun (encode() after the host's own call)
    }
    exchange_open_ = true;
    if (window_ends_) { // the last exchange sent the window's steps: a new window starts
        for (std::size_t c = 0; c < encoded_.size(); ++c) {
            encoded_[c].clear();
            encoded_steps_[c] = 0;
        }
    }
    // After reset (step index 0) always, then after every window_-th step.
    window_ends_ = (brain_.step_index() + (in_step ? 1U : 0U)) % window_ == 0;
}

void rank_stepper::encode(bool in_step) {
    begin_exchange(in_step);
    last_bytes_sent_ = 0;
    const int me = layout_.rank;
    const auto output = [&](const std::string& module, const std::string& port) {
        return in_step ? brain_.stepped(module, port) : brain_.cached(module, port);
    };
    for (std::size_t c = 0; c < layout_.crossing.size(); ++c) {
        const auto& crossing = layout_.crossing[c];
        const auto* mine = crossing.piece_on(me);
        const auto others = crossing.readers.size() - (crossing.read_by(me) ? 1U : 0U);
        if (mine == nullptr || others == 0) {
            continue;
        }
        const auto view = output(crossing.module, crossing.port);
        if (byte_count(view.spec) != (mine->end - mine->begin) * element_size(crossing.spec)) {
            throw spark::error("module '" + crossing.module + "' output '" + crossing.port +
                               "' built with another shape than the ranks agreed on");
        }
        // This step's part: its length, patched once the values are in.
        auto& out = encoded_[c];
        const auto start = out.size();
        append(out, std::uint64_t{0});
        encode_values(
            static_cast<const std::byte*>(view.data), crossing.spec, *mine, last_sent_[c], out);
        const auto length = static_cast<std::uint64_t>(out.size() - start - sizeof(std::uint64_t));
        std::memcpy(out.data() + start, &length, sizeof length);
        ++encoded_steps_[c];
        if (window_ends_) {
            last_bytes_sent_ += (encoded_[c].size() + sizeof(std::uint32_t)) * others;
        }
    }
    // Observations computed here: properties are read now (the root's own too, for observed());
    // the others' values go to the root, the root's own are copied into place.
    for (auto& o : observations_) {
        o.encoded.clear();
        const auto* mine = piece_on(o.what.pieces, me);
        if (mine == nullptr) {
            continue;
        }
        const auto bytes = (mine->end - mine->begin) * element_size(o.what.spec);
        const std::byte* now = nullptr;
        if (o.what.property) {
            o.read = brain_.read_property(o.what.module, o.what.name);
            if (o.read.size() != bytes) {
                throw spark::error("module '" + o.what.module + "' property '" + o.what.name +
                                   "' changed its size while the brain ran");
            }
            now = o.read.data();
        } else {
            now = static_cast<const std::byte*>(output(o.what.module, o.what.name).data);
        }
        if (root_ == me) {
            std::memcpy(o.value.data() + mine->begin * element_size(o.what.spec), now, bytes);
        } else {
            encode_values(now, o.what.spec, *mine, o.last_sent, o.encoded);
            last_bytes_sent_ += o.encoded.size();
        }
    }
}

void rank_stepper::finish_exchange() {
    exchange_open_ = false;
    const int me = layout_.rank;
    for (const auto& crossing : layout_.crossing) {
        if (!crossing.read_by(me)) {
            continue;
        }
        auto* proxy = static_cast<std::byte*>(brain_.input(crossing.proxy).data);
        const auto size = element_size(crossing.spec);
        for (const auto& p : crossing.pieces) {
            if (p.rank == me) { // a slice's own neurons, on time
                const auto view = brain_.cached(crossing.module, crossing.port);
                std::memcpy(proxy + p.begin * size, view.data, byte_count(view.spec));
            } else if (!window_ends_) { // they come late, after the window's last step
                std::memset(proxy + p.begin * size, 0, (p.end - p.begin) * size);
            }
        }
    }
}

std::vector<std::byte> rank_stepper::message_for(int destination) const {
    std::vector<std::byte> message;
    if (window_ends_) {
        for (std::size_t c = 0; c < layout_.crossing.size(); ++c) {
            const auto& crossing = layout_.crossing[c];
            if (crossing.piece_on(layout_.rank) != nullptr && crossing.read_by(destination) &&
                destination != layout_.rank) {
                // A part: its length, then the window's step count and steps.
                append(message,
                       static_cast<std::uint64_t>(sizeof(std::uint32_t) + encoded_[c].size()));
                append(message, encoded_steps_[c]);
                message.insert(message.end(), encoded_[c].begin(), encoded_[c].end());
            }
        }
    }
    if (destination == root_ && destination != layout_.rank) {
        for (const auto& o : observations_) {
            if (piece_on(o.what.pieces, layout_.rank) != nullptr) {
                append_part(message, o.encoded);
            }
        }
    }
    return message;
}

const std::vector<int>& rank_stepper::destinations() const noexcept {
    return window_ends_ ? destinations_ : step_destinations_;
}

const std::vector<int>& rank_stepper::sources() const noexcept {
    return window_ends_ ? sources_ : step_sources_;
}

void rank_stepper::find_neighbours() {
    const int me = layout_.rank;
    std::set<int> destinations;
    std::set<int> sources;
    for (const auto& crossing : layout_.crossing) {
        if (crossing.piece_on(me) != nullptr) {
            destinations.insert(crossing.readers.begin(), crossing.readers.end());
        }
        if (crossing.read_by(me)) {
            for (const auto& p : crossing.pieces) {
                sources.insert(p.rank);
            }
        }
    }
    std::set<int> step_destinations;
    std::set<int> step_sources;
    for (const auto& o : observations_) {
        if (piece_on(o.what.pieces, me) != nullptr) {
            step_destinations.insert(root_);
        }
        if (root_ == me) {
            for (const auto& p : o.what.pieces) {
                step_sources.insert(p.rank);
            }
        }
    }
    const auto assign = [me](std::vector<int>& out, std::set<int> ranks) {
        ranks.erase(me);
        out.assign(ranks.begin(), ranks.end());
    };
    destinations.insert(step_destinations.begin(), step_destinations.end());
    sources.insert(step_sources.begin(), step_sources.end());
    assign(destinations_, destinations);
    assign(sources_, sources);
    assign(step_destinations_, step_destinations);
    assign(step_sources_, step_sources);

    std::set<std::string> senders;
    for (const auto& crossing : layout_.crossing) {
        if (crossing.piece_on(me) != nullptr) {
            senders.insert(crossing.module);
        }
    }
    for (const auto& o : observations_) {
        if (piece_on(o.what.pieces, me) != nullptr) {
            senders.insert(o.what.module);
        }
    }
    first_modules_.clear();
    const auto& modules = brain_.modules();
    for (std::size_t m = 0; m < modules.size(); ++m) {
        if (senders.contains(modules[m].name)) {
            first_modules_.push_back(m);
        }
    }
}

void rank_stepper::find_late_readers() {
    const int me = layout_.rank;
    std::uint32_t fewest = UINT32_MAX; // steps late, over every piece that comes from elsewhere
    for (const auto& specs : layout_.config.modules_map) {
        for (const auto& [port, sources] : specs.inputs) {
            std::uint64_t offset = 0;
            for (const auto& source : sources) {
                const bool input = source.origin == brain_input_origin;
                const auto count = input ? brain_.input(source.port).count
                                         : brain_.cached(source.origin, source.port).count;
                for (std::size_t c = 0; input && c < layout_.crossing.size(); ++c) {
                    const auto& crossing = layout_.crossing[c];
                    if (crossing.proxy != source.port) {
                        continue;
                    }
                    late_readers_[c].push_back({specs.name, port, offset});
                    for (const auto& p : crossing.pieces) {
                        if (p.rank != me) {
                            fewest =
                                std::min(fewest,
                                         brain_.input_lateness(
                                             specs.name, port, offset + p.begin, p.end - p.begin));
                        }
                    }
                }
                offset += count;
            }
        }
    }
    longest_window_ = fewest == UINT32_MAX ? UINT32_MAX : fewest + 1;
}

void rank_stepper::set_window(std::uint32_t steps) {
    if (steps < 1 || steps > longest_window_) {
        throw spark::error("rank " + std::to_string(layout_.rank) + " can exchange once every " +
                           std::to_string(longest_window_) +
                           " steps at most (the shortest delay of a connection that reaches it "
                           "from another rank), not every " +
                           std::to_string(steps));
    }
    window_ = steps;
    for (std::size_t c = 0; c < layout_.crossing.size(); ++c) {
        if (layout_.crossing[c].read_by(layout_.rank) && window_ > 1) {
            received_[c].assign(byte_count(layout_.crossing[c].spec), std::byte{0});
        }
    }
}

void rank_stepper::receive(int source, std::span<const std::byte> message) {
    const std::uint64_t now = brain_.step_index(); // the step that reads a window's last step
    if (window_ends_) {
        for (std::size_t c = 0; c < layout_.crossing.size(); ++c) {
            const auto& crossing = layout_.crossing[c];
            const auto* theirs = crossing.piece_on(source);
            if (theirs == nullptr || !crossing.read_by(layout_.rank)) {
                continue;
            }
            const std::string& what = labels_[c];
            auto block = next_part(message, what);
            const auto steps = take<std::uint32_t>(block, what);
            if (steps == 0 || steps > window_ || steps > now + 1) {
                throw spark::error("rank " + std::to_string(source) + " sent " +
                                   std::to_string(steps) + " steps of " + what +
                                   " for a window of " + std::to_string(window_) +
                                   ": the ranks disagree on the exchange window");
            }
            auto* proxy = static_cast<std::byte*>(brain_.input(crossing.proxy).data);
            const auto size = element_size(crossing.spec);
            const auto count = theirs->end - theirs->begin;
            for (std::uint32_t k = 0; k < steps; ++k) {
                const auto part = next_part(block, what);
                if (window_ == 1) { // on time, straight into the proxy
                    decode_values(part, crossing.spec, *theirs, proxy, what, source);
                    continue;
                }
                auto* values = received_[c].data();
                decode_values(part, crossing.spec, *theirs, values, what, source);
                const auto* piece = values + theirs->begin * size;
                if (k + 1 == steps) {
                    std::memcpy(proxy + theirs->begin * size, piece, count * size);
                } else {
                    for (const auto& reader : late_readers_[c]) {
                        brain_.write_late_input(reader.module,
                                                reader.port,
                                                now - (steps - 1 - k),
                                                reader.offset + theirs->begin,
                                                count,
                                                piece);
                    }
                }
            }
            if (!block.empty()) {
                throw spark::error("rank " + std::to_string(source) + " sent more of " + what +
                                   " than its window's steps");
            }
        }
    }
    if (layout_.rank == root_) {
        for (auto& o : observations_) {
            if (const auto* theirs = piece_on(o.what.pieces, source)) {
                const std::string& what = o.label;
                decode_values(
                    next_part(message, what), o.what.spec, *theirs, o.value.data(), what, source);
            }
        }
    }
    if (!message.empty()) {
        throw spark::error("rank " + std::to_string(source) + " sent more than rank " +
                           std::to_string(layout_.rank) +
                           " reads: the ranks disagree on the brain or its partition");
    }
}

void rank_stepper::observe(std::vector<observation> list, int root) {
    observations_.clear();
    root_ = root;
    for (auto& what : list) {
        observed_value o;
        if (layout_.rank == root) {
            o.value.assign(byte_count(what.spec), std::byte{0});
        }
        const auto* mine = piece_on(what.pieces, layout_.rank);
        if (mine != nullptr && what.spec.payload_kind == SPARK_PAYLOAD_SPIKES) {
            o.last_sent.assign(mine->end - mine->begin, 0);
        }
        o.label = what.module + "." + what.name;
        o.what = std::move(what);
        observations_.push_back(std::move(o));
    }
    find_neighbours();
}

std::span<const std::byte> rank_stepper::observed(std::size_t i) const {
    return observations_.at(i).value;
}

void rank_stepper::reset() {
    brain_.reset(); // zeroes the proxies, as the senders' deltas start again from zeros
    for (auto& last : last_sent_) {
        std::fill(last.begin(), last.end(), 0);
    }
    for (auto& values : received_) {
        std::fill(values.begin(), values.end(), std::byte{0});
    }
    for (std::size_t c = 0; c < encoded_.size(); ++c) {
        encoded_[c].clear();
        encoded_steps_[c] = 0;
    }
    window_ends_ = true;
    exchange_open_ = false;
    for (auto& o : observations_) {
        std::fill(o.last_sent.begin(), o.last_sent.end(), 0);
        std::fill(o.value.begin(), o.value.end(), std::byte{0});
    }
}

} // namespace spark::runtime::detail
