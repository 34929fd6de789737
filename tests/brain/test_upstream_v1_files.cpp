// SPDX-License-Identifier: Apache-2.0
// Upstream 1.0's file layer: the fixtures of tests/data/upstream-v1/ (written by Python's json
// and lzma modules, make_fixtures.py there) read into the structures of
// runtime/src/config/upstream_v1.hpp and written back byte for byte, xz and plain; what the
// structures hold; the reader's problems with their paths; and how a file's schema is told.
#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <iterator>
#include <string>
#include <variant>
#include <vector>

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <boost/test/unit_test.hpp>

#include <spark/runtime/errors.hpp>

#include "config/exact_json.hpp"
#include "config/scfg_file.hpp"
#include "config/scfg_schema.hpp"
#include "config/upstream_v1.hpp"
#include "config/upstream_v1_file.hpp"
#include "config/upstream_v1_read.hpp"
#include "config/upstream_v1_write.hpp"
#include "fixtures.hpp"

namespace json = boost::json;
namespace v1 = spark::runtime::upstream_v1;
using spark::runtime::config_error;
using spark::runtime::config_issue;
using spark::runtime::config_mode;
using spark::runtime::file_compression;
using spark::runtime::detail::recognise_schema;
using spark::runtime::detail::scfg_schema;
using spark::test::read_text_file;
using spark::test::write_text_file;

namespace {

const std::filesystem::path fixtures = std::filesystem::path(SPARK_TEST_DATA_DIR) / "upstream-v1";

std::size_t count_port_maps(const std::vector<v1::module_specs>& modules) {
    std::size_t n = 0;
    for (const auto& module : modules) {
        for (const auto& lists : {module.inputs, module.effects}) {
            for (const auto& entry : lists) {
                n += entry.second.size();
            }
        }
    }
    return n;
}

std::vector<std::string> names(const std::vector<v1::module_specs>& modules) {
    std::vector<std::string> out;
    for (const auto& module : modules) {
        out.push_back(module.name);
    }
    return out;
}

std::vector<std::string> origins(const std::vector<v1::port_map>& sources) {
    std::vector<std::string> out;
    for (const auto& source : sources) {
        out.push_back(source.origin + "." + source.port +
                      (source.is_property ? " (property)" : ""));
    }
    return out;
}

/// Every problem read_controller reports for `text`, as "<path>: <message>".
std::vector<std::string> problems(const std::string& text, config_mode mode = config_mode::strict) {
    try {
        (void)v1::read_controller(json::parse(text), mode);
    } catch (const config_error& e) {
        std::vector<std::string> out;
        for (const auto& issue : e.issues()) {
            out.push_back(issue.path + ": " + issue.message);
        }
        return out;
    }
    return {"(read without error)"};
}

/// The message recognise_schema refuses `text` with.
std::string unrecognised(const std::string& text) {
    try {
        (void)recognise_schema(json::parse(text), "f.scfg");
    } catch (const config_error& e) {
        BOOST_TEST_REQUIRE(e.issues().size() == 1U);
        return e.issues()[0].path + ": " + e.issues()[0].message;
    }
    return "(recognised)";
}

/// A tagged module_specs with the given name, type and data members (JSON text).
std::string module(const std::string& name, const std::string& rest) {
    return R"({"__type__": "module_specs", "__data__": {"name": ")" + name +
           R"(", "module_cls": {"__module_type__": "leaky_soma", "__subregistry__": "MODULES"},)" +
           rest + "}}";
}

const std::string port_map_of_soma =
    R"({"__type__": "port_map", "__data__": {"origin": "soma", "port": "spikes"}})";

} // namespace

BOOST_AUTO_TEST_SUITE(upstream_v1_files)

