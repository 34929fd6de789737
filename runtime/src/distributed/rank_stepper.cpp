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

bool owned_by(const crossing_port& crossing, int rank) {
    return crossing.owner == rank;
}

bool read_by(const crossing_port& crossing, int rank) {
    return std::binary_search(crossing.readers.begin(), crossing.readers.end(), rank);
}

/// Appends `now` (byte_count(spec) bytes) as it travels: spikes as the (u32 index, u8 value) of
/// every byte that differs from `last` (which then holds `now`), other payloads whole.
void encode_values(const std::byte* now,
                   const spark_port_spec_t& spec,
                   std::vector<std::uint8_t>& last,
                   std::vector<std::byte>& out) {
    const auto bytes = byte_count(spec);
    if (spec.payload_kind == SPARK_PAYLOAD_SPIKES) {
        const auto* values = reinterpret_cast<const std::uint8_t*>(now);
        for (std::uint32_t i = 0; i < bytes; ++i) {
            if (values[i] != last[i]) {
                append(out, i);
                append(out, values[i]);
                last[i] = values[i];
            }
        }
    } else {
        out.insert(out.end(), now, now + bytes);
    }
}

/// Writes what encode_values() produced into `target` (byte_count(spec) bytes, holding the
/// previous values). `what` and `source` name the port and the sender in errors.
void decode_values(std::span<const std::byte> payload,
                   const spark_port_spec_t& spec,
                   std::byte* target,
                   const std::string& what,
                   int source) {
    const auto bytes = byte_count(spec);
    if (spec.payload_kind == SPARK_PAYLOAD_SPIKES) {
        while (!payload.empty()) {
            const auto index = take<std::uint32_t>(payload, what);
            const auto value = take<std::uint8_t>(payload, what);
            if (index >= bytes) {
                throw spark::error("rank " + std::to_string(source) + " sent element " +
                                   std::to_string(index) + " of " + what + ", which has " +
                                   std::to_string(bytes));
            }
            target[index] = static_cast<std::byte>(value);
        }
        return;
    }
    if (payload.size() != bytes) {
        throw spark::error("rank " + std::to_string(source) + " sent " +
                           std::to_string(payload.size()) + " bytes of " + what + ", which has " +
                           std::to_string(bytes));
    }
    std::memcpy(target, payload.data(), bytes);
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
        if (owned_by(crossing, rank) && crossing.spec.payload_kind == SPARK_PAYLOAD_SPIKES) {
            last_sent_[c].assign(byte_count(crossing.spec), 0);
        }
    }
    find_neighbours();
}

void rank_stepper::encode() {
    last_bytes_sent_ = 0;
    for (std::size_t c = 0; c < layout_.crossing.size(); ++c) {
        const auto& crossing = layout_.crossing[c];
        auto& out = encoded_[c];
        out.clear();
        if (!owned_by(crossing, layout_.rank)) {
            continue;
        }
        const auto view = brain_.cached(crossing.module, crossing.port);
        if (byte_count(view.spec) != byte_count(crossing.spec)) {
            throw spark::error("module '" + crossing.module + "' output '" + crossing.port +
                               "' built with another shape than the ranks agreed on");
        }
        encode_values(static_cast<const std::byte*>(view.data), crossing.spec, last_sent_[c], out);
        last_bytes_sent_ += out.size() * crossing.readers.size();
    }
    // Observations owned here: properties are read now (the root's own too, for observed());
    // the others' values go to the root.
    for (auto& o : observations_) {
        o.encoded.clear();
        if (o.what.owner != layout_.rank) {
            continue;
        }
        const std::byte* now = nullptr;
        if (o.what.property) {
            o.value = brain_.read_property(o.what.module, o.what.name);
            if (o.value.size() != byte_count(o.what.spec)) {
                throw spark::error("module '" + o.what.module + "' property '" + o.what.name +
                                   "' changed its size while the brain ran");
            }
            now = o.value.data();
        } else {
            now = static_cast<const std::byte*>(brain_.cached(o.what.module, o.what.name).data);
        }
        if (root_ != layout_.rank) {
            encode_values(now, o.what.spec, o.last_sent, o.encoded);
            last_bytes_sent_ += o.encoded.size();
        }
    }
}

std::vector<std::byte> rank_stepper::message_for(int destination) const {
    std::vector<std::byte> message;
    for (std::size_t c = 0; c < layout_.crossing.size(); ++c) {
        const auto& crossing = layout_.crossing[c];
        if (owned_by(crossing, layout_.rank) && read_by(crossing, destination)) {
            append_part(message, encoded_[c]);
        }
    }
    if (destination == root_) {
        for (const auto& o : observations_) {
            if (o.what.owner == layout_.rank) {
                append_part(message, o.encoded);
            }
        }
    }
    return message;
}

void rank_stepper::find_neighbours() {
    std::set<int> destinations;
    std::set<int> sources;
    for (const auto& crossing : layout_.crossing) {
        if (owned_by(crossing, layout_.rank)) {
            destinations.insert(crossing.readers.begin(), crossing.readers.end());
        } else if (read_by(crossing, layout_.rank)) {
            sources.insert(crossing.owner);
        }
    }
    for (const auto& o : observations_) {
        if (o.what.owner == layout_.rank && root_ != layout_.rank) {
            destinations.insert(root_);
        } else if (o.what.owner != layout_.rank && root_ == layout_.rank) {
            sources.insert(o.what.owner);
        }
    }
    destinations_.assign(destinations.begin(), destinations.end());
    sources_.assign(sources.begin(), sources.end());
}

void rank_stepper::receive(int source, std::span<const std::byte> message) {
    for (const auto& crossing : layout_.crossing) {
        if (!owned_by(crossing, source) || !read_by(crossing, layout_.rank)) {
            continue;
        }
        const std::string what = crossing.module + "." + crossing.port;
        decode_values(next_part(message, what),
                      crossing.spec,
                      static_cast<std::byte*>(brain_.input(crossing.proxy).data),
                      what,
                      source);
    }
    if (layout_.rank == root_) {
        for (auto& o : observations_) {
            if (o.what.owner == source) {
                const std::string what = o.what.module + "." + o.what.name;
                decode_values(next_part(message, what), o.what.spec, o.value.data(), what, source);
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
        const auto bytes = byte_count(what.spec);
        if (layout_.rank == root || what.property) {
            o.value.assign(bytes, std::byte{0}); // the root's copy; an owner's property read
        }
        if (what.owner == layout_.rank && what.spec.payload_kind == SPARK_PAYLOAD_SPIKES) {
            o.last_sent.assign(bytes, 0);
        }
        o.what = std::move(what);
        observations_.push_back(std::move(o));
    }
    find_neighbours();
}

std::span<const std::byte> rank_stepper::observed(std::size_t i) const {
    const auto& o = observations_.at(i);
    if (o.what.owner == layout_.rank && !o.what.property) {
        const auto view = brain_.cached(o.what.module, o.what.name);
        return {static_cast<const std::byte*>(view.data), byte_count(view.spec)};
    }
    return o.value;
}

void rank_stepper::reset() {
    brain_.reset(); // zeroes the proxies, as the senders' deltas start again from zeros
    for (auto& last : last_sent_) {
        std::fill(last.begin(), last.end(), 0);
    }
    for (auto& o : observations_) {
        std::fill(o.last_sent.begin(), o.last_sent.end(), 0);
        if (o.what.owner != layout_.rank) {
            std::fill(o.value.begin(), o.value.end(), std::byte{0});
        }
    }
}

} // namespace spark::runtime::detail
