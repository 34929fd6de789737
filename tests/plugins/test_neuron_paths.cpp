// SPDX-License-Identifier: Apache-2.0
// Every built-in neuron type runs fused or from its parts (runtime/src/brain/neuron_parts.hpp,
// docs/adr/0013-neurons-as-compositions.md) with the same bits: spikes and potentials step by
// step, with their default parts (per-synapse delays, learning on) and random input. The brain
// picks the fused kernel whenever it knows every part, so this is what proves it exact. Both
// offer the same properties (soma.potential, synapses.kernel, delays.kernel, inhibition_mask,
// plugins/neurons/neuron/neuron_properties.hpp) with the same bits, and a kernel or delays
// written into both change the steps that follow in the same way.
#include <algorithm>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include <boost/test/unit_test.hpp>

#include <spark/registry/errors.hpp>

#include "brain/neuron_parts.hpp"
#include "models_fixture.hpp"

using spark::runtime::detail::create_module;
using spark::runtime::detail::names_foreign_part;
using spark::runtime::detail::neuron_path;
using spark::test::host_buffer;
using spark::test::models_fixture;
using spark::test::port;
using spark::test::running_module;

namespace {

constexpr std::uint32_t path_inputs = 24;

const char* const neuron_properties[] = {
    "soma.potential", "synapses.kernel", "delays.kernel", "inhibition_mask"};

/// Property `name` of `m`: its spec and its bytes (none when `m` cannot serve it).
struct property_value {
    spark_port_spec_t spec{};
    std::vector<unsigned char> bytes;
};
property_value property_of(running_module& m, const char* name) {
    const auto index = m.instance.property_index(name);
    property_value v;
    v.spec = m.instance.property_spec(index);
    if (v.spec.payload_kind == 0) {
        return v;
    }
    host_buffer value(v.spec);
    m.instance.read_property(index, value.abi);
    const auto* data = static_cast<const unsigned char*>(value.abi.data);
    v.bytes.assign(data, data + value.abi.count * spark_dtype_size(v.spec.dtype));
    return v;
}

/// Every property of both runs: the same spec and the same bits.
void same_properties(running_module& fused, running_module& parted, const char* when) {
    for (const char* name : neuron_properties) {
        BOOST_TEST_CONTEXT(when << ", " << name) {
            const auto a = property_of(fused, name);
            const auto b = property_of(parted, name);
            BOOST_TEST(a.spec.payload_kind == b.spec.payload_kind);
            BOOST_TEST(a.spec.dtype == b.spec.dtype);
            BOOST_TEST(std::vector<std::uint32_t>(a.spec.shape.dims,
                                                  a.spec.shape.dims + a.spec.shape.rank) ==
                           std::vector<std::uint32_t>(b.spec.shape.dims,
                                                      b.spec.shape.dims + b.spec.shape.rank),
                       boost::test_tools::per_element());
            BOOST_TEST(a.bytes == b.bytes, boost::test_tools::per_element());
        }
    }
}

/// Writes `values` (laid out as the property reads) into property `name` of `m`, and reads it
/// back unchanged.
template <typename T>
void write_property(running_module& m, const char* name, const std::vector<T>& values) {
    const auto index = m.instance.property_index(name);
    host_buffer value(m.instance.property_spec(index));
    BOOST_TEST_REQUIRE(value.abi.count == values.size());
    std::memcpy(value.abi.data, values.data(), values.size() * sizeof(T));
    m.instance.write_property(index, value.abi);
    const auto back = property_of(m, name);
    BOOST_TEST(std::memcmp(back.bytes.data(), values.data(), back.bytes.size()) == 0,
               name << " reads back what was written");
}

/// `count` weights in [0, scale), none of them the kernel's old values.
std::vector<float> new_kernel(std::size_t count, double scale) {
    std::vector<float> w(count);
    for (std::size_t k = 0; k < count; ++k) {
        w[k] = static_cast<float>(static_cast<double>((k * 37 + 11) % 101) * scale / 101.0);
    }
    return w;
}

/// Random presynaptic spikes (1 in 5 firing, a third of those inhibitory) into both runs, one
/// step of each, the same spikes and potentials out.
struct paired_runs {
    running_module& fused;
    running_module& parted;
    std::uint64_t seed = 5;
    std::size_t spikes = 0;

