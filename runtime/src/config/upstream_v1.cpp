// SPDX-License-Identifier: Apache-2.0
#include "config/upstream_v1.hpp"

#include <algorithm>

namespace spark::runtime::upstream_v1 {

const char* subregistry_name(subregistry registry) noexcept {
    return registry == subregistry::neurons ? "NEURONS" : "MODULES";
}

std::vector<std::string> controller_inputs(const std::vector<module_specs>& modules_specs) {
    std::vector<std::string> names;
    for (const auto& module : modules_specs) {
        for (const auto& [port, sources] : module.inputs) {
            for (const auto& source : sources) {
                if (source.origin == "__call__" &&
                    std::find(names.begin(), names.end(), source.port) == names.end()) {
                    names.push_back(source.port);
                }
            }
        }
    }
    return names;
}

std::vector<std::string> controller_outputs(const std::vector<module_specs>& modules_specs) {
    std::vector<std::string> names;
    for (const auto& module : modules_specs) {
        for (const auto& output : module.outputs) {
            names.push_back(output.first);
        }
    }
    return names;
}

} // namespace spark::runtime::upstream_v1
