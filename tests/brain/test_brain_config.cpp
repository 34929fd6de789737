// SPDX-License-Identifier: Apache-2.0
// brain_config from and to `.scfg` JSON: a complete upstream-style file, the round trip, and each
// malformed variant with its exact message and path.
#include <fstream>
#include <string>
#include <vector>

#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

#include <spark/runtime/brain_config.hpp>
#include <spark/runtime/errors.hpp>

#include "brain_fixture.hpp"
#include "fixtures.hpp"
#include "log_capture.hpp"

using spark::runtime::brain_config;
using spark::runtime::config_error;
using spark::runtime::port_map;
using strings = std::vector<std::string>;
using spark::test::parse_issues;

namespace {

// Shaped like upstream af523a5 files: delimiters, GUI metadata at both levels, float16 dtypes.
const char* const good_file = R"({
    "__type__": "brain_config",
    "__cfg__": {
        "__config_delimiter__": "__",
        "__shared_config_delimiter__": "_s_",
        "__graph_editor_metadata__": {"drive": {"pos": [10, 20]}},
        "input_map": {
            "drive": {"__type__": "port_specs", "__data__": {
                "payload_type": {"__payload_type__": "float_array"},
                "shape": [4],
                "dtype": {"__type__": "dtype", "name": "float16"},
                "description": null}}
        },
        "output_map": {
            "action": {
                "input": {"__type__": "port_map", "__data__": {"origin": "total", "port": "out"}},
                "spec": {"__type__": "port_specs", "__data__": {
                    "payload_type": {"__payload_type__": "float_array"},
                    "shape": [8],
                    "dtype": {"__type__": "dtype", "name": "float32"},
                    "description": "the running totals"}}
            }
        },
        "modules_map": {
            "spikes": {"__type__": "module_specs", "__data__": {
                "name": "spikes",
                "module_cls": {"__module_type__": "random_spiker"},
                "inputs": {},
                "config": {"units": [2], "rate": 0.5, "seed": 7,
                           "__graph_editor_metadata__": {"pos": [1, 2]}}}},
            "total": {"__type__": "module_specs", "__data__": {
                "name": "total",
                "module_cls": {"__module_type__": "testcpp.accumulator"},
                "inputs": {"in": [
                    {"__type__": "port_map", "__data__": {"origin": "__call__", "port": "drive"}},
                    {"__type__": "port_map", "__data__": {"origin": "relay", "port": "out"}}]},
                "config": {"gain": 2.0, "dtype": {"__type__": "dtype", "name": "float16"}}}},
            "relay": {"__type__": "module_specs", "__data__": {
                "name": "relay",
                "module_cls": {"__module_type__": "relay"},
                "inputs": {"in": [
                    {"__type__": "port_map", "__data__": {"origin": "__call__", "port": "drive"}}]},
                "config": {}}}
        }
    }
})";

} // namespace

BOOST_FIXTURE_TEST_SUITE(brain_config_files, spark::test::brain_fixture)

