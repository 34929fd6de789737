// SPDX-License-Identifier: Apache-2.0
// ThreadSanitizer's canaries: brains whose modules race on purpose (the test plugin racy), run by
// the tsan preset only, where CTest passes them when TSan reports the race despite
// tests/support/tsan.supp (tests/brain/CMakeLists.txt). They prove that the suppressions of
// oneTBB's hand-overs and the edges of runtime/src/brain/happens_before.hpp leave a race in a
// module's own code, between two modules or between two chunks of one, visible. Disabled
// elsewhere: without TSan the races go unseen and the cases would prove nothing.
#include <string>
#include <vector>

#include <boost/test/unit_test.hpp>

#include <spark/runtime/brain.hpp>

#include "brain_fixture.hpp"

namespace {

using spark::runtime::brain_options;
using spark::runtime::executor_kind;

struct racy_fixture : spark::test::brain_fixture {
    racy_fixture() { registry.load(spark::test::test_plugin("racy")); }

    /// Steps a brain of `types` modules (none wired) often enough that both threads run some.
    void run_racing(const std::vector<std::string>& types, brain_options options) const {
        std::vector<std::string> modules;
        for (std::size_t m = 0; m < types.size(); ++m) {
            modules.push_back(spark::test::module_json("m" + std::to_string(m), types[m], ""));
        }
        auto b = make(spark::test::brain_json({}, {}, modules), options);
        for (int s = 0; s < 200; ++s) {
            b.step();
        }
        BOOST_TEST(b.step_index() == 200U);
    }
};

} // namespace

BOOST_AUTO_TEST_SUITE(tsan_canaries, *boost::unit_test::disabled())

BOOST_FIXTURE_TEST_CASE(two_modules_race_in_a_flow_graph_step, racy_fixture) {
    run_racing({"racy_step", "racy_step"}, {executor_kind::flow_graph, 2});
}

BOOST_FIXTURE_TEST_CASE(two_chunks_race_on_the_hosts_workers, racy_fixture) {
    run_racing({"racy_chunks"}, {executor_kind::flow_graph, 2});
}

BOOST_AUTO_TEST_SUITE_END()
