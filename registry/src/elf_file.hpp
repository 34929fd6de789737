// SPDX-License-Identifier: Apache-2.0
// Reading a plugin file as ELF data, without mapping or running any of it (internal): the layout
// checks Boost.DLL's library_info leaves out, and the entry's ABI version read from the file, so
// that an incompatible plugin is refused before dlopen runs even its static initialisers.
#pragma once
#include <filesystem>
#include <optional>
#include <string_view>

#include <spark/abi/version.h>

namespace spark::registry::detail {

/// Checks the ELF header, the section headers and every section against the real file size.
/// Throws load_error naming the file when it is not a 64-bit ELF shared library or is truncated.
void check_elf_layout(const std::filesystem::path& file);

/// The first sizeof(spark_version_t) bytes of the exported data symbol `symbol`, read from the
/// file; nullopt when they are not stored in the file (e.g. the symbol is in .bss). Call after
/// check_elf_layout.
[[nodiscard]] std::optional<spark_version_t> read_symbol_version(const std::filesystem::path& file,
                                                                 std::string_view symbol);

} // namespace spark::registry::detail
