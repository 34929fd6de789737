// SPDX-License-Identifier: Apache-2.0
// The world of one process: the whole brain, read directly.
#include "run_world.hpp"

#include <charconv>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <string_view>

namespace spark::cli {
namespace {

class whole_brain final : public run_target {
public:
    explicit whole_brain(runtime::brain brain) : brain_(std::move(brain)) {}

    runtime::brain& local() override { return brain_; }
    const std::vector<runtime::module_info>& modules() const override { return brain_.modules(); }
    const std::vector<std::pair<std::string, spark_port_spec_t>>& input_specs() const override {
        return brain_.input_specs();
    }
    const std::vector<std::pair<std::string, spark_port_spec_t>>& output_specs() const override {
        return brain_.output_specs();
    }
    spark_port_spec_t property_spec(const std::string& module,
                                    const std::string& property) const override {
        const auto spec = brain_.property_spec(module, property);
        if (spec.payload_kind == 0) {
            (void)brain_.read_property(module, property); // throws the module's reason
        }
        return spec;
    }

    void step() override { brain_.step(); }
    void watch(const std::vector<watched_value>& values) override {
        values_ = values;
        properties_.assign(values.size(), {});
    }
    const void* watched(std::size_t i) override {
        const auto& value = values_.at(i);
        if (value.property) {
            // Read live after the step, as upstream reads a property.
            properties_[i] = brain_.read_property(value.module, value.name);
            return properties_[i].data();
        }
        return (value.module.empty() ? brain_.output(value.name)
                                     : brain_.cached(value.module, value.name))
            .data;
    }

    void request_stop(int signal) override { stop_ = signal; }
    std::optional<int> stop_agreed() const override { return stop_; }

private:
    runtime::brain brain_;
    std::vector<watched_value> values_;
    std::vector<std::vector<std::byte>> properties_;
    std::optional<int> stop_;
};

class one_process final : public run_world {
public:
    std::unique_ptr<run_target> build(const registry::plugin_registry& registry,
                                      const runtime::brain_config& config,
                                      const runtime::brain_options& options) override {
        return whole(runtime::brain(registry, config, options));
    }
};

} // namespace

std::unique_ptr<run_target> run_world::whole(runtime::brain brain) {
    return std::make_unique<whole_brain>(std::move(brain));
}

void run_world::abort(const std::string& message) {
    std::cerr << "spark: " << message << '\n';
}

std::unique_ptr<run_world> single_process() {
    return std::make_unique<one_process>();
}

std::size_t launcher_ranks() {
    // Open MPI's mpirun; MPICH's, Intel MPI's and srun's PMI.
    for (const char* name : {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE"}) {
        const char* value = std::getenv(name);
        if (value == nullptr) {
            continue;
        }
        std::size_t ranks = 0;
        const auto end = value + std::strlen(value);
        if (std::from_chars(value, end, ranks).ptr == end && ranks > 0) {
            return ranks;
        }
    }
    return 1;
}

} // namespace spark::cli
