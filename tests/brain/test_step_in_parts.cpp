// SPDX-License-Identifier: Apache-2.0
// brain::step_first() and step_rest(): a step in two parts, as a rank takes it to send what the
// first part computed while the second part runs (docs/scaling.md section 3.1). Every module
// reads the last step's cache, so any split gives step()'s outputs bit for bit, on every
// executor; misuse is refused with an error that says what to call.
#include <cstddef>
#include <string>
#include <vector>

#include <boost/test/unit_test.hpp>

#include "checkpoint_fixture.hpp"
#include "text_match.hpp"

namespace {

using spark::runtime::brain;
using spark::runtime::executor_kind;

/// Every module's outputs, in module and port order.
std::vector<std::vector<std::byte>> outputs_of(const brain& b) {
    std::vector<std::vector<std::byte>> all;
    for (const auto& module : b.modules()) {
        for (const auto& [port, spec] : module.outputs) {
            const auto view = b.cached(module.name, port);
            const auto* data = static_cast<const std::byte*>(view.data);
            all.emplace_back(data, data + view.count * spark_dtype_size(view.spec.dtype));
        }
    }
    return all;
}

} // namespace

BOOST_AUTO_TEST_SUITE(step_in_parts)

BOOST_FIXTURE_TEST_CASE(any_split_gives_the_whole_steps_outputs, spark::test::checkpoint_fixture) {
    for (const auto executor :
         {executor_kind::sequential, executor_kind::flow_graph, executor_kind::automatic}) {
        spark::runtime::brain_options options;
        options.executor = executor;
        auto whole = make(options);
        auto parts = make(options);
        const std::size_t n = whole.modules().size();
        for (std::uint64_t t = 0; t < 40; ++t) {
            spark::test::drive(whole, t);
            spark::test::drive(parts, t);
            whole.step();
            // Every subset of the modules in turn as the first part, the empty one included.
            std::vector<std::size_t> first;
            for (std::size_t m = 0; m < n; ++m) {
                if (((t >> m) & 1U) != 0U) {
                    first.push_back(m);
                }
            }
            parts.step_first(first);
            for (const auto m : first) {
                const auto& module = parts.modules()[m];
                for (const auto& [port, spec] : module.outputs) {
                    // What step_first() wrote is already the step's output.
                    const auto now = parts.stepped(module.name, port);
                    const auto then = whole.cached(module.name, port);
                    const auto* a = static_cast<const std::byte*>(now.data);
                    const auto* b = static_cast<const std::byte*>(then.data);
                    const std::size_t bytes = then.count * spark_dtype_size(then.spec.dtype);
                    BOOST_TEST((std::vector<std::byte>(a, a + bytes) ==
                                std::vector<std::byte>(b, b + bytes)),
                               "step " << t << ": " << module.name << "." << port);
                }
            }
            parts.step_rest();
            BOOST_TEST((outputs_of(parts) == outputs_of(whole)), "step " << t);
            BOOST_TEST(parts.step_index() == whole.step_index());
        }
    }
}

BOOST_FIXTURE_TEST_CASE(misuse_says_what_to_call, spark::test::checkpoint_fixture) {
    auto b = make();
    const auto says = [](const char* text) {
        return [text](const spark::error& e) { return spark::test::contains(e.what(), text); };
    };
    BOOST_CHECK_EXCEPTION(b.step_rest(), spark::error, says("needs a step_first() before it"));
    BOOST_CHECK_EXCEPTION(
        (void)b.stepped("ex", "out_spikes"), spark::error, says("reads a module that"));
    const std::vector<std::size_t> twice{1, 1};
    BOOST_CHECK_EXCEPTION(b.step_first(twice), spark::error, says("module index 1 twice"));
    const std::vector<std::size_t> beyond{9};
    BOOST_CHECK_EXCEPTION(b.step_first(beyond), spark::error, says("of a brain with 4 modules"));
    const std::vector<std::size_t> ex{1};
    b.step_first(ex);
    BOOST_CHECK_EXCEPTION(b.step(), spark::error, says("call step_rest() before another step"));
    BOOST_CHECK_EXCEPTION(
        (void)b.stepped("inh", "out_spikes"), spark::error, says("reads a module that"));
    BOOST_CHECK_EXCEPTION(
        (void)b.stepped("ex", "nothing"), spark::error, says("has no output port 'nothing'"));
    b.step_rest();
    BOOST_TEST(b.step_index() == 1U);
    b.step_first(ex);
    b.reset(); // abandons the step in parts
    BOOST_TEST(b.step_index() == 0U);
    b.step();
    BOOST_TEST(b.step_index() == 1U);
}

BOOST_AUTO_TEST_SUITE_END()
