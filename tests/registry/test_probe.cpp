// SPDX-License-Identifier: Apache-2.0
// Libraries that crash, exit or hang while they load (tests/test_plugins/fault_plugins/
// load_fault.c) are loaded first in a probe process (ADR 0018): the registry survives, refuses
// each naming the library, what happened and where, and loads the others.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <unistd.h>
#include <vector>

#include <boost/test/unit_test.hpp>

#include <spark/registry/plugin_registry.hpp>

#include "fixtures.hpp"
#include "registry_test_helpers.hpp"
#include "test_plugin_paths.hpp"
#include "text_match.hpp"

namespace fs = std::filesystem;
using spark::registry::load_error;
using spark::registry::plugin_registry;
using spark::registry::resolve_error;
using spark::registry::search_options;
using spark::test::error_message;
using spark::test::scratch_dir;
using spark::test::test_plugin;

using spark::test::contains;

namespace {

using namespace std::chrono_literals;

/// Only the files named, probes stopped after `timeout`.
search_options only(std::vector<fs::path> files, std::chrono::milliseconds timeout = 10s) {
    search_options options;
    options.paths = std::move(files);
    options.use_environment = false;
    options.use_install_dir = false;
    options.probe_timeout = timeout;
    return options;
}

/// What load() says about a misbehaving library: "cannot load plugin <file>: it <what happened>
/// <where>, in a probe process ...".
std::string refusal(const std::string& name, const std::string& what_and_where) {
    return "cannot load plugin " + fs::canonical(test_plugin(name)).string() + ": it " +
           what_and_where +
           ", in a probe process (this process did not load it); fix the plugin or remove it "
           "from the search path";
}

std::string load_message(const std::string& name, std::chrono::milliseconds timeout = 10s) {
    plugin_registry registry(only({}, timeout));
    return error_message<load_error>([&] { (void)registry.load(test_plugin(name)); });
}

/// Seconds since `start` (a number Boost.Test can print).
double seconds_since(std::chrono::steady_clock::time_point start) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

/// While alive, a plugin's exit() in this process (not in a probe child) fails the test run with
/// a message, instead of ending it with the plugin's status 0 as if every test had passed.
class exit_tripwire {
public:
    exit_tripwire() {
        static const bool registered = std::atexit(&trip) == 0;
        BOOST_TEST_REQUIRE(registered);
        armed_for = ::getpid();
    }
    ~exit_tripwire() { armed_for = 0; }
    exit_tripwire(const exit_tripwire&) = delete;
    exit_tripwire& operator=(const exit_tripwire&) = delete;

private:
    static inline pid_t armed_for = 0;
    static void trip() {
        if (armed_for != 0 && armed_for == ::getpid()) {
            std::fputs("test_registry: a plugin called exit() in the test process itself\n",
                       stderr);
            std::_Exit(1);
        }
    }
};

const std::string in_constructor = " in a static constructor (dlopen)";
const std::string in_init = " in its plugin entry's init";

} // namespace

BOOST_AUTO_TEST_SUITE(probe)

BOOST_AUTO_TEST_CASE(a_library_that_aborts_or_segfaults_while_loading_is_refused_by_signal) {
    BOOST_TEST(
        load_message("load_ctor_abort") ==
        refusal("load_ctor_abort", "was killed by signal SIGABRT (Aborted)" + in_constructor));
    BOOST_TEST(load_message("load_init_abort") ==
               refusal("load_init_abort", "was killed by signal SIGABRT (Aborted)" + in_init));
    BOOST_TEST(load_message("load_ctor_segv") ==
               refusal("load_ctor_segv",
                       "was killed by signal SIGSEGV (Segmentation fault)" + in_constructor));
    BOOST_TEST(
        load_message("load_init_segv") ==
        refusal("load_init_segv", "was killed by signal SIGSEGV (Segmentation fault)" + in_init));
}

BOOST_AUTO_TEST_CASE(a_library_that_calls_exit_0_while_loading_is_a_failure_not_a_success) {
    const exit_tripwire tripwire;
    BOOST_TEST(load_message("load_ctor_exit0") ==
               refusal("load_ctor_exit0",
                       "ended the process with exit status 0" + in_constructor +
                           ", before it finished loading"));
    BOOST_TEST(
        load_message("load_init_exit0") ==
        refusal("load_init_exit0",
                "ended the process with exit status 0" + in_init + ", before it finished loading"));
}

BOOST_AUTO_TEST_CASE(a_library_that_hangs_while_loading_is_refused_after_the_timeout) {
    const auto started = std::chrono::steady_clock::now();
    BOOST_TEST(load_message("load_ctor_hang", 300ms) ==
               refusal("load_ctor_hang",
                       "did not finish loading within 0.3 s: it hangs" + in_constructor +
                           " (the probe process was killed)"));
    BOOST_TEST(load_message("load_init_hang", 300ms) ==
               refusal("load_init_hang",
                       "did not finish loading within 0.3 s: it hangs" + in_init +
                           " (the probe process was killed)"));
    const double took = seconds_since(started);
    BOOST_TEST(took >= 0.6); // each waited for its timeout...
    BOOST_TEST(took < 5.0);  // ...and no longer
}

