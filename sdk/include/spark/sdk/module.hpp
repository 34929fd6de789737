// SPDX-License-Identifier: Apache-2.0
// How a plugin author writes a module type in C++, and the adapter that turns such a class into
// the C ABI (descriptor + noexcept, guarded trampolines). A module type is a class with:
//
//   static constexpr const char* class_ref = "leaky_soma";      // plus vendor from SPARK_PLUGIN
//   static constexpr std::int32_t kind = SPARK_KIND_COMPONENT;
//   static constexpr const char* version = "1.0.0";
//   static constexpr const char* description = "one or two sentences";
//   static void declare(spark::sdk::schema& s);                  // fields, then ports
//   explicit my_module(const spark::sdk::config_view& cfg);      // or (cfg, const instance_info&)
//   void step(const spark::sdk::step_context& ctx);              // required
//   void build(spark::sdk::build_context& b);                    // optional (see below)
//   void reset(const spark::sdk::output_buffers& out);           // optional
//   void state(spark::sdk::state_list& s);                       // optional: checkpointed arrays
//   void state_loaded();                                         // optional
//   void contract(spark::sdk::contract_context& c);              // optional: output promise
//   const void* extension(std::string_view id);                  // optional
//   static constexpr const char* example_config = "{...}";       // optional, see below
//   static constexpr const char* slices_field = "units";         // optional, see below
//
// A type that declares properties (schema::property, ABI 1.1 spark/abi/properties.h) implements
//
//   void read_property(std::size_t index, void* out);        // copy property `index` to `out`
//   void write_property(std::size_t index, const void* in);  // writable ones: take a copy
//   spark_port_spec_t property_spec(std::size_t index);      // computed() shapes only
//   std::string property_unavailable(std::size_t index);     // optional, see below
//
// The SDK checks the index, that build ran and that the host's buffer has the property's spec,
// and derives the spec of from_field() and like_port() properties as for outputs, so these see
// a valid request. A computed() property whose property_spec() gives payload kind 0 is one this
// instance cannot serve (a neuron without delays and its `delays.kernel`): the SDK refuses its
// read and write with SPARK_ERR_UNSUPPORTED, saying why with property_unavailable() if defined.
// A population that can run in slices (SPARK_EXT_TYPE_SLICES, spark/abi/slices.h) names the field
// of its neurons in `slices_field`, takes (cfg, const instance_info&) and finds its neurons in
// info.slice, and, with properties, defines `bool property_rows(std::size_t index) const`. The SDK
// checks the range and gives every FROM_FIELD output and property of that field the shape
// [end - begin] of a slice.
// A module whose inputs may arrive late (SPARK_EXT_LATE_INPUTS, spark/abi/late_inputs.h) defines
// both of `std::uint32_t lateness(std::size_t port, std::uint64_t offset, std::uint64_t count)
// const` and `void write_late(std::size_t port, std::uint64_t step, std::uint64_t offset,
// std::uint64_t count, const void* values)`; the SDK checks that build ran and that the elements
// lie in the built input port, the module checks the step.
// `example_config` is the JSON object of field values (besides the defaults) with which the type
// builds and steps (spark/abi/capabilities.h); without it the SDK says `{}` when every field has a
// default, and nothing otherwise.
//
// An initializer type (kind SPARK_KIND_INITIALIZER) has `static void initialize(const config_view&,
// const spark_buffer_t&)` instead of a constructor and step(); or, to fill a large buffer in
// chunks on the brain's worker threads, `static void initialize(const config_view&, const
// spark_buffer_t&, const spark::sdk::parallel&)` (the caller's host's SPARK_SERVICE_PARALLEL:
// spark/sdk/parallel.hpp; the result must not depend on the chunks). It may also fill sparsely
// (SPARK_EXT_SPARSE_INITIALIZER, spark/abi/sparse_initializer.h) by defining all three of:
//
//   static double density(const spark::sdk::config_view& cfg);
//   static void fill_rows(const spark::sdk::config_view& cfg, const spark_port_spec_t& spec,
//                         std::uint64_t row_length, std::uint64_t row_begin,
//                         std::uint64_t row_end, spark::sdk::row_sink& sink);
//   static void values_at(const spark::sdk::config_view& cfg, const spark_port_spec_t& spec,
//                         spark::sdk::span<const std::uint64_t> indices, void* out);
//
// The SDK checks their arguments first (known dtype, rank, row_length, row range, indices in
// range), so they see a consistent request.
//
// Before build() runs, the SDK checks every input spec against its port (payload kind, element
// type, required inputs wired) and pre-fills every output spec it can derive from the ports:
// LIKE_PORT copies the shape of the named port, FROM_FIELD takes the int-array field, the payload
// is the declared one and the dtype is the config dtype for floats (uint8 for spikes and masks,
// int32 for ints). build() may change them; afterwards every output must be complete. Reset
// receives zero-filled outputs. Float types written as a template over the scalar are
// registered as per_dtype<my_template> and get float or double from the config dtype.
#pragma once
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

#include <spark/abi/capabilities.h>
#include <spark/abi/late_inputs.h>
#include <spark/abi/module.h>
#include <spark/abi/properties.h>
#include <spark/abi/schema.h>
#include <spark/abi/slices.h>
#include <spark/abi/sparse_initializer.h>
#include <spark/abi/types.h>
#include <spark/sdk/buffers.hpp>
#include <spark/sdk/guard.hpp>
#include <spark/sdk/parallel.hpp>
#include <spark/sdk/params.hpp>
#include <spark/sdk/row_sink.hpp>
#include <spark/sdk/schema.hpp>

namespace spark::sdk {

/// The neurons [begin, end) of its population a slice holds (spark/abi/slices.h).
struct population_slice {
    std::uint64_t begin = 0;
    std::uint64_t end = 0;
};

/// Who an instance is: its host (for report_warning and friends; alive until destroy), its
/// name in the brain (borrowed during create only), and for a slice of a population its neurons.
struct instance_info {
    const spark_host_t* host = nullptr;
    std::string_view name;
    std::optional<population_slice> slice;
};

/// The module's ports, split by direction in port order (index i = buffer i of that direction).
struct port_table {
    std::vector<const spark_port_desc_t*> inputs;
    std::vector<const spark_port_desc_t*> outputs;

    port_table() = default;
    explicit port_table(const spark_module_type_t& type) {
        for (std::uint32_t i = 0; i < type.port_count; ++i) {
            const auto& port = type.ports[i];
            (port.direction == SPARK_PORT_INPUT ? inputs : outputs).push_back(&port);
        }
    }
};

namespace detail {

[[nodiscard]] inline std::string spec_string(const spark_port_spec_t& spec) {
    return payload_name(spec.payload_kind) + " " + dtype_name(spec.dtype) + " " +
           shape_string(spec.shape);
}

[[nodiscard]] inline bool same_spec(const spark_port_spec_t& a, const spark_port_spec_t& b) {
    return a.payload_kind == b.payload_kind && a.dtype == b.dtype && same_shape(a.shape, b.shape);
}

[[nodiscard]] inline std::string port_names(const std::vector<const spark_port_desc_t*>& ports) {
    std::string names;
    for (const auto* p : ports) {
        names += (names.empty() ? "" : ", ") + std::string(p->name);
    }
    return names.empty() ? "none" : names;
}

} // namespace detail

/// What build() sees: the input specs (checked) and the output specs (pre-filled) to complete.
class build_context {
public:
    build_context(const port_table& ports,
                  const spark_port_spec_t* inputs,
                  spark_port_spec_t* outputs,
                  std::int32_t dtype)
        : ports_(ports), inputs_(inputs), outputs_(outputs), dtype_(dtype) {}

