// SPDX-License-Identifier: Apache-2.0
// module_config: defaults, overrides, every validator's message, unknown keys, nested configs, and
// all problems reported at once.
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include <boost/test/unit_test.hpp>

#include <spark/abi/module.h>
#include <spark/abi/schema.h>
#include <spark/abi/types.h>
#include <spark/runtime/errors.hpp>
#include <spark/runtime/module_config.hpp>

#include "runtime_fixture.hpp"

using spark::runtime::config_error;
using spark::runtime::module_config;
using strings = std::vector<std::string>;

namespace {

std::vector<std::int64_t> ints(const spark_value_t& value) {
    return {value.ints, value.ints + value.count};
}

std::vector<double> floats(const spark_value_t& value) {
    return {value.floats, value.floats + value.count};
}

} // namespace

BOOST_FIXTURE_TEST_SUITE(module_config_values, spark::test::runtime_fixture)

BOOST_AUTO_TEST_CASE(defaults_come_from_the_schema) {
    const module_config probe = config("rt.probe");
    const spark_config_t& abi = probe.abi();
    BOOST_TEST(std::string(abi.class_ref) == "rt.probe");
    BOOST_TEST(abi.count == 12U);
    BOOST_TEST(abi.dtype == SPARK_DTYPE_F32);
    BOOST_TEST(abi.dt == 1.0);
    BOOST_TEST(probe.value("flag").type == SPARK_FIELD_BOOL);
    BOOST_TEST(probe.value("flag").b);
    BOOST_TEST(probe.value("count").i == 3);
    BOOST_TEST(probe.value("tau").f == 10.0);
    BOOST_TEST(std::string(probe.value("mode").s) == "linear");
    BOOST_TEST(ints(probe.value("units")) == std::vector<std::int64_t>{4},
               boost::test_tools::per_element());
    BOOST_TEST(floats(probe.value("weights")) == (std::vector<double>{0.5, 0.25}),
               boost::test_tools::per_element());
    BOOST_TEST(probe.value("threshold").f == -50.0);
    BOOST_TEST(probe.value("kernel").type == SPARK_FIELD_FLOAT); // an initializer holding a number
    BOOST_TEST(probe.value("kernel").f == 0.5);
    BOOST_TEST(probe.nested("kernel") == nullptr);
    // values[i] is schema field i
    BOOST_TEST(&abi.values[2] == &probe.value("tau"));
}

BOOST_AUTO_TEST_CASE(nested_defaults_merge_the_schema_overrides_into_the_nested_type) {
    const module_config probe = config("rt.probe");
    const spark_value_t& soma = probe.value("soma");
    BOOST_TEST(soma.type == SPARK_FIELD_CONFIG);
    BOOST_REQUIRE(soma.config != nullptr);
    BOOST_TEST(std::string(soma.config->class_ref) == "rt.inner");
    BOOST_TEST(soma.config->count == 2U);
    BOOST_TEST(soma.config->values[0].f == 5.0); // tau: the inner type's default
    BOOST_TEST(soma.config->values[1].f == 2.0); // scale: the probe schema's override
    BOOST_TEST(probe.nested("soma") != nullptr);
    BOOST_TEST(&probe.nested("soma")->abi() == soma.config);
}

