// SPDX-License-Identifier: Apache-2.0
// An upstream 1.0 neuron config (a controller of parts: docs/file-format.md section 2.6) as a
// module type: its ports are derived from the wiring, its config is the neuron's units and
// inhibitory rate, and every instance is the composition of its parts (ADR 0014). Used for
// neuron files registered by name and for the neurons inside upstream 1.0 brain files.
#pragma once
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <spark/registry/defined_type.hpp>
#include <spark/registry/module_type_info.hpp>
#include <spark/registry/plugin_registry.hpp>
#include <spark/runtime/config_mode.hpp>

#include "config/upstream_v1.hpp"

namespace spark::runtime::detail {

/// What a neuron definition is called and where its problems are reported.
struct neuron_naming {
    std::string class_ref; // e.g. "alif_mod_neuron"
    std::string vendor;    // e.g. "file" for a neuron file, "spark" for a built-in neuron
    std::string path;      // prefix of every problem's path, e.g. "neuron" or "brain/A_ex/config"
};

class neuron_definition final : public registry::defined_type {
public:
    /// Resolves every part (bare names with `vendor_preference`), converts and checks its config
    /// and the wiring (unknown ports, payload mismatches, unfed inputs, cycles, effects on
    /// read-only properties, a part that is itself a neuron or names this neuron). Throws
    /// config_error with every problem and its path.
    neuron_definition(const registry::plugin_registry& registry,
                      neuron_naming naming,
                      upstream_v1::neuron_config config,
                      config_mode mode = config_mode::strict,
                      std::vector<std::string> vendor_preference = {});
    ~neuron_definition() override;

    [[nodiscard]] const spark_module_type_t& descriptor() const noexcept override;
    /// The fused neuron's instance when one runs these parts wired this way (runs_fused_as()),
    /// otherwise the composition of the parts.
    [[nodiscard]] registry::defined_composition
    compose(const spark_config_t& config) const override;
    /// Always the composition of the parts (tests compare it with the fused path).
    [[nodiscard]] registry::defined_composition compose_parts(const spark_config_t& config) const;
    /// The fused neuron type that runs it (with the same bits), or nullptr.
    [[nodiscard]] const registry::module_type_info* runs_fused_as() const noexcept;

    /// The type-level ABI extension `id` (properties, capabilities), or nullptr.
    [[nodiscard]] const void* extension(std::string_view id) const noexcept;

    /// The neuron config it was defined from (the defaults of its instances).
    [[nodiscard]] const upstream_v1::neuron_config& config() const noexcept;
    /// Its parts, in list order: name and type.
    [[nodiscard]] std::vector<std::pair<std::string, const registry::module_type_info*>>
    parts() const;

private:
    struct impl;
    std::unique_ptr<impl> impl_;
};

/// The definition behind `type`, or nullptr when `type` is not a neuron definition.
[[nodiscard]] const neuron_definition* neuron_definition_of(const registry::module_type_info& type);

} // namespace spark::runtime::detail
