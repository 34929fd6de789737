// SPDX-License-Identifier: Apache-2.0
// Exports a whole plugin with one macro. In exactly one source file of the plugin:
//
//   SPARK_PLUGIN("spark.neurons", "spark", "0.1.0", "LIF neurons and their components",
//                per_dtype<leaky_soma>, linear_synapses)
//
// defines the one exported symbol, `spark_plugin_entry`, whose init builds every type's C
// descriptor (reporting mistakes through the host), whose types() lists them and whose deinit
// frees them. Every other symbol stays hidden (spark_add_plugin builds with hidden visibility).
#pragma once
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <tuple>
#include <vector>

#include <spark/abi/entry.h>
#include <spark/abi/host.h>
#include <spark/abi/module.h>
#include <spark/abi/status.h>
#include <spark/abi/version.h>
#include <spark/sdk/buffers.hpp>
#include <spark/sdk/guard.hpp>
#include <spark/sdk/module.hpp>
#include <spark/sdk/params.hpp>
#include <spark/sdk/schema.hpp>

namespace spark::sdk {

/// The entry functions of a plugin offering `Types`, with `Info::vendor` as every type's vendor.
/// SPARK_PLUGIN instantiates it; tests may use it directly.
template <typename Info, typename... Types>
class plugin {
public:
    /// Builds the descriptors on the first init; later inits (the same library loaded by a
    /// second host) share them, counted, until the matching number of deinits.
    static spark_status SPARK_ABI init(const spark_host_t* host) noexcept {
        return guarded(host, [&] {
            auto& s = state();
            const std::lock_guard<std::mutex> lock(s.mutex);
            if (s.users == 0) {
                s.built = std::make_unique<catalogue>();
            }
            ++s.users;
        });
    }

    /// The types, in the order given to SPARK_PLUGIN; none before init.
    static const spark_module_type_t* const* SPARK_ABI types(std::uint32_t* count) noexcept {
        auto& s = state();
        const std::lock_guard<std::mutex> lock(s.mutex);
        const bool ready = s.built != nullptr;
        if (count != nullptr) {
            *count = ready ? static_cast<std::uint32_t>(s.built->list.size()) : 0U;
        }
        return ready && !s.built->list.empty() ? s.built->list.data() : nullptr;
    }

    static void SPARK_ABI deinit() noexcept {
        try {
            auto& s = state();
            const std::lock_guard<std::mutex> lock(s.mutex);
            if (s.users > 0 && --s.users == 0) {
                s.built.reset();
            }
        } catch (...) {
            // deinit never fails; a lock that cannot be taken leaves the descriptors to the unload
        }
    }

private:
    struct catalogue {
        std::tuple<std::unique_ptr<type_descriptor<Types>>...> descriptors;
        std::vector<const spark_module_type_t*> list;

        catalogue() : descriptors(std::make_unique<type_descriptor<Types>>(Info::vendor)...) {
            std::apply([this](const auto&... d) { (list.push_back(d->abi()), ...); }, descriptors);
            for (std::size_t i = 0; i < list.size(); ++i) {
                for (std::size_t j = 0; j < i; ++j) {
                    if (std::string(list[i]->class_ref) == list[j]->class_ref) {
                        throw status_error(SPARK_ERR_PLUGIN,
                                           std::string("module type '") + Info::vendor + "." +
                                               list[i]->class_ref +
                                               "' is declared twice in this plugin; give each type "
                                               "its own class_ref");
                    }
                }
            }
        }
    };
    struct shared_state {
        std::mutex mutex;
        int users = 0;
        std::unique_ptr<catalogue> built;
    };
    static shared_state& state() {
        static shared_state s;
        return s;
    }
};

} // namespace spark::sdk

/// Defines the plugin's exported entry; use once per plugin, at namespace scope, after the types.
/// The trailing arguments are the module types (per_dtype<template> for float-generic ones).
#define SPARK_PLUGIN(plugin_id, plugin_vendor, plugin_version, plugin_description, ...)            \
    namespace {                                                                                    \
    struct spark_plugin_info_ {                                                                    \
        static constexpr const char* vendor = plugin_vendor;                                       \
    };                                                                                             \
    using spark_plugin_t_ = ::spark::sdk::plugin<spark_plugin_info_, __VA_ARGS__>;                 \
    }                                                                                              \
    extern "C" {                                                                                   \
    SPARK_EXPORT extern const spark_plugin_entry_t spark_plugin_entry;                             \
    const spark_plugin_entry_t spark_plugin_entry = {SPARK_ABI_VERSION_INIT,                       \
                                                     plugin_id,                                    \
                                                     plugin_vendor,                                \
                                                     plugin_version,                               \
                                                     plugin_description,                           \
                                                     &spark_plugin_t_::init,                       \
                                                     &spark_plugin_t_::types,                      \
                                                     &spark_plugin_t_::deinit};                    \
    }                                                                                              \
    static_assert(true, "SPARK_PLUGIN ends with a semicolon")
