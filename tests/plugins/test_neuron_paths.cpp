// SPDX-License-Identifier: Apache-2.0
// Every built-in neuron type runs fused or from its parts (runtime/src/brain/neuron_parts.hpp,
// docs/adr/0013-neurons-as-compositions.md) with the same bits: spikes and potentials step by
// step, with their default parts (per-synapse delays, learning on) and random input. The brain
// picks the fused kernel whenever it knows every part, so this is what proves it exact.
#include <cstdint>
#include <string>
#include <vector>

#include <boost/test/unit_test.hpp>

#include "brain/neuron_parts.hpp"
#include "models_fixture.hpp"

using spark::runtime::detail::create_module;
using spark::runtime::detail::names_foreign_part;
using spark::runtime::detail::neuron_path;
using spark::test::models_fixture;
using spark::test::port;
using spark::test::running_module;

namespace {

constexpr std::uint32_t n_pre = 24;

void fused_equals_parts(models_fixture& f, const std::string& type, const std::string& config) {
    const std::vector<spark_port_spec_t> in = {port(SPARK_PAYLOAD_SPIKES, SPARK_DTYPE_U8, {n_pre})};
    const auto make = [&](neuron_path path, const char* name) {
        return running_module(f.config(type, config), in, 1, [&](auto& cfg) {
            return create_module(f.registry, cfg, name, {}, path);
        });
    };
    running_module fused = make(neuron_path::automatic, "fused");
    running_module parted = make(neuron_path::parts, "parted");
    BOOST_TEST_REQUIRE(!names_foreign_part(fused.cfg));
    BOOST_TEST_REQUIRE(fused.state("potential").name != nullptr); // the fused kernel's state
    std::uint64_t seed = 5;
    std::size_t spikes = 0;
    for (std::uint64_t k = 0; k < 300; ++k) {
        for (std::uint32_t i = 0; i < n_pre; ++i) {
            seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
            const auto r = (seed >> 33) % 10;
            const std::uint8_t s = r < 2 ? 1 : r < 3 ? 3 : 0;
            fused.in<std::uint8_t>(0)[i] = s;
            parted.in<std::uint8_t>(0)[i] = s;
        }
        fused.step(k);
        parted.step(k);
        const auto a = fused.out<std::uint8_t>(0);
        const auto b = parted.out<std::uint8_t>(0);
        for (const auto x : a) {
            spikes += x & 1U;
        }
        BOOST_TEST_CONTEXT(type << " step " << k) {
            BOOST_TEST(std::vector<int>(a.begin(), a.end()) == std::vector<int>(b.begin(), b.end()),
                       boost::test_tools::per_element());
            BOOST_TEST(fused.state_values<float>("potential") ==
                           parted.state_values<float>("soma.potential"),
                       boost::test_tools::per_element());
        }
    }
    BOOST_TEST(spikes > 100U, type << " fired " << spikes << " times; drive it harder");
}

} // namespace

BOOST_FIXTURE_TEST_SUITE(neuron_paths, models_fixture)

BOOST_AUTO_TEST_CASE(lif_runs_the_same_fused_and_from_its_parts) {
    fused_equals_parts(*this,
                       "lif_neuron",
                       R"({"units": [16], "seed": 3, "synapses": {"kernel": {"__class_ref__": )"
                       R"("uniform_initializer", "scale": 300}}})");
}

BOOST_AUTO_TEST_CASE(alif_with_zenke_learning_runs_the_same_fused_and_from_its_parts) {
    fused_equals_parts(*this,
                       "alif_neuron",
                       R"({"units": [16], "seed": 4, "synapses": {"kernel": {"__class_ref__": )"
                       R"("uniform_initializer", "scale": 300}}})");
}

BOOST_AUTO_TEST_CASE(adex_runs_the_same_fused_and_from_its_parts) {
    fused_equals_parts(*this,
                       "ad_ex_neuron",
                       R"({"units": [16], "seed": 5, "synapses": {"kernel": {"__class_ref__": )"
                       R"("uniform_initializer", "scale": 3000}}})");
}

BOOST_AUTO_TEST_CASE(izhikevich_runs_the_same_fused_and_from_its_parts) {
    fused_equals_parts(*this,
                       "izhikevich_neuron",
                       R"({"units": [16], "seed": 6, "synapses": {"kernel": {"__class_ref__": )"
                       R"("uniform_initializer", "scale": 3000}}})");
}

BOOST_AUTO_TEST_SUITE_END()