    [[nodiscard]] std::size_t input_count() const noexcept { return ports_.inputs.size(); }
    [[nodiscard]] std::size_t output_count() const noexcept { return ports_.outputs.size(); }
    [[nodiscard]] const spark_port_spec_t& input(std::size_t i) const {
        return inputs_[check(i, input_count())];
    }
    [[nodiscard]] spark_port_spec_t& output(std::size_t i) const {
        return outputs_[check(i, output_count())];
    }
    /// Whether input i is wired (an unwired optional input has payload_kind 0).
    [[nodiscard]] bool wired(std::size_t i) const { return input(i).payload_kind != 0; }
    /// The config dtype (SPARK_DTYPE_F32 or SPARK_DTYPE_F64).
    [[nodiscard]] std::int32_t dtype() const noexcept { return dtype_; }

private:
    static std::size_t check(std::size_t i, std::size_t n) {
        if (i >= n) {
            throw status_error(SPARK_ERR_PLUGIN,
                               "port index " + std::to_string(i) +
                                   " is out of range, the module has " + std::to_string(n) +
                                   " ports of that direction");
        }
        return i;
    }
    const port_table& ports_;
    const spark_port_spec_t* inputs_;
    spark_port_spec_t* outputs_;
    std::int32_t dtype_;
};

/// What contract() fills: one spec per output port, pre-filled where the ports decide it.
class contract_context {
public:
    contract_context(spark_port_spec_t* outputs, std::size_t count, std::int32_t dtype)
        : outputs_(outputs), count_(count), dtype_(dtype) {}
    [[nodiscard]] std::size_t output_count() const noexcept { return count_; }
    [[nodiscard]] spark_port_spec_t& output(std::size_t i) const {
        if (i >= count_) {
            throw status_error(SPARK_ERR_PLUGIN,
                               "output index " + std::to_string(i) +
                                   " is out of range, the module has " + std::to_string(count_) +
                                   " outputs");
        }
        return outputs_[i];
    }
    [[nodiscard]] std::int32_t dtype() const noexcept { return dtype_; }

private:
    spark_port_spec_t* outputs_;
    std::size_t count_;
    std::int32_t dtype_;
};

/// The output buffers reset() writes (the outputs of "step -1"); zero-filled before the call.
class output_buffers {
public:
    output_buffers(const port_table& ports, const spark_buffer_t* buffers)
        : ports_(ports), buffers_(buffers) {}
    [[nodiscard]] std::size_t size() const noexcept { return ports_.outputs.size(); }
    template <typename T>
    [[nodiscard]] span<T> get(std::size_t i) const {
        return typed<T>(buffer(i), "output port", ports_.outputs[i]->name);
    }
    [[nodiscard]] const spark_buffer_t& buffer(std::size_t i) const {
        if (i >= size()) {
            throw status_error(SPARK_ERR_PLUGIN,
                               "output index " + std::to_string(i) +
                                   " is out of range, the module has " + std::to_string(size()) +
                                   " outputs");
        }
        return buffers_[i];
    }

private:
    const port_table& ports_;
    const spark_buffer_t* buffers_;
};

/// What step() sees: step index, dt and typed views of the host's buffers (valid during step only).
class step_context {
public:
    step_context(const port_table& ports, const spark_step_context_t& raw)
        : ports_(ports), raw_(raw) {}
    /// 0 for the first step after reset.
    [[nodiscard]] std::uint64_t index() const noexcept { return raw_.step_index; }
    /// Time step [ms].
    [[nodiscard]] double dt() const noexcept { return raw_.dt; }
    /// Input i as T (checked element type); empty for an unwired optional input.
    template <typename T>
    [[nodiscard]] span<const T> input(std::size_t i) const {
        return typed<const T>(input_buffer(i), "input port", ports_.inputs[i]->name);
    }
    /// Output i as T (checked element type); write every element.
    template <typename T>
    [[nodiscard]] span<T> output(std::size_t i) const {
        return typed<T>(output_buffer(i), "output port", ports_.outputs[i]->name);
    }
    [[nodiscard]] const spark_buffer_t& input_buffer(std::size_t i) const {
        return raw_.inputs[check(i, raw_.input_count, "input")];
    }
    [[nodiscard]] const spark_buffer_t& output_buffer(std::size_t i) const {
        return raw_.outputs[check(i, raw_.output_count, "output")];
    }
    [[nodiscard]] const spark_step_context_t& raw() const noexcept { return raw_; }

private:
    static std::size_t check(std::size_t i, std::uint32_t n, const char* what) {
        if (i >= n) {
            throw status_error(SPARK_ERR_PLUGIN,
                               std::string(what) + " index " + std::to_string(i) +
                                   " is out of range, the step has " + std::to_string(n));
        }
        return i;
    }
    const port_table& ports_;
    const spark_step_context_t& raw_;
};

/// The arrays state() exposes for checkpoints. Names must outlive the instance (string literals).
class state_list {
public:
    template <typename T>
    void add(const char* name, T* data, const spark_shape_t& shape) {
        static_assert(dtype_of<T> != 0, "state elements must be uint8_t, int32_t, float or double");
        spark_state_array_t a{};
        a.name = name;
        a.dtype = dtype_of<T>;
        a.shape = shape;
        a.data = data;
        arrays_.push_back(a);
    }
    /// A vector (any allocator) whose size must match the shape.
    template <typename T, typename Allocator>
    void add(const char* name, std::vector<T, Allocator>& data, const spark_shape_t& shape) {
        if (data.size() != element_count(shape)) {
            throw status_error(SPARK_ERR_PLUGIN,
                               std::string("state array '") + name + "' has " +
                                   std::to_string(data.size()) + " elements but shape " +
                                   shape_string(shape) + " needs " +
                                   std::to_string(element_count(shape)));
        }
        add(name, data.data(), shape);
    }
    [[nodiscard]] const std::vector<spark_state_array_t>& arrays() const noexcept {
        return arrays_;
    }
    void clear() noexcept { arrays_.clear(); }

private:
    std::vector<spark_state_array_t> arrays_;
};

namespace detail {

template <typename M, typename = void>
struct has_build : std::false_type {};
template <typename M>
struct has_build<M, std::void_t<decltype(std::declval<M&>().build(std::declval<build_context&>()))>>
    : std::true_type {};
template <typename M, typename = void>
struct has_reset : std::false_type {};
template <typename M>
struct has_reset<
    M,
    std::void_t<decltype(std::declval<M&>().reset(std::declval<const output_buffers&>()))>>
    : std::true_type {};
template <typename M, typename = void>
struct has_state : std::false_type {};
template <typename M>
struct has_state<M, std::void_t<decltype(std::declval<M&>().state(std::declval<state_list&>()))>>
    : std::true_type {};
template <typename M, typename = void>
struct has_state_loaded : std::false_type {};
template <typename M>
struct has_state_loaded<M, std::void_t<decltype(std::declval<M&>().state_loaded())>>
    : std::true_type {};
template <typename M, typename = void>
struct has_contract : std::false_type {};
template <typename M>
struct has_contract<
    M,
    std::void_t<decltype(std::declval<M&>().contract(std::declval<contract_context&>()))>>
    : std::true_type {};
template <typename M, typename = void>
struct has_extension : std::false_type {};
template <typename M>
struct has_extension<M,
                     std::void_t<decltype(static_cast<const void*>(
                         std::declval<M&>().extension(std::string_view())))>> : std::true_type {};
template <typename M, typename = void>
struct has_read_property : std::false_type {};
template <typename M>
struct has_read_property<
    M,
    std::void_t<decltype(std::declval<M&>().read_property(std::size_t{}, std::declval<void*>()))>>
    : std::true_type {};
template <typename M, typename = void>
struct has_write_property : std::false_type {};
template <typename M>
struct has_write_property<M,
                          std::void_t<decltype(std::declval<M&>().write_property(
                              std::size_t{}, std::declval<const void*>()))>> : std::true_type {};
template <typename M, typename = void>
struct has_property_spec : std::false_type {};
template <typename M>
struct has_property_spec<
    M,
    std::enable_if_t<std::is_same_v<decltype(std::declval<M&>().property_spec(std::size_t{})),
                                    spark_port_spec_t>>> : std::true_type {};
template <typename M, typename = void>
struct has_property_unavailable : std::false_type {};
template <typename M>
struct has_property_unavailable<
    M,
    std::enable_if_t<
        std::is_convertible_v<decltype(std::declval<M&>().property_unavailable(std::size_t{})),
                              std::string>>> : std::true_type {};
template <typename M, typename = void>
struct has_example_config : std::false_type {};
template <typename M>
struct has_example_config<
    M,
    std::enable_if_t<std::is_convertible_v<decltype(M::example_config), const char*>>>
    : std::true_type {};
template <typename M, typename = void>
struct has_slices_field : std::false_type {};
template <typename M>
struct has_slices_field<
    M,
    std::enable_if_t<std::is_convertible_v<decltype(M::slices_field), const char*>>>
    : std::true_type {};
template <typename M, typename = void>
struct has_property_rows : std::false_type {};
template <typename M>
struct has_property_rows<
    M,
    std::enable_if_t<
        std::is_same_v<decltype(std::declval<const M&>().property_rows(std::size_t{})), bool>>>
    : std::true_type {};
template <typename M, typename = void>
struct has_lateness : std::false_type {};
template <typename M>
struct has_lateness<
    M,
    std::enable_if_t<std::is_same_v<decltype(std::declval<const M&>().lateness(
                                        std::size_t{}, std::uint64_t{}, std::uint64_t{})),
                                    std::uint32_t>>> : std::true_type {};
template <typename M, typename = void>
struct has_write_late : std::false_type {};
template <typename M>
struct has_write_late<
    M,
    std::void_t<decltype(std::declval<M&>().write_late(std::size_t{},
                                                       std::uint64_t{},
                                                       std::uint64_t{},
                                                       std::uint64_t{},
                                                       std::declval<const void*>()))>>
    : std::true_type {};
template <typename M, typename = void>
struct has_primary : std::false_type {};
template <typename M>
struct has_primary<M, std::void_t<typename M::primary>> : std::true_type {};

/// M's example_config (or its primary's, for per_dtype), or nullptr.
template <typename M>
[[nodiscard]] constexpr const char* example_config_of() {
    if constexpr (has_example_config<M>::value) {
        return M::example_config;
    } else if constexpr (has_primary<M>::value) {
        return example_config_of<typename M::primary>();
    } else {
        return nullptr;
    }
}

/// M's slices_field (or its primary's, for per_dtype), or nullptr: the type cannot be sliced.
template <typename M>
[[nodiscard]] constexpr const char* slices_field_of() {
    if constexpr (has_slices_field<M>::value) {
        return M::slices_field;
    } else if constexpr (has_primary<M>::value) {
        return slices_field_of<typename M::primary>();
    } else {
        return nullptr;
    }
}

template <typename M, typename = void>
struct has_step : std::false_type {};
template <typename M>
struct has_step<M,
                std::void_t<decltype(std::declval<M&>().step(std::declval<const step_context&>()))>>
    : std::true_type {};
template <typename M, typename = void>
struct has_serial_initialize : std::false_type {};
template <typename M>
struct has_serial_initialize<
    M,
    std::void_t<decltype(M::initialize(std::declval<const config_view&>(),
                                       std::declval<const spark_buffer_t&>()))>> : std::true_type {
};
template <typename M, typename = void>
struct has_parallel_initialize : std::false_type {};
template <typename M>
struct has_parallel_initialize<
    M,
    std::void_t<decltype(M::initialize(std::declval<const config_view&>(),
                                       std::declval<const spark_buffer_t&>(),
                                       std::declval<const parallel&>()))>> : std::true_type {};
template <typename M>
struct has_initialize
    : std::bool_constant<has_serial_initialize<M>::value || has_parallel_initialize<M>::value> {};
template <typename M, typename = void>
struct has_density : std::false_type {};
template <typename M>
struct has_density<
    M,
    std::enable_if_t<
        std::is_same_v<decltype(M::density(std::declval<const config_view&>())), double>>>
    : std::true_type {};
template <typename M, typename = void>
struct has_fill_rows : std::false_type {};
template <typename M>
struct has_fill_rows<M,
                     std::void_t<decltype(M::fill_rows(std::declval<const config_view&>(),
                                                       std::declval<const spark_port_spec_t&>(),
                                                       std::uint64_t{},
                                                       std::uint64_t{},
                                                       std::uint64_t{},
                                                       std::declval<row_sink&>()))>>
    : std::true_type {};
template <typename M, typename = void>
struct has_values_at : std::false_type {};
template <typename M>
struct has_values_at<M,
                     std::void_t<decltype(M::values_at(std::declval<const config_view&>(),
                                                       std::declval<const spark_port_spec_t&>(),
                                                       std::declval<span<const std::uint64_t>>(),
                                                       std::declval<void*>()))>> : std::true_type {
};

/// Constructs M from (cfg, info) when it takes both, else from (cfg).
template <typename M, typename Make>
decltype(auto) construct_with(const config_view& cfg, const instance_info& info, Make&& make) {
    if constexpr (std::is_constructible_v<M, const config_view&, const instance_info&>) {
        return std::forward<Make>(make)(cfg, info);
    } else {
        static_assert(std::is_constructible_v<M, const config_view&>,
                      "a module needs a constructor taking (const spark::sdk::config_view&) or "
                      "(const spark::sdk::config_view&, const spark::sdk::instance_info&)");
        return std::forward<Make>(make)(cfg);
    }
}

} // namespace detail

/// A module written as a template over its float type: registered as per_dtype<leaky_soma>,
/// it runs M<float> for a float32 config and M<double> for a float64 config.
template <template <typename> class M>
class per_dtype {
    using f32 = M<float>;
    using f64 = M<double>;

public:
    static constexpr const char* class_ref = f32::class_ref;
    static constexpr std::int32_t kind = f32::kind;
    static constexpr const char* version = f32::version;
    static constexpr const char* description = f32::description;
    using primary = f32; // what the type's static declarations come from
    static void declare(schema& s) { f32::declare(s); }

