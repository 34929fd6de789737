// SPDX-License-Identifier: Apache-2.0
#include "tools/check_support.hpp"

#include <cstring>
#include <stdexcept>

#include <spark/sdk/buffers.hpp>

#include "text.hpp"

namespace spark::runtime::detail {

namespace {

// A stage lists at most this many problems.
constexpr std::size_t max_problems = 5;

std::vector<spark_buffer_t> views(const std::vector<host_buffer>& buffers) {
    std::vector<spark_buffer_t> out;
    for (const auto& buffer : buffers) {
        out.push_back(buffer.view());
    }
    return out;
}

} // namespace

void problems::add(std::string message) {
    ++count_;
    if (messages_.size() < max_problems) {
        messages_.push_back(std::move(message));
    }
}

std::string problems::text() const {
    std::string all = join(messages_, "\n");
    if (count_ > messages_.size()) {
        all += "\n... and " + std::to_string(count_ - messages_.size()) + " more";
    }
    return all;
}

std::vector<const spark_port_desc_t*> ports_of(const spark_module_type_t& type,
                                               std::int32_t direction) {
    std::vector<const spark_port_desc_t*> ports;
    for (std::uint32_t i = 0; i < type.port_count; ++i) {
        if (type.ports[i].direction == direction) {
            ports.push_back(&type.ports[i]);
        }
    }
    return ports;
}

std::vector<host_buffer> allocate(const std::vector<spark_port_spec_t>& specs) {
    std::vector<host_buffer> buffers;
    for (const auto& spec : specs) {
        buffers.emplace_back(spec);
    }
    return buffers;
}

step_io::step_io(const std::vector<spark_port_spec_t>& input_specs,
                 const std::vector<spark_port_spec_t>& output_specs)
    : inputs(allocate(input_specs)), outputs(allocate(output_specs)), input_views(views(inputs)),
      output_views(views(outputs)) {}

spark_step_context_t step_io::context(std::uint64_t index, double dt) const {
    spark_step_context_t ctx{};
    ctx.step_index = index;
    ctx.dt = dt;
    ctx.inputs = input_views.data();
    ctx.input_count = static_cast<std::uint32_t>(input_views.size());
    ctx.outputs = output_views.data();
    ctx.output_count = static_cast<std::uint32_t>(output_views.size());
    return ctx;
}

std::vector<std::vector<std::byte>> step_io::snapshot() const {
    std::vector<std::vector<std::byte>> copy;
    for (const auto& buffer : outputs) {
        copy.emplace_back(buffer.data(), buffer.data() + buffer.bytes());
    }
    return copy;
}

void fill_random(std::vector<host_buffer>& buffers, std::mt19937_64& random) {
    std::uniform_real_distribution<double> signal(-1.0, 1.0);
    std::uniform_int_distribution<unsigned> spike(0, 3);
    std::uniform_int_distribution<std::int32_t> small(0, 7);
    for (auto& buffer : buffers) {
        for (std::uint64_t k = 0; k < buffer.count(); ++k) {
            std::byte* at = buffer.data() + k * spark_dtype_size(buffer.spec().dtype);
            switch (buffer.spec().dtype) {
            case SPARK_DTYPE_U8: {
                const unsigned bits = spike(random);
                // Masks are 0/1: bit0 of the same draw.
                *at = static_cast<std::byte>(
                    buffer.spec().payload_kind == SPARK_PAYLOAD_BOOL_MASK ? bits & 1U : bits);
                break;
            }
            case SPARK_DTYPE_I32: {
                const std::int32_t x = small(random);
                std::memcpy(at, &x, sizeof x);
                break;
            }
            case SPARK_DTYPE_F32: {
                const auto x = static_cast<float>(signal(random));
                std::memcpy(at, &x, sizeof x);
                break;
            }
            case SPARK_DTYPE_F64: {
                const auto x = static_cast<double>(static_cast<float>(signal(random)));
                std::memcpy(at, &x, sizeof x);
                break;
            }
            default:
                break;
            }
        }
    }
}

registry::module_instance fresh_instance(registry::plugin_registry& registry,
                                         const registry::module_type_info& type,
                                         const module_setup& setup,
                                         step_io& io) {
    auto instance = registry.create(type, setup.config.abi(), "check");
    std::vector<spark_port_spec_t> outputs(setup.output_specs.size());
    instance.build(setup.input_specs, outputs);
    for (std::size_t i = 0; i < outputs.size(); ++i) {
        const auto& first = setup.output_specs[i];
        if (outputs[i].payload_kind != first.payload_kind || outputs[i].dtype != first.dtype ||
            !sdk::same_shape(outputs[i].shape, first.shape)) {
            throw std::runtime_error("a second instance built output " + std::to_string(i) +
                                     " as " + spec_text(outputs[i]) + ", the first as " +
                                     spec_text(first));
        }
    }
    instance.reset(io.output_views);
    return instance;
}

} // namespace spark::runtime::detail
