// SPDX-License-Identifier: Apache-2.0
#include "checkpointing.hpp"

#include <iostream>
#include <string>
#include <vector>

#include <spark/runtime/checkpoint.hpp>

namespace spark::cli {

std::optional<runtime::brain> resume_brain(const registry::plugin_registry& registry,
                                           const checkpoint_request& request,
                                           const runtime::brain_config& config,
                                           const runtime::brain_options& options) {
    std::optional<runtime::brain> brain;
    try {
        brain.emplace(runtime::brain::from_checkpoint(
            registry, *request.resume, {options, request.accept_other_builds}));
    } catch (const spark::error& e) {
        std::cerr << "spark: cannot resume: " << e.what() << '\n';
        return std::nullopt;
    }
    // The same command line plus --resume continues the same run: a checkpoint of another brain
    // (another file, seed or input shape) would continue something else.
    bool same = brain->config().to_json() == config.to_json();
    for (std::size_t i = 0; same && i < config.input_map.size(); ++i) {
        const auto& specs = config.input_map[i].second;
        const auto& built = brain->input_specs()[i].second.shape;
        same = !specs.shape_given ||
               std::vector<std::uint32_t>(built.dims, built.dims + built.rank) == specs.shape;
    }
    if (!same) {
        std::cerr << "spark: cannot resume: " << request.resume->string()
                  << " holds another brain than the brain file as this command line gives it "
                     "(its modules, configs, seeds or input shapes differ); resume with the "
                     "command line that wrote it\n";
        return std::nullopt;
    }
    return brain;
}

void checkpoint_schedule::after_step(const runtime::brain& brain) {
    if (request_.file && request_.every != 0 && brain.step_index() % request_.every == 0) {
        write(brain);
    }
}

void checkpoint_schedule::at_end(const runtime::brain& brain) {
    if (request_.file && written_at_ != brain.step_index()) {
        write(brain);
    }
}

void checkpoint_schedule::write(const runtime::brain& brain) {
    try {
        brain.checkpoint(*request_.file, true);
    } catch (const spark::error& e) {
        throw checkpoint_write_error("cannot write the checkpoint at step " +
                                     std::to_string(brain.step_index()) + ": " + e.what());
    }
    written_at_ = brain.step_index();
}

} // namespace spark::cli