    per_dtype(const config_view& cfg, const instance_info& info) : impl_(make(cfg, info)) {}

    void step(const step_context& ctx) {
        visit([&](auto& m) { m.step(ctx); });
    }
    template <typename P = f32, std::enable_if_t<detail::has_build<P>::value, int> = 0>
    void build(build_context& b) {
        visit([&](auto& m) { m.build(b); });
    }
    template <typename P = f32, std::enable_if_t<detail::has_reset<P>::value, int> = 0>
    void reset(const output_buffers& out) {
        visit([&](auto& m) { m.reset(out); });
    }
    template <typename P = f32, std::enable_if_t<detail::has_state<P>::value, int> = 0>
    void state(state_list& s) {
        visit([&](auto& m) { m.state(s); });
    }
    template <typename P = f32, std::enable_if_t<detail::has_state_loaded<P>::value, int> = 0>
    void state_loaded() {
        visit([&](auto& m) { m.state_loaded(); });
    }
    template <typename P = f32, std::enable_if_t<detail::has_contract<P>::value, int> = 0>
    void contract(contract_context& c) {
        visit([&](auto& m) { m.contract(c); });
    }
    template <typename P = f32, std::enable_if_t<detail::has_extension<P>::value, int> = 0>
    const void* extension(std::string_view id) {
        return visit([&](auto& m) -> const void* { return m.extension(id); });
    }
    template <typename P = f32, std::enable_if_t<detail::has_read_property<P>::value, int> = 0>
    void read_property(std::size_t index, void* out) {
        visit([&](auto& m) { m.read_property(index, out); });
    }
    template <typename P = f32, std::enable_if_t<detail::has_write_property<P>::value, int> = 0>
    void write_property(std::size_t index, const void* in) {
        visit([&](auto& m) { m.write_property(index, in); });
    }
    template <typename P = f32, std::enable_if_t<detail::has_property_spec<P>::value, int> = 0>
    spark_port_spec_t property_spec(std::size_t index) {
        return visit([&](auto& m) { return m.property_spec(index); });
    }
    template <typename P = f32,
              std::enable_if_t<detail::has_property_unavailable<P>::value, int> = 0>
    std::string property_unavailable(std::size_t index) {
        return visit([&](auto& m) { return std::string(m.property_unavailable(index)); });
    }
    template <typename P = f32, std::enable_if_t<detail::has_lateness<P>::value, int> = 0>
    [[nodiscard]] std::uint32_t
    lateness(std::size_t port, std::uint64_t offset, std::uint64_t count) const {
        return visit([&](const auto& m) { return m.lateness(port, offset, count); });
    }
    template <typename P = f32, std::enable_if_t<detail::has_write_late<P>::value, int> = 0>
    void write_late(std::size_t port,
                    std::uint64_t step,
                    std::uint64_t offset,
                    std::uint64_t count,
                    const void* values) {
        visit([&](auto& m) { m.write_late(port, step, offset, count, values); });
    }
    template <typename P = f32, std::enable_if_t<detail::has_property_rows<P>::value, int> = 0>
    [[nodiscard]] bool property_rows(std::size_t index) const {
        return visit([&](const auto& m) { return m.property_rows(index); });
    }

private:
    using variant = std::variant<f32, f64>;
    static variant make(const config_view& cfg, const instance_info& info) {
        if (cfg.dtype() == SPARK_DTYPE_F64) {
            return detail::construct_with<f64>(cfg, info, [](const auto&... args) {
                return variant(std::in_place_index<1>, args...);
            });
        }
        return detail::construct_with<f32>(cfg, info, [](const auto&... args) {
            return variant(std::in_place_index<0>, args...);
        });
    }
    // get_if instead of std::visit: one branch on the hot path, no exceptions.
    template <typename Fn>
    decltype(auto) visit(Fn&& fn) {
        if (auto* m = std::get_if<0>(&impl_)) {
            return fn(*m);
        }
        return fn(*std::get_if<1>(&impl_));
    }
    template <typename Fn>
    decltype(auto) visit(Fn&& fn) const {
        if (const auto* m = std::get_if<0>(&impl_)) {
            return fn(*m);
        }
        return fn(*std::get_if<1>(&impl_));
    }
    variant impl_;
};

namespace detail {

/// One live instance of M behind a spark_module_t, with the bookkeeping the SDK checks.
template <typename M>
class instance {
public:
    instance(const spark_module_type_t& type,
             const spark_host_t* host,
             const config_view& cfg,
             std::string_view name,
             std::optional<population_slice> slice = std::nullopt)
        : host_(host), ports_(type), dtype_(cfg.dtype()), prefill_(ports_.outputs.size()) {
        abi_.type = &type;
        abi_.module_data = this;
        if (slice) {
            check_slice(cfg, *slice);
        }
        // FROM_FIELD shapes come from the config, which is only alive during create; a slice's
        // are its own neurons (spark/abi/slices.h).
        const auto field_shape = [&](const char* field) {
            if (slice && is_sliced_field(field)) {
                return make_shape({static_cast<std::int64_t>(slice->end - slice->begin)});
            }
            return cfg.shape(field);
        };
        for (std::size_t i = 0; i < ports_.outputs.size(); ++i) {
            const auto& port = *ports_.outputs[i];
            if (port.shape_rule == SPARK_SHAPE_FROM_FIELD) {
                prefill_[i] = make_spec(port.payload_kind,
                                        spark_payload_dtype(port.payload_kind, dtype_),
                                        field_shape(port.shape_ref));
            }
        }
        if (const auto* declared = static_cast<const spark_type_properties_t*>(
                spark_type_extension(&type, SPARK_EXT_TYPE_PROPERTIES))) {
            properties_.assign(declared->properties, declared->properties + declared->count);
            property_prefill_.resize(properties_.size());
            for (std::size_t i = 0; i < properties_.size(); ++i) {
                if (properties_[i].shape_rule == SPARK_SHAPE_FROM_FIELD) {
                    property_prefill_[i] =
                        make_spec(properties_[i].payload_kind,
                                  spark_payload_dtype(properties_[i].payload_kind, dtype_),
                                  field_shape(properties_[i].shape_ref));
                }
            }
        }
        const instance_info info{host, name, slice};
        construct_with<M>(cfg, info, [this](const auto&... args) { module_.emplace(args...); });
    }

