// SPDX-License-Identifier: Apache-2.0
// A validated config for one module type, built from the type's schema (defaults) and a JSON object
// of overrides, owning everything behind the spark_config_t that create() and initialize() receive.
#pragma once
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <spark/abi/schema.h>
#include <spark/registry/module_type_info.hpp>
#include <spark/registry/plugin_registry.hpp>
#include <spark/runtime/config_mode.hpp>
#include <spark/runtime/errors.hpp>
#include <spark/runtime/field_metadata.hpp>
#include <spark/runtime/file_options.hpp>

namespace spark::runtime {

namespace detail {
struct module_config_access;
} // namespace detail

/// How a config's values come about, in this order:
/// 1. the base fields: `seed` (uint64), `dtype` ("float32" or "float64"), `dt` (> 0, ms);
///    a top-level config defaults to seed = a hash of its path, dtype float32, dt 1; a nested
///    config inherits dtype and dt from its parent and draws its seed from the parent's seed and
///    its field name, so one seed at the top reproduces everything below it;
/// 2. every schema field's `default_json`;
/// 3. the overrides. A CONFIG field takes an object whose optional "__class_ref__" names the nested
///    type (resolved through the registry; a bare name the overrides write prefers the config's
///    vendor_preference, one a schema's default writes does not); the object's other keys are
///    merged into that type's defaults, recursively. An INITIALIZER field takes a number or such
///    an object naming an initializer type.
/// Then every validator of the schema runs. All problems are collected and thrown together as one
/// config_error; paths are "<path>/<field>", nested ones "<path>/<field>/<nested field>".
///
/// A module_config is valid by construction: every way to make or change one (constructor,
/// merge, from_file, with_new_seeds) validates the whole result first and changes nothing when
/// it fails. Upstream's API maps onto it as: from_dict -> the constructor, to_dict -> to_json(),
/// validate(errors=[...]) -> check(), get_field_errors -> field_errors(), get_metadata ->
/// metadata(), __iter__ -> fields(), == -> operator== (HEAD's deep equality, not af523a5's).
class module_config {
public:
    /// Builds the config of `type` from `overrides_json` (the text of a JSON object; "{}" for the
    /// defaults). `path` prefixes every issue's path (e.g. "brain/A_ex"). The registry resolves
    /// nested type names and must outlive this config (it owns the type descriptions).
    /// Throws config_error listing every problem. In compat mode an unknown key is a logged
    /// warning and is dropped. `vendor_preference` (a brain's "__vendors__") decides the bare
    /// nested type names `overrides_json` writes first (plugin_registry::resolve); the config
    /// keeps it for merge() and the other rebuilds. `relative_to` is the folder a relative path
    /// field (SPARK_FIELD_PATH) starts from, the brain file's (empty: the working directory);
    /// such a field holds an absolute path once built. Kept for the rebuilds too.
    module_config(const registry::plugin_registry& registry,
                  const registry::module_type_info& type,
                  std::string_view overrides_json = "{}",
                  std::string path = {},
                  config_mode mode = config_mode::strict,
                  std::span<const std::string> vendor_preference = {},
                  const std::filesystem::path& relative_to = {});

    module_config(module_config&&) noexcept;
    module_config& operator=(module_config&&) noexcept;
    module_config(const module_config&) = delete;
    module_config& operator=(const module_config&) = delete;
    ~module_config();

    /// The C view handed to create() / initialize(). Every pointer in it stays valid as long as
    /// this object lives, also across moves.
    [[nodiscard]] const spark_config_t& abi() const noexcept;
    [[nodiscard]] const registry::module_type_info& type() const noexcept;
    [[nodiscard]] const std::string& path() const noexcept;
    /// The vendors bare nested type names prefer, as given to the constructor (empty: none).
    [[nodiscard]] const std::vector<std::string>& vendor_preference() const noexcept;
    /// Upstream's __metadata__ and __graph_editor_metadata__ as given (compact JSON), or empty.
    /// Kept verbatim, written back by to_json() and to_file(); no module reads them.
    [[nodiscard]] const std::string& metadata_json() const noexcept;
    [[nodiscard]] const std::string& graph_editor_metadata_json() const noexcept;

    [[nodiscard]] std::uint64_t seed() const noexcept;
    [[nodiscard]] std::int32_t dtype() const noexcept; // SPARK_DTYPE_F32 or SPARK_DTYPE_F64
    [[nodiscard]] double dt() const noexcept;          // [ms]

    /// The value of a schema field (not the base fields, see seed(), dtype(), dt()). Throws
    /// std::out_of_range naming the field and the type when the schema has no such field.
    [[nodiscard]] const spark_value_t& value(std::string_view field) const;
    /// The nested config held by a CONFIG or INITIALIZER field, or nullptr (an initializer field
    /// holding a number, or a nullable CONFIG field holding none). Throws std::out_of_range like
    /// value().
    [[nodiscard]] const module_config* nested(std::string_view field) const;

