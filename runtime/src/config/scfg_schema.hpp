// SPDX-License-Identifier: Apache-2.0
// Which upstream schema a decoded `.scfg` document follows. Upstream writes no version into its
// files, so the schema is told by the keys only (docs/file-format.md section 2.6.1).
#pragma once
#include <string>

#include <boost/json/value.hpp>

namespace spark::runtime::detail {

enum class scfg_schema {
    af523a5,     // brain_config with input_map/output_map/modules_map, or a module config file
    upstream_1_0 // controllers with modules_specs; module_cls with __subregistry__
};

/// The schema of `document`: upstream 1.0 when its `__cfg__` has "modules_specs" or any object
/// with "__module_type__" also has "__subregistry__"; af523a5 when a brain_config's `__cfg__` has
/// "input_map", "output_map" or "modules_map", or when a module config file (any other
/// "<name>_config" tag) has neither mark. A `{"__version__", "__data__"}` wrapper is looked
/// through; its version is not evidence. Throws config_error (path `source`) for a document that
/// is no config envelope, shows the marks of both schemas, or is a brain_config or neuron_config
/// with neither; the message names what was found and what each schema looks like.
[[nodiscard]] scfg_schema recognise_schema(const boost::json::value& document,
                                           const std::string& source);

/// "af523a5" or "upstream 1.0".
[[nodiscard]] std::string schema_name(scfg_schema schema);

} // namespace spark::runtime::detail