    [[nodiscard]] spark_module_t* abi() noexcept { return &abi_; }
    [[nodiscard]] const spark_host_t* host() const noexcept { return host_; }
    [[nodiscard]] M& module() noexcept { return *module_; }

    void contract(spark_port_spec_t* outputs, std::uint32_t count) {
        expect_count("contract", "output specs", count, ports_.outputs);
        if (outputs == nullptr && count > 0) {
            throw status_error(SPARK_ERR_INVALID_ARGUMENT, "contract needs an outputs array");
        }
        std::vector<spark_port_spec_t> specs(prefill_);
        if constexpr (has_contract<M>::value) {
            contract_context c(specs.data(), specs.size(), dtype_);
            module_->contract(c);
        } else {
            throw status_error(SPARK_ERR_UNSUPPORTED, "this module type publishes no contract");
        }
        check_complete("contract", specs);
        if (built_) {
            check_promise(specs, out_specs_);
        }
        promise_ = specs;
        std::copy(specs.begin(), specs.end(), outputs);
    }

    void build(const spark_port_spec_t* inputs,
               std::uint32_t input_count,
               spark_port_spec_t* outputs,
               std::uint32_t output_count) {
        if (built_) {
            throw status_error(SPARK_ERR_STATE,
                               "build called twice; create a new instance instead");
        }
        expect_count("build", "input specs", input_count, ports_.inputs);
        expect_count("build", "output specs", output_count, ports_.outputs);
        if ((inputs == nullptr && input_count > 0) || (outputs == nullptr && output_count > 0)) {
            throw status_error(SPARK_ERR_INVALID_ARGUMENT,
                               "build needs input and output spec arrays");
        }
        std::vector<spark_port_spec_t> in(inputs, inputs + input_count);
        for (std::size_t i = 0; i < in.size(); ++i) {
            check_input(*ports_.inputs[i], in[i]);
        }
        std::vector<spark_port_spec_t> out(prefill_);
        prefill_like_ports(in, out);
        if constexpr (has_build<M>::value) {
            build_context b(ports_, in.data(), out.data(), dtype_);
            module_->build(b);
        }
        check_complete("build", out);
        if (promise_) {
            check_promise(*promise_, out);
        }
        in_specs_ = std::move(in);
        out_specs_ = out;
        std::copy(out.begin(), out.end(), outputs);
        built_ = true;
    }

    void reset(const spark_buffer_t* outputs, std::uint32_t count) {
        expect_built("reset");
        expect_count("reset", "output buffers", count, ports_.outputs);
        if (outputs == nullptr && count > 0) {
            throw status_error(SPARK_ERR_INVALID_ARGUMENT, "reset needs an outputs array");
        }
        for (std::uint32_t i = 0; i < count; ++i) {
            check_buffer("output port", *ports_.outputs[i], outputs[i], out_specs_[i]);
            if (outputs[i].count == 0) {
                continue;
            }
            std::memset(outputs[i].data,
                        0,
                        static_cast<std::size_t>(outputs[i].count) *
                            spark_dtype_size(out_specs_[i].dtype));
        }
        if constexpr (has_reset<M>::value) {
            module_->reset(output_buffers(ports_, outputs));
        }
        was_reset_ = true;
    }

    void step(const spark_step_context_t* ctx) {
        if (ctx == nullptr) {
            throw status_error(SPARK_ERR_INVALID_ARGUMENT, "step needs a context");
        }
        if (!was_reset_) {
            throw status_error(SPARK_ERR_STATE,
                               built_ ? "step called before reset; call reset after build"
                                      : "step called before build; call build, then reset");
        }
        if (ctx->input_count != ports_.inputs.size() ||
            ctx->output_count != ports_.outputs.size() ||
            (ctx->inputs == nullptr && ctx->input_count > 0) ||
            (ctx->outputs == nullptr && ctx->output_count > 0)) {
            expect_count("step", "input buffers", ctx->input_count, ports_.inputs);
            expect_count("step", "output buffers", ctx->output_count, ports_.outputs);
            throw status_error(SPARK_ERR_INVALID_ARGUMENT,
                               "step needs input and output buffer arrays");
        }
        for (std::uint32_t i = 0; i < ctx->input_count; ++i) {
            if (in_specs_[i].payload_kind != 0) {
                check_buffer("input port", *ports_.inputs[i], ctx->inputs[i], in_specs_[i]);
            }
        }
        for (std::uint32_t i = 0; i < ctx->output_count; ++i) {
            check_buffer("output port", *ports_.outputs[i], ctx->outputs[i], out_specs_[i]);
        }
        module_->step(step_context(ports_, *ctx));
    }

    void state(spark_state_array_t* arrays, std::uint32_t capacity, std::uint32_t* count) {
        expect_built("state");
        if (count == nullptr || (arrays == nullptr && capacity > 0)) {
            throw status_error(SPARK_ERR_INVALID_ARGUMENT,
                               "state needs a count pointer and an array for capacity > 0");
        }
        state_list list;
        if constexpr (has_state<M>::value) {
            module_->state(list);
        }
        const auto& found = list.arrays();
        *count = static_cast<std::uint32_t>(found.size());
        for (std::size_t i = 0; i < found.size() && i < capacity; ++i) {
            arrays[i] = found[i];
        }
    }

    void state_loaded() {
        expect_built("state_loaded");
        if constexpr (has_state_loaded<M>::value) {
            module_->state_loaded();
        }
    }

    [[nodiscard]] const void* extension(const char* id) {
        if constexpr (has_extension<M>::value) {
            return id == nullptr ? nullptr : module_->extension(std::string_view(id));
        } else {
            (void)id;
            return nullptr;
        }
    }

    [[nodiscard]] bool has_properties() const noexcept { return !properties_.empty(); }

    /// Property `index`'s spec: from its field or port as for outputs, else the module's.
    [[nodiscard]] spark_port_spec_t property_spec(std::uint32_t index) {
        expect_built("property spec");
        const auto& p = property_at(index);
        switch (p.shape_rule) {
        case SPARK_SHAPE_FROM_FIELD:
            return property_prefill_[index];
        case SPARK_SHAPE_LIKE_PORT:
            return make_spec(p.payload_kind,
                             spark_payload_dtype(p.payload_kind, dtype_),
                             port_spec(p.shape_ref).shape);
        default:
            if constexpr (has_property_spec<M>::value) {
                return module_->property_spec(index);
            } else {
                throw status_error(SPARK_ERR_PLUGIN,
                                   "property '" + std::string(p.name) +
                                       "' has a computed shape, but the module defines no "
                                       "property_spec(std::size_t)");
            }
        }
    }

    void read_property(std::uint32_t index, const spark_buffer_t* out) {
        const auto spec = property_spec(index);
        expect_available(index, spec);
        check_property_buffer("read", index, out, spec);
        if constexpr (has_read_property<M>::value) {
            module_->read_property(index, out->data);
        } else {
            throw status_error(SPARK_ERR_PLUGIN, "the module defines no read_property()");
        }
    }

    void write_property(std::uint32_t index, const spark_buffer_t* value) {
        const auto spec = property_spec(index);
        expect_available(index, spec);
        if (!properties_[index].writable) {
            throw status_error(SPARK_ERR_UNSUPPORTED,
                               "property '" + std::string(properties_[index].name) +
                                   "' is read-only; an effect cannot write it");
        }
        check_property_buffer("write", index, value, spec);
        if constexpr (has_write_property<M>::value) {
            module_->write_property(index, value->data);
        } else {
            throw status_error(SPARK_ERR_PLUGIN,
                               "property '" + std::string(properties_[index].name) +
                                   "' is writable, but the module defines no write_property()");
        }
    }

    /// Whether M takes late inputs (both functions defined).
    static constexpr bool takes_late_inputs = has_lateness<M>::value && has_write_late<M>::value;

    [[nodiscard]] std::uint32_t
    lateness(std::uint32_t port, std::uint64_t offset, std::uint64_t count) {
        check_input_elements("lateness", port, offset, count);
        if constexpr (takes_late_inputs) {
            return module_->lateness(port, offset, count);
        } else {
            return 0;
        }
    }