BOOST_AUTO_TEST_CASE(reads_an_upstream_style_file) {
    const brain_config config = brain_config::from_json(good_file);
    BOOST_TEST_REQUIRE(config.input_map.size() == 1U);
    BOOST_TEST(config.input_map[0].first == "drive");
    const auto& drive = config.input_map[0].second;
    BOOST_TEST(drive.payload_type == "float_array");
    BOOST_TEST(drive.shape == std::vector<std::uint32_t>{4}, boost::test_tools::per_element());
    BOOST_TEST(drive.dtype == "float32"); // float16 runs in float32
    BOOST_TEST(drive.description.empty());
    BOOST_TEST_REQUIRE(config.output_map.size() == 1U);
    BOOST_TEST(config.output_map[0].first == "action");
    BOOST_TEST((config.output_map[0].second.input == port_map{"total", "out"}));
    BOOST_TEST(config.output_map[0].second.spec.description == "the running totals");
    BOOST_TEST_REQUIRE(config.modules_map.size() == 3U);
    BOOST_TEST(config.modules_map[0].name == "spikes"); // file order
    BOOST_TEST(config.modules_map[1].name == "total");
    BOOST_TEST(config.modules_map[2].name == "relay");
    BOOST_TEST(config.modules_map[0].class_ref == "random_spiker");
    BOOST_TEST(config.modules_map[0].inputs.empty());
    // GUI metadata is kept apart from the config; dtype tags become names.
    BOOST_TEST(config.modules_map[0].config_json == R"({"units":[2],"rate":0.5,"seed":7})");
    BOOST_TEST(config.modules_map[0].graph_editor_metadata_json == R"({"pos":[1,2]})");
    BOOST_TEST(config.modules_map[1].config_json == R"({"gain":2.0,"dtype":"float32"})");
    BOOST_TEST(config.modules_map[1].graph_editor_metadata_json.empty());
    const auto& inputs = config.modules_map[1].inputs;
    BOOST_TEST_REQUIRE(inputs.size() == 1U);
    BOOST_TEST(inputs[0].first == "in");
    BOOST_TEST_REQUIRE(inputs[0].second.size() == 2U);
    BOOST_TEST((inputs[0].second[0] == port_map{"__call__", "drive"}));
    BOOST_TEST((inputs[0].second[1] == port_map{"relay", "out"}));
    BOOST_TEST(config.graph_editor_metadata_json == R"({"drive":{"pos":[10,20]}})");
    BOOST_TEST(config.metadata_json == "{}");
    // One warning per float16, with its path.
    BOOST_TEST(spark::test::captured_log().contains(
        "spark.runtime", "brain/input_map/drive/dtype: float16 runs as float32"));
    BOOST_TEST(spark::test::captured_log().contains("spark.runtime",
                                                    "brain/total/dtype: float16 runs as float32"));
    BOOST_TEST(config.validate(registry).empty());
}

// An upstream file with stale keys (at the brain level and in a module config): strict mode (the
// default, for our files) lists each with its path; compat mode drops each with one warning.
BOOST_AUTO_TEST_CASE(compat_mode_drops_unknown_keys_with_a_warning_each) {
    std::string stale = good_file;
    const auto replace = [&](const std::string& from, const std::string& to) {
        const auto at = stale.find(from);
        BOOST_TEST_REQUIRE(at != std::string::npos);
        stale.replace(at, from.size(), to);
    };
    replace(R"("__shared_config_delimiter__": "_s_",)",
            R"("__shared_config_delimiter__": "_s_", "modules_specs": [],)");
    replace(R"("config": {"gain": 2.0,)", R"("config": {"gain": 2.0, "gain_tau": 5,)");

    BOOST_TEST(parse_issues(stale) ==
                   (strings{"brain/modules_specs: unknown key 'modules_specs'; expected "
                            "'input_map', 'output_map', 'modules_map', '__metadata__', "
                            "'__graph_editor_metadata__', '__config_delimiter__', "
                            "'__shared_config_delimiter__' or '__vendors__'"}),
               boost::test_tools::per_element());
    const brain_config strict = brain_config::from_json(good_file);
    BOOST_TEST((strict.mode == spark::runtime::config_mode::strict));

    const brain_config compat =
        brain_config::from_json(stale, "upstream.scfg", spark::runtime::config_mode::compat);
    BOOST_TEST((compat.mode == spark::runtime::config_mode::compat));
    BOOST_TEST(spark::test::captured_log().contains(
        "spark.runtime",
        "brain/modules_specs: unknown key 'modules_specs'; expected 'input_map', 'output_map', "
        "'modules_map', '__metadata__', '__graph_editor_metadata__', '__config_delimiter__', "
        "'__shared_config_delimiter__' or '__vendors__' (dropped in compat mode)"));
    // The module config's stale field is dropped when the brain builds its configs.
    BOOST_TEST(compat.validate(registry).empty());
    BOOST_TEST(spark::test::captured_log().contains(
        "spark.runtime", "brain/total/gain_tau: unknown field 'gain_tau'"));
    BOOST_TEST(spark::test::captured_log().contains("spark.runtime", "(dropped in compat mode)"));
    // The same config in strict mode refuses the stale field, with its path.
    brain_config strict_again = compat;
    strict_again.mode = spark::runtime::config_mode::strict;
    bool found = false;
    for (const auto& issue : strict_again.validate(registry)) {
        found = found || issue.path == "brain/total/gain_tau";
    }
    BOOST_TEST(found);
}

