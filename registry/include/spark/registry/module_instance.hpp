// SPDX-License-Identifier: Apache-2.0
// A live instance of a plugin module type, owned by the host. Wraps the C lifecycle calls, turns
// error statuses into plugin_error with the plugin's message, and keeps the plugin library loaded
// for as long as the instance exists.
#pragma once
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <spark/abi/module.h>
#include <spark/abi/properties.h>
#include <spark/registry/module_type_info.hpp>

namespace spark::registry {

class module_instance {
public:
    module_instance(module_instance&&) noexcept;
    module_instance& operator=(module_instance&&) noexcept;
    module_instance(const module_instance&) = delete;
    module_instance& operator=(const module_instance&) = delete;
    /// Destroys the plugin instance (destroy() is called exactly once).
    ~module_instance();

    [[nodiscard]] const module_type_info& type() const noexcept;
    [[nodiscard]] const std::string& name() const noexcept;
    /// The raw instance, for executors that call step() directly on a hot path.
    [[nodiscard]] spark_module_t& abi() const noexcept;

    /// Whether the type publishes an output contract (can be part of a cycle).
    [[nodiscard]] bool has_contract() const noexcept;
    /// Each throws plugin_error naming the type, the instance and the operation on failure.
    void contract(std::span<spark_port_spec_t> outputs);
    void build(std::span<const spark_port_spec_t> inputs, std::span<spark_port_spec_t> outputs);
    void reset(std::span<const spark_buffer_t> outputs);
    void step(const spark_step_context_t& context);
    /// The state arrays (borrowed views into the plugin; see spark_state_array_t).
    [[nodiscard]] std::vector<spark_state_array_t> state();
    void state_loaded();

    /// Properties (ABI 1.1, spark/abi/properties.h): named values besides the ports, by their
    /// index in declared_properties(type()). property_index throws spark::error naming the
    /// type's properties when `name` is none of them; the others need build first and throw
    /// plugin_error with the plugin's message (a buffer of another spec, a read-only property).
    [[nodiscard]] std::uint32_t property_index(std::string_view name) const;
    [[nodiscard]] spark_port_spec_t property_spec(std::uint32_t index);
    void read_property(std::uint32_t index, const spark_buffer_t& out);
    void write_property(std::uint32_t index, const spark_buffer_t& value);
    /// Late inputs (spark/abi/late_inputs.h): how many steps late elements [offset, offset +
    /// count) of input port `port` may arrive, 0 for an instance without the extension; and
    /// their values for an earlier step. Both need build first; plugin_error on failure.
    [[nodiscard]] std::uint32_t
    lateness(std::uint32_t port, std::uint64_t offset, std::uint64_t count);
    void write_late(std::uint32_t port,
                    std::uint64_t step,
                    std::uint64_t offset,
                    std::uint64_t count,
                    const void* values);
    /// Of an instance create_slice() made: whether property `index` holds rows of the whole
    /// population's property (true) or equals it (false) (spark/abi/slices.h).
    [[nodiscard]] bool property_rows(std::uint32_t index);

    /// Throws plugin_error for a non-OK status, with the last error message this instance
    /// reported (used by executors that call abi().step directly).
    void check(std::int32_t status, std::string_view operation) const;

private:
    friend class plugin_registry;
    struct impl;
    // The instance's property functions, after the checks every property call shares.
    const spark_properties_t& property_access(std::uint32_t index, std::string_view operation);
    explicit module_instance(std::unique_ptr<impl> impl);
    std::unique_ptr<impl> impl_;
};

} // namespace spark::registry
