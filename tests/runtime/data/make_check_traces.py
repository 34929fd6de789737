# SPDX-License-Identifier: Apache-2.0
"""Writes the reference traces test_cli.cpp checks `spark plugins check --reference` with.

Each is a NumPy structured array, one row per step and one field per port, computed here from
the model of the test type (tests/test_plugins/sdk_plugins/accumulator.hpp), never from Spark:

  accumulator_gain2.npy  testcpp.accumulator with gain 2: out = 2 * the running sum of in;
                         in[k] = 0.5 (k + 1) + 0.25 i over a (2, 3) input, 4 steps, float64.

Run from this folder with python3 (NumPy 1.20 or later): python3 make_check_traces.py
"""
import numpy as np

steps = 4
trace = np.zeros(steps, dtype=[("in", "<f8", (2, 3)), ("out", "<f8", (2, 3))])
for k in range(steps):
    trace["in"][k] = (0.5 * (k + 1) + 0.25 * np.arange(6)).reshape(2, 3)
trace["out"] = 2.0 * np.cumsum(trace["in"], axis=0)
np.save("accumulator_gain2.npy", trace)
