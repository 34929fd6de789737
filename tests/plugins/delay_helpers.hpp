// SPDX-License-Identifier: Apache-2.0
// What the tests of n_delays and n2n_delays share: a spike on every input at step 0 must come out
// of every output exactly once, within steps 1..B (the default delays lie in [1, B]).
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include <boost/test/unit_test.hpp>

#include "models_fixture.hpp"

namespace spark::test {

/// Steps `m` for `steps` steps (every input spiking at step 0 only) and checks that each output
/// element (`what`: "neuron", "synapse") delivers exactly once, at a step in [1, max_delay].
inline void check_each_output_arrives_once(running_module& m,
                                           std::uint64_t steps,
                                           std::uint64_t max_delay,
                                           const std::string& what) {
    std::vector<int> arrivals(m.out<std::uint8_t>(0).size(), 0);
    for (std::uint64_t k = 0; k < steps; ++k) {
        for (auto& s : m.in<std::uint8_t>(0)) {
            s = k == 0 ? 1 : 0;
        }
        m.step(k);
        const auto o = m.out<std::uint8_t>(0);
        for (std::size_t j = 0; j < o.size(); ++j) {
            BOOST_TEST(o[j] <= 1U);
            if (o[j] == 1U) {
                BOOST_TEST((k >= 1 && k <= max_delay),
                           what << " " << j << " delivered at step " << k);
                ++arrivals[j];
            }
        }
    }
    for (const int a : arrivals) {
        BOOST_TEST(a == 1);
    }
}

} // namespace spark::test
