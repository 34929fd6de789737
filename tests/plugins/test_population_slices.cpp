// SPDX-License-Identifier: Apache-2.0
// A fused neuron run as slices of its population (spark/abi/slices.h,
// plugins/neurons/neuron/population.hpp): each slice computes, bit for bit, what the whole
// population computes for its neurons, whatever the cut points. The whole and its slices read the
// same inputs (spikes with inhibition bits, a per-neuron modulation) and are compared at every
// step (the slices' outputs in order are the whole's), and then property by property (rows of the
// whole's, or the whole's itself).
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <utility>
#include <vector>

#include <boost/test/unit_test.hpp>

#include <spark/registry/errors.hpp>

#include "models_fixture.hpp"

using spark::test::host_buffer;
using spark::test::models_fixture;
using spark::test::port;
using spark::test::running_module;

namespace {

/// One population run whole and as slices.
struct slicing_case {
    const char* name;
    const char* type;
    std::string overrides; // the neuron's config, units included
    std::vector<std::uint32_t> in_dims;
    std::vector<std::uint64_t> cuts; // 0, ..., N: slice s holds [cuts[s], cuts[s + 1])
    bool modulated = false;          // a per-neuron float modulation input
    bool float64 = false;
    bool rewrite = false; // halfway, write the kernel and the delays (rows into each slice)
};

/// A deterministic pseudo-random stream for the inputs (xorshift64).
struct input_stream {
    std::uint64_t x;
    std::uint64_t next() {
        x ^= x << 13U;
        x ^= x >> 7U;
        x ^= x << 17U;
        return x;
    }
};

const char* const slice_properties[] = {
    "soma.potential", "synapses.kernel", "delays.kernel", "inhibition_mask"};

/// The bytes of property `name` of `m`; empty when `m` cannot serve it (no delays).
std::vector<unsigned char> slice_property_bytes(running_module& m, const char* name) {
    const auto index = m.instance.property_index(name);
    const auto spec = m.instance.property_spec(index);
    if (spec.payload_kind == 0) {
        return {};
    }
    host_buffer value(spec);
    m.instance.read_property(index, value.abi);
    const auto* bytes = static_cast<const unsigned char*>(value.abi.data);
    return {bytes, bytes + value.abi.count * spark_dtype_size(spec.dtype)};
}

std::vector<unsigned char> output_bytes(running_module& m) {
    const auto& out = m.outputs.at(0).abi;
    const auto* bytes = static_cast<const unsigned char*>(out.data);
    return {bytes, bytes + out.count * spark_dtype_size(out.spec.dtype)};
}

/// The bytes a buffer of `spec` holds.
std::size_t sdk_bytes(const spark_port_spec_t& spec) {
    return spark::sdk::element_count(spec.shape) * spark_dtype_size(spec.dtype);
}

/// Every value of the bytes of a T array times 3/4.
template <typename T>
void scale_values(std::vector<unsigned char>& bytes) {
    for (std::size_t k = 0; k + sizeof(T) <= bytes.size(); k += sizeof(T)) {
        T v;
        std::memcpy(&v, &bytes[k], sizeof(T));
        v = v * T(3) / T(4);
        std::memcpy(&bytes[k], &v, sizeof(T));
    }
}

/// Writes `bytes` into property `name` of the whole and, cut as property_rows() says, of each
/// slice.
void write_sliced(running_module& whole,
                  std::vector<running_module>& slices,
                  const char* name,
                  const std::vector<unsigned char>& bytes) {
    const auto write = [&](running_module& m, const unsigned char* from) {
        const auto index = m.instance.property_index(name);
        host_buffer value(m.instance.property_spec(index));
        std::memcpy(value.abi.data, from, value.abi.count * spark_dtype_size(value.abi.spec.dtype));
        m.instance.write_property(index, value.abi);
    };
    write(whole, bytes.data());
    std::size_t at = 0;
    for (auto& s : slices) {
        const auto index = s.instance.property_index(name);
        const auto spec = s.instance.property_spec(index);
        const bool rows = s.instance.property_rows(index);
        write(s, bytes.data() + (rows ? at : 0));
        at += rows ? sdk_bytes(spec) : 0;
    }
}

/// Every property of the slices against the whole's: their rows in order, or each the whole's.
void check_properties(running_module& whole,
                      std::vector<running_module>& slices,
                      const std::string& when) {
    for (const char* name : slice_properties) {
        BOOST_TEST_CONTEXT(when << ", property " << name) {
            const auto expected = slice_property_bytes(whole, name);
            std::vector<unsigned char> rows;
            for (auto& s : slices) {
                const auto got = slice_property_bytes(s, name);
                if (expected.empty()) {
                    BOOST_TEST(got.empty()); // unavailable in every slice too
                } else if (s.instance.property_rows(s.instance.property_index(name))) {
                    rows.insert(rows.end(), got.begin(), got.end());
                } else {
                    BOOST_TEST(got == expected, "a slice's differs from the whole's");
                }
            }
            if (!rows.empty() || expected.empty()) {
                BOOST_TEST(rows == expected, "the slices' rows differ from the whole's");
            }
        }
    }
}

/// What the whole population did, so that a case can make sure it tested something.
struct whole_run {
    std::size_t spikes = 0;      // over every step
    bool kernel_learned = false; // the kernel changed
};

/// Runs `c` whole and sliced for `steps` steps.
whole_run run_sliced(models_fixture& f, const slicing_case& c, std::uint64_t steps = 60) {
    const std::size_t n = c.cuts.back();
    std::vector<spark_port_spec_t> specs{port(SPARK_PAYLOAD_SPIKES, SPARK_DTYPE_U8, {})};
    for (const auto d : c.in_dims) {
        specs[0].shape.dims[specs[0].shape.rank++] = d;
    }
    const std::int32_t dtype = c.float64 ? SPARK_DTYPE_F64 : SPARK_DTYPE_F32;
    if (c.modulated) {
        specs.push_back(port(SPARK_PAYLOAD_FLOAT, dtype, {static_cast<std::uint32_t>(n)}));
    }
    running_module whole(f, c.type, c.overrides, specs, 1);
    std::vector<running_module> slices;
    slices.reserve(c.cuts.size() - 1);
    for (std::size_t s = 0; s + 1 < c.cuts.size(); ++s) {
        slices.emplace_back(f.config(c.type, c.overrides), specs, 1, [&](auto& cfg) {
            return f.registry.create_slice(
                cfg.type(), cfg.abi(), "slice", c.cuts[s], c.cuts[s + 1]);
        });
        BOOST_TEST_REQUIRE(slices.back().outputs.at(0).abi.count == c.cuts[s + 1] - c.cuts[s]);
    }
    // The modules are built and reset: step -1's output, then the properties as drawn.
    std::vector<running_module*> all{&whole};
    for (auto& s : slices) {
        all.push_back(&s);
    }
    // Only the first step whose outputs differ is reported: the later ones follow from it.
    bool same = true;
    const auto compare_outputs = [&](std::int64_t k) {
        std::vector<unsigned char> joined;
        for (auto& s : slices) {
            const auto b = output_bytes(s);
            joined.insert(joined.end(), b.begin(), b.end());
        }
        if (same) {
            same = joined == output_bytes(whole);
            BOOST_TEST(same, "the slices' outputs differ at step " << k);
        }
    };
    compare_outputs(-1);
    check_properties(whole, slices, "after reset");
    const auto drawn = slice_property_bytes(whole, "synapses.kernel");
    input_stream random{0x9E3779B97F4A7C15ULL ^ n};
    whole_run run;
    for (std::uint64_t k = 0; k < steps; ++k) {
        const auto in = whole.in<std::uint8_t>(0);
        for (std::size_t i = 0; i < in.size(); ++i) {
            const std::uint64_t r = random.next();
            const bool fires = r % 10U < 3U;
            // Mostly the same inhibitory neurons, now and then one changing sides.
            const bool inhibitory = (i % 4U == 0) != ((r >> 8U) % 29U == 0);
            in[i] = static_cast<std::uint8_t>((fires ? 1U : 0U) | (inhibitory ? 2U : 0U));
        }
        if (c.modulated) {
            for (std::size_t o = 0; o < n; ++o) {
                const double m = static_cast<double>(random.next() % 2001U) / 1000.0 - 0.5;
                if (c.float64) {
                    whole.in<double>(1)[o] = m;
                } else {
                    whole.in<float>(1)[o] = static_cast<float>(m);
                }
            }
        }
        for (auto& s : slices) {
            for (std::size_t p = 0; p < specs.size(); ++p) {
                std::memcpy(s.inputs[p].abi.data,
                            whole.inputs[p].abi.data,
                            s.inputs[p].abi.count * spark_dtype_size(specs[p].dtype));
            }
        }
        if (c.rewrite && k == steps / 2) {
            // Learned weights scaled by 3/4, and delays unlike any draw (in [0, 4]).
            auto kernel = slice_property_bytes(whole, "synapses.kernel");
            if (c.float64) {
                scale_values<double>(kernel);
            } else {
                scale_values<float>(kernel);
            }
            write_sliced(whole, slices, "synapses.kernel", kernel);
            auto delays = slice_property_bytes(whole, "delays.kernel");
            for (std::size_t e = 0; e < delays.size() / 4; ++e) {
                const auto d = static_cast<std::int32_t>((e * 5 + 3) % 5);
                std::memcpy(&delays[e * 4], &d, 4);
            }
            write_sliced(whole, slices, "delays.kernel", delays);
        }
        for (auto* m : all) {
            m->step(k);
        }
        compare_outputs(static_cast<std::int64_t>(k));
        for (const auto b : whole.out<std::uint8_t>(0)) {
            run.spikes += b & 1U;
        }
    }
    check_properties(whole, slices, "after " + std::to_string(steps) + " steps");
    run.kernel_learned = slice_property_bytes(whole, "synapses.kernel") != drawn;
    BOOST_TEST_MESSAGE(c.name << ": " << run.spikes << " spikes, kernel learned "
                              << run.kernel_learned);
    return run;
}

/// A neuron's config: `units`, a kernel strong enough to fire, then `more` (",\"key\": ...").
std::string firing_config(const std::string& units, const std::string& more = "") {
    return R"({"units": )" + units +
           R"(, "seed": 7, "inhibitory_rate": 0.3,
               "synapses": {"kernel": {"__class_ref__": "sparse_uniform_initializer",
                                       "scale": 500, "density": 0.6}})" +
           more + "}";
}