    /// Upstream's to_dict(), as compact JSON: every value as validated (defaults filled in),
    /// "seed", "dtype" and "dt" first, then the schema's fields in order; a nested config is an
    /// object with its "__class_ref__" (canonical id), none is null. Feeding it back as overrides
    /// rebuilds an equal config.
    [[nodiscard]] std::string to_json() const;
    /// Upstream's get_kwargs(): the values of to_json() without metadata and without the
    /// "__class_ref__" of nested configs (plain nested objects, as upstream hands to a
    /// constructor).
    [[nodiscard]] std::string kwargs_json() const;
    /// Upstream's diff(): the paths (relative, "a/b" for nested fields) whose values differ from
    /// `other`'s, in field order; a nested config of another type differs as a whole.
    [[nodiscard]] std::vector<std::string> diff(const module_config& other) const;

    /// One field as iteration yields it (upstream's __iter__: name, field, value).
    struct field_view {
        const spark_field_desc_t& desc; // name, type, default, units, validators
        const spark_value_t& value;
        const module_config* nested; // the nested config of a CONFIG/INITIALIZER field, or null
    };
    /// The schema's fields in order (the base fields are seed(), dtype(), dt()).
    [[nodiscard]] std::vector<field_view> fields() const;
    /// Upstream's get_metadata(): what the schema says about every field, base fields first.
    [[nodiscard]] std::vector<field_metadata> metadata() const;
    /// Upstream's inspect(): an indented tree, one "name: type [units] <- value" line per field,
    /// nested configs as subtrees; arrays longer than 5 elements are shortened.
    [[nodiscard]] std::string inspect() const;

    /// Upstream's merge(partial): `partial_json` (an object, with "a__b" paths and "_s_" shared
    /// values like the constructor's) applied over this config's values; nested configs keep
    /// their type unless the partial names another with "__class_ref__", and their own seed,
    /// dtype and dt ("_s_dtype" changes a value at every depth). Throws config_error
    /// listing every problem and leaves this config unchanged; on success every view from
    /// abi(), value() and nested() is replaced.
    void merge(std::string_view partial_json, config_mode mode = config_mode::strict);
    /// merge() on a copy.
    [[nodiscard]] module_config merged(std::string_view partial_json,
                                       config_mode mode = config_mode::strict) const;
    /// Upstream's get_field_errors(name), for a candidate value: the problems this config would
    /// have with `value_json` (JSON text) as the value of `field`, empty when it is acceptable.
    /// Throws std::out_of_range when the schema has no such field.
    [[nodiscard]] std::vector<std::string> field_errors(std::string_view field,
                                                        std::string_view value_json) const;
    /// Upstream's with_new_seeds(seed): a copy where every seed, at every depth, is new: drawn
    /// from the OS's entropy without `seed`, derived from `seed` and the field's path with it
    /// (the same `seed` gives the same seeds).
    [[nodiscard]] module_config
    with_new_seeds(std::optional<std::uint64_t> seed = std::nullopt) const;

    /// Deep equality: same type and the same value in every field, at every depth.
    friend bool operator==(const module_config& a, const module_config& b);

    /// Upstream's validate(errors=[...]): every problem the constructor would throw, returned
    /// instead. With `partial`, a required field left unset is not a problem (a draft, e.g.
    /// from a graph editor, that is finished later). `vendor_preference` as for the constructor.
    [[nodiscard]] static std::vector<config_issue>
    check(const registry::plugin_registry& registry,
          const registry::module_type_info& type,
          std::string_view overrides_json,
          std::string path = {},
          config_mode mode = config_mode::strict,
          bool partial = false,
          std::span<const std::string> vendor_preference = {},
          const std::filesystem::path& relative_to = {});

    /// Upstream's to_file(): {"__type__": "<canonical id>_config", "__cfg__": <to_json()>} as
    /// 4-space JSON, plain or xz, written atomically (on failure the file is unchanged).
    void to_file(const std::filesystem::path& file,
                 file_compression compression = file_compression::none) const;
    /// Upstream's from_file(): the file names its type in "__type__" ("<class_ref>_config", the
    /// class_ref bare or canonical). Issue paths start with the file's name, and so does the
    /// derivation of seeds the file does not set. Throws config_error naming the file.
    [[nodiscard]] static module_config from_file(const registry::plugin_registry& registry,
                                                 const std::filesystem::path& file,
                                                 config_mode mode = config_mode::strict,
                                                 const file_limits& limits = {});

private:
    friend struct detail::module_config_access;
    struct impl;
    explicit module_config(std::unique_ptr<impl> data);
    std::unique_ptr<impl> impl_;
};

} // namespace spark::runtime