BOOST_AUTO_TEST_CASE(the_fixtures_come_back_byte_for_byte_compressed_and_plain) {
    const spark::test::scratch_dir dir;
    for (const std::string name : {"alif_mod_neuron", "ab_brain"}) {
        for (const bool compressed : {true, false}) {
            const auto fixture = fixtures / (name + (compressed ? ".scfg" : ".plain.scfg"));
            const std::string original = read_text_file(fixture);
            BOOST_TEST_REQUIRE(original.size() > 1000U);
            BOOST_TEST((original.substr(0, 6) == std::string("\xFD"
                                                             "7zXZ\0",
                                                             6)) == compressed,
                       fixture);
            const v1::controller_config config = v1::read_controller_file(fixture);
            const auto copy = dir / fixture.filename();
            v1::write_controller_file(
                copy, config, compressed ? file_compression::xz : file_compression::none);
            const std::string written = read_text_file(copy);
            BOOST_TEST(written.size() == original.size(), fixture);
            BOOST_TEST((written == original), fixture << ": the bytes differ");
        }
        // The text and the compression each match on their own.
        const std::string plain = read_text_file(fixtures / (name + ".plain.scfg"));
        const auto config = v1::read_controller_file(fixtures / (name + ".plain.scfg"));
        BOOST_TEST((v1::to_text(config) == plain));
        BOOST_TEST((spark::runtime::detail::xz_compress(plain, name) ==
                    read_text_file(fixtures / (name + ".scfg"))));
    }
}