const std::vector<std::uint64_t> cuts_24{0, 7, 8, 13, 24};

} // namespace

BOOST_FIXTURE_TEST_SUITE(population_slices, models_fixture)

BOOST_AUTO_TEST_CASE(a_lif_neuron_with_its_defaults_runs_the_same_in_slices) {
    run_sliced(*this, {"defaults", "lif_neuron", R"({"units": [24]})", {20}, cuts_24});
}

BOOST_AUTO_TEST_CASE(a_firing_lif_neuron_runs_the_same_in_slices) {
    // Hebbian learning (lif's default) on per-synapse delays: the grouped layout.
    for (const auto& cuts : {cuts_24, std::vector<std::uint64_t>{0, 1, 23, 24}}) {
        const auto run =
            run_sliced(*this, {"lif", "lif_neuron", firing_config("[24]"), {20}, cuts});
        BOOST_TEST(run.spikes > 0U);
        BOOST_TEST(run.kernel_learned);
    }
}

BOOST_AUTO_TEST_CASE(every_kind_of_delays_runs_the_same_in_slices) {
    for (const char* delays : {R"({"__class_ref__": "n2n_delays", "max_delay": 6})",
                               R"({"__class_ref__": "n_delays", "max_delay": 4})",
                               "null"}) {
        BOOST_TEST_CONTEXT("delays " << delays) {
            const auto more = std::string(R"(, "delays": )") + delays;
            BOOST_TEST(
                run_sliced(*this,
                           {"delays", "lif_neuron", firing_config("[24]", more), {20}, cuts_24})
                    .spikes > 0U);
            // Static weights: delivery from lists, at emission with delays.
            BOOST_TEST(run_sliced(*this,
                                  {"static",
                                   "lif_neuron",
                                   firing_config("[24]", more + R"(, "learning_rule": null)"),
                                   {20},
                                   cuts_24})
                           .spikes > 0U);
        }
    }
}

