#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Writes the expected output of Python's json module for the Python-compatible JSON writer's
tests (runtime/src/config/python_json.hpp), next to this script:

* floats.txt: one double per line, "<its 64 bits in hex> <repr(x)> <json.dumps(x)>": the
  exponent boundaries of repr, powers of ten and their neighbours, subnormals, the extremes,
  signed zeros, NaN and the infinities, and seeded random bit patterns and values;
* documents.json: a list of {"name", "input", "indent", "expected"}: `input` is json.dumps(value)
  (compact, for the test to parse), `expected` is json.dumps(value, indent=indent).

Deterministic (fixed seed); run it with any Python 3 to regenerate both files.
"""

import json
import math
import os
import random
import struct

HERE = os.path.dirname(os.path.abspath(__file__))


def bits(x):
    return struct.unpack("<Q", struct.pack("<d", x))[0]


def from_bits(b):
    return struct.unpack("<d", struct.pack("<Q", b))[0]


def floats():
    values = [
        0.0, -0.0, math.nan, math.inf, -math.inf, 1.0, -1.0, 0.1, 0.2, 0.3, 1 / 3, 2 / 3,
        5e-324, -5e-324, 2.2250738585072014e-308, 2.225073858507201e-308, 1.7976931348623157e308,
        1e-4, 9.999999999999999e-05, 1.0000000000000001e-04, 0.00012345, 1e-05, 1.5e-05,
        1e15, 1e16, 9999999999999998.0, 1.0000000000000002e16, 1.5e16, 1e17, 1.2345678901234568e17,
        123456789012345678.0, 2.0 ** 53, 2.0 ** 53 + 2, 2.0 ** 63, 2.0 ** 64, 1e21, 1e22, 1e23,
        10.75268817204301, 15.15151515151515, 10.416666666666666, 76.92307692307692, 0.03125,
        -1.152, 1.79, 100.0, 12345.678, 478175918.0, 3297928496.0, 1e100, 1e-100, 1e300, 1e-300,
    ]
    for e in range(-30, 31):
        p = float("1e%d" % e)
        values += [p, math.nextafter(p, math.inf), math.nextafter(p, -math.inf), 1.5 * p, -9.5 * p]
    rng = random.Random(20260407)
    for _ in range(3000):
        x = from_bits(rng.getrandbits(64))
        if not math.isnan(x):
            values.append(x)
    for _ in range(1000):
        values.append(rng.uniform(-1000.0, 1000.0))
        values.append(rng.random() * 10.0 ** rng.randint(-20, 20))
        values.append(float(rng.randint(-10 ** 17, 10 ** 17)))
    lines = ["%016x %s %s" % (bits(x), repr(x), json.dumps(x)) for x in values]
    with open(os.path.join(HERE, "floats.txt"), "w", encoding="ascii") as f:
        f.write("\n".join(lines) + "\n")


def documents():
    cases = [
        ("empty containers", {"a": {}, "b": [], "c": [[]], "d": [{}], "e": [[], {}]}, 4),
        ("top-level empty object", {}, 4),
        ("top-level empty list", [], 4),
        ("nested containers", {"a": [1, [2, [3, {"b": None}]]], "z": True, "y": False}, 4),
        ("key order kept", {"zeta": 1, "alpha": 2, "mid": {"b": 1, "a": 2}, "Alpha": 3}, 4),
        ("short lists one item per line", {"pos": [120.5, -45.0], "shape": [1]}, 4),
        ("ints and floats", [1, 1.0, -1, -1.0, 0, 0.0, -0.0, 2 ** 63 - 1, -2 ** 63, 2 ** 63,
                             2 ** 64 - 1, 10 ** 15, 1e15, 1e16, 1e-5, 1e-4, 123456789.123], 4),
        ("floats across the exponent boundaries",
         [0.0001, 0.00009999999999999999, 1e-05, 9999999999999998.0, 1e16, 1.5e16,
          5e-324, 1.7976931348623157e308, 2.2250738585072014e-308, 0.1, 1 / 3], 4),
        ("tutorial numbers", {"pre_tau": [10.75268817204301, 15.15151515151515,
                                          10.416666666666666, 76.92307692307692],
                              "sigma": 0.03125, "scale": 1, "max_value": 6.0, "seed": 3297928496},
         4),
        ("escapes", ["quote \" backslash \\ slash /", "\n\r\t\b\f", "\x00\x01\x1f\x7f\x80",
                     "tab\there"], 4),
        ("non-ASCII", ["\u00e9", "\u00fc\u20ac", "\u4e2d\u6587", "\u2028\u2029", "\ufeff\uffff",
                       "\U0001F600", "\U00010000", "\U0010FFFF", "mixed \u00b5s \U0001F9E0 end"], 4),
        ("non-ASCII keys", {"\u043a\u043b\u044e\u0447": "\u0437\u043d\u0430\u0447\u0435\u043d\u0438\u0435",
                            "\U0001F600": 1, "a\"b": 2}, 4),
        ("top-level float", 1.5, 4),
        ("top-level string", "s\u00e9", 4),
        ("top-level null", None, 4),
        ("top-level true", True, 4),
        ("top-level int", 42, 4),
        ("indent 2", {"a": [1, {"b": [2.0, []]}], "c": {}}, 2),
        ("indent 0", {"a": [1, {"b": [2.0, []]}], "c": {}}, 0),
        ("indent 1 deep", [[[[[[[[1]]]]]]]], 1),
    ]
    out = [{"name": name, "input": json.dumps(value), "indent": indent,
            "expected": json.dumps(value, indent=indent)} for name, value, indent in cases]
    with open(os.path.join(HERE, "documents.json"), "w", encoding="ascii") as f:
        json.dump(out, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    floats()
    documents()
