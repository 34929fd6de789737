// SPDX-License-Identifier: Apache-2.0
#include "brain/checkpoint_format.hpp"

#include <stdexcept>

#include <openssl/evp.h>

namespace spark::runtime::detail::checkpoint_format {

void put_u32(unsigned char* to, std::uint32_t value) noexcept {
    for (int i = 0; i < 4; ++i) {
        to[i] = static_cast<unsigned char>(value >> (8 * i));
    }
}

void put_u64(unsigned char* to, std::uint64_t value) noexcept {
    for (int i = 0; i < 8; ++i) {
        to[i] = static_cast<unsigned char>(value >> (8 * i));
    }
}

std::uint32_t get_u32(const unsigned char* from) noexcept {
    std::uint32_t value = 0;
    for (int i = 3; i >= 0; --i) {
        value = (value << 8) | from[i];
    }
    return value;
}

std::uint64_t get_u64(const unsigned char* from) noexcept {
    std::uint64_t value = 0;
    for (int i = 7; i >= 0; --i) {
        value = (value << 8) | from[i];
    }
    return value;
}

struct sha256::context {
    EVP_MD_CTX* evp = nullptr;
};

sha256::sha256() : context_(std::make_unique<context>()) {
    context_->evp = EVP_MD_CTX_new();
    if (context_->evp == nullptr || EVP_DigestInit_ex(context_->evp, EVP_sha256(), nullptr) != 1) {
        EVP_MD_CTX_free(context_->evp);
        throw std::runtime_error("OpenSSL cannot start a SHA-256 digest");
    }
}

sha256::~sha256() {
    EVP_MD_CTX_free(context_->evp);
}

void sha256::add(const void* data, std::size_t size) {
    if (size > 0 && EVP_DigestUpdate(context_->evp, data, size) != 1) {
        throw std::runtime_error("OpenSSL cannot update a SHA-256 digest");
    }
}

std::array<unsigned char, 32> sha256::finish() {
    std::array<unsigned char, 32> digest{};
    unsigned int length = 0;
    if (EVP_DigestFinal_ex(context_->evp, digest.data(), &length) != 1 || length != 32) {
        throw std::runtime_error("OpenSSL cannot finish a SHA-256 digest");
    }
    return digest;
}

std::string hex(const std::array<unsigned char, 32>& bytes) {
    static constexpr char digits[] = "0123456789abcdef";
    std::string text;
    for (const auto byte : bytes) {
        text += digits[byte >> 4];
        text += digits[byte & 0xf];
    }
    return text;
}

} // namespace spark::runtime::detail::checkpoint_format