BOOST_AUTO_TEST_CASE(a_verdict_is_remembered_for_the_process) {
    // A copy no registry has seen: the first load waits for the timeout, a second registry
    // reuses the verdict for the same bytes.
    scratch_dir dir;
    const auto copy = dir.path() / "spark-hangs.so";
    fs::copy_file(test_plugin("load_init_hang"), copy);
    const auto load = [&] {
        plugin_registry registry(only({}, 400ms));
        return error_message<load_error>([&] { (void)registry.load(copy); });
    };
    auto started = std::chrono::steady_clock::now();
    const auto first = load();
    BOOST_TEST(seconds_since(started) >= 0.4);
    started = std::chrono::steady_clock::now();
    const auto again = load();
    BOOST_TEST(seconds_since(started) < 0.2);
    BOOST_TEST(again == first);
    BOOST_TEST(contains(first, "did not finish loading within 0.4 s"));
}

BOOST_AUTO_TEST_CASE(discovery_loads_the_good_libraries_and_lists_each_bad_one) {
    const std::vector<std::string> bad = {"load_ctor_segv", "load_init_exit0", "load_ctor_hang"};
    std::vector<fs::path> files = {test_plugin("ok_c")};
    for (const auto& name : bad) {
        files.push_back(test_plugin(name));
    }
    const exit_tripwire tripwire;
    plugin_registry registry(only(files, 500ms));
    const auto started = std::chrono::steady_clock::now();
    registry.discover();
    // The probes run side by side: the hang costs one timeout, not one per library.
    BOOST_TEST(seconds_since(started) < 3.0);
    BOOST_TEST_REQUIRE(registry.plugins().size() == 1U);
    BOOST_TEST(registry.plugins().front()->id == "test.c_ok");
    BOOST_TEST_REQUIRE(registry.failures().size() == bad.size());
    for (std::size_t i = 0; i < bad.size(); ++i) {
        BOOST_TEST(registry.failures()[i].file == fs::canonical(test_plugin(bad[i])));
        BOOST_TEST(contains(registry.failures()[i].message, "in a probe process"));
    }
    BOOST_TEST(contains(registry.failures()[0].message, "SIGSEGV"));
    BOOST_TEST(contains(registry.failures()[1].message, "exit status 0"));
    BOOST_TEST(contains(registry.failures()[2].message, "did not finish loading within"));
}

BOOST_AUTO_TEST_CASE(a_type_of_a_library_that_failed_is_unknown_with_every_failure_listed) {
    plugin_registry registry(only({test_plugin("ok_c"), test_plugin("load_init_abort")}));
    registry.discover();
    const auto message =
        error_message<resolve_error>([&] { (void)registry.resolve("init_abort.load_fault"); });
    BOOST_TEST(contains(message, "unknown module type 'init_abort.load_fault'"));
    BOOST_TEST(contains(
        message,
        "; 1 plugin file on the search path failed to load:\n  " +
            refusal("load_init_abort", "was killed by signal SIGABRT (Aborted)" + in_init)));
}

BOOST_AUTO_TEST_CASE(a_type_the_manifest_of_a_failed_library_lists_names_that_library) {
    // A copy of a crashing library with a manifest that lists its type: the error names the
    // type's library and its failure first.
    scratch_dir dir;
    const auto library = dir.path() / "spark-crashes.so";
    fs::copy_file(test_plugin("load_ctor_segv"), library);
    std::ofstream(dir.path() / "spark-crashes.manifest.json") << R"({
  "manifest_version": 1, "library": "spark-crashes.so",
  "plugin": {"id": "test.ctor_segv", "vendor": "ctor_segv", "version": "1.0.0",
             "abi_version": "1.1.0", "description": "a plugin that misbehaves while it loads"},
  "types": [{"class_ref": "load_fault", "vendor": "ctor_segv", "version": "1.0.0",
             "kind": "component", "abi_version": "1.1.0",
             "description": "copies its input to its output", "fields": [],
             "inputs": ["in"], "outputs": ["out"]}]})";
    plugin_registry registry(only({dir.path()}));
    registry.discover();
    BOOST_TEST_REQUIRE(registry.failures().size() == 1U);
    const std::string expected =
        "module type 'load_fault' is offered by ctor_segv.load_fault of plugin file " +
        fs::canonical(library).string() +
        " (according to its manifest), which failed to load: cannot load plugin " +
        fs::canonical(library).string() +
        ": it was killed by signal SIGSEGV (Segmentation fault) in a static constructor "
        "(dlopen), in a probe process (this process did not load it); fix the plugin or remove "
        "it from the search path";
    BOOST_TEST(error_message<resolve_error>([&] { (void)registry.resolve("load_fault"); }) ==
               expected);
    BOOST_TEST(error_message<resolve_error>([&] {
                   (void)registry.resolve("ctor_segv.load_fault");
               }) == "module type 'ctor_segv.load_fault'" + expected.substr(expected.find(" is")));
}

BOOST_AUTO_TEST_SUITE_END()
