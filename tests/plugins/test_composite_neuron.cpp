// SPDX-License-Identifier: Apache-2.0
// A neuron run from its parts (registry compositions, docs/adr/0013-neurons-as-compositions.md)
// against the fused neuron of the same config: upstream 1.0's LIF wiring (delays -> synapses ->
// soma, the soma stamping the neuron's inhibition mask; with plasticity, rule <- synapses.kernel
// and the effect synapses.kernel <- rule.kernel) gives the same spikes, potentials and kernels
// bit for bit, step after step; and the compositions that cannot work are refused with every
// problem.
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include <boost/test/unit_test.hpp>

#include <spark/registry/composition.hpp>
#include <spark/registry/errors.hpp>

#include "models_fixture.hpp"

using spark::registry::composition;
using spark::test::models_fixture;
using spark::test::port;
using spark::test::running_module;

namespace {

constexpr std::uint32_t composite_inputs = 12;
constexpr std::uint32_t composite_units = 10;

/// `count` numbers in [low, high) from a fixed LCG, as a JSON list (float32-exact values with
/// many significant bits, so that any change of summation order would show).
std::string values(std::size_t count, double low, double high, std::uint64_t seed) {
    std::string text = "[";
    for (std::size_t k = 0; k < count; ++k) {
        seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
        const double u = static_cast<double>(seed >> 11) / 9007199254740992.0;
        const auto v = static_cast<float>(low + (high - low) * u);
        text += (k == 0 ? "" : ", ") + std::to_string(static_cast<double>(v));
    }
    return text + "]";
}

/// Whole delays in [1, 4] for every synapse.
std::string delay_values(std::size_t count) {
    std::string text = "[";
    for (std::size_t k = 0; k < count; ++k) {
        text += (k == 0 ? "" : ", ") + std::to_string(1 + (k * 7 + 3) % 4);
    }
    return text + "]";
}

struct lif_parts {
    std::string kernel = values(std::size_t{composite_inputs} * composite_units, 0.0, 90.0, 7);
    std::string delays = delay_values(std::size_t{composite_inputs} * composite_units);

