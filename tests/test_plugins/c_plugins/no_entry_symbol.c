// SPDX-License-Identifier: Apache-2.0
// no_entry_symbol: a real shared library that exports a function, but not spark_plugin_entry.
#include <spark/abi/version.h>

SPARK_EXPORT int spark_not_an_entry(int value);
int spark_not_an_entry(int value) {
    return value + 1;
}