BOOST_AUTO_TEST_CASE(a_sparse_kernel_runs_the_same_in_slices) {
    // A static rule and an initializer that fills sparsely: the kernel kept per synapse, each
    // slice drawing only its rows.
    for (const char* kernel :
         {R"({"__class_ref__": "sparse_uniform_initializer", "scale": 600, "density": 0.1})",
          R"({"__class_ref__": "normalized_sparse_uniform_initializer", "scale": 900,
              "density": 0.1})"}) {
        for (const char* delays : {R"({"__class_ref__": "n2n_delays", "max_delay": 6})",
                                   R"({"__class_ref__": "n_delays", "max_delay": 4})",
                                   "null"}) {
            BOOST_TEST_CONTEXT("kernel " << kernel << ", delays " << delays) {
                const std::string config = std::string(R"({"units": [24], "seed": 3,
                    "learning_rule": null, "synapses": {"kernel": )") +
                                           kernel + R"(}, "delays": )" + delays + "}";
                BOOST_TEST(
                    run_sliced(*this, {"sparse", "lif_neuron", config, {4, 10}, cuts_24}).spikes >
                    0U);
            }
        }
    }
    // A normalised kernel learned (so kept dense), normalised over the whole population's rows.
    const std::string normalized = R"({"units": [24], "seed": 3,
        "synapses": {"kernel": {"__class_ref__": "normalized_sparse_uniform_initializer",
                                "scale": 900, "density": 0.1}}})";
    BOOST_TEST(run_sliced(*this, {"normalized", "lif_neuron", normalized, {4, 10}, cuts_24})
                   .kernel_learned);
}

