// SPDX-License-Identifier: Apache-2.0
// The registry test area: discovery, ABI checks, resolution, provenance, unload order, and the
// lifecycle of every test plugin.
#define BOOST_TEST_MODULE registry
#include <boost/test/unit_test.hpp>

#include "log_capture.hpp"

// The macro builds a variable name from its argument, so it needs an unqualified name.
using spark::test::log_capture_fixture;
BOOST_TEST_GLOBAL_FIXTURE(log_capture_fixture);
