// SPDX-License-Identifier: Apache-2.0
// Test area `plugins`: the built-in models against reference values.
#define BOOST_TEST_MODULE plugins
#include <boost/test/unit_test.hpp>
