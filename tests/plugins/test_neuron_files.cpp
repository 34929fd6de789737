// SPDX-License-Identifier: Apache-2.0
// Neuron files registered as types (docs/adr/0014-neuron-files.md): upstream's tutorial neuron
// (tests/data/upstream-v1/alif_mod_neuron.scfg: n2n delays, traced synapses, an adaptive leaky
// soma and the quadruplet tensor rule with modulation) becomes file.alif_mod_neuron with the
// ports, properties and provenance upstream derives, runs with the same bits as the fused
// spark.alif_neuron given the same parts, and every broken file is refused with its path.
#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

#include <spark/registry/errors.hpp>
#include <spark/runtime/brain.hpp>
#include <spark/runtime/brain_config.hpp>
#include <spark/runtime/errors.hpp>
#include <spark/runtime/neuron_files.hpp>

#include "config/exact_json.hpp"
#include "config/file_module_config.hpp"
#include "config/scfg_file.hpp"
#include "fixtures.hpp"
#include "issue_helpers.hpp"
#include "models_fixture.hpp"
#include "neurons/neuron_definition.hpp"
#include "neurons/upstream_1_0_defaults.hpp"

namespace fs = std::filesystem;
using spark::test::any_issue;
using spark::test::issues_text;
namespace json = boost::json;
using spark::runtime::config_error;
using spark::runtime::register_neuron_file;
using spark::runtime::register_neuron_files;
using spark::test::models_fixture;
using spark::test::port;
using spark::test::running_module;

namespace {

const fs::path fixtures = fs::path(SPARK_TEST_DATA_DIR) / "upstream-v1";
const fs::path neuron_file = fixtures / "alif_mod_neuron.plain.scfg";

json::object neuron_document() {
    return spark::runtime::detail::parse_json_exact(
               spark::test::read_text_file(neuron_file), neuron_file.string(), {})
        .as_object();
}

/// The fixture's modules_specs entry named `name` (its "__data__").
json::object& part(json::object& document, const std::string& name) {
    for (auto& item : document["__cfg__"].as_object()["modules_specs"].as_array()) {
        auto& data = item.as_object()["__data__"].as_object();
        if (data["name"].as_string() == name) {
            return data;
        }
    }
    throw std::runtime_error("no part " + name);
}

json::value port_map(const std::string& origin, const std::string& port, bool property = false) {
    return json::object{
        {"__type__", "port_map"},
        {"__data__", json::object{{"origin", origin}, {"port", port}, {"is_property", property}}}};
}

/// Registers `document` (written to a scratch file) and returns every problem, or none.
std::vector<spark::runtime::config_issue>
problems_of(models_fixture& f, const json::object& document, const std::string& name = "broken") {
    spark::test::scratch_dir dir;
    const auto file = dir / (name + ".scfg");
    spark::test::write_text_file(file, json::serialize(document));
    try {
        (void)register_neuron_file(f.registry, name, file);
    } catch (const config_error& e) {
        return e.issues();
    }
    return {};
}

} // namespace

BOOST_FIXTURE_TEST_SUITE(neuron_files, models_fixture)

