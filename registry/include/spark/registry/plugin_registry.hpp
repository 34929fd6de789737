// SPDX-License-Identifier: Apache-2.0
// Finds plugin libraries on an explicit search path, loads them (checking the ABI before any
// plugin code runs), resolves `class_ref` names to module types across vendors, and creates
// instances. The only user of Boost.DLL.
#pragma once
#include <chrono>
#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <spark/abi/schema.h>
#include <spark/registry/composition.hpp>
#include <spark/registry/defined_type.hpp>
#include <spark/registry/errors.hpp>
#include <spark/registry/host_service.hpp>
#include <spark/registry/module_instance.hpp>
#include <spark/registry/module_type_info.hpp>
#include <spark/registry/plugin_manifest.hpp>

namespace spark::registry {

/// The vendor of Spark's built-in plugins (spark.neurons, spark.interfaces, spark.initializers).
/// Its catalogue is upstream's, so a bare name it offers means its type (ADR 0012).
inline constexpr std::string_view spark_vendor = "spark";

/// Whether `text` can be a vendor: letters, digits and '_', not starting with a digit (what the
/// registry requires of every plugin's vendor when it loads the plugin).
[[nodiscard]] bool is_vendor_name(std::string_view text) noexcept;

/// Upstream's normalize_str, how upstream names registry entries: "ALIFModNeuron" ->
/// "alif_mod_neuron"; a snake_case name stays as it is (docs/file-format.md §5.2).
[[nodiscard]] std::string registry_name(std::string_view name);

/// The lower-case hex SHA-256 of a file's bytes (provenance of plugins and neuron files).
/// Throws spark::error naming the file when it cannot be read.
[[nodiscard]] std::string file_sha256(const std::filesystem::path& file);

/// Where plugins are looked for, in this order. The current directory is never searched unless
/// it is listed explicitly.
struct search_options {
    std::vector<std::filesystem::path> paths; // explicit folders or files (API, `--plugin-path`)
    bool use_environment = true;              // then SPARK_PLUGIN_PATH (':'-separated)
    bool use_install_dir = true;              // then the install's plugin folder
    /// Load each library first in a child process of its own (ADR 0018): one that crashes,
    /// exits or hangs while it loads (static constructors, init, types) is refused, named with
    /// what happened, instead of taking the host down. Verdicts are remembered for the process.
    bool probe_in_child = true;
    /// How long the probe processes of one discover() or load() may take together; a library
    /// still loading then is refused as hanging.
    std::chrono::milliseconds probe_timeout{10'000};
};

/// A file in the search path that could not be loaded, kept so that `discover()` can go on and
/// tools can report every failure at once.
struct load_failure {
    std::filesystem::path file;
    std::string message;
};

class plugin_registry {
public:
    explicit plugin_registry(search_options options = {});
    /// Releases the registry's hold on every library; a library unloads once its last instance
    /// is gone too (instances first, then the plugin's deinit, then the library).
    ~plugin_registry();
    plugin_registry(const plugin_registry&) = delete;
    plugin_registry& operator=(const plugin_registry&) = delete;

    /// The folders and files that discover() visits, in order (explicit, environment, install).
    [[nodiscard]] std::vector<std::filesystem::path> search_path() const;
    /// The install's plugin folder (<libdir>/spark/plugins next to this library).
    [[nodiscard]] static std::filesystem::path install_plugin_dir();

    /// Loads every plugin file (`*.so`) of the search path, each canonical file once. A file that
    /// fails is recorded in failures() and logged; discovery goes on.
    void discover();
    /// Loads one file. Throws load_error / abi_error / collision_error naming the file. Loading
    /// the same canonical file again returns the already loaded plugin.
    const plugin_info& load(const std::filesystem::path& file);

    /// The manifests of the plugin files on the search path, read without loading any code.
    /// A file without a manifest, or with an unreadable one, goes to `problems` instead.
    [[nodiscard]] std::vector<plugin_manifest>
    read_manifests(std::vector<load_failure>& problems) const;

    /// Every manifest on the search path that does not match its library, one problem each
    /// naming both files and the fix: a manifest whose library is missing, one naming another
    /// file than the library next to it, and one whose library offers other types (or other
    /// ports, fields, versions) than it lists, or fails to load. The libraries are loaded in
    /// probe processes (ADR 0018), never in this one. Manifests record no size or SHA-256 of
    /// their library, so a rebuilt library that offers the same is not flagged.
    [[nodiscard]] std::vector<load_failure> check_manifests() const;

