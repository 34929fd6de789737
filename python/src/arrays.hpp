// SPDX-License-Identifier: Apache-2.0
// numpy arrays to and from the brain's port buffers, with the checks a user's mistake needs: a
// wrong shape is a ValueError and a value of another kind (a float for spikes) a TypeError, each
// naming the port and what it expects.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include <spark/abi/types.h>

#include "bindings.hpp"

#include <pybind11/numpy.h>

namespace spark::python {

/// The numpy dtype of a SPARK_DTYPE_* value.
[[nodiscard]] py::dtype numpy_dtype(std::int32_t dtype);
/// A port's shape as numpy writes it, (3, 4); () for a scalar port.
[[nodiscard]] std::vector<py::ssize_t> numpy_shape(const spark_port_spec_t& spec);
/// "(3, 4) float32", for messages.
[[nodiscard]] std::string spec_text(const spark_port_spec_t& spec);

/// `value` as a C-contiguous array in the port's dtype: a Python number or 0-d array broadcast to
/// the port's shape, or an array of the port's shape. With `rows`, an array of shape
/// (rows, *port shape) is accepted too (run()'s per-step series; rows >= 1). Numbers convert by
/// numpy's same_kind rule (an int feeds a float port, a float never feeds spikes). Throws
/// py::type_error / py::value_error naming `what` (e.g. "input 'drive'").
[[nodiscard]] py::array port_array(const std::string& what,
                                   const spark_port_spec_t& spec,
                                   py::handle value,
                                   bool allow_rows = false);

/// Bytes of one value of the port: its elements times its dtype's size.
[[nodiscard]] std::size_t port_bytes(const spark_port_spec_t& spec);

/// Copies one element-row of `source` (count elements of the port's dtype) into `buffer`.
void copy_into(const spark_buffer_t& buffer, const void* source);

/// A new array holding the port's data; spikes as 0/1 (bit 0: a spike; bit 1, which marks an
/// inhibitory neuron, is dropped, as `spark run --record` writes them).
[[nodiscard]] py::array copy_port(const void* data, const spark_port_spec_t& spec);

/// Writes a port's data as one row of a recording (spikes as 0/1).
void write_row(const void* data, const spark_port_spec_t& spec, void* row);

} // namespace spark::python