BOOST_AUTO_TEST_CASE(a_neuron_file_is_a_type_with_upstreams_ports_and_properties) {
    const auto& type = register_neuron_file(registry, "ALIFModNeuron", neuron_file);
    BOOST_TEST(type.canonical_id == "file.alif_mod_neuron"); // upstream's normalize_str
    BOOST_TEST(&registry.resolve("alif_mod_neuron") == &type);
    BOOST_TEST(type.abi->kind == SPARK_KIND_NEURON);
    BOOST_TEST(type.plugin->file == fs::canonical(neuron_file));
    BOOST_TEST(type.plugin->sha256 == spark::registry::file_sha256(neuron_file));
    // Controller inputs in order of first appearance: delays' in_spikes, then the rule's
    // modulation; the one output is the soma's spikes, shaped like units.
    BOOST_TEST_REQUIRE(type.abi->port_count == 3U);
    BOOST_TEST(std::string(type.abi->ports[0].name) == "in_spikes");
    BOOST_TEST(type.abi->ports[0].payload_kind == SPARK_PAYLOAD_SPIKES);
    BOOST_TEST(std::string(type.abi->ports[1].name) == "modulation");
    BOOST_TEST(type.abi->ports[1].payload_kind == SPARK_PAYLOAD_FLOAT);
    BOOST_TEST(std::string(type.abi->ports[2].name) == "out_spikes");
    BOOST_TEST(type.abi->ports[2].direction == SPARK_PORT_OUTPUT);
    BOOST_TEST(type.abi->ports[2].shape_rule == SPARK_SHAPE_FROM_FIELD);
    // Upstream 1.0's names for the neuron's and its parts' properties.
    std::vector<std::string> properties;
    for (const auto& p : spark::registry::declared_properties(type)) {
        properties.emplace_back(p.name);
    }
    std::sort(properties.begin(), properties.end());
    const std::vector<std::string> expected = {
        "delays.kernel", "inhibition_mask", "soma.potential", "synapses.kernel"};
    BOOST_TEST(properties == expected, boost::test_tools::per_element());
    BOOST_TEST(spark::registry::capabilities(type)->has_contract);
}

BOOST_AUTO_TEST_CASE(a_name_in_use_is_refused) {
    (void)register_neuron_file(registry, "alif_mod_neuron", neuron_file);
    BOOST_CHECK_EXCEPTION((void)register_neuron_file(registry, "alif_mod_neuron", neuron_file),
                          spark::registry::collision_error,
                          [](const auto& e) {
                              return std::string(e.what()).find("already in use by "
                                                                "file.alif_mod_neuron") !=
                                     std::string::npos;
                          });
    // A file cannot take a name Spark's plugin offers: a bare name keeps its meaning.
    BOOST_CHECK_EXCEPTION((void)register_neuron_file(registry, "lif_neuron", neuron_file),
                          spark::registry::collision_error,
                          [](const auto& e) {
                              return std::string(e.what()).find("spark.lif_neuron") !=
                                     std::string::npos;
                          });
    BOOST_CHECK_THROW((void)register_neuron_file(registry, "2fast", neuron_file), spark::error);
}