    void write_late(std::uint32_t port,
                    std::uint64_t step,
                    std::uint64_t offset,
                    std::uint64_t count,
                    const void* values) {
        check_input_elements("write_late", port, offset, count);
        if (values == nullptr && count > 0) {
            throw status_error(SPARK_ERR_INVALID_ARGUMENT, "write_late needs values");
        }
        if constexpr (takes_late_inputs) {
            module_->write_late(port, step, offset, count, values);
        } else {
            throw status_error(SPARK_ERR_UNSUPPORTED, "this module takes no late inputs");
        }
    }

    /// A slice's property `index`: rows of the whole population's (true) or equal to it.
    [[nodiscard]] bool property_rows(std::uint32_t index) {
        expect_built("property slicing");
        const auto& p = property_at(index);
        if (p.shape_rule == SPARK_SHAPE_FROM_FIELD && is_sliced_field(p.shape_ref)) {
            return true;
        }
        if constexpr (has_property_rows<M>::value) {
            return module_->property_rows(index);
        } else {
            throw status_error(SPARK_ERR_PLUGIN,
                               "property '" + std::string(p.name) +
                                   "' of a slice is not from the sliced field, and the module "
                                   "defines no property_rows(std::size_t) to say how it slices");
        }
    }

private:
    // Elements [offset, offset + count) must lie in built input port `port`.
    void check_input_elements(const char* call,
                              std::uint32_t port,
                              std::uint64_t offset,
                              std::uint64_t count) const {
        expect_built(call);
        if (port >= in_specs_.size()) {
            throw status_error(SPARK_ERR_INVALID_ARGUMENT,
                               std::string(call) + ": input port " + std::to_string(port) +
                                   " is out of range, the type has " +
                                   std::to_string(in_specs_.size()) + " input ports");
        }
        std::uint64_t elements = 1;
        for (std::uint32_t d = 0; d < in_specs_[port].shape.rank; ++d) {
            elements *= in_specs_[port].shape.dims[d];
        }
        if (offset > elements || count > elements - offset) {
            throw status_error(SPARK_ERR_INVALID_ARGUMENT,
                               std::string(call) + ": elements [" + std::to_string(offset) + ", " +
                                   std::to_string(offset + count) + ") of input port '" +
                                   ports_.inputs[port]->name + "', which has " +
                                   std::to_string(elements));
        }
    }

    // Whether `field` is the one M runs in slices of.
    static bool is_sliced_field(const char* field) {
        constexpr const char* sliced = slices_field_of<M>();
        if constexpr (sliced == nullptr) {
            (void)field;
            return false;
        } else {
            return field != nullptr && std::string_view(field) == sliced;
        }
    }

    // The neurons a slice holds must lie inside the population (spark/abi/slices.h).
    static void check_slice(const config_view& cfg, const population_slice& slice) {
        const char* field = slices_field_of<M>();
        if (field == nullptr) {
            throw status_error(SPARK_ERR_UNSUPPORTED, "this module type cannot run in slices");
        }
        std::uint64_t count = 1;
        const auto shape = cfg.shape(field);
        for (std::uint32_t d = 0; d < shape.rank; ++d) {
            count *= shape.dims[d];
        }
        if (slice.begin >= slice.end || slice.end > count) {
            throw status_error(SPARK_ERR_INVALID_ARGUMENT,
                               "a slice holds neurons [" + std::to_string(slice.begin) + ", " +
                                   std::to_string(slice.end) + ") of a population of " +
                                   std::to_string(count) + " ('" + field +
                                   "'); give 0 <= begin < end <= " + std::to_string(count));
        }
    }

    [[nodiscard]] const spark_property_desc_t& property_at(std::uint32_t index) const {
        if (index >= properties_.size()) {
            throw status_error(SPARK_ERR_INVALID_ARGUMENT,
                               "property index " + std::to_string(index) +
                                   " is out of range, the type has " +
                                   std::to_string(properties_.size()) + " properties");
        }
        return properties_[index];
    }

    // A spec of payload kind 0: the instance cannot serve the property (see the header comment).
    void expect_available(std::uint32_t index, const spark_port_spec_t& spec) {
        if (spec.payload_kind != 0) {
            return;
        }
        std::string why;
        if constexpr (has_property_unavailable<M>::value) {
            why = module_->property_unavailable(index);
        }
        throw status_error(SPARK_ERR_UNSUPPORTED,
                           "property '" + std::string(properties_[index].name) +
                               "' is unavailable in this instance" +
                               (why.empty() ? std::string() : ": " + why));
    }

    // The built spec of the port named `name` (a like_port() property's shape).
    [[nodiscard]] const spark_port_spec_t& port_spec(std::string_view name) const {
        for (std::size_t i = 0; i < ports_.inputs.size(); ++i) {
            if (name == ports_.inputs[i]->name) {
                return in_specs_[i];
            }
        }
        for (std::size_t i = 0; i < ports_.outputs.size(); ++i) {
            if (name == ports_.outputs[i]->name) {
                return out_specs_[i];
            }
        }
        throw status_error(SPARK_ERR_PLUGIN,
                           "a property is shaped like port '" + std::string(name) +
                               "', which the type does not have");
    }

    void check_property_buffer(const char* call,
                               std::uint32_t index,
                               const spark_buffer_t* buffer,
                               const spark_port_spec_t& spec) const {
        const std::string what =
            std::string(call) + " of property '" + properties_[index].name + "'";
        if (buffer == nullptr) {
            throw status_error(SPARK_ERR_INVALID_ARGUMENT, what + " needs a buffer");
        }
        const auto expected = element_count(spec.shape);
        if (!same_spec(buffer->spec, spec) || buffer->count != expected ||
            (buffer->data == nullptr && expected > 0)) {
            throw status_error(SPARK_ERR_INVALID_ARGUMENT,
                               what + " got a buffer of " + spec_string(buffer->spec) + " (" +
                                   std::to_string(buffer->count) + " elements" +
                                   (buffer->data == nullptr ? ", no data" : "") +
                                   "); the property is " + spec_string(spec));
        }
    }

    static void expect_count(const char* call,
                             const char* what,
                             std::uint32_t given,
                             const std::vector<const spark_port_desc_t*>& ports) {
        if (given != ports.size()) {
            throw status_error(SPARK_ERR_INVALID_ARGUMENT,
                               std::string(call) + " takes " + std::to_string(ports.size()) + " " +
                                   what + " (ports: " + port_names(ports) + "), got " +
                                   std::to_string(given));
        }
    }

    void expect_built(const char* call) const {
        if (!built_) {
            throw status_error(SPARK_ERR_STATE,
                               std::string(call) + " called before build; call build first");
        }
    }

    void check_input(const spark_port_desc_t& port, const spark_port_spec_t& spec) const {
        const std::string what = "input port '" + std::string(port.name) + "'";
        if (spec.payload_kind == 0) {
            if (port.required) {
                throw status_error(SPARK_ERR_INVALID_ARGUMENT,
                                   what + " is required but unwired; connect a " +
                                       payload_name(port.payload_kind) + " source to it");
            }
            return;
        }
        if (spec.shape.rank > SPARK_MAX_RANK) {
            throw status_error(SPARK_ERR_INVALID_ARGUMENT,
                               what + " has rank " + std::to_string(spec.shape.rank) +
                                   ", more than " + std::to_string(SPARK_MAX_RANK));
        }
        if (port.payload_kind == SPARK_PAYLOAD_ANY) {
            return; // the module reads the kind and dtype from the spec
        }
        if (spec.payload_kind != port.payload_kind) {
            throw status_error(SPARK_ERR_INVALID_ARGUMENT,
                               what + " takes " + payload_name(port.payload_kind) + ", got " +
                                   payload_name(spec.payload_kind));
        }
        const auto expected = spark_payload_dtype(port.payload_kind, dtype_);
        if (spec.dtype != expected) {
            throw status_error(SPARK_ERR_INVALID_ARGUMENT,
                               what + " carries " + dtype_name(spec.dtype) +
                                   " elements, expected " + dtype_name(expected) +
                                   (port.payload_kind == SPARK_PAYLOAD_FLOAT
                                        ? " (the module's config dtype)"
                                        : ""));
        }
    }

    void prefill_like_ports(const std::vector<spark_port_spec_t>& in,
                            std::vector<spark_port_spec_t>& out) const {
        // Two rounds: an output may be like another output that is itself like an input.
        for (int round = 0; round < 2; ++round) {
            for (std::size_t i = 0; i < out.size(); ++i) {
                const auto& port = *ports_.outputs[i];
                if (port.shape_rule != SPARK_SHAPE_LIKE_PORT) {
                    continue;
                }
                const spark_port_spec_t* like = nullptr;
                for (std::size_t j = 0; j < in.size(); ++j) {
                    if (std::string_view(ports_.inputs[j]->name) == port.shape_ref &&
                        in[j].payload_kind != 0) {
                        like = &in[j];
                    }
                }
                for (std::size_t j = 0; j < out.size(); ++j) {
                    if (std::string_view(ports_.outputs[j]->name) == port.shape_ref &&
                        out[j].payload_kind != 0) {
                        like = &out[j];
                    }
                }
                if (like == nullptr) {
                    continue;
                }
                // An output of any payload carries what the port it follows carries.
                out[i] = port.payload_kind == SPARK_PAYLOAD_ANY
                             ? make_spec(like->payload_kind, like->dtype, like->shape)
                             : make_spec(port.payload_kind,
                                         spark_payload_dtype(port.payload_kind, dtype_),
                                         like->shape);
            }
        }
    }