    /// Adds a type the host defines (e.g. a neuron read from an upstream 1.0 neuron file) under
    /// `provenance` (its file and SHA-256; id, vendor and version describe the definition).
    /// Its canonical id must be new and its bare name offered by no other type, as upstream
    /// refuses a neuron name already in use. Throws collision_error naming the other type.
    const module_type_info& define(std::shared_ptr<const defined_type> type,
                                   std::shared_ptr<const plugin_info> provenance);

    [[nodiscard]] const std::vector<load_failure>& failures() const noexcept;
    [[nodiscard]] std::vector<std::shared_ptr<const plugin_info>> plugins() const;
    /// Every known type, sorted by canonical id.
    [[nodiscard]] std::vector<const module_type_info*> types() const;

    /// `vendor.class_ref` always, whatever the preference. A bare `class_ref`, also in upstream's
    /// class-name spelling ("ALIFNeuron" finds alif_neuron, docs/file-format.md §5.2), resolves
    /// in this order (ADR 0012): to the type of the first vendor in `preferred_vendors` that
    /// offers it (a brain's "__vendors__"); else to Spark's own type when vendor "spark" offers
    /// it, whatever other vendors offer; else to the type of the one other vendor that offers it.
    /// Throws resolve_error: unknown (with the closest known names) or ambiguous (several other
    /// vendors: every candidate and how to qualify or pin one); collision_error for an id two
    /// files claim.
    [[nodiscard]] const module_type_info&
    resolve(std::string_view name, std::span<const std::string> preferred_vendors) const;
    /// resolve(name, preferred_vendors) without preferred vendors.
    [[nodiscard]] const module_type_info& resolve(std::string_view name) const;

    /// Creates an instance from a host-validated config. `config.values` must match the type's
    /// schema (the runtime's config layer builds it). A defined type (module_type_info::defined)
    /// is created as the composition it composes for `config`, whether this registry lists it
    /// or not; its parts must be this registry's types. Throws plugin_error on failure. Const: it
    /// hands out an instance (which keeps its library alive) but changes no registry state.
    /// `services` are further host services the instance's spark_host_t offers by id (e.g. the
    /// runtime's SPARK_SERVICE_PARALLEL); each table must outlive the instance.
    [[nodiscard]] module_instance create(const module_type_info& type,
                                         const spark_config_t& config,
                                         std::string_view instance_name,
                                         std::vector<host_service> services = {}) const;

    /// create() for the slice of neurons [begin, end) of the population `config` describes
    /// (spark/abi/slices.h). Throws spark::error when the type cannot run in slices (slices()
    /// is nullptr), plugin_error when the plugin refuses.
    [[nodiscard]] module_instance create_slice(const module_type_info& type,
                                               const spark_config_t& config,
                                               std::string_view instance_name,
                                               std::uint64_t begin,
                                               std::uint64_t end,
                                               std::vector<host_service> services = {}) const;

    /// Creates a composition (spark/registry/composition.hpp): its parts, each with `services`,
    /// wired and run as one instance with the ports and config of `as_type` (e.g. a neuron type
    /// run from its parts). Throws spark::error listing every problem of the composition, with
    /// its path, before any part is created; plugin_error when a part fails to create.
    [[nodiscard]] module_instance create_composite(const module_type_info& as_type,
                                                   const composition& parts,
                                                   const spark_config_t& config,
                                                   std::string_view instance_name,
                                                   std::vector<host_service> services = {}) const;

    /// Every problem create_composite would refuse `parts` for, each with its path, without
    /// creating any part; empty when it would create it.
    [[nodiscard]] std::vector<std::string> composition_problems(const module_type_info& as_type,
                                                                const composition& parts,
                                                                const spark_config_t& config,
                                                                std::string_view name) const;

    /// Runs an initializer type on `out`. Throws plugin_error on failure.
    void initialize(const module_type_info& type,
                    const spark_config_t& config,
                    const spark_buffer_t& out) const;

private:
    // An instance of `type` (this registry's) that presents itself as `as_type`: the same type,
    // or a defined type that `type` runs whole.
    /// The neurons [begin, end) a slice holds (create_slice).
    struct slice_range {
        std::uint64_t begin = 0;
        std::uint64_t end = 0;
    };
    [[nodiscard]] module_instance instantiate(const module_type_info& as_type,
                                              const module_type_info& type,
                                              const spark_config_t& config,
                                              std::string_view instance_name,
                                              std::vector<host_service> services,
                                              const slice_range* slice = nullptr) const;

    struct impl;
    std::unique_ptr<impl> impl_;
};

} // namespace spark::registry
