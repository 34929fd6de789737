// SPDX-License-Identifier: Apache-2.0
// What the stages of `spark plugins check` share (internal): a stage's list of problems, the
// buffers of one instance's steps, random inputs, and an instance set up like the one a stage
// already built, for the stages that drive fresh instances side by side.
#pragma once
#include <cstddef>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include <spark/abi/module.h>
#include <spark/registry/plugin_registry.hpp>
#include <spark/runtime/module_config.hpp>
#include <spark/runtime/plugin_check.hpp>

#include "tools/host_buffer.hpp"

namespace spark::runtime::detail {

/// Problems found during one stage; at most a few are kept (a plugin broken at every step would
/// otherwise bury the first, most useful, message under hundreds of copies).
class problems {
public:
    void add(std::string message);
    [[nodiscard]] bool empty() const noexcept { return count_ == 0; }
    [[nodiscard]] std::string text() const;

private:
    std::vector<std::string> messages_;
    std::size_t count_ = 0;
};

/// The outcome and message of one stage, for stages computed apart from the recorder.
struct stage_result {
    check_outcome outcome = check_outcome::passed;
    std::string message;
};

[[nodiscard]] std::vector<const spark_port_desc_t*> ports_of(const spark_module_type_t& type,
                                                             std::int32_t direction);
[[nodiscard]] std::vector<host_buffer> allocate(const std::vector<spark_port_spec_t>& specs);

/// Everything one step needs, kept together so every step sees the same buffers.
struct step_io {
    std::vector<host_buffer> inputs;
    std::vector<host_buffer> outputs;
    std::vector<spark_buffer_t> input_views;
    std::vector<spark_buffer_t> output_views;

    step_io(const std::vector<spark_port_spec_t>& input_specs,
            const std::vector<spark_port_spec_t>& output_specs);
    [[nodiscard]] spark_step_context_t context(std::uint64_t index, double dt) const;
    [[nodiscard]] std::vector<std::vector<std::byte>> snapshot() const;
};

/// Random inputs: spikes 0..3 (bit1 on silent elements too), masks 0/1, ints 0..7, floats in
/// [-1, 1) rounded to float32 in both dtypes (so that float32 and float64 runs see the same
/// values); the same draws for either dtype.
void fill_random(std::vector<host_buffer>& buffers, std::mt19937_64& random);

/// A type's config and port specs as a stage built it, to set up more instances the same way.
struct module_setup {
    module_config config;
    std::vector<spark_port_spec_t> input_specs;
    std::vector<spark_port_spec_t> output_specs;
};

/// A new instance of `type` from `setup`: created, built with its input specs (which must give
/// its output specs again) and reset into `io`'s outputs. Throws spark::error, or
/// std::runtime_error when build gives other output specs.
[[nodiscard]] registry::module_instance fresh_instance(registry::plugin_registry& registry,
                                                       const registry::module_type_info& type,
                                                       const module_setup& setup,
                                                       step_io& io);

} // namespace spark::runtime::detail