    void check_complete(const char* call, const std::vector<spark_port_spec_t>& specs) const {
        for (std::size_t i = 0; i < specs.size(); ++i) {
            const auto& port = *ports_.outputs[i];
            const auto& spec = specs[i];
            // An output of any payload must end up a concrete one.
            const bool any = port.payload_kind == SPARK_PAYLOAD_ANY &&
                             spec.payload_kind >= SPARK_PAYLOAD_SPIKES &&
                             spec.payload_kind <= SPARK_PAYLOAD_BOOL_MASK;
            const std::int32_t kind = any ? spec.payload_kind : port.payload_kind;
            const auto expected = spark_payload_dtype(kind, dtype_);
            const bool float_ok = kind == SPARK_PAYLOAD_FLOAT &&
                                  (spec.dtype == SPARK_DTYPE_F32 || spec.dtype == SPARK_DTYPE_F64);
            if (spec.payload_kind != kind || (spec.dtype != expected && !float_ok) ||
                spec.shape.rank > SPARK_MAX_RANK) {
                throw status_error(SPARK_ERR_PLUGIN,
                                   std::string(call) + " left output port '" + port.name +
                                       "' incomplete (" + spec_string(spec) + "); set its " +
                                       payload_name(port.payload_kind) + " spec");
            }
        }
    }

    void check_promise(const std::vector<spark_port_spec_t>& promised,
                       const std::vector<spark_port_spec_t>& built) const {
        for (std::size_t i = 0; i < promised.size(); ++i) {
            if (!same_spec(promised[i], built[i])) {
                throw status_error(SPARK_ERR_PLUGIN,
                                   "output port '" + std::string(ports_.outputs[i]->name) +
                                       "' breaks its contract: promised " +
                                       spec_string(promised[i]) + ", built " +
                                       spec_string(built[i]));
            }
        }
    }

    static void check_buffer(const char* role,
                             const spark_port_desc_t& port,
                             const spark_buffer_t& buffer,
                             const spark_port_spec_t& spec) {
        const auto expected = element_count(spec.shape);
        if (buffer.count != expected || buffer.spec.dtype != spec.dtype ||
            (buffer.data == nullptr && expected > 0)) {
            throw status_error(
                SPARK_ERR_INVALID_ARGUMENT,
                std::string(role) + " '" + port.name + "' got a buffer of " +
                    std::to_string(buffer.count) + " " + dtype_name(buffer.spec.dtype) +
                    " elements" + (buffer.data == nullptr ? " without data" : "") + ", built for " +
                    std::to_string(expected) + " " + dtype_name(spec.dtype));
        }
    }

    spark_module_t abi_{};
    const spark_host_t* host_;
    port_table ports_;
    std::int32_t dtype_;
    std::vector<spark_port_spec_t> prefill_;
    std::vector<spark_port_spec_t> in_specs_;
    std::vector<spark_port_spec_t> out_specs_;
    std::optional<std::vector<spark_port_spec_t>> promise_;
    std::vector<spark_property_desc_t> properties_;   // the type's, in index order
    std::vector<spark_port_spec_t> property_prefill_; // from_field() specs, fixed at create
    bool built_ = false;
    bool was_reset_ = false;
    std::optional<M> module_; // last: destroyed first, while the bookkeeping is still alive
};

} // namespace detail

/// The C functions of module type M. Every one is noexcept and guarded: exceptions become a
/// message reported through the instance's host plus a status.
template <typename M>
struct trampolines {
    using instance = detail::instance<M>;

    static instance* from(const spark_module_t* self) noexcept {
        return self == nullptr ? nullptr : static_cast<instance*>(self->module_data);
    }

    static spark_status SPARK_ABI create(const spark_module_type_t* type,
                                         const spark_host_t* host,
                                         const spark_config_t* config,
                                         const char* name,
                                         spark_module_t** out,
                                         std::optional<population_slice> slice = {}) noexcept {
        if (out != nullptr) {
            *out = nullptr;
        }
        return guarded(host, [&] {
            if (type == nullptr || config == nullptr || out == nullptr) {
                throw status_error(SPARK_ERR_INVALID_ARGUMENT,
                                   "create needs a type, a config and an out pointer");
            }
            const config_view cfg(type->fields, type->field_count, *config);
            auto created =
                std::make_unique<instance>(*type, host, cfg, name != nullptr ? name : "", slice);
            *out = created.release()->abi(); // owned by the caller until destroy
        });
    }

    static spark_status SPARK_ABI lateness(spark_module_t* self,
                                           std::uint32_t port,
                                           std::uint64_t offset,
                                           std::uint64_t count,
                                           std::uint32_t* steps) noexcept {
        auto* i = from(self);
        if (i == nullptr || steps == nullptr) {
            return SPARK_ERR_INVALID_ARGUMENT;
        }
        return guarded(i->host(), [&] { *steps = i->lateness(port, offset, count); });
    }

    static spark_status SPARK_ABI write_late(spark_module_t* self,
                                             std::uint32_t port,
                                             std::uint64_t step,
                                             std::uint64_t offset,
                                             std::uint64_t count,
                                             const void* values) noexcept {
        auto* i = from(self);
        if (i == nullptr) {
            return SPARK_ERR_INVALID_ARGUMENT;
        }
        return guarded(i->host(), [&] { i->write_late(port, step, offset, count, values); });
    }

    static spark_status SPARK_ABI property_rows(spark_module_t* self,
                                                std::uint32_t index,
                                                bool* rows) noexcept {
        auto* i = from(self);
        if (i == nullptr || rows == nullptr) {
            return SPARK_ERR_INVALID_ARGUMENT;
        }
        return guarded(i->host(), [&] { *rows = i->property_rows(index); });
    }

    static spark_status SPARK_ABI contract(spark_module_t* self,
                                           spark_port_spec_t* outputs,
                                           std::uint32_t count) noexcept {
        auto* i = from(self);
        if (i == nullptr) {
            return SPARK_ERR_INVALID_ARGUMENT;
        }
        return guarded(i->host(), [&] { i->contract(outputs, count); });
    }

    static spark_status SPARK_ABI build(spark_module_t* self,
                                        const spark_port_spec_t* inputs,
                                        std::uint32_t input_count,
                                        spark_port_spec_t* outputs,
                                        std::uint32_t output_count) noexcept {
        auto* i = from(self);
        if (i == nullptr) {
            return SPARK_ERR_INVALID_ARGUMENT;
        }
        return guarded(i->host(), [&] { i->build(inputs, input_count, outputs, output_count); });
    }

    static spark_status SPARK_ABI reset(spark_module_t* self,
                                        const spark_buffer_t* outputs,
                                        std::uint32_t count) noexcept {
        auto* i = from(self);
        if (i == nullptr) {
            return SPARK_ERR_INVALID_ARGUMENT;
        }
        return guarded(i->host(), [&] { i->reset(outputs, count); });
    }

    static spark_status SPARK_ABI step(spark_module_t* self,
                                       const spark_step_context_t* ctx) noexcept {
        auto* i = from(self);
        if (i == nullptr) {
            return SPARK_ERR_INVALID_ARGUMENT;
        }
        return guarded(i->host(), [&] { i->step(ctx); });
    }

    static spark_status SPARK_ABI state(spark_module_t* self,
                                        spark_state_array_t* arrays,
                                        std::uint32_t capacity,
                                        std::uint32_t* count) noexcept {
        auto* i = from(self);
        if (i == nullptr) {
            return SPARK_ERR_INVALID_ARGUMENT;
        }
        return guarded(i->host(), [&] { i->state(arrays, capacity, count); });
    }

    static spark_status SPARK_ABI state_loaded(spark_module_t* self) noexcept {
        auto* i = from(self);
        if (i == nullptr) {
            return SPARK_ERR_INVALID_ARGUMENT;
        }
        return guarded(i->host(), [&] { i->state_loaded(); });
    }

    static void SPARK_ABI destroy(spark_module_t* self) noexcept {
        auto* i = from(self);
        if (i == nullptr) {
            return;
        }
        const spark_host_t* host = i->host();
        // A throwing destructor must not escape either; the instance is gone either way.
        (void)guarded(host, [&] { std::unique_ptr<instance> owned(i); });
    }

