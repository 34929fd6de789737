// SPDX-License-Identifier: Apache-2.0
// The `spark` binary with a plugin on the search path that aborts, segfaults, calls exit(0) or
// hangs while it loads (tests/test_plugins/fault_plugins/load_fault.c): commands that do not need
// it still work and warn naming it and what happened; a brain that needs it fails naming it.
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <boost/test/unit_test.hpp>

#include "fixtures.hpp"
#include "run_process.hpp"
#include "test_plugin_paths.hpp"
#include "text_match.hpp"

namespace fs = std::filesystem;
using spark::test::process_result;
using spark::test::scratch_dir;
using spark::test::test_plugin;

using spark::test::contains;

namespace {

std::string plugin_arg(const std::string& name) {
    return "--plugin-path=" + test_plugin(name).string();
}

std::string canonical(const std::string& name) {
    return fs::canonical(test_plugin(name)).string();
}

/// `spark --no-default-plugins --plugin-path=<ok_cpp> --plugin-path=<bad> ARGS`.
process_result with_bad_plugin(const std::string& bad, std::vector<std::string> arguments) {
    arguments.insert(arguments.begin(),
                     {"--no-default-plugins", plugin_arg("ok_cpp"), plugin_arg(bad)});
    return spark::test::run_process(SPARK_CLI_PATH, arguments);
}

/// Input `x` (float32, (2,)) -> `acc` (`type`, ok_cpp's accumulator by default) -> output
/// `total`.
std::string brain_text(const std::string& type = "accumulator") {
    const std::string spec =
        R"({"__type__": "port_specs", "__data__": {"payload_type": {"__payload_type__": )"
        R"("float_array"}, "shape": [2], "dtype": {"__type__": "dtype", "name": "float32"}, )"
        R"("description": null}})";
    return R"({"__type__": "brain_config", "__cfg__": {"input_map": {"x": )" + spec +
           R"(}, "output_map": {"total": {"input": {"__type__": "port_map", "__data__": )"
           R"({"origin": "acc", "port": "out"}}, "spec": )" +
           spec +
           R"(}}, "modules_map": {"acc": {"__type__": "module_specs", "__data__": )"
           R"({"name": "acc", "module_cls": {"__module_type__": ")" +
           type +
           R"("}, "inputs": {"in": [{"__type__": "port_map", "__data__": )"
           R"({"origin": "__call__", "port": "x"}}]}, "config": {}}}}}})";
}

struct brain_file {
    scratch_dir dir;
    fs::path file = dir.path() / "brain.scfg";
    explicit brain_file(const std::string& type = "accumulator") {
        std::ofstream(file) << brain_text(type);
    }
};

/// The warning line the registry prints for a bad library: its file and what it did.
std::string warning_for(const std::string& bad, const std::string& what_and_where) {
    return "spark: warning: [spark.registry] cannot load plugin " + canonical(bad) + ": it " +
           what_and_where +
           ", in a probe process (this process did not load it); fix the plugin or remove it "
           "from the search path\n";
}

/// Sets an environment variable for the tests' child processes while alive.
struct scoped_env {
    std::string name;
    scoped_env(std::string n, const std::string& value) : name(std::move(n)) {
        ::setenv(name.c_str(), value.c_str(), 1);
    }
    ~scoped_env() { ::unsetenv(name.c_str()); }
    scoped_env(const scoped_env&) = delete;
    scoped_env& operator=(const scoped_env&) = delete;
};

} // namespace

BOOST_AUTO_TEST_SUITE(bad_plugins)

BOOST_AUTO_TEST_CASE(run_works_and_warns_with_a_plugin_that_crashes_or_exits_while_loading) {
    const brain_file brain;
    const std::vector<std::pair<std::string, std::string>> cases = {
        {"load_ctor_abort",
         "was killed by signal SIGABRT (Aborted) in a static constructor "
         "(dlopen)"},
        {"load_init_segv",
         "was killed by signal SIGSEGV (Segmentation fault) in its plugin "
         "entry's init"},
        {"load_ctor_exit0",
         "ended the process with exit status 0 in a static constructor "
         "(dlopen), before it finished loading"},
        {"load_init_exit0",
         "ended the process with exit status 0 in its plugin entry's init, "
         "before it finished loading"},
    };
    for (const auto& [bad, what] : cases) {
        BOOST_TEST_CONTEXT(bad) {
            const auto result = with_bad_plugin(
                bad, {"run", brain.file.string(), "--steps", "3", "--input", "x=1"});
            BOOST_TEST(result.exit_code == 0, result.err);
            BOOST_TEST(contains(result.err, warning_for(bad, what)), result.err);
            BOOST_TEST(contains(result.out, "3 steps"), result.out);
        }
    }
}

