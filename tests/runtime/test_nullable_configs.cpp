// SPDX-License-Identifier: Apache-2.0
// CONFIG fields that may hold none (SPARK_FIELD_NULLABLE, upstream's `delays: None`): `null` from
// the schema's default or an override means none in strict and compat mode, the plugin sees
// `config == NULL`, and every view of module_config (to_json, diff, ==, kwargs, inspect, fields,
// metadata, merge, files) carries it. Expected values come from rt.holder (`delays` none by
// default, `rule` an rt.inner by default) and rt.probe (`soma`, not nullable) in
// plugins/runtime_schema.c.
#include <string>
#include <vector>

#include <boost/test/unit_test.hpp>

#include <spark/abi/schema.h>
#include <spark/runtime/config_mode.hpp>
#include <spark/runtime/errors.hpp>
#include <spark/runtime/module_config.hpp>

#include "fixtures.hpp"
#include "runtime_fixture.hpp"

using spark::runtime::config_error;
using spark::runtime::config_mode;
using spark::runtime::module_config;
using spark::test::issue_lines;
using strings = std::vector<std::string>;

namespace {

bool holds_none(const module_config& config, const char* field) {
    const spark_value_t& value = config.value(field);
    return value.type == SPARK_FIELD_CONFIG && value.config == nullptr &&
           config.nested(field) == nullptr;
}

} // namespace

BOOST_FIXTURE_TEST_SUITE(nullable_configs, spark::test::runtime_fixture)

BOOST_AUTO_TEST_CASE(a_null_default_is_none_and_reaches_the_plugin_as_a_null_config) {
    const module_config holder = config("rt.holder");
    BOOST_TEST(holds_none(holder, "delays"));
    BOOST_TEST(holder.abi().values[1].type == SPARK_FIELD_CONFIG);
    BOOST_TEST(holder.abi().values[1].config == nullptr);
    // A nullable field with a config default holds that config.
    BOOST_REQUIRE(holder.nested("rule") != nullptr);
    BOOST_TEST(holder.nested("rule")->type().canonical_id == "rt.inner");
    BOOST_TEST(holder.abi().values[2].config == &holder.nested("rule")->abi());
}

BOOST_AUTO_TEST_CASE(null_is_none_in_strict_and_compat_mode) {
    BOOST_TEST(holds_none(config("rt.holder", R"({"rule": null})"), "rule"));
    const auto& type = registry.resolve("rt.holder");
    const module_config compat(registry, type, R"({"rule": null})", "probe", config_mode::compat);
    BOOST_TEST(holds_none(compat, "rule"));
    BOOST_TEST(holds_none(compat, "delays"));
}

BOOST_AUTO_TEST_CASE(an_object_naming_a_type_gives_a_config_over_none) {
    const module_config holder =
        config("rt.holder", R"({"delays": {"__class_ref__": "inner", "tau": 2}})");
    BOOST_REQUIRE(holder.nested("delays") != nullptr);
    BOOST_TEST(holder.nested("delays")->type().canonical_id == "rt.inner");
    BOOST_TEST(holder.nested("delays")->value("tau").f == 2.0);
    BOOST_TEST(holder.nested("delays")->value("scale").f == 1.0);
    BOOST_TEST(holder.abi().values[1].config == &holder.nested("delays")->abi());
    // Without "__class_ref__" an object fills in the default type, as for any CONFIG field.
    const module_config rule = config("rt.holder", R"({"rule": {"tau": 3}, "rule__scale": 4})");
    BOOST_TEST(rule.nested("rule")->value("tau").f == 3.0);
    BOOST_TEST(rule.nested("rule")->value("scale").f == 4.0);
}

BOOST_AUTO_TEST_CASE(a_config_over_none_must_name_its_type) {
    BOOST_TEST(issues("rt.holder", R"({"delays": {"tau": 2}})") ==
                   strings{R"(probe/delays: delays needs "__class_ref__" naming a component )"
                           R"(type (the field's default is none, so there is no type to fill in))"},
               boost::test_tools::per_element());
    BOOST_TEST(issues("rt.holder", R"({"delays__tau": 2})") ==
                   strings{R"(probe/delays: delays needs "__class_ref__" naming a component )"
                           R"(type (the field's default is none, so there is no type to fill in))"},
               boost::test_tools::per_element());
    // The nested kind still applies.
    BOOST_TEST(issues("rt.holder", R"({"delays": {"__class_ref__": "neuronish"}})") ==
                   strings{"probe/delays: delays must name a component type, got rt.neuronish "
                           "(neuron)"},
               boost::test_tools::per_element());
    // A draft may leave the type to choose later.
    const auto& type = registry.resolve("rt.holder");
    BOOST_TEST(module_config::check(registry, type, R"({"delays": {"tau": 2}})", "draft", {}, true)
                   .empty());
}

