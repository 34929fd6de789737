// SPDX-License-Identifier: Apache-2.0
// The models fixture of tests/plugins (the built-in neurons and initializers in a registry,
// configs from the runtime's config layer, a module stepping on host buffers) plus the plugins
// built against the install: acme (C++), cdemo (C) and the frozen-ABI plugins of 1.0 and 1.1,
// which load side by side into one registry.
#pragma once
#include <string>

#include <boost/test/unit_test.hpp>

#include "models_fixture.hpp"
#include "vendor_fixture.hpp"

namespace spark::test {

struct vendor_models : models_fixture {
    vendor_models() {
        BOOST_TEST_REQUIRE(registry.load(acme_dir / "spark-acme.so").id == "acme.models");
        BOOST_TEST_REQUIRE(registry.load(cdemo_dir / "spark-cdemo.so").id == "cdemo.models");
        BOOST_TEST_REQUIRE(registry.load(frozen_dir / "spark-frozen_abi.so").id ==
                           "frozen.abi_v1_0");
        BOOST_TEST_REQUIRE(registry.load(frozen_v1_1_dir / "spark-frozen_abi_v1_1.so").id ==
                           "frozen.abi_v1_1");
    }
};

/// One presynaptic neuron firing every step (`byte`: 1 excitatory, 3 inhibitory) into a 1-unit
/// population of `type` (float64, no inhibitory units, `kernel`, defaults otherwise); returns
/// the soma's spike steps among `steps` and the potential after each step.
struct single_neuron_run {
    std::vector<std::uint64_t> spikes;
    std::vector<double> potential;
};

inline single_neuron_run run_single_neuron(models_fixture& f,
                                           const std::string& type,
                                           double kernel,
                                           std::uint8_t byte,
                                           std::uint64_t steps,
                                           const std::string& extra = "") {
    running_module m(f,
                     type,
                     R"({"units": [1], "inhibitory_rate": 0, "dtype": "float64", "kernel": )" +
                         std::to_string(kernel) + extra + "}",
                     {port(SPARK_PAYLOAD_SPIKES, SPARK_DTYPE_U8, {1})},
                     1);
    single_neuron_run run;
    for (std::uint64_t k = 0; k < steps; ++k) {
        m.in<std::uint8_t>(0)[0] = byte;
        m.step(k);
        if ((m.out<std::uint8_t>(0)[0] & 1U) != 0) {
            run.spikes.push_back(k);
        }
        run.potential.push_back(m.state_values<double>("potential")[0]);
    }
    return run;
}

} // namespace spark::test