    [[nodiscard]] std::string delays_config() const {
        return R"({"units": [10], "max_delay": 4, "delays": {"__class_ref__": )"
               R"("fixed_values_initializer", "values": )" +
               delays + "}}";
    }
    [[nodiscard]] std::string synapses_config(bool async) const {
        return std::string(R"({"units": [10], "async_spikes": )") + (async ? "true" : "false") +
               R"(, "kernel": {"__class_ref__": "fixed_values_initializer", "values": )" + kernel +
               "}}";
    }
    /// The fused neuron with the same parts (`rule`: the learning_rule field's JSON).
    [[nodiscard]] std::string neuron_config(const std::string& rule, bool delayed) const {
        return R"({"units": [10], "inhibitory_rate": 0.3, "seed": 11, "soma": {"__class_ref__": )"
               R"("leaky_soma", "resistance": 0.5}, "synapses": )" +
               synapses_config(false) + ", \"delays\": " + (delayed ? delays_config() : "null") +
               ", \"learning_rule\": " + rule + "}";
    }
};

/// Drives the fused neuron and its composition with the same random presynaptic spikes (1 in 6
/// firing, a fifth of the firing ones inhibitory) and compares spikes and potentials each step
/// (a learned weight that differed in one bit would show in the potentials that follow).
/// `eta` < 0: no learning rule.
void compare(models_fixture& f, double eta, bool delayed, std::uint64_t steps) {
    const lif_parts parts;
    const bool plastic = eta >= 0;
    // A rule fed by per-synapse delays reads per-synapse spikes (upstream's async spikes).
    const std::string eta_json =
        R"({"eta": )" + std::to_string(eta) + (delayed ? R"(, "async_spikes": true})" : "}");
    const std::string rule =
        plastic ? R"({"__class_ref__": "hebbian_rule", "eta": )" + std::to_string(eta) + "}"
                : "null";
    const std::string neuron_json = parts.neuron_config(rule, delayed);
    const auto delays = f.config("n2n_delays", parts.delays_config());
    const auto synapses = f.config("linear_synapses", parts.synapses_config(delayed));
    const auto soma = f.config("leaky_soma", R"({"resistance": 0.5})");
    const auto hebbian = f.config("hebbian_rule", plastic ? eta_json : "{}");
    composition c;
    // Without delays the synapses and the rule read the neuron's input directly.
    const std::string spikes_from = delayed ? "delays" : "__call__";
    const std::string spikes_port = delayed ? "out_spikes" : "in_spikes";
    if (delayed) {
        c.parts.push_back({"delays", &delays.type(), &delays.abi()});
        c.wires.push_back({"delays", "in_spikes", "__call__", "in_spikes", false});
    }
    c.parts.push_back({"synapses", &synapses.type(), &synapses.abi()});
    c.parts.push_back({"soma", &soma.type(), &soma.abi()});
    c.wires.push_back({"synapses", "spikes", spikes_from, spikes_port, false});
    if (delayed) {
        c.wires.push_back({"synapses", "delays", "delays", "kernel", true});
    }
    c.wires.push_back({"soma", "current", "synapses", "currents", false});
    c.wires.push_back({"soma", "inhibition_mask", "__self__", "inhibition_mask", true});
    if (plastic) {
        c.parts.push_back({"hebbian_rule", &hebbian.type(), &hebbian.abi()});
        c.wires.push_back({"hebbian_rule", "pre_spikes", spikes_from, spikes_port, false});
        c.wires.push_back({"hebbian_rule", "post_spikes", "soma", "spikes", false});
        c.wires.push_back({"hebbian_rule", "current_kernel", "synapses", "kernel", true});
        c.effects = {{"synapses", "kernel", "hebbian_rule", "kernel"}};
    }
    c.outputs = {{"out_spikes", "soma", "spikes"}};

    const std::vector<spark_port_spec_t> in = {
        port(SPARK_PAYLOAD_SPIKES, SPARK_DTYPE_U8, {composite_inputs})};
    running_module fused(f.config("lif_neuron", neuron_json), in, 1, [&](auto& cfg) {
        return f.registry.create(cfg.type(), cfg.abi(), "fused");
    });
    running_module parted(f.config("lif_neuron", neuron_json), in, 1, [&](auto& cfg) {
        return f.registry.create_composite(cfg.type(), c, cfg.abi(), "parted");
    });
    const auto same_outputs = [&](const char* when) {
        const auto a = fused.out<std::uint8_t>(0);
        const auto b = parted.out<std::uint8_t>(0);
        BOOST_TEST_CONTEXT(when) {
            BOOST_TEST(std::vector<int>(a.begin(), a.end()) == std::vector<int>(b.begin(), b.end()),
                       boost::test_tools::per_element());
        }
    };
    same_outputs("after reset (inhibition bits of silent neurons)");
    std::uint64_t seed = 99;
    std::size_t spikes = 0;
    for (std::uint64_t k = 0; k < steps; ++k) {
        for (std::uint32_t i = 0; i < composite_inputs; ++i) {
            seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
            const auto r = (seed >> 33) % 30;
            const std::uint8_t s = r < 4 ? 1 : r < 5 ? 3 : 0;
            fused.in<std::uint8_t>(0)[i] = s;
            parted.in<std::uint8_t>(0)[i] = s;
        }
        fused.step(k);
        parted.step(k);
        for (const auto b : fused.out<std::uint8_t>(0)) {
            spikes += b & 1U;
        }
        BOOST_TEST_CONTEXT("step " << k) {
            same_outputs("spikes");
            const auto v = fused.state_values<float>("potential");
            const auto w = parted.state_values<float>("soma.potential");
            BOOST_TEST(v == w, boost::test_tools::per_element());
        }
    }
    BOOST_TEST(spikes > steps / 4,
               "the neuron must fire for the comparison to mean anything, fired " << spikes);
}

} // namespace

BOOST_FIXTURE_TEST_SUITE(composite_neuron, models_fixture)

BOOST_AUTO_TEST_CASE(lif_from_its_parts_equals_the_fused_lif_without_learning) {
    compare(*this, -1.0, false, 300);
}

BOOST_AUTO_TEST_CASE(lif_from_its_parts_equals_the_fused_lif_with_hebbian_learning) {
    compare(*this, 0.1, false, 300);
}

BOOST_AUTO_TEST_CASE(lif_with_per_synapse_delays_from_its_parts_equals_the_fused_lif) {
    compare(*this, -1.0, true, 300);
}

