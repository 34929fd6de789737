// SPDX-License-Identifier: Apache-2.0
// JSON text exactly as Python 3's json.dumps(value, indent=N) writes it (upstream Spark 1.0 writes
// its `.scfg` files that way), so a file we read and write back is byte-identical. The rules are in
// docs/file-format.md section 2.6.4. Hand-written: Boost.JSON's serializer writes doubles as "1E0"
// and non-ASCII as raw UTF-8, and no library in Debian 12 reproduces Python's float repr.
#pragma once
#include <string>

#include <boost/json/value.hpp>

namespace spark::runtime::detail {

/// Python's repr(float(value)): the shortest digits that read back as `value`, in fixed notation
/// with at least one digit after the point ("1.0", "0.0001", "-0.0") when the decimal exponent is
/// in [-4, 16), else in scientific notation ("1e-05", "1.5e+16", "5e-324"); "nan", "inf", "-inf".
[[nodiscard]] std::string python_float_repr(double value);

/// Python's json.dumps(value, indent=indent) with its other defaults (ensure_ascii=True, item
/// separator "," before each new line, key separator ": "): one item per line, `indent` spaces per
/// level, "{}" and "[]" for empty containers, no trailing newline, keys in the object's order,
/// int64/uint64 as integers, doubles as python_float_repr (non-finite ones as NaN, Infinity,
/// -Infinity). Throws std::invalid_argument for a string that is not valid UTF-8 (a Python string
/// cannot hold one), naming the byte offset, and for a negative indent.
[[nodiscard]] std::string python_json_dumps(const boost::json::value& value, int indent = 4);

} // namespace spark::runtime::detail
