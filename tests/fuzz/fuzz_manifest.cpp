// SPDX-License-Identifier: Apache-2.0
// libFuzzer target: the plugin manifest reader (read_manifest, what `spark plugins list
// --manifests` and every plugin load read). A manifest may be refused only with a
// manifest_error; anything else is a finding.
#include <cstddef>
#include <cstdint>

#include <spark/registry/errors.hpp>
#include <spark/registry/plugin_manifest.hpp>

#include "input_file.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const auto file = spark::fuzz::write_input(data, size, ".manifest.json");
    try {
        const auto manifest = spark::registry::read_manifest(file);
        // Compared with itself it must agree: the comparison walks every field read.
        if (!spark::registry::manifest_differences(manifest, manifest).empty()) {
            std::abort();
        }
    } catch (const spark::registry::manifest_error&) {
        // the documented refusal of a bad manifest
    }
    return 0;
}
