// SPDX-License-Identifier: Apache-2.0
// Test plugin ok_clang: the accumulator of ok_cpp, built by clang++ (see clang_project/) to show
// that a plugin from another compiler loads into a g++ host.
#include <spark/sdk/plugin.hpp>

#include "accumulator.hpp"

SPARK_PLUGIN("test.clang_ok",
             "testclang",
             "1.0.0",
             "test plugin built with clang and the C++ SDK",
             spark::sdk::per_dtype<spark::test_plugins::accumulator>);
