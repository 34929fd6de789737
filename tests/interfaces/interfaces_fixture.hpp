// SPDX-License-Identifier: Apache-2.0
// The interfaces area's fixture: a registry holding the built spark.interfaces and
// spark.initializers plugins, configs from the runtime's config layer, and a one-input,
// one-output module with host-owned buffers.
#pragma once
#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <boost/test/unit_test.hpp>

#include <spark/abi/spark_abi.h>
#include <spark/registry/plugin_registry.hpp>
#include <spark/runtime/errors.hpp>
#include <spark/runtime/module_config.hpp>

#include "config_helpers.hpp"
#include "fixtures.hpp"

namespace spark::test {

struct interfaces_fixture : registry_fixture {
    interfaces_fixture() {
        BOOST_TEST_REQUIRE(registry.load(SPARK_TEST_INTERFACES_PLUGIN).id == "spark.interfaces");
        BOOST_TEST_REQUIRE(registry.load(SPARK_TEST_INITIALIZERS_PLUGIN).id ==
                           "spark.initializers");
    }

    [[nodiscard]] runtime::module_config config(std::string_view type,
                                                std::string_view overrides = "{}") const {
        return make_config(registry, type, overrides);
    }
    [[nodiscard]] std::vector<std::string> issues(std::string_view type,
                                                  std::string_view overrides) const {
        return config_issues(registry, type, overrides);
    }
};

[[nodiscard]] inline spark_shape_t shape_of(std::initializer_list<std::uint32_t> dims) {
    spark_shape_t shape{};
    for (const auto d : dims) {
        shape.dims[shape.rank++] = d;
    }
    return shape;
}

[[nodiscard]] inline spark_port_spec_t
port_spec(std::int32_t payload, std::int32_t dtype, std::initializer_list<std::uint32_t> dims) {
    spark_port_spec_t spec{};
    spec.payload_kind = payload;
    spec.dtype = dtype;
    spec.shape = shape_of(dims);
    return spec;
}

/// A built, reset instance with one input and one output port, input elements In and output
/// elements Out, stepping on host-owned buffers.
template <typename In, typename Out>
struct one_to_one {
    spark::runtime::module_config cfg;
    spark::registry::module_instance instance;
    spark_port_spec_t out_spec{};
    std::vector<In> in;
    std::vector<Out> out;
    spark_buffer_t in_buffer{};
    spark_buffer_t out_buffer{};

    one_to_one(interfaces_fixture& f,
               std::string_view type,
               std::string_view overrides,
               const spark_port_spec_t& in_spec)
        : cfg(f.config(type, overrides)),
          instance(f.registry.create(cfg.type(), cfg.abi(), "probe")) {
        instance.build(std::span(&in_spec, 1), std::span(&out_spec, 1));
        in.assign(count(in_spec), In{});
        out.assign(count(out_spec), Out{99});
        in_buffer = {in.data(), in.size(), in_spec};
        out_buffer = {out.data(), out.size(), out_spec};
        reset();
    }

    void reset() { instance.reset(std::span(&out_buffer, 1)); }

    void step(std::uint64_t k) {
        const spark_step_context_t ctx{k, cfg.dt(), &in_buffer, 1, &out_buffer, 1};
        instance.step(ctx);
    }

private:
    static std::size_t count(const spark_port_spec_t& spec) {
        std::size_t n = 1;
        for (std::uint32_t i = 0; i < spec.shape.rank; ++i) {
            n *= spec.shape.dims[i];
        }
        return n;
    }
};

[[nodiscard]] inline std::string str(const char* s) {
    return s != nullptr ? s : "<null>";
}

} // namespace spark::test
