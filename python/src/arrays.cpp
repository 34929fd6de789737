// SPDX-License-Identifier: Apache-2.0
#include "arrays.hpp"

#include <algorithm>
#include <cstring>
#include <optional>
#include <sstream>
#include <utility>

#include <spark/registry/module_type_info.hpp>

namespace spark::python {
namespace {

std::size_t element_count(const spark_port_spec_t& spec) {
    std::size_t count = 1;
    for (std::uint32_t d = 0; d < spec.shape.rank; ++d) {
        count *= spec.shape.dims[d];
    }
    return count;
}

std::string shape_text(const std::vector<py::ssize_t>& shape) {
    std::ostringstream out;
    out << '(';
    for (std::size_t d = 0; d < shape.size(); ++d) {
        out << (d == 0 ? "" : ", ") << shape[d];
    }
    out << (shape.size() == 1 ? ",)" : ")");
    return out.str();
}

/// numpy's same_kind rule for the kinds a port holds: booleans and integers feed every port,
/// floats only float ports.
bool same_kind(char from, std::int32_t to) {
    switch (from) {
    case 'b':
    case 'i':
    case 'u':
        return true;
    case 'f':
        return to == SPARK_DTYPE_F32 || to == SPARK_DTYPE_F64;
    default:
        return false;
    }
}

} // namespace

py::dtype numpy_dtype(std::int32_t dtype) {
    switch (dtype) {
    case SPARK_DTYPE_U8:
        return py::dtype::of<std::uint8_t>();
    case SPARK_DTYPE_I32:
        return py::dtype::of<std::int32_t>();
    case SPARK_DTYPE_F32:
        return py::dtype::of<float>();
    case SPARK_DTYPE_F64:
        return py::dtype::of<double>();
    default:
        throw py::type_error("a port of unknown dtype " + std::to_string(dtype));
    }
}

std::vector<py::ssize_t> numpy_shape(const spark_port_spec_t& spec) {
    std::vector<py::ssize_t> shape;
    for (std::uint32_t d = 0; d < spec.shape.rank; ++d) {
        shape.push_back(static_cast<py::ssize_t>(spec.shape.dims[d]));
    }
    return shape;
}

std::string spec_text(const spark_port_spec_t& spec) {
    return shape_text(numpy_shape(spec)) + " " + std::string(registry::dtype_name(spec.dtype));
}

namespace {

/// A Python number broadcast to a float port, without numpy's conversions (the common case of
/// `step({"drive": 0.5})`); nullopt for anything else.
std::optional<py::array> number_for_float_port(const spark_port_spec_t& spec, py::handle value) {
    const bool number = PyFloat_Check(value.ptr()) != 0 || PyLong_Check(value.ptr()) != 0;
    if (!number || (spec.dtype != SPARK_DTYPE_F32 && spec.dtype != SPARK_DTYPE_F64)) {
        return std::nullopt;
    }
    const double x = PyFloat_AsDouble(value.ptr());
    if (x == -1.0 && PyErr_Occurred() != nullptr) {
        throw py::error_already_set(); // an int too large for a double
    }
    py::array out(numpy_dtype(spec.dtype), numpy_shape(spec));
    if (spec.dtype == SPARK_DTYPE_F32) {
        auto* data = static_cast<float*>(out.mutable_data());
        std::fill(data, data + out.size(), static_cast<float>(x));
    } else {
        auto* data = static_cast<double*>(out.mutable_data());
        std::fill(data, data + out.size(), x);
    }
    return out;
}

} // namespace

py::array port_array(const std::string& what,
                     const spark_port_spec_t& spec,
                     py::handle value,
                     bool allow_rows) {
    if (auto number = number_for_float_port(spec, value)) {
        return std::move(*number);
    }
    const auto shape = numpy_shape(spec);
    const py::dtype target = numpy_dtype(spec.dtype);
    // Built only for a message: the checks below pass on every step of a correct program.
    const auto expected = [&] {
        return shape_text(shape) + (allow_rows ? " (or (steps, ...) with a row per step)" : "");
    };
    auto array = py::array::ensure(value);
    if (!array) {
        throw py::type_error(what + " takes a number or an array of shape " + expected() + " and " +
                             std::string(registry::dtype_name(spec.dtype)) + " values, got " +
                             std::string(py::str(py::type::of(value).attr("__name__"))));
    }
    if (!same_kind(array.dtype().kind(), spec.dtype)) {
        throw py::type_error(what + " holds " + std::string(registry::dtype_name(spec.dtype)) +
                             " values of shape " + shape_text(shape) + ": values of dtype " +
                             std::string(py::str(array.dtype())) +
                             " do not convert to it (numpy's same_kind rule); convert them "
                             "explicitly with .astype()");
    }
    if (array.ndim() == 0) {
        const auto element = array.attr("astype")(target).cast<py::array>();
        py::array out(target, shape);
        const auto size = static_cast<std::size_t>(out.itemsize());
        auto* bytes = static_cast<std::byte*>(out.mutable_data());
        for (py::ssize_t i = 0; i < out.size(); ++i) {
            std::memcpy(bytes + static_cast<std::size_t>(i) * size, element.data(), size);
        }
        return out;
    }
    const std::vector<py::ssize_t> got(array.shape(), array.shape() + array.ndim());
    const bool rows = allow_rows && got.size() == shape.size() + 1 && got[0] >= 1 &&
                      std::equal(got.begin() + 1, got.end(), shape.begin(), shape.end());
    if (got != shape && !rows) {
        throw py::value_error(what + " has shape " + expected() + ", got an array of shape " +
                              shape_text(got));
    }
    if (array.dtype().equal(target) && (array.flags() & py::array::c_style) != 0) {
        return array;
    }
    return array.attr("astype")(target, py::arg("order") = "C").cast<py::array>();
}

std::size_t port_bytes(const spark_port_spec_t& spec) {
    return element_count(spec) * spark_dtype_size(spec.dtype);
}

void copy_into(const spark_buffer_t& buffer, const void* source) {
    std::memcpy(buffer.data, source, buffer.count * spark_dtype_size(buffer.spec.dtype));
}

void write_row(const void* data, const spark_port_spec_t& spec, void* row) {
    const std::size_t count = element_count(spec);
    if (spec.payload_kind == SPARK_PAYLOAD_SPIKES) {
        const auto* in = static_cast<const std::uint8_t*>(data);
        auto* out = static_cast<std::uint8_t*>(row);
        for (std::size_t i = 0; i < count; ++i) {
            out[i] = in[i] & 1U;
        }
        return;
    }
    std::memcpy(row, data, count * spark_dtype_size(spec.dtype));
}

py::array copy_port(const void* data, const spark_port_spec_t& spec) {
    py::array out(numpy_dtype(spec.dtype), numpy_shape(spec));
    write_row(data, spec, out.mutable_data());
    return out;
}

} // namespace spark::python
