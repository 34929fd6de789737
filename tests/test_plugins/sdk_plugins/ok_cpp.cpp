// SPDX-License-Identifier: Apache-2.0
// Test plugin ok_cpp: the two reference types of the C++ SDK.
#include <spark/sdk/plugin.hpp>

#include "accumulator.hpp"
#include "echo_spikes.hpp"

SPARK_PLUGIN("test.cpp_ok",
             "testcpp",
             "1.2.3",
             "test plugin built with the C++ SDK",
             spark::sdk::per_dtype<spark::test_plugins::accumulator>,
             spark::test_plugins::echo_spikes);
