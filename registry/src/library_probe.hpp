// SPDX-License-Identifier: Apache-2.0
// Loading a plugin library first in a child process, so that a library that crashes, exits or
// hangs while it loads takes down the child instead of the host (ADR 0018).
#pragma once
#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <spark/registry/plugin_manifest.hpp>

namespace spark::registry::detail {

/// How loading one library went in its probe process.
struct probe_verdict {
    /// The child got through the whole load (and the plugin's deinit) and said so. When false,
    /// `failure` says what happened instead.
    bool survived = false;
    /// What the library did to the child, where: "was killed by signal SIGSEGV (Segmentation
    /// fault) in a static constructor (dlopen)". Empty when it survived.
    std::string failure;
    /// What the library offers, when the loader accepted it in the child.
    std::optional<plugin_manifest> offered;
    /// The loader's refusal in the child (a wrong ABI, a malformed type...), when it refused the
    /// library without crashing; the host's own load then refuses it the same way.
    std::string refusal;
};

/// Loads each file with the real loader in a child process of its own, all children at once,
/// and waits at most `timeout` for them all; a child still running then is killed. Verdicts in
/// the order of `files`. Throws spark::error when a child process cannot be started (after
/// stopping those already started).
[[nodiscard]] std::vector<probe_verdict>
probe_libraries(const std::vector<std::filesystem::path>& files, std::chrono::milliseconds timeout);

/// "SIGSEGV (Segmentation fault)" for a signal number.
[[nodiscard]] std::string signal_description(int signal_number);

} // namespace spark::registry::detail