    static const void* SPARK_ABI get_extension(spark_module_t* self, const char* id) noexcept {
        auto* i = from(self);
        if (i == nullptr) {
            return nullptr;
        }
        if (id != nullptr && instance::takes_late_inputs &&
            std::strcmp(id, SPARK_EXT_LATE_INPUTS) == 0) {
            static constexpr spark_late_inputs_t late{
                spark_version_t SPARK_ABI_VERSION_INIT, &lateness, &write_late};
            return &late;
        }
        if (id != nullptr && i->has_properties() && std::strcmp(id, SPARK_EXT_PROPERTIES) == 0) {
            static constexpr spark_properties_t table{spark_version_t SPARK_ABI_VERSION_INIT,
                                                      &property_spec,
                                                      &read_property,
                                                      &write_property};
            return &table;
        }
        try {
            return i->extension(id);
        } catch (...) {
            return nullptr; // [thread-safe] lookup: nothing sensible to report
        }
    }

    static spark_status SPARK_ABI property_spec(spark_module_t* self,
                                                std::uint32_t index,
                                                spark_port_spec_t* out) noexcept {
        auto* i = from(self);
        if (i == nullptr || out == nullptr) {
            return SPARK_ERR_INVALID_ARGUMENT;
        }
        return guarded(i->host(), [&] { *out = i->property_spec(index); });
    }

    static spark_status SPARK_ABI read_property(spark_module_t* self,
                                                std::uint32_t index,
                                                const spark_buffer_t* out) noexcept {
        auto* i = from(self);
        if (i == nullptr) {
            return SPARK_ERR_INVALID_ARGUMENT;
        }
        return guarded(i->host(), [&] { i->read_property(index, out); });
    }

    static spark_status SPARK_ABI write_property(spark_module_t* self,
                                                 std::uint32_t index,
                                                 const spark_buffer_t* value) noexcept {
        auto* i = from(self);
        if (i == nullptr) {
            return SPARK_ERR_INVALID_ARGUMENT;
        }
        return guarded(i->host(), [&] { i->write_property(index, value); });
    }

    static spark_status SPARK_ABI initialize(const spark_module_type_t* type,
                                             const spark_host_t* host,
                                             const spark_config_t* config,
                                             const spark_buffer_t* out) noexcept {
        return guarded(host, [&] {
            if (type == nullptr || config == nullptr || out == nullptr) {
                throw status_error(SPARK_ERR_INVALID_ARGUMENT,
                                   "initialize needs a type, a config and an out buffer");
            }
            const config_view cfg(type->fields, type->field_count, *config);
            if constexpr (detail::has_parallel_initialize<M>::value) {
                M::initialize(cfg, *out, parallel(host));
            } else if constexpr (detail::has_serial_initialize<M>::value) {
                M::initialize(cfg, *out);
            }
        });
    }
};

namespace detail {

/// Refuses a spec an initializer cannot fill: an unknown dtype or a rank beyond the ABI's.
inline void check_fill_spec(const char* call, const spark_port_spec_t& spec) {
    if (spark_dtype_size(spec.dtype) == 0) {
        throw status_error(SPARK_ERR_INVALID_ARGUMENT,
                           std::string(call) + " got a spec of " + dtype_name(spec.dtype) +
                               " elements; use uint8, int32, float32 or float64");
    }
    if (spec.shape.rank > SPARK_MAX_RANK) {
        throw status_error(SPARK_ERR_INVALID_ARGUMENT,
                           std::string(call) + " got a spec of rank " +
                               std::to_string(spec.shape.rank) + ", more than " +
                               std::to_string(SPARK_MAX_RANK));
    }
}

/// The number of rows of `row_length` elements in `shape`: a row is whole lines along the last
/// axis and the rows tile the array (sparse_initializer.h), anything else is refused.
inline std::uint64_t row_count(const spark_shape_t& shape, std::uint64_t row_length) {
    const std::uint64_t elements = element_count(shape);
    const std::uint64_t line = shape.rank == 0 ? 1 : shape.dims[shape.rank - 1];
    if (row_length == 0 || (line != 0 && row_length % line != 0) || elements % row_length != 0) {
        throw status_error(SPARK_ERR_INVALID_ARGUMENT,
                           "fill_rows got row_length " + std::to_string(row_length) +
                               " for shape " + shape_string(shape) +
                               "; use a multiple of the last dimension (" + std::to_string(line) +
                               ") that divides the element count (" + std::to_string(elements) +
                               ")");
    }
    return elements / row_length;
}

} // namespace detail

/// The SPARK_EXT_SPARSE_INITIALIZER functions of initializer type M (which defines density,
/// fill_rows and values_at), behind spark_module_type.type_extension. Errors as in trampolines:
/// every function is noexcept and guarded.
template <typename M>
struct sparse_initializer_trampolines {
    static const spark_sparse_initializer_t* table() noexcept {
        static constexpr spark_sparse_initializer_t functions{
            spark_version_t SPARK_ABI_VERSION_INIT, &density, &fill_rows, &values_at};
        return &functions;
    }

    static spark_status SPARK_ABI density(const spark_module_type_t* type,
                                          const spark_host_t* host,
                                          const spark_config_t* config,
                                          double* out) noexcept {
        return guarded(host, [&] {
            if (type == nullptr || config == nullptr || out == nullptr) {
                throw status_error(SPARK_ERR_INVALID_ARGUMENT,
                                   "density needs a type, a config and an out pointer");
            }
            *out = M::density(config_view(type->fields, type->field_count, *config));
        });
    }

    static spark_status SPARK_ABI fill_rows(const spark_module_type_t* type,
                                            const spark_host_t* host,
                                            const spark_config_t* config,
                                            const spark_port_spec_t* spec,
                                            std::uint64_t row_length,
                                            std::uint64_t row_begin,
                                            std::uint64_t row_end,
                                            const spark_row_sink_t* sink) noexcept {
        return guarded(host, [&] {
            if (type == nullptr || config == nullptr || spec == nullptr || sink == nullptr ||
                sink->row == nullptr) {
                throw status_error(SPARK_ERR_INVALID_ARGUMENT,
                                   "fill_rows needs a type, a config, a spec and a sink with a "
                                   "row function");
            }
            detail::check_fill_spec("fill_rows", *spec);
            const std::uint64_t rows = detail::row_count(spec->shape, row_length);
            if (row_begin > row_end || row_end > rows) {
                throw status_error(SPARK_ERR_INVALID_ARGUMENT,
                                   "fill_rows got rows [" + std::to_string(row_begin) + ", " +
                                       std::to_string(row_end) + ") but shape " +
                                       shape_string(spec->shape) + " has " + std::to_string(rows) +
                                       " rows of " + std::to_string(row_length) +
                                       "; use row_begin <= row_end <= " + std::to_string(rows));
            }
            const config_view cfg(type->fields, type->field_count, *config);
            row_sink rows_out(*sink);
            M::fill_rows(cfg, *spec, row_length, row_begin, row_end, rows_out);
        });
    }

