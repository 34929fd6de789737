// SPDX-License-Identifier: Apache-2.0
// Neuron files registered as module types (neuron_files.hpp): read the file as upstream 1.0's
// reader does, define its type from its parts (neuron_definition.hpp), and give the registry
// the file and its SHA-256 as the type's provenance.
#include <algorithm>
#include <cstdlib>
#include <memory>
#include <system_error>
#include <utility>
#include <variant>

#include <spark/abi/version.h>
#include <spark/registry/errors.hpp>
#include <spark/runtime/errors.hpp>
#include <spark/runtime/neuron_files.hpp>

#include "config/exact_json.hpp"
#include "config/scfg_file.hpp"
#include "config/scfg_schema.hpp"
#include "config/upstream_v1_read.hpp"
#include "log.hpp"
#include "neurons/neuron_definition.hpp"

namespace spark::runtime {
namespace {

/// A file of another kind than a neuron config (an af523a5 file, a 1.0 brain), which a folder
/// scan skips.
class not_a_neuron_file : public config_error {
public:
    using config_error::config_error;
};

/// The neuron config in `file`, read as upstream 1.0's reader does; anything else is refused
/// with what it is (not_a_neuron_file).
upstream_v1::neuron_config
read_neuron_file(const std::filesystem::path& file, config_mode mode, const file_limits& limits) {
    const std::string source = file.string();
    const auto document =
        detail::parse_json_exact(detail::read_scfg_text(file, limits), source, limits, mode);
    const auto schema = detail::recognise_schema(document, source);
    if (schema != detail::scfg_schema::upstream_1_0) {
        throw not_a_neuron_file(std::vector<config_issue>{
            {source,
             "is an af523a5 file; a neuron file is an upstream 1.0 neuron_config (modules_specs, "
             "seed, dt, units, inhibitory_rate)"}});
    }
    auto controller = [&] {
        try {
            return upstream_v1::read_controller(document, mode);
        } catch (const config_error& e) {
            // The reader's paths start at "neuron" or "brain": name the file instead.
            auto issues = e.issues();
            for (auto& issue : issues) {
                for (const std::string root : {"neuron", "brain"}) {
                    if (issue.path.rfind(root, 0) == 0) {
                        issue.path = source + issue.path.substr(root.size());
                        break;
                    }
                }
            }
            throw config_error(std::move(issues));
        }
    }();
    if (auto* neuron = std::get_if<upstream_v1::neuron_config>(&controller)) {
        return std::move(*neuron);
    }
    throw not_a_neuron_file(std::vector<config_issue>{
        {source, "is an upstream 1.0 brain, not a neuron; run it (spark run " + source + ")"}});
}

} // namespace

const registry::module_type_info& register_neuron_file(registry::plugin_registry& registry,
                                                       std::string_view name,
                                                       const std::filesystem::path& file,
                                                       config_mode mode,
                                                       const std::vector<std::string>& vendors,
                                                       const file_limits& limits) {
    const auto class_ref = registry::registry_name(name);
    if (!registry::is_vendor_name(class_ref)) {
        throw spark::error("cannot register the neuron file " + file.string() + " as '" +
                           std::string(name) +
                           "': a neuron name is letters, digits and '_', not starting with a "
                           "digit");
    }
    std::error_code ec;
    const auto canonical = std::filesystem::canonical(file, ec);
    if (ec) {
        throw config_error(std::vector<config_issue>{
            {file.string(), "cannot register it as neuron '" + class_ref + "': " + ec.message()}});
    }
    auto provenance = std::make_shared<registry::plugin_info>();
    provenance->file = canonical;
    provenance->sha256 = registry::file_sha256(canonical);
    provenance->id = std::string(neuron_file_vendor) + "." + class_ref;
    provenance->vendor = neuron_file_vendor;
    provenance->version = "1.0";
    provenance->description = "upstream 1.0 neuron_config file";
    provenance->abi_version = {
        SPARK_ABI_VERSION_MAJOR, SPARK_ABI_VERSION_MINOR, SPARK_ABI_VERSION_PATCH};
    auto neuron = read_neuron_file(canonical, mode, limits);
    auto definition = std::make_shared<detail::neuron_definition>(
        registry,
        detail::neuron_naming{class_ref, std::string(neuron_file_vendor), file.string()},
        std::move(neuron),
        mode,
        vendors);
    const auto& type = registry.define(std::move(definition), std::move(provenance));
    detail::logger().debug("registered neuron {} from {}", type.canonical_id, file.string());
    return type;
}

std::vector<std::filesystem::path> neuron_path_from_environment() {
    std::vector<std::filesystem::path> paths;
    const char* value = std::getenv("SPARK_NEURON_PATH");
    if (value == nullptr) {
        return paths;
    }
    std::string_view rest(value);
    while (!rest.empty()) {
        const auto colon = rest.find(':');
        const auto entry = rest.substr(0, colon);
        if (!entry.empty()) {
            paths.emplace_back(std::string(entry));
        }
        rest = colon == std::string_view::npos ? std::string_view() : rest.substr(colon + 1);
    }
    return paths;
}

std::vector<neuron_file_failure>
register_neuron_files(registry::plugin_registry& registry,
                      const std::vector<std::filesystem::path>& paths,
                      config_mode mode,
                      const file_limits& limits) {
    std::vector<neuron_file_failure> failures;
    const auto fail = [&](const std::filesystem::path& file, const std::string& message) {
        detail::logger().warn("neuron file {} not registered: {}", file.string(), message);
        failures.push_back({file, message});
    };
    for (const auto& entry : paths) {
        std::error_code ec;
        std::vector<std::filesystem::path> files;
        if (std::filesystem::is_directory(entry, ec)) {
            for (const auto& item : std::filesystem::directory_iterator(entry, ec)) {
                if (item.path().extension() == ".scfg" && item.is_regular_file(ec)) {
                    files.push_back(item.path());
                }
            }
            std::sort(files.begin(), files.end());
        } else if (std::filesystem::exists(entry, ec)) {
            files.push_back(entry);
        } else {
            fail(entry, "no such file or folder (SPARK_NEURON_PATH)");
            continue;
        }
        for (const auto& file : files) {
            try {
                (void)register_neuron_file(registry, file.stem().string(), file, mode, {}, limits);
            } catch (const not_a_neuron_file&) {
                detail::logger().debug("{} is no neuron file; skipped", file.string());
            } catch (const spark::error& e) {
                fail(file, e.what());
            }
        }
    }
    return failures;
}

} // namespace spark::runtime