BOOST_AUTO_TEST_CASE(run_works_and_warns_with_a_plugin_that_hangs_while_loading) {
    const scoped_env timeout("SPARK_PLUGIN_PROBE_TIMEOUT", "0.5");
    const brain_file brain;
    const auto result = with_bad_plugin(
        "load_ctor_hang", {"run", brain.file.string(), "--steps", "3", "--input", "x=1"});
    BOOST_TEST(result.exit_code == 0, result.err);
    BOOST_TEST(contains(result.err,
                        warning_for("load_ctor_hang",
                                    "did not finish loading within 0.5 s: it hangs in a static "
                                    "constructor (dlopen) (the probe process was killed)")),
               result.err);
}

BOOST_AUTO_TEST_CASE(a_failing_validate_fails_even_with_a_plugin_that_calls_exit_0) {
    const brain_file brain("no_such_type");
    const auto result = with_bad_plugin("load_init_exit0", {"validate", brain.file.string()});
    BOOST_TEST(result.exit_code == 1, result.err);
    BOOST_TEST(contains(result.out, "unknown module type 'no_such_type'"), result.out);
}

BOOST_AUTO_TEST_CASE(plugins_list_lists_the_others_and_names_the_bad_one) {
    const auto result = with_bad_plugin("load_ctor_segv", {"plugins", "list"});
    BOOST_TEST(result.exit_code == 0, result.err);
    BOOST_TEST(contains(result.out, "testcpp.accumulator"), result.out);
    BOOST_TEST(!contains(result.out, "load_fault"), result.out);
    BOOST_TEST(result.err == "spark: cannot load plugin " + canonical("load_ctor_segv") +
                                 ": it was killed by signal SIGSEGV (Segmentation fault) in a "
                                 "static constructor (dlopen), in a probe process (this process "
                                 "did not load it); fix the plugin or remove it from the search "
                                 "path\n");
}

BOOST_AUTO_TEST_CASE(a_brain_using_a_type_only_the_bad_plugin_offers_fails_naming_it) {
    const brain_file brain("init_abort.load_fault");
    const auto result = with_bad_plugin(
        "load_init_abort", {"run", brain.file.string(), "--steps", "3", "--input", "x=1"});
    BOOST_TEST(result.exit_code == 1, result.err);
    BOOST_TEST(contains(result.err, "unknown module type 'init_abort.load_fault'"), result.err);
    BOOST_TEST(contains(result.err,
                        "1 plugin file on the search path failed to load:\n  cannot load plugin " +
                            canonical("load_init_abort") +
                            ": it was killed by signal SIGABRT (Aborted) in its plugin entry's "
                            "init"),
               result.err);
}

BOOST_AUTO_TEST_CASE(a_plugin_path_that_does_not_exist_is_a_warning_naming_it) {
    const std::string missing = "/nonexistent/spark-plugins";
    const auto list = spark::test::run_process(SPARK_CLI_PATH,
                                               {"--no-default-plugins",
                                                plugin_arg("ok_cpp"),
                                                "--plugin-path=" + missing,
                                                "plugins",
                                                "list"});
    BOOST_TEST(list.exit_code == 0, list.err);
    BOOST_TEST(contains(list.out, "testcpp.accumulator"), list.out);
    const std::string warning = "spark: warning: [spark] --plugin-path " + missing +
                                " does not exist, so no plugin is loaded from it; check the path "
                                "(a folder of plugins or one plugin file)\n";
    BOOST_TEST(list.err == warning);
    const brain_file brain;
    const auto run = spark::test::run_process(SPARK_CLI_PATH,
                                              {"--no-default-plugins",
                                               plugin_arg("ok_cpp"),
                                               "--plugin-path=" + missing,
                                               "run",
                                               brain.file.string(),
                                               "--steps",
                                               "2",
                                               "--input",
                                               "x=1"});
    BOOST_TEST(run.exit_code == 0, run.err);
    BOOST_TEST(contains(run.err, warning), run.err);
}

BOOST_AUTO_TEST_CASE(a_bad_probe_timeout_is_a_warning_and_the_default_applies) {
    const scoped_env timeout("SPARK_PLUGIN_PROBE_TIMEOUT", "soon");
    const auto result = spark::test::run_process(
        SPARK_CLI_PATH, {"--no-default-plugins", plugin_arg("ok_cpp"), "plugins", "list"});
    BOOST_TEST(result.exit_code == 0, result.err);
    BOOST_TEST(result.err == "spark: warning: [spark] SPARK_PLUGIN_PROBE_TIMEOUT must be a "
                             "number of seconds > 0 (at most 86400), got 'soon'; using the "
                             "default of 10 s\n");
}

BOOST_AUTO_TEST_SUITE_END()
