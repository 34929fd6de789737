// SPDX-License-Identifier: Apache-2.0
// The built-in plugins for the fuzz targets that need real types: found beside the registry
// library as `spark` finds them, loaded once per fuzzing process.
#pragma once
#include <cstdlib>

#include <spark/registry/plugin_registry.hpp>

namespace spark::fuzz {

inline const spark::registry::plugin_registry& builtin_registry() {
    static spark::registry::plugin_registry plugins(
        spark::registry::search_options{.paths = {}, .use_environment = false});
    static const bool loaded = [] {
        plugins.discover();
        return !plugins.types().empty();
    }();
    if (!loaded) {
        std::abort(); // no types to build against: fuzzing would test nothing
    }
    return plugins;
}

} // namespace spark::fuzz
