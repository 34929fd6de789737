// SPDX-License-Identifier: Apache-2.0
// Writing the structures of upstream_v1.hpp back to upstream 1.0's JSON, in upstream's key order
// (docs/file-format.md section 2.6.2): a file read and written back is byte-identical.
#pragma once
#include <string>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include "config/upstream_v1.hpp"

namespace spark::runtime::upstream_v1 {

/// The document {"__type__": ..., "__cfg__": {...}}.
[[nodiscard]] boost::json::value to_json(const controller_config& config);

/// A neuron config's fields alone (untagged), as a brain file holds a neuron child's config.
[[nodiscard]] boost::json::object neuron_fields_json(const neuron_config& config);

/// The document's text as upstream writes it: Python's json.dumps(..., indent=4).
[[nodiscard]] std::string to_text(const controller_config& config);

} // namespace spark::runtime::upstream_v1
