// SPDX-License-Identifier: Apache-2.0
// Test area `sdk`: the C ABI (frozen layout, strict C11) and the header-only C++ helpers.
#define BOOST_TEST_MODULE sdk
#include <boost/test/unit_test.hpp>
