// SPDX-License-Identifier: Apache-2.0
// Test area `interfaces`: input/output interfaces and initializers against reference values.
#define BOOST_TEST_MODULE interfaces
#include <boost/test/unit_test.hpp>

#include "log_capture.hpp"

// The macro builds a variable name from its argument, so it needs an unqualified name.
using spark::test::log_capture_fixture;
BOOST_TEST_GLOBAL_FIXTURE(log_capture_fixture);
