// SPDX-License-Identifier: Apache-2.0
#include "elf_file.hpp"

#include <cstdint>
#include <cstring>
#include <elf.h>
#include <fstream>
#include <string>
#include <vector>

#include "refusal.hpp"

namespace spark::registry::detail {
namespace {

std::vector<Elf64_Shdr> read_section_headers(std::ifstream& in, const Elf64_Ehdr& header) {
    std::vector<Elf64_Shdr> sections(header.e_shnum);
    in.seekg(static_cast<std::streamoff>(header.e_shoff));
    in.read(reinterpret_cast<char*>(sections.data()),
            static_cast<std::streamsize>(sections.size() * sizeof(Elf64_Shdr)));
    if (!in) {
        sections.clear();
    }
    return sections;
}

std::vector<char> read_section(std::ifstream& in, const Elf64_Shdr& section) {
    std::vector<char> bytes(section.sh_size);
    in.seekg(static_cast<std::streamoff>(section.sh_offset));
    in.read(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    if (!in) {
        bytes.clear();
    }
    return bytes;
}

} // namespace

// The ELF layout checks library_info leaves out: it trusts the offsets in the file, so a
// truncated or corrupt file could make it read garbage sizes. Everything is checked against the
// real file size before library_info reads sections.
void check_elf_layout(const std::filesystem::path& file) {
    const auto size = std::filesystem::file_size(file);
    std::ifstream in(file, std::ios::binary);
    Elf64_Ehdr header{};
    if (size < sizeof(header) || !in.read(reinterpret_cast<char*>(&header), sizeof(header))) {
        refuse(file,
               "the file is truncated: expected at least " + std::to_string(sizeof(header)) +
                   " bytes of ELF header, found " + std::to_string(size) + " bytes");
    }
    if (header.e_ident[EI_CLASS] != ELFCLASS64) {
        refuse(file,
               "expected a 64-bit ELF shared library, found ELF class " +
                   std::to_string(header.e_ident[EI_CLASS]));
    }
    if (header.e_type != ET_DYN) {
        refuse(file,
               "expected a shared library (ELF type " + std::to_string(ET_DYN) +
                   ", ET_DYN), found ELF type " + std::to_string(header.e_type) +
                   "; build plugins as shared modules with spark_add_plugin()");
    }
    if (header.e_shentsize != sizeof(Elf64_Shdr)) {
        refuse(file,
               "the ELF file is corrupt: expected section headers of " +
                   std::to_string(sizeof(Elf64_Shdr)) + " bytes, found " +
                   std::to_string(header.e_shentsize));
    }
    const std::uint64_t headers_end =
        header.e_shoff + std::uint64_t{header.e_shnum} * sizeof(Elf64_Shdr);
    if (headers_end > size || header.e_shoff > size) {
        refuse(file,
               "the file is truncated: its section headers end at byte " +
                   std::to_string(headers_end) + ", found only " + std::to_string(size) + " bytes");
    }
    in.seekg(static_cast<std::streamoff>(header.e_shoff));
    for (unsigned i = 0; i < header.e_shnum; ++i) {
        Elf64_Shdr section{};
        if (!in.read(reinterpret_cast<char*>(&section), sizeof(section))) {
            refuse(file, "the ELF file cannot be read at section header " + std::to_string(i));
        }
        const bool occupies_file = section.sh_type != SHT_NOBITS && section.sh_type != SHT_NULL;
        if (occupies_file &&
            (section.sh_offset > size || section.sh_size > size - section.sh_offset)) {
            refuse(file,
                   "the file is truncated: section " + std::to_string(i) + " ends at byte " +
                       std::to_string(section.sh_offset + section.sh_size) + ", found only " +
                       std::to_string(size) + " bytes");
        }
    }
}

std::optional<spark_version_t> read_symbol_version(const std::filesystem::path& file,
                                                   std::string_view symbol) {
    std::ifstream in(file, std::ios::binary);
    Elf64_Ehdr header{};
    if (!in.read(reinterpret_cast<char*>(&header), sizeof(header))) {
        return std::nullopt;
    }
    const auto sections = read_section_headers(in, header);
    for (const auto& table : sections) {
        if (table.sh_type != SHT_DYNSYM || table.sh_link >= sections.size()) {
            continue;
        }
        const auto names = read_section(in, sections[table.sh_link]);
        const auto symbol_bytes = read_section(in, table);
        const std::size_t count = symbol_bytes.size() / sizeof(Elf64_Sym);
        for (std::size_t i = 0; i < count; ++i) {
            Elf64_Sym entry{};
            std::memcpy(&entry, symbol_bytes.data() + i * sizeof(Elf64_Sym), sizeof(entry));
            if (entry.st_name >= names.size() || entry.st_shndx == SHN_UNDEF ||
                entry.st_shndx >= sections.size()) {
                continue;
            }
            const char* name = names.data() + entry.st_name;
            if (std::string_view(name, strnlen(name, names.size() - entry.st_name)) != symbol) {
                continue;
            }
            const auto& home = sections[entry.st_shndx];
            if (home.sh_type == SHT_NOBITS || entry.st_value < home.sh_addr ||
                entry.st_value - home.sh_addr + sizeof(spark_version_t) > home.sh_size) {
                return std::nullopt;
            }
            spark_version_t version{};
            in.seekg(static_cast<std::streamoff>(home.sh_offset + (entry.st_value - home.sh_addr)));
            if (!in.read(reinterpret_cast<char*>(&version), sizeof(version))) {
                return std::nullopt;
            }
            return version;
        }
    }
    return std::nullopt;
}

} // namespace spark::registry::detail
