// SPDX-License-Identifier: Apache-2.0
// Checks of what a plugin declares (its entry and its module type descriptors) before the
// registry keeps any of it: a malformed descriptor is a load error, not a crash later.
#pragma once
#include <string>
#include <string_view>

#include <spark/abi/entry.h>
#include <spark/abi/module.h>

namespace spark::registry::detail {

/// Letters, digits and '_', not starting with a digit.
[[nodiscard]] bool is_identifier(std::string_view text) noexcept;

/// Identifiers joined by single dots ("potential", "soma.potential"): a property's name, which
/// a neuron may give as "<part>.<property>" to offer its parts' properties as upstream 1.0 names
/// them (docs/adr/0013-neurons-as-compositions.md).
[[nodiscard]] bool is_dotted_identifier(std::string_view text) noexcept;

/// The first problem of an entry's plain data and function pointers ("" when none). Reads data
/// only, calls nothing.
[[nodiscard]] std::string entry_problem(const spark_plugin_entry_t& entry);

/// The first problem of a type descriptor ("" when none), e.g. "field 'tau' has unknown type 99
/// (expected 1..8, a SPARK_FIELD_* value)". Does not check abi_version (the loader does, to throw
/// abi_error).
[[nodiscard]] std::string type_problem(const spark_module_type_t& type);

/// The first problem of the ABI 1.1 type-level extensions a well-formed type offers (its
/// declared properties, its capabilities), "" when none. Asks the type for them (plugin code,
/// [thread-safe] by the ABI), so call it after type_problem() found nothing.
[[nodiscard]] std::string extension_problem(const spark_module_type_t& type);

} // namespace spark::registry::detail
