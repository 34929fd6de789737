// SPDX-License-Identifier: Apache-2.0
// The registry proper: which files are loaded, which canonical ids they provide, and the rules
// that turn a name into exactly one type.
#include <algorithm>
#include <map>
#include <system_error>
#include <utility>

#include <boost/dll/runtime_symbol_info.hpp>
#include <spdlog/spdlog.h>

#include <spark/registry/plugin_registry.hpp>

#include "composite_module.hpp"
#include "descriptor_check.hpp"
#include "host_services.hpp"
#include "library_loader.hpp"
#include "manifest_audit.hpp"
#include "module_instance_impl.hpp"
#include "name_resolution.hpp"
#include "plugin_manifest_of.hpp"
#include "probe_cache.hpp"
#include "search_path.hpp"
#include "sha256.hpp"

namespace spark::registry {

namespace detail {

/// A type together with the library that must stay loaded while it is used.
struct type_entry {
    module_type_info info;
    std::shared_ptr<loaded_plugin> library;
};

} // namespace detail

namespace {

std::string join_files(const std::vector<std::filesystem::path>& files) {
    std::string text;
    for (std::size_t i = 0; i < files.size(); ++i) {
        text += (i == 0 ? "" : (i + 1 == files.size() ? " and " : ", ")) + files[i].string();
    }
    return text;
}

std::string type_id_of(const spark_module_type_t& type) {
    return std::string(type.vendor) + "." + type.class_ref;
}

} // namespace

struct plugin_registry::impl {
    explicit impl(search_options search) : options(std::move(search)) {}

    search_options options;
    std::shared_ptr<spdlog::logger> log = detail::logger_for("spark.registry");
    std::vector<std::shared_ptr<detail::loaded_plugin>> libraries; // in load order
    std::map<std::filesystem::path, std::shared_ptr<const plugin_info>> by_file;
    std::map<std::string, std::filesystem::path, std::less<>> plugin_ids; // entry id -> file
    std::map<std::string, detail::type_entry, std::less<>> types;         // canonical id -> type
    // Canonical ids claimed by more than one file, with every claimant (the first one kept).
    std::map<std::string, std::vector<std::filesystem::path>, std::less<>> contested;
    std::vector<load_failure> failures;
    // What SPARK_SERVICE_INITIALIZERS can run for this registry's instances.
    std::shared_ptr<detail::initializer_catalogue> initializers =
        std::make_shared<detail::initializer_catalogue>();