BOOST_AUTO_TEST_CASE(an_initializer_that_cannot_fill_sparsely_is_cut_to_the_slices_rows) {
    // test.fixed_values offers no sparse filling (like an ABI 1.0 initializer): each slice fills
    // the whole kernel and delay table and keeps its rows. A kernel mostly zero, some weights
    // negative, delivered at emission when static.
    const std::size_t synapses = 24 * 20;
    std::string weights;
    std::string delays;
    for (std::size_t k = 0; k < synapses; ++k) {
        const std::size_t w = k * 37 % 11 < 4 ? 200 + k % 7 * 100 : 0;
        weights += (k > 0 ? ", " : "") + std::string(k % 13 == 0 ? "-" : "") + std::to_string(w);
        delays += (k > 0 ? ", " : "") + std::to_string((k * 5 + 3) % 7);
    }
    const std::string fixed_kernel =
        R"("synapses": {"kernel": {"__class_ref__": "fixed_values_initializer", "values": [)" +
        weights + "]}}";
    const std::string fixed_delays =
        R"("delays": {"max_delay": 6, "delays": )"
        R"({"__class_ref__": "fixed_values_initializer", "values": [)" +
        delays + "]}}";
    const std::string sparse_kernel =
        R"("synapses": {"kernel": {"__class_ref__": "sparse_uniform_initializer", "scale": 600,
                                   "density": 0.2}})";
    for (const auto& [rule, kernel] : std::vector<std::pair<std::string, std::string>>{
             {"null", fixed_kernel}, {"{}", fixed_kernel}, {"null", sparse_kernel}}) {
        BOOST_TEST_CONTEXT("rule " << rule << ", " << kernel.substr(0, 80)) {
            const std::string config = R"({"units": [24], "seed": 5, "learning_rule": )" + rule +
                                       ", " + kernel + ", " + fixed_delays + "}";
            BOOST_TEST(
                run_sliced(*this, {"fixed values", "lif_neuron", config, {20}, cuts_24}).spikes >
                0U);
        }
    }
}

BOOST_AUTO_TEST_CASE(learning_rules_learn_the_same_in_slices) {
    for (const char* rule : {R"({"__class_ref__": "hebbian_rule", "eta": 5})",
                             R"({"__class_ref__": "zenke_rule", "eta": 5})",
                             R"({"__class_ref__": "oja_rule"})"}) {
        BOOST_TEST_CONTEXT("rule " << rule) {
            const auto more = std::string(R"(, "learning_rule": )") + rule;
            const auto run = run_sliced(
                *this, {"rule", "lif_neuron", firing_config("[24]", more), {20}, cuts_24});
            BOOST_TEST(run.spikes > 0U);
            BOOST_TEST(run.kernel_learned);
        }
    }
    // Third-factor rules read the whole population's modulation, one value per neuron.
    for (const char* rule : {R"({"__class_ref__": "three_factor_hebbian_rule"})",
                             R"({"__class_ref__": "quadruplet_rule"})",
                             R"({"__class_ref__": "quadruplet_rule_tensor"})"}) {
        BOOST_TEST_CONTEXT("rule " << rule) {
            const auto more = std::string(R"(, "learning_rule": )") + rule;
            slicing_case c{"modulated", "lif_neuron", firing_config("[24]", more), {20}, cuts_24};
            c.modulated = true;
            BOOST_TEST(run_sliced(*this, c).kernel_learned);
        }
    }
}

