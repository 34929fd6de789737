// SPDX-License-Identifier: Apache-2.0
// Element-wise comparison of two vectors with a relative tolerance (Boost's per_element() and
// tolerance() do not combine), naming the element that differs.
#pragma once
#include <cstddef>
#include <vector>

#include <boost/test/unit_test.hpp>

namespace spark::test {

inline void check_close(const std::vector<double>& actual,
                        const std::vector<double>& expected,
                        double tolerance) {
    BOOST_TEST_REQUIRE(actual.size() == expected.size());
    for (std::size_t k = 0; k < actual.size(); ++k) {
        BOOST_TEST_CONTEXT("element " << k) {
            BOOST_TEST(actual[k] == expected[k], boost::test_tools::tolerance(tolerance));
        }
    }
}

} // namespace spark::test
