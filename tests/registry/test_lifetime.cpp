// SPDX-License-Identifier: Apache-2.0
// Library lifetime: an instance keeps its library loaded after the registry is gone; the order is
// always destroy (instances), then deinit, then dlclose.
#include <filesystem>
#include <optional>

#include <boost/test/unit_test.hpp>

#include <spark/registry/plugin_registry.hpp>

#include "fixtures.hpp"
#include "log_capture.hpp"
#include "registry_test_helpers.hpp"
#include "test_plugin_paths.hpp"

namespace fs = std::filesystem;
using spark::registry::module_instance;
using spark::registry::plugin_registry;
using spark::test::captured_log;
using spark::test::is_loaded;
using spark::test::log_capture_sink;
using spark::test::test_plugin;

namespace {

std::size_t count_messages(std::string_view logger, std::string_view text, std::size_t from) {
    std::size_t count = 0;
    for (auto i = captured_log().find(logger, text, from); i != log_capture_sink::npos;
         i = captured_log().find(logger, text, i + 1)) {
        ++count;
    }
    return count;
}

} // namespace

BOOST_AUTO_TEST_SUITE(lifetime)

BOOST_AUTO_TEST_CASE(an_instance_keeps_its_library_loaded_after_the_registry_is_gone) {
    const auto file = fs::canonical(test_plugin("ok_c"));
    BOOST_TEST_REQUIRE(!is_loaded(file));
    const auto from = captured_log().records().size();
    spark::test::config_builder values;
    values.add_float(10.0);
    std::optional<module_instance> instance;
    {
        plugin_registry registry(spark::test::isolated_search());
        (void)registry.load(file);
        instance.emplace(
            registry.create(registry.resolve("ctest.decay"), values.get("ctest.decay"), "d1"));
    }
    BOOST_TEST(is_loaded(file));
    BOOST_TEST(instance->type().canonical_id == "ctest.decay"); // the type outlives the registry
    BOOST_TEST(instance->type().plugin->id == "test.c_ok");
    BOOST_TEST(count_messages("spark.plugin.test.c_ok", "deinit", from) == 0U);

    instance.reset();
    BOOST_TEST(!is_loaded(file));
    const auto destroyed =
        captured_log().find("spark.plugin.ctest.decay", "'d1': destroy 'd1'", from);
    const auto deinit = captured_log().find("spark.plugin.test.c_ok", "deinit", from);
    BOOST_TEST_REQUIRE(destroyed != log_capture_sink::npos);
    BOOST_TEST_REQUIRE(deinit != log_capture_sink::npos);
    BOOST_TEST(destroyed < deinit);
    BOOST_TEST(count_messages("spark.plugin.test.c_ok", "deinit", from) == 1U);
}

BOOST_AUTO_TEST_CASE(the_registry_unloads_a_library_without_instances) {
    const auto file = fs::canonical(test_plugin("ok_c"));
    const auto from = captured_log().records().size();
    {
        plugin_registry registry(spark::test::isolated_search());
        (void)registry.load(file);
        BOOST_TEST(is_loaded(file));
        BOOST_TEST(count_messages("spark.plugin.test.c_ok", "init", from) == 1U);
    }
    BOOST_TEST(!is_loaded(file));
    BOOST_TEST(count_messages("spark.plugin.test.c_ok", "deinit", from) == 1U);
}

BOOST_AUTO_TEST_CASE(instances_go_before_deinit_whatever_the_order_of_release) {
    // Two instances; the registry goes first, then the instances one by one: deinit waits for
    // the last of them.
    const auto file = fs::canonical(test_plugin("ok_c"));
    const auto from = captured_log().records().size();
    spark::test::config_builder values;
    values.add_float(5.0);
    std::optional<module_instance> first;
    std::optional<module_instance> second;
    {
        plugin_registry registry(spark::test::isolated_search());
        (void)registry.load(file);
        const auto& type = registry.resolve("decay");
        first.emplace(registry.create(type, values.get("ctest.decay"), "first"));
        second.emplace(registry.create(type, values.get("ctest.decay"), "second"));
    }
    first.reset();
    BOOST_TEST(is_loaded(file));
    BOOST_TEST(count_messages("spark.plugin.test.c_ok", "deinit", from) == 0U);
    second.reset();
    BOOST_TEST(!is_loaded(file));
    const auto last_destroy =
        captured_log().find("spark.plugin.ctest.decay", "destroy 'second'", from);
    BOOST_TEST(last_destroy != log_capture_sink::npos);
    BOOST_TEST(captured_log().find("spark.plugin.test.c_ok", "deinit", from) > last_destroy);
}

BOOST_AUTO_TEST_CASE(a_moved_instance_is_destroyed_exactly_once) {
    const auto from = captured_log().records().size();
    spark::test::config_builder values;
    values.add_float(10.0);
    {
        plugin_registry registry(spark::test::isolated_search());
        (void)registry.load(test_plugin("ok_c"));
        auto instance =
            registry.create(registry.resolve("decay"), values.get("ctest.decay"), "moved");
        module_instance moved_to(std::move(instance));
        module_instance assigned_to =
            registry.create(registry.resolve("decay"), values.get("ctest.decay"), "other");
        assigned_to = std::move(moved_to); // destroys "other", takes over "moved"
        BOOST_TEST(assigned_to.name() == "moved");
        BOOST_TEST(count_messages("spark.plugin.ctest.decay", "destroy 'other'", from) == 1U);
        BOOST_TEST(count_messages("spark.plugin.ctest.decay", "destroy 'moved'", from) == 0U);
    }
    BOOST_TEST(count_messages("spark.plugin.ctest.decay", "destroy 'moved'", from) == 1U);
}

BOOST_AUTO_TEST_SUITE_END()