BOOST_AUTO_TEST_CASE(float64_neurons_run_the_same_in_slices) {
    for (const char* type : {"lif_neuron", "alif_neuron"}) {
        BOOST_TEST_CONTEXT(type) {
            slicing_case c{
                "float64", type, firing_config("[24]", R"(, "dtype": "float64")"), {20}, cuts_24};
            c.float64 = true;
            const auto run = run_sliced(*this, c);
            BOOST_TEST(run.spikes > 0U);
            BOOST_TEST(run.kernel_learned);
        }
    }
}

BOOST_AUTO_TEST_CASE(multi_dimensional_units_slice_by_row_major_position) {
    // units [4, 5]: a slice's neurons are flat positions, cut across the rows of units.
    const std::vector<std::uint64_t> cuts{0, 3, 4, 11, 20};
    BOOST_TEST(
        run_sliced(*this, {"units [4, 5]", "lif_neuron", firing_config("[4, 5]"), {3, 6}, cuts})
            .spikes > 0U);
    // A normalised kernel, kept sparse (static) or dense (learned): normalised over the whole
    // population's axes, 2 of them, where a slice's own units would have 1.
    for (const char* rule : {"null", "{}"}) {
        BOOST_TEST_CONTEXT("rule " << rule) {
            const std::string normalized = R"({"units": [4, 5], "seed": 3, "learning_rule": )" +
                                           std::string(rule) + R"(, "synapses": {"kernel": {
                "__class_ref__": "normalized_sparse_uniform_initializer", "scale": 900,
                "density": 0.2}}})";
            BOOST_TEST(
                run_sliced(*this, {"normalized [4, 5]", "lif_neuron", normalized, {3, 6}, cuts})
                    .spikes > 0U);
        }
    }
}

BOOST_AUTO_TEST_CASE(every_neuron_type_runs_the_same_in_slices) {
    for (const char* type : {"lif_neuron", "alif_neuron", "ad_ex_neuron", "izhikevich_neuron"}) {
        BOOST_TEST_CONTEXT(type) {
            run_sliced(*this, {"defaults", type, R"({"units": [24]})", {20}, cuts_24});
            BOOST_TEST(
                run_sliced(*this, {"firing", type, firing_config("[24]"), {20}, cuts_24}).spikes >
                0U);
        }
    }
}

BOOST_AUTO_TEST_CASE(a_kernel_and_delays_written_in_rows_act_as_written_whole) {
    // Learned, static and static sparse kernels.
    const std::string sparse = R"(, "synapses": {"kernel": {
        "__class_ref__": "sparse_uniform_initializer", "scale": 600, "density": 0.2}})";
    for (const char* delays : {R"({"__class_ref__": "n2n_delays", "max_delay": 6})",
                               R"({"__class_ref__": "n_delays", "max_delay": 4})"}) {
        const std::string with = std::string(R"(, "delays": )") + delays;
        for (const auto& config :
             {firing_config("[24]", with),
              firing_config("[24]", with + R"(, "learning_rule": null)"),
              R"({"units": [24], "learning_rule": null)" + with + sparse + "}"}) {
            BOOST_TEST_CONTEXT(config) {
                slicing_case c{"rewritten", "lif_neuron", config, {20}, cuts_24};
                c.rewrite = true;
                BOOST_TEST(run_sliced(*this, c).spikes > 0U);
            }
        }
    }
}

