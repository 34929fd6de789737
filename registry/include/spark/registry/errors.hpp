// SPDX-License-Identifier: Apache-2.0
// The error types of the registry, and spark::error, the root every Spark C++ error derives from.
// Messages start lower-case, name the thing, the place and the fix.
#pragma once
#include <cstdint>
#include <filesystem>
#include <stdexcept>
#include <string>

namespace spark {

/// Root of every error the Spark libraries throw.
class error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

} // namespace spark

namespace spark::registry {

/// A file could not be used as a plugin: not a shared library, truncated, no entry symbol, a
/// malformed descriptor, or its init failed. The message names the file.
class load_error : public spark::error {
public:
    load_error(std::filesystem::path file, const std::string& message);
    [[nodiscard]] const std::filesystem::path& file() const noexcept { return file_; }

private:
    std::filesystem::path file_;
};

/// The plugin was built against an ABI version this host cannot load.
class abi_error : public load_error {
public:
    using load_error::load_error;
};

/// Two files claim the same plugin id or the same canonical type id.
class collision_error : public load_error {
public:
    using load_error::load_error;
};

/// A plugin's manifest (spark-<name>.manifest.json) is unreadable, malformed, or disagrees with
/// what its library reports; the message names the manifest and the difference.
class manifest_error : public load_error {
public:
    using load_error::load_error;
};

/// A name did not resolve to exactly one type (unknown, or an ambiguous bare class_ref).
class resolve_error : public spark::error {
public:
    using spark::error::error;
};

/// A plugin function returned an error status (or its exception was caught by the SDK guard).
/// what() = "<type id> '<instance>': <operation> failed (<status name>): <plugin's message>".
class plugin_error : public spark::error {
public:
    plugin_error(std::int32_t status,
                 std::string type_id,
                 std::string instance_name,
                 const std::string& message);
    [[nodiscard]] std::int32_t status() const noexcept { return status_; }
    [[nodiscard]] const std::string& type_id() const noexcept { return type_id_; }
    [[nodiscard]] const std::string& instance_name() const noexcept { return instance_name_; }

private:
    std::int32_t status_;
    std::string type_id_;
    std::string instance_name_;
};

/// The name of a status code, e.g. "SPARK_ERR_INVALID_ARGUMENT" (or "status 42" when unknown).
[[nodiscard]] std::string status_name(std::int32_t status);

} // namespace spark::registry
