// SPDX-License-Identifier: Apache-2.0
// The one way the loader refuses a file, so that every refusal reads
// "cannot load plugin <file>: <problem>" (internal).
#pragma once
#include <filesystem>
#include <string>

#include <spark/registry/errors.hpp>

namespace spark::registry::detail {

[[nodiscard]] inline std::string refusal_prefix(const std::filesystem::path& file) {
    return "cannot load plugin " + file.string() + ": ";
}

[[noreturn]] inline void refuse(const std::filesystem::path& file, const std::string& problem) {
    throw load_error(file, refusal_prefix(file) + problem);
}

} // namespace spark::registry::detail
