// SPDX-License-Identifier: Apache-2.0
// The fixture of the spark.neurons tests beyond leaky_soma: a registry holding the built
// spark.neurons plugin, spark.initializers (the types a nested kernel or delay config names) and
// the test-only test.fixed_values initializer (exact kernels, as upstream's plain arrays), configs
// from the runtime's config layer (JSON overrides, nested configs included), and a module with any
// number of ports stepping on host-owned buffers.
#pragma once
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <boost/test/unit_test.hpp>

#include <spark/abi/spark_abi.h>
#include <spark/registry/plugin_registry.hpp>
#include <spark/runtime/module_config.hpp>
#include <spark/sdk/buffers.hpp>

#include "config_helpers.hpp"

namespace spark::test {

/// A registry that sees only the three plugins these tests load.
struct models_fixture {
    spark::registry::plugin_registry registry{spark::registry::search_options{{}, false, false}};
    models_fixture() {
        BOOST_TEST_REQUIRE(registry.load(SPARK_TEST_NEURONS_PLUGIN).id == "spark.neurons");
        BOOST_TEST_REQUIRE(registry.load(SPARK_TEST_INITIALIZERS_PLUGIN).id ==
                           "spark.initializers");
        BOOST_TEST_REQUIRE(registry.load(SPARK_TEST_FIXED_VALUES_PLUGIN).id == "test.fixed_values");
    }

    /// The config of `type` from the JSON object `overrides` (defaults for everything else).
    [[nodiscard]] runtime::module_config config(std::string_view type,
                                                std::string_view overrides = "{}") const {
        return make_config(registry, type, overrides);
    }
};

/// A descriptor string, or "<null>", for comparisons in messages.
[[nodiscard]] inline std::string str(const char* s) {
    return s != nullptr ? s : "<null>";
}

/// The ports of a standalone learning rule (learning/rule_component.hpp): pre_spikes,
/// post_spikes and current_kernel in, kernel (shaped like current_kernel) out.
inline void check_rule_ports(const spark_module_type_t& t) {
    BOOST_TEST_REQUIRE(t.port_count == 4U);
    const char* ports[] = {"pre_spikes", "post_spikes", "current_kernel", "kernel"};
    for (std::uint32_t i = 0; i < 4; ++i) {
        BOOST_TEST(str(t.ports[i].name) == ports[i]);
        BOOST_TEST(t.ports[i].direction == (i < 3 ? SPARK_PORT_INPUT : SPARK_PORT_OUTPUT));
    }
    BOOST_TEST(str(t.ports[3].shape_ref) == "current_kernel");
}

/// A port spec from a payload, a dtype and dims.
[[nodiscard]] inline spark_port_spec_t
port(std::int32_t payload, std::int32_t dtype, std::initializer_list<std::uint32_t> dims) {
    spark_port_spec_t s{};
    s.payload_kind = payload;
    s.dtype = dtype;
    for (const auto d : dims) {
        s.shape.dims[s.shape.rank++] = d;
    }
    return s;
}

// Element counts and sizes: the SDK's and the ABI's own helpers.
using sdk::element_count;

[[nodiscard]] inline std::size_t element_size(std::int32_t dtype) {
    return spark_dtype_size(dtype);
}

/// One host-owned buffer (8-byte aligned storage) with its spec.
struct host_buffer {
    std::vector<double> storage;
    spark_buffer_t abi{};

    explicit host_buffer(const spark_port_spec_t& spec) {
        const std::size_t count = element_count(spec.shape);
        storage.assign((count * element_size(spec.dtype) + 7) / 8, 0.0);
        abi.data = storage.data();
        abi.count = count;
        abi.spec = spec;
    }
    template <typename T>
    [[nodiscard]] std::span<T> as() {
        return {static_cast<T*>(abi.data), abi.count};
    }
};

/// How many input ports a type declares.
[[nodiscard]] inline std::size_t input_count(const spark::registry::module_type_info& type) {
    std::size_t n = 0;
    for (std::uint32_t p = 0; p < type.abi->port_count; ++p) {
        n += type.abi->ports[p].direction == SPARK_PORT_INPUT ? 1U : 0U;
    }
    return n;
}

/// A created, built and reset instance whose every port has a host-owned buffer. Output buffers
/// are filled with 0xAB before reset, so a test sees what reset and step write.
struct running_module {
    runtime::module_config cfg;
    spark::registry::module_instance instance;
    std::vector<spark_port_spec_t> out_specs;
    std::vector<host_buffer> inputs;
    std::vector<host_buffer> outputs;
    std::vector<spark_buffer_t> in_abi;
    std::vector<spark_buffer_t> out_abi;