BOOST_AUTO_TEST_CASE(lif_with_per_synapse_delays_and_learning_equals_the_fused_lif) {
    compare(*this, 0.1, true, 300);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_FIXTURE_TEST_SUITE(composite_refusals, models_fixture)

BOOST_AUTO_TEST_CASE(a_composition_that_cannot_work_is_refused_with_every_problem) {
    const lif_parts parts;
    const auto neuron = config("lif_neuron", parts.neuron_config("null", true));
    const auto delays = config("n2n_delays", parts.delays_config());
    const auto synapses = config("linear_synapses", parts.synapses_config(true));
    const auto soma = config("leaky_soma", "{}");
    composition c;
    c.parts = {{"delays", &delays.type(), &delays.abi()},
               {"synapses", &synapses.type(), &synapses.abi()},
               {"soma", &soma.type(), &soma.abi()}};
    c.wires = {{"delays", "in_spikes", "__call__", "in_spikes", false},
               {"synapses", "spikes", "delay", "out_spikes", false}, // a typo
               {"soma", "currents", "synapses", "currents", false},  // no such input
               {"soma", "current", "delays", "out_spikes", false},   // spikes into a current
               {"soma", "inhibition_mask", "__self__", "mask", true}};
    c.effects = {{"soma", "potential", "synapses", "currents"}}; // read-only
    c.outputs = {};                                              // out_spikes unmapped
    try {
        (void)registry.create_composite(neuron.type(), c, neuron.abi(), "A");
        BOOST_FAIL("a broken composition was created");
    } catch (const spark::error& e) {
        const std::string text = e.what();
        const std::vector<std::string> expected = {
            "8 problems in the composition:",
            "composition 'A': wire synapses.spikes <- delay.out_spikes: 'delay' is not a part "
            "of the composition",
            "composition 'A': wire soma.currents <- synapses.currents: 'currents' is not an "
            "input port of spark.leaky_soma",
            "composition 'A': wire soma.current <- delays.out_spikes: the source carries spikes "
            "but the input takes float",
            "composition 'A': wire soma.inhibition_mask <- __self__.mask (property): __self__ "
            "offers only the property inhibition_mask",
            "composition 'A': part 'synapses' (spark.linear_synapses): its required input "
            "'spikes' has no wire",
            // its one wire was refused, so the soma's current is unfed as well
            "composition 'A': part 'soma' (spark.leaky_soma): its required input 'current' has "
            "no wire",
            "composition 'A': effect soma.potential <- synapses.currents: property 'potential' "
            "of spark.leaky_soma is read-only",
            "composition 'A': output 'out_spikes': no part feeds it; map it to a part's output"};
        for (const auto& line : expected) {
            BOOST_TEST(text.find(line) != std::string::npos,
                       "missing: " << line << "\nin: " << text);
        }
    }
}

BOOST_AUTO_TEST_CASE(parts_that_wait_on_each_other_cannot_be_ordered) {
    const auto neuron = config("lif_neuron", R"({"units": [2]})");
    const auto a = config("leaky_soma", "{}");
    const auto b = config("leaky_soma", "{}");
    composition c;
    c.parts = {{"a", &a.type(), &a.abi()}, {"b", &b.type(), &b.abi()}};
    c.wires = {{"a", "current", "b", "potential", false},
               {"b", "current", "a", "potential", false}};
    c.outputs = {{"out_spikes", "a", "spikes"}};
    try {
        (void)registry.create_composite(neuron.type(), c, neuron.abi(), "loop");
        BOOST_FAIL("a cycle was accepted");
    } catch (const spark::error& e) {
        BOOST_TEST(std::string(e.what()).find(
                       "composition 'loop': the parts 'a', 'b' wait on each other (a cycle); "
                       "break the cycle, or feed one of them from the composition's inputs") !=
                       std::string::npos,
                   e.what());
    }
}

BOOST_AUTO_TEST_CASE(an_effect_of_the_wrong_shape_is_refused_at_build) {
    // synapses.kernel (10 x 12) <- soma.potential (10): the effect does not fit.
    const lif_parts parts;
    const auto neuron = config("lif_neuron", parts.neuron_config("null", false));
    const auto synapses = config("linear_synapses", parts.synapses_config(false));
    const auto soma = config("leaky_soma", "{}");
    composition c;
    c.parts = {{"synapses", &synapses.type(), &synapses.abi()},
               {"soma", &soma.type(), &soma.abi()}};
    c.wires = {{"synapses", "spikes", "__call__", "in_spikes", false},
               {"soma", "current", "synapses", "currents", false}};
    c.effects = {{"synapses", "kernel", "soma", "potential"}};
    c.outputs = {{"out_spikes", "soma", "spikes"}};
    try {
        running_module m(
            config("lif_neuron", parts.neuron_config("null", false)),
            {port(SPARK_PAYLOAD_SPIKES, SPARK_DTYPE_U8, {composite_inputs})},
            1,
            [&](auto& cfg) { return registry.create_composite(cfg.type(), c, cfg.abi(), "A"); });
        BOOST_FAIL("an effect of 10 values into a kernel of 120 was built");
    } catch (const spark::registry::plugin_error& e) {
        BOOST_TEST(std::string(e.what()).find(
                       "composition 'A': effect synapses.kernel <- soma.potential: the output "
                       "does not fit the property (10 elements of float32 against 120 of "
                       "float32)") != std::string::npos,
                   e.what());
    }
    (void)neuron;
}

BOOST_AUTO_TEST_SUITE_END()
