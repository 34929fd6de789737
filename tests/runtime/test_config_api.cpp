// SPDX-License-Identifier: Apache-2.0
// The rest of upstream's Config API on module_config (docs/file-format.md §1.4, §1.9–§1.12): merge,
// check (validate with an error list, partial drafts), field_errors, metadata, iteration,
// get_kwargs, inspect, with_new_seeds and deep equality. Expected values come from the rt.probe /
// rt.inner schemas in plugins/runtime_schema.c.
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include <boost/test/unit_test.hpp>

#include <spark/abi/schema.h>
#include <spark/runtime/errors.hpp>
#include <spark/runtime/module_config.hpp>

#include "runtime_fixture.hpp"

using spark::runtime::config_error;
using spark::runtime::module_config;
using spark::test::issue_lines;
using strings = std::vector<std::string>;

namespace {} // namespace

BOOST_FIXTURE_TEST_SUITE(config_merge, spark::test::runtime_fixture)

BOOST_AUTO_TEST_CASE(merge_keeps_every_value_the_partial_does_not_set) {
    module_config probe = config("rt.probe", R"({"seed": 7, "tau": 3, "soma": {"tau": 1.5}})");
    const std::uint64_t soma_seed = probe.nested("soma")->seed();
    probe.merge(R"({"count": 7, "soma__scale": 4})");
    BOOST_TEST(probe.value("count").i == 7);
    BOOST_TEST(probe.value("tau").f == 3.0);
    BOOST_TEST(probe.nested("soma")->value("tau").f == 1.5);
    BOOST_TEST(probe.nested("soma")->value("scale").f == 4.0);
    BOOST_TEST(probe.seed() == 7U);
    BOOST_TEST(probe.nested("soma")->seed() == soma_seed);
    BOOST_TEST(probe.path() == "probe");
}

BOOST_AUTO_TEST_CASE(a_shared_value_in_the_partial_reaches_every_level) {
    const module_config probe = config("rt.probe", R"({"soma": {"tau": 1.5}})");
    const module_config merged = probe.merged(R"({"_s_tau": 9})");
    BOOST_TEST(merged.value("tau").f == 9.0);
    BOOST_TEST(merged.nested("soma")->value("tau").f == 9.0);
    BOOST_TEST(probe.value("tau").f == 10.0); // merged() leaves the original alone
}

BOOST_AUTO_TEST_CASE(a_partial_naming_another_nested_type_replaces_the_nested_config) {
    module_config probe = config("rt.probe", R"({"soma": {"tau": 1.5}})");
    probe.merge(R"({"soma": {"__class_ref__": "other_inner", "depth": 5}})");
    BOOST_TEST(probe.nested("soma")->type().canonical_id == "rt.other_inner");
    BOOST_TEST(probe.nested("soma")->value("depth").i == 5);
}

