// SPDX-License-Identifier: Apache-2.0
// Lifecycle order and span sizes are checked here, on the host side, so that a host mistake is a
// clear spark::error instead of undefined behaviour inside a plugin.
#include <algorithm>
#include <utility>

#include <spark/abi/late_inputs.h>
#include <spark/abi/status.h>
#include <spark/registry/errors.hpp>
#include <spark/registry/module_instance.hpp>

#include "module_instance_impl.hpp"

namespace spark::registry {

namespace detail {

plugin_error make_plugin_error(std::int32_t status,
                               const std::string& type_id,
                               const std::string& instance_name,
                               std::string_view operation,
                               std::string reported) {
    if (reported.empty()) {
        reported = "the plugin reported no message";
    }
    return {status,
            type_id,
            instance_name,
            std::string(operation) + " failed (" + status_name(status) + "): " + reported};
}

} // namespace detail

namespace {

std::uint32_t count_ports(const spark_module_type_t& type, int32_t direction) {
    std::uint32_t count = 0;
    for (uint32_t p = 0; p < type.port_count; ++p) {
        count += type.ports[p].direction == direction ? 1U : 0U;
    }
    return count;
}

// Free helpers cannot name the private module_instance::impl, so they take what they print.
struct who {
    const std::string& type_id;
    const std::string& name;
};

[[noreturn]] void misuse(const who& self, const std::string& problem) {
    throw spark::error(self.type_id + " '" + self.name + "': " + problem);
}

void expect_count(const who& self,
                  std::string_view operation,
                  std::size_t given,
                  std::uint32_t declared,
                  std::string_view what,
                  std::string_view direction) {
    if (given != declared) {
        misuse(self,
               std::string(operation) + " got " + std::to_string(given) + " " + std::string(what) +
                   ", expected " + std::to_string(declared) + " (one per " +
                   std::string(direction) + " port of the type, in port order)");
    }
}

} // namespace

module_instance::impl::impl(std::shared_ptr<detail::loaded_plugin> library,
                            module_type_info info,
                            std::string instance_name,
                            std::shared_ptr<const detail::initializer_catalogue> initializers,
                            std::vector<host_service> services)
    : plugin(std::move(library)), type(std::move(info)), name(std::move(instance_name)),
      host(detail::attribution{"spark.plugin." + type.canonical_id,
                               "'" + name + "': ",
                               std::move(initializers),
                               std::move(services)}),
      input_ports(count_ports(*type.abi, SPARK_PORT_INPUT)),
      output_ports(count_ports(*type.abi, SPARK_PORT_OUTPUT)) {}

module_instance::impl::~impl() {
    if (module != nullptr) {
        module->destroy(module);
    }
}

module_instance::module_instance(std::unique_ptr<impl> state) : impl_(std::move(state)) {}
module_instance::module_instance(module_instance&&) noexcept = default;
module_instance& module_instance::operator=(module_instance&&) noexcept = default;
module_instance::~module_instance() = default;

const module_type_info& module_instance::type() const noexcept {
    return impl_->type;
}
const std::string& module_instance::name() const noexcept {
    return impl_->name;
}
spark_module_t& module_instance::abi() const noexcept {
    return *impl_->module;
}
bool module_instance::has_contract() const noexcept {
    return impl_->module->contract != nullptr;
}

void module_instance::contract(std::span<spark_port_spec_t> outputs) {
    auto& self = *impl_;
    const who me{self.type.canonical_id, self.name};
    if (self.module->contract == nullptr) {
        misuse(me, "the type publishes no output contract, so it cannot be part of a cycle");
    }
    expect_count(me, "contract", outputs.size(), self.output_ports, "output specs", "output");
    self.host.clear_last_error();
    check(self.module->contract(self.module, outputs.data(), self.output_ports), "contract");
}

void module_instance::build(std::span<const spark_port_spec_t> inputs,
                            std::span<spark_port_spec_t> outputs) {
    auto& self = *impl_;
    const who me{self.type.canonical_id, self.name};
    if (self.at != impl::stage::created) {
        misuse(me, "build called twice; create a new instance to build with other input specs");
    }
    expect_count(me, "build", inputs.size(), self.input_ports, "input specs", "input");
    expect_count(me, "build", outputs.size(), self.output_ports, "output specs", "output");
    self.host.clear_last_error();
    check(self.module->build(
              self.module, inputs.data(), self.input_ports, outputs.data(), self.output_ports),
          "build");
    self.at = impl::stage::built;
}

void module_instance::reset(std::span<const spark_buffer_t> outputs) {
    auto& self = *impl_;
    const who me{self.type.canonical_id, self.name};
    if (self.at == impl::stage::created) {
        misuse(me, "reset called before build; call build first");
    }
    expect_count(me, "reset", outputs.size(), self.output_ports, "output buffers", "output");
    self.host.clear_last_error();
    check(self.module->reset(self.module, outputs.data(), self.output_ports), "reset");
    self.at = impl::stage::ready;
}

void module_instance::step(const spark_step_context_t& context) {
    auto& self = *impl_;
    const who me{self.type.canonical_id, self.name};
    if (self.at != impl::stage::ready) {
        misuse(me,
               self.at == impl::stage::created ? "step called before build; call build, then reset"
                                               : "step called before reset; call reset first");
    }
    if (context.input_count != self.input_ports || context.output_count != self.output_ports) {
        expect_count(me, "step", context.input_count, self.input_ports, "input buffers", "input");
        expect_count(
            me, "step", context.output_count, self.output_ports, "output buffers", "output");
    }
    self.host.clear_last_error();
    const spark_status status = self.module->step(self.module, &context);
    if (status != SPARK_OK) {
        check(status, "step");
    }
}

std::vector<spark_state_array_t> module_instance::state() {
    auto& self = *impl_;
    const who me{self.type.canonical_id, self.name};
    if (self.at == impl::stage::created) {
        misuse(me, "state requested before build; call build first");
    }
    self.host.clear_last_error();
    uint32_t count = 0;
    check(self.module->state(self.module, nullptr, 0, &count), "state");
    std::vector<spark_state_array_t> arrays(count);
    uint32_t written = 0;
    check(self.module->state(self.module, arrays.data(), count, &written), "state");
    arrays.resize(std::min(count, written));
    return arrays;
}

void module_instance::state_loaded() {
    auto& self = *impl_;
    const who me{self.type.canonical_id, self.name};
    if (self.at == impl::stage::created) {
        misuse(me, "state_loaded called before build; call build first");
    }
    self.host.clear_last_error();
    check(self.module->state_loaded(self.module), "state_loaded");
}

std::uint32_t module_instance::property_index(std::string_view name) const {
    const auto declared = declared_properties(impl_->type);
    std::string names;
    for (std::uint32_t i = 0; i < declared.size(); ++i) {
        if (name == declared[i].name) {
            return i;
        }
        names += (names.empty() ? "" : ", ") + std::string(declared[i].name);
    }
    misuse({impl_->type.canonical_id, impl_->name},
           "has no property '" + std::string(name) + "'; its type declares " +
               (names.empty() ? std::string("none") : names));
}

const spark_properties_t& module_instance::property_access(std::uint32_t index,
                                                           std::string_view operation) {
    auto& self = *impl_;
    const who me{self.type.canonical_id, self.name};
    const auto declared = declared_properties(self.type);
    if (index >= declared.size()) {
        misuse(me,
               std::string(operation) + " of property " + std::to_string(index) +
                   ": the type declares " + std::to_string(declared.size()) + " properties");
    }
    if (self.at == impl::stage::created) {
        misuse(me, std::string(operation) + " called before build; call build first");
    }
    if (self.properties == nullptr) {
        self.properties = static_cast<const spark_properties_t*>(
            self.module->get_extension(self.module, SPARK_EXT_PROPERTIES));
    }
    if (self.properties == nullptr || self.properties->spec == nullptr ||
        self.properties->read == nullptr || self.properties->write == nullptr) {
        misuse(me,
               "its type declares properties, but the instance gives no access to them (no "
               "complete " SPARK_EXT_PROPERTIES " extension); fix the plugin");
    }
    self.host.clear_last_error();
    return *self.properties;
}

spark_port_spec_t module_instance::property_spec(std::uint32_t index) {
    const auto& access = property_access(index, "property spec");
    spark_port_spec_t spec{};
    check(access.spec(impl_->module, index, &spec), "property spec");
    return spec;
}

void module_instance::read_property(std::uint32_t index, const spark_buffer_t& out) {
    const auto& access = property_access(index, "read property");
    check(access.read(impl_->module, index, &out),
          "read property '" + std::string(declared_properties(impl_->type)[index].name) + "'");
}

void module_instance::write_property(std::uint32_t index, const spark_buffer_t& value) {
    const auto& access = property_access(index, "write property");
    check(access.write(impl_->module, index, &value),
          "write property '" + std::string(declared_properties(impl_->type)[index].name) + "'");
}

namespace {

const spark_late_inputs_t* late_inputs_of(spark_module_t* module) {
    const auto* late = static_cast<const spark_late_inputs_t*>(
        module->get_extension != nullptr ? module->get_extension(module, SPARK_EXT_LATE_INPUTS)
                                         : nullptr);
    return late != nullptr && late->lateness != nullptr && late->write_late != nullptr ? late
                                                                                       : nullptr;
}

} // namespace

std::uint32_t
module_instance::lateness(std::uint32_t port, std::uint64_t offset, std::uint64_t count) {
    const auto* late = late_inputs_of(impl_->module);
    if (late == nullptr) {
        return 0;
    }
    std::uint32_t steps = 0;
    check(late->lateness(impl_->module, port, offset, count, &steps), "lateness");
    return steps;
}

void module_instance::write_late(std::uint32_t port,
                                 std::uint64_t step,
                                 std::uint64_t offset,
                                 std::uint64_t count,
                                 const void* values) {
    const auto* late = late_inputs_of(impl_->module);
    if (late == nullptr) {
        throw spark::error("module '" + impl_->name + "' (" + impl_->type.canonical_id +
                           ") takes no late inputs; deliver its inputs on time");
    }
    check(late->write_late(impl_->module, port, step, offset, count, values), "write_late");
}

bool module_instance::property_rows(std::uint32_t index) {
    const auto* sliced = slices(impl_->type);
    if (sliced == nullptr) {
        throw spark::error("module '" + impl_->name + "' (" + impl_->type.canonical_id +
                           ") is not a slice of a population; its properties are whole");
    }
    bool rows = false;
    check(sliced->property_rows(impl_->module, index, &rows), "property slicing");
    return rows;
}

void module_instance::check(std::int32_t status, std::string_view operation) const {
    if (status == SPARK_OK) {
        return;
    }
    throw detail::make_plugin_error(
        status, impl_->type.canonical_id, impl_->name, operation, impl_->host.take_last_error());
}

} // namespace spark::registry