// Upstream writes config values with tags (docs/file-format.md §2.2): arrays as jax_array /
// numpy_array, nested and initializer configs as {"__type__": "<name>_config", "__cfg__": {...}}.
// They read as the plain values module configs take; an unknown tag or an array a field cannot hold
// is a problem with its path.
BOOST_AUTO_TEST_CASE(tagged_config_values_read_as_plain_values) {
    using namespace spark::test;
    const std::string config = R"({
        "tau": {"__type__": "jax_array", "dtype": "float32", "shape": [], "data": 5.0},
        "units": {"__type__": "numpy_array", "dtype": "int32", "shape": [2], "data": [3, 4]},
        "kernel": {"__type__": "uniform_initializer_config", "__cfg__": {"scale": 2.0}}})";
    const brain_config read =
        brain_config::from_json(brain_json({}, {}, {module_json("m", "relay", "", config)}));
    BOOST_TEST(
        read.modules_map.at(0).config_json ==
        R"({"tau":5.0,"units":[3,4],"kernel":{"scale":2.0,"__class_ref__":"uniform_initializer"}})");

    const std::string bad = R"({
        "a": {"__type__": "mystery"},
        "b": {"__type__": "jax_array", "dtype": "int32", "shape": [2], "data": [1]},
        "c": {"__type__": "jax_array", "dtype": "int32", "shape": [1, 1], "data": [[1]]}})";
    BOOST_TEST(parse_issues(brain_json({}, {}, {module_json("m", "relay", "", bad)})) ==
                   (strings{"brain/m/a/__type__: unknown tag \"mystery\" in a "
                            "module config; expected \"dtype\", \"jax_array\", \"numpy_array\" or "
                            "a config tag with \"__cfg__\"",
                            "brain/m/b/data: expected 2 values (shape [2]), got "
                            "[1]",
                            "brain/m/c/shape: a config field holds a number or a "
                            "flat array, got an array of shape [1,1]"}),
               boost::test_tools::per_element());
}

// refresh_seeds(): every module's seed and every seed its config sets at any depth is replaced;
// with a seed the result depends only on it, without one it is fresh each time.
BOOST_AUTO_TEST_CASE(refresh_seeds_replaces_every_seed_reproducibly) {
    using namespace spark::test;
    const std::string text =
        brain_json({},
                   {},
                   {module_json("a", "relay", "", R"({"seed": 1, "soma": {"seed": 2, "tau": 3}})"),
                    module_json("b", "relay", "", "{}")});
    const auto seeds_of = [](const brain_config& config) {
        std::vector<std::string> out;
        for (const auto& module : config.modules_map) {
            out.push_back(module.config_json);
        }
        return out;
    };
    brain_config first = brain_config::from_json(text);
    const auto before = seeds_of(first);
    first.refresh_seeds(7);
    brain_config second = brain_config::from_json(text);
    second.refresh_seeds(7);
    brain_config other = brain_config::from_json(text);
    other.refresh_seeds(8);
    BOOST_TEST(seeds_of(first) == seeds_of(second), boost::test_tools::per_element());
    BOOST_TEST(seeds_of(first)[0] != seeds_of(other)[0]);
    BOOST_TEST(seeds_of(first)[1] != seeds_of(other)[1]);
    // Every seed changed, the nested one too, and nothing else did.
    const std::string refreshed = seeds_of(first)[0];
    BOOST_TEST(refreshed.find(R"("seed":1,)") == std::string::npos);
    BOOST_TEST(refreshed.find(R"("seed":2,)") == std::string::npos);
    BOOST_TEST(refreshed.find(R"("tau":3)") != std::string::npos);
    BOOST_TEST(seeds_of(first)[1].find(R"("seed":)") == 1U); // b had none: now it has one
    // Without a seed: fresh each time.
    brain_config random_a = brain_config::from_json(text);
    brain_config random_b = brain_config::from_json(text);
    random_a.refresh_seeds();
    random_b.refresh_seeds();
    BOOST_TEST(seeds_of(random_a)[0] != seeds_of(random_b)[0]);
    BOOST_TEST(seeds_of(random_a)[0] != before[0]);
}