BOOST_AUTO_TEST_CASE(the_neuron_file_holds_its_modules_ports_and_fields) {
    const auto read = v1::read_controller_file(fixtures / "alif_mod_neuron.scfg");
    BOOST_TEST_REQUIRE(std::holds_alternative<v1::neuron_config>(read));
    const auto& neuron = std::get<v1::neuron_config>(read);
    BOOST_TEST(neuron.type == "neuron_config");
    BOOST_TEST(names(neuron.modules_specs) ==
                   (std::vector<std::string>{"delays", "plasticity", "soma", "synapses"}),
               boost::test_tools::per_element());
    BOOST_TEST(neuron.seed == 1041814402);
    BOOST_TEST(neuron.dt == 1.0);
    BOOST_TEST(neuron.units.empty());
    BOOST_TEST(neuron.inhibitory_rate == 0.2);
    BOOST_TEST(count_port_maps(neuron.modules_specs) == 9U);

    const auto& delays = neuron.modules_specs[0];
    BOOST_TEST(delays.module_cls.type == "n2n_delays");
    BOOST_TEST((delays.module_cls.registry == v1::subregistry::modules));
    BOOST_TEST(delays.config.at("max_delay").as_double() == 8.0);
    BOOST_TEST(delays.config.at("delays").at("__type__").as_string() ==
               "uniform_initializer_config");

    const auto& plasticity = neuron.modules_specs[1];
    std::vector<std::string> ports;
    std::vector<std::string> sources;
    for (const auto& [port, list] : plasticity.inputs) {
        ports.push_back(port);
        for (const auto& source : origins(list)) {
            sources.push_back(source);
        }
    }
    BOOST_TEST(ports ==
                   (std::vector<std::string>{"modulation", "pre_spikes", "post_spikes", "kernel"}),
               boost::test_tools::per_element());
    BOOST_TEST(sources == (std::vector<std::string>{"__call__.modulation",
                                                    "delays.out_spikes",
                                                    "soma.spikes",
                                                    "synapses.kernel (property)"}),
               boost::test_tools::per_element());

    const auto& soma = neuron.modules_specs[2];
    BOOST_TEST_REQUIRE(soma.inputs.size() == 2U);
    BOOST_TEST(soma.inputs[1].first == "inhibition_mask");
    BOOST_TEST(origins(soma.inputs[1].second) ==
                   (std::vector<std::string>{"__self__.inhibition_mask (property)"}),
               boost::test_tools::per_element());
    BOOST_TEST_REQUIRE(soma.outputs.size() == 1U);
    BOOST_TEST(soma.outputs[0].first == "out_spikes");
    BOOST_TEST(soma.outputs[0].second == "spikes");
    BOOST_TEST(soma.effects.empty());

    const auto& synapses = neuron.modules_specs[3];
    BOOST_TEST_REQUIRE(synapses.effects.size() == 1U);
    BOOST_TEST(synapses.effects[0].first == "kernel");
    BOOST_TEST(origins(synapses.effects[0].second) ==
                   (std::vector<std::string>{"plasticity.kernel"}),
               boost::test_tools::per_element());
    BOOST_TEST(synapses.config.at("units").as_array().size() == 1U);

    BOOST_TEST(v1::controller_inputs(neuron.modules_specs) ==
                   (std::vector<std::string>{"in_spikes", "modulation"}),
               boost::test_tools::per_element());
    BOOST_TEST(v1::controller_outputs(neuron.modules_specs) ==
                   (std::vector<std::string>{"out_spikes"}),
               boost::test_tools::per_element());
    std::vector<std::string> gui_ports;
    for (const auto& entry : neuron.meta.graph_editor_metadata.as_object()) {
        gui_ports.emplace_back(entry.key());
    }
    BOOST_TEST(gui_ports == (std::vector<std::string>{
                                "in_spikes", "out_spikes", "inhibition_mask", "modulation"}),
               boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(the_brain_file_holds_its_modules_wiring_and_neuron_children) {
    const auto read = v1::read_controller_file(fixtures / "ab_brain.scfg");
    BOOST_TEST_REQUIRE(std::holds_alternative<v1::brain_config>(read));
    const auto& brain = std::get<v1::brain_config>(read);
    BOOST_TEST(names(brain.modules_specs) == (std::vector<std::string>{"A_excitatory",
                                                                       "B_excitatory",
                                                                       "A_inhibitory",
                                                                       "B_inhibitory",
                                                                       "spiker",
                                                                       "integrator"}),
               boost::test_tools::per_element());
    BOOST_TEST(brain.seed == 1805829445);
    BOOST_TEST(count_port_maps(brain.modules_specs) == 17U);
    BOOST_TEST(
        v1::controller_inputs(brain.modules_specs) ==
            (std::vector<std::string>{"mod_a_ex", "mod_b_ex", "mod_a_in", "mod_b_in", "signal"}),
        boost::test_tools::per_element());
    BOOST_TEST(v1::controller_outputs(brain.modules_specs) == (std::vector<std::string>{"action"}),
               boost::test_tools::per_element());
    BOOST_TEST(origins(brain.modules_specs[0].inputs[0].second) ==
                   (std::vector<std::string>{
                       "spiker.spikes", "A_excitatory.out_spikes", "B_inhibitory.out_spikes"}),
               boost::test_tools::per_element());
    BOOST_TEST(brain.modules_specs[4].module_cls.type == "topological_linear_spiker");
    BOOST_TEST(brain.modules_specs[4].config.at("seed").as_int64() == 3297928496);
    BOOST_TEST(brain.modules_specs[4].config.at("mins").at("data").as_int64() == -1);
    BOOST_TEST(brain.modules_specs[5].config.at("output_map").is_null());

    // Each population's config is a whole neuron config, untagged; read as one, it has the
    // neuron's four modules and nine port maps, and writes back to the same JSON.
    const std::vector<std::uint32_t> units = {256, 256, 64, 64};
    const std::vector<double> rates = {0.0, 0.0, 1.0, 1.0};
    std::size_t port_maps = count_port_maps(brain.modules_specs);
    std::size_t leaves = 2;
    for (std::size_t i = 0; i < 4; ++i) {
        const auto& child = brain.modules_specs[i];
        BOOST_TEST(child.module_cls.type == "alif_mod_neuron");
        BOOST_TEST((child.module_cls.registry == v1::subregistry::neurons));
        const auto neuron =
            v1::read_neuron_fields(child.config,
                                   "brain/modules_specs[" + std::to_string(i) + "]/config",
                                   "alif_mod_neuron_config");
        BOOST_TEST(names(neuron.modules_specs) ==
                       (std::vector<std::string>{"delays", "plasticity", "soma", "synapses"}),
                   boost::test_tools::per_element());
        BOOST_TEST(neuron.units == (std::vector<std::uint32_t>{units[i]}),
                   boost::test_tools::per_element());
        BOOST_TEST(neuron.inhibitory_rate == rates[i]);
        BOOST_TEST(neuron.modules_specs[1].config.at("pre_tau").at(0).as_double() ==
                   10.75268817204301);
        BOOST_TEST((v1::neuron_fields_json(neuron) == child.config), child.name);
        port_maps += count_port_maps(neuron.modules_specs);
        leaves += neuron.modules_specs.size();
    }
    BOOST_TEST(port_maps == 53U); // upstream's tutorial brain has 53
    BOOST_TEST(leaves == 18U);
}

BOOST_AUTO_TEST_CASE(the_writer_writes_from_the_structures_in_upstreams_key_order) {
    // Built here, not read: nothing to copy from. is_property is written when false too; outputs
    // and effects as {} when empty; the four metadata keys first.
    v1::neuron_config neuron;
    neuron.type = "my_neuron_config";
    neuron.seed = 7;
    neuron.dt = 0.5;
    neuron.units = {3};
    neuron.inhibitory_rate = 0.0;
    v1::module_specs soma;
    soma.name = "soma";
    soma.module_cls = {"leaky_soma", v1::subregistry::modules};
    soma.inputs = {{"current", {{"__call__", "current", false}}},
                   {"inhibition_mask", {{"__self__", "inhibition_mask", true}}}};
    soma.config["seed"] = 1;
    soma.config["threshold"] = -40.0;
    soma.outputs = {{"out", "spikes"}};
    neuron.modules_specs.push_back(soma);
    const std::string expected = R"({
    "__type__": "my_neuron_config",
    "__cfg__": {
        "__config_delimiter__": "__",
        "__shared_config_delimiter__": "_s_",
        "__metadata__": {},
        "__graph_editor_metadata__": {},
        "modules_specs": [
            {
                "__type__": "module_specs",
                "__data__": {
                    "name": "soma",
                    "module_cls": {
                        "__module_type__": "leaky_soma",
                        "__subregistry__": "MODULES"
                    },
                    "inputs": {
                        "current": [
                            {
                                "__type__": "port_map",
                                "__data__": {
                                    "origin": "__call__",
                                    "port": "current",
                                    "is_property": false
                                }
                            }
                        ],
                        "inhibition_mask": [
                            {
                                "__type__": "port_map",
                                "__data__": {
                                    "origin": "__self__",
                                    "port": "inhibition_mask",
                                    "is_property": true
                                }
                            }
                        ]
                    },
                    "config": {
                        "seed": 1,
                        "threshold": -40.0
                    },
                    "outputs": {
                        "out": "spikes"
                    },
                    "effects": {}
                }
            }
        ],
        "seed": 7,
        "dt": 0.5,
        "units": [
            3
        ],
        "inhibitory_rate": 0.0
    }
})";
    BOOST_TEST(v1::to_text(neuron) == expected);

    // A change to the structures read from a fixture shows in the text written.
    auto read =
        std::get<v1::neuron_config>(v1::read_controller_file(fixtures / "alif_mod_neuron.scfg"));
    const std::string before = v1::to_text(read);
    read.modules_specs[2].inputs[1].second[0].is_property = false;
    const std::string after = v1::to_text(read);
    BOOST_TEST(after.size() == before.size() + 1); // "true" -> "false"
    BOOST_TEST(std::count(after.begin(), after.end(), 't') + 1 ==
               std::count(before.begin(), before.end(), 't'));
}