    void step(std::uint64_t k) {
        for (std::uint32_t i = 0; i < path_inputs; ++i) {
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
        BOOST_TEST_CONTEXT("step " << k) {
            BOOST_TEST(std::vector<int>(a.begin(), a.end()) == std::vector<int>(b.begin(), b.end()),
                       boost::test_tools::per_element());
            BOOST_TEST(fused.state_values<float>("potential") ==
                           parted.state_values<float>("soma.potential"),
                       boost::test_tools::per_element());
        }
    }
};

void fused_equals_parts(models_fixture& f,
                        const std::string& type,
                        const std::string& config,
                        double scale) {
    const std::vector<spark_port_spec_t> in = {
        port(SPARK_PAYLOAD_SPIKES, SPARK_DTYPE_U8, {path_inputs})};
    const auto make = [&](neuron_path path, const char* name) {
        return running_module(f.config(type, config), in, 1, [&](auto& cfg) {
            return create_module(f.registry, cfg, name, {}, path);
        });
    };
    running_module fused = make(neuron_path::automatic, "fused");
    running_module parted = make(neuron_path::parts, "parted");
    BOOST_TEST_REQUIRE(!names_foreign_part(fused.cfg));
    BOOST_TEST_REQUIRE(fused.state("potential").name != nullptr); // the fused kernel's state
    paired_runs runs{fused, parted};
    BOOST_TEST_CONTEXT(type) {
        same_properties(fused, parted, "after reset");
        for (std::uint64_t k = 0; k < 150; ++k) {
            runs.step(k);
        }
        same_properties(fused, parted, "after 150 steps");
        // A new kernel, learned from on both paths from the next step on.
        const auto w = new_kernel(std::size_t{16} * path_inputs, scale);
        write_property(fused, "synapses.kernel", w);
        write_property(parted, "synapses.kernel", w);
        for (std::uint64_t k = 150; k < 300; ++k) {
            runs.step(k);
        }
        same_properties(fused, parted, "150 steps after the kernel was written");
    }
    BOOST_TEST(runs.spikes > 100U, type << " fired " << runs.spikes << " times; drive it harder");
}

/// A lif_neuron of `config` both ways: the properties, then a kernel and (when the neuron has
/// delays) a delay table written into both runs mid-way, after which they still step alike.
/// Delays are written only without learning: a fused rule keeps one trace per presynaptic
/// neuron and reads it at each synapse's delay, a rule part one per synapse, so after a delay
/// change the two remember the old delays differently. Returns the fused run's state array
/// names, to say which of its layouts ran.
std::vector<std::string> written_paths(models_fixture& f, const std::string& config, double scale) {
    const std::vector<spark_port_spec_t> in = {
        port(SPARK_PAYLOAD_SPIKES, SPARK_DTYPE_U8, {path_inputs})};
    const auto make = [&](neuron_path path, const char* name) {
        return running_module(f.config("lif_neuron", config), in, 1, [&](auto& cfg) {
            return create_module(f.registry, cfg, name, {}, path);
        });
    };
    running_module fused = make(neuron_path::automatic, "fused");
    running_module parted = make(neuron_path::parts, "parted");
    paired_runs runs{fused, parted};
    same_properties(fused, parted, "after reset");
    for (std::uint64_t k = 0; k < 100; ++k) {
        runs.step(k);
    }
    same_properties(fused, parted, "after 100 steps");
    const auto w = new_kernel(std::size_t{16} * path_inputs, scale);
    write_property(fused, "synapses.kernel", w);
    write_property(parted, "synapses.kernel", w);
    const auto delays = property_of(fused, "delays.kernel");
    const bool learns = config.find(R"("learning_rule": null)") == std::string::npos;
    if (delays.spec.payload_kind != 0 && !learns) {
        // Whole steps in [0, 8] (max_delay 8 ms, dt 1 ms), unlike the drawn ones.
        std::vector<std::int32_t> d(delays.bytes.size() / sizeof(std::int32_t));
        for (std::size_t k = 0; k < d.size(); ++k) {
            d[k] = static_cast<std::int32_t>((k * 5 + 3) % 9);
        }
        write_property(fused, "delays.kernel", d);
        write_property(parted, "delays.kernel", d);
    }
    for (std::uint64_t k = 100; k < 200; ++k) {
        runs.step(k);
    }
    same_properties(fused, parted, "100 steps after the writes");
    BOOST_TEST(runs.spikes > 100U, "fired " << runs.spikes << " times; drive it harder");
    std::vector<std::string> names;
    for (const auto& a : fused.instance.state()) {
        names.emplace_back(a.name);
    }
    return names;
}

bool has(const std::vector<std::string>& names, const std::string& name) {
    return std::find(names.begin(), names.end(), name) != names.end();
}

} // namespace

BOOST_FIXTURE_TEST_SUITE(neuron_paths, models_fixture)

BOOST_AUTO_TEST_CASE(a_static_sparse_kernel_with_delays_reads_and_writes_as_its_parts) {
    // Static and sparse (density 0.4): the fused kernel keeps compressed rows and delivers at
    // emission; reads expand them, a write compresses the new kernel.
    const auto names = written_paths(
        *this,
        R"({"units": [16], "seed": 7, "learning_rule": null, "synapses": {"kernel": )"
        R"({"__class_ref__": "sparse_uniform_initializer", "scale": 900, "density": 0.4}}})",
        300);
    BOOST_TEST(has(names, "kernel_row_start"));
}

BOOST_AUTO_TEST_CASE(a_static_dense_kernel_with_delays_reads_and_writes_as_its_parts) {
    // Static and dense: the fused kernel delivers by groups that leave zero weights out.
    const auto names =
        written_paths(*this,
                      R"({"units": [16], "seed": 8, "learning_rule": null, "synapses": {"kernel": )"
                      R"({"__class_ref__": "uniform_initializer", "scale": 300}}})",
                      300);
    BOOST_TEST(has(names, "kernel_pre_major"));
}

BOOST_AUTO_TEST_CASE(a_neuron_without_delays_has_no_delays_kernel_on_either_path) {
    const std::string config =
        R"({"units": [16], "seed": 9, "delays": null, "synapses": {"kernel": )"
        R"({"__class_ref__": "uniform_initializer", "scale": 300}}})";
    written_paths(*this, config, 300);
    const std::vector<spark_port_spec_t> in = {
        port(SPARK_PAYLOAD_SPIKES, SPARK_DTYPE_U8, {path_inputs})};
    for (const auto path : {neuron_path::automatic, neuron_path::parts}) {
        running_module m(this->config("lif_neuron", config), in, 1, [&](auto& cfg) {
            return create_module(registry, cfg, "A", {}, path);
        });
        const auto index = m.instance.property_index("delays.kernel");
        BOOST_TEST(m.instance.property_spec(index).payload_kind == 0);
        try {
            m.instance.read_property(index, spark_buffer_t{});
            BOOST_FAIL("delays.kernel of a neuron without delays was read");
        } catch (const spark::registry::plugin_error& e) {
            BOOST_TEST(e.status() == SPARK_ERR_UNSUPPORTED);
            BOOST_TEST(std::string(e.what()).find(
                           "property 'delays.kernel' is unavailable in this instance: this neuron "
                           "has no part 'delays'") != std::string::npos,
                       e.what());
        }
    }
}

BOOST_AUTO_TEST_CASE(lif_runs_the_same_fused_and_from_its_parts) {
    fused_equals_parts(*this,
                       "lif_neuron",
                       R"({"units": [16], "seed": 3, "synapses": {"kernel": {"__class_ref__": )"
                       R"("uniform_initializer", "scale": 300}}})",
                       300);
}

BOOST_AUTO_TEST_CASE(alif_with_zenke_learning_runs_the_same_fused_and_from_its_parts) {
    fused_equals_parts(*this,
                       "alif_neuron",
                       R"({"units": [16], "seed": 4, "synapses": {"kernel": {"__class_ref__": )"
                       R"("uniform_initializer", "scale": 300}}})",
                       300);
}

BOOST_AUTO_TEST_CASE(adex_runs_the_same_fused_and_from_its_parts) {
    fused_equals_parts(*this,
                       "ad_ex_neuron",
                       R"({"units": [16], "seed": 5, "synapses": {"kernel": {"__class_ref__": )"
                       R"("uniform_initializer", "scale": 3000}}})",
                       3000);
}

BOOST_AUTO_TEST_CASE(izhikevich_runs_the_same_fused_and_from_its_parts) {
    fused_equals_parts(*this,
                       "izhikevich_neuron",
                       R"({"units": [16], "seed": 6, "synapses": {"kernel": {"__class_ref__": )"
                       R"("uniform_initializer", "scale": 3000}}})",
                       3000);
}

BOOST_AUTO_TEST_SUITE_END()