BOOST_AUTO_TEST_CASE(to_json_round_trips) {
    const brain_config config = brain_config::from_json(good_file);
    const std::string text = config.to_json();
    const brain_config again = brain_config::from_json(text);
    BOOST_TEST((again == config));
    BOOST_TEST(again.to_json() == text);
    // Upstream's layout: 4-space indent, tags and key order as upstream writes them.
    BOOST_TEST(text.rfind("{\n    \"__type__\": \"brain_config\",\n    \"__cfg__\": {\n"
                          "        \"__config_delimiter__\": \"__\",",
                          0) == 0U);
    BOOST_TEST(text.find(R"("gain": 2.0)") != std::string::npos);
    // A module's GUI metadata goes back inside its config, six levels deep.
    BOOST_TEST(text.find(R"(
                        "__graph_editor_metadata__": {
                            "pos": [
                                1,
                                2
                            ]
                        }
)") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(vendors_round_trip_and_are_written_only_when_set) {
    BOOST_TEST(brain_config::from_json(good_file).vendor_preference.empty());
    BOOST_TEST(brain_config::from_json(good_file).to_json().find("__vendors__") ==
               std::string::npos);
    const auto config =
        brain_config::from_json(spark::test::with_vendors(good_file, R"(["vy", "vx"])"));
    BOOST_TEST(config.vendor_preference == (strings{"vy", "vx"}), boost::test_tools::per_element());
    const std::string text = config.to_json();
    BOOST_TEST(text.find(R"(
        "__vendors__": [
            "vy",
            "vx"
        ],
)") != std::string::npos,
               text);
    const auto again = brain_config::from_json(text);
    BOOST_TEST((again == config));
    BOOST_TEST(again.to_json() == text);
    // Our own key, not a stale one: compat mode reads it too.
    BOOST_TEST(brain_config::from_json(text, "brain", spark::runtime::config_mode::compat)
                       .vendor_preference == (strings{"vy", "vx"}),
               boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(vendors_must_be_a_list_of_distinct_vendor_names) {
    using spark::test::with_vendors;
    BOOST_TEST(
        parse_issues(with_vendors(good_file, R"("acme")")) ==
            strings{
                R"(brain/__vendors__: must be an array of vendor names, e.g. ["acme"], got a string)"},
        boost::test_tools::per_element());
    const std::string name_rule =
        R"(must be a vendor name such as "acme" (letters, digits and '_', not starting with a digit), got )";
    BOOST_TEST(
        parse_issues(with_vendors(good_file, R"(["acme", 3, "", "acme.models", "1st", "acme"])")) ==
            (strings{"brain/__vendors__[1]: must be a string, got a number",
                     "brain/__vendors__[2]: " + name_rule + R"("")",
                     "brain/__vendors__[3]: " + name_rule + R"("acme.models")",
                     "brain/__vendors__[4]: " + name_rule + R"("1st")",
                     R"(brain/__vendors__[5]: lists the vendor "acme" again; remove one of them)"}),
        boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(upstreams_tutorial_file_keeps_every_editor_metadata_verbatim) {
    // tests/run/data/example_ab_model.scfg, upstream's af523a5 tutorial brain (docs/file-format.md
    // §2.5).
    namespace json = boost::json;
    const std::string file = SPARK_UPSTREAM_TUTORIAL_BRAIN;
    const brain_config config = brain_config::from_file(file, spark::runtime::config_mode::compat);
    const json::value original = json::parse(spark::test::read_text_file(file));
    const json::value written = json::parse(config.to_json());
    const auto cfg = [](const json::value& document) -> const json::object& {
        return document.at("__cfg__").as_object();
    };
    BOOST_TEST(cfg(written).at("__graph_editor_metadata__") ==
               cfg(original).at("__graph_editor_metadata__"));
    std::size_t modules = 0;
    for (const auto& entry : cfg(original).at("modules_map").as_object()) {
        const auto editor = [&](const json::value& document, const char* nested) {
            const auto& module_config = cfg(document)
                                            .at("modules_map")
                                            .at(entry.key())
                                            .at("__data__")
                                            .at("config")
                                            .as_object();
            return nested == nullptr ? module_config.at("__graph_editor_metadata__")
                                     : module_config.at(nested).at("__graph_editor_metadata__");
        };
        BOOST_TEST(editor(written, nullptr) == editor(original, nullptr), entry.key());
        if (entry.key() == "A_ex") {
            // Nested configs keep theirs too, inheritance trees included.
            BOOST_TEST(editor(written, "soma") == editor(original, "soma"));
            BOOST_TEST(editor(original, nullptr).as_object().contains("inheritance_tree"));
        }
        ++modules;
    }
    BOOST_TEST(modules == 6U);
    // The stale keys stay in the file (compat mode drops them when building, not when reading).
    BOOST_TEST(cfg(written)
                   .at("modules_map")
                   .at("A_ex")
                   .at("__data__")
                   .at("config")
                   .as_object()
                   .contains("max_delay"));
    BOOST_TEST((brain_config::from_json(
                    config.to_json(), "again", spark::runtime::config_mode::compat) == config));
}

BOOST_AUTO_TEST_CASE(accepts_upstream_version_wrapper) {
    const std::string wrapped =
        std::string(R"({"__version__": "1.0", "__data__": )") + good_file + "}";
    BOOST_TEST((brain_config::from_json(wrapped) == brain_config::from_json(good_file)));
    const std::string newer =
        std::string(R"({"__version__": "2.0", "__data__": )") + good_file + "}";
    BOOST_TEST(
        parse_issues(newer) ==
            strings{R"(brain/__version__: unsupported version "2.0"; this reader knows "1.0")"},
        boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(malformed_json_names_line_and_column) {
    try {
        (void)brain_config::from_json("{\n  \"__type__\": \"brain_config\",\n  \"__cfg__\": {,}\n}",
                                      "ab.scfg");
        BOOST_FAIL("expected a config_error");
    } catch (const config_error& e) {
        BOOST_TEST_REQUIRE(e.issues().size() == 1U);
        BOOST_TEST(e.issues()[0].path == "ab.scfg");
        BOOST_TEST(e.issues()[0].message.rfind("not valid JSON at line 3, column 15: ", 0) == 0U);
    }
    BOOST_TEST(parse_issues("{} x").size() == 1U);
    BOOST_TEST(parse_issues("{} x")[0].rfind("brain: not valid JSON at line 1, column 4: ", 0) ==
               0U);
}

BOOST_AUTO_TEST_CASE(missing_file_is_a_config_error) {
    BOOST_CHECK_EXCEPTION(
        (void)brain_config::from_file("/nonexistent/brain.scfg"),
        config_error,
        [](const config_error& e) {
            return std::string(e.what()) ==
                   "/nonexistent/brain.scfg: cannot open the file; check the path";
        });
}

BOOST_AUTO_TEST_CASE(reads_a_file_from_disk) {
    spark::test::scratch_dir dir;
    const auto file = dir / "brain.scfg";
    {
        std::ofstream out(file);
        out << good_file;
    }
    BOOST_TEST((brain_config::from_file(file) == brain_config::from_json(good_file)));
    {
        std::ofstream out(file, std::ios::binary);
        out << std::string("\xFD"
                           "7zXZ\0\0\0",
                           8);
    }
    // Magic bytes and nothing else: an xz file cut short (more in test_scfg_files.cpp).
    BOOST_CHECK_EXCEPTION((void)brain_config::from_file(file), config_error, [](const auto& e) {
        return std::string(e.what()).find("the xz data is truncated") != std::string::npos;
    });
}

BOOST_AUTO_TEST_CASE(envelope_problems) {
    BOOST_TEST(parse_issues("[]") == strings{"brain: must be an object, got an array"},
               boost::test_tools::per_element());
    BOOST_TEST(parse_issues(R"({"__type__": "neuron_config", "__cfg__": {}, "extra": 1})") ==
                   (strings{"brain/extra: unknown key 'extra'; expected '__type__' or '__cfg__'",
                            R"(brain/__type__: must be "brain_config", got "neuron_config")"}),
               boost::test_tools::per_element());
    BOOST_TEST(parse_issues(R"({"__type__": "brain_config"})") ==
                   strings{"brain/__cfg__: is missing"},
               boost::test_tools::per_element());
    BOOST_TEST(parse_issues(R"({"__type__": "brain_config", "__cfg__": {"modules_mapp": {}}})") ==
                   strings{"brain/modules_mapp: unknown key 'modules_mapp'; did you mean "
                           "'modules_map'?"},
               boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(every_structural_problem_at_once) {
    using namespace spark::test;
    const std::string text = brain_json(
        {input_json(
             "drive",
             R"({"__type__": "port_specs", "__data__": {"payload_type": {"__payload_type__": "float_array"}, "shape": [4, -1], "dtype": {"__type__": "dtype", "name": "float8"}, "colour": 1}})"),
         input_json("pulse", R"({"__type__": "port_map", "__data__": {}})")},
        {R"("action": {"input": {"__type__": "port_map", "__data__": {"origin": "A"}}})"},
        {R"("A": {"__type__": "module_specs", "__data__": {"name": "B", "module_cls": {"__module_type__": 3}, "inputs": {"in": {}}, "config": []}})",
         R"("C": {"__type__": "module_specs", "__data__": {"name": "C", "module_cls": {"__module_type__": "relay"}, "inputs": {"in": [{"__type__": "port_map", "__data__": {"origin": "__call__", "port": 4}}]}}})"});
    BOOST_TEST(
        parse_issues(text) ==
            (strings{
                "brain/input_map/drive/colour: unknown key 'colour'; expected "
                "'payload_type', 'shape', 'dtype' or 'description'",
                "brain/input_map/drive/shape[1]: a dimension must be an integer in [0, "
                "2^32), got -1",
                R"(brain/input_map/drive/dtype/name: unknown dtype "float8"; expected one of bool, int8, int16, int32, int64, uint8, uint16, uint32, uint64, float16, float32, float64)",
                R"(brain/input_map/pulse/__type__: must be "port_specs", got "port_map")",
                "brain/output_map/action/spec: is missing",
                "brain/output_map/action/input/port: is missing",
                R"(brain/A/name: must equal its key in modules_map, "A", got "B")",
                "brain/A/module_cls/__module_type__: must be a string, got a "
                "number",
                "brain/A/inputs/in: must be an array of port_map, got an "
                "object",
                "brain/A/config: must be an object, got an array",
                "brain/C/inputs/in[0]/port: must be a string, got a number"}),
        boost::test_tools::per_element());
}

BOOST_AUTO_TEST_SUITE_END()