    static spark_status SPARK_ABI values_at(const spark_module_type_t* type,
                                            const spark_host_t* host,
                                            const spark_config_t* config,
                                            const spark_port_spec_t* spec,
                                            const std::uint64_t* indices,
                                            std::uint64_t count,
                                            void* out) noexcept {
        return guarded(host, [&] {
            if (type == nullptr || config == nullptr || spec == nullptr ||
                (count > 0 && (indices == nullptr || out == nullptr))) {
                throw status_error(SPARK_ERR_INVALID_ARGUMENT,
                                   "values_at needs a type, a config, a spec, and indices and an "
                                   "out array for count > 0");
            }
            detail::check_fill_spec("values_at", *spec);
            const std::uint64_t elements = element_count(spec->shape);
            for (std::uint64_t i = 0; i < count; ++i) {
                if (indices[i] >= elements) {
                    throw status_error(SPARK_ERR_INVALID_ARGUMENT,
                                       "values_at got index " + std::to_string(indices[i]) +
                                           " (entry " + std::to_string(i) + ") but shape " +
                                           shape_string(spec->shape) + " has " +
                                           std::to_string(elements) + " elements");
                }
            }
            const config_view cfg(type->fields, type->field_count, *config);
            M::values_at(cfg,
                         *spec,
                         span<const std::uint64_t>(indices, static_cast<std::size_t>(count)),
                         out);
        });
    }
};

/// The C descriptor of module type M (owned storage: schema, strings, spark_module_type_t).
/// Built by the plugin's init; must outlive every instance (the plugin's deinit frees it).
template <typename M>
class type_descriptor {
public:
    explicit type_descriptor(const char* vendor) {
        static_assert(std::is_convertible_v<decltype(M::class_ref), const char*>,
                      "a module type needs `static constexpr const char* class_ref`");
        static_assert(std::is_convertible_v<decltype(M::kind), std::int32_t>,
                      "a module type needs `static constexpr std::int32_t kind` (SPARK_KIND_*)");
        static_assert(std::is_convertible_v<decltype(M::version), const char*>,
                      "a module type needs `static constexpr const char* version`");
        static_assert(std::is_convertible_v<decltype(M::description), const char*>,
                      "a module type needs `static constexpr const char* description`");
        constexpr bool initializer = M::kind == SPARK_KIND_INITIALIZER;
        static_assert(initializer || detail::has_step<M>::value,
                      "a module type needs `void step(const spark::sdk::step_context&)`");
        static_assert(
            !initializer || detail::has_initialize<M>::value,
            "an initializer type needs `static void initialize(const spark::sdk::config_view&, "
            "const spark_buffer_t&)` (optionally with a third parameter, const "
            "spark::sdk::parallel&)");
        const std::string owner = std::string("module type '") + (vendor != nullptr ? vendor : "") +
                                  "." + M::class_ref + "'";
        if (M::kind < SPARK_KIND_NEURON || M::kind > SPARK_KIND_INITIALIZER) {
            throw status_error(SPARK_ERR_PLUGIN,
                               owner + " has kind " + std::to_string(M::kind) +
                                   "; use a SPARK_KIND_* value");
        }
        M::declare(schema_);
        schema_.finalize(owner);
        desc_.type.abi_version = spark_version_t SPARK_ABI_VERSION_INIT;
        desc_.type.class_ref = M::class_ref;
        desc_.type.vendor = vendor;
        desc_.type.version = M::version;
        desc_.type.kind = M::kind;
        desc_.type.description = M::description;
        desc_.type.fields = schema_.fields();
        desc_.type.field_count = schema_.field_count();
        desc_.type.ports = schema_.ports();
        desc_.type.port_count = schema_.port_count();
        if constexpr (initializer) {
            desc_.type.initialize = &trampolines<M>::initialize;
        } else {
            desc_.type.create = &make_instance;
        }
        constexpr bool sparse_parts[] = {detail::has_density<M>::value,
                                         detail::has_fill_rows<M>::value,
                                         detail::has_values_at<M>::value};
        constexpr bool sparse = sparse_parts[0] && sparse_parts[1] && sparse_parts[2];
        static_assert(sparse == (sparse_parts[0] || sparse_parts[1] || sparse_parts[2]),
                      "a type that fills sparsely needs all three of `static double "
                      "density(const config_view&)`, `static void fill_rows(const config_view&, "
                      "const spark_port_spec_t&, std::uint64_t row_length, std::uint64_t "
                      "row_begin, std::uint64_t row_end, spark::sdk::row_sink&)` and `static void "
                      "values_at(const config_view&, const spark_port_spec_t&, "
                      "spark::sdk::span<const std::uint64_t>, void*)`");
        static_assert(!sparse || initializer, "only initializer types fill sparsely");
        if constexpr (sparse) {
            sparse_ = sparse_initializer_trampolines<M>::table();
        }
        check_property_functions(owner);
        properties_ = spark_type_properties_t{
            spark_version_t SPARK_ABI_VERSION_INIT, schema_.properties(), schema_.property_count()};
        const char* example = detail::example_config_of<M>();
        capabilities_ = spark_type_capabilities_t{
            spark_version_t SPARK_ABI_VERSION_INIT,
            detail::has_contract<M>::value,
            example != nullptr ? example : (schema_.has_required_field() ? nullptr : "{}"),
            schema_.nested_accepts(),
            schema_.nested_accepts_count()};
        if constexpr (detail::slices_field_of<M>() != nullptr) {
            static_assert(!initializer, "an initializer type has no instances to slice");
            slices_ = spark_type_slices_t{spark_version_t SPARK_ABI_VERSION_INIT,
                                          detail::slices_field_of<M>(),
                                          &make_slice,
                                          &trampolines<M>::property_rows};
        }
        desc_.owner = this;
        desc_.type.type_extension = &type_extension;
    }
    type_descriptor(const type_descriptor&) = delete;
    type_descriptor& operator=(const type_descriptor&) = delete;

    [[nodiscard]] const spark_module_type_t* abi() const noexcept { return &desc_.type; }

private:
    // The descriptor the host sees, first in a standard-layout struct, so that type_extension()
    // gets back from the spark_module_type_t it is handed to the type_descriptor that owns it.
    struct owned_type {
        spark_module_type_t type;
        const type_descriptor* owner;
    };
    static_assert(std::is_standard_layout_v<owned_type>);

    // The type-level extensions (ABI 1.1): sparse filling, declared properties, capabilities.
    static const void* SPARK_ABI type_extension(const spark_module_type_t* type,
                                                const char* id) noexcept {
        if (type == nullptr || id == nullptr) {
            return nullptr;
        }
        const auto* self = reinterpret_cast<const owned_type*>(type)->owner;
        if (self->sparse_ != nullptr && std::strcmp(id, SPARK_EXT_SPARSE_INITIALIZER) == 0) {
            return self->sparse_;
        }
        if (self->properties_.count > 0 && std::strcmp(id, SPARK_EXT_TYPE_PROPERTIES) == 0) {
            return &self->properties_;
        }
        if (M::kind != SPARK_KIND_INITIALIZER &&
            std::strcmp(id, SPARK_EXT_TYPE_CAPABILITIES) == 0) {
            return &self->capabilities_;
        }
        if (self->slices_.field != nullptr && std::strcmp(id, SPARK_EXT_TYPE_SLICES) == 0) {
            return &self->slices_;
        }
        return nullptr;
    }

    // A type with properties must be able to read them (and write the writable ones).
    void check_property_functions(const std::string& owner) const {
        bool writable = false;
        for (std::uint32_t i = 0; i < schema_.property_count(); ++i) {
            writable = writable || schema_.properties()[i].writable;
        }
        if (schema_.property_count() > 0 && !detail::has_read_property<M>::value) {
            throw status_error(SPARK_ERR_PLUGIN,
                               owner + " declares properties but no "
                                       "read_property(std::size_t, void*)");
        }
        if (writable && !detail::has_write_property<M>::value) {
            throw status_error(SPARK_ERR_PLUGIN,
                               owner + " declares a writable property but no "
                                       "write_property(std::size_t, const void*)");
        }
    }

    // create fills in the instance's function table, which depends on what M offers.
    static spark_status SPARK_ABI make_instance(const spark_module_type_t* type,
                                                const spark_host_t* host,
                                                const spark_config_t* config,
                                                const char* name,
                                                spark_module_t** out) noexcept {
        return make(type, host, config, name, out, std::nullopt);
    }

    static spark_status SPARK_ABI make_slice(const spark_module_type_t* type,
                                             const spark_host_t* host,
                                             const spark_config_t* config,
                                             const char* name,
                                             std::uint64_t begin,
                                             std::uint64_t end,
                                             spark_module_t** out) noexcept {
        return make(type, host, config, name, out, population_slice{begin, end});
    }

    static spark_status make(const spark_module_type_t* type,
                             const spark_host_t* host,
                             const spark_config_t* config,
                             const char* name,
                             spark_module_t** out,
                             std::optional<population_slice> slice) noexcept {
        const spark_status status = trampolines<M>::create(type, host, config, name, out, slice);
        if (status == SPARK_OK) {
            spark_module_t& m = **out;
            if constexpr (detail::has_contract<M>::value) {
                m.contract = &trampolines<M>::contract;
            }
            m.build = &trampolines<M>::build;
            m.reset = &trampolines<M>::reset;
            m.step = &trampolines<M>::step;
            m.state = &trampolines<M>::state;
            m.state_loaded = &trampolines<M>::state_loaded;
            m.destroy = &trampolines<M>::destroy;
            m.get_extension = &trampolines<M>::get_extension;
        }
        return status;
    }

    schema schema_;
    owned_type desc_{};
    const spark_sparse_initializer_t* sparse_ = nullptr;
    spark_type_properties_t properties_{};
    spark_type_capabilities_t capabilities_{};
    spark_type_slices_t slices_{}; // field == nullptr: the type cannot be sliced
};

/// The finalized schema of module type M, built on first use (thread-safe) and kept until the
/// library unloads. With it a module reads a nested config of a type the same plugin implements:
/// `config_view(schema_of<leaky_soma<float>>().fields(), ..., nested)`, or nested_view<M>().
template <typename M>
[[nodiscard]] const schema& schema_of() {
    static const std::unique_ptr<schema> built = [] {
        auto s = std::make_unique<schema>();
        M::declare(*s);
        s->finalize(std::string("module type '") + M::class_ref + "'");
        return s;
    }();
    return *built;
}

/// A view of `config` (typically a CONFIG field's nested config) read with the schema of M.
/// Throws SPARK_ERR_INVALID_ARGUMENT when config.class_ref does not name M (as "M" or
/// "vendor.M"), because the values would then follow another type's schema.
template <typename M>
[[nodiscard]] config_view nested_view(const spark_config_t& config) {
    const std::string_view ref = config.class_ref != nullptr ? config.class_ref : "";
    const std::string_view name = M::class_ref;
    const bool same =
        ref == name || (ref.size() > name.size() && ref.substr(ref.size() - name.size()) == name &&
                        ref[ref.size() - name.size() - 1] == '.');
    if (!same) {
        throw status_error(SPARK_ERR_INVALID_ARGUMENT,
                           "a nested config for '" + std::string(ref) + "' was read as '" +
                               std::string(name) + "'");
    }
    const schema& s = schema_of<M>();
    return config_view(s.fields(), s.field_count(), config);
}

} // namespace spark::sdk
