// SPDX-License-Identifier: Apache-2.0
// What a checkpoint reads from a Brain and restores into it besides the modules' own state: the
// cache the next step reads, the brain inputs and the step counter (defined in brain.cpp, which
// owns them).
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

#include <spark/registry/module_instance.hpp>
#include <spark/runtime/brain.hpp>

namespace spark::runtime::detail {

struct checkpoint_access {
    /// Module m's instance (brain::modules() order).
    [[nodiscard]] static registry::module_instance& instance(const brain& b, std::size_t m);
    /// Writable views of what the cache holds for module m's output ports: the outputs of the
    /// last completed step, which the next step reads (port order).
    [[nodiscard]] static std::vector<spark_buffer_t> cached_outputs(const brain& b, std::size_t m);
    /// Writable views of the brain inputs (input_specs() order).
    [[nodiscard]] static std::vector<spark_buffer_t> inputs(const brain& b);
    /// Whether a failed step or reset stopped the brain (only reset() may follow).
    [[nodiscard]] static bool stopped(const brain& b);
    /// After reset() and loading everything above: the next step is `step_index`.
    static void resume_at(brain& b, std::uint64_t step_index);
};

} // namespace spark::runtime::detail
