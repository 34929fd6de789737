// SPDX-License-Identifier: Apache-2.0
// Helpers for the registry tests: catching an exact error type, building configs and host-owned
// buffers, asking the dynamic loader whether a library is loaded, and sha256sum.
#pragma once
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <dlfcn.h>
#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <iterator>
#include <memory>
#include <span>
#include <string>
#include <typeinfo>
#include <vector>

#include <boost/test/unit_test.hpp>

#include <spark/abi/spark_abi.h>

#include "check_close.hpp"

namespace spark::test {

/// Runs `fn`, expects it to throw `Error` (exactly that type unless `exact` is false) and
/// returns what(). Any other exception escapes and fails the test.
template <typename Error, typename Fn>
std::string error_message(Fn&& fn, bool exact = true) {
    try {
        std::forward<Fn>(fn)();
    } catch (const Error& e) {
        if (exact) {
            BOOST_TEST((typeid(e) == typeid(Error)),
                       "expected exactly " << typeid(Error).name() << ", got " << typeid(e).name()
                                           << ": " << e.what());
        }
        return e.what();
    }
    BOOST_FAIL("expected an exception of type " << typeid(Error).name() << ", nothing thrown");
    return {};
}

/// Whether the dynamic loader has `file` loaded right now (RTLD_NOLOAD loads nothing).
inline bool is_loaded(const std::filesystem::path& file) {
    void* handle = ::dlopen(file.c_str(), RTLD_NOW | RTLD_NOLOAD);
    if (handle == nullptr) {
        return false;
    }
    ::dlclose(handle); // drops the reference NOLOAD added
    return true;
}

/// The digest `sha256sum` prints for `file`.
inline std::string sha256sum(const std::filesystem::path& file) {
    const std::string command = "sha256sum '" + file.string() + "'";
    std::unique_ptr<FILE, int (*)(FILE*)> pipe(::popen(command.c_str(), "r"), &::pclose);
    BOOST_TEST_REQUIRE(pipe != nullptr);
    char digest[65] = {};
    BOOST_TEST_REQUIRE(std::fread(digest, 1, 64, pipe.get()) == 64U);
    return digest;
}

inline std::string file_bytes(const std::filesystem::path& file) {
    std::ifstream in(file, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

/// A config in schema order, owning the storage its values point to.
class config_builder {
public:
    config_builder& add_float(double value) {
        spark_value_t v{};
        v.type = SPARK_FIELD_FLOAT;
        v.f = value;
        values_.push_back(v);
        return *this;
    }
    config_builder& add_int(std::int64_t value) {
        spark_value_t v{};
        v.type = SPARK_FIELD_INT;
        v.i = value;
        values_.push_back(v);
        return *this;
    }
    config_builder& add_ints(std::initializer_list<std::int64_t> value) {
        auto& storage =
            int_arrays_.emplace_back(std::make_unique<std::vector<std::int64_t>>(value));
        spark_value_t v{};
        v.type = SPARK_FIELD_INT_ARRAY;
        v.count = static_cast<std::uint32_t>(storage->size());
        v.ints = storage->data();
        values_.push_back(v);
        return *this;
    }
    /// The config; valid while this builder lives and is not changed.
    [[nodiscard]] spark_config_t
    get(const char* class_ref, std::int32_t dtype = SPARK_DTYPE_F64, double dt = 1.0) const {
        spark_config_t config{};
        config.class_ref = class_ref;
        config.values = values_.empty() ? nullptr : values_.data();
        config.count = static_cast<std::uint32_t>(values_.size());
        config.seed = 42;
        config.dtype = dtype;
        config.dt = dt;
        return config;
    }

private:
    std::vector<spark_value_t> values_;
    std::vector<std::unique_ptr<std::vector<std::int64_t>>> int_arrays_;
};

inline spark_port_spec_t port_spec(std::int32_t payload_kind,
                                   std::int32_t dtype,
                                   std::initializer_list<std::uint32_t> dims) {
    spark_port_spec_t spec{};
    spec.payload_kind = payload_kind;
    spec.dtype = dtype;
    spec.shape.rank = static_cast<std::uint32_t>(dims.size());
    std::uint32_t d = 0;
    for (const auto dim : dims) {
        spec.shape.dims[d++] = dim;
    }
    return spec;
}

/// A host-owned buffer, 64-byte aligned as the ABI promises plugins.
class host_buffer {
public:
    explicit host_buffer(const spark_port_spec_t& spec) : spec_(spec) {
        count_ = 1;
        for (std::uint32_t d = 0; d < spec.shape.rank; ++d) {
            count_ *= spec.shape.dims[d];
        }
        const std::size_t bytes = ((count_ * element_size() + 63) / 64 + 1) * 64;
        storage_.reset(static_cast<std::byte*>(std::aligned_alloc(64, bytes)));
        std::memset(storage_.get(), 0xA5, bytes); // garbage: the plugin must write every element
    }
    [[nodiscard]] spark_buffer_t view() const {
        return spark_buffer_t{storage_.get(), count_, spec_};
    }
    template <typename T>
    [[nodiscard]] std::span<T> as() const {
        return {reinterpret_cast<T*>(storage_.get()), static_cast<std::size_t>(count_)};
    }
    template <typename T>
    void fill(std::initializer_list<T> values) const {
        BOOST_TEST_REQUIRE(values.size() == count_);
        std::copy(values.begin(), values.end(), as<T>().begin());
    }
    template <typename T>
    [[nodiscard]] std::vector<T> values() const {
        const auto view = as<T>();
        return {view.begin(), view.end()};
    }

private:
    [[nodiscard]] std::size_t element_size() const {
        switch (spec_.dtype) {
        case SPARK_DTYPE_F64:
            return 8;
        case SPARK_DTYPE_F32:
        case SPARK_DTYPE_I32:
            return 4;
        default:
            return 1;
        }
    }
    struct free_deleter {
        void operator()(std::byte* p) const noexcept { std::free(p); }
    };
    spark_port_spec_t spec_;
    std::uint64_t count_ = 0;
    std::unique_ptr<std::byte, free_deleter> storage_;
};

/// A step context over host buffers (one input, one output: all our test types have that).
inline spark_step_context_t step_context(std::uint64_t index,
                                         double dt,
                                         std::span<const spark_buffer_t> inputs,
                                         std::span<const spark_buffer_t> outputs) {
    spark_step_context_t context{};
    context.step_index = index;
    context.dt = dt;
    context.inputs = inputs.data();
    context.input_count = static_cast<std::uint32_t>(inputs.size());
    context.outputs = outputs.data();
    context.output_count = static_cast<std::uint32_t>(outputs.size());
    return context;
}

} // namespace spark::test