BOOST_AUTO_TEST_CASE(null_for_a_config_field_that_is_not_nullable_is_an_error_in_every_mode) {
    const std::string expected = R"(probe/soma: soma must be an object naming a module type )"
                                 R"(with "__class_ref__", got null; this field cannot be none)";
    BOOST_TEST(issues("rt.probe", R"({"soma": null})") == strings{expected},
               boost::test_tools::per_element());
    const auto& type = registry.resolve("rt.probe");
    BOOST_TEST(issue_lines(module_config::check(
                   registry, type, R"({"soma": null})", "probe", config_mode::compat)) ==
                   strings{expected},
               boost::test_tools::per_element());
    BOOST_TEST(config("rt.probe").field_errors("soma", "null") ==
                   strings{R"(soma must be an object naming a module type with "__class_ref__", )"
                           R"(got null; this field cannot be none)"},
               boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(a_value_of_another_kind_names_null_as_the_alternative) {
    BOOST_TEST(issues("rt.holder", R"({"delays": 3})") ==
                   strings{R"(probe/delays: delays must be an object naming a module type with )"
                           R"("__class_ref__", or null for none, got 3)"},
               boost::test_tools::per_element());
    BOOST_TEST(config("rt.holder").field_errors("rule", "null").empty());
}

BOOST_AUTO_TEST_CASE(to_json_writes_null_and_reads_back_equal) {
    const module_config holder = config("rt.holder", R"({"seed": 7, "rule": {"seed": 8}})");
    const std::string text = holder.to_json();
    BOOST_TEST(text == R"({"seed":7,"dtype":"float32","dt":1.0,"gain":1.0,"delays":null,)"
                       R"("rule":{"__class_ref__":"rt.inner","seed":8,"dtype":"float32",)"
                       R"("dt":1.0,"tau":5.0,"scale":1.0}})");
    BOOST_TEST((config("rt.holder", text) == holder));
    const module_config no_rule = config("rt.holder", R"({"seed": 7, "rule": null})");
    BOOST_TEST(no_rule.to_json() ==
               R"({"seed":7,"dtype":"float32","dt":1.0,"gain":1.0,"delays":null,"rule":null})");
    BOOST_TEST((config("rt.holder", no_rule.to_json()) == no_rule));
    BOOST_TEST(no_rule.kwargs_json() ==
               R"({"seed":7,"dtype":"float32","dt":1.0,"gain":1.0,"delays":null,"rule":null})");
}

BOOST_AUTO_TEST_CASE(diff_and_equality_tell_none_from_a_config) {
    const module_config holder = config("rt.holder", R"({"seed": 7})");
    BOOST_TEST(holder.diff(config("rt.holder", R"({"seed": 7})")).empty());
    BOOST_TEST((holder == config("rt.holder", R"({"seed": 7, "delays": null})")));
    const module_config no_rule = config("rt.holder", R"({"seed": 7, "rule": null})");
    BOOST_TEST(!(holder == no_rule));
    BOOST_TEST(holder.diff(no_rule) == strings{"rule"}, boost::test_tools::per_element());
    BOOST_TEST(no_rule.diff(holder) == strings{"rule"}, boost::test_tools::per_element());
    const module_config delays =
        config("rt.holder", R"({"seed": 7, "delays": {"__class_ref__": "inner"}})");
    BOOST_TEST(holder.diff(delays) == strings{"delays"}, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(fields_and_inspect_show_none) {
    const module_config holder = config("rt.holder", R"({"seed": 7, "rule": {"seed": 8}})");
    const auto fields = holder.fields();
    BOOST_REQUIRE(fields.size() == 3U);
    BOOST_TEST(fields[1].nested == nullptr);
    BOOST_TEST(fields[1].value.config == nullptr);
    BOOST_TEST((fields[1].desc.flags & SPARK_FIELD_NULLABLE) != 0U);
    BOOST_REQUIRE(fields[2].nested != nullptr);
    BOOST_TEST(holder.inspect() == "rt.holder\n"
                                   "├── seed: uint64 <- 7\n"
                                   "├── dtype: string <- \"float32\"\n"
                                   "├── dt: float [ms] <- 1\n"
                                   "├── gain: float <- 1\n"
                                   "├── delays: config (component) or none <- none\n"
                                   "└── rule: config (component) or none <- rt.inner\n"
                                   "    ├── seed: uint64 <- 8\n"
                                   "    ├── dtype: string <- \"float32\"\n"
                                   "    ├── dt: float [ms] <- 1\n"
                                   "    ├── tau: float [ms] <- 5\n"
                                   "    └── scale: float <- 1\n");
}

BOOST_AUTO_TEST_CASE(metadata_says_which_config_fields_may_be_none) {
    const auto metadata = config("rt.holder").metadata();
    BOOST_REQUIRE(metadata.size() == 6U);
    BOOST_TEST(!metadata[3].nullable); // gain
    BOOST_TEST(metadata[3].type == "float");
    BOOST_TEST(metadata[4].name == "delays");
    BOOST_TEST(metadata[4].nullable);
    BOOST_TEST(metadata[4].type == "config (component) or none");
    BOOST_TEST(metadata[4].default_json == "null");
    BOOST_TEST(!metadata[4].required);
    BOOST_TEST(metadata[5].nullable);
    BOOST_TEST(metadata[5].default_json == R"({"__class_ref__": "inner"})");
    const auto probe = config("rt.probe").metadata();
    BOOST_TEST(probe[13].name == "soma");
    BOOST_TEST(!probe[13].nullable);
    BOOST_TEST(probe[13].type == "config (component)");
}

BOOST_AUTO_TEST_CASE(merge_sets_and_clears_none) {
    module_config holder = config("rt.holder", R"({"rule": {"tau": 3}})");
    // A partial that does not mention a field keeps its none or its config.
    holder.merge(R"({"gain": 2})");
    BOOST_TEST(holds_none(holder, "delays"));
    BOOST_TEST(holder.nested("rule")->value("tau").f == 3.0);
    // null clears a config; an object naming a type replaces none.
    holder.merge(R"({"rule": null, "delays": {"__class_ref__": "other_inner", "depth": 4}})");
    BOOST_TEST(holds_none(holder, "rule"));
    BOOST_REQUIRE(holder.nested("delays") != nullptr);
    BOOST_TEST(holder.nested("delays")->value("depth").i == 4);
    // Over none, a partial object must name its type; a failed merge changes nothing.
    const std::string before = holder.to_json();
    try {
        holder.merge(R"({"rule": {"tau": 2}})");
        BOOST_FAIL("a config over none without a type must not merge");
    } catch (const config_error& e) {
        BOOST_TEST(issue_lines(e.issues()) ==
                       strings{R"(probe/rule: rule needs "__class_ref__" naming a component type )"
                               R"((it is none underneath, so there is no type to fill in))"},
                   boost::test_tools::per_element());
    }
    BOOST_TEST(holder.to_json() == before);
    holder.merge(R"({"rule": {"__class_ref__": "inner", "tau": 2}})");
    BOOST_TEST(holder.nested("rule")->value("tau").f == 2.0);
    // The kept config merges field by field again.
    holder.merge(R"({"delays__depth": 6})");
    BOOST_TEST(holder.nested("delays")->value("depth").i == 6);
}

BOOST_AUTO_TEST_CASE(new_seeds_and_files_keep_none) {
    const module_config holder = config("rt.holder", R"({"seed": 7})");
    const module_config reseeded = holder.with_new_seeds(42);
    BOOST_TEST(reseeded.diff(holder) == (strings{"seed", "rule/seed"}),
               boost::test_tools::per_element());
    BOOST_TEST(holds_none(reseeded, "delays"));
    const spark::test::scratch_dir dir;
    const auto file = dir / "holder.scfg";
    holder.to_file(file);
    const module_config back = module_config::from_file(registry, file);
    BOOST_TEST(holds_none(back, "delays"));
    BOOST_TEST(back.diff(holder).empty());
}

BOOST_AUTO_TEST_SUITE_END()