BOOST_AUTO_TEST_CASE(it_runs_with_the_same_bits_as_the_fused_neuron_of_the_same_parts) {
    // The tutorial neuron with stronger weights, so that it fires under this test's input.
    auto document = neuron_document();
    auto& kernel = part(document, "synapses")["config"].as_object()["kernel"].as_object();
    kernel["__cfg__"].as_object()["scale"] = 3000.0;
    kernel["__cfg__"].as_object()["density"] = 0.5;
    spark::test::scratch_dir dir;
    spark::test::write_text_file(dir / "strong.scfg", json::serialize(document));
    (void)register_neuron_file(registry, "alif_mod_neuron", dir / "strong.scfg");
    // The fused spark.alif_neuron with the file's parts, configs and seeds in its part fields.
    json::object fused{{"units", json::array{12}}, {"seed", 77}, {"inhibitory_rate", 0.25}};
    const std::pair<const char*, const char*> roles[] = {{"delays", "delays"},
                                                         {"synapses", "synapses"},
                                                         {"soma", "soma"},
                                                         {"plasticity", "learning_rule"}};
    std::vector<spark::runtime::config_issue> issues;
    for (const auto& [name, field] : roles) {
        auto copy = document;
        const auto& data = part(copy, name);
        auto converted = spark::runtime::detail::module_config_from_file(
            data.at("config"), name, spark::runtime::config_mode::strict, issues);
        auto object = json::parse(converted.config_json).as_object();
        const auto& type =
            registry.resolve(data.at("module_cls").at("__module_type__").as_string());
        spark::runtime::detail::apply_upstream_1_0_defaults(type, object);
        object["__class_ref__"] = type.canonical_id;
        object.erase("units");
        object.erase("__config_delimiter__");
        object.erase("__shared_config_delimiter__");
        object.erase("__metadata__");
        fused[field] = object;
    }
    BOOST_TEST_REQUIRE(issues.empty(), issues_text(issues));
    constexpr std::uint32_t n_pre = 20;
    const std::vector<spark_port_spec_t> in = {port(SPARK_PAYLOAD_SPIKES, SPARK_DTYPE_U8, {n_pre}),
                                               port(SPARK_PAYLOAD_FLOAT, SPARK_DTYPE_F32, {1})};
    running_module fast(*this, "alif_neuron", json::serialize(fused), in, 1);
    // The file's neuron is the fused alif_neuron in disguise, so it runs fused; its parts run the
    // same step as a composition.
    const auto& file_type = registry.resolve("alif_mod_neuron");
    const auto* definition = spark::runtime::detail::neuron_definition_of(file_type);
    BOOST_TEST_REQUIRE(definition != nullptr);
    BOOST_TEST_REQUIRE(definition->runs_fused_as() != nullptr);
    BOOST_TEST(definition->runs_fused_as()->vendor() == "spark");
    const std::string own = R"({"units": [12], "seed": 77, "inhibitory_rate": 0.25})";
    running_module file(*this, "alif_mod_neuron", own, in, 1);
    running_module parts(config("alif_mod_neuron", own), in, 1, [&](auto& cfg) {
        const auto composed = definition->compose_parts(cfg.abi());
        return registry.create_composite(cfg.type(), composed.parts, cfg.abi(), "parts");
    });
    std::uint64_t seed = 11;
    std::size_t spikes = 0;
    for (std::uint64_t k = 0; k < 200; ++k) {
        for (std::uint32_t i = 0; i < n_pre; ++i) {
            seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
            const auto r = (seed >> 33) % 10;
            // Every tenth presynaptic neuron inhibitory, at every step (as every source's bits).
            const auto s = static_cast<std::uint8_t>((r < 4 ? 1U : 0U) | (i % 10 == 9 ? 2U : 0U));
            fast.in<std::uint8_t>(0)[i] = s;
            file.in<std::uint8_t>(0)[i] = s;
            parts.in<std::uint8_t>(0)[i] = s;
        }
        const float m = k < 100 ? 1.0F : -0.5F; // the rule's third factor
        fast.in<float>(1)[0] = m;
        file.in<float>(1)[0] = m;
        parts.in<float>(1)[0] = m;
        fast.step(k);
        file.step(k);
        parts.step(k);
        const auto a = fast.out<std::uint8_t>(0);
        const auto b = file.out<std::uint8_t>(0);
        const auto c = parts.out<std::uint8_t>(0);
        for (const auto x : a) {
            spikes += x & 1U;
        }
        BOOST_TEST_CONTEXT("step " << k) {
            BOOST_TEST(std::vector<int>(a.begin(), a.end()) == std::vector<int>(b.begin(), b.end()),
                       boost::test_tools::per_element());
            BOOST_TEST(std::vector<int>(a.begin(), a.end()) == std::vector<int>(c.begin(), c.end()),
                       boost::test_tools::per_element());
        }
    }
    // 3 of 12 neurons are inhibitory (floor(12 x 0.25)): their spikes carry bit1 at every step.
    std::size_t inhibitory = 0;
    for (const auto x : parts.out<std::uint8_t>(0)) {
        inhibitory += (x & 2U) != 0 ? 1U : 0U;
    }
    BOOST_TEST(inhibitory == 3U);
    BOOST_TEST(spikes > 50U, "the neuron fired " << spikes << " times; drive it harder");
}