BOOST_AUTO_TEST_CASE(optional_keys_take_upstreams_defaults) {
    // is_property, outputs, effects left out (files of earlier 1.0 drafts); dt, units and
    // inhibitory_rate left out: upstream's defaults, written back in full.
    const auto read = v1::read_controller(json::parse(
        R"({"__type__": "neuron_config", "__cfg__": {"modules_specs": [)" +
        module("soma", R"("inputs": {"current": [)" + port_map_of_soma + R"(]}, "config": {})") +
        R"(], "seed": 3}})"));
    const auto& neuron = std::get<v1::neuron_config>(read);
    BOOST_TEST(neuron.dt == 1.0);
    BOOST_TEST(neuron.inhibitory_rate == 0.2);
    BOOST_TEST(neuron.units.empty());
    BOOST_TEST_REQUIRE(neuron.modules_specs.size() == 1U);
    BOOST_TEST(neuron.modules_specs[0].inputs[0].second[0].is_property == false);
    BOOST_TEST(neuron.modules_specs[0].outputs.empty());
    const std::string text = v1::to_text(read);
    BOOST_TEST(text.find("\"is_property\": false") != std::string::npos);
    BOOST_TEST(text.find("\"inhibitory_rate\": 0.2\n") != std::string::npos);
    BOOST_TEST(text.find("\"effects\": {}") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(every_problem_is_reported_with_its_path) {
    const std::string text =
        R"({"__type__": "neuron_config", "__cfg__": {"modules_specs": [)" +
        // [0] fine
        module("soma", R"("inputs": {}, "config": {})") + ", " +
        // [1] no __subregistry__, a port_map without origin, one without port, a typo
        R"({"__type__": "module_specs", "__data__": {"name": "syn", "module_cls": {"__module_type__": "linear_synapses"},)"
        R"( "inputs": {"spikes": [{"__type__": "port_map", "__data__": {"port": "x"}}, {"__type__": "port_map", "__data__": {"origin": "soma"}}]},)"
        R"( "config": {}, "otputs": {}}}, )"
        // [2] an unknown registry, and the name of an earlier module
        R"({"__type__": "module_specs", "__data__": {"name": "soma", "module_cls": {"__module_type__": "x", "__subregistry__": "SYNAPSES"}, "inputs": {}, "config": {}}}, )"
        // [3] a port_map where a module_specs belongs; [4] an untagged object; [5] a number
        + port_map_of_soma + R"(, {"name": "a"}, 5, )" +
        // [6] a config field's name; [7] an origin keyword
        module("units", R"("inputs": {}, "config": {})") + ", " +
        module("__call__", R"("inputs": {}, "config": {})") + R"(], "seed": 1}})";
    const std::vector<std::string> expected = {
        "neuron/modules_specs[1]/otputs: unknown key 'otputs'; did you mean 'outputs' or 'inputs'?",
        "neuron/modules_specs[1]/module_cls/__subregistry__: is missing; upstream 1.0 looks the "
        "type up in the registry it names (af523a5 files have none): add \"__subregistry__\": "
        "\"NEURONS\" for a neuron type (such as alif_neuron or a neuron registered from a file), "
        "\"MODULES\" for any other module",
        "neuron/modules_specs[1]/inputs/spikes[0]/origin: is missing; a port_map names where its "
        "value comes from: a module of this controller, \"__call__\" (a controller input) or "
        "\"__self__\" (the controller itself)",
        "neuron/modules_specs[1]/inputs/spikes[1]/port: is missing; a port_map names the output "
        "port or property of its origin it reads",
        "neuron/modules_specs[2]/module_cls/__subregistry__: must be \"MODULES\" (a module) or "
        "\"NEURONS\" (a neuron type), got \"SYNAPSES\"",
        "neuron/modules_specs[3]/__type__: must be \"module_specs\", got \"port_map\"",
        "neuron/modules_specs[4]: must be a tagged module_specs object {\"__type__\": "
        "\"module_specs\", \"__data__\": {\"name\": ..., \"module_cls\": ..., \"inputs\": ..., "
        "\"config\": ..., \"outputs\": ..., \"effects\": ...}}, got an object without \"__type__\"",
        "neuron/modules_specs[5]: must be a tagged module_specs object {\"__type__\": "
        "\"module_specs\", \"__data__\": {\"name\": ..., \"module_cls\": ..., \"inputs\": ..., "
        "\"config\": ..., \"outputs\": ..., \"effects\": ...}}, got a number",
        "neuron/modules_specs[2]/name: \"soma\" is also the name of modules_specs[0]; the modules "
        "of a controller need distinct names (upstream makes each an attribute of the "
        "controller): rename one",
        "neuron/modules_specs[6]/name: \"units\" is the name of a neuron config field; upstream "
        "passes a field's value to the module of the same name as config keys when it builds the "
        "config and fails on it: rename the module",
        "neuron/modules_specs[7]/name: \"__call__\" is reserved: as a port_map origin "
        "\"__call__\" means the controller's inputs and \"__self__\" the controller itself: "
        "rename the module",
    };
    BOOST_TEST(problems(text) == expected, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(controller_level_problems_are_reported_with_their_paths) {
    BOOST_TEST(
        problems(
            R"({"__type__": "brain_config", "__cfg__": {"modules_specs": {}, "seed": 1.5, "dt": "1"}})") ==
            (std::vector<std::string>{
                "brain/modules_specs: must be a list of tagged module_specs objects, got an "
                "object",
                "brain/seed: must be an integer, got 1.5",
                "brain/dt: must be a number, got a string"}),
        boost::test_tools::per_element());
    BOOST_TEST(
        problems(R"({"__type__": "brain_config", "__cfg__": {"input_map": {}, "dt": 1.0}})") ==
            (std::vector<std::string>{
                "brain/input_map: unknown key 'input_map'; expected '__config_delimiter__', "
                "'__shared_config_delimiter__', '__metadata__', '__graph_editor_metadata__', "
                "'modules_specs', 'seed' or 'dt'",
                "brain/modules_specs: is missing; a controller lists its modules there, each "
                "a tagged module_specs",
                "brain/seed: is missing; upstream would draw a random one, so no two runs "
                "would agree: write one, e.g. \"seed\": 42"}),
        boost::test_tools::per_element());
    // A brain has no units: a module may be called so there, and a brain rejects the field.
    BOOST_TEST(
        problems(R"({"__type__": "brain_config", "__cfg__": {"modules_specs": [)" +
                 module("units", R"("inputs": {}, "config": {})") +
                 R"(], "seed": 1, "units": [2]}})") ==
            (std::vector<std::string>{
                "brain/units: unknown key 'units'; expected '__config_delimiter__', "
                "'__shared_config_delimiter__', '__metadata__', '__graph_editor_metadata__', "
                "'modules_specs', 'seed' or 'dt'"}),
        boost::test_tools::per_element());
    BOOST_TEST(
        problems(
            R"({"__type__": "neuron_config", "__cfg__": {"modules_specs": [], "seed": 1, "units": [2, -1, "a"]}})") ==
            (std::vector<std::string>{
                "neuron/units[1]: a dimension must be an integer in [0, 2^32), got -1",
                "neuron/units[2]: a dimension must be an integer in [0, 2^32), got a string"}),
        boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(a_neuron_seed_is_any_unsigned_64_bit_seed_a_brain_seed_an_int64) {
    // A neuron's seed draws its inhibitory neurons like any module seed, so it takes every seed
    // ours derive (spark convert writes them); the brain's keeps upstream's range.
    const std::string neuron_text =
        R"({"__type__": "neuron_config", "__cfg__": {"modules_specs": [], "seed": 18446744073709551615}})";
    const auto neuron = std::get<v1::neuron_config>(v1::read_controller(json::parse(neuron_text)));
    BOOST_TEST(neuron.seed == 18446744073709551615ULL);
    BOOST_TEST(v1::to_text(neuron).find("\"seed\": 18446744073709551615,") != std::string::npos);
    BOOST_TEST(
        problems(
            R"({"__type__": "neuron_config", "__cfg__": {"modules_specs": [], "seed": -1}})") ==
            (std::vector<std::string>{"neuron/seed: must be an integer in [0, 2^64), got -1"}),
        boost::test_tools::per_element());
    BOOST_TEST(
        problems(
            R"({"__type__": "brain_config", "__cfg__": {"modules_specs": [], "seed": 9223372036854775808}})") ==
            (std::vector<std::string>{
                "brain/seed: must be an integer below 2^63, got 9223372036854775808"}),
        boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(compat_mode_drops_unknown_keys_and_keeps_the_rest) {
    const std::string text = R"({"__type__": "brain_config", "__cfg__": {"modules_specs": [)" +
                             module("soma", R"("inputs": {}, "config": {}, "extra": 1)") +
                             R"(], "seed": 1, "stale": true}})";
    BOOST_TEST(problems(text).size() == 2U);
    const auto read = v1::read_controller(json::parse(text), config_mode::compat);
    BOOST_TEST(std::get<v1::brain_config>(read).modules_specs.size() == 1U);
    BOOST_TEST(v1::to_text(read).find("stale") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(a_files_schema_is_told_by_its_keys) {
    const auto schema_of = [](const std::filesystem::path& file) {
        return recognise_schema(
            spark::runtime::detail::parse_json_exact(
                spark::runtime::detail::read_scfg_text(file, {}), file.string(), {}),
            file.string());
    };
    BOOST_TEST((schema_of(SPARK_EXAMPLE_BRAIN) == scfg_schema::af523a5));
    BOOST_TEST((schema_of(SPARK_UPSTREAM_TUTORIAL_BRAIN) == scfg_schema::af523a5));
    for (const char* name : {"alif_mod_neuron.scfg",
                             "alif_mod_neuron.plain.scfg",
                             "ab_brain.scfg",
                             "ab_brain.plain.scfg"}) {
        BOOST_TEST((schema_of(fixtures / name) == scfg_schema::upstream_1_0), name);
    }
    const auto schema = [](const std::string& text) {
        return recognise_schema(json::parse(text), "f.scfg");
    };
    // A module config file reads as today; a generated neuron config with modules_specs is 1.0,
    // and so is anything with a __subregistry__, at any depth; a version wrapper is looked through.
    BOOST_TEST((schema(R"({"__type__": "leaky_soma_config", "__cfg__": {"seed": 1}})") ==
                scfg_schema::af523a5));
    BOOST_TEST(
        (schema(R"({"__type__": "alif_mod_neuron_config", "__cfg__": {"modules_specs": []}})") ==
         scfg_schema::upstream_1_0));
    BOOST_TEST((
        schema(
            R"({"__type__": "x_config", "__cfg__": {"a": [{"b": {"__module_type__": "n", "__subregistry__": "NEURONS"}}]}})") ==
        scfg_schema::upstream_1_0));
    BOOST_TEST((
        schema(
            R"({"__version__": "2.0", "__data__": {"__type__": "brain_config", "__cfg__": {"modules_map": {}}}})") ==
        scfg_schema::af523a5));

    const std::string both =
        "af523a5's brain_config has \"input_map\", \"output_map\" and \"modules_map\" in its "
        "\"__cfg__\"; upstream 1.0's brain_config and neuron_config have \"modules_specs\", "
        "\"seed\" and \"dt\" (a neuron config also \"units\" and \"inhibitory_rate\"), and every "
        "\"module_cls\" in it has \"__subregistry__\"";
    BOOST_TEST(
        unrecognised(R"({"__type__": "brain_config", "__cfg__": {"modules": {}, "seed": 1}})") ==
        "f.scfg: is a brain_config of neither schema: its \"__cfg__\" has the keys "
        "\"modules\", \"seed\"; " +
            both);
    BOOST_TEST(unrecognised(R"({"__type__": "neuron_config", "__cfg__": {}})") ==
               "f.scfg: is a neuron_config of neither schema: its \"__cfg__\" has no keys; " +
                   both);
    BOOST_TEST(
        unrecognised(
            R"({"__type__": "brain_config", "__cfg__": {"modules_map": {"a": {"module_cls": {"__module_type__": "n", "__subregistry__": "MODULES"}}}, "input_map": {}}})") ==
        "f.scfg: mixes the two schemas: it has af523a5's \"input_map\" in \"__cfg__\", "
        "\"modules_map\" in \"__cfg__\" and upstream 1.0's \"__subregistry__\" in "
        "\"__cfg__/modules_map/a/module_cls\"; a file follows one of them: " +
            both);
    BOOST_TEST(unrecognised("[1]") ==
               "f.scfg: is not a config file: a .scfg file holds one JSON object {\"__type__\": "
               "\"<name>_config\", \"__cfg__\": {...}}, got an array");
    BOOST_TEST(unrecognised(R"({"__type__": "brain", "__cfg__": {}})") ==
               "f.scfg: is not a config file: its \"__type__\" must name a config "
               "(\"brain_config\", \"neuron_config\" or \"<module>_config\"), got \"brain\"");
    BOOST_TEST(unrecognised(R"({"__type__": "brain_config"})") ==
               "f.scfg: is not a config file: a brain_config needs a \"__cfg__\" object holding "
               "its fields, got none");

    // The file reader refuses an af523a5 file, naming the reader that takes it.
    BOOST_CHECK_EXCEPTION((void)v1::read_controller_file(SPARK_EXAMPLE_BRAIN),
                          config_error,
                          [](const config_error& e) {
                              return e.issues().size() == 1U &&
                                     e.issues()[0].path == SPARK_EXAMPLE_BRAIN &&
                                     e.issues()[0].message.find(
                                         "follows af523a5's schema, not upstream 1.0's; read it "
                                         "with brain_config::from_file") == 0;
                          });
}

BOOST_AUTO_TEST_CASE(a_failed_write_leaves_the_old_file_and_no_temporary) {
    const spark::test::scratch_dir dir;
    const auto config = v1::read_controller_file(fixtures / "alif_mod_neuron.scfg");
    const auto target = dir / "taken.scfg"; // a folder with content: the rename cannot replace it
    std::filesystem::create_directory(target);
    write_text_file(target / "keep", "kept");
    BOOST_CHECK_EXCEPTION(
        v1::write_controller_file(target, config), config_error, [&](const config_error& e) {
            return e.issues()[0].path == target.string() &&
                   e.issues()[0].message.find("cannot replace the file: ") == 0;
        });
    BOOST_TEST(read_text_file(target / "keep") == "kept");
    BOOST_TEST(std::distance(std::filesystem::directory_iterator(dir.path()),
                             std::filesystem::directory_iterator()) == 1);
}

BOOST_AUTO_TEST_SUITE_END()