BOOST_AUTO_TEST_CASE(a_slice_keeps_its_own_state) {
    const auto specs = std::vector{port(SPARK_PAYLOAD_SPIKES, SPARK_DTYPE_U8, {20})};
    running_module s(config("lif_neuron", firing_config("[4, 5]")), specs, 1, [&](auto& cfg) {
        return registry.create_slice(cfg.type(), cfg.abi(), "slice", 3, 11);
    });
    const auto potential = s.state("potential");
    BOOST_TEST(potential.shape.rank == 1U);
    BOOST_TEST(potential.shape.dims[0] == 8U);
    const auto kernel = s.state("kernel_pre_major");
    BOOST_TEST(kernel.shape.dims[0] == 20U);
    BOOST_TEST(kernel.shape.dims[1] == 8U);
    const auto index = s.instance.property_index("synapses.kernel");
    const auto spec = s.instance.property_spec(index);
    BOOST_TEST(spec.shape.rank == 2U);
    BOOST_TEST(spec.shape.dims[0] == 8U);
    BOOST_TEST(spec.shape.dims[1] == 20U);
    BOOST_TEST(s.instance.property_rows(index));
    BOOST_TEST(s.instance.property_rows(s.instance.property_index("delays.kernel")));
    BOOST_TEST(s.instance.property_rows(s.instance.property_index("soma.potential")));
    running_module n(
        config("lif_neuron",
               firing_config("[4, 5]", R"(, "delays": {"__class_ref__": "n_delays"})")),
        specs,
        1,
        [&](auto& cfg) { return registry.create_slice(cfg.type(), cfg.abi(), "slice", 3, 11); });
    BOOST_TEST(!n.instance.property_rows(n.instance.property_index("delays.kernel")));
}

BOOST_AUTO_TEST_CASE(a_bad_slice_is_refused_with_its_range) {
    const auto cfg = config("lif_neuron", R"({"units": [4, 5]})");
    const auto refused = [&](std::uint64_t begin, std::uint64_t end) {
        try {
            (void)registry.create_slice(cfg.type(), cfg.abi(), "slice", begin, end);
        } catch (const spark::registry::plugin_error& e) {
            return std::string(e.what());
        }
        return std::string("(created)");
    };
    const std::string hint = "give 0 <= begin < end <= 20";
    for (const auto& [begin, end] :
         std::vector<std::pair<std::uint64_t, std::uint64_t>>{{5, 5}, {6, 5}, {0, 21}, {20, 21}}) {
        BOOST_TEST_CONTEXT("[" << begin << ", " << end << ")") {
            const auto message = refused(begin, end);
            BOOST_TEST(message.find("a slice holds neurons [" + std::to_string(begin) + ", " +
                                    std::to_string(end) + ") of a population of 20 ('units')") !=
                           std::string::npos,
                       message);
            BOOST_TEST(message.find(hint) != std::string::npos, message);
        }
    }
    BOOST_TEST(refused(0, 20) == "(created)");
}

BOOST_AUTO_TEST_CASE(a_type_that_cannot_run_in_slices_is_refused) {
    for (const char* type : {"leaky_soma", "linear_synapses", "n2n_delays", "hebbian_rule"}) {
        BOOST_TEST_CONTEXT(type) {
            const auto cfg = config(type);
            try {
                (void)registry.create_slice(cfg.type(), cfg.abi(), "part", 0, 2);
                BOOST_FAIL("created a slice of " << type);
            } catch (const spark::registry::plugin_error& e) {
                BOOST_FAIL("the plugin, not the registry, refused: " << e.what());
            } catch (const spark::error& e) {
                const std::string message = e.what();
                BOOST_TEST(message.find("spark." + std::string(type) +
                                        " 'part': the type cannot "
                                        "run in slices of its population") != std::string::npos,
                           message);
            }
        }
    }
}

// In the grouped layout with a rule that settles arrivals (lif's default, Hebbian on per-synapse
// delays), a delivery of 2 x 65536 synaptic events or more is split into postsynaptic ranges
// (plugins/neurons/neuron/population.hpp, deliver_by_groups()). The ranges follow from the
// instance's own arrivals, so a slice splits its neurons elsewhere than the whole does: each
// neuron's current must still sum the same terms in the same order.
BOOST_AUTO_TEST_CASE(a_large_delivery_in_parts_runs_the_same_in_slices) {
    const std::string weak = R"({"units": [1024], "seed": 7, "synapses": {"kernel": {
        "__class_ref__": "sparse_uniform_initializer", "scale": 4, "density": 0.6}}})";
    run_sliced(*this, {"large", "lif_neuron", weak, {1024}, {0, 300, 1024}}, 8);
}

BOOST_AUTO_TEST_SUITE_END()
