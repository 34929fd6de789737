// SPDX-License-Identifier: Apache-2.0
// spark_embed: the smallest useful host of the Spark runtime. It finds plugins (the install's
// plugin folder, SPARK_PLUGIN_PATH and --plugin-path folders), resolves the module types a brain
// names, builds the brain from its file, feeds every brain input a constant, steps it and reads
// its outputs.
//
//   spark_embed BRAIN.scfg [--steps N] [--input NAME=VALUE]... [--plugin-path DIR]...
//
// It prints, one per line: each module's type and the plugin file that provides it, then per
// brain output its mean over the run, and for spike outputs the number of spikes. Exit status 0,
// or 1 with the error's message (which names the file, module or plugin and the fix).
#include <cstdint>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <iostream>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include <spark/registry/plugin_registry.hpp>
#include <spark/runtime/brain.hpp>
#include <spark/runtime/brain_config.hpp>

namespace {

struct arguments {
    std::filesystem::path brain_file;
    std::uint64_t steps = 1000;
    std::map<std::string, float> inputs; // brain input -> the constant it is fed
    std::vector<std::filesystem::path> plugin_paths;
};

arguments parse(int argc, char** argv) {
    arguments a;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        const auto value = [&]() -> std::string {
            if (i + 1 >= argc) {
                throw std::runtime_error(arg + " needs a value");
            }
            return argv[++i];
        };
        if (arg == "--steps") {
            a.steps = std::stoull(value());
        } else if (arg == "--input") {
            const std::string v = value();
            const auto eq = v.find('=');
            if (eq == std::string::npos) {
                throw std::runtime_error("--input takes NAME=VALUE, got '" + v + "'");
            }
            a.inputs[v.substr(0, eq)] = std::stof(v.substr(eq + 1));
        } else if (arg == "--plugin-path") {
            a.plugin_paths.emplace_back(value());
        } else if (a.brain_file.empty() && arg.rfind("--", 0) != 0) {
            a.brain_file = arg;
        } else {
            throw std::runtime_error("unknown argument '" + arg + "'");
        }
    }
    if (a.brain_file.empty()) {
        throw std::runtime_error("usage: spark_embed BRAIN.scfg [--steps N] [--input NAME=VALUE]"
                                 "... [--plugin-path DIR]...");
    }
    return a;
}

/// The mean of an output's elements, whatever its element type.
double mean_of(const spark::runtime::port_view& port) {
    double sum = 0.0;
    for (std::uint64_t k = 0; k < port.count; ++k) {
        switch (port.spec.dtype) {
        case SPARK_DTYPE_F32:
            sum += static_cast<double>(port.as<float>()[k]);
            break;
        case SPARK_DTYPE_F64:
            sum += port.as<double>()[k];
            break;
        case SPARK_DTYPE_U8:
            sum += static_cast<double>(port.as<std::uint8_t>()[k] & 1U);
            break;
        default:
            break;
        }
    }
    return port.count > 0 ? sum / static_cast<double>(port.count) : 0.0;
}

int run(const arguments& a) {
    // 1. Plugins: the explicit folders first, then SPARK_PLUGIN_PATH, then the install's folder.
    spark::registry::search_options search;
    search.paths = a.plugin_paths;
    spark::registry::plugin_registry registry(search);
    registry.discover();
    for (const auto& failure : registry.failures()) {
        std::cerr << "spark_embed: skipped " << failure.message << '\n';
    }

    // 2. The brain: its file names module types by class_ref; the registry resolves each.
    const auto config = spark::runtime::brain_config::from_file(a.brain_file);
    spark::runtime::brain brain(registry, config);
    for (const auto& module : brain.modules()) {
        std::cout << "module " << module.name << " = " << module.type->canonical_id << " from "
                  << module.type->plugin->file.string() << '\n';
    }

    // 3. Step: every input holds its constant (0 unless given), outputs are read after each step.
    for (const auto& [name, spec] : brain.input_specs()) {
        const auto it = a.inputs.find(name);
        const float value = it != a.inputs.end() ? it->second : 0.0F;
        if (spec.dtype == SPARK_DTYPE_F64) {
            for (double& x : brain.input_as<double>(name)) {
                x = static_cast<double>(value);
            }
        } else if (spec.dtype == SPARK_DTYPE_F32) {
            for (float& x : brain.input_as<float>(name)) {
                x = value;
            }
        } else {
            throw std::runtime_error("brain input '" + name +
                                     "' is not a float array; spark_embed feeds constants only");
        }
    }
    std::map<std::string, double> mean;
    std::map<std::string, std::uint64_t> spikes;
    for (std::uint64_t k = 0; k < a.steps; ++k) {
        brain.step();
        for (const auto& [name, spec] : brain.output_specs()) {
            const auto port = brain.output(name);
            mean[name] += mean_of(port) / static_cast<double>(a.steps);
            if (spec.payload_kind == SPARK_PAYLOAD_SPIKES) {
                for (const std::uint8_t s : port.as<std::uint8_t>()) {
                    spikes[name] += s & 1U;
                }
            }
        }
    }
    std::cout << "steps " << brain.step_index() << '\n';
    for (const auto& [name, value] : mean) {
        std::cout << "output " << name << " mean " << value;
        if (const auto s = spikes.find(name); s != spikes.end()) {
            std::cout << " spikes " << s->second;
        }
        std::cout << '\n';
    }
    return 0;
}

} // namespace

int main(int argc, char** argv) {
    try {
        return run(parse(argc, argv));
    } catch (const std::exception& e) {
        std::cerr << "spark_embed: " << e.what() << '\n';
        return 1;
    }
}
