// SPDX-License-Identifier: Apache-2.0
// The SDK helpers compile and work as C++17 (cxx17_check.cpp) as well as C++20 (this file).
#include <string>

#include <boost/test/unit_test.hpp>

#include "cxx17_check.hpp"

BOOST_AUTO_TEST_SUITE(cxx17)

BOOST_AUTO_TEST_CASE(helpers_build_a_plugin_in_cpp17) {
    BOOST_TEST(spark_test_cxx17_standard() == 201703L);
    BOOST_TEST(spark_test_cxx17_describe() == "cxx17.scaler 2.0 [2] contract=yes");
}

BOOST_AUTO_TEST_CASE(this_file_is_cpp20) {
    BOOST_TEST(__cplusplus >= 202002L);
}

BOOST_AUTO_TEST_SUITE_END()
