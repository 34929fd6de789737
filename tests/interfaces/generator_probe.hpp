// SPDX-License-Identifier: Apache-2.0
// A module without input ports (the spike and current generators), built, reset and stepped on a
// host-owned output buffer; plus the scratch files the spike generator's tests read.
#pragma once
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <boost/test/unit_test.hpp>

#include <spark/abi/spark_abi.h>
#include <spark/registry/plugin_registry.hpp>

#include "interfaces_fixture.hpp"

namespace spark::test {

/// A built, reset instance of a type with no input and one output of elements Out.
template <typename Out>
struct generator_probe {
    runtime::module_config cfg;
    registry::module_instance instance;
    spark_port_spec_t out_spec{};
    std::vector<Out> out;
    spark_buffer_t out_buffer{};

    generator_probe(interfaces_fixture& f, std::string_view type, std::string_view overrides)
        : cfg(f.config(type, overrides)),
          instance(f.registry.create(cfg.type(), cfg.abi(), "probe")) {
        instance.build(std::span<const spark_port_spec_t>(), std::span(&out_spec, 1));
        std::size_t n = 1;
        for (std::uint32_t i = 0; i < out_spec.shape.rank; ++i) {
            n *= out_spec.shape.dims[i];
        }
        out.assign(n, Out{99});
        out_buffer = {out.data(), out.size(), out_spec};
        reset();
    }

    void reset() { instance.reset(std::span(&out_buffer, 1)); }

    /// Steps with index k and returns the output.
    const std::vector<Out>& step(std::uint64_t k) {
        const spark_step_context_t ctx{k, cfg.dt(), nullptr, 0, &out_buffer, 1};
        instance.step(ctx);
        return out;
    }
};

/// Writes `bytes` to `file` as they are; returns the path as a string.
inline std::string write_bytes(const std::filesystem::path& file, std::string_view bytes) {
    std::ofstream stream(file, std::ios::binary);
    stream.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    BOOST_TEST_REQUIRE(stream.good(), "cannot write " << file);
    return file.string();
}

/// A .npy file's bytes: format `major` (1, or 2/3 with a 4-byte header length), the header dict
/// from `descr`, `fortran` and `shape` (as Python writes a tuple), then `data` as given.
inline std::string npy_bytes(const std::string& descr,
                             const std::string& shape,
                             std::string_view data,
                             bool fortran = false,
                             unsigned major = 1) {
    std::string dict = "{'descr': '" + descr +
                       "', 'fortran_order': " + (fortran ? "True" : "False") +
                       ", 'shape': " + shape + ", }";
    const std::size_t lead = major == 1 ? 10 : 12;
    while ((lead + dict.size() + 1) % 64 != 0) {
        dict += ' ';
    }
    dict += '\n';
    std::string bytes("\x93NUMPY", 6);
    bytes += static_cast<char>(major);
    bytes += '\0';
    const auto n = dict.size();
    bytes += static_cast<char>(n & 0xFFU);
    bytes += static_cast<char>((n >> 8U) & 0xFFU);
    if (major != 1) {
        bytes += static_cast<char>((n >> 16U) & 0xFFU);
        bytes += static_cast<char>((n >> 24U) & 0xFFU);
    }
    return bytes + dict + std::string(data);
}

/// Little- or big-endian bytes of each value, `size` bytes each (two's complement).
inline std::string
integer_bytes(const std::vector<std::int64_t>& values, std::size_t size, bool big_endian = false) {
    std::string bytes;
    for (const auto v : values) {
        const auto bits = static_cast<std::uint64_t>(v);
        for (std::size_t b = 0; b < size; ++b) {
            const std::size_t shift = 8 * (big_endian ? size - 1 - b : b);
            bytes += static_cast<char>((bits >> shift) & 0xFFU);
        }
    }
    return bytes;
}

} // namespace spark::test