    /// `services`: further host services the instance's host offers (e.g. a parallel service).
    running_module(models_fixture& f,
                   std::string_view type,
                   std::string_view overrides,
                   const std::vector<spark_port_spec_t>& in_specs,
                   std::size_t output_count,
                   std::vector<spark::registry::host_service> services = {})
        : running_module(f.config(type, overrides), in_specs, output_count, [&](auto& c) {
              return f.registry.create(c.type(), c.abi(), "probe", std::move(services));
          }) {}

    /// An instance `make(cfg)` creates from `config` (e.g. a composition run as cfg's type).
    template <typename Make>
    running_module(runtime::module_config config,
                   const std::vector<spark_port_spec_t>& in_specs,
                   std::size_t output_count,
                   Make&& make)
        : cfg(std::move(config)), instance(make(cfg)), out_specs(output_count) {
        // Optional inputs the test does not give stay unwired (payload kind 0, no elements).
        std::vector<spark_port_spec_t> specs = in_specs;
        specs.resize(std::max(specs.size(), input_count(cfg.type())), spark_port_spec_t{});
        instance.build(std::span(specs), std::span(out_specs));
        for (const auto& s : specs) {
            inputs.emplace_back(s);
        }
        for (const auto& s : out_specs) {
            outputs.emplace_back(s);
            if (outputs.back().abi.count > 0) {
                std::memset(outputs.back().abi.data,
                            0xAB,
                            outputs.back().abi.count * element_size(s.dtype));
            }
        }
        for (auto& b : inputs) {
            in_abi.push_back(b.abi);
        }
        for (auto& b : outputs) {
            out_abi.push_back(b.abi);
        }
        reset();
    }

    template <typename T>
    [[nodiscard]] std::span<T> in(std::size_t port) {
        return inputs.at(port).as<T>();
    }
    template <typename T>
    [[nodiscard]] std::span<T> out(std::size_t port) {
        return outputs.at(port).as<T>();
    }
    void reset() { instance.reset(std::span<const spark_buffer_t>(out_abi)); }
    void step(std::uint64_t k) {
        const spark_step_context_t ctx{k,
                                       cfg.dt(),
                                       in_abi.data(),
                                       static_cast<std::uint32_t>(in_abi.size()),
                                       out_abi.data(),
                                       static_cast<std::uint32_t>(out_abi.size())};
        instance.step(ctx);
    }

    /// The state array `name` (a borrowed view, valid until the next call on the instance).
    [[nodiscard]] spark_state_array_t state(std::string_view name) {
        for (const auto& a : instance.state()) {
            if (a.name != nullptr && name == a.name) {
                return a;
            }
        }
        BOOST_FAIL("no state array '" << name << "'");
        return {};
    }
    template <typename T>
    [[nodiscard]] std::vector<T> state_values(std::string_view name) {
        const auto a = state(name);
        const auto* data = static_cast<const T*>(a.data);
        return std::vector<T>(data, data + element_count(a.shape));
    }
    /// A neuron's dense kernel W[o][i], post-major (upstream's orientation), from the pre-major
    /// state array `kernel_pre_major` (n_pre, n_post) that the neurons plugin steps with and
    /// exports (plugins/neurons/neuron/population.hpp).
    template <typename T>
    [[nodiscard]] std::vector<T> kernel_values() {
        const auto a = state("kernel_pre_major");
        BOOST_TEST_REQUIRE(a.shape.rank == 2U);
        BOOST_TEST_REQUIRE(a.dtype == (sizeof(T) == 8 ? SPARK_DTYPE_F64 : SPARK_DTYPE_F32));
        const auto n_pre = static_cast<std::size_t>(a.shape.dims[0]);
        const auto n_post = static_cast<std::size_t>(a.shape.dims[1]);
        const auto* pre_major = static_cast<const T*>(a.data);
        std::vector<T> post_major(n_pre * n_post);
        for (std::size_t i = 0; i < n_pre; ++i) {
            for (std::size_t o = 0; o < n_post; ++o) {
                post_major[o * n_pre + i] = pre_major[i * n_post + o];
            }
        }
        return post_major;
    }