BOOST_AUTO_TEST_CASE(a_failed_merge_lists_every_problem_and_changes_nothing) {
    module_config probe = config("rt.probe", R"({"seed": 7, "tau": 3})");
    const std::string before = probe.to_json();
    const spark_value_t* tau_before = &probe.value("tau");
    try {
        probe.merge(R"({"tau": -1, "mode": "cubic", "soma__tau": 0})");
        BOOST_FAIL("an invalid partial must not merge");
    } catch (const config_error& e) {
        BOOST_TEST(issue_lines(e.issues()) ==
                       (strings{"probe/soma/tau: tau must be > 0, got 0",
                                "probe/tau: tau must be > 0, got -1",
                                R"(probe/mode: mode must be one of "linear", "exp", got "cubic")"}),
                   boost::test_tools::per_element());
    }
    BOOST_TEST(probe.to_json() == before);
    BOOST_TEST(&probe.value("tau") == tau_before);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_FIXTURE_TEST_SUITE(config_checks, spark::test::runtime_fixture)

BOOST_AUTO_TEST_CASE(check_returns_every_problem_instead_of_throwing) {
    const auto& type = registry.resolve("rt.probe");
    BOOST_TEST(module_config::check(registry, type, R"({"tau": 2})", "probe").empty());
    BOOST_TEST(issue_lines(module_config::check(
                   registry, type, R"({"tau": 0, "count": -1, "tua": 1})", "probe")) ==
                   (strings{"probe/tua: unknown field 'tua'; did you mean 'tau'?",
                            "probe/count: count must be >= 0, got -1",
                            "probe/tau: tau must be > 0, got 0"}),
               boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(a_partial_draft_may_leave_required_fields_unset) {
    const auto& type = registry.resolve("rtf.needs_limit");
    BOOST_TEST(issue_lines(module_config::check(registry, type, "{}", "draft")) ==
                   strings{"draft/limit: limit is required and has no default"},
               boost::test_tools::per_element());
    BOOST_TEST(module_config::check(registry, type, "{}", "draft", {}, true).empty());
    // A value a draft does set is still checked.
    BOOST_TEST(issue_lines(module_config::check(
                   registry, type, R"({"limit": "many"})", "draft", {}, true)) ==
                   strings{R"(draft/limit: limit must be an integer, got "many")"},
               boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(field_errors_judges_a_candidate_value_in_the_configs_context) {
    const module_config probe = config("rt.probe");
    BOOST_TEST(probe.field_errors("tau", "2.5").empty());
    BOOST_TEST(probe.field_errors("tau", "-1") == strings{"tau must be > 0, got -1"},
               boost::test_tools::per_element());
    BOOST_TEST(probe.field_errors("tau", R"("fast")") ==
                   strings{R"(tau must be a number, got "fast")"},
               boost::test_tools::per_element());
    // Judged against the other values: potential_reset is -60.
    BOOST_TEST(probe.field_errors("threshold", "-70") ==
                   strings{"threshold must be > potential_reset, got -70 <= -60"},
               boost::test_tools::per_element());
    BOOST_TEST(probe.field_errors("soma", R"({"tau": 0})") ==
                   strings{"tau: tau must be > 0, got 0"},
               boost::test_tools::per_element());
    const auto not_json = probe.field_errors("tau", "{");
    BOOST_REQUIRE(not_json.size() == 1U);
    BOOST_TEST(not_json[0].rfind("not valid JSON at line 1, column 2", 0) == 0U, not_json[0]);
    BOOST_CHECK_THROW((void)probe.field_errors("tua", "1"), std::out_of_range);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_FIXTURE_TEST_SUITE(config_views, spark::test::runtime_fixture)

BOOST_AUTO_TEST_CASE(metadata_lists_the_base_fields_then_the_schemas) {
    const auto metadata = config("rt.probe").metadata();
    BOOST_REQUIRE(metadata.size() == 15U);
    BOOST_TEST(metadata[0].name == "seed");
    BOOST_TEST(metadata[1].name == "dtype");
    BOOST_TEST(metadata[2].name == "dt");
    BOOST_TEST(metadata[2].units == "ms");
    const auto& tau = metadata[5];
    BOOST_TEST(tau.name == "tau");
    BOOST_TEST(tau.type == "float");
    BOOST_TEST(tau.default_json == "10.0");
    BOOST_TEST(tau.units == "ms");
    BOOST_TEST(tau.description == "time constant");
    BOOST_TEST(tau.validators == strings{"positive"}, boost::test_tools::per_element());
    BOOST_TEST(!tau.allows_initializer);
    BOOST_TEST(!tau.required);
    BOOST_TEST(metadata[7].validators == (strings{"positive", "1 to 3 elements"}),
               boost::test_tools::per_element());
    BOOST_TEST(metadata[11].validators == strings{"greater than potential_reset"},
               boost::test_tools::per_element());
    BOOST_TEST(metadata[13].type == "config (component)");
    BOOST_TEST(metadata[14].name == "kernel");
    BOOST_TEST(metadata[14].allows_initializer);
    const auto limit = config("rtf.needs_limit", R"({"limit": 1})").metadata();
    BOOST_TEST(limit.back().required);
    BOOST_TEST(limit.back().default_json.empty());
}

BOOST_AUTO_TEST_CASE(fields_iterate_the_schema_in_order_with_values_and_nested_configs) {
    const module_config probe = config("rt.probe", R"({"tau": 3})");
    strings names;
    for (const auto& field : probe.fields()) {
        names.emplace_back(field.desc.name);
    }
    BOOST_TEST(names == (strings{"flag",
                                 "count",
                                 "tau",
                                 "mode",
                                 "units",
                                 "weights",
                                 "floor",
                                 "ceiling",
                                 "threshold",
                                 "potential_reset",
                                 "soma",
                                 "kernel"}),
               boost::test_tools::per_element());
    const auto fields = probe.fields();
    BOOST_TEST(fields[2].value.f == 3.0);
    BOOST_TEST(fields[2].nested == nullptr);
    BOOST_REQUIRE(fields[10].nested != nullptr);
    BOOST_TEST(fields[10].nested->type().canonical_id == "rt.inner");
    BOOST_TEST(fields[11].nested == nullptr); // the kernel holds a number
}

BOOST_AUTO_TEST_CASE(kwargs_are_to_json_without_nested_class_refs) {
    const module_config probe = config("rt.probe", R"({"seed": 7, "soma": {"seed": 8}})");
    const std::string kwargs = probe.kwargs_json();
    BOOST_TEST(kwargs.find("__class_ref__") == std::string::npos, kwargs);
    BOOST_TEST(
        kwargs.find(R"("soma":{"seed":8,"dtype":"float32","dt":1.0,"tau":5.0,"scale":2.0})") !=
            std::string::npos,
        kwargs);
}

BOOST_AUTO_TEST_CASE(inspect_draws_the_config_as_a_tree) {
    BOOST_TEST(config("rt.inner", R"({"seed": 7, "scale": 2})").inspect() ==
               "rt.inner\n"
               "├── seed: uint64 <- 7\n"
               "├── dtype: string <- \"float32\"\n"
               "├── dt: float [ms] <- 1\n"
               "├── tau: float [ms] <- 5\n"
               "└── scale: float <- 2\n");
    const std::string probe = config("rt.probe",
                                     R"({"seed": 1, "soma": {"seed": 2},
                                        "weights": [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7]})")
                                  .inspect();
    BOOST_TEST(
        probe.find("├── weights: float[] <- [0.1, 0.2, 0.3, 0.4, ..., 0.7] (7 elements)\n") !=
            std::string::npos,
        probe);
    BOOST_TEST(probe.find("├── soma: config (component) <- rt.inner\n"
                          "│   ├── seed: uint64 <- 2\n") != std::string::npos,
               probe);
    BOOST_TEST(probe.find("│   └── scale: float <- 2\n"
                          "└── kernel: initializer <- 0.5\n") != std::string::npos,
               probe);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_FIXTURE_TEST_SUITE(config_seeds_and_equality, spark::test::runtime_fixture)

BOOST_AUTO_TEST_CASE(with_new_seeds_changes_every_seed_and_nothing_else) {
    const module_config probe = config("rt.probe", R"({"seed": 7, "tau": 3})");
    const module_config a = probe.with_new_seeds(42);
    BOOST_TEST(a.diff(probe) == (strings{"seed", "soma/seed"}), boost::test_tools::per_element());
    BOOST_TEST(a.seed() != a.nested("soma")->seed());
    // Reproducible in the seed, different for another.
    BOOST_TEST((a == probe.with_new_seeds(42)));
    BOOST_TEST(probe.with_new_seeds(43).diff(a) == (strings{"seed", "soma/seed"}),
               boost::test_tools::per_element());
    // Without a seed, from the OS: two draws differ (a clash has probability 2^-64).
    BOOST_TEST(probe.with_new_seeds().seed() != probe.with_new_seeds().seed());
}

BOOST_AUTO_TEST_CASE(equality_is_deep_and_type_strict) {
    const module_config a = config("rt.probe", R"({"seed": 7, "soma": {"tau": 1.5}})");
    BOOST_TEST((a == config("rt.probe", R"({"seed": 7, "soma": {"tau": 1.5}})")));
    BOOST_TEST(!(a == config("rt.probe", R"({"seed": 7, "soma": {"tau": 2.5}})")));
    BOOST_TEST(!(a == config("rt.probe", R"({"seed": 8, "soma": {"tau": 1.5}})")));
    // Upstream af523a5 calls any two configs with the same field names equal; HEAD does not.
    BOOST_TEST(!(config("rt.inner", R"({"seed": 1})") == config("rt.probe", R"({"seed": 1})")));
}

BOOST_AUTO_TEST_SUITE_END()

// What upstream writes into every config (docs/file-format.md §1.1, §1.4, §1.6): metadata kept
// verbatim, the delimiters, None for an unset optional value, scalar arrays.
BOOST_FIXTURE_TEST_SUITE(config_upstream_values, spark::test::runtime_fixture)

BOOST_AUTO_TEST_CASE(metadata_is_kept_verbatim_and_written_back) {
    const module_config probe = config("rt.probe",
                                       R"({"__config_delimiter__": "__",
                                          "__shared_config_delimiter__": "_s_",
                                          "__metadata__": {"input_specs": [1, 2]},
                                          "__graph_editor_metadata__": {"pos": [-1.5, 2.0]},
                                          "seed": 7,
                                          "soma": {"__graph_editor_metadata__": {"pos": [3]}}})");
    BOOST_TEST(probe.metadata_json() == R"({"input_specs":[1,2]})");
    BOOST_TEST(probe.graph_editor_metadata_json() == R"({"pos":[-1.5,2.0]})");
    BOOST_TEST(probe.nested("soma")->graph_editor_metadata_json() == R"({"pos":[3]})");
    const std::string text = probe.to_json();
    BOOST_TEST(text.rfind(R"({"__metadata__":{"input_specs":[1,2]},)"
                          R"("__graph_editor_metadata__":{"pos":[-1.5,2.0]},"seed":7,)",
                          0) == 0U,
               text);
    BOOST_TEST((config("rt.probe", text) == probe));
    BOOST_TEST(probe.kwargs_json().find("metadata") == std::string::npos);
    // Another delimiter than upstream's default is refused: we read only "__" and "_s_".
    BOOST_TEST(issues("rt.inner", R"({"__config_delimiter__": "."})") ==
                   strings{R"(probe/__config_delimiter__: __config_delimiter__ is "."; Spark C++ )"
                           R"(reads only upstream's default "__")"},
               boost::test_tools::per_element());
    BOOST_TEST(issues("rt.inner", R"({"__metadata__": 3})") ==
                   strings{"probe/__metadata__: __metadata__ must be an object, got 3"},
               boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(null_is_the_default_in_compat_mode_and_an_error_in_strict_mode) {
    const auto& type = registry.resolve("rt.probe");
    const module_config compat(registry,
                               type,
                               R"({"tau": null, "count": 5})",
                               "probe",
                               spark::runtime::config_mode::compat);
    BOOST_TEST(compat.value("tau").f == 10.0);
    BOOST_TEST(compat.value("count").i == 5);
    BOOST_TEST(issues("rt.probe", R"({"tau": null})") ==
                   strings{"probe/tau: tau must be a number, got null"},
               boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(a_number_for_an_array_of_numbers_is_one_element) {
    BOOST_TEST(config("rt.probe", R"({"weights": 0.75})").value("weights").count == 1U);
    BOOST_TEST(config("rt.probe", R"({"weights": 0.75})").value("weights").floats[0] == 0.75);
    // Shapes stay explicit: units must be an array.
    BOOST_TEST(issues("rt.probe", R"({"units": 4})") ==
                   strings{"probe/units: units must be an array of integers, got 4"},
               boost::test_tools::per_element());
}

BOOST_AUTO_TEST_SUITE_END()
