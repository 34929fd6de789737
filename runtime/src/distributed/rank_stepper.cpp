// SPDX-License-Identifier: Apache-2.0
#include "distributed/rank_stepper.hpp"

#include <algorithm>
#include <cstring>
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
        const auto bytes = byte_count(view.spec);
        if (bytes != byte_count(crossing.spec)) {
            throw spark::error("module '" + crossing.module + "' output '" + crossing.port +
                               "' built with another shape than the ranks agreed on");
        }
        if (crossing.spec.payload_kind == SPARK_PAYLOAD_SPIKES) {
            const auto* now = static_cast<const std::uint8_t*>(view.data);
            auto& last = last_sent_[c];
            for (std::uint32_t i = 0; i < bytes; ++i) {
                if (now[i] != last[i]) {
                    append(out, i);
                    append(out, now[i]);
                    last[i] = now[i];
                }
            }
        } else {
            const auto* data = static_cast<const std::byte*>(view.data);
            out.assign(data, data + bytes);
        }
        last_bytes_sent_ += out.size() * crossing.readers.size();
    }
}

std::vector<std::byte> rank_stepper::message_for(int destination) const {
    std::vector<std::byte> message;
    for (std::size_t c = 0; c < layout_.crossing.size(); ++c) {
        const auto& crossing = layout_.crossing[c];
        if (owned_by(crossing, layout_.rank) && read_by(crossing, destination)) {
            append(message, static_cast<std::uint64_t>(encoded_[c].size()));
            message.insert(message.end(), encoded_[c].begin(), encoded_[c].end());
        }
    }
    return message;
}

void rank_stepper::receive(int source, std::span<const std::byte> message) {
    for (const auto& crossing : layout_.crossing) {
        if (!owned_by(crossing, source) || !read_by(crossing, layout_.rank)) {
            continue;
        }
        const std::string what = crossing.module + "." + crossing.port;
        const auto size = take<std::uint64_t>(message, what);
        if (size > message.size()) {
            throw spark::error("a message between ranks ends early (" + what +
                               "): the ranks disagree on the brain or its partition");
        }
        auto payload = message.subspan(0, size);
        message = message.subspan(size);
        const auto buffer = brain_.input(crossing.proxy);
        const auto bytes = byte_count(crossing.spec);
        auto* target = static_cast<std::uint8_t*>(buffer.data);
        if (crossing.spec.payload_kind == SPARK_PAYLOAD_SPIKES) {
            while (!payload.empty()) {
                const auto index = take<std::uint32_t>(payload, what);
                const auto value = take<std::uint8_t>(payload, what);
                if (index >= bytes) {
                    throw spark::error("rank " + std::to_string(source) + " sent element " +
                                       std::to_string(index) + " of " + what + ", which has " +
                                       std::to_string(bytes));
                }
                target[index] = value;
            }
        } else {
            if (payload.size() != bytes) {
                throw spark::error("rank " + std::to_string(source) + " sent " +
                                   std::to_string(payload.size()) + " bytes of " + what +
                                   ", which has " + std::to_string(bytes));
            }
            std::memcpy(target, payload.data(), bytes);
        }
    }
    if (!message.empty()) {
        throw spark::error("rank " + std::to_string(source) + " sent more than rank " +
                           std::to_string(layout_.rank) +
                           " reads: the ranks disagree on the brain or its partition");
    }
}

void rank_stepper::reset() {
    brain_.reset(); // zeroes the proxies, as the senders' deltas start again from zeros
    for (auto& last : last_sent_) {
        std::fill(last.begin(), last.end(), 0);
    }
}

} // namespace spark::runtime::detail