BOOST_AUTO_TEST_CASE(broken_neuron_files_are_refused_with_every_problem_and_its_path) {
    {
        // A part that is the neuron itself.
        auto doc = neuron_document();
        part(doc, "soma")["module_cls"] =
            json::object{{"__module_type__", "broken"}, {"__subregistry__", "NEURONS"}};
        const auto issues = problems_of(*this, doc);
        BOOST_TEST(any_issue(issues, "modules_specs[2]/module_cls", "names itself"),
                   issues_text(issues));
    }
    {
        // modules_specs that is no list, and an entry without module_cls.
        auto doc = neuron_document();
        doc["__cfg__"].as_object()["modules_specs"] = 5;
        const auto not_a_list = problems_of(*this, doc);
        BOOST_TEST(any_issue(not_a_list, "broken.scfg/modules_specs", "must be a list"),
                   issues_text(not_a_list));
        auto doc2 = neuron_document();
        part(doc2, "synapses").erase("module_cls");
        const auto issues = problems_of(*this, doc2);
        BOOST_TEST(any_issue(issues, "broken.scfg/modules_specs[3]/module_cls", "missing"),
                   issues_text(issues));
    }
    {
        // An effect writing a read-only property (the soma's potential).
        auto doc = neuron_document();
        part(doc, "soma")["effects"] =
            json::object{{"potential", json::array{port_map("plasticity", "kernel")}}};
        const auto issues = problems_of(*this, doc);
        BOOST_TEST(any_issue(issues, "modules_specs", "read-only"), issues_text(issues));
    }
    {
        // A cycle: the synapses read the soma's spikes, the soma the synapses' currents.
        auto doc = neuron_document();
        part(doc, "synapses")["inputs"] =
            json::object{{"spikes", json::array{port_map("soma", "spikes")}}};
        const auto issues = problems_of(*this, doc);
        BOOST_TEST(any_issue(issues, "modules_specs", "wait on each other"), issues_text(issues));
    }
    {
        // A port the part does not have, and a payload that does not fit.
        auto doc = neuron_document();
        part(doc, "soma")["inputs"].as_object()["curent"] =
            part(doc, "soma")["inputs"].as_object()["current"];
        part(doc, "soma")["inputs"].as_object().erase("current");
        part(doc, "synapses")["inputs"] =
            json::object{{"spikes", json::array{port_map("__call__", "modulation")}}};
        const auto issues = problems_of(*this, doc);
        BOOST_TEST(any_issue(issues, "modules_specs", "'curent' is not an input port"),
                   issues_text(issues));
        BOOST_TEST(any_issue(issues, "modules_specs", "feeds"), issues_text(issues));
    }
    // A brain is not a neuron.
    BOOST_CHECK_EXCEPTION((void)register_neuron_file(registry, "brain", fixtures / "ab_brain.scfg"),
                          config_error,
                          [](const auto& e) {
                              return std::string(e.what()).find("not a neuron") !=
                                     std::string::npos;
                          });
}

BOOST_AUTO_TEST_CASE(an_effect_of_the_wrong_shape_is_refused_when_the_neuron_is_built) {
    // synapses.kernel is (units, presynaptic) but the soma's potential output is (units,).
    auto doc = neuron_document();
    part(doc, "synapses")["effects"] =
        json::object{{"kernel", json::array{port_map("soma", "potential")}}};
    spark::test::scratch_dir dir;
    spark::test::write_text_file(dir / "wrong.scfg", json::serialize(doc));
    (void)register_neuron_file(registry, "wrong", dir / "wrong.scfg");
    const std::vector<spark_port_spec_t> in = {port(SPARK_PAYLOAD_SPIKES, SPARK_DTYPE_U8, {6}),
                                               port(SPARK_PAYLOAD_FLOAT, SPARK_DTYPE_F32, {1})};
    try {
        running_module m(*this, "wrong", R"({"units": [4]})", in, 1);
        BOOST_FAIL("a kernel effect of the wrong shape was accepted");
    } catch (const spark::error& e) {
        BOOST_TEST(std::string(e.what()).find("does not fit the property") != std::string::npos,
                   e.what());
    }
}

BOOST_AUTO_TEST_CASE(a_neuron_path_registers_its_folder_and_reports_what_fails) {
    spark::test::scratch_dir dir;
    fs::copy_file(neuron_file, dir / "alif_mod_neuron.scfg");
    fs::copy_file(fixtures / "ab_brain.scfg", dir / "ab_brain.scfg"); // a brain: skipped
    spark::test::write_text_file(dir / "torn.scfg", "{\"__type__\": \"neuron_config\", ");
    const auto failures = register_neuron_files(registry, {dir.path()});
    BOOST_TEST_REQUIRE(failures.size() == 1U);
    BOOST_TEST(failures[0].file.filename() == "torn.scfg");
    BOOST_TEST(registry.resolve("alif_mod_neuron").canonical_id == "file.alif_mod_neuron");
    BOOST_CHECK_THROW((void)registry.resolve("ab_brain"), spark::error);
}

