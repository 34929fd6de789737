// SPDX-License-Identifier: Apache-2.0
#include "sha256.hpp"

#include <array>
#include <fstream>
#include <memory>
#include <stdexcept>
#include <string_view>

#include <openssl/evp.h>

namespace spark::registry::detail {
namespace {

struct md_context_deleter {
    void operator()(EVP_MD_CTX* context) const noexcept { EVP_MD_CTX_free(context); }
};

} // namespace

std::string sha256_hex(const std::filesystem::path& file) {
    std::ifstream in(file, std::ios::binary);
    if (!in) {
        throw std::runtime_error("cannot read " + file.string() + " to compute its SHA-256");
    }
    const std::unique_ptr<EVP_MD_CTX, md_context_deleter> context(EVP_MD_CTX_new());
    if (!context || EVP_DigestInit_ex(context.get(), EVP_sha256(), nullptr) != 1) {
        throw std::runtime_error("cannot initialise SHA-256 (OpenSSL EVP) for " + file.string());
    }
    std::array<char, std::size_t{64} * 1024> buffer{};
    while (in) {
        in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
        const auto got = in.gcount();
        if (got > 0 &&
            EVP_DigestUpdate(context.get(), buffer.data(), static_cast<std::size_t>(got)) != 1) {
            throw std::runtime_error("SHA-256 update failed for " + file.string());
        }
    }
    if (in.bad()) {
        throw std::runtime_error("read error in " + file.string() + " while computing its SHA-256");
    }
    std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
    unsigned int length = 0;
    if (EVP_DigestFinal_ex(context.get(), digest.data(), &length) != 1) {
        throw std::runtime_error("SHA-256 final step failed for " + file.string());
    }
    static constexpr std::string_view hex_digits = "0123456789abcdef";
    std::string hex;
    hex.reserve(std::size_t{2} * length);
    for (unsigned int i = 0; i < length; ++i) {
        hex.push_back(hex_digits[digest[i] >> 4U]);
        hex.push_back(hex_digits[digest[i] & 0x0FU]);
    }
    return hex;
}

} // namespace spark::registry::detail
