// SPDX-License-Identifier: Apache-2.0
// What cxx17_check.cpp (the SDK compiled as C++17) exposes to the C++20 tests.
#pragma once
#include <string>

/// __cplusplus of cxx17_check.cpp.
long spark_test_cxx17_standard();
/// "<vendor>.<class_ref> <default of field 0> <default of field 1> contract=<yes|no>" of its type.
std::string spark_test_cxx17_describe();