BOOST_AUTO_TEST_CASE(overrides_replace_defaults) {
    const module_config probe = config("rt.probe", R"({
        "flag": false, "count": 4.0, "tau": 3, "mode": "exp", "units": [2, 3],
        "weights": [1, 0], "dtype": "float64", "dt": 0.25, "seed": 7,
        "soma": {"tau": 1.5}, "kernel": 2})");
    BOOST_TEST(!probe.value("flag").b);
    BOOST_TEST(probe.value("count").i == 4); // a whole float is an integer
    BOOST_TEST(probe.value("tau").f == 3.0); // an integer is fine for a float
    BOOST_TEST(std::string(probe.value("mode").s) == "exp");
    BOOST_TEST(ints(probe.value("units")) == (std::vector<std::int64_t>{2, 3}),
               boost::test_tools::per_element());
    BOOST_TEST(floats(probe.value("weights")) == (std::vector<double>{1.0, 0.0}),
               boost::test_tools::per_element());
    BOOST_TEST(probe.dtype() == SPARK_DTYPE_F64);
    BOOST_TEST(probe.dt() == 0.25);
    BOOST_TEST(probe.seed() == 7U);
    BOOST_TEST(probe.value("kernel").f == 2.0);
    const module_config& soma = *probe.nested("soma");
    BOOST_TEST(soma.value("tau").f == 1.5);
    BOOST_TEST(soma.value("scale").f == 2.0); // the schema's override survives a user override
    // nested configs follow their parent's dtype and dt
    BOOST_TEST(soma.dtype() == SPARK_DTYPE_F64);
    BOOST_TEST(soma.dt() == 0.25);
    BOOST_TEST(soma.path() == "probe/soma");
}

BOOST_AUTO_TEST_CASE(seeds_are_reproducible_and_distinct) {
    const module_config a = config("rt.probe", R"({"seed": 7})");
    const module_config b = config("rt.probe", R"({"seed": 7})");
    const module_config c = config("rt.probe", R"({"seed": 8})");
    BOOST_TEST(a.nested("soma")->seed() == b.nested("soma")->seed());
    BOOST_TEST(a.nested("soma")->seed() != a.seed());
    BOOST_TEST(a.nested("soma")->seed() != c.nested("soma")->seed());
    // an explicit nested seed wins
    BOOST_TEST(config("rt.probe", R"({"soma": {"seed": 99}})").nested("soma")->seed() == 99U);
    // without a seed: derived from the path, so the same place gets the same stream
    const auto& type = registry.resolve("rt.inner");
    BOOST_TEST(module_config(registry, type, "{}", "brain/A").seed() ==
               module_config(registry, type, "{}", "brain/A").seed());
    BOOST_TEST(module_config(registry, type, "{}", "brain/A").seed() !=
               module_config(registry, type, "{}", "brain/B").seed());
    BOOST_TEST(config("rt.probe", R"({"seed": 18446744073709551615})").seed() ==
               std::numeric_limits<std::uint64_t>::max());
}

BOOST_AUTO_TEST_CASE(moving_keeps_every_abi_pointer_valid) {
    module_config first = config("rt.probe", R"({"mode": "exp"})");
    const spark_config_t* abi = &first.abi();
    const char* mode = first.value("mode").s;
    const spark_config_t* soma = first.value("soma").config;
    module_config second = std::move(first);
    std::vector<module_config> many;
    many.push_back(std::move(second));
    many.push_back(config("rt.inner"));
    BOOST_TEST(&many[0].abi() == abi);
    BOOST_TEST(many[0].abi().values[3].s == mode);
    BOOST_TEST(std::string(many[0].abi().values[3].s) == "exp");
    BOOST_TEST(many[0].abi().values[10].config == soma);
    BOOST_TEST(std::string(soma->class_ref) == "rt.inner");
}

