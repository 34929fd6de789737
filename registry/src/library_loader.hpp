// SPDX-License-Identifier: Apache-2.0
// Opening one plugin file: inspect it without running it, dlopen it, check its ABI before any of
// its functions runs, init it, and check every type it declares.
#pragma once
#include <filesystem>
#include <functional>
#include <memory>
#include <vector>

#include <boost/dll/shared_library.hpp>

#include <spark/abi/entry.h>

#include "host_services.hpp"

namespace spark::registry::detail {

/// One opened plugin library, shared by the registry and every instance of its types. Its
/// destructor runs the plugin's deinit (only if init succeeded) and then unloads the library, so
/// whoever drops the last reference gets the order right: instances, deinit, dlclose.
struct loaded_plugin {
    explicit loaded_plugin(std::filesystem::path canonical_file);
    loaded_plugin(const loaded_plugin&) = delete;
    loaded_plugin& operator=(const loaded_plugin&) = delete;
    ~loaded_plugin();

    std::filesystem::path file;
    // Declared before `host`: members die in reverse order, so the library unloads last.
    boost::dll::shared_library library;
    std::unique_ptr<host_record> host; // the init host, alive until deinit returned
    const spark_plugin_entry_t* entry = nullptr;
    bool initialized = false;
    std::vector<const spark_module_type_t*> types;
};

/// Checks that `canonical_file` is an ELF shared library exporting spark_plugin_entry without
/// running any of it. Throws load_error naming the file, what was expected and what was found.
void inspect_library(const std::filesystem::path& canonical_file);

/// The moments of a load at which the plugin's own code runs, in order: what a probe process
/// reports before each, so that a crash can be placed (library_probe.hpp).
enum class load_stage {
    dlopen, // the dynamic loader maps the library and runs its static constructors
    init,   // the entry's init
    types,  // the entry's types()
};

/// Inspects, opens (RTLD_NOW | RTLD_LOCAL), checks the ABI, inits the plugin and checks its
/// types. Throws load_error / abi_error naming the file; a refused file is deinit-ed (if its
/// init ran) and unloaded before the exception leaves. `entering`, when given, is called just
/// before each stage.
[[nodiscard]] std::shared_ptr<loaded_plugin>
open_plugin(const std::filesystem::path& canonical_file,
            const std::function<void(load_stage)>& entering = {});

} // namespace spark::registry::detail