BOOST_AUTO_TEST_SUITE_END()

namespace {

/// A 1.0 brain of one `neuron` module fed by brain input "spikes", its config `config`.
std::string one_neuron_brain(const std::string& neuron, const std::string& config) {
    return R"({"__type__": "brain_config", "__cfg__": {"__config_delimiter__": "__", )"
           R"("__shared_config_delimiter__": "_s_", "__metadata__": {}, )"
           R"("__graph_editor_metadata__": {}, "modules_specs": [{"__type__": "module_specs", )"
           R"("__data__": {"name": "pop", "module_cls": {"__module_type__": ")" +
           neuron +
           R"(", "__subregistry__": "NEURONS"}, "inputs": {"in_spikes": [{"__type__": )"
           R"("port_map", "__data__": {"origin": "__call__", "port": "spikes", )"
           R"("is_property": false}}]}, "config": )" +
           config +
           R"(, "outputs": {"out": "out_spikes"}, "effects": {}}}], "seed": 1, )"
           R"("dt": 1.0}})";
}

/// The value of float field `field` of the nested config in field `nested` of `config`.
double nested_float(const spark_config_t& config,
                    const spark_module_type_t& type,
                    std::string_view nested,
                    std::string_view field,
                    const spark::registry::plugin_registry& registry) {
    for (std::uint32_t f = 0; f < type.field_count; ++f) {
        if (nested != type.fields[f].name || config.values[f].config == nullptr) {
            continue;
        }
        const auto& inner = *config.values[f].config;
        const auto& inner_type = *registry.resolve(inner.class_ref).abi;
        for (std::uint32_t g = 0; g < inner_type.field_count; ++g) {
            if (field == inner_type.fields[g].name) {
                return inner.values[g].f;
            }
        }
    }
    throw std::runtime_error("no field " + std::string(nested) + "/" + std::string(field));
}

} // namespace

BOOST_FIXTURE_TEST_SUITE(upstream_v1_neurons, models_fixture)

BOOST_AUTO_TEST_CASE(a_1_0_file_gives_sparks_neurons_upstream_1_0s_default_parts) {
    // alif_neuron without its parts in a 1.0 file: 1.0's composition, traced synapses and the
    // Hebbian rule at eta 0.01 (af523a5's alif_neuron: linear synapses and Zenke's rule).
    auto config = spark::runtime::brain_config::from_json(
        one_neuron_brain("alif_neuron", R"({"units": [8], "seed": 5})"));
    config.set_input_shape("spikes", {16});
    const spark::runtime::brain brain(registry, config);
    const auto* definition =
        spark::runtime::detail::neuron_definition_of(*brain.modules().at(0).type);
    BOOST_TEST_REQUIRE(definition != nullptr);
    std::vector<std::string> parts;
    for (const auto& [name, type] : definition->parts()) {
        parts.push_back(name + "=" + type->canonical_id);
    }
    const std::vector<std::string> expected = {"delays=spark.n2n_delays",
                                               "synapses=spark.traced_synapses",
                                               "soma=spark.adaptive_leaky_soma",
                                               "hebbian_rule=spark.hebbian_rule"};
    BOOST_TEST(parts == expected, boost::test_tools::per_element());
    // The instance's rule runs with 1.0's eta where the file leaves it out, and the file's
    // own where it gives one (an af523a5 file keeps 0.1: test_hebbian_rule.cpp).
    BOOST_TEST_REQUIRE(definition->runs_fused_as() != nullptr);
    const spark::runtime::module_config instance(
        registry, *brain.modules().at(0).type, R"({"units": [8], "seed": 5})");
    const auto composed = definition->compose(instance.abi());
    BOOST_TEST(nested_float(*composed.single_config,
                            *composed.single_type->abi,
                            "learning_rule",
                            "eta",
                            registry) == 0.01);
}

BOOST_AUTO_TEST_SUITE_END()
