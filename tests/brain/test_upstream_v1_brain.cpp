// SPDX-License-Identifier: Apache-2.0
// Upstream 1.0 brain files as brain_config (docs/adr/0014-neuron-files.md): what is derived from
// the wiring (inputs in upstream's order, outputs), what is kept verbatim (so that the file is
// written back byte for byte), and what a user is told when something is missing. The fixtures of
// tests/data/upstream-v1/ are upstream's tutorial brain and neuron, written by Python.
#include <filesystem>
#include <string>
#include <vector>

#include <boost/test/unit_test.hpp>

#include <spark/runtime/brain_config.hpp>
#include <spark/runtime/errors.hpp>

#include "fixtures.hpp"
#include "issue_helpers.hpp"

namespace fs = std::filesystem;
using spark::runtime::brain_config;
using spark::runtime::brain_schema;
using spark::runtime::config_error;
using spark::runtime::file_compression;
using spark::test::any_issue;
using spark::test::issues_text;
using spark::test::read_text_file;

namespace {

const fs::path v1_fixtures = fs::path(SPARK_TEST_DATA_DIR) / "upstream-v1";

} // namespace

BOOST_AUTO_TEST_SUITE(upstream_v1_brain)

BOOST_AUTO_TEST_CASE(inputs_and_outputs_are_derived_from_the_wiring) {
    const auto config = brain_config::from_file(v1_fixtures / "ab_brain.plain.scfg");
    BOOST_TEST((config.schema == brain_schema::upstream_1_0));
    BOOST_TEST(config.seed == 1805829445);
    BOOST_TEST(config.dt == 1.0);
    // Upstream's controller inputs: every __call__ port in order of first appearance (the four
    // populations' modulations, then the spiker's signal).
    std::vector<std::string> inputs;
    for (const auto& [name, spec] : config.input_map) {
        inputs.push_back(name);
        BOOST_TEST(!spec.shape_given); // 1.0 files store no input shapes
    }
    const std::vector<std::string> expected = {
        "mod_a_ex", "mod_b_ex", "mod_a_in", "mod_b_in", "signal"};
    BOOST_TEST(inputs == expected, boost::test_tools::per_element());
    BOOST_TEST_REQUIRE(config.output_map.size() == 1U);
    BOOST_TEST(config.output_map[0].first == "action");
    BOOST_TEST(config.output_map[0].second.input.origin == "integrator");
    BOOST_TEST(config.output_map[0].second.input.port == "signal");
    BOOST_TEST_REQUIRE(config.modules_map.size() == 6U);
    for (std::size_t m = 0; m < 4; ++m) {
        BOOST_TEST(config.modules_map[m].class_ref == "alif_mod_neuron");
        BOOST_TEST(config.modules_map[m].subregistry == "NEURONS");
    }
    BOOST_TEST(config.modules_map[4].subregistry == "MODULES");
    // A_excitatory reads the spiker, itself and B_inhibitory, in that order.
    const auto& in_spikes = config.modules_map[0].inputs.at(0);
    BOOST_TEST(in_spikes.first == "in_spikes");
    BOOST_TEST_REQUIRE(in_spikes.second.size() == 3U);
    BOOST_TEST(in_spikes.second[1].origin == "A_excitatory");
}

BOOST_AUTO_TEST_CASE(a_brain_read_and_written_back_is_the_same_file) {
    // Plain: Python's json.dumps(indent=4) text, byte for byte.
    const auto plain = brain_config::from_file(v1_fixtures / "ab_brain.plain.scfg");
    BOOST_TEST(plain.to_json() == read_text_file(v1_fixtures / "ab_brain.plain.scfg"));
    // xz: the same brain, and the same bytes as upstream's to_file writes (liblzma preset 6).
    const auto xz = brain_config::from_file(v1_fixtures / "ab_brain.scfg");
    BOOST_TEST((xz == plain));
    spark::test::scratch_dir out;
    xz.to_file(out / "again.scfg", file_compression::xz);
    BOOST_TEST(read_text_file(out / "again.scfg") == read_text_file(v1_fixtures / "ab_brain.scfg"));
}

