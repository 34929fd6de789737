// SPDX-License-Identifier: Apache-2.0
// The checkpoint file's frame (docs/file-format.md section 12): header, manifest, 64-byte aligned
// arrays, trailer with the SHA-256 of everything before it. Constants and the incremental
// SHA-256 both the writer and the reader use.
#pragma once
#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

namespace spark::runtime::detail::checkpoint_format {

inline constexpr std::array<char, 8> magic = {'S', 'P', 'A', 'R', 'K', 'C', 'K', 'P'};
inline constexpr std::array<char, 8> end_magic = {'S', 'P', 'K', 'C', 'K', 'E', 'N', 'D'};
/// The version this build writes and the newest it reads.
inline constexpr std::uint32_t version = 1;
/// magic, u32 version, u32 reserved, u64 manifest length.
inline constexpr std::uint64_t header_bytes = 24;
/// SHA-256, end magic.
inline constexpr std::uint64_t trailer_bytes = 32 + 8;
/// Every array starts at a multiple of this (the ABI's buffer alignment: a reader may map it).
inline constexpr std::uint64_t alignment = 64;
/// The manifest is JSON text of at most this many bytes, whatever the file says.
inline constexpr std::uint64_t max_manifest_bytes = 64ULL * 1024 * 1024;

[[nodiscard]] constexpr std::uint64_t aligned(std::uint64_t offset) noexcept {
    return (offset + alignment - 1) / alignment * alignment;
}

/// Little-endian u32/u64 (the file's byte order whatever the machine's).
void put_u32(unsigned char* to, std::uint32_t value) noexcept;
void put_u64(unsigned char* to, std::uint64_t value) noexcept;
[[nodiscard]] std::uint32_t get_u32(const unsigned char* from) noexcept;
[[nodiscard]] std::uint64_t get_u64(const unsigned char* from) noexcept;

/// SHA-256 fed piece by piece (OpenSSL EVP), so that no file is ever held whole.
class sha256 {
public:
    sha256();
    ~sha256();
    sha256(const sha256&) = delete;
    sha256& operator=(const sha256&) = delete;
    void add(const void* data, std::size_t size);
    [[nodiscard]] std::array<unsigned char, 32> finish();

private:
    struct context;
    std::unique_ptr<context> context_;
};

/// Lower-case hex of `bytes`.
[[nodiscard]] std::string hex(const std::array<unsigned char, 32>& bytes);

} // namespace spark::runtime::detail::checkpoint_format