    const plugin_info& load(const std::filesystem::path& file);
    void record_contest(const std::string& id,
                        const std::filesystem::path& owner,
                        const std::filesystem::path& claimant);
    [[noreturn]] void throw_contested(std::string_view id) const;
    [[noreturn]] void throw_unknown(std::string_view name) const;
    // Throws resolve_error when a library that failed to load offers `name` by its manifest.
    void throw_if_failed_offer(std::string_view name) const;
    [[nodiscard]] const module_type_info& qualified(std::string_view id) const;
    [[nodiscard]] const module_type_info* offered_by(std::string_view vendor,
                                                     std::string_view bare_name) const;
    [[nodiscard]] const module_type_info& only_offer(std::string_view bare_name) const;
    [[nodiscard]] const detail::type_entry& entry_of(const module_type_info& type) const;
};

void plugin_registry::impl::record_contest(const std::string& id,
                                           const std::filesystem::path& owner,
                                           const std::filesystem::path& claimant) {
    auto& files = contested[id];
    for (const auto& file : {owner, claimant}) {
        if (std::find(files.begin(), files.end(), file) == files.end()) {
            files.push_back(file);
        }
    }
}

const plugin_info& plugin_registry::impl::load(const std::filesystem::path& file) {
    std::error_code ec;
    const auto canonical = std::filesystem::canonical(file, ec);
    if (ec) {
        throw load_error(file,
                         "cannot load plugin " + file.string() + ": " + ec.message() +
                             "; check the path or the search path");
    }
    if (const auto known = by_file.find(canonical); known != by_file.end()) {
        return *known->second; // each canonical file is opened once
    }
    const auto prefix = "cannot load plugin " + canonical.string() + ": ";
    if (options.probe_in_child) {
        // A refusal in the child is left to the host's own load below, which gives it its
        // precise type (abi_error, manifest_error...); only what would end the host stops here.
        detail::probe_verdict verdict;
        try {
            verdict = detail::verdicts_for({canonical}, options.probe_timeout).front();
        } catch (const spark::error& e) {
            throw load_error(canonical,
                             prefix + e.what() +
                                 "; free resources (processes, file descriptors), or load "
                                 "without probing (search_options::probe_in_child = false)");
        }
        if (!verdict.survived) {
            throw load_error(canonical,
                             prefix + "it " + verdict.failure +
                                 ", in a probe process (this process did not load it); fix the "
                                 "plugin or remove it from the search path");
        }
    }
    auto plugin = detail::open_plugin(canonical);
    const std::string plugin_id = plugin->entry->id;
    if (const auto other = plugin_ids.find(plugin_id); other != plugin_ids.end()) {
        throw collision_error(canonical,
                              prefix + "its plugin id '" + plugin_id + "' is already loaded from " +
                                  other->second.string() +
                                  "; remove one of the two files from the search path");
    }
    // Check the manifest and every type before keeping any, so that a refused file leaves nothing
    // behind.
    detail::check_manifest(canonical, *plugin->entry, plugin->types);
    std::string collisions;
    std::filesystem::path first_owner;
    for (const auto* type : plugin->types) {
        const auto id = type_id_of(*type);
        if (const auto owner = types.find(id); owner != types.end()) {
            record_contest(id, owner->second.info.plugin->file, canonical);
            collisions += (collisions.empty() ? "'" : ", '") + id + "'";
            first_owner = owner->second.info.plugin->file;
        }
    }
    if (!collisions.empty()) {
        throw collision_error(canonical,
                              prefix + "it claims type " + collisions + ", already provided by " +
                                  first_owner.string() +
                                  "; remove one of the two files from the search path");
    }
    auto info = std::make_shared<plugin_info>();
    info->file = canonical;
    try {
        info->sha256 = detail::identify(canonical).sha256; // hashed once per process
    } catch (const std::exception& e) {
        throw load_error(canonical, prefix + e.what());
    }
    const auto& entry = *plugin->entry;
    info->id = plugin_id;
    info->vendor = entry.vendor;
    info->version = entry.version;
    info->description = entry.description != nullptr ? entry.description : "";
    info->abi_version = entry.abi_version;

    for (const auto* type : plugin->types) {
        auto id = type_id_of(*type);
        types.emplace(id, detail::type_entry{module_type_info{id, type, info, nullptr}, plugin});
        if (type->kind == SPARK_KIND_INITIALIZER) {
            initializers->add(id, type, plugin);
        }
    }
    libraries.push_back(plugin);
    plugin_ids.emplace(plugin_id, canonical);
    const auto& kept = *by_file.emplace(canonical, std::move(info)).first->second;
    log->info("loaded plugin '{}' {} ({} types) from {}",
              kept.id,
              kept.version,
              plugin->types.size(),
              canonical.string());
    return kept;
}

void plugin_registry::impl::throw_contested(std::string_view id) const {
    const auto& files = contested.find(id)->second;
    throw collision_error(files.back(),
                          "module type '" + std::string(id) + "' is claimed by " +
                              std::to_string(files.size()) + " files: " + join_files(files) +
                              "; remove all but one of them from the search path");
}

void plugin_registry::impl::throw_unknown(std::string_view name) const {
    std::vector<detail::name_candidate> candidates;
    for (const auto& [id, entry] : types) {
        candidates.push_back({id, {id, std::string(entry.info.class_ref())}});
    }
    const auto close = detail::closest_names(name, candidates, 3);
    std::string message = "unknown module type '" + std::string(name) + "' (";
    if (close.empty()) {
        message +=
            "no loaded type has a similar name, " + std::to_string(types.size()) + " types loaded";
    } else {
        message += "did you mean ";
        for (std::size_t i = 0; i < close.size(); ++i) {
            message += (i == 0 ? "" : (i + 1 == close.size() ? " or " : ", ")) + close[i];
        }
        message += "?";
    }
    message += "); check the spelling, or add the folder of the plugin that provides it to the "
               "search path (SPARK_PLUGIN_PATH)";
    // A library that failed to load may be the one that offers it: say which and why.
    if (!failures.empty()) {
        message += "; " + std::to_string(failures.size()) + " plugin file" +
                   (failures.size() == 1 ? "" : "s") + " on the search path failed to load:";
        for (const auto& failure : failures) {
            // A message of several lines keeps them under its first one.
            std::string text = failure.message;
            for (auto at = text.find('\n'); at != std::string::npos; at = text.find('\n', at + 1)) {
                text.insert(at + 1, "  ");
            }
            message += "\n  " + text;
        }
    }
    throw resolve_error(message);
}

void plugin_registry::impl::throw_if_failed_offer(std::string_view name) const {
    const auto upstream = detail::upstream_name(name);
    for (const auto& failure : failures) {
        std::error_code ec;
        const auto manifest = manifest_path_of(failure.file);
        if (!std::filesystem::exists(manifest, ec)) {
            continue;
        }
        try {
            for (const auto& type : read_manifest(manifest).types) {
                const auto id = type.canonical_id();
                if (id == name || type.class_ref == name || type.class_ref == upstream) {
                    throw resolve_error(
                        "module type '" + std::string(name) + "' is offered by " + id +
                        " of plugin file " + failure.file.string() +
                        " (according to its manifest), which failed to load: " + failure.message);
                }
            }
        } catch (const manifest_error&) {
            // An unreadable manifest names nothing; throw_unknown lists the failure anyway.
        }
    }
}

const detail::type_entry& plugin_registry::impl::entry_of(const module_type_info& type) const {
    const auto found = types.find(type.canonical_id);
    if (found == types.end() || found->second.info.abi != type.abi) {
        throw spark::error("module type '" + type.canonical_id +
                           "' was not loaded by this registry; resolve it through the registry "
                           "that creates its instances");
    }
    return found->second;
}

plugin_registry::plugin_registry(search_options options)
    : impl_(std::make_unique<impl>(std::move(options))) {}

plugin_registry::~plugin_registry() {
    // A fixed order: types first, then the libraries from the last loaded to the first. Instances
    // still alive keep their own library loaded until they go.
    impl_->types.clear();
    while (!impl_->libraries.empty()) {
        impl_->libraries.pop_back();
    }
}

std::vector<std::filesystem::path> plugin_registry::search_path() const {
    return detail::ordered_search_path(impl_->options,
                                       impl_->options.use_install_dir ? install_plugin_dir()
                                                                      : std::filesystem::path());
}

std::filesystem::path plugin_registry::install_plugin_dir() {
    boost::dll::fs::error_code ec;
    const std::filesystem::path library = boost::dll::this_line_location(ec);
    if (ec || library.empty()) {
        return {};
    }
    return std::filesystem::weakly_canonical(library.parent_path(), ec) / "spark" / "plugins";
}

void plugin_registry::discover() {
    auto& self = *impl_;
    auto scan = detail::scan_plugin_files(search_path());
    for (const auto& entry : scan.empty_entries) {
        self.log->debug("search path entry {} holds no plugin files", entry.string());
    }
    self.failures = std::move(scan.failures);
    if (self.options.probe_in_child) {
        // Every new library's probe process at once, so that start-up waits for the slowest
        // library rather than for their sum; load() below finds the verdicts remembered.
        std::vector<std::filesystem::path> fresh;
        for (const auto& file : scan.files) {
            if (self.by_file.count(file) == 0) {
                fresh.push_back(file);
            }
        }
        try {
            (void)detail::verdicts_for(fresh, self.options.probe_timeout);
        } catch (const spark::error&) {
            // No probe could start: each load() below tries again and reports it for its file.
        }
    }
    for (const auto& file : scan.files) {
        if (self.by_file.count(file) != 0) {
            continue;
        }
        try {
            self.load(file);
        } catch (const load_error& e) {
            self.failures.push_back({file, e.what()});
            self.log->warn("{}", e.what());
        }
    }
}

std::vector<plugin_manifest>
plugin_registry::read_manifests(std::vector<load_failure>& problems) const {
    auto scan = detail::scan_plugin_files(search_path());
    problems.insert(problems.end(), scan.failures.begin(), scan.failures.end());
    std::vector<plugin_manifest> manifests;
    for (const auto& file : scan.files) {
        const auto manifest = manifest_path_of(file);
        std::error_code ec;
        if (!std::filesystem::exists(manifest, ec)) {
            problems.push_back({file,
                                "no manifest " + manifest.filename().string() +
                                    " next to it (spark_add_plugin() writes one unless "
                                    "NO_MANIFEST); load it to see its types"});
            continue;
        }
        try {
            manifests.push_back(read_manifest(manifest));
        } catch (const manifest_error& e) {
            problems.push_back({file, e.what()});
        }
    }
    return manifests;
}

std::vector<load_failure> plugin_registry::check_manifests() const {
    return detail::audit_manifests(search_path(), impl_->options.probe_timeout);
}

const plugin_info& plugin_registry::load(const std::filesystem::path& file) {
    return impl_->load(file);
}

const std::vector<load_failure>& plugin_registry::failures() const noexcept {
    return impl_->failures;
}

std::vector<std::shared_ptr<const plugin_info>> plugin_registry::plugins() const {
    std::vector<std::shared_ptr<const plugin_info>> loaded;
    for (const auto& library : impl_->libraries) {
        loaded.push_back(impl_->by_file.at(library->file));
    }
    return loaded;
}

std::vector<const module_type_info*> plugin_registry::types() const {
    std::vector<const module_type_info*> all;
    for (const auto& [id, entry] : impl_->types) {
        all.push_back(&entry.info);
    }
    return all;
}

const module_type_info& plugin_registry::impl::qualified(std::string_view id) const {
    if (contested.count(id) != 0) {
        throw_contested(id);
    }
    if (const auto found = types.find(id); found != types.end()) {
        return found->second.info;
    }
    throw_if_failed_offer(id);
    throw_unknown(id);
}

const module_type_info* plugin_registry::impl::offered_by(std::string_view vendor,
                                                          std::string_view bare_name) const {
    // The name as written first, then upstream's spelling of it ("LIFNeuron" is lif_neuron).
    for (const auto& class_ref : {std::string(bare_name), detail::upstream_name(bare_name)}) {
        const auto id = std::string(vendor) + "." + class_ref;
        if (types.find(id) != types.end()) {
            return &qualified(id);
        }
    }
    return nullptr;
}

const module_type_info& plugin_registry::impl::only_offer(std::string_view bare_name) const {
    const auto offering = [&](std::string_view class_ref) {
        std::vector<const detail::type_entry*> found;
        for (const auto& [id, entry] : types) {
            if (entry.info.class_ref() == class_ref) {
                found.push_back(&entry);
            }
        }
        return found;
    };
    auto matches = offering(bare_name);
    if (matches.empty()) {
        // Upstream's spelling of a name ("ALIFNeuron", "NormalizedSparseUniformInitializer" in its
        // files) finds the registry name it stands for.
        matches = offering(detail::upstream_name(bare_name));
    }
    if (matches.size() == 1) {
        return qualified(matches.front()->info.canonical_id);
    }
    if (matches.empty()) {
        throw_if_failed_offer(bare_name);
        throw_unknown(bare_name);
    }
    const auto& example = matches.front()->info;
    std::string message = "module type '" + std::string(bare_name) +
                          "' is ambiguous: " + std::to_string(matches.size()) +
                          " vendors offer it: ";
    for (std::size_t i = 0; i < matches.size(); ++i) {
        message += (i == 0 ? "" : ", ") + matches[i]->info.canonical_id + " (from " +
                   matches[i]->info.plugin->file.string() + ")";
    }
    throw resolve_error(message + "; qualify the name as vendor.class_ref, e.g. '" +
                        example.canonical_id + "', or pin the vendor for the whole brain file " +
                        "with \"__vendors__\": [\"" + std::string(example.vendor()) + "\"]");
}

std::string registry_name(std::string_view name) {
    return detail::upstream_name(name);
}

std::string file_sha256(const std::filesystem::path& file) {
    try {
        return detail::sha256_hex(file);
    } catch (const std::runtime_error& e) {
        throw spark::error(e.what());
    }
}

bool is_vendor_name(std::string_view text) noexcept {
    return detail::is_identifier(text);
}

const module_type_info& plugin_registry::define(std::shared_ptr<const defined_type> type,
                                                std::shared_ptr<const plugin_info> provenance) {
    const auto& abi = type->descriptor();
    const std::string id = type_id_of(abi);
    const std::string where =
        "cannot define module type " + id + " from " + provenance->file.string() + ": ";
    const auto taken = [&](const detail::type_entry& entry) {
        const auto& other = entry.info;
        throw collision_error(provenance->file,
                              where + "the name '" + std::string(abi.class_ref) +
                                  "' is already in use by " + other.canonical_id + " (from " +
                                  other.plugin->file.string() +
                                  "); register it under another name");
    };
    for (const auto& [known, entry] : impl_->types) {
        if (known == id || entry.info.class_ref() == abi.class_ref) {
            taken(entry);
        }
    }
    module_type_info info{id, &abi, std::move(provenance), std::move(type)};
    return impl_->types.emplace(id, detail::type_entry{std::move(info), nullptr})
        .first->second.info;
}

const module_type_info& plugin_registry::resolve(std::string_view name) const {
    return resolve(name, {});
}

const module_type_info&
plugin_registry::resolve(std::string_view name,
                         std::span<const std::string> preferred_vendors) const {
    const auto& self = *impl_;
    if (name.find('.') != std::string_view::npos) {
        return self.qualified(name);
    }
    // A brain's own pins, then Spark's catalogue, which is upstream's: a bare name means what
    // upstream means, so installing a vendor never changes what an existing file means
    // (ADR 0012). Only then do the other vendors count.
    for (const auto& vendor : preferred_vendors) {
        if (const auto* type = self.offered_by(vendor, name)) {
            return *type;
        }
    }
    if (const auto* type = self.offered_by(spark_vendor, name)) {
        return *type;
    }
    return self.only_offer(name);
}

module_instance plugin_registry::create_composite(const module_type_info& as_type,
                                                  const composition& parts,
                                                  const spark_config_t& config,
                                                  std::string_view instance_name,
                                                  std::vector<host_service> services) const {
    // A defined type carries all it needs; a plugin's type must be this registry's.
    const auto library = as_type.defined ? nullptr : impl_->entry_of(as_type).library;
    for (const auto& part : parts.parts) {
        if (part.type != nullptr) {
            (void)impl_->entry_of(*part.type); // throws for a type of another registry
        }
    }
    const std::string name(instance_name);
    auto state = std::make_unique<module_instance::impl>(
        library, as_type, name, impl_->initializers, services);
    const auto create_part = [&](const composition_part& part, const std::string& part_name) {
        return create(*part.type, *part.config, part_name, services);
    };
    state->module =
        detail::make_composite(as_type, parts, config, name, state->host.abi(), create_part);
    return module_instance(std::move(state));
}

std::vector<std::string> plugin_registry::composition_problems(const module_type_info& as_type,
                                                               const composition& parts,
                                                               const spark_config_t& config,
                                                               std::string_view name) const {
    return detail::composite_problems(as_type, parts, config, std::string(name));
}

module_instance plugin_registry::create(const module_type_info& type,
                                        const spark_config_t& config,
                                        std::string_view instance_name,
                                        std::vector<host_service> services) const {
    if (type.defined) {
        const auto composed = type.defined->compose(config);
        if (composed.single_type != nullptr) {
            // A plugin type runs it whole; the instance keeps the defined type's identity.
            return instantiate(type,
                               *composed.single_type,
                               *composed.single_config,
                               instance_name,
                               std::move(services));
        }
        return create_composite(type, composed.parts, config, instance_name, std::move(services));
    }
    return instantiate(type, type, config, instance_name, std::move(services));
}

module_instance plugin_registry::create_slice(const module_type_info& type,
                                              const spark_config_t& config,
                                              std::string_view instance_name,
                                              std::uint64_t begin,
                                              std::uint64_t end,
                                              std::vector<host_service> services) const {
    if (slices(type) == nullptr) {
        throw spark::error(type.canonical_id + " '" + std::string(instance_name) +
                           "': the type cannot run in slices of its population (it offers no " +
                           SPARK_EXT_TYPE_SLICES + "); run it whole");
    }
    const slice_range slice{begin, end};
    return instantiate(type, type, config, instance_name, std::move(services), &slice);
}

module_instance plugin_registry::instantiate(const module_type_info& as_type,
                                             const module_type_info& type,
                                             const spark_config_t& config,
                                             std::string_view instance_name,
                                             std::vector<host_service> services,
                                             const slice_range* slice) const {
    const auto& entry = impl_->entry_of(type);
    const auto& abi = *type.abi;
    const std::string name(instance_name);
    const auto where = type.canonical_id + " '" + name + "': ";
    if (abi.kind == SPARK_KIND_INITIALIZER || abi.create == nullptr) {
        throw spark::error(where + "the type is an initializer; call initialize(), not create()");
    }
    if (config.count != abi.field_count || (config.count > 0 && config.values == nullptr)) {
        throw spark::error(where + "the config holds " + std::to_string(config.count) +
                           " values, expected " + std::to_string(abi.field_count) +
                           " (one per schema field, in schema order)");
    }
    auto state = std::make_unique<module_instance::impl>(
        entry.library, as_type, name, impl_->initializers, std::move(services));
    spark_module_t* created = nullptr;
    const spark_status status =
        slice != nullptr
            ? slices(type)->create_slice(type.abi,
                                         state->host.abi(),
                                         &config,
                                         state->name.c_str(),
                                         slice->begin,
                                         slice->end,
                                         &created)
            : abi.create(type.abi, state->host.abi(), &config, state->name.c_str(), &created);
    if (status != SPARK_OK) {
        throw detail::make_plugin_error(
            status, type.canonical_id, name, "create", state->host.take_last_error());
    }
    if (created == nullptr) {
        throw spark::error(where + "create returned SPARK_OK but no instance; fix the plugin");
    }
    if (created->destroy == nullptr) {
        // Without destroy the instance cannot be freed: leak it rather than crash.
        throw spark::error(where + "the instance has no destroy function; fix the plugin");
    }
    state->module = created; // from here on, destroy runs exactly once
    if (created->build == nullptr || created->reset == nullptr || created->step == nullptr ||
        created->state == nullptr || created->state_loaded == nullptr) {
        throw spark::error(where + "the instance lacks one of build, reset, step, state, "
                                   "state_loaded (found a NULL function); fix the plugin");
    }
    return module_instance(std::move(state));
}

void plugin_registry::initialize(const module_type_info& type,
                                 const spark_config_t& config,
                                 const spark_buffer_t& out) const {
    (void)impl_->entry_of(type); // throws for a type of another registry
    const auto& abi = *type.abi;
    if (abi.kind != SPARK_KIND_INITIALIZER || abi.initialize == nullptr) {
        throw spark::error("module type '" + type.canonical_id + "' is a " +
                           std::string(kind_name(abi.kind)) +
                           ", not an initializer; create an instance instead");
    }
    detail::host_record host(
        detail::attribution{"spark.plugin." + type.canonical_id, "", impl_->initializers});
    const spark_status status = abi.initialize(type.abi, host.abi(), &config, &out);
    if (status != SPARK_OK) {
        throw detail::make_plugin_error(
            status, type.canonical_id, "initializer", "initialize", host.take_last_error());
    }
}

} // namespace spark::registry