    /// Every state array's bytes, in the order state() lists them.
    [[nodiscard]] std::vector<std::vector<unsigned char>> checkpoint() {
        std::vector<std::vector<unsigned char>> saved;
        for (const auto& a : instance.state()) {
            const auto* bytes = static_cast<const unsigned char*>(a.data);
            saved.emplace_back(bytes, bytes + element_count(a.shape) * element_size(a.dtype));
        }
        return saved;
    }
    /// Writes a checkpoint back (state(), copy, state_loaded()), as a host restores one.
    void restore(const std::vector<std::vector<unsigned char>>& saved) {
        const auto arrays = instance.state();
        BOOST_TEST_REQUIRE(arrays.size() == saved.size());
        for (std::size_t k = 0; k < arrays.size(); ++k) {
            BOOST_TEST_REQUIRE(element_count(arrays[k].shape) * element_size(arrays[k].dtype) ==
                               saved[k].size());
            std::memcpy(arrays[k].data, saved[k].data(), saved[k].size());
        }
        instance.state_loaded();
    }
};

/// Property `name` of `m`, read into a new buffer of its spec.
inline host_buffer read_property(running_module& m, const char* name) {
    const auto index = m.instance.property_index(name);
    host_buffer value(m.instance.property_spec(index));
    m.instance.read_property(index, value.abi);
    return value;
}

/// A spike pairing of the golden scenarios S4a-S4c (docs/models.md section 13): one presynaptic
/// spike at pre_at and one postsynaptic spike at post_at, over 10 steps.
struct pairing_protocol {
    const char* name;
    int pre_at;
    int post_at;
};
inline constexpr pairing_protocol s4_protocols[] = {
    {"pre@0, post@5", 0, 5}, {"post@0, pre@5", 5, 0}, {"pre@0+post@0", 0, 0}};

/// A standalone learning rule `type` on `n_post` x `n_pre` synapses (pre_spikes per presynaptic
/// neuron, or per synapse when `async`) whose kernel output is fed back as the next step's
/// current_kernel, as a neuron (and a Brain loop) does; every weight starts at `k0`.
template <typename T>
struct learning_loop : running_module {
    learning_loop(models_fixture& f,
                  std::string_view type,
                  const std::string& overrides,
                  std::uint32_t n_post,
                  std::uint32_t n_pre,
                  bool async,
                  T k0)
        : running_module(f,
                         type,
                         overrides,
                         {async ? port(SPARK_PAYLOAD_SPIKES, SPARK_DTYPE_U8, {n_post, n_pre})
                                : port(SPARK_PAYLOAD_SPIKES, SPARK_DTYPE_U8, {n_pre}),
                          port(SPARK_PAYLOAD_SPIKES, SPARK_DTYPE_U8, {n_post}),
                          port(SPARK_PAYLOAD_FLOAT,
                               sizeof(T) == 8 ? SPARK_DTYPE_F64 : SPARK_DTYPE_F32,
                               {n_post, n_pre})},
                         1) {
        for (auto& w : in<T>(2)) {
            w = k0;
        }
    }
    /// One step, then the learned kernel becomes the next step's input.
    void learn(std::uint64_t k) {
        step(k);
        const auto w = out<T>(0);
        std::copy(w.begin(), w.end(), in<T>(2).begin());
    }
    /// Step k of pairing `p` on one synapse (1 pre, 1 post), learned.
    void learn(const pairing_protocol& p, int k) {
        in<std::uint8_t>(0)[0] = k == p.pre_at ? 1 : 0;
        in<std::uint8_t>(1)[0] = k == p.post_at ? 1 : 0;
        learn(static_cast<std::uint64_t>(k));
    }
};

} // namespace spark::test