BOOST_AUTO_TEST_CASE(a_neuron_file_is_not_a_brain) {
    try {
        (void)brain_config::from_file(v1_fixtures / "alif_mod_neuron.scfg");
        BOOST_FAIL("a neuron file was read as a brain");
    } catch (const config_error& e) {
        BOOST_TEST(any_issue(e.issues(), "alif_mod_neuron.scfg", "--neuron NAME="), e.what());
    }
}

BOOST_AUTO_TEST_CASE(input_shapes_are_given_by_name) {
    auto config = brain_config::from_file(v1_fixtures / "ab_brain.plain.scfg");
    config.set_input_shape("signal", {4});
    BOOST_TEST(config.input_map.back().second.shape_given);
    BOOST_TEST(config.input_map.back().second.shape == std::vector<std::uint32_t>{4},
               boost::test_tools::per_element());
    try {
        config.set_input_shape("sginal", {4});
        BOOST_FAIL("an unknown input took a shape");
    } catch (const spark::error& e) {
        BOOST_TEST(std::string(e.what()).find("'signal'") != std::string::npos, e.what());
    }
}

BOOST_AUTO_TEST_CASE(what_is_missing_is_named_with_the_fix) {
    // No plugin and no neuron file: every problem is listed, with what to do.
    spark::test::registry_fixture f;
    const auto config = brain_config::from_file(v1_fixtures / "ab_brain.plain.scfg");
    const auto issues = config.validate(f.registry);
    BOOST_TEST(any_issue(issues, "A_excitatory/module_cls", "alif_mod_neuron"));
    BOOST_TEST(any_issue(issues, "A_excitatory/module_cls", "--neuron alif_mod_neuron=FILE"));
    BOOST_TEST(any_issue(issues, "A_excitatory/module_cls", "SPARK_NEURON_PATH"));
    BOOST_TEST(any_issue(issues, "spiker/module_cls", "topological_linear_spiker"));
}

BOOST_AUTO_TEST_CASE(brain_level_effects_and_property_reads_are_refused) {
    auto config = brain_config::from_file(v1_fixtures / "ab_brain.plain.scfg");
    config.modules_map[5].effects.push_back({"tau", {{"spiker", "spikes", false}}});
    config.modules_map[5].inputs[0].second.push_back({"A_excitatory", "inhibition_mask", true});
    spark::test::registry_fixture f;
    const auto issues = config.validate(f.registry);
    BOOST_TEST(any_issue(issues, "brain/integrator/effects/tau", "move the effect into a neuron"));
    BOOST_TEST(any_issue(issues, "brain/integrator/inputs/spikes[2]", "as a property"));
}

BOOST_AUTO_TEST_CASE(an_output_is_named_at_its_module_and_an_input_at_the_brain_inputs) {
    // A 1.0 file has no output_map nor input_map: an output is an entry of its module's
    // `outputs`, an input a `__call__` source (docs/adr/0025-one-validation-pass.md).
    auto config = brain_config::from_file(v1_fixtures / "ab_brain.plain.scfg");
    BOOST_TEST_REQUIRE(!config.output_map.empty());
    auto& [name, output] = config.output_map.front();
    output.input.port = "bogus";
    spark::test::registry_fixture f;
    f.registry.load(SPARK_INTERFACES_PLUGIN);
    const auto issues = config.validate(f.registry);
    BOOST_TEST(any_issue(issues,
                         "brain/" + output.input.origin + "/outputs/" + name,
                         "has no output port 'bogus'"),
               issues_text(issues));
    BOOST_TEST(!any_issue(issues, "output_map", ""), issues_text(issues));
    BOOST_TEST(any_issue(issues, "brain/inputs/", "has no shape"), issues_text(issues));
}

BOOST_AUTO_TEST_SUITE_END()
