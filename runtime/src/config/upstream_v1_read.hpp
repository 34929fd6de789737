// SPDX-License-Identifier: Apache-2.0
// Reading upstream 1.0 controller documents into the structures of upstream_v1.hpp. Every problem
// is collected with its path ("brain/modules_specs[2]/inputs/current[0]/origin") before one
// config_error is thrown, so a user fixes a file in one pass.
#pragma once
#include <string>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <spark/runtime/config_mode.hpp>

#include "config/upstream_v1.hpp"

namespace spark::runtime::upstream_v1 {

/// A decoded upstream 1.0 `.scfg` document: {"__type__": "brain_config", "__cfg__": ...} gives a
/// brain_config (paths start at "brain"); any other "<name>_config" tag a neuron_config (paths
/// start at "neuron"). A {"__version__": "1.0", "__data__": ...} wrapper is unwrapped. Strict mode
/// reports every key the schema does not name; compat mode drops it with a logged warning.
/// Throws config_error with every problem.
[[nodiscard]] controller_config read_controller(const boost::json::value& document,
                                                config_mode mode = config_mode::strict);

/// A neuron config's fields alone, as a brain file holds a neuron child's config (untagged, at
/// `path`); `type` becomes the neuron_config's type tag. Throws config_error with every problem.
[[nodiscard]] neuron_config read_neuron_fields(const boost::json::object& fields,
                                               const std::string& path,
                                               const std::string& type,
                                               config_mode mode = config_mode::strict);

} // namespace spark::runtime::upstream_v1
