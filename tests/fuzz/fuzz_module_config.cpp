// SPDX-License-Identifier: Apache-2.0
// libFuzzer target: the module config builder (module_config, what every module of a brain is
// built with) over the built-in plugins' real schemas. An input is a type name on its first line
// (e.g. "lif_neuron"; an unknown name is skipped) and the JSON overrides after it. The builder
// may refuse overrides only with a config_error; check() must not throw for any of them, and
// must find a problem exactly when the constructor refuses.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include <spark/registry/errors.hpp>
#include <spark/registry/plugin_registry.hpp>
#include <spark/runtime/errors.hpp>
#include <spark/runtime/module_config.hpp>

#include "builtin_registry.hpp"

namespace {

const spark::registry::plugin_registry& registry() {
    return spark::fuzz::builtin_registry();
}

void build(const spark::registry::module_type_info& type,
           std::string_view overrides,
           spark::runtime::config_mode mode) {
    const auto issues =
        spark::runtime::module_config::check(registry(), type, overrides, "fuzz", mode);
    bool refused = false;
    try {
        const spark::runtime::module_config config(registry(), type, overrides, "fuzz", mode);
        static_cast<void>(config.to_json());
    } catch (const spark::runtime::config_error&) {
        refused = true;
    }
    if (refused != !issues.empty()) {
        std::abort(); // check() and the constructor disagree on whether the config is valid
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    const auto newline = input.find('\n');
    if (newline == std::string_view::npos) {
        return 0;
    }
    const spark::registry::module_type_info* type = nullptr;
    try {
        type = &registry().resolve(input.substr(0, newline));
    } catch (const spark::error&) {
        return 0; // not a type name: nothing to build
    }
    const auto overrides = input.substr(newline + 1);
    build(*type, overrides, spark::runtime::config_mode::strict);
    build(*type, overrides, spark::runtime::config_mode::compat);
    return 0;
}
