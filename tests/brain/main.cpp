// SPDX-License-Identifier: Apache-2.0
#define BOOST_TEST_MODULE brain
#include <boost/test/unit_test.hpp>

#include "log_capture.hpp"

// The macro pastes its argument into identifiers: it needs an unqualified name.
using spark::test::log_capture_fixture;
BOOST_TEST_GLOBAL_FIXTURE(log_capture_fixture);
