// SPDX-License-Identifier: Apache-2.0
// `spike_generator` (docs/models.md section 8.4; Brian2's SpikeGeneratorGroup, NEST's
// spike_generator): spikes at given steps and flat indices of `units`, from the config's `steps`
// and `indices` or from a file (spike_list_file.hpp). The list is checked and sorted once, in the
// constructor; a step looks its own index up, so the output depends on the step index alone and
// reset, checkpoints and resumes need no state.
#pragma once
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include <spark/sdk/plugin.hpp>

#include "spike_list_file.hpp"

namespace spark::interfaces {

class spike_generator {
public:
    static constexpr const char* class_ref = "spike_generator";
    static constexpr std::int32_t kind = SPARK_KIND_INPUT_INTERFACE;
    static constexpr const char* version = "1.0.0";
    static constexpr const char* description =
        "spikes at given steps and flat indices of units, from the config (steps, indices) or a "
        "file (.npy (k, 2) or CSV 'step,index')";
    static constexpr const char* example_config =
        R"({"units": [4], "steps": [0, 2, 2], "indices": [1, 0, 3]})";

    static constexpr std::size_t spikes_port = 0; // output

    static void declare(sdk::schema& s) {
        s.field_int_array("units", {})
            .required()
            .positive()
            .length(1, SPARK_MAX_RANK)
            .description("the output's shape; indices count its flattened elements from 0");
        s.field_int_array("steps", {})
            .non_negative()
            .description("the step of each spike (the step index: 0 is the first step after "
                         "reset); any order");
        s.field_int_array("indices", {})
            .non_negative()
            .rule("len(indices) == len(steps)", "spike k is at steps[k], indices[k]")
            .description("the flat element of each spike, one per entry of steps");
        s.field_string("file", "")
            .path() // the host makes it absolute: relative to the brain file's folder
            .description(
                "a .npy integer array of shape (k, 2) (columns step, index) or a CSV file with the "
                "header 'step,index'; relative to the brain file; instead of steps/indices");
        s.field_bool("inhibitory", false)
            .description("set the inhibition bit (bit1) on every element, as an inhibitory "
                         "population's output: a spike is 3, silence 2");
        s.output("spikes", SPARK_PAYLOAD_SPIKES, "spike_array")
            .from_field("units")
            .description("1 (3 when inhibitory) where the list has a spike at this step");
    }

    explicit spike_generator(const sdk::config_view& cfg)
        : silent_(cfg.get<bool>("inhibitory") ? std::uint8_t{2} : std::uint8_t{0}) {
        const auto units = cfg.shape("units");
        const std::uint64_t count = sdk::element_count(units);
        auto list = listed(cfg);
        for (const auto& s : list.spikes) {
            check(list, s, units, count);
        }
        std::sort(list.spikes.begin(),
                  list.spikes.end(),
                  [](const listed_spike& a, const listed_spike& b) {
                      return std::pair(a.step, a.index) < std::pair(b.step, b.index);
                  });
        for (std::size_t k = 1; k < list.spikes.size(); ++k) {
            const auto& a = list.spikes[k - 1];
            const auto& b = list.spikes[k];
            if (a.step == b.step && a.index == b.index) {
                const auto& [first, second] = a.place < b.place ? std::pair(a, b) : std::pair(b, a);
                throw sdk::status_error(
                    SPARK_ERR_INVALID_ARGUMENT,
                    list.where(second) + " repeats the spike of " + list.where(first) + " (step " +
                        std::to_string(a.step) + ", index " + std::to_string(a.index) +
                        "); an element spikes at most once per step: remove the duplicate");
            }
        }
        steps_.reserve(list.spikes.size());
        indices_.reserve(list.spikes.size());
        for (const auto& s : list.spikes) {
            steps_.push_back(static_cast<std::uint64_t>(s.step));
            indices_.push_back(static_cast<std::size_t>(s.index));
        }
    }

    void reset(const sdk::output_buffers& out) {
        const auto spikes = out.get<std::uint8_t>(spikes_port);
        std::fill(spikes.begin(), spikes.end(), silent_);
    }

    void step(const sdk::step_context& ctx) {
        const auto spikes = ctx.output<std::uint8_t>(spikes_port);
        std::fill(spikes.begin(), spikes.end(), silent_);
        const auto [first, last] = std::equal_range(steps_.begin(), steps_.end(), ctx.index());
        const auto spike = static_cast<std::uint8_t>(silent_ | 1U);
        for (auto k = first; k != last; ++k) {
            spikes[indices_[static_cast<std::size_t>(k - steps_.begin())]] = spike;
        }
    }

private:
    /// The spikes as the config or its file lists them.
    static spike_list listed(const sdk::config_view& cfg) {
        const auto steps = cfg.ints("steps");
        const auto indices = cfg.ints("indices");
        const auto file = cfg.get<std::string>("file");
        if (!file.empty()) {
            if (steps.size() != 0 || indices.size() != 0) {
                throw sdk::status_error(SPARK_ERR_INVALID_ARGUMENT,
                                        "the spikes are given twice, in file '" + file +
                                            "' and in steps/indices; give one of them (leave "
                                            "steps and indices empty to read the file)");
            }
            return read_spike_file(file);
        }
        // The schema's rule made steps and indices the same length before this ran.
        spike_list list{{}, "the config", "spike"};
        for (std::size_t k = 0; k < steps.size(); ++k) {
            list.spikes.push_back({steps[k], indices[k], k});
        }
        return list;
    }

    static void check(const spike_list& list,
                      const listed_spike& s,
                      const spark_shape_t& units,
                      std::uint64_t count) {
        if (s.step < 0) {
            throw sdk::status_error(SPARK_ERR_INVALID_ARGUMENT,
                                    list.where(s) + ": step " + std::to_string(s.step) +
                                        " is negative; steps count from 0, the first step after "
                                        "reset");
        }
        if (s.index < 0 || static_cast<std::uint64_t>(s.index) >= count) {
            throw sdk::status_error(SPARK_ERR_INVALID_ARGUMENT,
                                    list.where(s) + ": index " + std::to_string(s.index) +
                                        " is out of range for units " + sdk::shape_string(units) +
                                        " (" + std::to_string(count) +
                                        (count == 1 ? " element" : " elements") +
                                        ", flat indices 0 to " + std::to_string(count - 1) +
                                        "); give an index in that range or larger units");
        }
    }

    std::uint8_t silent_;              // the byte of an element without a spike: 0, or 2
    std::vector<std::uint64_t> steps_; // ascending; steps_[k] is spike k's step
    std::vector<std::size_t> indices_; // spike k's flat element, ascending within a step
};

} // namespace spark::interfaces
