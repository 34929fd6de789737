// SPDX-License-Identifier: Apache-2.0
// What a spark_cpp Brain holds: the runtime's brain and the registry whose plugins run it, and a
// lock that refuses a second caller while the brain steps without the GIL.
#pragma once
#include <memory>
#include <mutex>
#include <string>

#include <spark/registry/plugin_registry.hpp>
#include <spark/runtime/brain.hpp>

#include "bindings.hpp"

namespace spark::python {

struct brain_handle {
    std::shared_ptr<registry::plugin_registry> registry; // outlives the brain's instances
    runtime::brain brain;
    std::mutex in_use; // held by step(), run(), reset() and checkpoint() while they run
};

/// Holds a brain's lock for one call; another thread calling the brain meanwhile gets a
/// RuntimeError instead of a data race (step() and run() run without the GIL).
class exclusive_use {
public:
    explicit exclusive_use(brain_handle& handle) : lock_(handle.in_use, std::try_to_lock) {
        if (!lock_.owns_lock()) {
            throw std::runtime_error("the brain is in use by another thread (step, run, reset or "
                                     "checkpoint); call one brain from one thread at a time");
        }
    }

private:
    std::unique_lock<std::mutex> lock_;
};

/// Writes each entry of `inputs` (input name -> number or array) into the brain's input buffer,
/// after checking them all: a wrong name is a KeyError, a wrong shape a ValueError, a value of
/// another kind a TypeError, and then no buffer has changed.
void feed_inputs(runtime::brain& brain, const py::dict& inputs);

/// The spec of brain input `name`; a KeyError naming the brain's inputs when there is none.
[[nodiscard]] const spark_port_spec_t& input_spec(const runtime::brain& brain,
                                                  const std::string& name);

/// brain.run(): see run.cpp.
[[nodiscard]] py::dict run_steps(brain_handle& handle,
                                 std::uint64_t steps,
                                 const py::dict& inputs,
                                 const std::vector<std::string>& record,
                                 const py::object& progress);

} // namespace spark::python