BOOST_AUTO_TEST_CASE(asking_for_a_field_the_schema_lacks_throws) {
    const module_config inner = config("rt.inner");
    BOOST_CHECK_EXCEPTION(
        (void)inner.value("nope"), std::out_of_range, [](const std::out_of_range& e) {
            return std::string(e.what()) == "module type rt.inner has no config field 'nope'";
        });
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_FIXTURE_TEST_SUITE(module_config_validation, spark::test::runtime_fixture)

BOOST_AUTO_TEST_CASE(positive) {
    BOOST_TEST(issues("rt.probe", R"({"tau": -2})") ==
                   strings{"probe/tau: tau must be > 0, got -2"},
               boost::test_tools::per_element());
    BOOST_TEST(issues("rt.probe", R"({"units": [2, 0]})") ==
                   strings{"probe/units: units[1] must be > 0, got 0"},
               boost::test_tools::per_element());
    BOOST_TEST(issues("rt.probe", R"({"kernel": -1})") ==
                   strings{"probe/kernel: kernel must be > 0, got -1"},
               boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(non_negative) {
    BOOST_TEST(issues("rt.probe", R"({"count": -1})") ==
                   strings{"probe/count: count must be >= 0, got -1"},
               boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(range) {
    BOOST_TEST(issues("rt.probe", R"({"weights": [0.5, 1.5]})") ==
                   strings{"probe/weights: weights[1] must be in [0, 1], got 1.5"},
               boost::test_tools::per_element());
    BOOST_TEST(issues("rt.probe", R"({"floor": -0.5})") ==
                   strings{"probe/floor: floor must be >= 0, got -0.5"},
               boost::test_tools::per_element());
    BOOST_TEST(issues("rt.probe", R"({"ceiling": 6})") ==
                   strings{"probe/ceiling: ceiling must be <= 5, got 6"},
               boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(one_of) {
    BOOST_TEST(issues("rt.probe", R"({"mode": "cubic"})") ==
                   strings{R"(probe/mode: mode must be one of "linear", "exp", got "cubic")"},
               boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(greater_than_field) {
    BOOST_TEST(issues("rt.probe", R"({"threshold": -60, "potential_reset": -50})") ==
                   strings{"probe/threshold: threshold must be > potential_reset, got -60 <= -50"},
               boost::test_tools::per_element());
    BOOST_TEST(issues("rt.probe", R"({"threshold": -60, "potential_reset": -60})") ==
                   strings{"probe/threshold: threshold must be > potential_reset, got -60 <= -60"},
               boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(length) {
    BOOST_TEST(issues("rt.probe", R"({"units": [1, 2, 3, 4]})") ==
                   strings{"probe/units: units must have between 1 and 3 elements, got 4"},
               boost::test_tools::per_element());
    BOOST_TEST(issues("rt.probe", R"({"units": []})") ==
                   strings{"probe/units: units must have between 1 and 3 elements, got 0"},
               boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(wrong_json_types) {
    BOOST_TEST(issues("rt.probe", R"({"count": 2.5})") ==
                   strings{"probe/count: count must be an integer, got 2.5"},
               boost::test_tools::per_element());
    BOOST_TEST(issues("rt.probe", R"({"tau": "fast"})") ==
                   strings{R"(probe/tau: tau must be a number, got "fast")"},
               boost::test_tools::per_element());
    BOOST_TEST(issues("rt.probe", R"({"flag": 1})") ==
                   strings{"probe/flag: flag must be a bool, got 1"},
               boost::test_tools::per_element());
    BOOST_TEST(issues("rt.probe", R"({"mode": 3})") ==
                   strings{"probe/mode: mode must be a string, got 3"},
               boost::test_tools::per_element());
    BOOST_TEST(issues("rt.probe", R"({"units": 4})") ==
                   strings{"probe/units: units must be an array of integers, got 4"},
               boost::test_tools::per_element());
    BOOST_TEST(issues("rt.probe", R"({"units": [4, 2.5]})") ==
                   strings{"probe/units: units[1] must be an integer, got 2.5"},
               boost::test_tools::per_element());
    BOOST_TEST(issues("rt.probe", R"({"weights": [0.5, null]})") ==
                   strings{"probe/weights: weights[1] must be a number, got null"},
               boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(base_fields) {
    BOOST_TEST(issues("rt.probe", R"({"dtype": "float16"})") ==
                   strings{R"(probe/dtype: dtype must be "float32" or "float64", got "float16")"},
               boost::test_tools::per_element());
    BOOST_TEST(issues("rt.probe", R"({"dt": 0})") == strings{"probe/dt: dt must be > 0, got 0"},
               boost::test_tools::per_element());
    BOOST_TEST(issues("rt.probe", R"({"dt": "1ms"})") ==
                   strings{R"(probe/dt: dt must be a number [ms], got "1ms")"},
               boost::test_tools::per_element());
    BOOST_TEST(issues("rt.probe", R"({"seed": -1})") ==
                   strings{"probe/seed: seed must be an integer in [0, 2^64), got -1"},
               boost::test_tools::per_element());
    BOOST_TEST(issues("rt.probe", R"({"seed": 1.5})") ==
                   strings{"probe/seed: seed must be an integer in [0, 2^64), got 1.5"},
               boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(unknown_key_names_the_closest_fields) {
    BOOST_TEST(issues("rt.probe", R"({"tua": 1})") ==
                   strings{"probe/tua: unknown field 'tua'; did you mean 'tau'?"},
               boost::test_tools::per_element());
    BOOST_TEST(issues("rt.probe", R"({"treshold": 1})") ==
                   strings{"probe/treshold: unknown field 'treshold'; did you mean 'threshold'?"},
               boost::test_tools::per_element());
    BOOST_TEST(issues("rt.inner", R"({"sclae": 1})") ==
                   strings{"probe/sclae: unknown field 'sclae'; did you mean 'scale'?"},
               boost::test_tools::per_element());
    BOOST_TEST(
        issues("rt.inner", R"({"zzzzzzzz": 1})") ==
            strings{"probe/zzzzzzzz: unknown field 'zzzzzzzz'; the fields of rt.inner are tau, "
                    "scale, seed, dtype, dt"},
        boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(required_field_without_value) {
    BOOST_TEST(issues("rtf.needs_limit", "{}") ==
                   strings{"probe/limit: limit is required and has no default"},
               boost::test_tools::per_element());
    BOOST_TEST(config("rtf.needs_limit", R"({"limit": 5})").value("limit").i == 5);
}

BOOST_AUTO_TEST_CASE(overrides_must_be_a_json_object) {
    BOOST_TEST(issues("rt.inner", "[1, 2]") ==
                   strings{"probe: the overrides must be a JSON object, got [1, 2]"},
               boost::test_tools::per_element());
    const auto bad = issues("rt.inner", "{\"tau\": ");
    BOOST_REQUIRE(bad.size() == 1U);
    BOOST_TEST(bad[0].rfind("probe: not valid JSON at line 1, column 9: ", 0) == 0U, bad[0]);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_FIXTURE_TEST_SUITE(module_config_nested, spark::test::runtime_fixture)

BOOST_AUTO_TEST_CASE(class_ref_chooses_the_nested_type_and_drops_values_meant_for_another) {
    const module_config probe = config("rt.probe", R"({"soma": {"__class_ref__": "other_inner"}})");
    const module_config& soma = *probe.nested("soma");
    BOOST_TEST(std::string(soma.abi().class_ref) == "rt.other_inner");
    BOOST_TEST(soma.value("depth").i == 2);
    // the default's "scale" was for rt.inner: not an unknown key of rt.other_inner
}

BOOST_AUTO_TEST_CASE(nested_problems_carry_the_nested_path) {
    BOOST_TEST(issues("rt.probe", R"({"soma": {"__class_ref__": "rt.other_inner", "depth": 0}})") ==
                   strings{"probe/soma/depth: depth must be > 0, got 0"},
               boost::test_tools::per_element());
    BOOST_TEST(issues("rt.probe", R"({"soma": {"tua": 1}})") ==
                   strings{"probe/soma/tua: unknown field 'tua'; did you mean 'tau'?"},
               boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(nested_type_must_have_the_fields_kind) {
    BOOST_TEST(
        issues("rt.probe", R"({"soma": {"__class_ref__": "neuronish"}})") ==
            strings{"probe/soma: soma must name a component type, got rt.neuronish (neuron)"},
        boost::test_tools::per_element());
    BOOST_TEST(
        issues("rt.probe", R"({"kernel": {"__class_ref__": "inner"}})") ==
            strings{"probe/kernel: kernel must name an initializer type, got rt.inner (component)"},
        boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(nested_value_must_be_an_object) {
    BOOST_TEST(
        issues("rt.probe", R"({"soma": 3})") ==
            strings{
                R"(probe/soma: soma must be an object naming a module type with "__class_ref__", got 3)"},
        boost::test_tools::per_element());
    BOOST_TEST(
        issues("rt.probe", R"({"soma": {"__class_ref__": 3}})") ==
            strings{"probe/soma: soma.__class_ref__ must be a string naming a module type, got 3"},
        boost::test_tools::per_element());
    BOOST_TEST(
        issues("rt.probe", R"({"kernel": "ones"})") ==
            strings{
                R"(probe/kernel: kernel must be a number or an object naming an initializer type with "__class_ref__", got "ones")"},
        boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(unknown_nested_type_reports_the_registry_message) {
    const auto found = issues("rt.probe", R"({"soma": {"__class_ref__": "innr"}})");
    BOOST_REQUIRE(found.size() == 1U);
    std::string expected = "probe/soma: soma: ";
    try {
        (void)registry.resolve("innr");
    } catch (const spark::registry::resolve_error& e) {
        expected += e.what();
    }
    BOOST_TEST(found[0] == expected);
    BOOST_TEST(found[0].find("rt.inner") != std::string::npos); // the registry's suggestion
}

BOOST_AUTO_TEST_CASE(initializer_fields_take_a_number_or_an_initializer_config) {
    const module_config probe =
        config("rt.probe", R"({"kernel": {"__class_ref__": "fill", "scale": 2}})");
    const spark_value_t& kernel = probe.value("kernel");
    BOOST_TEST(kernel.type == SPARK_FIELD_INITIALIZER);
    BOOST_REQUIRE(kernel.config != nullptr);
    BOOST_TEST(std::string(kernel.config->class_ref) == "rt.fill");
    BOOST_TEST(kernel.config->values[0].f == 2.0);
    BOOST_TEST(
        issues("rt.probe", R"({"kernel": {"scale": 2}})") ==
            strings{
                R"(probe/kernel: kernel needs "__class_ref__" naming an initializer type (the field has no default type))"},
        boost::test_tools::per_element());
    BOOST_TEST(issues("rt.probe", R"({"kernel": {"__class_ref__": "fill", "scale": -1}})") ==
                   strings{"probe/kernel/scale: scale must be > 0, got -1"},
               boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(a_vendor_preference_decides_a_bare_nested_class_ref_and_is_kept) {
    // vx and vy both offer the component `shared_name` (tests/test_plugins/c_plugins/vendor.c).
    registry.load(spark::test::test_plugin("vendor_x"));
    registry.load(spark::test::test_plugin("vendor_y"));
    const auto& holder = registry.resolve("rt.holder");
    const std::string delays = R"({"delays": {"__class_ref__": "shared_name"}})";
    const strings y_first = {"vy", "vx"};
    const module_config pinned(
        registry, holder, delays, "h", spark::runtime::config_mode::strict, y_first);
    BOOST_TEST(pinned.vendor_preference() == y_first, boost::test_tools::per_element());
    BOOST_REQUIRE(pinned.nested("delays") != nullptr);
    BOOST_TEST(pinned.nested("delays")->type().canonical_id == "vy.shared_name");
    const strings x_only = {"vx"};
    BOOST_TEST(
        module_config(registry, holder, delays, "h", spark::runtime::config_mode::strict, x_only)
            .nested("delays")
            ->type()
            .canonical_id == "vx.shared_name");
    // merge() rebuilds with the same preference (upstream's spelling of the name here)
    const auto merged =
        module_config(registry, holder, "{}", "h", spark::runtime::config_mode::strict, y_first)
            .merged(R"({"delays": {"__class_ref__": "SharedName"}})");
    BOOST_TEST(merged.nested("delays")->type().canonical_id == "vy.shared_name");
    // check() takes it too; without one the bare name stays ambiguous
    BOOST_TEST(
        module_config::check(
            registry, holder, delays, "h", spark::runtime::config_mode::strict, false, y_first)
            .empty());
    const auto unpinned = module_config::check(registry, holder, delays, "h");
    BOOST_REQUIRE(unpinned.size() == 1U);
    BOOST_TEST(unpinned[0].path == "h/delays");
    BOOST_TEST(unpinned[0].message.rfind("delays: module type 'shared_name' is ambiguous", 0) == 0U,
               unpinned[0].message);
}

BOOST_AUTO_TEST_CASE(every_problem_is_reported_at_once) {
    const std::string overrides =
        R"({"tau": -1, "mode": "cubic", "tua": 2, "soma": {"tau": 0, "scael": 1}, "dt": -1, "count": "x"})";
    const strings expected{
        "probe/tua: unknown field 'tua'; did you mean 'tau'?",
        "probe/dt: dt must be > 0, got -1",
        R"(probe/count: count must be an integer, got "x")",
        "probe/soma/scael: unknown field 'scael'; did you mean 'scale'?",
        "probe/soma/tau: tau must be > 0, got 0",
        "probe/tau: tau must be > 0, got -1",
        R"(probe/mode: mode must be one of "linear", "exp", got "cubic")",
    };
    BOOST_TEST(issues("rt.probe", overrides) == expected, boost::test_tools::per_element());
    try {
        (void)config("rt.probe", overrides);
        BOOST_FAIL("no config_error");
    } catch (const config_error& e) {
        std::string all;
        for (const auto& line : expected) {
            all += (all.empty() ? "" : "\n") + line;
        }
        BOOST_TEST(std::string(e.what()) == all);
    }
}

BOOST_AUTO_TEST_SUITE_END()

// Upstream's "a__b" paths and "_s_" shared values (docs/file-format.md §1.5.3's worked examples, on
// rt.probe: tau, soma (rt.inner: tau, scale), kernel (a number or an rt.fill config with scale)).
BOOST_FIXTURE_TEST_SUITE(module_config_delimiters, spark::test::runtime_fixture)

BOOST_AUTO_TEST_CASE(a_double_underscore_path_reaches_a_nested_field) {
    const module_config probe =
        config("rt.probe", R"({"tau": 3, "soma__tau": 7, "soma__scale": 2.5, "dt": 0.5})");
    BOOST_TEST(probe.value("tau").f == 3.0);
    BOOST_TEST(probe.nested("soma")->value("tau").f == 7.0);
    BOOST_TEST(probe.nested("soma")->value("scale").f == 2.5);
    BOOST_TEST(probe.nested("soma")->dt() == 0.5);
}

BOOST_AUTO_TEST_CASE(paths_fold_level_by_level_into_initializer_configs) {
    // {kernel: {__class_ref__: fill}, kernel__scale: 4} -> kernel = fill with scale 4; and a path
    // into an object given explicitly merges with it ("a__b__c=1, a__d=2" -> {a: {b__c: 1, d: 2}}).
    const module_config probe =
        config("rt.probe", R"({"kernel": {"__class_ref__": "fill"}, "kernel__scale": 4})");
    BOOST_TEST(probe.nested("kernel")->value("scale").f == 4.0);
    const module_config again =
        config("rt.probe", R"({"kernel__scale": 4, "kernel": {"__class_ref__": "fill"}})");
    // A later plain key replaces what came before it, as upstream's fold[key] = value does.
    BOOST_TEST(again.nested("kernel")->value("scale").f == 1.0);
}

BOOST_AUTO_TEST_CASE(a_shared_value_wins_at_every_level_that_has_the_field) {
    // _s_tau with soma__tau: soma.tau ends as the shared value; the probe's own tau too.
    const module_config probe = config("rt.probe", R"({"_s_tau": 4, "soma__tau": 7, "tau": 3})");
    BOOST_TEST(probe.value("tau").f == 4.0);
    BOOST_TEST(probe.nested("soma")->value("tau").f == 4.0);
    // Order does not matter: shared values are applied after every explicit one.
    const module_config first = config("rt.probe", R"({"tau": 3, "_s_tau": 6})");
    BOOST_TEST(first.value("tau").f == 6.0);
}

BOOST_AUTO_TEST_CASE(a_shared_value_is_ignored_where_no_such_field_exists) {
    // rt.probe has no `scale`; rt.inner and rt.fill have: only they take it.
    const module_config probe =
        config("rt.probe", R"({"_s_scale": 9, "kernel": {"__class_ref__": "fill"}})");
    BOOST_TEST(probe.nested("soma")->value("scale").f == 9.0);
    BOOST_TEST(probe.nested("kernel")->value("scale").f == 9.0);
    BOOST_TEST(issues("rt.probe", R"({"_s_nothing_has_this": 1})").empty());
}

BOOST_AUTO_TEST_CASE(a_shared_base_field_reaches_every_nested_config) {
    // _s_dt=0.1, soma={tau: 3}: dt is 0.1 at both levels and soma keeps its tau.
    const module_config probe = config("rt.probe", R"({"_s_dt": 0.1, "soma": {"tau": 3}})");
    BOOST_TEST(probe.dt() == 0.1);
    BOOST_TEST(probe.nested("soma")->dt() == 0.1);
    BOOST_TEST(probe.nested("soma")->value("tau").f == 3.0);
}

BOOST_AUTO_TEST_CASE(bad_paths_are_problems_with_their_path) {
    BOOST_TEST(
        issues("rt.probe", R"({"somaa__tau": 1})") ==
            (std::vector<std::string>{"probe/somaa: unknown field 'somaa'; did you mean 'soma'?"}),
        boost::test_tools::per_element());
    BOOST_TEST(issues("rt.probe", R"({"soma__tauu": 1})") ==
                   (std::vector<std::string>{
                       "probe/soma/tauu: unknown field 'tauu'; did you mean 'tau'?"}),
               boost::test_tools::per_element());
    BOOST_TEST(issues("rt.probe", R"({"kernel": 0.3, "kernel__scale": 2})") ==
                   (std::vector<std::string>{
                       "probe/kernel__scale: kernel is given both as a value (0.3) and through "
                       "'kernel__scale'; give a nested object, or keys 'a__b', not both"}),
               boost::test_tools::per_element());
}

BOOST_AUTO_TEST_SUITE_END()

// Upstream's to_dict() and diff(), on rt.probe (whose soma is a nested rt.inner).
BOOST_FIXTURE_TEST_SUITE(module_config_views, spark::test::runtime_fixture)

BOOST_AUTO_TEST_CASE(to_json_lists_every_value_and_rebuilds_an_equal_config) {
    const module_config probe =
        config("rt.probe", R"({"seed": 7, "tau": 3, "soma": {"tau": 1.5}, "kernel": 2})");
    const std::string text = probe.to_json();
    // Base fields first, then the schema's fields in order, defaults filled in, floats with ".0".
    BOOST_TEST(
        text.rfind(R"({"seed":7,"dtype":"float32","dt":1.0,"flag":true,"count":3,"tau":3.0,)", 0) ==
            0U,
        text);
    BOOST_TEST(text.find(R"("units":[4],"weights":[0.5,0.25],)") != std::string::npos);
    BOOST_TEST(text.find(R"("soma":{"__class_ref__":"rt.inner","seed":)") != std::string::npos);
    BOOST_TEST(text.find(R"("tau":1.5,"scale":2.0},"kernel":2.0})") != std::string::npos);
    const module_config again = config("rt.probe", text);
    BOOST_TEST(again.to_json() == text);
    BOOST_TEST(again.diff(probe).empty());
}

BOOST_AUTO_TEST_CASE(diff_names_every_differing_path) {
    const module_config a = config("rt.probe", R"({"seed": 7, "soma": {"tau": 1.5}})");
    const module_config b =
        config("rt.probe", R"({"seed": 7, "tau": 4, "units": [2], "soma": {"tau": 2.5}})");
    BOOST_TEST(a.diff(b) == (std::vector<std::string>{"tau", "units", "soma/tau"}),
               boost::test_tools::per_element());
    // A nested config of another type differs as a whole.
    const module_config c =
        config("rt.probe", R"({"seed": 7, "soma": {"__class_ref__": "other_inner"}})");
    BOOST_TEST(a.diff(c) == (std::vector<std::string>{"soma"}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_SUITE_END()

// Module configs as files (upstream's to_file / from_file): the file names its type.
BOOST_FIXTURE_TEST_SUITE(module_config_files, spark::test::runtime_fixture)

BOOST_AUTO_TEST_CASE(a_config_file_round_trips_plain_and_xz) {
    const spark::test::scratch_dir dir;
    const module_config probe =
        config("rt.probe", R"({"seed": 7, "tau": 3, "soma": {"tau": 1.5}, "kernel": 2})");
    for (const auto compression :
         {spark::runtime::file_compression::none, spark::runtime::file_compression::xz}) {
        const auto file = dir / "probe.scfg";
        probe.to_file(file, compression);
        const module_config read = module_config::from_file(registry, file);
        BOOST_TEST(read.type().canonical_id == "rt.probe");
        BOOST_TEST(read.to_json() == probe.to_json());
    }
    // Plain files are upstream's envelope, 4-space JSON.
    probe.to_file(dir / "plain.scfg");
    const std::string text = spark::test::read_text_file(dir / "plain.scfg");
    BOOST_TEST(text.rfind("{\n    \"__type__\": \"rt.probe_config\",\n    \"__cfg__\": {\n        "
                          "\"seed\": 7,",
                          0) == 0U,
               text);
}

BOOST_AUTO_TEST_CASE(a_bare_class_ref_in_the_tag_resolves_and_problems_name_the_file) {
    const spark::test::scratch_dir dir;
    const auto file = dir / "inner.scfg";
    spark::test::write_text_file(
        file, R"({"__type__": "inner_config", "__cfg__": {"tau": 2, "scale": -1}})");
    BOOST_TEST(module_config::from_file(registry, file).value("tau").f == 2.0);
    spark::test::write_text_file(file, R"({"__type__": "inner_config", "__cfg__": {"tau": -2}})");
    BOOST_CHECK_EXCEPTION((void)module_config::from_file(registry, file),
                          spark::runtime::config_error,
                          [](const spark::runtime::config_error& e) {
                              return e.issues().size() == 1U &&
                                     e.issues()[0].path == "inner.scfg/tau" &&
                                     e.issues()[0].message == "tau must be > 0, got -2";
                          });
}

BOOST_AUTO_TEST_CASE(a_bad_envelope_is_refused_with_its_path) {
    const spark::test::scratch_dir dir;
    const auto file = dir / "bad.scfg";
    const auto refusal = [&](const std::string& text,
                             spark::runtime::config_mode mode =
                                 spark::runtime::config_mode::strict) {
        spark::test::write_text_file(file, text);
        try {
            (void)module_config::from_file(registry, file, mode);
        } catch (const spark::runtime::config_error& e) {
            return e.issues().at(0).path + ": " + e.issues().at(0).message;
        }
        return std::string("(read)");
    };
    const std::string f = file.string();
    BOOST_TEST(refusal(R"({"__cfg__": {}})") ==
               f + "/__type__: must name the config's type as \"<class_ref>_config\", got nothing");
    BOOST_TEST(refusal(R"({"__type__": "brain_config", "__cfg__": {}})")
                   .find(f + "/__type__: unknown module type 'brain'") == 0U);
    BOOST_TEST(refusal(R"({"__type__": "inner_config", "__cfg__": 3})") ==
               f + "/__cfg__: must be an object of config fields");
    BOOST_TEST(refusal(R"({"__type__": "inner_config", "__cfg__": {}, "__version__": "1.0"})") ==
               f + "/__version__: unknown key '__version__'; expected '__type__' or '__cfg__'");
    BOOST_TEST(refusal(R"({"__type__": "inner_config", "__cfg__": {}, "__version__": "1.0"})",
                       spark::runtime::config_mode::compat) == "(read)");
}

BOOST_AUTO_TEST_SUITE_END()
