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
      last_sent_(layout_.crossing.size()), encoded_(layout_.crossing.size()) {
    for (std::size_t c = 0; c < layout_.crossing.size(); ++c) {
        const auto& crossing = layout_.crossing[c];
        const auto* mine = crossing.piece_on(rank);
        if (mine != nullptr && crossing.spec.payload_kind == SPARK_PAYLOAD_SPIKES) {
            last_sent_[c].assign(mine->end - mine->begin, 0);
        }
    }
    find_neighbours();
}

void rank_stepper::encode(bool in_step) {
    last_bytes_sent_ = 0;
    const int me = layout_.rank;
    const auto output = [&](const std::string& module, const std::string& port) {
        return in_step ? brain_.stepped(module, port) : brain_.cached(module, port);
    };
    for (std::size_t c = 0; c < layout_.crossing.size(); ++c) {
        const auto& crossing = layout_.crossing[c];
        auto& out = encoded_[c];
        out.clear();
        const auto* mine = crossing.piece_on(me);
        if (mine == nullptr) {
            continue;
        }
        const auto view = output(crossing.module, crossing.port);
        const auto* now = static_cast<const std::byte*>(view.data);
        if (byte_count(view.spec) != (mine->end - mine->begin) * element_size(crossing.spec)) {
            throw spark::error("module '" + crossing.module + "' output '" + crossing.port +
                               "' built with another shape than the ranks agreed on");
        }
        const auto others = crossing.readers.size() - (crossing.read_by(me) ? 1U : 0U);
        if (others > 0) {
            encode_values(now, crossing.spec, *mine, last_sent_[c], out);
            last_bytes_sent_ += out.size() * others;
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

void rank_stepper::receive_own() {
    const int me = layout_.rank;
    for (const auto& crossing : layout_.crossing) {
        const auto* mine = crossing.piece_on(me);
        if (mine == nullptr || !crossing.read_by(me)) {
            continue;
        }
        const auto view = brain_.cached(crossing.module, crossing.port);
        std::memcpy(static_cast<std::byte*>(brain_.input(crossing.proxy).data) +
                        mine->begin * element_size(crossing.spec),
                    view.data,
                    byte_count(view.spec));
    }
}

std::vector<std::byte> rank_stepper::message_for(int destination) const {
    std::vector<std::byte> message;
    for (std::size_t c = 0; c < layout_.crossing.size(); ++c) {
        const auto& crossing = layout_.crossing[c];
        if (crossing.piece_on(layout_.rank) != nullptr && crossing.read_by(destination) &&
            destination != layout_.rank) {
            append_part(message, encoded_[c]);
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
    for (const auto& o : observations_) {
        if (piece_on(o.what.pieces, me) != nullptr) {
            destinations.insert(root_);
        }
        if (root_ == me) {
            for (const auto& p : o.what.pieces) {
                sources.insert(p.rank);
            }
        }
    }
    destinations.erase(me);
    sources.erase(me);
    destinations_.assign(destinations.begin(), destinations.end());
    sources_.assign(sources.begin(), sources.end());

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

void rank_stepper::receive(int source, std::span<const std::byte> message) {
    for (const auto& crossing : layout_.crossing) {
        const auto* theirs = crossing.piece_on(source);
        if (theirs == nullptr || !crossing.read_by(layout_.rank)) {
            continue;
        }
        const std::string what = crossing.module + "." + crossing.port;
        decode_values(next_part(message, what),
                      crossing.spec,
                      *theirs,
                      static_cast<std::byte*>(brain_.input(crossing.proxy).data),
                      what,
                      source);
    }
    if (layout_.rank == root_) {
        for (auto& o : observations_) {
            if (const auto* theirs = piece_on(o.what.pieces, source)) {
                const std::string what = o.what.module + "." + o.what.name;
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
    for (auto& o : observations_) {
        std::fill(o.last_sent.begin(), o.last_sent.end(), 0);
        std::fill(o.value.begin(), o.value.end(), std::byte{0});
    }
}

} // namespace spark::runtime::detail
