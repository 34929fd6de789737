// SPDX-License-Identifier: Apache-2.0
// What `spark plugins check` was asked beyond the defaults (internal): --type, --set, --shape and
// --reference resolved against one plugin file's types, every misfit a request_problem naming the
// option, the type, the field or port and the fix.
#pragma once
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <spark/abi/module.h>
#include <spark/registry/module_type_info.hpp>
#include <spark/runtime/plugin_check.hpp>

namespace spark::runtime::detail {

/// The options do not fit the file: the check does not run (a usage error, not a plugin failure).
class request_problem : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/// The types of the file to check: every one, or the one options.type names (canonical id or
/// class_ref). Throws request_problem when options.type names none of them, or when --set,
/// --shape, --reference or --write-reference is given for a file of several types without --type
/// (listing them).
[[nodiscard]] std::vector<const registry::module_type_info*>
selected_types(const std::vector<const registry::module_type_info*>& file_types,
               const check_options& options);

/// Throws request_problem when `type` cannot take options' settings (an unknown field name), shapes
/// (an unknown, output, from-field or like-port input, a bad shape) or reference (see
/// check_reference_fields), or cannot be recorded (an initializer, 0 steps, with a reference).
void check_request(const registry::module_type_info& type, const check_options& options);

/// The dtypes `type` is checked in: the --set dtype, else the reference's float fields' dtype,
/// else float32 when recording a trace (or the first dtype offered without float32), else every
/// dtype its config offers. Throws request_problem when they conflict.
[[nodiscard]] std::vector<std::int32_t> run_dtypes(const registry::module_type_info& type,
                                                   const check_options& options);

/// The settings as JSON object members ("\"tau\": 5, \"mode\": \"linear\""), or "".
[[nodiscard]] std::string settings_members(const check_options& options);
/// Whether a setting names top-level field `field` (also "field__nested").
[[nodiscard]] bool is_set(const check_options& options, std::string_view field);

/// The shape --shape or the reference gives input `port`, or nullopt.
[[nodiscard]] std::optional<spark_shape_t> given_shape(const check_options& options,
                                                       std::string_view port);
/// The field of `trace` named `name`, or nullptr.
[[nodiscard]] const trace_field* reference_field_named(const reference_trace& trace,
                                                       std::string_view name);
/// The reference's field for `port`, or nullptr.
[[nodiscard]] const trace_field* reference_field(const check_options& options,
                                                 std::string_view port);

} // namespace spark::runtime::detail
