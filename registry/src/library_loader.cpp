// SPDX-License-Identifier: Apache-2.0
#include "library_loader.hpp"

#include <algorithm>
#include <array>
#include <cstring>
#include <elf.h>
#include <fstream>
#include <set>
#include <string>
#include <utility>

#include <boost/dll/library_info.hpp>

#include <spark/abi/version.h>
#include <spark/registry/errors.hpp>
#include <spark/registry/module_type_info.hpp>

#include "descriptor_check.hpp"
#include "elf_file.hpp"
#include "refusal.hpp"

namespace spark::registry::detail {
namespace {

constexpr spark_version_t host_abi = SPARK_ABI_VERSION_INIT;

std::string abi_mismatch(spark_version_t found) {
    const std::string host_major_minor =
        std::to_string(host_abi.major) + "." + std::to_string(host_abi.minor);
    return "expected ABI " + host_major_minor + " (major " + std::to_string(host_abi.major) +
           ", minor <= " + std::to_string(host_abi.minor) + "), found " + version_string(found) +
           "; rebuild the plugin against Spark SDK ABI " + host_major_minor;
}

bool starts_with_elf_magic(const std::filesystem::path& file) {
    std::array<char, SELFMAG> magic{};
    std::ifstream in(file, std::ios::binary);
    return in.read(magic.data(), magic.size()) && std::memcmp(magic.data(), ELFMAG, SELFMAG) == 0;
}

std::string some_symbols(const std::vector<std::string>& symbols) {
    std::string list;
    const std::size_t shown = std::min<std::size_t>(symbols.size(), 5);
    for (std::size_t i = 0; i < shown; ++i) {
        list += (i == 0 ? "" : ", ") + symbols[i];
    }
    return list + (shown < symbols.size() ? ", ..." : "");
}

std::string type_label(const spark_module_type_t& type, uint32_t index) {
    if (type.vendor != nullptr && type.class_ref != nullptr && is_identifier(type.vendor) &&
        is_identifier(type.class_ref)) {
        return "type '" + std::string(type.vendor) + "." + type.class_ref + "'";
    }
    return "type #" + std::to_string(index);
}

} // namespace

loaded_plugin::loaded_plugin(std::filesystem::path canonical_file)
    : file(std::move(canonical_file)) {}

loaded_plugin::~loaded_plugin() {
    if (initialized && entry != nullptr && entry->deinit != nullptr) {
        entry->deinit();
    }
    // `host`, then `library` (dlclose) are destroyed after this body.
}

void inspect_library(const std::filesystem::path& file) {
    std::vector<std::string> symbols;
    try {
        // library_info parses the headers without mapping or running anything.
        boost::dll::library_info info(file);
        check_elf_layout(file);
        symbols = info.symbols();
    } catch (const load_error&) {
        throw;
    } catch (const std::exception& e) {
        if (!starts_with_elf_magic(file)) {
            refuse(file,
                   std::string("expected an ELF shared library, found a file that does not "
                               "start with the ELF magic bytes (") +
                       e.what() + ")");
        }
        refuse(file, std::string("the ELF file cannot be read (") + e.what() + ")");
    }
    if (std::find(symbols.begin(), symbols.end(), SPARK_PLUGIN_ENTRY_SYMBOL) == symbols.end()) {
        refuse(file,
               "expected the exported symbol '" SPARK_PLUGIN_ENTRY_SYMBOL "', found " +
                   (symbols.empty() ? std::string("no exported symbols")
                                    : "only " + some_symbols(symbols)) +
                   "; a Spark plugin defines it with SPARK_EXPORT (see spark/abi/entry.h)");
    }
    // dlopen would run the library's static initialisers: refuse an incompatible ABI from the
    // file's bytes first. (open_plugin checks again after loading, for entries whose version is
    // not stored in the file.)
    if (const auto version = read_symbol_version(file, SPARK_PLUGIN_ENTRY_SYMBOL);
        version && spark_abi_compatible(host_abi, *version) == 0) {
        throw abi_error(file, refusal_prefix(file) + abi_mismatch(*version));
    }
}

std::shared_ptr<loaded_plugin> open_plugin(const std::filesystem::path& file,
                                           const std::function<void(load_stage)>& entering) {
    const auto enter = [&](load_stage stage) {
        if (entering) {
            entering(stage);
        }
    };
    inspect_library(file);
    auto plugin = std::make_shared<loaded_plugin>(file);
    enter(load_stage::dlopen);
    try {
        plugin->library.load(file,
                             boost::dll::load_mode::rtld_now | boost::dll::load_mode::rtld_local);
        plugin->entry = &plugin->library.get<const spark_plugin_entry_t>(SPARK_PLUGIN_ENTRY_SYMBOL);
    } catch (const std::exception& e) {
        refuse(file, std::string("the dynamic loader refused it (") + e.what() + ")");
    }
    const auto& entry = *plugin->entry;
    // Data only so far: the version decides whether any of the plugin's code may run.
    if (spark_abi_compatible(host_abi, entry.abi_version) == 0) {
        throw abi_error(file, refusal_prefix(file) + abi_mismatch(entry.abi_version));
    }
    if (auto problem = entry_problem(entry); !problem.empty()) {
        refuse(file, problem);
    }
    plugin->host =
        std::make_unique<host_record>(attribution{"spark.plugin." + std::string(entry.id), ""});
    enter(load_stage::init);
    const spark_status status = entry.init(plugin->host->abi());
    if (status != SPARK_OK) {
        auto message = plugin->host->take_last_error();
        refuse(file,
               "init of plugin '" + std::string(entry.id) + "' failed (" + status_name(status) +
                   "): " + (message.empty() ? "the plugin reported no message" : message));
    }
    plugin->initialized = true;

    uint32_t count = 0;
    enter(load_stage::types);
    const spark_module_type_t* const* types = entry.types(&count);
    if (count > 0 && types == nullptr) {
        refuse(file, "types() reported " + std::to_string(count) + " types but returned NULL");
    }
    std::set<std::string> canonical_ids;
    for (uint32_t i = 0; i < count; ++i) {
        if (types[i] == nullptr) {
            refuse(file, "type #" + std::to_string(i) + " is NULL");
        }
        const auto& type = *types[i];
        const auto label = type_label(type, i);
        if (spark_abi_compatible(host_abi, type.abi_version) == 0) {
            throw abi_error(file,
                            refusal_prefix(file) + label + ": " + abi_mismatch(type.abi_version));
        }
        if (auto problem = type_problem(type); !problem.empty()) {
            refuse(file, label + " is malformed: " + problem + "; fix the plugin's descriptor");
        }
        if (auto problem = extension_problem(type); !problem.empty()) {
            refuse(file, label + " is malformed: " + problem + "; fix the plugin's descriptor");
        }
        if (!canonical_ids.insert(std::string(type.vendor) + "." + type.class_ref).second) {
            refuse(file, label + " is declared twice by this plugin");
        }
        plugin->types.push_back(&type);
    }
    return plugin;
}

} // namespace spark::registry::detail
